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

}  // namespace
}  // namespace adbjit::resources
