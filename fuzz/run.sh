#!/usr/bin/env bash
# Builds and runs the libFuzzer targets (fuzz/CMakeLists.txt, clang + ASan + UBSan).
#
#   fuzz/run.sh build BUILD_DIR                 configure (CC=clang CXX=clang++) and build, -j2
#   fuzz/run.sh run BUILD_DIR TARGET SECONDS    replay fuzz/regressions/TARGET/* and the seed
#                                               corpus, then fuzz for SECONDS
#   fuzz/run.sh all BUILD_DIR SECONDS           build, then run every target
#
# Each run draws a random seed (printed by libFuzzer as "Seed: N"): exploring is the point.
# ADBJIT_FUZZ_SEED=N and ADBJIT_FUZZ_RUNS=M make a run repeatable (the same M inputs from the
# same seed, SECONDS only a cap); the CTest entries do that, so CI passes or fails on the code.
#
# The working corpus grows in BUILD_DIR/corpus/TARGET (seeded from fuzz/corpus/TARGET). A crash
# leaves BUILD_DIR/artifacts/TARGET/crash-* and fails; keep it as a regression case by copying it
# to fuzz/regressions/TARGET/ with a descriptive name once the bug is fixed. Exit status: 0 clean,
# non-zero on any crash, leak, sanitizer report or build failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGETS=(codec_fuzz api_response_fuzz handshake_fuzz)

build() {
  local dir="$1"
  CC="${ADBJIT_FUZZ_CC:-clang}" CXX="${ADBJIT_FUZZ_CXX:-clang++}" \
    cmake -S "$ROOT/fuzz" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$dir" --parallel "${ADBJIT_JOBS:-2}"
}

run() {
  local dir="$1" target="$2" seconds="$3"
  local bin="$dir/$target"
  [ -x "$bin" ] || { echo "fuzz: $bin is not built (fuzz/run.sh build $dir)" >&2; exit 1; }
  # Sanitizer reports abort the run; leaks count as failures.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
  local regressions="$ROOT/fuzz/regressions/$target"
  if [ -d "$regressions" ]; then
    mapfile -t cases < <(find "$regressions" -type f | sort)
    if [ "${#cases[@]}" -gt 0 ]; then
      echo "fuzz: $target: replaying ${#cases[@]} regression case(s)"
      "$bin" -runs=1 "${cases[@]}"
    fi
  fi
  local corpus="$dir/corpus/$target" artifacts="$dir/artifacts/$target"
  local repeat=()
  if [ -n "${ADBJIT_FUZZ_SEED:-}" ]; then
    # A repeatable run starts from the checked-in seeds only, not a corpus left by earlier runs.
    repeat=(-seed="$ADBJIT_FUZZ_SEED" -runs="${ADBJIT_FUZZ_RUNS:--1}")
    rm -rf "$corpus"
    echo "fuzz: $target: ${ADBJIT_FUZZ_RUNS:-unlimited} inputs from seed $ADBJIT_FUZZ_SEED (at most ${seconds}s)"
  else
    echo "fuzz: $target: fuzzing for ${seconds}s"
  fi
  mkdir -p "$corpus" "$artifacts"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb bounds memory per input;
  # -print_funcs=0: symbolizing every newly covered function would eat a short run.
  "$bin" -max_total_time="$seconds" "${repeat[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -print_funcs=0 -artifact_prefix="$artifacts/" "$corpus" "$ROOT/fuzz/corpus/$target"
}

case "${1:-}" in
  build) build "$2" ;;
  run) run "$2" "$3" "$4" ;;
  all)
    build "$2"
    for t in "${TARGETS[@]}"; do run "$2" "$t" "$3"; done
    ;;
  *)
    sed -n '2,13p' "$0" >&2
    exit 2
    ;;
esac
