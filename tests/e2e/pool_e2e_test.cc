// adbjit_instance_pool through the real terraform CLI against the emulator: every field and the
// minimal form without perpetual diffs, in-place updates versus replacements, drift (deleted in
// both of Databricks' forms, edited outside), guard rails, bad input and import.
#include <string>

#include "tests/e2e/pool_binding_e2e_fixture.h"

namespace adbjit::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kPoolIdPattern[] = "[0-9]{4}-[0-9]{6}-[a-z]+[0-9]+-pool-[A-Za-z0-9]{8}";

// Three pools: every field set, only an availability in azure_attributes (the bid price is then
// filled in by Databricks), and only the two required fields.
std::string ThreePools() {
  return R"(
resource "adbjit_instance_pool" "full" {
  instance_pool_name                    = "full-pool"
  node_type_id                          = "Standard_DS3_v2"
  min_idle_instances                    = 1
  max_capacity                          = 8
  idle_instance_autotermination_minutes = 15
  custom_tags = {
    owner = "data-team"
    env   = "test"
  }
  enable_elastic_disk      = false
  preloaded_spark_versions = ["15.4.x-scala2.12"]
  azure_attributes {
    availability       = "SPOT_AZURE"
    spot_bid_max_price = 0.5
  }
  disk_spec {
    disk_count = 2
    disk_size  = 128
    disk_type {
      azure_disk_volume_type = "PREMIUM_LRS"
    }
  }
}

resource "adbjit_instance_pool" "partial" {
  instance_pool_name = "partial-pool"
  node_type_id       = "Standard_DS3_v2"
  azure_attributes {
    availability = "SPOT_WITH_FALLBACK_AZURE"
  }
}

resource "adbjit_instance_pool" "minimal" {
  instance_pool_name = "minimal-pool"
  node_type_id       = "Standard_DS3_v2"
}
)";
}

TEST_F(PoolBindingE2eTest, PoolsWithEveryFieldAndMinimalHaveNoPerpetualDiffAndImportCleanly) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(ThreePools());
  CommandResult apply = MustApply();
  ASSERT_TRUE(apply.ok());
  EXPECT_THAT(apply.stdout_text, HasSubstr("3 added, 0 changed, 0 destroyed"));
  ExpectNoChanges("right after create");

  // What Databricks stored is what was declared (elastic disk false really sent).
  json full_remote = PoolNamed("full-pool");
  ASSERT_TRUE(full_remote.is_object()) << emu().Objects().dump(2);
  EXPECT_EQ(full_remote["node_type_id"], "Standard_DS3_v2");
  EXPECT_EQ(full_remote["min_idle_instances"], 1);
  EXPECT_EQ(full_remote["max_capacity"], 8);
  EXPECT_EQ(full_remote["idle_instance_autotermination_minutes"], 15);
  EXPECT_EQ(full_remote["custom_tags"], (json{{"owner", "data-team"}, {"env", "test"}}));
  EXPECT_EQ(full_remote["enable_elastic_disk"], false);
  EXPECT_EQ(full_remote["preloaded_spark_versions"], json::array({"15.4.x-scala2.12"}));
  EXPECT_EQ(full_remote["azure_attributes"], (json{{"availability", "SPOT_AZURE"}, {"spot_bid_max_price", 0.5}}));
  EXPECT_EQ(full_remote["disk_spec"],
            (json{{"disk_count", 2}, {"disk_size", 128}, {"disk_type", {{"azure_disk_volume_type", "PREMIUM_LRS"}}}}));
  json minimal_remote = PoolNamed("minimal-pool");
  ASSERT_TRUE(minimal_remote.is_object());
  EXPECT_EQ(minimal_remote["enable_elastic_disk"], true);
  EXPECT_EQ(minimal_remote["azure_attributes"]["availability"], "ON_DEMAND_AZURE");

  // State: ids, computed values, and server defaults where the user declared nothing.
  json full = State("adbjit_instance_pool.full");
  json partial = State("adbjit_instance_pool.partial");
  json minimal = State("adbjit_instance_pool.minimal");
  ASSERT_TRUE(full.is_object() && partial.is_object() && minimal.is_object());
  EXPECT_THAT(full["id"].get<std::string>(), MatchesRegex(kPoolIdPattern));
  EXPECT_EQ(full["id"], full["instance_pool_id"]);
  EXPECT_EQ(full["id"], full_remote["instance_pool_id"]);
  EXPECT_EQ(full["state"], "ACTIVE");
  EXPECT_EQ(full["default_tags"]["Vendor"], "Databricks");
  EXPECT_EQ(full["default_tags"]["DatabricksInstancePoolId"], full["id"]);
  EXPECT_EQ(full["enable_elastic_disk"], false);
  EXPECT_EQ(partial["azure_attributes"]["availability"], "SPOT_WITH_FALLBACK_AZURE");
  EXPECT_EQ(partial["azure_attributes"]["spot_bid_max_price"], -1);  // filled in by Databricks
  EXPECT_EQ(minimal["min_idle_instances"], 0);
  EXPECT_EQ(minimal["enable_elastic_disk"], true);
  EXPECT_EQ(minimal["idle_instance_autotermination_minutes"], 60);  // the server's default
  EXPECT_TRUE(minimal["max_capacity"].is_null());
  EXPECT_TRUE(minimal["custom_tags"].is_null());
  EXPECT_TRUE(minimal["azure_attributes"].is_null() || minimal["azure_attributes"].empty()) << minimal.dump(2);
  EXPECT_TRUE(minimal["disk_spec"].is_null() || minimal["disk_spec"].empty()) << minimal.dump(2);

  // Import: `terraform import` for two (one id copied with white space around it), an import block
  // for the third; then nothing to change.
  const std::string full_id = full["id"], partial_id = partial["id"], minimal_id = minimal["id"];
  CommandResult rm = ws().Terraform({"state", "rm", "adbjit_instance_pool.full", "adbjit_instance_pool.partial",
                                     "adbjit_instance_pool.minimal"});
  ASSERT_TRUE(rm.ok()) << rm.Describe();
  for (const auto& [address, id] : {std::pair<std::string, std::string>{"adbjit_instance_pool.full", full_id},
                                    {"adbjit_instance_pool.minimal", " " + minimal_id + "\t"}}) {
    CommandResult imported = ws().Terraform({"import", "-input=false", address, id});
    ASSERT_TRUE(imported.ok()) << imported.Describe();
    EXPECT_THAT(imported.stdout_text, HasSubstr("Import successful"));
  }
  EXPECT_EQ(State("adbjit_instance_pool.minimal")["id"], minimal_id);
  Config(ThreePools() + "\nimport {\n  to = adbjit_instance_pool.partial\n  id = \"" + partial_id + "\"\n}\n");
  CommandResult import_plan = ws().Plan();
  ASSERT_TRUE(import_plan.ok()) << import_plan.Describe();
  EXPECT_THAT(import_plan.stdout_text, HasSubstr("1 to import, 0 to add, 0 to change, 0 to destroy"));
  CommandResult import_apply = MustApply();
  EXPECT_THAT(import_apply.stdout_text, HasSubstr("1 imported, 0 added, 0 changed, 0 destroyed"));
  ExpectNoChanges("after importing the pools");
  EXPECT_EQ(State("adbjit_instance_pool.full")["id"], full_id);
  EXPECT_EQ(State("adbjit_instance_pool.partial")["id"], partial_id);
  EXPECT_THAT(LivePools(), SizeIs(3));

  // Destroy deletes every pool; destroying again (nothing left) succeeds.
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("3 destroyed"));
  EXPECT_THAT(LivePools(), SizeIs(0)) << emu().Objects().dump(2);
}

