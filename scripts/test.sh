#!/usr/bin/env bash
# Installs the build dependencies, configures and builds everything with the `ci` preset (Release,
# all tests, into build/), then runs every test: unit, plugin (the binary over gRPC) and e2e (the
# real terraform CLI). Extra arguments go to ctest (e.g. -L unit, -R Plugin).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-deps.sh

JOBS="${ADBJIT_JOBS:-$(nproc)}"
cmake --preset ci
cmake --build --preset ci --parallel "$JOBS"
ctest --preset ci -j2 "$@"
