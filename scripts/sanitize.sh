#!/usr/bin/env bash
# Sanitizer runs (issue 8). Each mode configures its own build directory from this tree with
# ADBJIT_SANITIZE (cmake/AdbjitHelpers.cmake; g++), builds only the targets it runs (-j2), runs
# them, and fails if any sanitizer wrote a report. Reports go to files (log_path) under
# <build dir>/sanitizer-logs/, so a report from the provider binary — which runs under terraform,
# whose stderr handling would otherwise hide it — is seen too; halt_on_error makes the first
# report fatal, so the failing run is visible as well.
#
#   scripts/sanitize.sh quick [DIR]  ASan+UBSan, the unit tests of util, framework values, clients
#                                    and the plugin handshake (what CI runs; DIR=build/asan-quick)
#   scripts/sanitize.sh asan  [DIR]  ASan+UBSan (Debug), every unit test, the plugin binary tests
#                                    and the parallel end-to-end scenario (DIR=build/asan)
#   scripts/sanitize.sh tsan  [DIR]  ThreadSanitizer (RelWithDebInfo), the same set (DIR=build/tsan)
#
# The end-to-end part is secrets_e2e_test: the parallel scenario (tests/e2e/parallel_e2e_test.cc,
# 20 tokens and 20 Key Vault bindings applied, planned and destroyed through the real terraform
# CLI with -parallelism=10) and the TF_LOG=TRACE secret-hygiene run, with the sanitized provider
# binary serving every RPC and the sanitized in-process emulator answering. ADBJIT_JOBS overrides
# -j2.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-}"
JOBS="${ADBJIT_JOBS:-2}"

QUICK_TESTS=(util_test framework_value_test clients_unit_test plugin_handshake_test)
UNIT_TESTS=(util_test framework_value_test framework_test plugin_handshake_test plugin_convert_test
            clients_unit_test clients_emulator_test resources_test adbjit_provider_test)

case "$MODE" in
  quick) SAN="address,undefined"; TYPE=Debug; DIR="${2:-$ROOT/build/asan-quick}"; TESTS=("${QUICK_TESTS[@]}"); E2E=0 ;;
  asan) SAN="address,undefined"; TYPE=Debug; DIR="${2:-$ROOT/build/asan}"; TESTS=("${UNIT_TESTS[@]}"); E2E=1 ;;
  tsan) SAN="thread"; TYPE=RelWithDebInfo; DIR="${2:-$ROOT/build/tsan}"; TESTS=("${UNIT_TESTS[@]}"); E2E=1 ;;
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac

cmake -S "$ROOT" -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE="$TYPE" -DADBJIT_SANITIZE="$SAN" \
  -DADBJIT_BUILD_BENCH=OFF >/dev/null
TARGETS=("${TESTS[@]}")
if [ "$E2E" = 1 ]; then TARGETS+=(terraform-provider-adbjit plugin_binary_test secrets_e2e_test); fi
cmake --build "$DIR" --parallel "$JOBS" --target "${TARGETS[@]}"

LOGS="$DIR/sanitizer-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
# Inherited by the test binaries, terraform and, through terraform, the provider binary.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$LOGS/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$LOGS/ubsan"
# TSAN_SUPPRESSIONS overrides the suppressions for uninstrumented third-party libraries.
TSAN_SUPPRESSIONS="${TSAN_SUPPRESSIONS:-$ROOT/scripts/tsan-suppressions.txt}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$LOGS/tsan:suppressions=$TSAN_SUPPRESSIONS"

failed=()
run() {  # run NAME COMMAND...
  local name="$1"
  shift
  echo "sanitize[$MODE]: $name"
  if ! "$@"; then failed+=("$name"); fi
}

find_bin() { find "$DIR" -name "$1" -type f -perm -u+x -not -path '*/CMakeFiles/*' | head -n 1; }

for t in "${TESTS[@]}"; do
  run "$t" "$(find_bin "$t")" --gtest_brief=1
done
if [ "$E2E" = 1 ]; then
  # These start provider processes (gRPC over TLS): full allocation stacks (slower), so that
  # scripts/lsan-suppressions.txt can name the one third-party per-thread allocation it suppresses.
  export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
  export LSAN_OPTIONS="suppressions=$ROOT/scripts/lsan-suppressions.txt:print_suppressions=0"
  # A sanitizer build of the provider returns from main instead of ending at once after Shutdown
  # (so that the leak check sees everything). Its teardown (gRPC's, then the leak check) has taken
  # up to ~9.5 s under ASan after many concurrent calls, far beyond go-plugin's 2 s, which release
  # builds meet by ending at once; the sanitizer stages check leaks, not that deadline.
  export ADBJIT_TEST_EXIT_GRACE_MS=20000
  run plugin_binary_test "$(find_bin plugin_binary_test)" --gtest_brief=1
  run "parallel and secrets e2e" "$(find_bin secrets_e2e_test)" --gtest_brief=1
fi

reports=("$LOGS"/*)
if [ -e "${reports[0]}" ]; then
  for r in "${reports[@]}"; do
    echo "=== sanitizer report $r"
    cat "$r"
  done
  echo "sanitize[$MODE]: FAILED: ${#reports[@]} sanitizer report(s)" >&2
  exit 1
fi
if [ "${#failed[@]}" -gt 0 ]; then
  echo "sanitize[$MODE]: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "sanitize[$MODE]: clean"
