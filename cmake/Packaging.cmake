# Release packaging: the ADBJIT_PORTABLE link mode and the `package` target that writes the
# registry-style terraform-provider-adbjit_<VERSION>_linux_amd64.zip and its _SHA256SUMS file.
#
# Portability (ADBJIT_PORTABLE=ON, the `release` preset):
#   * gRPC (grpc++, grpc, gpr, upb, address_sorting), protobuf, Abseil, RE2 and c-ares are linked
#     from Debian's static archives, libstdc++ and libgcc with -static-libstdc++ -static-libgcc.
#   * libcurl cannot be linked statically from Debian: libcurl.a needs nghttp2, libssh2, librtmp,
#     libpsl, GSSAPI/Kerberos and OpenLDAP, which ship no static archives. So libcurl stays shared,
#     and OpenSSL with it (two copies of OpenSSL in one process, one static in the executable and
#     one loaded for libcurl, would interpose each other's symbols). libcurl is not even linked:
#     it is loaded at the first HTTP request (provider/clients/http/libcurl.h), so the zip bundles
#     it as a module. Every shared library the binary or libcurl needs that is not part of a
#     minimal Debian system (cmake/base-system-libs.txt) is copied beside the executable in the
#     zip, and the executable carries DT_RPATH=$ORIGIN. DT_RPATH rather than DT_RUNPATH on
#     purpose: RUNPATH only applies to the executable's own NEEDED entries, while libcurl (opened
#     by the executable) and its dependencies (libnghttp2, libssh2, ...) are loaded on behalf of
#     libraries with no search path of their own; the executable's RPATH covers the whole chain.
#   * The packaged executable is stripped.
#   Developer builds (ADBJIT_PORTABLE=OFF) link libstdc++ and OpenSSL shared (and gRPC too when
#   its static archives are missing or a sanitizer is on).
#
# The `package` target: CMake reserves the name for CPack only when the CPack module is included
# (policy CMP0037), so this is a plain custom target. CPack is not used because its `package`
# target depends on `all` (every test in a CI build) and runs install rules, while the release zip
# needs a computed set of bundled libraries, a renamed stripped binary and a SHA256SUMS file; a
# short CMake script does exactly that (cmake/MakeReleaseZip.cmake). Whichever build directory
# makes it, the package is the release artifact:
#   * portable (the `release` preset): the provider itself is linked for distribution;
#   * Release with gRPC linked statically and no sanitizer (the `ci` preset): the objects are the
#     ones a portable build compiles (same flags), so a second executable,
#     terraform-provider-adbjit-portable (<build>/portable/terraform-provider-adbjit), links them
#     the portable way; only main.cc is compiled again;
#   * anything else (Debug, sanitizers, shared gRPC): `package` configures and builds a nested
#     portable build in ADBJIT_PORTABLE_BUILD_DIR (default <build>/portable-release; provider
#     only, no tests) and copies its zip and SHA256SUMS into <build>, at the price of compiling
#     the provider a second time.

option(ADBJIT_PORTABLE "Link the provider for distribution (static gRPC/protobuf/Abseil, bundled libcurl)" OFF)

set(ADBJIT_PACKAGE_BASENAME "terraform-provider-adbjit_${PROJECT_VERSION}")
set(ADBJIT_PACKAGE_ZIP "${CMAKE_BINARY_DIR}/${ADBJIT_PACKAGE_BASENAME}_linux_amd64.zip")
set(ADBJIT_PACKAGE_SHA256SUMS "${CMAKE_BINARY_DIR}/${ADBJIT_PACKAGE_BASENAME}_SHA256SUMS")
set(ADBJIT_BASE_SYSTEM_LIBS "${PROJECT_SOURCE_DIR}/cmake/base-system-libs.txt")

