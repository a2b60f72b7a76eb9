// Load under random transient faults through the real terraform CLI: tokens, Key Vault bindings
// holding pool ids, and pools, applied, planned and destroyed with -parallelism=20 while about 5%
// of all remote calls meet a 429, a 503 or a dropped connection (seeded, so reproducible in
// distribution). Everything is created exactly once, the plan is clean, nothing is left behind.
// ADBJIT_LOAD_SCALE selects the size: 1 = 100 resources, 5 = 500 resources (what the suite runs).
#include <chrono>
#include <cstdio>
#include <string>

#include "tests/e2e/faults_e2e_fixture.h"

#ifndef ADBJIT_LOAD_SCALE
#define ADBJIT_LOAD_SCALE 1
#endif

namespace adbjit::e2e {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr int kTokens = 50 * ADBJIT_LOAD_SCALE;
constexpr int kBindings = 40 * ADBJIT_LOAD_SCALE;
constexpr int kPools = 10 * ADBJIT_LOAD_SCALE;
constexpr int kResources = kTokens + kBindings + kPools;

// Three rules of about 1.7% each: a request that escapes one is drawn again by the next, so
// about 5% of requests (on every service) meet one of them.
json TransientFaults() {
  return json{{"replace", true},
              {"rules", json::array({
                            {{"service", "*"}, {"action", "status"}, {"status", 429},
                             {"headers", {{"Retry-After", "1"}}}, {"probability", 0.017}},
                            {{"service", "*"}, {"action", "status"}, {"status", 503}, {"probability", 0.017}},
                            {{"service", "*"}, {"action", "drop"}, {"probability", 0.017}},
                        })}};
}

int FaultsApplied(const json& counters) {
  int n = 0;
  for (const auto& [service, c] : counters["by_service"].items()) n += c.value("faults", 0);
  return n;
}

int Requests(const json& counters) {
  int n = 0;
  for (const auto& [service, c] : counters["by_service"].items()) n += c.value("requests", 0);
  return n;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

TEST(LoadE2eTest, ApplyPlanDestroyWithParallelism20UnderFivePercentTransientFaults) {
  emulator::Options options;
  options.seed = 20240508;
  EmulatorWorkspace env(options);
  ASSERT_TRUE(env.Start()) << env.error();
  Workspace& ws = env.ws();
  ws.WriteConfig(R"(
provider "adbjit" {
  retry_timeout_seconds = 120
}

resource "adbjit_token" "t" {
  count            = )" + std::to_string(kTokens) + R"(
  comment          = "load token ${count.index}"
  lifetime_seconds = 7200
}

resource "adbjit_instance_pool" "p" {
  count              = )" + std::to_string(kPools) + R"(
  instance_pool_name = "load-pool-${count.index}"
  node_type_id       = "Standard_DS3_v2"
  max_capacity       = 2
}

resource "adbjit_keyvault_binding" "b" {
  count        = )" + std::to_string(kBindings) + R"(
  vault_url    = ")" + env.VaultUrl() + R"("
  name         = "load-${count.index}"
  value        = adbjit_instance_pool.p[count.index % )" + std::to_string(kPools) + R"(].id
  content_type = "instance-pool-id"
}
)");
  env.emu().SetFaults(TransientFaults());
  const std::chrono::minutes kCommandTimeout(15);

  auto t0 = std::chrono::steady_clock::now();
  CommandResult apply = ws.Terraform({"apply", "-auto-approve", "-input=false", "-parallelism=20"}, kCommandTimeout);
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_EQ(CrashSign(apply), "");
  EXPECT_THAT(apply.stdout_text, HasSubstr(std::to_string(kResources) + " added, 0 changed, 0 destroyed"));

  // Exactly what was declared, each once, and exactly what the state records.
  Inventory remote = env.Remote();
  EXPECT_THAT(remote.tokens, SizeIs(kTokens));
  EXPECT_THAT(remote.pools, SizeIs(kPools));
  EXPECT_THAT(remote.secrets, SizeIs(kBindings));
  Inventory state = env.State();
  EXPECT_EQ(remote, state) << "emulator: " << remote.Describe() << "\nstate: " << state.Describe();
  json objects = env.emu().Objects();
  EXPECT_THAT(objects["tokens"], SizeIs(kTokens)) << "a token was created twice (and revoked)";

  CommandResult plan =
      ws.Terraform({"plan", "-input=false", "-detailed-exitcode", "-parallelism=20"}, kCommandTimeout);
  auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(plan.exit_code, 0) << "expected no changes\n" << plan.Describe();

  CommandResult destroy =
      ws.Terraform({"destroy", "-auto-approve", "-input=false", "-parallelism=20"}, kCommandTimeout);
  auto t3 = std::chrono::steady_clock::now();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_EQ(CrashSign(destroy), "");
  EXPECT_THAT(destroy.stdout_text, HasSubstr(std::to_string(kResources) + " destroyed"));

  objects = env.emu().Objects();
  EXPECT_TRUE(EmulatorInventory(objects).empty()) << EmulatorInventory(objects).Describe();
  EXPECT_THAT(objects["secrets"], SizeIs(0)) << "secrets left (soft-deleted or live): " << objects["secrets"].dump();
  EXPECT_TRUE(env.State().empty());

  const json counters = env.emu().Counters();
  const int faults = FaultsApplied(counters);
  const int requests = Requests(counters);
  EXPECT_GT(faults, 0) << "no fault was injected";
  std::printf("LOAD %d resources: apply %.1fs, plan %.1fs, destroy %.1fs; %d requests, %d faults (%.1f%%)\n",
              kResources, Seconds(t1 - t0), Seconds(t2 - t1), Seconds(t3 - t2), requests, faults,
              requests > 0 ? 100.0 * faults / requests : 0.0);
  RecordProperty("apply_seconds", std::to_string(Seconds(t1 - t0)));
  RecordProperty("faults", faults);
  RecordProperty("requests", requests);
}

}  // namespace
}  // namespace adbjit::e2e