TEST_F(PoolBindingE2eTest, PoolImportOfAnUnknownIdFailsClearly) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "p"
  node_type_id       = "Standard_DS3_v2"
}
)");
  CommandResult imported =
      ws().Terraform({"import", "-input=false", "adbjit_instance_pool.p", "0101-000000-none1-pool-AAAAAAAA"});
  EXPECT_NE(imported.exit_code, 0);
  EXPECT_THAT(Squashed(imported.stderr_text), HasSubstr("Instance pool not found"));
  EXPECT_THAT(Squashed(imported.stderr_text), HasSubstr("0101-000000-none1-pool-AAAAAAAA"));

  // No pool id at all: refused before any call.
  const int gets = RouteRequests("/instance-pools/get");
  for (const char* bad : {"pool one", "0101-000000-none1-pool-AAAAAAAA/x"}) {
    CommandResult malformed = ws().Terraform({"import", "-input=false", "adbjit_instance_pool.p", bad});
    EXPECT_NE(malformed.exit_code, 0) << malformed.Describe();
    EXPECT_THAT(Squashed(malformed.stderr_text), HasSubstr("Error: Invalid import id"));
    EXPECT_THAT(Squashed(malformed.stderr_text), HasSubstr("got \"" + std::string(bad) + "\"."));
  }
  EXPECT_EQ(RouteRequests("/instance-pools/get"), gets);
}

// A disk_spec that gives only the disk type is the pool's as much as one with a count: an import
// records it, so the configuration that made the pool plans no change (it planned a replacement).
TEST_F(PoolBindingE2eTest, PoolWithOnlyADiskTypeImportsWithItsDiskSpec) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "disk-type-only"
  node_type_id       = "Standard_DS3_v2"
  disk_spec {
    disk_type {
      azure_disk_volume_type = "PREMIUM_LRS"
    }
  }
}
)");
  ASSERT_TRUE(MustApply().ok());
  const std::string id = State("adbjit_instance_pool.p")["id"];
  CommandResult rm = ws().Terraform({"state", "rm", "adbjit_instance_pool.p"});
  ASSERT_TRUE(rm.ok()) << rm.Describe();
  CommandResult imported = ws().Terraform({"import", "-input=false", "adbjit_instance_pool.p", id});
  ASSERT_TRUE(imported.ok()) << imported.Describe();
  EXPECT_EQ(State("adbjit_instance_pool.p")["disk_spec"]["disk_type"]["azure_disk_volume_type"], "PREMIUM_LRS");
  ExpectNoChanges("after importing the pool with only a disk type");
}

// A pool whose attributes the test rewrites between applies.
struct PoolSpec {
  std::string name = "etl-pool";
  std::string node_type = "Standard_DS3_v2";
  int min_idle = 1;
  int max_capacity = 4;
  int autotermination = 20;
  std::string tags = "{ owner = \"data-team\" }";  // empty: no custom_tags
  // A partial azure_attributes block: Databricks fills in the bid price.
  std::string azure = "  azure_attributes {\n    availability = \"ON_DEMAND_AZURE\"\n  }\n";
  std::string extra;  // more attributes / blocks

  std::string Hcl() const {
    std::string hcl = "resource \"adbjit_instance_pool\" \"p\" {\n  instance_pool_name = \"" + name +
                      "\"\n  node_type_id = \"" + node_type + "\"\n  min_idle_instances = " +
                      std::to_string(min_idle) + "\n  max_capacity = " + std::to_string(max_capacity) +
                      "\n  idle_instance_autotermination_minutes = " + std::to_string(autotermination) + "\n";
    if (!tags.empty()) hcl += "  custom_tags = " + tags + "\n";
    return hcl + azure + extra + "}\n";
  }
};

