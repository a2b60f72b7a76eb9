// RevokeUnclosedEphemeralTokens against the emulator: the shutdown sweep of ephemeral tokens
// Terraform did not close revokes them, and, as Terraform waits for it with no deadline of its
// own, stops trying once the workspace does not answer rather than spend a clean-up budget on each.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "provider/clients/testing/emulator_fixture.h"
#include "provider/util/log.h"
#include "resources/common.h"

namespace adbjit::resources {
namespace {

class EphemeralSweepTest : public testing::EmulatorTest {
 protected:
  void TearDown() override {
    log::SetSinkForTesting(nullptr);
    EmulatorTest::TearDown();
  }

  // Provider data whose open list holds `n` live tokens; their ids in `*ids`.
  std::unique_ptr<ApiProviderData> WithOpenTokens(int n, std::set<std::string>* ids, int retry_timeout_seconds = 2) {
    auto api = std::make_unique<ApiProviderData>();
    auto config = Config();
    config.http_timeout_seconds = 1;
    config.retry_timeout_seconds = retry_timeout_seconds;
    api->clients = NewClients(config);
    for (int i = 0; i < n; ++i) {
      auto created = api->clients->databricks().CreateTokenSafely(3600, "ephemeral " + std::to_string(i));
      EXPECT_TRUE(created.ok()) << created.status().ToString();
      if (!created.ok()) continue;
      ids->insert(created->info.token_id);
      api->open_ephemeral_tokens.Add({.id = created->info.token_id, .expiry = "", .marker = ""});
    }
    return api;
  }

  // Collects the warnings and errors logged from here on.
  void CollectLog() {
    log::SetLevel(log::Level::kWarn);
    log::SetSinkForTesting([this](std::string_view line) {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
    });
  }
  int LinesWith(const std::string& needle) {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& l : lines_) n += l.find(needle) != std::string::npos;
    return n;
  }

  std::mutex mu_;
  std::vector<std::string> lines_;
};

// The framework keeps data that a later configure replaced for Shutdown while this says so
// (Terraform's -debug mode configures one process once per command).
TEST_F(EphemeralSweepTest, DataNeedsShutdownWhileItHoldsUnclosedTokens) {
  std::set<std::string> ids;
  auto api = WithOpenTokens(1, &ids);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(api->NeedsShutdown());
  api->open_ephemeral_tokens.Remove(*ids.begin());  // closed by Terraform
  EXPECT_FALSE(api->NeedsShutdown());
  api->open_ephemeral_tokens.Add({.id = *ids.begin(), .expiry = "", .marker = ""});
  RevokeUnclosedEphemeralTokens(*api);
  EXPECT_FALSE(api->NeedsShutdown());
  EXPECT_FALSE(ApiProviderData().NeedsShutdown());
}

TEST_F(EphemeralSweepTest, RevokesEveryUnclosedToken) {
  std::set<std::string> ids;
  auto api = WithOpenTokens(3, &ids);
  ASSERT_EQ(LiveTokenIds(), ids);
  CollectLog();
  RevokeUnclosedEphemeralTokens(*api);
  EXPECT_TRUE(LiveTokenIds().empty());
  EXPECT_EQ(LinesWith("revoked an ephemeral token Terraform did not close"), 3);
}

// Several sweeps in one shutdown (-debug mode keeps several provider data) share one deadline: a
// sweep that starts after it revokes nothing and says so.
TEST_F(EphemeralSweepTest, StartsNoRevokeAfterTheSharedDeadline) {
  std::set<std::string> ids;
  auto api = WithOpenTokens(2, &ids);
  CollectLog();
  RevokeUnclosedEphemeralTokens(*api, std::chrono::steady_clock::now() - std::chrono::seconds(1));
  EXPECT_EQ(LiveTokenIds(), ids);
  EXPECT_EQ(LinesWith("did not revoke an ephemeral token Terraform did not close (the sweep's 20 s ran out"), 2);
  EXPECT_FALSE(api->NeedsShutdown());
}

TEST_F(EphemeralSweepTest, StopsTryingOnceTheWorkspaceDoesNotAnswer) {
  std::set<std::string> ids;
  auto api = WithOpenTokens(3, &ids);
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/token/delete"}, {"action", "timeout"},
                                 {"delay_ms", 3000}}}));
  CollectLog();
  RevokeUnclosedEphemeralTokens(*api);
  EXPECT_EQ(LiveTokenIds(), ids) << "nothing could be revoked";
  EXPECT_EQ(LinesWith("cannot revoke an ephemeral token Terraform did not close"), 1);
  EXPECT_EQ(LinesWith("did not revoke an ephemeral token Terraform did not close (the workspace did not answer"), 2);
  EXPECT_TRUE(api->open_ephemeral_tokens.TakeAllForSweep(std::chrono::steady_clock::now()).empty());
}

// A revoke in the sweep retries within the clean-up budget (20 s), not within
// retry_timeout_seconds: a workspace asking to wait 25 s is left at once, not waited for.
TEST_F(EphemeralSweepTest, ARevokeRetriesOnlyWithinTheCleanUpBudget) {
  std::set<std::string> ids;
  auto api = WithOpenTokens(1, &ids, /*retry_timeout_seconds=*/300);
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/token/delete"}, {"action", "status"},
                                 {"status", 503}, {"headers", {{"Retry-After", "25"}}}, {"count", 1}}}));
  CollectLog();
  RevokeUnclosedEphemeralTokens(*api);
  EXPECT_EQ(LiveTokenIds(), ids) << "the 25 s wait was not taken";
  EXPECT_EQ(LinesWith("cannot revoke an ephemeral token Terraform did not close"), 1);
  EXPECT_EQ(LinesWith("Retry-After asked for 25s"), 1);
}

}  // namespace
}  // namespace adbjit::resources
