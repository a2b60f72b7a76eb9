# Shared CMake helpers: warnings, sanitizers, and a one-line test registration.

add_library(adbjit_warnings INTERFACE)
# -Wmissing-field-initializers fires on every designated-initializer schema literal, and GCC 12
# reports -Wrestrict false positives inside std::string operator+ (GCC bug 105329).
target_compile_options(adbjit_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter
  -Wno-missing-field-initializers $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  $<$<BOOL:${ADBJIT_WERROR}>:-Werror>)

if(ADBJIT_SANITIZE)
  add_compile_options(-fsanitize=${ADBJIT_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${ADBJIT_SANITIZE})
endif()

# adbjit_test(NAME name SOURCES a_test.cc ... LIBS lib ... LABELS unit ...)
# Builds one GoogleTest binary and registers every test in it with CTest.
function(adbjit_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ADBJIT_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main adbjit_warnings)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  gtest_discover_tests(${T_NAME}
    PROPERTIES TIMEOUT ${T_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
  # Labels are set after discovery by a CTest include file of our own: gtest_discover_tests'
  # PROPERTIES splits a list value, so a test with several labels would keep only the first.
  set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_labels.cmake")
  file(WRITE "${labels_file}"
    "if(DEFINED ${T_NAME}_TESTS)\n  set_tests_properties(\${${T_NAME}_TESTS} PROPERTIES LABELS \"${T_LABELS}\")\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
endfunction()