TEST_F(PoolBindingE2eTest, PoolEditableFieldsUpdateInPlaceAndOthersForceReplacement) {
  ASSERT_NO_FATAL_FAILURE(Start());
  PoolSpec spec;
  Config(spec.Hcl());
  ASSERT_TRUE(MustApply().ok());
  const std::string id = State("adbjit_instance_pool.p")["id"];

  // Every editable field at once: one edit, same pool.
  spec.name = "etl-pool-renamed";
  spec.min_idle = 2;
  spec.max_capacity = 6;
  spec.autotermination = 30;
  spec.tags = "{ owner = \"ml-team\", cost = \"42\" }";
  Config(spec.Hcl());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("will be updated in-place"));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("forces replacement")));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("known after apply"))) << "nothing computed changes in an edit";
  EXPECT_THAT(plan.stdout_text, HasSubstr("0 to add, 1 to change, 0 to destroy"));
  CommandResult update = MustApply();
  EXPECT_THAT(update.stdout_text, HasSubstr("0 added, 1 changed, 0 destroyed"));
  EXPECT_EQ(RouteRequests("/instance-pools/edit", "POST"), 1);
  json remote = PoolNamed("etl-pool-renamed");
  ASSERT_TRUE(remote.is_object()) << emu().Objects().dump(2);
  EXPECT_EQ(remote["instance_pool_id"], id);
  EXPECT_EQ(remote["min_idle_instances"], 2);
  EXPECT_EQ(remote["max_capacity"], 6);
  EXPECT_EQ(remote["idle_instance_autotermination_minutes"], 30);
  EXPECT_EQ(remote["custom_tags"], (json{{"owner", "ml-team"}, {"cost", "42"}}));
  EXPECT_EQ(State("adbjit_instance_pool.p")["id"], id);
  ExpectNoChanges("after the in-place update");

  // A tag whose value is known only at apply (from a resource created in the same run) is an
  // edit too: the map's keys are known, and it is not the "no tags" a new pool is needed for.
  spec.tags = "{ owner = \"ml-team\", run = terraform_data.run.output }";
  const std::string run = "resource \"terraform_data\" \"run\" {\n  input = \"r1\"\n}\n";
  Config(spec.Hcl() + run);
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_instance_pool.p will be updated in-place"));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("forces replacement"))) << plan.stdout_text;
  update = MustApply();
  EXPECT_THAT(update.stdout_text, HasSubstr("1 added, 1 changed, 0 destroyed"));
  EXPECT_EQ(PoolNamed("etl-pool-renamed")["custom_tags"], (json{{"owner", "ml-team"}, {"run", "r1"}}));
  EXPECT_EQ(State("adbjit_instance_pool.p")["id"], id);
  spec.tags = "{ owner = \"ml-team\", cost = \"42\" }";
  Config(spec.Hcl());
  ASSERT_TRUE(MustApply().ok());
  ExpectNoChanges("with the tags as before");

  // Fields the edit API cannot change: each forces a new pool, and the plan says which.
  struct Replacing {
    std::string what;
    std::string extra;
    std::string node_type = "Standard_DS3_v2";
    std::string azure = "  azure_attributes {\n    availability = \"ON_DEMAND_AZURE\"\n  }\n";
  };
  const std::vector<Replacing> replacing = {
      {"node_type_id", "", "Standard_DS4_v2"},
      {"enable_elastic_disk", "  enable_elastic_disk = false\n"},
      {"preloaded_spark_versions", "  preloaded_spark_versions = [\"15.4.x-scala2.12\"]\n"},
      {"azure_attributes", "", "Standard_DS3_v2", "  azure_attributes {\n    availability = \"SPOT_AZURE\"\n  }\n"},
      {"disk_spec", "  disk_spec {\n    disk_count = 1\n    disk_size = 64\n  }\n"},
  };
  for (const Replacing& r : replacing) {
    PoolSpec changed = spec;
    changed.extra = r.extra;
    changed.node_type = r.node_type;
    changed.azure = r.azure;
    Config(changed.Hcl());
    CommandResult p = PlanDetailed();
    EXPECT_EQ(p.exit_code, 2) << r.what << "\n" << p.Describe();
    EXPECT_THAT(p.stdout_text, HasSubstr("must be replaced")) << r.what;
    EXPECT_THAT(p.stdout_text, HasSubstr("1 to add, 0 to change, 1 to destroy")) << r.what;
    EXPECT_THAT(p.stdout_text, ForcesReplacementOf(r.what))
        << r.what << "\n" << p.stdout_text;
  }

  // Apply one replacement: a new pool, the old one deleted, then a clean plan.
  spec.node_type = "Standard_DS4_v2";
  spec.extra = "  disk_spec {\n    disk_count = 1\n    disk_size = 64\n    disk_type {\n"
               "      azure_disk_volume_type = \"STANDARD_LRS\"\n    }\n  }\n";
  Config(spec.Hcl());
  CommandResult replaced = MustApply();
  EXPECT_THAT(replaced.stdout_text, HasSubstr("1 added, 0 changed, 1 destroyed"));
  const std::string new_id = State("adbjit_instance_pool.p")["id"];
  EXPECT_NE(new_id, id);
  ASSERT_THAT(LivePools(), SizeIs(1));
  EXPECT_EQ(LivePools()[0]["instance_pool_id"], new_id);
  EXPECT_EQ(LivePools()[0]["node_type_id"], "Standard_DS4_v2");
  ExpectNoChanges("after the replacement");

  // Removing every tag: Databricks cannot do that in place, so the pool is replaced.
  spec.tags = "";
  Config(spec.Hcl());
  CommandResult untag_plan = PlanDetailed();
  EXPECT_EQ(untag_plan.exit_code, 2) << untag_plan.Describe();
  EXPECT_THAT(untag_plan.stdout_text, ForcesReplacementOf("custom_tags"))
      << untag_plan.stdout_text;
  CommandResult untagged = MustApply();
  EXPECT_THAT(untagged.stdout_text, HasSubstr("1 added, 0 changed, 1 destroyed"));
  ASSERT_THAT(LivePools(), SizeIs(1));
  EXPECT_FALSE(LivePools()[0].contains("custom_tags")) << LivePools()[0].dump(2);
  ExpectNoChanges("after removing every tag");

  // Adding tags back is an edit again.
  spec.tags = "{ owner = \"data-team\" }";
  Config(spec.Hcl());
  CommandResult retag = PlanDetailed();
  EXPECT_EQ(retag.exit_code, 2);
  EXPECT_THAT(retag.stdout_text, HasSubstr("0 to add, 1 to change, 0 to destroy"));
}