# Points the imported targets of the statically linked dependencies at their static archives
# (lib<name>.so[.N] -> lib<name>.a in the same directory). Only the families named here change;
# a missing archive is a configuration error rather than a silently shared library.
function(_adbjit_use_static_archives)
  set(families "grpc|grpc\\+\\+|gpr|upb|address_sorting|protobuf|absl_[a-z0-9_]+|cares|re2")
  get_property(imported DIRECTORY "${PROJECT_SOURCE_DIR}" PROPERTY IMPORTED_TARGETS)
  set(swapped 0)
  foreach(target IN LISTS imported)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
      # re2::re2 comes from pkg-config as INTERFACE_LINK_LIBRARIES "-lre2".
      get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
      if(links AND links MATCHES "(^|;)-lre2(;|$)")
        find_file(_adbjit_re2_archive libre2.a PATHS ${CMAKE_C_IMPLICIT_LINK_DIRECTORIES} REQUIRED NO_DEFAULT_PATH)
        list(TRANSFORM links REPLACE "^-lre2$" "${_adbjit_re2_archive}")
        set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${links}")
        math(EXPR swapped "${swapped} + 1")
      endif()
      continue()
    endif()
    if(NOT type MATCHES "^(SHARED|UNKNOWN)_LIBRARY$")
      continue()
    endif()
    set(props IMPORTED_LOCATION)
    get_target_property(configs ${target} IMPORTED_CONFIGURATIONS)
    if(configs)
      foreach(config IN LISTS configs)
        list(APPEND props IMPORTED_LOCATION_${config})
      endforeach()
    endif()
    foreach(prop IN LISTS props)
      get_target_property(location ${target} ${prop})
      if(NOT location OR NOT location MATCHES "^(.*)/lib(${families})\\.so(\\.[0-9.]+)?$")
        continue()
      endif()
      set(archive "${CMAKE_MATCH_1}/lib${CMAKE_MATCH_2}.a")
      if(NOT EXISTS "${archive}")
        message(FATAL_ERROR "ADBJIT_PORTABLE: ${target} has no static archive ${archive}")
      endif()
      set_target_properties(${target} PROPERTIES ${prop} "${archive}")
      math(EXPR swapped "${swapped} + 1")
    endforeach()
  endforeach()
  message(STATUS "ADBJIT_PORTABLE: ${swapped} imported library locations now use static archives")
endfunction()

# The executable the zip is made from, if this tree links one.
set(_adbjit_release_binary "")
if(ADBJIT_PORTABLE)
  if(ADBJIT_SANITIZE)
    message(FATAL_ERROR "ADBJIT_PORTABLE does not combine with ADBJIT_SANITIZE")
  endif()
  _adbjit_use_static_archives()
  set(_adbjit_release_binary terraform-provider-adbjit)
