#!/usr/bin/env bash
# The main job: install dependencies, build the release zip and the emulator, start the emulator,
# install the zip into a local filesystem mirror (as a user installs a release), then terraform
# init / apply / destroy examples/quickstart against the emulator, showing what was created and
# that it was all revoked.
# Exits non-zero with a clear message at the first failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ADBJIT_BUILD_DIR:-$ROOT/build}"
WORK="$BUILD/quickstart"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\n\033[31mquickstart failed: %s\033[0m\n' "$*" >&2; exit 1; }
trap 'fail "command failed at line $LINENO (see the output above)"' ERR

step "Installing dependencies"
bash "$ROOT/scripts/install-deps.sh"
command -v terraform >/dev/null || fail "terraform is not installed (Terraform >= 1.5 is required)"

step "Building the release package and the emulator"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DADBJIT_BUILD_TESTS=OFF
fi
# `package` makes the portable release zip (cmake/Packaging.cmake), the same a user downloads.
cmake --build "$BUILD" --target adbjit-emulator package --parallel "$(nproc)"
VERSION="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD/CMakeCache.txt")"
[ -n "$VERSION" ] || fail "could not read the project version from $BUILD/CMakeCache.txt"
ZIP="$BUILD/terraform-provider-adbjit_${VERSION}_linux_amd64.zip"
SUMS="$BUILD/terraform-provider-adbjit_${VERSION}_SHA256SUMS"
EMULATOR="$BUILD/emulator/adbjit-emulator"  # not found by name: build/ may also hold build/dev, build/tsan
[ -f "$ZIP" ] || fail "the release zip was not built ($ZIP)"
[ -x "$EMULATOR" ] || fail "the emulator binary was not built"
(cd "$BUILD" && sha256sum --check "$SUMS") || fail "$ZIP does not match $SUMS"
unzip -l "$ZIP"

step "Starting adbjit-emulator (Entra ID, Databricks and Key Vault on loopback)"
rm -rf "$WORK" && mkdir -p "$WORK"
"$EMULATOR" --urls-file "$WORK/emulator.json" >"$WORK/emulator.log" 2>&1 &
EMU_PID=$!
cleanup() { kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  [ -s "$WORK/emulator.json" ] && break
  kill -0 "$EMU_PID" 2>/dev/null || fail "the emulator exited: $(cat "$WORK/emulator.log")"
  sleep 0.1
done
[ -s "$WORK/emulator.json" ] || fail "the emulator did not start within 10 s"
cat "$WORK/emulator.log"
url() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$WORK/emulator.json" "$1"; }
ADMIN="$(url admin)"

step "Installing the release zip into a local filesystem mirror (packed layout)"
mkdir -p "$WORK/mirror/registry.terraform.io/adbjit/adbjit"
cp "$ZIP" "$WORK/mirror/registry.terraform.io/adbjit/adbjit/"
unzip -q -o "$ZIP" -d "$WORK/provider"
"$WORK/provider/terraform-provider-adbjit_v$VERSION" --version
cat >"$WORK/terraformrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$WORK/mirror"
    include = ["registry.terraform.io/adbjit/*"]
  }
  direct {
    exclude = ["registry.terraform.io/adbjit/*"]
  }
}
CFG
echo "mirror: $WORK/mirror/registry.terraform.io/adbjit/adbjit/$(basename "$ZIP")"

step "Pointing the provider at the emulator"
export TF_CLI_CONFIG_FILE="$WORK/terraformrc" TF_IN_AUTOMATION=1
export DATABRICKS_HOST="$(url databricks)"
export AZURE_AUTHORITY_HOST="$(url entra)"
export ARM_TENANT_ID="$(url tenant_id)" ARM_CLIENT_ID="$(url client_id)" ARM_CLIENT_SECRET="$(url client_secret)"
VAULT_URL="$(url keyvault)/"
echo "DATABRICKS_HOST=$DATABRICKS_HOST"
echo "AZURE_AUTHORITY_HOST=$AZURE_AUTHORITY_HOST"
echo "ARM_TENANT_ID=$ARM_TENANT_ID ARM_CLIENT_ID=$ARM_CLIENT_ID ARM_CLIENT_SECRET=(hidden)"
echo "vault_url=$VAULT_URL"
cp "$ROOT/examples/quickstart/main.tf" "$WORK/"
cd "$WORK"

cat >"$WORK/objects.py" <<'PY'
import json, sys
o = json.load(sys.stdin)
tokens = o.get("tokens", [])
pools = [p for p in o.get("pools", []) if p.get("state") != "DELETED"]
secrets = [s for s in o.get("secrets", []) if not s.get("deleted")]
print("  tokens:  %d" % len(tokens))
for t in tokens:
    print("    - %s...  comment=%r" % (str(t.get("token_id", ""))[:16], t.get("comment")))
print("  pools:   %d" % len(pools))
for p in pools:
    print("    - %s  %s" % (p.get("instance_pool_id"), p.get("instance_pool_name")))
print("  secrets: %d" % len(secrets))
for s in secrets:
    print("    - %s" % s.get("name"))
print("COUNT %d" % (len(tokens) + len(pools) + len(secrets)))
PY
objects() { curl -sf "$ADMIN/admin/objects" | python3 "$WORK/objects.py"; }

step "terraform init (offline, from the filesystem mirror)"
terraform init -input=false -no-color

step "terraform apply"
terraform apply -auto-approve -input=false -no-color -var "vault_url=$VAULT_URL"

step "What was created"
terraform output -no-color
echo
echo "The token value is in Key Vault only: it is not in the state file:"
if grep -q '"token_value": "dapi' terraform.tfstate; then fail "the token value leaked into terraform.tfstate"; fi
echo "  terraform.tfstate holds no token value (token_value is null)"
echo
echo "Objects in the emulator:"
objects | tee "$WORK/after-apply.txt" | grep -v '^COUNT'
[ "$(sed -n 's/^COUNT //p' "$WORK/after-apply.txt")" -ge 4 ] || fail "expected a token, a pool and two secrets in the emulator"

step "terraform plan (expect no changes)"
terraform plan -detailed-exitcode -input=false -no-color -var "vault_url=$VAULT_URL" || fail "a second plan is not empty"

step "terraform destroy"
terraform destroy -auto-approve -input=false -no-color -var "vault_url=$VAULT_URL"

step "After destroy"
objects | tee "$WORK/after-destroy.txt" | grep -v '^COUNT'
[ "$(sed -n 's/^COUNT //p' "$WORK/after-destroy.txt")" -eq 0 ] || fail "objects are still alive after destroy"

printf '\n\033[32mQuickstart complete: a token, a pool and two Key Vault secrets were created, then revoked and removed.\033[0m\n'
