// Moving from the Go providers through the real terraform CLI against the emulator: `moved` blocks
// from databricks_token, databricks_instance_pool and azurerm_key_vault_secret adopt the same
// remote objects (nothing is created, edited, written or revoked), the next plan is clean, and
// destroy then removes them as adbjit's own. A pool whose configuration declares Databricks' default
// placement gets one update of the state alone; a token another principal owns, which Databricks does
// not show to this one, is named in a warning. A source the provider cannot take is refused with a
// diagnostic naming the one it can.
//
// The source states are written as those providers store them (plugin SDK v2: nested blocks as
// one-element lists, unset strings "" and unset numbers 0). Terraform starts every provider the
// state names, so databricks/databricks and hashicorp/azurerm must be installed, though only the
// target provider is asked to move the state. Neither can be downloaded here: the adbjit binary
// stands in for both under their names, through dev_overrides. Terraform only reads its schema: no
// provider block configures them and no resource of theirs is left once the moves are planned.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "provider/util/rfc3339.h"
#include "tests/e2e/pool_binding_e2e_fixture.h"

namespace adbjit::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kDatabricks[] = "registry.terraform.io/databricks/databricks";
constexpr char kAzurerm[] = "registry.terraform.io/hashicorp/azurerm";

// One resource of a version-4 state file, as the source provider wrote it.
json SourceResource(const std::string& type, const std::string& name, const std::string& provider,
                    const json& attributes, const std::vector<std::string>& sensitive = {}) {
  json paths = json::array();
  for (const auto& attr : sensitive) paths.push_back(json::array({{{"type", "get_attr"}, {"value", attr}}}));
  return {{"mode", "managed"},
          {"type", type},
          {"name", name},
          {"provider", "provider[\"" + provider + "\"]"},
          {"instances", json::array({{{"schema_version", 0},
                                      {"attributes", attributes},
                                      {"sensitive_attributes", paths}}})}};
}

class MoveE2eTest : public PoolBindingE2eTest {
 protected:
  void SetUp() override {
    const fs::path stand_in = ws_.root() / "stand-in";
    fs::create_directories(stand_in);
    const fs::path binary = ProviderBinaryDir() / "terraform-provider-adbjit";
    fs::create_symlink(binary, stand_in / "terraform-provider-databricks");
    fs::create_symlink(binary, stand_in / "terraform-provider-azurerm");
    std::ofstream(ws_.cli_config()) << "provider_installation {\n  dev_overrides {\n"
                                    << "    \"adbjit/adbjit\" = \"" << ProviderBinaryDir().string() << "\"\n"
                                    << "    \"databricks/databricks\" = \"" << stand_in.string() << "\"\n"
                                    << "    \"hashicorp/azurerm\" = \"" << stand_in.string() << "\"\n"
                                    << "  }\n}\n";
  }

  void WriteSourceState(const json& resources) {
    json state = {{"version", 4},
                  {"terraform_version", "1.11.0"},
                  {"serial", 1},
                  {"lineage", "6f1d2c3b-0000-4000-8000-00000000a0a0"},
                  {"outputs", json::object()},
                  {"resources", resources}};
    ws_.WriteFile("terraform.tfstate", state.dump(2));
  }

  // Plans, expects every move to be the only change, and applies.
  void ExpectMovedOnly(const std::vector<std::string>& moves) {
    CommandResult plan = ws_.Plan();
    ASSERT_TRUE(plan.ok()) << plan.Describe();
    for (const auto& move : moves) EXPECT_THAT(plan.stdout_text, HasSubstr(move)) << plan.stdout_text;
    EXPECT_THAT(plan.stdout_text, HasSubstr("0 to add, 0 to change, 0 to destroy")) << plan.stdout_text;
    EXPECT_THAT(plan.stdout_text + plan.stderr_text, Not(HasSubstr("Moved token not found")));
    MustApply();
  }
};