elseif(ADBJIT_GRPC_LINKED_STATICALLY AND NOT ADBJIT_SANITIZE AND CMAKE_BUILD_TYPE STREQUAL "Release")
  get_target_property(_adbjit_provider_libs terraform-provider-adbjit LINK_LIBRARIES)
  add_executable(terraform-provider-adbjit-portable EXCLUDE_FROM_ALL "${PROJECT_SOURCE_DIR}/provider/main.cc")
  target_link_libraries(terraform-provider-adbjit-portable PRIVATE ${_adbjit_provider_libs})
  set_target_properties(terraform-provider-adbjit-portable PROPERTIES
    OUTPUT_NAME terraform-provider-adbjit RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/portable")
  set(_adbjit_release_binary terraform-provider-adbjit-portable)
endif()
# `--version` reports the link mode (main.cc prints ADBJIT_LINKAGE).
if(NOT ADBJIT_PORTABLE)
  if(ADBJIT_GRPC_LINKED_STATICALLY)
    set(_adbjit_dev_linkage "development (static gRPC, protobuf, Abseil, RE2 and c-ares, the rest shared from the system, not for distribution)")
  else()
    set(_adbjit_dev_linkage "shared (development build linked against the system libraries, not for distribution)")
  endif()
  target_compile_definitions(terraform-provider-adbjit PRIVATE "ADBJIT_LINKAGE=\"${_adbjit_dev_linkage}\"")
endif()

if(_adbjit_release_binary)
  # Linked for distribution; --as-needed drops NEEDED entries of shared libraries nothing
  # references any more.
  target_link_options(${_adbjit_release_binary} PRIVATE
    -static-libstdc++ -static-libgcc -Wl,--disable-new-dtags -Wl,--as-needed)
  set_target_properties(${_adbjit_release_binary} PROPERTIES BUILD_RPATH "\$ORIGIN")
  target_compile_definitions(${_adbjit_release_binary} PRIVATE "ADBJIT_LINKAGE=\"portable (static gRPC, protobuf, Abseil, RE2, c-ares, libstdc++ and libgcc, libcurl and OpenSSL bundled beside the executable)\"")

  # The libcurl the provider opens at run time (by soname, next to the linkable libcurl.so).
  get_target_property(_adbjit_curl_dev CURL::libcurl LOCATION)
  get_filename_component(_adbjit_curl_dir "${_adbjit_curl_dev}" DIRECTORY)
  set(ADBJIT_LIBCURL_MODULE "${_adbjit_curl_dir}/libcurl.so.4")
  if(NOT EXISTS "${ADBJIT_LIBCURL_MODULE}")
    message(FATAL_ERROR "package: no ${ADBJIT_LIBCURL_MODULE} to bundle")
  endif()
  add_custom_command(
    OUTPUT "${ADBJIT_PACKAGE_ZIP}" "${ADBJIT_PACKAGE_SHA256SUMS}"
    COMMAND "${CMAKE_COMMAND}"
      "-DBINARY=$<TARGET_FILE:${_adbjit_release_binary}>"
      "-DVERSION=${PROJECT_VERSION}"
      "-DOUT_DIR=${CMAKE_BINARY_DIR}"
      "-DSTAGING_DIR=${CMAKE_BINARY_DIR}/package-staging"
      "-DSTRIP=${CMAKE_STRIP}"
      "-DBASE_LIBS=${ADBJIT_BASE_SYSTEM_LIBS}"
      "-DMODULES=${ADBJIT_LIBCURL_MODULE}"
      -P "${PROJECT_SOURCE_DIR}/cmake/MakeReleaseZip.cmake"
    DEPENDS ${_adbjit_release_binary} "${PROJECT_SOURCE_DIR}/cmake/MakeReleaseZip.cmake" "${ADBJIT_BASE_SYSTEM_LIBS}"
    COMMENT "Packaging ${ADBJIT_PACKAGE_BASENAME}_linux_amd64.zip"
    VERBATIM)
  add_custom_target(package DEPENDS "${ADBJIT_PACKAGE_ZIP}" "${ADBJIT_PACKAGE_SHA256SUMS}")
else()
  set(ADBJIT_PORTABLE_BUILD_DIR "${CMAKE_BINARY_DIR}/portable-release" CACHE PATH
    "Where `package` keeps its nested portable build (may be shared by several build directories)")
  # Always runs: the nested build decides what is out of date (a no-op build takes a second).
  add_custom_target(package
    COMMAND "${CMAKE_COMMAND}"
      "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}"
      "-DBINARY_DIR=${ADBJIT_PORTABLE_BUILD_DIR}"
      "-DOUT_DIR=${CMAKE_BINARY_DIR}"
      "-DGENERATOR=${CMAKE_GENERATOR}"
      "-DCXX_COMPILER=${CMAKE_CXX_COMPILER}"
      "-DC_COMPILER=${CMAKE_C_COMPILER}"
      "-DPACKAGE_FILES=${ADBJIT_PACKAGE_BASENAME}_linux_amd64.zip;${ADBJIT_PACKAGE_BASENAME}_SHA256SUMS"
      -P "${PROJECT_SOURCE_DIR}/cmake/BuildPortablePackage.cmake"
    BYPRODUCTS "${ADBJIT_PACKAGE_ZIP}" "${ADBJIT_PACKAGE_SHA256SUMS}"
    COMMENT "Building the portable release package in ${ADBJIT_PORTABLE_BUILD_DIR}"
    USES_TERMINAL
    VERBATIM)
endif()
