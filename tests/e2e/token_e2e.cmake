# End-to-end tests of adbjit_token (managed and ephemeral) and the adbjit_tokens data source.
adbjit_test(NAME token_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/token_e2e_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/token_errors_e2e_test.cc
    ${CMAKE_CURRENT_SOURCE_DIR}/token_ephemeral_e2e_test.cc
  LIBS adbjit_e2e_harness adbjit_clients GTest::gmock
  LABELS e2e
  TIMEOUT 600)
