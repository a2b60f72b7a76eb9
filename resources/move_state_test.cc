// MoveState of the three managed resources on source states the end-to-end suite does not write:
// values the plugin SDK stores for "unset", states missing their ids, sources of another type or
// provider, and text that is not a state at all (whose content must stay out of the diagnostics).
// Moves run before the provider is configured, so these need no API.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "resources/resources.h"

namespace adbjit::resources {
namespace {

using json = nlohmann::json;

constexpr char kDatabricks[] = "registry.terraform.io/databricks/databricks";
constexpr char kAzurerm[] = "registry.terraform.io/hashicorp/azurerm";

tf::MoveResponse Move(const std::shared_ptr<const tf::Resource>& target, const std::string& provider,
                      const std::string& type, const std::string& state_json) {
  tf::MoveResponse resp;
  target->MoveState(tf::CallContext{}, tf::MoveRequest{provider, type, 0, state_json, ""}, resp);
  return resp;
}

std::string AllText(const tf::Diagnostics& diags) {
  std::string text;
  for (const auto& d : diags.items()) text += d.summary + "\n" + d.detail + "\n";
  return text;
}

TEST(MoveStateTest, ASourceOfAnotherTypeOrProviderIsRefusedByName) {
  auto pool = NewInstancePoolResource();
  tf::MoveResponse cluster = Move(pool, kDatabricks, "databricks_cluster", R"({"id":"c-1"})");
  ASSERT_TRUE(cluster.diagnostics.HasError());
  EXPECT_NE(AllText(cluster.diagnostics).find("databricks_instance_pool"), std::string::npos);
  EXPECT_TRUE(cluster.state.IsNull());
  // The right type name from another provider is not that provider's resource.
  tf::MoveResponse elsewhere =
      Move(NewKeyVaultBindingResource(), "registry.terraform.io/example/other", "azurerm_key_vault_secret", "{}");
  EXPECT_TRUE(elsewhere.diagnostics.HasError());
  // Any host serves: a private registry's copy of the provider is the same provider.
  tf::MoveResponse mirrored = Move(pool, "registry.example.com/databricks/databricks", "databricks_instance_pool",
                                   R"({"id":"0101-000000-pool-1","instance_pool_name":"p","node_type_id":"n"})");
  EXPECT_FALSE(mirrored.diagnostics.HasError()) << AllText(mirrored.diagnostics);
}

TEST(MoveStateTest, TextThatIsNotAStateIsRefusedWithoutEchoingIt) {
  tf::MoveResponse resp =
      Move(NewTokenResource(), kDatabricks, "databricks_token", R"({"token_value":"dapi0123456789abcdef)");
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_EQ(AllText(resp.diagnostics).find("dapi0123"), std::string::npos) << AllText(resp.diagnostics);
  EXPECT_TRUE(resp.state.IsNull());
}

TEST(MoveStateTest, ATokenWithoutIdIsRefused) {
  tf::MoveResponse resp = Move(NewTokenResource(), kDatabricks, "databricks_token",
                               R"({"id":"","token_id":"","token_value":"dapi0123456789abcdef"})");
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(AllText(resp.diagnostics).find("token_id"), std::string::npos);
  EXPECT_EQ(AllText(resp.diagnostics).find("dapi0123"), std::string::npos);
}

TEST(MoveStateTest, ATokenWithUnsetFieldsKeepsThemNull) {
  // The SDK's "unset": no comment, no lifetime; the token never expires (-1).
  tf::MoveResponse resp = Move(NewTokenResource(), kDatabricks, "databricks_token",
                               json{{"id", "t-1"}, {"token_id", ""}, {"comment", ""}, {"lifetime_seconds", 0},
                                    {"creation_time", 1764576000000}, {"expiry_time", -1}, {"token_value", "v"}}
                                   .dump());
  ASSERT_FALSE(resp.diagnostics.HasError()) << AllText(resp.diagnostics);
  EXPECT_EQ(resp.state.Attr("token_id").AsString(), "t-1");  // from id
  EXPECT_TRUE(resp.state.Attr("comment").IsNull());
  EXPECT_TRUE(resp.state.Attr("lifetime_seconds").IsNull());
  EXPECT_TRUE(resp.state.Attr("expiry_time").IsNull());
  EXPECT_EQ(resp.state.Attr("creation_time").AsString(), "2025-12-01T08:00:00Z");
  EXPECT_TRUE(resp.state.Attr("keyvault_secret").IsNull());
  // Until a refresh finds it, a warning names the token if it is not the principal's own.
  EXPECT_NE(resp.private_data.find("databricks_token"), std::string::npos) << resp.private_data;
}

// Without a configured lifetime, the one Databricks gave is the whole seconds nearest to
// expiry - creation: an expiry a millisecond short of the hour is still the hour, which the
// configuration's lifetime_seconds = 3600 then matches (a lifetime one second off would replace it).
TEST(MoveStateTest, ALifetimeReadFromTheTimesIsRoundedToTheNearestSecond) {
  for (int64_t expiry_offset_ms : {3599999, 3600000, 3600001, 3600499}) {
    tf::MoveResponse resp = Move(NewTokenResource(), kDatabricks, "databricks_token",
                                 json{{"id", "t-1"}, {"token_id", "t-1"},
                                      {"creation_time", 1764576000000},
                                      {"expiry_time", 1764576000000 + expiry_offset_ms}}
                                     .dump());
    ASSERT_FALSE(resp.diagnostics.HasError()) << AllText(resp.diagnostics);
    EXPECT_EQ(resp.state.Attr("lifetime_seconds").GetInt(), 3600) << expiry_offset_ms;
  }
}

TEST(MoveStateTest, APoolOnDatabricksDefaultPlacementLeavesTheBlockOut) {
  // A placement stored without a price reads as 0: the default placement all the same.
  tf::MoveResponse resp = Move(NewInstancePoolResource(), kDatabricks, "databricks_instance_pool",
                               json{{"id", "0101-000000-pool-1"},
                                    {"instance_pool_name", "p"},
                                    {"node_type_id", "Standard_DS3_v2"},
                                    {"custom_tags", json::object()},
                                    {"azure_attributes", {{{"availability", "ON_DEMAND_AZURE"}, {"spot_bid_max_price", 0}}}},
                                    {"disk_spec", json::array()}}
                                   .dump());
  ASSERT_FALSE(resp.diagnostics.HasError()) << AllText(resp.diagnostics);
  EXPECT_EQ(resp.state.Attr("instance_pool_id").AsString(), "0101-000000-pool-1");  // from id
  EXPECT_TRUE(resp.state.Attr("azure_attributes").IsNull());
  EXPECT_TRUE(resp.state.Attr("disk_spec").IsNull());
  EXPECT_TRUE(resp.state.Attr("custom_tags").IsNull());
  EXPECT_NE(resp.private_data.find("ON_DEMAND_AZURE"), std::string::npos) << resp.private_data;
}

TEST(MoveStateTest, APoolWithoutIdIsRefused) {
  tf::MoveResponse resp = Move(NewInstancePoolResource(), kDatabricks, "databricks_instance_pool",
                               R"({"id":"","instance_pool_name":"p","node_type_id":"n"})");
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_NE(AllText(resp.diagnostics).find("instance_pool_id"), std::string::npos);
}

TEST(MoveStateTest, ASecretWrittenWriteOnlyKeepsItsVersion) {
  tf::MoveResponse resp = Move(NewKeyVaultBindingResource(), kAzurerm, "azurerm_key_vault_secret",
                               json{{"id", "https://kv.vault.azure.net/secrets/s/0123456789abcdef0123456789abcdef"},
                                    {"name", "s"},
                                    {"value", ""},
                                    {"value_wo_version", 3},
                                    {"tags", json::object()},
                                    {"content_type", ""}}
                                   .dump());
  ASSERT_FALSE(resp.diagnostics.HasError()) << AllText(resp.diagnostics);
  EXPECT_EQ(resp.state.Attr("vault_url").AsString(), "https://kv.vault.azure.net/");
  EXPECT_EQ(resp.state.Attr("name").AsString(), "s");
  EXPECT_EQ(resp.state.Attr("versionless_id").AsString(), "https://kv.vault.azure.net/secrets/s");  // from id
  EXPECT_TRUE(resp.state.Attr("value").IsNull());
  EXPECT_EQ(resp.state.Attr("value_wo_version").AsNumber().ToString(), "3");
  EXPECT_TRUE(resp.state.Attr("tags").IsNull());
  EXPECT_TRUE(resp.state.Attr("content_type").IsNull());
  EXPECT_TRUE(resp.state.Attr("value_wo").IsNull());
}

TEST(MoveStateTest, ASecretWithoutIdIsRefused) {
  tf::MoveResponse resp = Move(NewKeyVaultBindingResource(), kAzurerm, "azurerm_key_vault_secret",
                               R"({"id":"","name":"s","value":"hunter2-secret"})");
  ASSERT_TRUE(resp.diagnostics.HasError());
  EXPECT_EQ(AllText(resp.diagnostics).find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace adbjit::resources
