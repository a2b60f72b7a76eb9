// Shared pieces of the fault-injection and load suites: an emulator-backed workspace, the
// "emulator holds exactly what the state holds" inventory check, and crash detection.
#ifndef ADBJIT_TESTS_E2E_FAULTS_E2E_FIXTURE_H_
#define ADBJIT_TESTS_E2E_FAULTS_E2E_FIXTURE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "emulator/server.h"
#include "tests/e2e/emulator_env.h"
#include "tests/e2e/harness.h"

namespace adbjit::e2e {

// The remote objects a Terraform state or the emulator accounts for.
struct Inventory {
  std::set<std::string> tokens;   // token ids
  std::set<std::string> pools;    // instance pool ids
  std::set<std::string> secrets;  // live secret names

  bool empty() const { return tokens.empty() && pools.empty() && secrets.empty(); }
  bool operator==(const Inventory&) const = default;

  std::string Describe() const {
    auto list = [](const std::set<std::string>& s) {
      std::string out;
      for (const auto& e : s) out += (out.empty() ? "" : ", ") + e;
      return "[" + out + "]";
    };
    return "tokens " + list(tokens) + ", pools " + list(pools) + ", secrets " + list(secrets);
  }
};

// What `terraform show -json` says exists remotely: token ids, pool ids, binding names, and the
// names of sealed tokens' secrets whose write Terraform recorded.
inline Inventory StateInventory(const nlohmann::json& show) {
  Inventory inv;
  if (!show.contains("values") || !show["values"].contains("root_module")) return inv;
  const nlohmann::json& module = show["values"]["root_module"];
  if (!module.contains("resources")) return inv;
  for (const auto& r : module["resources"]) {
    if (r.value("mode", "") != "managed") continue;
    const std::string type = r.value("type", "");
    const nlohmann::json& v = r["values"];
    auto str = [&v](const char* key) { return v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : ""; };
    if (type == "adbjit_token") {
      inv.tokens.insert(str("token_id"));
      const nlohmann::json& block = v.contains("keyvault_secret") ? v["keyvault_secret"] : nlohmann::json();
      // A nested block may be rendered as an object or a one-element list.
      const nlohmann::json* seal = block.is_array() && !block.empty() ? &block[0] : block.is_object() ? &block : nullptr;
      if (seal != nullptr && !str("keyvault_secret_id").empty()) inv.secrets.insert(seal->value("name", ""));
    } else if (type == "adbjit_instance_pool") {
      inv.pools.insert(str("id"));
    } else if (type == "adbjit_keyvault_binding") {
      inv.secrets.insert(str("name"));
    }
  }
  return inv;
}

// What the emulator holds: unexpired tokens, pools not deleted, live secrets (and, with
// `held_secrets`, secrets in any phase: soft-deleted ones are not purged yet).
inline Inventory EmulatorInventory(const nlohmann::json& objects, bool held_secrets = false) {
  Inventory inv;
  for (const auto& t : objects["tokens"]) {
    if (!t.value("expired", false)) inv.tokens.insert(t["token_id"].get<std::string>());
  }
  for (const auto& p : objects["pools"]) {
    if (p.value("state", "") != "DELETED") inv.pools.insert(p["instance_pool_id"].get<std::string>());
  }
  for (const auto& s : objects["secrets"]) {
    if (held_secrets || s.value("state", "") == "live") inv.secrets.insert(s["name"].get<std::string>());
  }
  return inv;
}

// Secrets the emulator still holds in any phase other than live (soft-deleted, purging ...).
inline std::set<std::string> NonLiveSecrets(const nlohmann::json& objects) {
  std::set<std::string> out;
  for (const auto& s : objects["secrets"]) {
    if (s.value("state", "") != "live") out.insert(s["name"].get<std::string>() + " (" + s.value("state", "") + ")");
  }
  return out;
}

// Signs that the provider process died or stopped answering instead of reporting a diagnostic.
inline std::string CrashSign(const CommandResult& r) {
  const std::string all = r.stdout_text + r.stderr_text;
  for (const char* sign : {"panic:", "plugin crashed", "Plugin did not respond", "failed to respond",
                           "rpc error: code = Unavailable", "error reading from server", "SIGSEGV", "SIGABRT"}) {
    if (all.find(sign) != std::string::npos) return sign;
  }
  if (r.timed_out) return "terraform timed out";
  return "";
}

// An emulator plus a workspace pointed at it.
class EmulatorWorkspace {
 public:
  explicit EmulatorWorkspace(emulator::Options options = {})
      : emu_(std::make_unique<emulator::Server>(std::move(options))) {}

  // Starts the emulator; false (with the reason in error()) on failure.
  bool Start() {
    if (!emu_->Start()) return false;
    ws_.SetEnv(EmulatorEnvironment(*emu_));
    return true;
  }
  const std::string& error() const { return emu_->error(); }

  emulator::Server& emu() { return *emu_; }
  Workspace& ws() { return ws_; }
  std::string VaultUrl() const { return emu_->keyvault_url() + "/"; }

  // The state's inventory (fails the test when `terraform show -json` fails).
  Inventory State() {
    auto show = ws_.ShowJson();
    EXPECT_TRUE(show.ok()) << show.status().message();
    return show.ok() ? StateInventory(*show) : Inventory{};
  }
  Inventory Remote() const { return EmulatorInventory(emu_->Objects()); }

 private:
  std::unique_ptr<emulator::Server> emu_;
  Workspace ws_;
};

}  // namespace adbjit::e2e

#endif  // ADBJIT_TESTS_E2E_FAULTS_E2E_FIXTURE_H_