TEST_F(MoveE2eTest, DatabricksTokenBecomesTheSameToken) {
  Start();
  auto created = Outside().databricks().CreateTokenSafely(7200, "legacy");
  ASSERT_TRUE(created.ok()) << created.status().message();
  const databricks::TokenInfo& info = created->info;
  WriteSourceState(json::array({SourceResource("databricks_token", "pipeline", kDatabricks,
                                               {{"id", info.token_id},
                                                {"token_id", info.token_id},
                                                {"comment", "legacy"},
                                                {"lifetime_seconds", 7200},
                                                {"creation_time", info.creation_time},
                                                {"expiry_time", info.expiry_time},
                                                {"token_value", created->token_value.Reveal()}},
                                               {"token_value"})}));
  Config(R"(
resource "adbjit_token" "pipeline" {
  comment          = "legacy"
  lifetime_seconds = 7200
}
moved {
  from = databricks_token.pipeline
  to   = adbjit_token.pipeline
}
output "token" {
  value     = adbjit_token.pipeline.token_value
  sensitive = true
}
)");
  ExpectMovedOnly({"databricks_token.pipeline has moved to adbjit_token.pipeline"});

  EXPECT_EQ(RouteRequests("/token/create"), 1);  // the token made above, no other
  EXPECT_EQ(RouteRequests("/token/delete"), 0);
  json state = State("adbjit_token.pipeline");
  EXPECT_EQ(state["token_id"], info.token_id);
  EXPECT_EQ(state["id"], info.token_id);
  EXPECT_EQ(state["comment"], "legacy");
  EXPECT_EQ(state["lifetime_seconds"], 7200);
  EXPECT_EQ(state["creation_time"], FormatRfc3339(info.creation_time / 1000));
  EXPECT_EQ(state["expiry_time"], FormatRfc3339(info.expiry_time / 1000));
  // What read the value from the old resource still gets it.
  CommandResult output = ws_.Terraform({"output", "-raw", "token"});
  ASSERT_TRUE(output.ok()) << output.Describe();
  EXPECT_EQ(output.stdout_text, created->token_value.Reveal());
  ExpectNoChanges("after the move");

  CommandResult destroy = ws_.Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_FALSE(Outside().databricks().GetToken(info.token_id).ok()) << "destroy revokes the moved token";
}

// Databricks lists a principal's own tokens only: a token the databricks provider created as
// someone else looks gone to adbjit. The plan says so, as a warning naming the token, because the
// new token it plans leaves the old one alive.
TEST_F(MoveE2eTest, ATokenOfAnotherPrincipalIsNamedInAWarning) {
  emulator::Principal user;
  user.client_id = "00000000-0000-4000-8000-0000000000a2";
  user.client_secret = "user-client-secret";
  user.object_id = "00000000-0000-4000-8000-0000000000a3";
  emulator::Options options;
  options.principals = {emulator::Principal{}, user};
  Start(std::move(options));
  auto as_user = OutsideClients(emu(), user);
  ASSERT_NE(as_user, nullptr);
  auto created = as_user->databricks().CreateTokenSafely(7200, "made by a user");
  ASSERT_TRUE(created.ok()) << created.status().message();
  const std::string token_id = created->info.token_id;
  WriteSourceState(json::array({SourceResource("databricks_token", "pipeline", kDatabricks,
                                               {{"id", token_id},
                                                {"token_id", token_id},
                                                {"comment", "made by a user"},
                                                {"lifetime_seconds", 7200},
                                                {"creation_time", created->info.creation_time},
                                                {"expiry_time", created->info.expiry_time},
                                                {"token_value", created->token_value.Reveal()}},
                                               {"token_value"})}));
  Config(R"(
resource "adbjit_token" "pipeline" {
  comment          = "made by a user"
  lifetime_seconds = 7200
}
moved {
  from = databricks_token.pipeline
  to   = adbjit_token.pipeline
}
)");
  CommandResult plan = ws_.Plan();
  ASSERT_TRUE(plan.ok()) << plan.Describe();
  const std::string out = Squashed(plan.stdout_text + plan.stderr_text);
  EXPECT_THAT(out, HasSubstr("Moved token not found"));
  EXPECT_THAT(out, HasSubstr("Token " + token_id + ", moved from databricks_token"));
  EXPECT_THAT(out, HasSubstr("1 to add, 0 to change, 0 to destroy"));
  EXPECT_THAT(out, Not(HasSubstr(created->token_value.Reveal())));
  EXPECT_TRUE(as_user->databricks().GetToken(token_id).ok()) << "a plan revokes nothing";
}

