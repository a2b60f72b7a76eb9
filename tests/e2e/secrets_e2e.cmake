# Secret hygiene (issue 8): a TF_LOG=TRACE apply / plan / rotate / destroy with a known client
# secret, PATs and Key Vault values, none of which may leak outside the state file. The same
# binary holds the parallel scenario (20 tokens + 20 bindings, -parallelism=10) that
# scripts/sanitize.sh runs under ASan+UBSan and TSan.
adbjit_test(NAME secrets_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/secrets_e2e_test.cc ${CMAKE_CURRENT_SOURCE_DIR}/parallel_e2e_test.cc
  LIBS adbjit_e2e_harness adbjit_clients GTest::gmock
  LABELS e2e
  TIMEOUT 600)
