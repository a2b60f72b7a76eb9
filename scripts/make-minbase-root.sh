#!/usr/bin/env bash
# Creates, once, a minimal Debian 12 root (debootstrap --variant=minbase bookworm: the Priority
# "required" packages plus apt, no -dev packages, no gRPC/protobuf/curl/OpenSSL libraries) in
# DIR/root, for scripts/check-portable.sh. A finished root is reused; takes ~3 min the first time
# (download ~40 MB, unpack, configure). Needs root. ADBJIT_DEBIAN_MIRROR overrides the mirror.
#   usage: make-minbase-root.sh DIR
set -euo pipefail

DIR="${1:?usage: make-minbase-root.sh DIR}"
MIRROR="${ADBJIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
fail() { echo "make-minbase-root: $*" >&2; exit 1; }

if [ -f "$DIR/.complete" ]; then
  echo "make-minbase-root: reusing $DIR/root (made $(cat "$DIR/.complete"))"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap)"
command -v debootstrap >/dev/null || fail "debootstrap is not installed (scripts/install-deps.sh installs it)"

mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock 9
if [ -f "$DIR/.complete" ]; then exit 0; fi  # made by another process while we waited

rm -rf "$DIR/root.tmp" "$DIR/root"
start=$(date +%s)
echo "make-minbase-root: debootstrap --variant=minbase bookworm from $MIRROR (log: $DIR/debootstrap.log)"
if ! debootstrap --variant=minbase bookworm "$DIR/root.tmp" "$MIRROR" >"$DIR/debootstrap.log" 2>&1; then
  tail -n 30 "$DIR/debootstrap.log" >&2
  fail "debootstrap failed"
fi
mv "$DIR/root.tmp" "$DIR/root"
date -u +%Y-%m-%dT%H:%M:%SZ >"$DIR/.complete"
echo "make-minbase-root: $DIR/root ready in $(($(date +%s) - start)) s, $(du -sh "$DIR/root" | cut -f1)"
