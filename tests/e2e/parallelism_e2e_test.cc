// 50 tokens, 50 Key Vault bindings (holding the ids of 5 pools) and the 5 pools applied and
// destroyed with -parallelism=20 through the real terraform CLI: everything is created exactly
// once, the second plan is clean, and the emulator is empty afterwards.
#include <chrono>
#include <set>
#include <string>

#include "tests/e2e/pool_binding_e2e_fixture.h"

namespace adbjit::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST_F(PoolBindingE2eTest, FiftyTokensFiftyBindingsAndFivePoolsApplyAndDestroyWithParallelism20) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(R"(
resource "adbjit_token" "t" {
  count            = 50
  comment          = "parallel token ${count.index}"
  lifetime_seconds = 3600
}

resource "adbjit_instance_pool" "p" {
  count              = 5
  instance_pool_name = "parallel-pool-${count.index}"
  node_type_id       = "Standard_DS3_v2"
  max_capacity       = 2
  custom_tags = {
    index = "${count.index}"
  }
}

resource "adbjit_keyvault_binding" "b" {
  count        = 50
  vault_url    = ")" + VaultUrl() + R"("
  name         = "parallel-${count.index}"
  value        = adbjit_instance_pool.p[count.index % 5].id
  content_type = "instance-pool-id"
}
)");
  const auto start = std::chrono::steady_clock::now();
  CommandResult apply = MustApply({"-parallelism=20"});
  ASSERT_TRUE(apply.ok());
  EXPECT_THAT(apply.stdout_text, HasSubstr("105 added, 0 changed, 0 destroyed"));

  // Exactly what was declared exists, each once.
  json objects = emu().Objects();
  int live_tokens = 0;
  std::set<std::string> comments;
  for (const auto& t : objects["tokens"]) {
    if (t.value("expired", false)) continue;
    ++live_tokens;
    comments.insert(t.value("comment", ""));
  }
  EXPECT_EQ(live_tokens, 50);
  EXPECT_THAT(comments, SizeIs(50));
  json pools = LivePools();
  ASSERT_THAT(pools, SizeIs(5));
  std::set<std::string> pool_ids;
  for (const auto& p : pools) pool_ids.insert(p["instance_pool_id"].get<std::string>());
  json secrets = Secrets();
  ASSERT_THAT(secrets, SizeIs(50));
  for (const auto& s : secrets) {
    EXPECT_EQ(s["state"], "live");
    EXPECT_EQ(s["versions"], 1) << s.dump();
  }
  EXPECT_TRUE(pool_ids.count(SecretValue("parallel-7"))) << "a binding holds a pool id";

  CommandResult plan = PlanDetailed({"-parallelism=20"});
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();

  CommandResult destroy = ws().Destroy({"-parallelism=20"});
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("105 destroyed"));
  const auto elapsed = std::chrono::steady_clock::now() - start;

  objects = emu().Objects();
  EXPECT_THAT(objects["tokens"], SizeIs(0)) << objects["tokens"].dump(2);
  EXPECT_THAT(LivePools(), SizeIs(0));
  EXPECT_THAT(Secrets(), SizeIs(0)) << Secrets().dump(2);
  EXPECT_LT(elapsed, std::chrono::seconds(60)) << "apply, plan and destroy took too long";
}

}  // namespace
}  // namespace adbjit::e2e