TEST_F(MoveE2eTest, DatabricksInstancePoolsBecomeTheSamePools) {
  Start();
  databricks::InstancePool warm;
  warm.instance_pool_name = "warm";
  warm.node_type_id = "Standard_DS3_v2";
  warm.min_idle_instances = 1;
  warm.max_capacity = 10;
  warm.idle_instance_autotermination_minutes = 15;
  warm.custom_tags = std::map<std::string, std::string>{{"team", "data"}};
  auto warm_id = Outside().databricks().CreateInstancePoolSafely(warm);
  ASSERT_TRUE(warm_id.ok()) << warm_id.status().message();
  databricks::InstancePool spot;
  spot.instance_pool_name = "spot";
  spot.node_type_id = "Standard_DS3_v2";
  spot.azure_attributes = databricks::AzureAttributes{"SPOT_AZURE", 0.5};
  spot.disk_spec = databricks::DiskSpec{1, 128, "PREMIUM_LRS"};
  spot.preloaded_spark_versions = {"15.4.x-scala2.12"};
  auto spot_id = Outside().databricks().CreateInstancePoolSafely(spot);
  ASSERT_TRUE(spot_id.ok()) << spot_id.status().message();
  // Databricks' defaults as the SDK stores them: the placement it chose in a one-element list, the
  // blocks never used as empty lists, unset numbers as 0.
  json unused = json::array();
  WriteSourceState(json::array(
      {SourceResource("databricks_instance_pool", "warm", kDatabricks,
                      {{"id", *warm_id}, {"instance_pool_id", *warm_id}, {"instance_pool_name", "warm"},
                       {"node_type_id", "Standard_DS3_v2"}, {"min_idle_instances", 1}, {"max_capacity", 10},
                       {"idle_instance_autotermination_minutes", 15}, {"custom_tags", {{"team", "data"}}},
                       {"enable_elastic_disk", true}, {"preloaded_spark_versions", nullptr},
                       {"azure_attributes",
                        json::array({{{"availability", "ON_DEMAND_AZURE"}, {"spot_bid_max_price", -1}}})},
                       {"aws_attributes", unused}, {"gcp_attributes", unused}, {"disk_spec", unused},
                       {"instance_pool_fleet_attributes", unused}, {"preloaded_docker_image", unused}}),
       SourceResource("databricks_instance_pool", "spot", kDatabricks,
                      {{"id", *spot_id}, {"instance_pool_id", *spot_id}, {"instance_pool_name", "spot"},
                       {"node_type_id", "Standard_DS3_v2"}, {"min_idle_instances", 0}, {"max_capacity", 0},
                       {"idle_instance_autotermination_minutes", 0}, {"custom_tags", nullptr},
                       {"enable_elastic_disk", true}, {"preloaded_spark_versions", {"15.4.x-scala2.12"}},
                       {"azure_attributes",
                        json::array({{{"availability", "SPOT_AZURE"}, {"spot_bid_max_price", 0.5}}})},
                       {"disk_spec",
                        json::array({{{"disk_count", 1},
                                      {"disk_size", 128},
                                      {"disk_type", json::array({{{"azure_disk_volume_type", "PREMIUM_LRS"},
                                                                  {"ebs_volume_type", ""}}})}}})},
                       {"aws_attributes", unused}, {"gcp_attributes", unused},
                       {"instance_pool_fleet_attributes", unused}, {"preloaded_docker_image", unused}})}));
  Config(R"(
resource "adbjit_instance_pool" "warm" {
  instance_pool_name                    = "warm"
  node_type_id                          = "Standard_DS3_v2"
  min_idle_instances                    = 1
  max_capacity                          = 10
  idle_instance_autotermination_minutes = 15
  custom_tags                           = { team = "data" }
}
resource "adbjit_instance_pool" "spot" {
  instance_pool_name       = "spot"
  node_type_id             = "Standard_DS3_v2"
  preloaded_spark_versions = ["15.4.x-scala2.12"]
  azure_attributes {
    availability       = "SPOT_AZURE"
    spot_bid_max_price = 0.5
  }
  disk_spec {
    disk_count = 1
    disk_size  = 128
    disk_type {
      azure_disk_volume_type = "PREMIUM_LRS"
    }
  }
}
moved {
  from = databricks_instance_pool.warm
  to   = adbjit_instance_pool.warm
}
moved {
  from = databricks_instance_pool.spot
  to   = adbjit_instance_pool.spot
}
)");
  ExpectMovedOnly({"databricks_instance_pool.warm has moved to adbjit_instance_pool.warm",
                   "databricks_instance_pool.spot has moved to adbjit_instance_pool.spot"});

  EXPECT_EQ(RouteRequests("/instance-pools/create"), 2);  // the pools made above, no other
  EXPECT_EQ(RouteRequests("/instance-pools/edit"), 0);
  EXPECT_EQ(RouteRequests("/instance-pools/delete"), 0);
  EXPECT_EQ(State("adbjit_instance_pool.warm")["id"], *warm_id);
  EXPECT_EQ(State("adbjit_instance_pool.spot")["id"], *spot_id);
  EXPECT_EQ(State("adbjit_instance_pool.warm")["state"], "ACTIVE");
  ExpectNoChanges("after the moves");

  CommandResult destroy = ws_.Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_EQ(LivePools().size(), 0u) << LivePools().dump(2);
}

