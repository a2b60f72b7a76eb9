// The parallel scenario the sanitizer runs use (scripts/sanitize.sh asan|tsan): 20 tokens and 20
// Key Vault bindings applied, re-planned and destroyed through the real terraform CLI with
// -parallelism=10, so that the provider serves concurrent RPCs over shared clients (token cache,
// retrying transport, connection reuse). Also part of the normal e2e suite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "emulator/server.h"
#include "tests/e2e/emulator_env.h"
#include "tests/e2e/harness.h"

namespace adbjit::e2e {
namespace {

using ::testing::HasSubstr;

TEST(ParallelE2eTest, TwentyTokensAndTwentyBindingsWithParallelism10) {
  emulator::Server emu;
  ASSERT_TRUE(emu.Start()) << emu.error();
  Workspace ws;
  ws.SetEnv(EmulatorEnvironment(emu));
  ws.WriteConfig(R"(
provider "adbjit" {}

resource "adbjit_token" "t" {
  count            = 20
  comment          = "parallel ${count.index}"
  lifetime_seconds = 3600
}

resource "adbjit_keyvault_binding" "b" {
  count     = 20
  vault_url = ")" + emu.keyvault_url() + R"(/"
  name      = "parallel-${count.index}"
  value     = adbjit_token.t[count.index].token_id
}
)");
  CommandResult apply = ws.Apply({"-parallelism=10"});
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_THAT(apply.stdout_text, HasSubstr("40 added, 0 changed, 0 destroyed"));

  nlohmann::json objects = emu.Objects();
  std::set<std::string> comments;
  for (const auto& t : objects["tokens"]) {
    if (!t.value("expired", false)) comments.insert(t.value("comment", ""));
  }
  EXPECT_EQ(comments.size(), 20u) << "each token created exactly once";
  EXPECT_EQ(objects["tokens"].size(), 20u) << objects["tokens"].dump();
  EXPECT_EQ(objects["secrets"].size(), 20u);

  CommandResult plan = ws.Plan({"-detailed-exitcode", "-parallelism=10"});
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();

  CommandResult destroy = ws.Destroy({"-parallelism=10"});
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("40 destroyed"));
  objects = emu.Objects();
  EXPECT_EQ(objects["tokens"].size(), 0u) << objects["tokens"].dump();
  EXPECT_EQ(objects["secrets"].size(), 0u) << objects["secrets"].dump();
}

}  // namespace
}  // namespace adbjit::e2e
