// Fault injection through the real terraform CLI: every remote call of every resource operation
// (operation x fault table) meets a 429, 500, 503, dropped connection, timeout, malformed body or
// 401, and Terraform either succeeds (retried) or reports a diagnostic naming the operation and the
// cause; the provider never crashes, the emulator holds exactly what the state holds, and an apply
// without faults converges to a clean plan.
#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "tests/e2e/faults_e2e_fixture.h"

namespace adbjit::e2e {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

// The remote call under test and how to reach it with terraform.
struct Operation {
  const char* name;         // test-name part, e.g. "token_create"
  const char* config;       // which configuration (see ConfigFor)
  bool setup;               // apply the configuration first (fault-free)
  const char* command;      // "apply", "apply-edited" (the edited configuration) or "destroy"
  const char* service;      // fault rule target
  const char* method;
  const char* path;         // fault rule path regex
  const char* diagnostic;   // what a failure's diagnostic must name
  bool mutating;            // has a server-side effect: also inject "after" (ambiguous) faults
  bool create;              // a create whose reply carries the new object
};

constexpr Operation kOperations[] = {
    {"token_create", "token", false, "apply", "databricks", "POST", "/token/create$", "create token", true, true},
    {"token_read", "token", true, "apply", "databricks", "GET", "/token/list$", "list tokens", false, false},
    {"token_delete", "token", true, "destroy", "databricks", "POST", "/token/delete$", "revoke token", true, false},
    {"sealed_token_kv_write", "sealed", false, "apply", "keyvault", "PUT", "^/secrets/sealed-fault$",
     "set secret sealed-fault", true, true},
    {"pool_create", "pool", false, "apply", "databricks", "POST", "/instance-pools/create$", "create instance pool",
     true, true},
    {"pool_get", "pool", true, "apply", "databricks", "GET", "/instance-pools/get$", "get instance pool", false,
     false},
    {"pool_edit", "pool", true, "apply-edited", "databricks", "POST", "/instance-pools/edit$", "edit instance pool",
     true, false},
    {"pool_delete", "pool", true, "destroy", "databricks", "POST", "/instance-pools/delete$",
     "delete instance pool", true, false},
    {"binding_set", "binding", false, "apply", "keyvault", "PUT", "^/secrets/bind-fault$", "set secret bind-fault",
     true, true},
    {"binding_get", "binding", true, "apply", "keyvault", "GET", "^/secrets/bind-fault$", "get secret bind-fault",
     false, false},
    {"binding_delete", "binding", true, "destroy", "keyvault", "DELETE", "^/secrets/bind-fault$",
     "delete secret bind-fault", true, false},
    {"binding_purge", "binding", true, "destroy", "keyvault", "DELETE", "^/deletedsecrets/bind-fault$",
     "purge deleted secret bind-fault", true, false},
    {"entra_token", "token", false, "apply", "entra", "POST", "/oauth2/v2.0/token$", "Entra ID token", false,
     false},
};

// One injected fault.
struct Fault {
  const char* name;   // test-name part
  json rule;          // without service/method/path
  const char* cause;  // what a failure's diagnostic must name
  enum Scope { kAll, kMutating, kCreate } scope;
};

const std::vector<Fault>& Faults() {
  static const auto* faults = new std::vector<Fault>{
      {"429", {{"action", "status"}, {"status", 429}, {"headers", {{"Retry-After", "1"}}}, {"count", 2}}, "HTTP 429",
       Fault::kAll},
      {"500", {{"action", "status"}, {"status", 500}, {"count", 1}}, "HTTP 500", Fault::kAll},
      {"500_after", {{"action", "status"}, {"status", 500}, {"phase", "after"}, {"count", 1}}, "HTTP 500",
       Fault::kCreate},
      {"503", {{"action", "status"}, {"status", 503}, {"count", 2}}, "HTTP 503", Fault::kAll},
      {"drop", {{"action", "drop"}, {"count", 1}}, "connection", Fault::kAll},
      {"drop_after", {{"action", "drop"}, {"phase", "after"}, {"count", 1}}, "connection", Fault::kMutating},
      // http_timeout_seconds is 1 in these configurations.
      {"timeout", {{"action", "timeout"}, {"delay_ms", 2500}, {"count", 1}}, "timed out", Fault::kAll},
      {"timeout_after", {{"action", "timeout"}, {"phase", "after"}, {"delay_ms", 2500}, {"count", 1}}, "timed out",
       Fault::kMutating},
      {"malformed", {{"action", "malformed"}, {"count", 1}}, "JSON", Fault::kAll},
      {"malformed_after", {{"action", "malformed"}, {"phase", "after"}, {"count", 1}}, "JSON", Fault::kCreate},
      // Twice: the clients answer one 401 by fetching a new token (or answering the Key Vault
      // challenge) and trying again once.
      {"401", {{"action", "status"}, {"status", 401}, {"count", 2}}, "HTTP 401", Fault::kAll},
  };
  return *faults;
}

// Whether the faulted command is expected to succeed. Transient faults (429, 503, dropped
// connections, timeouts) are retried; ambiguous create failures (500, malformed reply) are
// reconciled and retried, and a token request asked again after a 500; a 401 that persists after a
// fresh token, a 500 on any other call, and a malformed reply whose content is needed are reported.
bool ExpectSuccess(const Operation& op, const Fault& f) {
  const std::string fault = f.name;
  const std::string name = op.name;
  if (fault == "401") return false;
  // A 500 on a create may come after the object was made: creates reconcile, and a Key Vault write
  // is repeated (the repeat only adds a version). Entra's 500 (server_error) is transient, and a
  // token request is asked again.
  if (fault == "500" || fault == "500_after") {
    return name == "token_create" || name == "pool_create" || name == "sealed_token_kv_write" ||
           name == "binding_set" || name == "entra_token";
  }
  if (fault == "malformed" || fault == "malformed_after") {
    // Reads and token fetches need the body; mutations whose reply is ignored are unaffected; a
    // Key Vault write is repeated (PUT is idempotent).
    return name != "token_read" && name != "pool_get" && name != "binding_get" && name != "entra_token";
  }
  return true;
}

struct Case {
  const Operation* op;
  const Fault* fault;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.op->name << " x " << c.fault->name; }

std::vector<Case> AllCases() {
  std::vector<Case> out;
  for (const Operation& op : kOperations) {
    for (const Fault& f : Faults()) {
      if (f.scope == Fault::kMutating && !op.mutating) continue;
      if (f.scope == Fault::kCreate && !op.create) continue;
      out.push_back({&op, &f});
    }
  }
  return out;
}

std::string ConfigFor(const std::string& which, bool edited, const std::string& vault_url) {
  // Small timeouts keep timeout faults and retries quick.
  std::string hcl = "provider \"adbjit\" {\n  http_timeout_seconds  = 1\n  retry_timeout_seconds = 10\n}\n";
  if (which == "token") {
    hcl += R"(
resource "adbjit_token" "t" {
  comment          = "fault token"
  lifetime_seconds = 3600
}
)";
  } else if (which == "sealed") {
    hcl += R"(
resource "adbjit_token" "s" {
  comment          = "fault sealed token"
  lifetime_seconds = 3600
  keyvault_secret {
    vault_url = ")" + vault_url + R"("
    name      = "sealed-fault"
  }
}
)";
  } else if (which == "pool") {
    hcl += R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "fault-pool"
  node_type_id       = "Standard_DS3_v2"
  max_capacity       = )" + std::string(edited ? "3" : "2") + R"(
}
)";
  } else if (which == "binding") {
    hcl += R"(
resource "adbjit_keyvault_binding" "b" {
  vault_url = ")" + vault_url + R"("
  name      = "bind-fault"
  value     = "fault-value"
}
)";
  }
  return hcl;
}

