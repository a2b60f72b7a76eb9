#!/usr/bin/env bash
# Proves the release zip runs on a machine with only the Debian base system. Two checks:
#  1. Static, against cmake/base-system-libs.txt: every NEEDED library of the executable and of
#     the bundled libraries is either bundled or in the base list; gRPC, protobuf, Abseil, RE2,
#     c-ares and libstdc++ are not needed at all (linked statically); the executable is stripped
#     and searches its own directory first (DT_RPATH $ORIGIN).
#  2. Real: inside a minimal Debian root (scripts/make-minbase-root.sh), chrooted in private mount,
#     PID and network namespaces (no network at all), the real terraform installs the zip from a
#     packed filesystem_mirror, starts the provider (handshake, AutoMTLS, GetProviderSchema) for
#     `terraform providers schema -json` and `terraform validate`, and the installed binary prints
#     `--version`, which loads the bundled libcurl (the provider opens it at the first HTTP
#     request). The list in 1 is only a claim; 2 is what proves it on a real base system.
# Trade-off: 2 needs root (chroot, namespaces) and a one-off ~3 min debootstrap, cached per build
# directory; a mere LD_LIBRARY_PATH/ldd check on the build machine could not notice a library
# that happens to be installed here but not on a base system.
#   usage: check-portable.sh ZIP SHA256SUMS VERSION ROOT_DIR
set -euo pipefail

[ "$#" -eq 4 ] || { echo "usage: check-portable.sh ZIP SHA256SUMS VERSION ROOT_DIR" >&2; exit 2; }
ZIP="$(realpath "$1")"
SUMS="$(realpath "$2")"
VERSION="$3"
ROOT_DIR="$(realpath "$4")"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_LIST="$HERE/cmake/base-system-libs.txt"
EXE_NAME="terraform-provider-adbjit_v$VERSION"
ROOT="$ROOT_DIR/root"

fail() { echo "check-portable: FAIL: $*" >&2; exit 1; }
step() { echo "check-portable: $*"; }

TERRAFORM="${ADBJIT_TERRAFORM:-}"
if [ -z "$TERRAFORM" ]; then
  if [ -x /usr/local/bin/terraform ]; then TERRAFORM=/usr/local/bin/terraform; else TERRAFORM="$(command -v terraform || true)"; fi
fi
[ -x "$TERRAFORM" ] || fail "terraform not found (set ADBJIT_TERRAFORM)"
[ -f "$ZIP" ] || fail "no release zip at $ZIP"
[ "$(id -u)" -eq 0 ] || fail "needs root (chroot and namespaces)"
[ -f "$ROOT_DIR/.complete" ] || fail "no minimal Debian root in $ROOT_DIR (scripts/make-minbase-root.sh)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/adbjit-portable.XXXXXX")"
JAIL="$(mktemp -d "$ROOT/tmp/adbjit-portable.XXXXXX")"
trap 'rm -rf "$WORK" "$JAIL"' EXIT

step "checksum"
(cd "$(dirname "$ZIP")" && grep -F "  $(basename "$ZIP")" "$SUMS" | sha256sum --check --strict -) ||
  fail "$SUMS does not match $ZIP"

