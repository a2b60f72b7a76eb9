# CTest entries (label `fuzz`) that build the clang fuzz project (fuzz/CMakeLists.txt) in
# <build>/fuzz-build and run every target briefly: each replays its regression cases and seed
# corpus, then fuzzes for ADBJIT_FUZZ_SECONDS. Included from tests/CMakeLists.txt.
set(ADBJIT_FUZZ_SECONDS 15 CACHE STRING "Seconds each fuzz target runs in the test suite")
set(_fuzz_dir ${CMAKE_BINARY_DIR}/fuzz-build)
add_test(NAME fuzz_build COMMAND bash ${PROJECT_SOURCE_DIR}/fuzz/run.sh build ${_fuzz_dir})
set_tests_properties(fuzz_build PROPERTIES
  LABELS fuzz TIMEOUT 1200 PROCESSORS 2 FIXTURES_SETUP adbjit_fuzz_build)
foreach(_target codec_fuzz api_response_fuzz handshake_fuzz)
  add_test(NAME ${_target}
    COMMAND bash ${PROJECT_SOURCE_DIR}/fuzz/run.sh run ${_fuzz_dir} ${_target} ${ADBJIT_FUZZ_SECONDS})
  set_tests_properties(${_target} PROPERTIES
    LABELS fuzz TIMEOUT 300 FIXTURES_REQUIRED adbjit_fuzz_build)
endforeach()
