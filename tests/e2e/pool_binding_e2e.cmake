# End-to-end tests of adbjit_instance_pool and adbjit_keyvault_binding (with import and
# parallelism), and of `moved` blocks from the Go providers' resources: three binaries so that
# ctest -j2 runs them side by side.
adbjit_test(NAME pool_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/pool_e2e_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/parallelism_e2e_test.cc
  LIBS adbjit_e2e_harness adbjit_clients GTest::gmock
  LABELS e2e
  TIMEOUT 600)
adbjit_test(NAME binding_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/binding_e2e_test.cc
  LIBS adbjit_e2e_harness adbjit_clients GTest::gmock
  LABELS e2e
  TIMEOUT 600)
adbjit_test(NAME move_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/move_e2e_test.cc
  LIBS adbjit_e2e_harness adbjit_clients GTest::gmock
  LABELS e2e
  TIMEOUT 600)
