// Tests of the emulated Instance Pools API: validation, server defaults, edit rules, quirks, delete.
#include <regex>

#include "emulator/test_util.h"

namespace adbjit::emulator::testing {
namespace {

class PoolsTest : public EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    aad_ = DatabricksToken();
  }
  httplib::Result Create(const nlohmann::json& body) { return DbPost("/api/2.0/instance-pools/create", body, aad_); }
  httplib::Result Edit(const nlohmann::json& body) { return DbPost("/api/2.0/instance-pools/edit", body, aad_); }
  httplib::Result Get(const std::string& id) { return DbGet("/api/2.0/instance-pools/get?instance_pool_id=" + id, aad_); }
  std::string MustCreate(const nlohmann::json& body) {
    auto r = Create(body);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "");
    return Body(r).value("instance_pool_id", "");
  }
  void ExpectError(const httplib::Result& r, int status, const std::string& code) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(Body(r).value("error_code", ""), code) << r->body;
  }
  std::string aad_;
};

TEST_F(PoolsTest, CreateFillsServerDefaults) {
  std::string id = MustCreate({{"instance_pool_name", "p1"}, {"node_type_id", "Standard_DS3_v2"},
                               {"custom_tags", {{"team", "data"}}}});
  EXPECT_TRUE(std::regex_match(id, std::regex("^[0-9]{4}-[0-9]{6}-[a-z]+[0-9]+-pool-[A-Za-z0-9]{8}$"))) << id;
  auto r = Get(id);
  ASSERT_TRUE(r && r->status == 200);
  nlohmann::json p = Body(r);
  EXPECT_EQ(p["instance_pool_id"], id);
  EXPECT_EQ(p["instance_pool_name"], "p1");
  EXPECT_EQ(p["enable_elastic_disk"], true);
  EXPECT_EQ(p["azure_attributes"], nlohmann::json({{"availability", "ON_DEMAND_AZURE"}, {"spot_bid_max_price", -1}}));
  EXPECT_EQ(p["default_tags"]["Vendor"], "Databricks");
  EXPECT_EQ(p["default_tags"]["DatabricksInstancePoolId"], id);
  EXPECT_EQ(p["custom_tags"]["team"], "data");
  EXPECT_EQ(p["state"], "ACTIVE");
  EXPECT_EQ(p["stats"]["used_count"], 0);
  EXPECT_EQ(p["min_idle_instances"], 0);
}

TEST_F(PoolsTest, ExplicitValuesAreKept) {
  std::string id = MustCreate({{"instance_pool_name", "p2"}, {"node_type_id", "Standard_E8ds_v4"},
                               {"enable_elastic_disk", false}, {"min_idle_instances", 1}, {"max_capacity", 5},
                               {"azure_attributes", {{"availability", "SPOT_AZURE"}, {"spot_bid_max_price", 0.5}}},
                               {"disk_spec", {{"disk_count", 1}, {"disk_size", 128},
                                              {"disk_type", {{"azure_disk_volume_type", "PREMIUM_LRS"}}}}},
                               {"preloaded_spark_versions", {"15.4.x-scala2.12"}}});
  nlohmann::json p = Body(Get(id));
  EXPECT_EQ(p["enable_elastic_disk"], false);
  EXPECT_EQ(p["azure_attributes"]["availability"], "SPOT_AZURE");
  EXPECT_EQ(p["azure_attributes"]["spot_bid_max_price"], 0.5);
  EXPECT_EQ(p["disk_spec"]["disk_size"], 128);
  EXPECT_EQ(p["max_capacity"], 5);
  EXPECT_EQ(p["stats"]["idle_count"], 1);
}

TEST_F(PoolsTest, CreateValidation) {
  ExpectError(Create({{"node_type_id", "Standard_DS3_v2"}}), 400, "INVALID_PARAMETER_VALUE");
  ExpectError(Create({{"instance_pool_name", "x"}}), 400, "INVALID_PARAMETER_VALUE");
  ExpectError(Create({{"instance_pool_name", "x"}, {"node_type_id", "m5.large"}}), 400, "INVALID_PARAMETER_VALUE");
  ExpectError(Create({{"instance_pool_name", std::string(101, 'n')}, {"node_type_id", "Standard_DS3_v2"}}), 400,
              "INVALID_PARAMETER_VALUE");
  ExpectError(Create({{"instance_pool_name", ""}, {"node_type_id", "Standard_DS3_v2"}}), 400, "INVALID_PARAMETER_VALUE");
  ExpectError(Create({{"instance_pool_name", "x"}, {"node_type_id", "Standard_DS3_v2"}, {"min_idle_instances", -1}}),
              400, "INVALID_PARAMETER_VALUE");
  MustCreate({{"instance_pool_name", std::string(100, 'n')}, {"node_type_id", "Standard_Any_New_Type"}});
  MustCreate({{"instance_pool_name", "dup"}, {"node_type_id", "Standard_DS3_v2"}});
  ExpectError(Create({{"instance_pool_name", "dup"}, {"node_type_id", "Standard_DS3_v2"}}), 400,
              "INVALID_PARAMETER_VALUE");
}

