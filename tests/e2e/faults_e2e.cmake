# Fault injection (operation x fault table) and the load run through the real terraform CLI against
# the in-process emulator (issue 8), both in the default suite. The load run is 500 resources
# (ADBJIT_LOAD_SCALE=5; about 30 s on 2 cores); label `load` selects it alone.
adbjit_test(NAME faults_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/faults_test.cc
  LIBS adbjit_e2e_harness GTest::gmock
  LABELS e2e faults
  TIMEOUT 300)
adbjit_test(NAME load_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/load_test.cc
  LIBS adbjit_e2e_harness GTest::gmock
  LABELS e2e faults load
  TIMEOUT 900)
if(TARGET load_e2e_test)
  target_compile_definitions(load_e2e_test PRIVATE ADBJIT_LOAD_SCALE=5)
endif()
