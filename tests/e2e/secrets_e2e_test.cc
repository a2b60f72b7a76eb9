// Secret hygiene through the real terraform CLI at TF_LOG=TRACE: a known client secret, two PATs
// (one plain, one sealed into Key Vault) and Key Vault values (a binding's `value`, two successive
// `value_wo`s) go through apply, plan, a value_wo rotation and destroy. None of them may appear in
// terraform's stdout or stderr, in the trace log (which carries the provider's own log lines), or
// in any file the runs leave in the workspace or in the temporary directory they were given —
// except where shared/spec/interface.md stores them: the plain token's `token_value` and the
// binding's `value` are sensitive state attributes, so they may (and must) be in terraform.tfstate
// and its backup, and nowhere else.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/server.h"
#include "provider/clients/clients.h"
#include "tests/e2e/emulator_env.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/outside_clients.h"

namespace adbjit::e2e {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::HasSubstr;

constexpr char kClientSecret[] = "hygiene-client-secret-7Qx9vZ2mK4pL8wR3";
constexpr char kBindingValue[] = "hygiene-binding-value-Jr5tY8uN2bV6cX1z";
constexpr char kValueWo1[] = "hygiene-write-only-one-Hd3fG7kP9sA2qW5e";
constexpr char kValueWo2[] = "hygiene-write-only-two-Lm4nB8vC1xZ6tR9y";

std::string Config(const std::string& vault_url, const std::string& value_wo, int value_wo_version) {
  return R"(
provider "adbjit" {}

resource "adbjit_token" "plain" {
  comment          = "hygiene plain"
  lifetime_seconds = 3600
}

resource "adbjit_token" "sealed" {
  comment          = "hygiene sealed"
  lifetime_seconds = 3600
  keyvault_secret {
    vault_url = ")" + vault_url + R"("
    name      = "hygiene-sealed-pat"
  }
}

resource "adbjit_keyvault_binding" "value" {
  vault_url = ")" + vault_url + R"("
  name      = "hygiene-value"
  value     = ")" + kBindingValue + R"("
}

resource "adbjit_keyvault_binding" "wo" {
  vault_url        = ")" + vault_url + R"("
  name             = "hygiene-wo"
  value_wo         = ")" + value_wo + R"("
  value_wo_version = )" + std::to_string(value_wo_version) + R"(
}
)";
}

class SecretsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    principal_.client_secret = kClientSecret;
    emulator::Options options;
    options.principals = {principal_};
    emu_ = std::make_unique<emulator::Server>(std::move(options));
    ASSERT_TRUE(emu_->Start()) << emu_->error();
    ws_.SetEnv(EmulatorEnvironment(*emu_, principal_));
    // Everything a run writes goes under the workspace: the trace log, and TMPDIR (the plugin's
    // socket directory, terraform's temporary files).
    tmp_ = ws_.root() / "tmp";
    fs::create_directories(tmp_);
    trace_log_ = ws_.root() / "trace.log";
    ws_.SetEnv("TMPDIR", tmp_.string());
    ws_.SetEnv("TF_LOG", "TRACE");
    ws_.SetEnv("TF_LOG_PATH", trace_log_.string());
  }

  std::string VaultUrl() const { return emu_->keyvault_url() + "/"; }

  // The latest value of a Key Vault secret, read outside Terraform with the same principal.
  std::string SecretValue(const std::string& name) {
    if (outside_ == nullptr) outside_ = OutsideClients(*emu_, principal_);
    EXPECT_NE(outside_, nullptr);
    if (outside_ == nullptr) return "";
    auto bundle = outside_->keyvault().GetSecret(VaultUrl(), name);
    EXPECT_TRUE(bundle.ok()) << name << ": " << bundle.status().message();
    return bundle.ok() ? bundle->value.Reveal() : std::string();
  }

  CommandResult Run(const std::string& step, std::vector<std::string> args) {
    CommandResult r = ws_.Terraform(std::move(args));
    outputs_.push_back({step, r});
    return r;
  }

  emulator::Principal principal_;
  std::unique_ptr<emulator::Server> emu_;
  Workspace ws_;
  fs::path tmp_;
  fs::path trace_log_;
  std::unique_ptr<clients::Clients> outside_;
  std::vector<std::pair<std::string, CommandResult>> outputs_;
};