// Tags that are a whole map known only at apply cannot be told to be empty at plan, where removing
// every tag would have to plan a new pool. The plan says so on custom_tags; when the map does turn
// out empty, Terraform stops the apply before the pool is touched. A map with known keys is no
// such case, nor is a pool without tags.
TEST_F(PoolBindingE2eTest, TagsKnownOnlyAtApplyOverATaggedPoolAreWarnedAboutAtPlan) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const auto config = [&](const std::string& tags_input, const std::string& tags) {
    Config("resource \"terraform_data\" \"tags\" {\n  input = " + tags_input + "\n}\n"
           "resource \"adbjit_instance_pool\" \"p\" {\n  instance_pool_name = \"late-tags\"\n"
           "  node_type_id = \"Standard_DS3_v2\"\n  custom_tags = " + tags + "\n}\n");
  };
  const std::string warning = "Pool tags known only at apply";
  config("tomap({ owner = \"data-team\" })", "terraform_data.tags.output");
  CommandResult created = MustApply();
  EXPECT_THAT(Squashed(created.stdout_text + created.stderr_text), Not(HasSubstr(warning))) << "no tags before";
  const std::string id = State("adbjit_instance_pool.p")["id"];

  // Known keys with a value known only at apply: an edit, nothing to warn about.
  config("tomap({ owner = \"ml-team\" })", "{ owner = terraform_data.tags.output[\"owner\"] }");
  CommandResult keyed = PlanDetailed();
  EXPECT_EQ(keyed.exit_code, 2) << keyed.Describe();
  EXPECT_THAT(Squashed(keyed.stdout_text + keyed.stderr_text), Not(HasSubstr(warning)));

  config("tomap({})", "terraform_data.tags.output");
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_instance_pool.p will be updated in-place"));
  ExpectWarningAt(plan.stdout_text + plan.stderr_text, warning, "custom_tags = terraform_data.tags.output");
  EXPECT_THAT(Squashed(plan.stdout_text + plan.stderr_text), HasSubstr("terraform apply -replace=<address>"));

  // What the warning foretells: the apply stops before the pool is changed.
  CommandResult apply = ws().Apply();
  EXPECT_NE(apply.exit_code, 0) << apply.Describe();
  EXPECT_THAT(apply.stderr_text, HasSubstr("inconsistent final plan"));
  ASSERT_THAT(LivePools(), SizeIs(1));
  EXPECT_EQ(LivePools()[0]["instance_pool_id"], id);
  EXPECT_EQ(LivePools()[0]["custom_tags"], (json{{"owner", "data-team"}})) << "the pool was not edited";
  EXPECT_EQ(RouteRequests("/instance-pools/edit", "POST"), 0);

  // Known at plan, the same change is a replacement, planned as such.
  config("tomap({})", "{}");
  CommandResult known = PlanDetailed();
  EXPECT_EQ(known.exit_code, 2) << known.Describe();
  EXPECT_THAT(known.stdout_text, ForcesReplacementOf("custom_tags")) << known.stdout_text;
  EXPECT_THAT(Squashed(known.stdout_text + known.stderr_text), Not(HasSubstr(warning)));
}

class PoolDriftTest : public PoolBindingE2eTest, public ::testing::WithParamInterface<bool> {};

TEST_P(PoolDriftTest, DeletedOrEditedOutsideIsPlannedBackAndConverges) {
  emulator::Options options;
  options.pool_deleted_form = GetParam();
  ASSERT_NO_FATAL_FAILURE(Start(options));
  PoolSpec spec;
  Config(spec.Hcl());
  ASSERT_TRUE(MustApply().ok());
  const std::string id = State("adbjit_instance_pool.p")["id"];

  // Edited outside Terraform: the refresh sees it and the plan edits it back.
  auto pool = Outside().databricks().GetInstancePool(id);
  ASSERT_TRUE(pool.ok()) << pool.status().message();
  pool->max_capacity = 9;
  pool->idle_instance_autotermination_minutes = 45;
  ASSERT_TRUE(Outside().databricks().EditInstancePool(*pool).ok());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("will be updated in-place"));
  EXPECT_THAT(plan.stdout_text, MatchesRegex("(.|\n)*max_capacity += 9 -> 4(.|\n)*")) << plan.stdout_text;
  EXPECT_THAT(plan.stdout_text, MatchesRegex("(.|\n)*idle_instance_autotermination_minutes += 45 -> 20(.|\n)*"));
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(PoolNamed("etl-pool")["max_capacity"], 4);
  EXPECT_EQ(PoolNamed("etl-pool")["idle_instance_autotermination_minutes"], 20);
  ExpectNoChanges("after editing the pool back");

  // Deleted outside Terraform: planned as a new pool.
  ASSERT_TRUE(Outside().databricks().DeleteInstancePool(id).ok());
  CommandResult recreate_plan = PlanDetailed();
  EXPECT_EQ(recreate_plan.exit_code, 2) << recreate_plan.Describe();
  EXPECT_THAT(recreate_plan.stdout_text, HasSubstr("will be created"));
  EXPECT_THAT(recreate_plan.stdout_text, HasSubstr("1 to add, 0 to change, 0 to destroy"));
  ASSERT_TRUE(MustApply().ok());
  json state = State("adbjit_instance_pool.p");
  EXPECT_NE(state["id"], id);
  ASSERT_THAT(LivePools(), SizeIs(1));
  EXPECT_EQ(LivePools()[0]["instance_pool_id"], state["id"]);
  ExpectNoChanges("after re-creating the pool");

  // Deleted outside again, then destroyed: already gone is success.
  ASSERT_TRUE(Outside().databricks().DeleteInstancePool(state["id"].get<std::string>()).ok());
  CommandResult destroy = ws().Destroy({"-refresh=false"});
  EXPECT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LivePools(), SizeIs(0));
}

INSTANTIATE_TEST_SUITE_P(DeletedForms, PoolDriftTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "GetAnswersStateDeleted" : "GetAnswersNotFound";
                         });

