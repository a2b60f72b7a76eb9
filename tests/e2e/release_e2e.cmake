# Release tests (label `release`): the zip made by the `package` target (cmake/Packaging.cmake),
# installed through a filesystem mirror and run on a minimal Debian system.
#
#   release_package        fixture: builds the `package` target (a no-op once built; the ci build
#                          preset builds it with everything else). RUN_SERIAL so that building
#                          it (in Debug and sanitizer directories, a nested portable build) never
#                          competes with timed tests.
#   release_minbase_root   fixture: debootstrap --variant=minbase bookworm, once per build
#                          directory, into <build>/minbase-bookworm (~3 min the first time).
#   release_portable       scripts/check-portable.sh: the packaged provider inside that root.
#   ReleasePackageTest.*, Layouts/ReleaseMirrorTest.*  (release_test.cc): SHA256SUMS, zip layout,
#                          --version, terraform init offline from packed and unpacked mirrors, plan.
# The zip's path mirrors ADBJIT_PACKAGE_ZIP in Packaging.cmake, which is included after tests/.
set(_adbjit_release_zip "${CMAKE_BINARY_DIR}/terraform-provider-adbjit_${PROJECT_VERSION}_linux_amd64.zip")
set(_adbjit_release_sums "${CMAKE_BINARY_DIR}/terraform-provider-adbjit_${PROJECT_VERSION}_SHA256SUMS")

add_test(NAME release_package COMMAND "${CMAKE_COMMAND}" --build "${CMAKE_BINARY_DIR}" --target package)
set_tests_properties(release_package PROPERTIES
  FIXTURES_SETUP adbjit_release_package LABELS release TIMEOUT 3600 RUN_SERIAL TRUE)

add_test(NAME release_minbase_root
  COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/make-minbase-root.sh" "${CMAKE_BINARY_DIR}/minbase-bookworm")
set_tests_properties(release_minbase_root PROPERTIES
  FIXTURES_SETUP adbjit_minbase_root LABELS release TIMEOUT 1200)

add_test(NAME release_portable
  COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/check-portable.sh" "${_adbjit_release_zip}" "${_adbjit_release_sums}"
    "${PROJECT_VERSION}" "${CMAKE_BINARY_DIR}/minbase-bookworm")
set_tests_properties(release_portable PROPERTIES
  FIXTURES_REQUIRED "adbjit_release_package;adbjit_minbase_root" LABELS release TIMEOUT 300)

add_executable(release_test ${CMAKE_CURRENT_SOURCE_DIR}/release_test.cc)
target_link_libraries(release_test PRIVATE
  adbjit_e2e_harness adbjit_util GTest::gmock GTest::gtest GTest::gtest_main adbjit_warnings)
target_compile_definitions(release_test PRIVATE
  ADBJIT_RELEASE_ZIP="${_adbjit_release_zip}"
  ADBJIT_RELEASE_SHA256SUMS="${_adbjit_release_sums}"
  ADBJIT_PROJECT_VERSION="${PROJECT_VERSION}")
gtest_discover_tests(release_test
  PROPERTIES LABELS release TIMEOUT 600 FIXTURES_REQUIRED adbjit_release_package
  DISCOVERY_TIMEOUT 60)