TEST_F(SecretsE2eTest, NoSecretInOutputLogsOrLeftoverFilesAtTrace) {
  ws_.WriteConfig(Config(VaultUrl(), kValueWo1, 1));

  CommandResult apply = Run("apply", {"apply", "-auto-approve", "-input=false"});
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_THAT(apply.stdout_text, HasSubstr("4 added, 0 changed, 0 destroyed"));

  // The secrets as they now exist.
  auto show = ws_.ShowJson();
  ASSERT_TRUE(show.ok()) << show.status().message();
  const std::string plain_pat = ResourceValues(*show, "adbjit_token.plain").value("token_value", "");
  ASSERT_GE(plain_pat.size(), 16u) << "the plain token's value is in state";
  EXPECT_TRUE(ResourceValues(*show, "adbjit_token.sealed")["token_value"].is_null());
  const std::string sealed_pat = SecretValue("hygiene-sealed-pat");
  ASSERT_GE(sealed_pat.size(), 16u);
  ASSERT_NE(sealed_pat, plain_pat);
  ASSERT_EQ(SecretValue("hygiene-value"), kBindingValue);
  ASSERT_EQ(SecretValue("hygiene-wo"), kValueWo1);

  CommandResult plan = Run("plan", {"plan", "-detailed-exitcode", "-input=false"});
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();
  Run("show", {"show"});
  Run("output", {"output"});

  // Rotate the write-only value.
  ws_.WriteConfig(Config(VaultUrl(), kValueWo2, 2));
  CommandResult rotate = Run("apply value_wo_version = 2", {"apply", "-auto-approve", "-input=false"});
  ASSERT_TRUE(rotate.ok()) << rotate.Describe();
  ASSERT_EQ(SecretValue("hygiene-wo"), kValueWo2);

  CommandResult destroy = Run("destroy", {"destroy", "-auto-approve", "-input=false"});
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("4 destroyed"));
  EXPECT_EQ(emu_->Objects()["secrets"].size(), 0u) << "secrets left behind";

  // Sanity: the runs authenticated with the known client secret, and the trace log carries the
  // provider's own log lines (so the absence checks below look at them).
  EXPECT_GT(emu_->Counters()["by_service"]["entra"].value("requests", 0), 0);
  const std::string trace = ReadFileText(trace_log_);
  ASSERT_GT(trace.size(), 10000u) << "no TRACE log at " << trace_log_;
  EXPECT_THAT(trace, HasSubstr("provider.terraform-provider-adbjit"));
  EXPECT_THAT(trace, HasSubstr("create token"));

  const std::map<std::string, std::string> secrets = {
      {"client secret", kClientSecret}, {"plain PAT", plain_pat},      {"sealed PAT", sealed_pat},
      {"binding value", kBindingValue}, {"first value_wo", kValueWo1}, {"second value_wo", kValueWo2},
  };
  // Stored by design (sensitive state attributes): only in the state file and its backup.
  const std::map<std::string, bool> allowed_in_state = {
      {"plain PAT", true}, {"binding value", true}};

  for (const auto& [step, r] : outputs_) {
    for (const auto& [what, value] : secrets) {
      EXPECT_EQ(r.stdout_text.find(value), std::string::npos) << what << " in the stdout of " << step;
      EXPECT_EQ(r.stderr_text.find(value), std::string::npos) << what << " in the stderr of " << step;
    }
    // A crash would print Go's panic banner or our crash handler's line.
    EXPECT_THAT(r.stdout_text + r.stderr_text, ::testing::Not(HasSubstr("panic:"))) << step;
    EXPECT_THAT(r.stdout_text + r.stderr_text, ::testing::Not(HasSubstr("plugin crashed"))) << step;
  }

  // Every file under the workspace root: work dir (state, lock file, .terraform), tmp, the trace
  // log, the CLI config.
  int files = 0;
  bool saw_state = false;
  for (const auto& entry : fs::recursive_directory_iterator(ws_.root())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string name = entry.path().filename().string();
    const bool state_file = entry.path().parent_path() == ws_.work_dir() &&
                            (name == "terraform.tfstate" || name == "terraform.tfstate.backup");
    // The configuration is the user's own file, where the test wrote the values as literals.
    if (entry.path() == ws_.work_dir() / "main.tf") continue;
    const std::string content = ReadFileText(entry.path());
    if (state_file && content.find(plain_pat) != std::string::npos) saw_state = true;
    for (const auto& [what, value] : secrets) {
      if (state_file && allowed_in_state.count(what)) continue;
      EXPECT_EQ(content.find(value), std::string::npos) << what << " in " << entry.path();
    }
  }
  EXPECT_GT(files, 3);
  EXPECT_TRUE(saw_state) << "the plain token's value was never in terraform.tfstate(.backup)";
  // The plugin's socket directory is gone, and nothing else is left in the run's TMPDIR.
  for (const auto& entry : fs::directory_iterator(tmp_)) {
    EXPECT_EQ(entry.path().filename().string().rfind("adbjit-plugin-", 0), std::string::npos)
        << "socket directory left behind: " << entry.path();
  }
}

}  // namespace
}  // namespace adbjit::e2e
