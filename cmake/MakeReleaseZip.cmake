# Writes the release zip and SHA256SUMS from a portable provider binary (cmake -P; see Packaging.cmake).
#
#   -DBINARY=<built terraform-provider-adbjit>  -DVERSION=0.1.0  -DOUT_DIR=<dir>  -DSTAGING_DIR=<dir>
#   -DSTRIP=<strip program>  -DBASE_LIBS=<cmake/base-system-libs.txt>  [-DZIP=<zip program>]
#   [-DMODULES=<libraries the binary dlopens, by their soname path, e.g. .../libcurl.so.4>]
#
# The zip holds terraform-provider-adbjit_v<VERSION> (stripped, mode 0755), the MODULES, and every
# shared library the binary or a module loads that a minimal Debian system lacks (mode 0644, named
# by soname), all at the top level.
# Entries carry a fixed timestamp (SOURCE_DATE_EPOCH, else 2020-01-01) and no extra attributes,
# so the same binary always gives the same zip and the same checksum.
cmake_minimum_required(VERSION 3.25)

foreach(var BINARY VERSION OUT_DIR STAGING_DIR STRIP BASE_LIBS)
  if(NOT ${var})
    message(FATAL_ERROR "MakeReleaseZip.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT ZIP)
  find_program(ZIP zip REQUIRED)
endif()

set(name "terraform-provider-adbjit_${VERSION}")
set(zip_name "${name}_linux_amd64.zip")
set(exe_name "terraform-provider-adbjit_v${VERSION}")

file(REMOVE_RECURSE "${STAGING_DIR}")
file(MAKE_DIRECTORY "${STAGING_DIR}")
file(COPY_FILE "${BINARY}" "${STAGING_DIR}/${exe_name}")
execute_process(COMMAND "${STRIP}" --strip-all "${STAGING_DIR}/${exe_name}" COMMAND_ERROR_IS_FATAL ANY)
file(CHMOD "${STAGING_DIR}/${exe_name}" FILE_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Sonames of the base system: neither bundled nor followed (their own dependencies are base too).
file(STRINGS "${BASE_LIBS}" base_libs REGEX "^[^#]")
set(base_regexes "")
foreach(lib IN LISTS base_libs)
  string(STRIP "${lib}" lib)
  string(REGEX REPLACE "([.+])" "\\\\\\1" escaped "${lib}")
  list(APPEND base_regexes "^${escaped}$")
endforeach()

set(module_args "")
if(MODULES)
  set(module_args MODULES ${MODULES})
endif()
file(GET_RUNTIME_DEPENDENCIES
  EXECUTABLES "${STAGING_DIR}/${exe_name}"
  ${module_args}
  RESOLVED_DEPENDENCIES_VAR bundled
  UNRESOLVED_DEPENDENCIES_VAR unresolved
  PRE_EXCLUDE_REGEXES ${base_regexes})
if(unresolved)
  message(FATAL_ERROR "MakeReleaseZip.cmake: cannot resolve ${unresolved}")
endif()

set(entries "${exe_name}")
foreach(lib IN LISTS MODULES bundled)
  get_filename_component(soname "${lib}" NAME)
  file(COPY_FILE "${lib}" "${STAGING_DIR}/${soname}")
  file(CHMOD "${STAGING_DIR}/${soname}" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  list(APPEND entries "${soname}")
endforeach()
list(REMOVE_DUPLICATES entries)
list(SORT entries)
list(REMOVE_ITEM entries "${exe_name}")
list(PREPEND entries "${exe_name}")

if(DEFINED ENV{SOURCE_DATE_EPOCH})
  set(epoch "$ENV{SOURCE_DATE_EPOCH}")
else()
  set(epoch 1577836800)
endif()
execute_process(COMMAND touch -d "@${epoch}" ${entries} WORKING_DIRECTORY "${STAGING_DIR}" COMMAND_ERROR_IS_FATAL ANY)

file(REMOVE "${OUT_DIR}/${zip_name}" "${OUT_DIR}/${name}_SHA256SUMS")
set(ENV{TZ} UTC)
execute_process(COMMAND "${ZIP}" -X -D -q "${OUT_DIR}/${zip_name}" ${entries}
  WORKING_DIRECTORY "${STAGING_DIR}" COMMAND_ERROR_IS_FATAL ANY)
file(SHA256 "${OUT_DIR}/${zip_name}" digest)
file(WRITE "${OUT_DIR}/${name}_SHA256SUMS" "${digest}  ${zip_name}\n")

file(SIZE "${OUT_DIR}/${zip_name}" zip_size)
list(LENGTH bundled bundled_count)
message(STATUS "${zip_name}: ${zip_size} bytes, ${exe_name} + ${bundled_count} bundled libraries")
