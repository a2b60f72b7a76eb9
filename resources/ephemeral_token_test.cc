// The ephemeral adbjit_token and the adbjit_tokens data source of the same run, against the
// emulator: what the data source lists while an open's create is still in flight.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "provider/clients/testing/emulator_fixture.h"
#include "provider/framework/codec.h"
#include "resources/common.h"
#include "resources/resources.h"

namespace adbjit::resources {
namespace {

// Provider data with clients on the emulator, and the call context that carries it.
class EphemeralTokenTest : public testing::EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    api_->clients = NewClients();
    ASSERT_NE(api_->clients, nullptr);
  }
  // Opens a token (600 s, no comment) on another thread.
  std::future<tf::OpenResponse> OpenAsync() {
    auto config = tf::DecodeJson(R"({"lifetime_seconds":600})", ephemeral_->GetSchema().ImpliedType());
    EXPECT_TRUE(config.ok()) << config.status().message();
    return std::async(std::launch::async, [this, config = *config] {
      tf::OpenResponse resp;
      ephemeral_->Open(ctx_, tf::OpenRequest{config}, resp);
      return resp;
    });
  }
  // Terraform shuts the provider down while an open's create waits `delay_ms` for the workspace
  // (which makes the token after the wait): Stop, then the shutdown sweep with `sweep_time`.
  tf::OpenResponse ShutDownDuringAnOpen(int delay_ms, std::chrono::milliseconds sweep_time) {
    Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "^/api/2.0/token/create$"},
                                   {"action", "delay"}, {"delay_ms", delay_ms}, {"count", 1}}}));
    std::future<void> sending = WhenSending("create token");
    auto opened = OpenAsync();
    EXPECT_EQ(sending.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    api_->clients->Cancel();
    RevokeUnclosedEphemeralTokens(*api_, std::chrono::steady_clock::now() + sweep_time);
    return opened.get();
  }

  std::shared_ptr<ApiProviderData> api_ = std::make_shared<ApiProviderData>();
  const tf::CallContext ctx_{.provider = api_};
  std::shared_ptr<const tf::EphemeralResource> ephemeral_ = NewEphemeralTokenResource();
};

// A token the workspace has made while the open that asked for it still waits for the answer is
// the run's own already: a data source read in that moment leaves it out, as it does once the
// open returns (otherwise what depends on the list changes with Terraform's walk order).
TEST_F(EphemeralTokenTest, TheTokensDataSourceLeavesOutATokenWhoseOpenIsInFlight) {
  auto tokens = NewTokensDataSource();
  // The workspace makes the token at once and answers 3 s later.
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "^/api/2.0/token/create$"},
                                 {"action", "delay"}, {"phase", "after"}, {"delay_ms", 3000}, {"count", 1}}}));

  auto open_config = tf::DecodeJson(R"({"lifetime_seconds":600,"comment":"for the job"})",
                                    ephemeral_->GetSchema().ImpliedType());
  ASSERT_TRUE(open_config.ok()) << open_config.status().message();
  auto opened = std::async(std::launch::async, [&] {
    tf::OpenResponse resp;
    ephemeral_->Open(ctx_, tf::OpenRequest{*open_config}, resp);
    return resp;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (LiveTokenIds().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(LiveTokenIds().size(), 1u) << "the workspace should have made the token";

  auto list_config = tf::DecodeJson("{}", tokens->GetSchema().ImpliedType());
  ASSERT_TRUE(list_config.ok()) << list_config.status().message();
  tf::DataReadResponse listed;
  tokens->Read(ctx_, tf::DataReadRequest{*list_config}, listed);
  ASSERT_FALSE(listed.diagnostics.HasError());
  EXPECT_EQ(listed.state.Attr("tokens").Length(), 0u) << "the run's own token, its open still in flight, was listed";

  tf::OpenResponse open = opened.get();
  ASSERT_FALSE(open.diagnostics.HasError());
  // The marker made way for the token's id: nothing is left for the shutdown sweep to look for.
  auto open_list = api_->open_ephemeral_tokens.Snapshot();
  ASSERT_EQ(open_list.size(), 1u);
  EXPECT_EQ(open_list[0].id, *LiveTokenIds().begin());
  EXPECT_EQ(open_list[0].marker, "");

  tf::CloseResponse closed;
  ephemeral_->Close(ctx_, tf::CloseRequest{open.private_data}, closed);
  EXPECT_FALSE(closed.diagnostics.HasError());
  EXPECT_TRUE(LiveTokenIds().empty());
  EXPECT_TRUE(api_->open_ephemeral_tokens.Empty());
}

// An open refused at once (a definite error) made nothing: it leaves nothing on the open list.
TEST_F(EphemeralTokenTest, AnOpenRefusedLeavesNothingOpen) {
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "^/api/2.0/token/create$"},
                                 {"action", "status"}, {"status", 403}, {"count", 1}}}));
  auto config = tf::DecodeJson(R"({"lifetime_seconds":600})", ephemeral_->GetSchema().ImpliedType());
  ASSERT_TRUE(config.ok()) << config.status().message();
  tf::OpenResponse resp;
  ephemeral_->Open(ctx_, tf::OpenRequest{*config}, resp);
  EXPECT_TRUE(resp.diagnostics.HasError());
  EXPECT_TRUE(api_->open_ephemeral_tokens.Empty());
  EXPECT_FALSE(api_->NeedsShutdown());
}

// Terraform shuts the provider down (after a Stop, which lets a create run to its answer) while an
// open's create is in flight: the sweep waits for the open to end and revokes what it made, rather
// than look once for a token that does not exist yet and leave the one made a moment later.
TEST_F(EphemeralTokenTest, TheShutdownSweepWaitsForAnOpenInFlight) {
  tf::OpenResponse open = ShutDownDuringAnOpen(/*delay_ms=*/1500, std::chrono::seconds(20));
  EXPECT_FALSE(open.diagnostics.HasError());
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/create", 200), 1);
  EXPECT_TRUE(LiveTokenIds().empty()) << "the token made after the sweep began outlives the run";
  EXPECT_TRUE(api_->open_ephemeral_tokens.Empty());
}

// An open whose create ends after the sweep stopped waiting for it revokes its own token.
TEST_F(EphemeralTokenTest, AnOpenThatEndsAfterTheSweepRevokesItsOwnToken) {
  tf::OpenResponse open = ShutDownDuringAnOpen(/*delay_ms=*/1500, std::chrono::milliseconds(100));
  EXPECT_FALSE(open.diagnostics.HasError());
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/create", 200), 1);
  EXPECT_TRUE(LiveTokenIds().empty()) << "the token made after the sweep outlives the run";
  EXPECT_TRUE(api_->open_ephemeral_tokens.Empty());
}

// Once the sweep has begun, an open is refused before anything is sent: the process is about to
// end, and nothing would revoke the token.
TEST_F(EphemeralTokenTest, AnOpenAfterTheShutdownSweepBeganIsRefused) {
  RevokeUnclosedEphemeralTokens(*api_);
  tf::OpenResponse open = OpenAsync().get();
  ASSERT_TRUE(open.diagnostics.HasError());
  EXPECT_EQ(open.diagnostics.items()[0].summary, "Provider is shutting down");
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/create"), 0);
  EXPECT_TRUE(api_->open_ephemeral_tokens.Empty());
}

}  // namespace
}  // namespace adbjit::resources
