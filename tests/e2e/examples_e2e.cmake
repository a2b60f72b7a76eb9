# Every example under examples/ passes `terraform validate` (issue 6).
adbjit_test(NAME examples_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/examples_test.cc
  LIBS adbjit_e2e_harness GTest::gmock
  LABELS e2e
  TIMEOUT 300)
target_compile_definitions(examples_e2e_test PRIVATE ADBJIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
