# Fault injection (operation x fault table) and load runs through the real terraform CLI against
# the in-process emulator (issue 8). The 100-resource load run is part of the default suite; the
# full 500-resource run carries only the label `load` (ctest -L load), see docs/reliability.md.
adbjit_test(NAME faults_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/faults_test.cc
  LIBS adbjit_e2e_harness GTest::gmock
  LABELS e2e faults
  TIMEOUT 300)
adbjit_test(NAME load_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/load_test.cc
  LIBS adbjit_e2e_harness GTest::gmock
  LABELS e2e faults
  TIMEOUT 900)
adbjit_test(NAME load_full_e2e_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/load_test.cc
  LIBS adbjit_e2e_harness GTest::gmock
  LABELS load
  TIMEOUT 2700)
if(TARGET load_full_e2e_test)
  target_compile_definitions(load_full_e2e_test PRIVATE ADBJIT_LOAD_SCALE=5)
endif()
