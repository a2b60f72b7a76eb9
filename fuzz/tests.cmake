# CTest entries (label `fuzz`) that build the clang fuzz project (fuzz/CMakeLists.txt) in
# <build>/fuzz-build and run every target briefly: each replays its regression cases and seed
# corpus, then runs a fixed number of inputs (10-20 s each on 2 cores) from a fixed seed, so that a
# test run is repeatable and passes or fails on the code alone. Exploring with random seeds is
# fuzz/run.sh's default (docs/reliability.md). Included from tests/CMakeLists.txt.
set(ADBJIT_FUZZ_SEED 20261123 CACHE STRING "libFuzzer seed of the fuzz tests")
set(ADBJIT_FUZZ_MAX_SECONDS 120 CACHE STRING "Cap in seconds on each fuzz test (they stop after a fixed number of inputs)")
set(_fuzz_runs_codec_fuzz 250000)
set(_fuzz_runs_api_response_fuzz 15000)
set(_fuzz_runs_handshake_fuzz 250000)
set(_fuzz_dir ${CMAKE_BINARY_DIR}/fuzz-build)
add_test(NAME fuzz_build COMMAND bash ${PROJECT_SOURCE_DIR}/fuzz/run.sh build ${_fuzz_dir})
set_tests_properties(fuzz_build PROPERTIES
  LABELS fuzz TIMEOUT 1200 PROCESSORS 2 FIXTURES_SETUP adbjit_fuzz_build)
foreach(_target codec_fuzz api_response_fuzz handshake_fuzz)
  add_test(NAME ${_target}
    COMMAND bash ${PROJECT_SOURCE_DIR}/fuzz/run.sh run ${_fuzz_dir} ${_target} ${ADBJIT_FUZZ_MAX_SECONDS})
  set_tests_properties(${_target} PROPERTIES
    LABELS fuzz TIMEOUT 300 FIXTURES_REQUIRED adbjit_fuzz_build
    ENVIRONMENT "ADBJIT_FUZZ_SEED=${ADBJIT_FUZZ_SEED};ADBJIT_FUZZ_RUNS=${_fuzz_runs_${_target}}")
endforeach()