class FaultE2eTest : public ::testing::TestWithParam<Case> {};

TEST_P(FaultE2eTest, SurvivesOrReportsAndConverges) {
  const Operation& op = *GetParam().op;
  const Fault& fault = *GetParam().fault;
  const bool destroy = std::string(op.command) == "destroy";
  const bool edited = std::string(op.command) == "apply-edited";

  EmulatorWorkspace env;
  ASSERT_TRUE(env.Start()) << env.error();
  Workspace& ws = env.ws();
  ws.WriteConfig(ConfigFor(op.config, false, env.VaultUrl()));
  if (op.setup) {
    CommandResult setup = ws.Apply();
    ASSERT_TRUE(setup.ok()) << setup.Describe();
    ASSERT_FALSE(env.Remote().empty());
  }
  if (edited) ws.WriteConfig(ConfigFor(op.config, true, env.VaultUrl()));

  json rule = fault.rule;
  rule["service"] = op.service;
  rule["method"] = op.method;
  rule["path"] = op.path;
  env.emu().SetFaults(json{{"replace", true}, {"rules", json::array({rule})}});

  CommandResult faulted = destroy ? ws.Destroy() : ws.Apply();
  const std::string output = Squashed(faulted.stdout_text + faulted.stderr_text);
  const json objects = env.emu().Objects();  // as they were right after the faulted command

  // The fault was actually met: the rule counts an application as it applies it (before a delay
  // or a timeout it adds, which may outlast the command).
  {
    const json rules = env.emu().FaultRules();
    EXPECT_GE(rules["rules"][0].value("applied", 0), 1) << "the fault rule never fired: " << rules.dump();
  }
  EXPECT_EQ(CrashSign(faulted), "") << faulted.Describe();
  const bool succeeded = faulted.ok();
  RecordProperty("outcome", succeeded ? "retried-and-succeeded" : "failed-with-diagnostic");
  std::printf("FAULT-OUTCOME %s %s %s\n", op.name, fault.name,
              succeeded ? "retried-and-succeeded" : "failed-with-diagnostic");
  EXPECT_EQ(succeeded, ExpectSuccess(op, fault)) << faulted.Describe();
  if (!succeeded) {
    EXPECT_THAT(output, HasSubstr("Error: ")) << faulted.Describe();
    EXPECT_THAT(output, HasSubstr(op.diagnostic)) << "the diagnostic does not name the operation\n"
                                                  << faulted.Describe();
    EXPECT_THAT(output, HasSubstr(fault.cause)) << "the diagnostic does not name the cause\n" << faulted.Describe();
  }

  // No orphan, no loss: the emulator holds exactly what the state says. A destroy that deleted a
  // secret but failed to purge it keeps the binding in state (the next destroy purges), so
  // secrets are compared in any phase here; after converging only live ones count.
  {
    Inventory state = env.State();
    Inventory remote = EmulatorInventory(objects, /*held_secrets=*/true);
    EXPECT_EQ(remote, state) << "after the faulted " << op.command << "\n emulator: " << remote.Describe()
                             << "\n state:    " << state.Describe();
  }

  // Without faults the same command converges.
  env.emu().ClearFaults();
  CommandResult again = destroy ? ws.Destroy() : ws.Apply();
  ASSERT_TRUE(again.ok()) << again.Describe();
  Inventory state = env.State();
  Inventory remote = env.Remote();
  EXPECT_EQ(remote, state) << "after converging\n emulator: " << remote.Describe()
                           << "\n state:    " << state.Describe();
  if (destroy) {
    EXPECT_TRUE(state.empty()) << state.Describe();
    EXPECT_THAT(NonLiveSecrets(env.emu().Objects()), ::testing::IsEmpty()) << "a destroyed secret was not purged";
  } else if (succeeded) {
    // The faulted apply already converged: this apply had nothing to do, i.e. the plan was clean.
    EXPECT_FALSE(state.empty());
    EXPECT_THAT(again.stdout_text, HasSubstr("No changes.")) << again.Describe();
  } else {
    EXPECT_FALSE(state.empty());
    CommandResult plan = ws.Plan({"-detailed-exitcode"});
    EXPECT_EQ(plan.exit_code, 0) << "expected a clean plan after converging\n" << plan.Describe();
  }
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return std::string(info.param.op->name) + "_" + info.param.fault->name;
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultE2eTest, ::testing::ValuesIn(AllCases()), CaseName);

}  // namespace
}  // namespace adbjit::e2e