// azure_attributes left out gets Databricks' placement (on demand, -1). Declaring that placement
// later (by hand or by importing into a configuration that has the block), or dropping a block that
// said only that, changes Terraform's record, not the pool: no replacement and no edit request,
// whichever of its attributes the declared block leaves out.
// A placement that differs still replaces the pool.
TEST_F(PoolBindingE2eTest, DeclaringOrDroppingThePlacementDatabricksChoseKeepsThePool) {
  ASSERT_NO_FATAL_FAILURE(Start());
  PoolSpec spec;
  spec.azure = "";
  Config(spec.Hcl());
  ASSERT_TRUE(MustApply().ok());
  const std::string id = State("adbjit_instance_pool.p")["id"];
  ASSERT_EQ(PoolNamed("etl-pool")["azure_attributes"],
            (json{{"availability", "ON_DEMAND_AZURE"}, {"spot_bid_max_price", -1}}));
  ExpectNoChanges("after creating the pool without azure_attributes");

  auto expect_state_only_update = [&](const std::string& when, const std::string& plan_text) {
    EXPECT_THAT(plan_text, HasSubstr("will be updated in-place")) << when;
    EXPECT_THAT(plan_text, Not(HasSubstr("forces replacement"))) << when << "\n" << plan_text;
    EXPECT_THAT(plan_text, Not(HasSubstr("known after apply"))) << when << "\n" << plan_text;
    CommandResult applied = MustApply();
    EXPECT_THAT(applied.stdout_text, HasSubstr("0 added, 1 changed, 0 destroyed")) << when;
    EXPECT_EQ(State("adbjit_instance_pool.p")["id"], id) << when;
    ASSERT_THAT(LivePools(), SizeIs(1)) << when;
    EXPECT_EQ(LivePools()[0]["instance_pool_id"], id) << when;
    ExpectNoChanges(when);
  };

  // Declared with the availability only, with the bid price too, empty, with the bid price only
  // (dropped again between each): what the block leaves out is the pool's, not a new pool's.
  const std::vector<std::string> blocks = {"    availability = \"ON_DEMAND_AZURE\"\n",
                                           "    availability = \"ON_DEMAND_AZURE\"\n    spot_bid_max_price = -1\n",
                                           "", "    spot_bid_max_price = -1\n"};
  for (const std::string& block : blocks) {
    if (&block != &blocks.front()) {
      spec.azure = "";
      Config(spec.Hcl());
      CommandResult dropped = PlanDetailed();
      ASSERT_EQ(dropped.exit_code, 2) << dropped.Describe();
      expect_state_only_update("dropping the block", dropped.stdout_text);
    }
    spec.azure = "  azure_attributes {\n" + block + "  }\n";
    Config(spec.Hcl());
    CommandResult declared = PlanDetailed();
    ASSERT_EQ(declared.exit_code, 2) << declared.Describe();
    EXPECT_THAT(declared.stdout_text, HasSubstr("spot_bid_max_price = -1"));
    expect_state_only_update("declaring " + block, declared.stdout_text);
  }
  EXPECT_EQ(State("adbjit_instance_pool.p")["azure_attributes"]["availability"], "ON_DEMAND_AZURE");

  // Imported into a configuration that declares the block: the import plan changes the record
  // only, where it used to replace the pool.
  CommandResult rm = ws().Terraform({"state", "rm", "adbjit_instance_pool.p"});
  ASSERT_TRUE(rm.ok()) << rm.Describe();
  Config(spec.Hcl() + "\nimport {\n  to = adbjit_instance_pool.p\n  id = \"" + id + "\"\n}\n");
  CommandResult import_plan = PlanDetailed();
  ASSERT_EQ(import_plan.exit_code, 2) << import_plan.Describe();
  EXPECT_THAT(import_plan.stdout_text, HasSubstr("1 to import, 0 to add, 1 to change, 0 to destroy"));
  expect_state_only_update("importing into a configuration with the block", import_plan.stdout_text);

  // Another placement cannot be edited in: a new pool.
  spec.azure = "  azure_attributes {\n    availability = \"ON_DEMAND_AZURE\"\n    spot_bid_max_price = 0.5\n  }\n";
  Config(spec.Hcl());
  CommandResult other = PlanDetailed();
  EXPECT_EQ(other.exit_code, 2) << other.Describe();
  EXPECT_THAT(other.stdout_text, ForcesReplacementOf("azure_attributes"))
      << other.stdout_text;
  EXPECT_EQ(RouteRequests("/instance-pools/edit", "POST"), 0);
  EXPECT_EQ(RouteRequests("/instance-pools/create", "POST"), 1);
}

// `preloaded_spark_versions = []`, `custom_tags = {}` and `disk_spec {}` (or one with an empty
// `disk_type {}`) say what leaving them out says. An import (which cannot tell the two apart) into
// a configuration that writes them, or removing them later, changes the state only: no new pool,
// no edit request.
TEST_F(PoolBindingE2eTest, EmptyVersionsTagsAndDiskSpecAreNoChangeToThePool) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string with_empties = R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name       = "empties"
  node_type_id             = "Standard_DS3_v2"
  preloaded_spark_versions = []
  custom_tags              = {}
  disk_spec {}
}
)";
  Config(with_empties);
  ASSERT_TRUE(MustApply().ok());
  const std::string id = State("adbjit_instance_pool.p")["id"];
  ExpectNoChanges("after creating the pool with empty versions, tags and disk_spec");

  auto expect_state_only_update = [&](const std::string& when) {
    CommandResult plan = PlanDetailed();
    ASSERT_EQ(plan.exit_code, 2) << when << "\n" << plan.Describe();
    EXPECT_THAT(plan.stdout_text, HasSubstr("will be updated in-place")) << when;
    EXPECT_THAT(plan.stdout_text, Not(HasSubstr("forces replacement"))) << when << "\n" << plan.stdout_text;
    CommandResult applied = MustApply();
    EXPECT_THAT(applied.stdout_text, HasSubstr("0 added, 1 changed, 0 destroyed")) << when;
    EXPECT_EQ(State("adbjit_instance_pool.p")["id"], id) << when;
    ExpectNoChanges(when);
  };

  CommandResult rm = ws().Terraform({"state", "rm", "adbjit_instance_pool.p"});
  ASSERT_TRUE(rm.ok()) << rm.Describe();
  CommandResult imported = ws().Terraform({"import", "-input=false", "adbjit_instance_pool.p", id});
  ASSERT_TRUE(imported.ok()) << imported.Describe();
  expect_state_only_update("after importing into a configuration with empty versions, tags and disk_spec");

  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "empties"
  node_type_id       = "Standard_DS3_v2"
}
)");
  expect_state_only_update("after removing the empty versions, tags and disk_spec");

  // An empty disk_type inside it says no more: kept as written by each refresh.
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "empties"
  node_type_id       = "Standard_DS3_v2"
  disk_spec {
    disk_type {}
  }
}
)");
  expect_state_only_update("after adding a disk_spec with an empty disk_type");

  ASSERT_THAT(LivePools(), SizeIs(1));
  EXPECT_EQ(LivePools()[0]["instance_pool_id"], id);
  EXPECT_EQ(RouteRequests("/instance-pools/create", "POST"), 1);
  EXPECT_EQ(RouteRequests("/instance-pools/edit", "POST"), 0);

  // The same beside disks: an empty disk_type added, or an import of a pool created with one.
  const std::string disks = R"(