step "static check of the zip's libraries against $BASE_LIST"
unzip -q "$ZIP" -d "$WORK/pkg"
EXE="$WORK/pkg/$EXE_NAME"
[ -x "$EXE" ] || fail "$EXE_NAME is missing or not executable in the zip"
readelf -d "$EXE" | grep -q '(RPATH).*\[\$ORIGIN\]' || fail "$EXE_NAME has no DT_RPATH \$ORIGIN: $(readelf -d "$EXE" | grep -E 'RPATH|RUNPATH')"
if readelf -S --wide "$EXE" | grep -qE '\] \.(symtab|debug_info) '; then fail "$EXE_NAME is not stripped"; fi
base="$(grep -v '^#' "$BASE_LIST")"
for f in "$WORK"/pkg/*; do
  for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    case "$lib" in
      libgrpc* | libgpr* | libupb* | libaddress_sorting* | libprotobuf* | libabsl_* | libre2* | libcares* | libstdc++* | libgcc_s*)
        [ "$f" = "$EXE" ] && fail "$EXE_NAME needs $lib, which should be linked statically" ;;
    esac
    if ! grep -qxF "$lib" <<<"$base" && [ ! -f "$WORK/pkg/$lib" ]; then
      fail "$(basename "$f") needs $lib: neither in the base system nor bundled"
    fi
  done
done
[ -f "$WORK/pkg/libcurl.so.4" ] || fail "libcurl.so.4 (loaded at the first HTTP request) is not bundled"
readelf -d "$EXE" | grep -q '(NEEDED).*libcurl' && fail "$EXE_NAME links libcurl; it should load it on first use"
step "  $EXE_NAME needs: $(readelf -d "$EXE" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
step "  bundled: $(cd "$WORK/pkg" && ls | grep -vxF "$EXE_NAME" | tr '\n' ' ')"

step "the Debian root at $ROOT has none of the build machine's libraries"
for lib in libgrpc++.so.1.51 libprotobuf.so.32 libabsl_base.so.20220623 libcurl.so.4 libssl.so.3 libnghttp2.so.14; do
  if [ -e "$ROOT/usr/lib/x86_64-linux-gnu/$lib" ]; then fail "$ROOT is not a base system: it has $lib"; fi
done

step "terraform init + providers schema + validate inside the Debian root (no network)"
J="/tmp/$(basename "$JAIL")"  # the same directory, as seen inside the chroot
mkdir -p "$JAIL/bin" "$JAIL/mirror/registry.terraform.io/adbjit/adbjit" "$JAIL/work"
cp "$TERRAFORM" "$JAIL/bin/terraform"
cp "$ZIP" "$JAIL/mirror/registry.terraform.io/adbjit/adbjit/"
cat >"$JAIL/cli.tfrc" <<CFG
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$J/mirror"
    include = ["registry.terraform.io/adbjit/*"]
  }
  direct {
    exclude = ["registry.terraform.io/adbjit/*"]
  }
}
CFG
cat >"$JAIL/work/main.tf" <<'HCL'
terraform {
  required_providers {
    adbjit = {
      source = "adbjit/adbjit"
    }
  }
}

provider "adbjit" {}

resource "adbjit_token" "t" {
  comment          = "portable"
  lifetime_seconds = 3600
}
HCL
INSTALLED="$J/work/.terraform/providers/registry.terraform.io/adbjit/adbjit/$VERSION/linux_amd64/$EXE_NAME"
cat >"$JAIL/run.sh" <<SH
set -eu
cd "$J/work"
"$J/bin/terraform" init -input=false -no-color
"$J/bin/terraform" providers schema -json >"$J/schema.json"
"$J/bin/terraform" validate -no-color
echo "--- ldd $EXE_NAME (inside the root)"
ldd "$INSTALLED"
"$INSTALLED" --version >"$J/version.txt"
SH
# Private mount, PID and network namespaces: /proc and /dev for the chroot vanish with them.
if ! unshare --mount --pid --fork --net --mount-proc="$ROOT/proc" \
  /bin/sh -c 'mount --rbind /dev "$0/dev" && exec chroot "$0" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin \
    TF_CLI_CONFIG_FILE="$1/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 /bin/sh "$1/run.sh"' "$ROOT" "$J" \
  >"$WORK/run.log" 2>&1; then
  cat "$WORK/run.log" >&2
  fail "the provider did not run inside the Debian root"
fi
cat "$WORK/run.log"
grep -q "Installed adbjit/adbjit v$VERSION (unauthenticated)" "$WORK/run.log" || fail "init did not install adbjit/adbjit v$VERSION"
grep -q "not found" "$WORK/run.log" && fail "ldd reports missing libraries inside the Debian root"
grep -q '"adbjit_token"' "$JAIL/schema.json" || fail "the provider schema lacks adbjit_token"
grep -q "^terraform-provider-adbjit $VERSION\$" "$JAIL/version.txt" || fail "unexpected --version: $(cat "$JAIL/version.txt")"
grep -q "^linkage portable" "$JAIL/version.txt" || fail "--version does not report a portable build: $(cat "$JAIL/version.txt")"
# --version loads libcurl (exit 1 if it cannot): the bundled libcurl and its dependencies load here.
grep -q "^libcurl [0-9]" "$JAIL/version.txt" || fail "--version did not load libcurl: $(cat "$JAIL/version.txt")"
cat "$JAIL/version.txt"
step "PASS: $(basename "$ZIP") runs on a minimal Debian system"
