# The `package` target of a build directory that is not portable (cmake -P; see Packaging.cmake):
# configures BINARY_DIR once as a portable release build (only its provider gets built), builds
# its `package` target, and copies the zip and SHA256SUMS into OUT_DIR.
#
#   -DSOURCE_DIR=  -DBINARY_DIR=  -DOUT_DIR=  -DGENERATOR=  -DCXX_COMPILER=  -DC_COMPILER=
#   -DPACKAGE_FILES=<zip name>;<SHA256SUMS name>
cmake_minimum_required(VERSION 3.25)

foreach(var SOURCE_DIR BINARY_DIR OUT_DIR GENERATOR PACKAGE_FILES)
  if(NOT ${var})
    message(FATAL_ERROR "BuildPortablePackage.cmake: -D${var}=... is required")
  endif()
endforeach()

if(NOT EXISTS "${BINARY_DIR}/CMakeCache.txt")
  set(compilers "")
  if(CXX_COMPILER)
    list(APPEND compilers "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
  endif()
  if(C_COMPILER)
    list(APPEND compilers "-DCMAKE_C_COMPILER=${C_COMPILER}")
  endif()
  # The same settings as the `release` preset, without tests, benchmarks or sanitizers.
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
      -DCMAKE_BUILD_TYPE=Release -DADBJIT_PORTABLE=ON -DADBJIT_BUILD_TESTS=OFF
      -DADBJIT_BUILD_BENCH=OFF -DADBJIT_SANITIZE= ${compilers}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(REMOVE "${BINARY_DIR}/CMakeCache.txt")
    message(FATAL_ERROR "configuring the portable build in ${BINARY_DIR} failed")
  endif()
endif()

# An existing directory must really be portable, or its own `package` would nest again.
file(STRINGS "${BINARY_DIR}/CMakeCache.txt" portable REGEX "^ADBJIT_PORTABLE:BOOL=")
if(NOT portable MATCHES "=(ON|TRUE|1|YES)$")
  message(FATAL_ERROR "${BINARY_DIR} is not configured with ADBJIT_PORTABLE=ON (${portable})")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY_DIR}" --target package RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the portable package in ${BINARY_DIR} failed")
endif()

foreach(file IN LISTS PACKAGE_FILES)
  file(COPY_FILE "${BINARY_DIR}/${file}" "${OUT_DIR}/${file}" ONLY_IF_DIFFERENT)
  message(STATUS "${OUT_DIR}/${file}")
endforeach()