resource "adbjit_instance_pool" "d" {
  instance_pool_name = "disks"
  node_type_id       = "Standard_DS3_v2"
  disk_spec {
    disk_count = 2
    disk_size  = 128
)";
  Config(disks + "  }\n}\n");
  MustApply();
  const std::string disks_id = State("adbjit_instance_pool.d")["id"];
  Config(disks + "    disk_type {}\n  }\n}\n");
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("forces replacement"))) << plan.stdout_text;
  MustApply();
  ExpectNoChanges("after adding an empty disk_type beside disks");
  rm = ws().Terraform({"state", "rm", "adbjit_instance_pool.d"});
  ASSERT_TRUE(rm.ok()) << rm.Describe();
  imported = ws().Terraform({"import", "-input=false", "adbjit_instance_pool.d", disks_id});
  ASSERT_TRUE(imported.ok()) << imported.Describe();
  plan = PlanDetailed();
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("forces replacement"))) << plan.stdout_text;
  MustApply();
  ExpectNoChanges("after importing the pool with disks into an empty disk_type");
  EXPECT_EQ(State("adbjit_instance_pool.d")["id"], disks_id);
  EXPECT_EQ(RouteRequests("/instance-pools/create", "POST"), 2);
  EXPECT_EQ(RouteRequests("/instance-pools/edit", "POST"), 0);
}

// A name another pool already has: refused, as Databricks refuses it (names are unique in a
// workspace). The error points at instance_pool_name and says what to do; nothing is created or
// recorded. A create answer that would be lost changes nothing: the provider looks for the name
// before it creates, so it never takes the other pool for the one it asked for. A rename to the
// name is refused on the attribute too.
TEST_F(PoolBindingE2eTest, PoolNameAlreadyInUseIsReportedOnTheNameWithWhatToDo) {
  ASSERT_NO_FATAL_FAILURE(Start());
  databricks::InstancePool existing;
  existing.instance_pool_name = "taken";
  existing.node_type_id = "Standard_DS3_v2";
  auto existing_id = Outside().databricks().CreateInstancePoolSafely(existing);
  ASSERT_TRUE(existing_id.ok()) << existing_id.status().message();
  emu().SetFaults(json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "/instance-pools/create$"},
                                {"action", "drop"}, {"phase", "after"}, {"count", 1}}}));
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "taken"
  node_type_id       = "Standard_DS3_v2"
}
)");
  CommandResult apply = ws().Apply();
  EXPECT_NE(apply.exit_code, 0) << apply.Describe();
  ExpectErrorAt(apply.stderr_text, "Instance pool name already in use", "instance_pool_name");
  EXPECT_THAT(Squashed(apply.stderr_text), HasSubstr(*existing_id));
  EXPECT_THAT(Squashed(apply.stderr_text), HasSubstr("import that pool"));
  EXPECT_EQ(RouteRequests("/instance-pools/create", "POST"), 1);  // the other pool's only
  EXPECT_THAT(LivePools(), SizeIs(1));
  EXPECT_TRUE(State("adbjit_instance_pool.p").is_null());

  // Renaming a pool to that name is refused the same way, and the pool keeps its name and state.
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "free"
  node_type_id       = "Standard_DS3_v2"
}
)");
  ASSERT_TRUE(MustApply().ok());
  const std::string id = State("adbjit_instance_pool.p")["id"];
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "taken"
  node_type_id       = "Standard_DS3_v2"
}
)");
  CommandResult rename = ws().Apply();
  EXPECT_NE(rename.exit_code, 0) << rename.Describe();
  ExpectErrorAt(rename.stderr_text, "Instance pool name already in use", "instance_pool_name");
  EXPECT_THAT(Squashed(rename.stderr_text), HasSubstr("rename or remove that pool first"));
  EXPECT_EQ(State("adbjit_instance_pool.p")["id"], id);
  EXPECT_EQ(State("adbjit_instance_pool.p")["instance_pool_name"], "free");
  EXPECT_EQ(PoolNamed("free")["instance_pool_id"], id);
}

// A pool that was created but could not be read back (a failed get, or Ctrl-C, which cancels
// reads) is recorded, not tainted: a taint would delete it and create another on the next apply.
TEST_F(PoolBindingE2eTest, PoolCreatedButNotReadBackIsKeptAndFilledInByTheNextRefresh) {
  ASSERT_NO_FATAL_FAILURE(Start());
  emu().SetFaults(json::array({{{"service", "databricks"}, {"method", "GET"}, {"path", "/instance-pools/get"},
                                {"action", "status"}, {"status", 500}, {"count", 1}}}));
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "unread"
  node_type_id       = "Standard_DS3_v2"
}
)");
  CommandResult apply = MustApply();
  EXPECT_THAT(Squashed(apply.stdout_text + apply.stderr_text), HasSubstr("Instance pool created, but not read back"));
  const std::string id = State("adbjit_instance_pool.p")["id"];
  EXPECT_THAT(id, MatchesRegex(kPoolIdPattern));
  EXPECT_TRUE(State("adbjit_instance_pool.p")["state"].is_null());
  ExpectNoChanges("after a create whose read failed");
  ASSERT_TRUE(MustApply({"-refresh-only"}).ok());
  EXPECT_EQ(State("adbjit_instance_pool.p")["state"], "ACTIVE");
  EXPECT_EQ(State("adbjit_instance_pool.p")["id"], id);
  EXPECT_EQ(RouteRequests("/instance-pools/create", "POST"), 1);
  EXPECT_THAT(LivePools(), SizeIs(1));
}