// The old state cannot say whether its configuration declared Databricks' default placement: one
// that does gets a single update of the state alone, with no edit request.
TEST_F(MoveE2eTest, ADeclaredDefaultPlacementIsOnlyRecorded) {
  Start();
  databricks::InstancePool od;
  od.instance_pool_name = "od";
  od.node_type_id = "Standard_DS3_v2";
  od.azure_attributes = databricks::AzureAttributes{"ON_DEMAND_AZURE", std::nullopt};
  auto id = Outside().databricks().CreateInstancePoolSafely(od);
  ASSERT_TRUE(id.ok()) << id.status().message();
  WriteSourceState(json::array({SourceResource(
      "databricks_instance_pool", "od", kDatabricks,
      {{"id", *id}, {"instance_pool_id", *id}, {"instance_pool_name", "od"}, {"node_type_id", "Standard_DS3_v2"},
       {"min_idle_instances", 0}, {"max_capacity", 0}, {"idle_instance_autotermination_minutes", 0},
       {"custom_tags", nullptr}, {"enable_elastic_disk", true},
       {"azure_attributes", json::array({{{"availability", "ON_DEMAND_AZURE"}, {"spot_bid_max_price", -1}}})}})}));
  Config(R"(
resource "adbjit_instance_pool" "od" {
  instance_pool_name = "od"
  node_type_id       = "Standard_DS3_v2"
  azure_attributes {
    availability = "ON_DEMAND_AZURE"
  }
}
moved {
  from = databricks_instance_pool.od
  to   = adbjit_instance_pool.od
}
)");
  CommandResult plan = ws_.Plan();
  ASSERT_TRUE(plan.ok()) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("(moved from databricks_instance_pool.od)"));
  EXPECT_THAT(plan.stdout_text, HasSubstr("0 to add, 1 to change, 0 to destroy")) << plan.stdout_text;
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("forces replacement")));
  MustApply();
  EXPECT_EQ(RouteRequests("/instance-pools/edit"), 0);
  EXPECT_EQ(State("adbjit_instance_pool.od")["id"], *id);
  ExpectNoChanges("once the placement is recorded");
}