// A hostile or broken client gets Databricks' error, and the emulator lives on: a huge node type
// (std::regex recurses per character), a body nested 100000 deep (copying or printing it would
// recurse per level), a field of the wrong JSON type (json::value throws).
TEST_F(PoolsTest, HostileBodiesAreAnsweredWithErrorsNotCrashes) {
  ExpectError(Create({{"instance_pool_name", "huge"}, {"node_type_id", "Standard_" + std::string(200000, 'a')}}),
              400, "INVALID_PARAMETER_VALUE");
  const std::string deep = R"({"instance_pool_name":"deep","node_type_id":"Standard_DS3_v2","custom_tags":)" +
                           std::string(100000, '[') + std::string(100000, ']') + "}";
  ExpectError(Workspace()->Post("/api/2.0/instance-pools/create", Bearer(aad_), deep, "application/json"), 400,
              "MALFORMED_REQUEST");
  ExpectError(Create({{"instance_pool_name", "typed"}, {"node_type_id", "Standard_DS3_v2"},
                      {"disk_spec", {{"disk_type", {{"azure_disk_volume_type", 5}}}}}}),
              400, "INVALID_PARAMETER_VALUE");
  MustCreate({{"instance_pool_name", "still-alive"}, {"node_type_id", "Standard_DS3_v2"}});
}

TEST_F(PoolsTest, EditChangesOnlyEditableFields) {
  std::string id = MustCreate({{"instance_pool_name", "e1"}, {"node_type_id", "Standard_DS3_v2"},
                               {"enable_elastic_disk", false}, {"custom_tags", {{"a", "1"}}}});
  ExpectError(Edit({{"instance_pool_id", id}, {"instance_pool_name", "e1"}}), 400, "INVALID_PARAMETER_VALUE");
  ExpectError(Edit({{"instance_pool_id", id}, {"node_type_id", "Standard_DS3_v2"}}), 400, "INVALID_PARAMETER_VALUE");
  ExpectError(Edit({{"instance_pool_id", id}, {"instance_pool_name", "e1"}, {"node_type_id", "Standard_DS4_v2"}}), 400,
              "INVALID_PARAMETER_VALUE");
  ExpectError(Edit({{"instance_pool_id", "0101-000000-nope1-pool-AAAAAAAA"}, {"instance_pool_name", "e1"},
                    {"node_type_id", "Standard_DS3_v2"}}),
              404, "RESOURCE_DOES_NOT_EXIST");
  auto ok = Edit({{"instance_pool_id", id}, {"instance_pool_name", "e1-renamed"}, {"node_type_id", "Standard_DS3_v2"},
                  {"max_capacity", 7}, {"idle_instance_autotermination_minutes", 15}, {"enable_elastic_disk", true},
                  {"custom_tags", nlohmann::json::object()}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(ok->body, "{}");
  nlohmann::json p = Body(Get(id));
  EXPECT_EQ(p["instance_pool_name"], "e1-renamed");
  EXPECT_EQ(p["max_capacity"], 7);
  EXPECT_EQ(p["idle_instance_autotermination_minutes"], 15);
  EXPECT_EQ(p["enable_elastic_disk"], false);  // not editable: ignored
  EXPECT_EQ(p["custom_tags"], nlohmann::json({{"a", "1"}}));  // quirk (a): an empty map keeps the tags
  ASSERT_EQ(Edit({{"instance_pool_id", id}, {"instance_pool_name", "e1-renamed"}, {"node_type_id", "Standard_DS3_v2"},
                  {"custom_tags", {{"b", "2"}}}})->status, 200);
  p = Body(Get(id));
  EXPECT_EQ(p["custom_tags"], nlohmann::json({{"b", "2"}}));
  EXPECT_FALSE(p.contains("max_capacity"));  // omitted editable fields fall back to defaults
}

TEST_F(PoolsTest, DeleteGetListAndDeletedForm) {
  auto empty = DbGet("/api/2.0/instance-pools/list", aad_);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->body, "{}");
  std::string a = MustCreate({{"instance_pool_name", "a"}, {"node_type_id", "Standard_DS3_v2"}});
  std::string b = MustCreate({{"instance_pool_name", "b"}, {"node_type_id", "Standard_DS3_v2"}});
  nlohmann::json list = Body(DbGet("/api/2.0/instance-pools/list", aad_));
  ASSERT_EQ(list["instance_pools"].size(), 2u);
  EXPECT_EQ(list["instance_pools"][0]["instance_pool_id"], a);
  auto del = DbPost("/api/2.0/instance-pools/delete", {{"instance_pool_id", a}}, aad_);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
  auto gone = Get(a);
  ExpectError(gone, 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Body(gone)["message"], "Can't find an instance pool with id: " + a);
  list = Body(DbGet("/api/2.0/instance-pools/list", aad_));
  ASSERT_EQ(list["instance_pools"].size(), 1u);
  EXPECT_EQ(list["instance_pools"][0]["instance_pool_id"], b);
  ExpectError(DbPost("/api/2.0/instance-pools/delete", {{"instance_pool_id", a}}, aad_), 404, "RESOURCE_DOES_NOT_EXIST");
  // The name of a deleted pool can be used again.
  MustCreate({{"instance_pool_name", "a"}, {"node_type_id", "Standard_DS3_v2"}});
}

TEST_F(PoolsTest, DeletedFormSwitch) {
  Options o;
  o.pool_deleted_form = true;
  Restart(o);
  aad_ = DatabricksToken();
  std::string id = MustCreate({{"instance_pool_name", "d"}, {"node_type_id", "Standard_DS3_v2"}});
  ASSERT_EQ(DbPost("/api/2.0/instance-pools/delete", {{"instance_pool_id", id}}, aad_)->status, 200);
  auto r = Get(id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["state"], "DELETED");
  EXPECT_EQ(Body(r)["instance_pool_name"], "");
  EXPECT_EQ(DbGet("/api/2.0/instance-pools/list", aad_)->body, "{}");
}

TEST_F(PoolsTest, NodeTypes) {
  auto r = DbGet("/api/2.1/clusters/list-node-types", aad_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  bool found = false;
  nlohmann::json body = Body(r);
  for (const auto& n : body["node_types"]) found |= n["node_type_id"] == "Standard_DS3_v2";
  EXPECT_TRUE(found) << r->body;
}

}  // namespace
}  // namespace adbjit::emulator::testing