// A bid price with more digits than a double holds (1/3, or a price computed from a budget) comes
// back from Databricks rounded. That is no change: not after the create (which would replace the
// pool on every apply), and an imported pool takes the configuration's digits in place.
TEST_F(PoolBindingE2eTest, ABidPriceADoubleCannotHoldExactlyIsNoChange) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "spot"
  node_type_id       = "Standard_DS3_v2"
  azure_attributes {
    availability       = "SPOT_AZURE"
    spot_bid_max_price = 1 / 3
  }
}
)");
  ASSERT_TRUE(MustApply().ok());
  ExpectNoChanges("after creating a pool bidding 1/3");
  const std::string id = State("adbjit_instance_pool.p")["id"];

  ASSERT_TRUE(ws().Terraform({"state", "rm", "adbjit_instance_pool.p"}).ok());
  CommandResult imported = ws().Terraform({"import", "adbjit_instance_pool.p", id});
  ASSERT_TRUE(imported.ok()) << imported.Describe();
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("1 to change, 0 to destroy"));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("forces replacement")));
  ASSERT_TRUE(MustApply().ok());
  ExpectNoChanges("after the import took the configured digits");
  EXPECT_EQ(State("adbjit_instance_pool.p")["id"], id);
  EXPECT_EQ(RouteRequests("/instance-pools/create", "POST"), 1);
  EXPECT_EQ(RouteRequests("/instance-pools/edit", "POST"), 0);
}

// Guard rails tightened after the pool and the token were made: the plan that keeps them warns on
// each attribute (an error would also stop `terraform destroy`, which plans with the configuration
// first), a change of a guarded attribute fails, and the destroy goes through.
TEST_F(PoolBindingE2eTest, GuardRailsTightenedLaterWarnOnWhatExistsAndDoNotStopTheDestroy) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string resources = R"(
variable "cap" {
  default = 8
}
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "guarded"
  node_type_id       = "Standard_DS4_v2"
  max_capacity       = var.cap
  custom_tags        = { owner = "data-team" }
}
resource "adbjit_token" "t" {
  lifetime_seconds = 3600
}
)";
  Config(resources, R"(
  guardrails {
    max_token_lifetime_seconds = 7200
    max_pool_capacity          = 10
  }
)");
  ASSERT_TRUE(MustApply().ok());
  Config(resources, R"(
  guardrails {
    max_token_lifetime_seconds = 1800
    allowed_node_types         = ["Standard_DS3_v2"]
    max_pool_capacity          = 5
    required_pool_tags         = ["cost-center"]
  }
)");
  CommandResult kept = ExpectNoChanges("with guard rails tightened");
  ExpectWarningAt(kept.stdout_text, "Token lifetime exceeds guard rail", "lifetime_seconds = 3600");
  ExpectWarningAt(kept.stdout_text, "Node type not allowed by guard rail", "node_type_id");
  ExpectWarningAt(kept.stdout_text, "Pool capacity exceeds guard rail", "max_capacity");
  ExpectWarningAt(kept.stdout_text, "Pool tag required by guard rail", "custom_tags");
  EXPECT_THAT(Squashed(kept.stdout_text), HasSubstr("The existing object keeps it, as this plan neither changes "
                                                    "max_capacity nor replaces the object"));

  CommandResult changed = ws().Plan({"-var", "cap=9"});
  EXPECT_EQ(changed.exit_code, 1) << changed.Describe();
  ExpectErrorAt(changed.stderr_text, "Pool capacity exceeds guard rail", "max_capacity");
  EXPECT_THAT(changed.stderr_text, Not(HasSubstr("Error: Node type not allowed by guard rail")));

  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LivePools(), SizeIs(0));
  EXPECT_EQ(RouteRequests("/token/delete", "POST", 200), 1);
}