TEST_F(MoveE2eTest, AzurermKeyVaultSecretBecomesABindingWithoutANewVersion) {
  Start();
  keyvault::SetSecretParams params;
  params.value = Secret("adf-pipeline-token");
  params.content_type = "text/plain";
  params.tags = {{"owner", "adf"}};
  auto written = Outside().keyvault().SetSecret(VaultUrl(), "pipeline-token", params);
  ASSERT_TRUE(written.ok()) << written.status().message();
  const std::string versioned_id = written->id;
  const std::string versionless_id = VaultUrl() + "secrets/pipeline-token";
  WriteSourceState(json::array({SourceResource(
      "azurerm_key_vault_secret", "token", kAzurerm,
      {{"id", versioned_id}, {"name", "pipeline-token"},
       {"key_vault_id", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
                        "Microsoft.KeyVault/vaults/kv"},
       {"value", "adf-pipeline-token"}, {"value_wo", nullptr}, {"value_wo_version", nullptr},
       {"content_type", "text/plain"}, {"tags", {{"owner", "adf"}}}, {"not_before_date", nullptr},
       {"expiration_date", nullptr}, {"version", versioned_id.substr(versioned_id.rfind('/') + 1)},
       {"versionless_id", versionless_id}, {"timeouts", nullptr}},
      {"value"})}));
  Config(R"(
resource "adbjit_keyvault_binding" "token" {
  vault_url    = ")" + VaultUrl() + R"("
  name         = "pipeline-token"
  value        = "adf-pipeline-token"
  content_type = "text/plain"
  tags         = { owner = "adf" }
}
moved {
  from = azurerm_key_vault_secret.token
  to   = adbjit_keyvault_binding.token
}
)");
  ExpectMovedOnly({"azurerm_key_vault_secret.token has moved to adbjit_keyvault_binding.token"});

  EXPECT_EQ(RouteRequests("/secrets/pipeline-token", "PUT"), 1);  // the write above, no other
  json state = State("adbjit_keyvault_binding.token");
  EXPECT_EQ(state["id"], versioned_id);
  EXPECT_EQ(state["versionless_id"], versionless_id);
  ExpectNoChanges("after the move");

  // Drift is still seen: a value changed outside Terraform is planned back.
  params.value = Secret("changed-outside");
  ASSERT_TRUE(Outside().keyvault().SetSecret(VaultUrl(), "pipeline-token", params).ok());
  CommandResult drift = PlanDetailed();
  EXPECT_EQ(drift.exit_code, 2) << drift.Describe();
  MustApply();
  EXPECT_EQ(SecretValue("pipeline-token"), "adf-pipeline-token");

  ExpectDestroyRemovesSecret("pipeline-token");
}

TEST_F(MoveE2eTest, AnotherSourceTypeIsRefusedByName) {
  Start();
  WriteSourceState(json::array({SourceResource("databricks_cluster", "c", kDatabricks,
                                               {{"id", "1203-000000-abcd1234"}, {"cluster_name", "c"}})}));
  Config(R"(
resource "adbjit_instance_pool" "c" {
  instance_pool_name = "c"
  node_type_id       = "Standard_DS3_v2"
}
moved {
  from = databricks_cluster.c
  to   = adbjit_instance_pool.c
}
)");
  CommandResult plan = ws_.Plan();
  EXPECT_NE(plan.exit_code, 0) << plan.Describe();
  const std::string err = Squashed(plan.stderr_text);
  EXPECT_THAT(err, HasSubstr("Cannot move databricks_cluster to adbjit_instance_pool"));
  EXPECT_THAT(err, HasSubstr("can take the state of databricks_instance_pool (provider databricks) only"));
  EXPECT_EQ(RouteRequests("/instance-pools/create"), 0);
  // Nothing happened to the state: the cluster is still recorded under its own provider.
  EXPECT_THAT(ReadFileText(ws_.work_dir() / "terraform.tfstate"), HasSubstr("databricks_cluster"));
}

}  // namespace
}  // namespace adbjit::e2e