TEST_F(PoolBindingE2eTest, PoolGuardRailsAndBadInputFailAtPlanTimeBeforeAnyApiCall) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string guardrails = R"(
  guardrails {
    allowed_node_types = ["Standard_DS3_v2", "Standard_DS4_v2"]
    max_pool_capacity  = 10
    required_pool_tags = ["owner", "cost-center"]
  }
)";
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "guarded"
  node_type_id       = "Standard_E64s_v3"
  max_capacity       = 50
  custom_tags = {
    owner = "data-team"
  }
}
)",
         guardrails);
  CommandResult plan = ws().Plan();
  EXPECT_EQ(plan.exit_code, 1) << plan.Describe();
  const std::string out = plan.stderr_text;
  ExpectErrorAt(out, "Node type not allowed by guard rail", "node_type_id");
  ExpectErrorAt(out, "Pool capacity exceeds guard rail", "max_capacity");
  ExpectErrorAt(out, "Pool tag required by guard rail", "custom_tags");
  EXPECT_THAT(Squashed(out), HasSubstr("\"cost-center\""));
  EXPECT_THAT(Squashed(out), Not(HasSubstr("key \"owner\"")));
  EXPECT_EQ(Requests("databricks"), 0);

  // A pool within the rails passes; without any tags every required key is reported.
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "guarded"
  node_type_id       = "Standard_DS4_v2"
  max_capacity       = 10
  custom_tags = {
    owner         = "data-team"
    "cost-center" = "42"
  }
}
resource "adbjit_instance_pool" "untagged" {
  instance_pool_name = "untagged"
  node_type_id       = "Standard_DS3_v2"
  max_capacity       = 2
}
)",
         guardrails);
  CommandResult untagged = ws().Plan();
  EXPECT_EQ(untagged.exit_code, 1) << untagged.Describe();
  EXPECT_EQ(CountOccurrences(untagged.stderr_text, "Error: Pool tag required by guard rail"), 2)
      << untagged.stderr_text;
  EXPECT_THAT(untagged.stderr_text, HasSubstr("adbjit_instance_pool.untagged"));
  EXPECT_THAT(untagged.stderr_text, Not(HasSubstr("adbjit_instance_pool.p,")));
  EXPECT_EQ(Requests("databricks"), 0);

  // Keys known, a value not (a tag from a resource created in the same run): the keys are checked.
  Config(R"(
resource "terraform_data" "run" {
  input = "r1"
}
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "guarded"
  node_type_id       = "Standard_DS4_v2"
  max_capacity       = 10
  custom_tags = {
    owner = terraform_data.run.output
  }
}
)",
         guardrails);
  CommandResult partly_known = ws().Plan();
  EXPECT_EQ(partly_known.exit_code, 1) << partly_known.Describe();
  ExpectErrorAt(partly_known.stderr_text, "Pool tag required by guard rail", "custom_tags");
  EXPECT_THAT(Squashed(partly_known.stderr_text), HasSubstr("\"cost-center\""));
  EXPECT_EQ(Requests("databricks"), 0);

  // Bad input: more idle instances than capacity, a bid price that is neither -1 nor positive,
  // more tags than Databricks takes (one valued from a variable, unknown at validate), stopped by
  // validate.
  Config(R"(
variable "owner" {
  type = string
}

resource "adbjit_instance_pool" "p" {
  instance_pool_name = "bad"
  node_type_id       = "Standard_DS3_v2"
  min_idle_instances = 5
  max_capacity       = 2
  custom_tags        = merge({ for i in range(45) : "k${i}" => "v" }, { owner = var.owner })
  azure_attributes {
    availability       = "SPOT_AZURE"
    spot_bid_max_price = 0
  }
}
)");
  CommandResult validate = ws().Validate();
  EXPECT_EQ(validate.exit_code, 1) << validate.Describe();
  ExpectErrorAt(validate.stderr_text, "Invalid pool size", "min_idle_instances");
  ExpectErrorAt(validate.stderr_text, "Invalid Attribute Value", "spot_bid_max_price");
  EXPECT_THAT(Squashed(validate.stderr_text), HasSubstr("must be -1 or a positive number, got 0"));
  ExpectErrorAt(validate.stderr_text, "Too many custom tags", "custom_tags");
  EXPECT_THAT(Squashed(validate.stderr_text), HasSubstr("at most 45 custom tags on a pool, got 46"));
  EXPECT_EQ(Requests("databricks"), 0);

  // An empty tag key or runtime version, and sizes beyond Databricks' 32-bit integers, which
  // Databricks refuses at apply (the last as if it were negative); no size comparison between
  // sizes that are invalid themselves. A guard rail that allows no node type (the provider block is
  // validated first, and alone when it fails).
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name       = "blank-tag"
  node_type_id             = "Standard_DS3_v2"
  custom_tags              = { "" = "v" }
  preloaded_spark_versions = [""]
  min_idle_instances       = -1
  max_capacity             = 3000000000
}
)");
  validate = ws().Validate();
  EXPECT_EQ(validate.exit_code, 1) << validate.Describe();
  ExpectErrorAt(validate.stderr_text, "Invalid Attribute Value", "custom_tags");
  const std::string blank = Squashed(validate.stderr_text);
  EXPECT_THAT(blank, HasSubstr("custom_tags must not have an empty key."));
  EXPECT_THAT(blank, HasSubstr("preloaded_spark_versions[0] must not be empty."));
  EXPECT_THAT(blank, HasSubstr("min_idle_instances must be between 0 and 2147483647, got -1."));
  EXPECT_THAT(blank, HasSubstr("max_capacity must be between 1 and 2147483647, got 3000000000."));
  EXPECT_THAT(blank, Not(HasSubstr("Invalid pool size")));
  // Keys Databricks sets on every pool itself, which it refuses as custom tags at create.
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "reserved-tags"
  node_type_id       = "Standard_DS3_v2"
  custom_tags = {
    team                     = "data"
    Vendor                   = "us"
    DatabricksInstancePoolId = "x"
  }
}
)");
  validate = ws().Validate();
  EXPECT_EQ(validate.exit_code, 1) << validate.Describe();
  EXPECT_EQ(CountOccurrences(validate.stderr_text, "Error: Reserved custom tag"), 2) << validate.stderr_text;
  ExpectErrorAt(validate.stderr_text, "Reserved custom tag", "Vendor ");  // on the key's line
  const std::string reserved = Squashed(validate.stderr_text);
  EXPECT_THAT(reserved, HasSubstr("Databricks sets the tag \"Vendor\" on every pool itself"));
  EXPECT_THAT(reserved, Not(HasSubstr("\"team\"")));
  ws().WriteConfig(R"(
provider "adbjit" {
  guardrails {
    allowed_node_types = []
    required_pool_tags = ["owner", ""]
  }
}
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "p"
  node_type_id       = "Standard_DS3_v2"
}
)");
  validate = ws().Validate();
  EXPECT_EQ(validate.exit_code, 1) << validate.Describe();
  const std::string said = Squashed(validate.stderr_text);
  EXPECT_THAT(said, HasSubstr("guardrails.allowed_node_types must list at least 1 entry, none of them empty, got "
                              "an empty list."));
  EXPECT_THAT(said, HasSubstr("guardrails.required_pool_tags[1] must not be empty."));
  EXPECT_EQ(Requests("databricks"), 0);
}

// What only Databricks can refuse (a node type this workspace does not offer, such as an AWS one)
// fails the apply with the service's text on the attribute it names, on create and on edit.
TEST_F(PoolBindingE2eTest, ARefusalThatNamesAFieldIsAnErrorOnThatAttribute) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "aws-type"
  node_type_id       = "m5.xlarge"
}
)");
  CommandResult apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  ExpectErrorAt(apply.stderr_text, "Cannot create instance pool", "node_type_id ");
  EXPECT_THAT(Squashed(apply.stderr_text), HasSubstr("Node type m5.xlarge is not supported."));
  EXPECT_THAT(LivePools(), ::testing::IsEmpty());

  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "edited"
  node_type_id       = "Standard_DS3_v2"
  max_capacity       = 10
}
)");
  MustApply();
  emu().SetFaults(json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "/instance-pools/edit$"},
                                {"action", "status"}, {"status", 400}, {"count", 1},
                                {"body", R"({"error_code":"INVALID_PARAMETER_VALUE",)"
                                         R"("message":"max_capacity 20 exceeds the workspace's instance limit"})"}}}));
  Config(R"(
resource "adbjit_instance_pool" "p" {
  instance_pool_name = "edited"
  node_type_id       = "Standard_DS3_v2"
  max_capacity       = 20
}
)");
  apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  ExpectErrorAt(apply.stderr_text, "Cannot edit instance pool", "max_capacity ");
}

}  // namespace
}  // namespace adbjit::e2e
