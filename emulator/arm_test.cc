// Tests of the emulated Azure Resource Manager: the workspace lookup by resource ID.
#include <unistd.h>

#include <filesystem>
#include <string>

#include "emulator/test_util.h"

namespace adbjit::emulator::testing {
namespace {

constexpr char kArmScope[] = "https://management.azure.com/.default";

class ArmTest : public EmulatorTest {
 protected:
  httplib::Result GetWorkspace(const std::string& id, const std::string& token,
                               const std::string& query = "?api-version=2018-04-01") {
    return Entra()->Get(id + query, Bearer(token));
  }
  static std::string ErrorCode(const httplib::Result& r) { return Body(r)["error"].value("code", ""); }
};

TEST_F(ArmTest, WorkspaceResourceGivesItsUrlAsAzureDoes) {
  auto r = GetWorkspace(options_.workspace_resource_id, AccessToken(kArmScope));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  nlohmann::json b = Body(r);
  EXPECT_EQ(b["id"], options_.workspace_resource_id);
  EXPECT_EQ(b["type"], "Microsoft.Databricks/workspaces");
  // Plain-HTTP mode: the scheme is part of the URL, since https:// in front would miss.
  EXPECT_EQ(b["properties"]["workspaceUrl"], server().databricks_url());
  EXPECT_FALSE(r->get_header_value("x-ms-request-id").empty());

  // Resource ids are case-insensitive; a token for the classic management audience is taken too.
  std::string upper = options_.workspace_resource_id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  r = GetWorkspace(upper, AccessToken("https://management.core.windows.net//.default"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  // The emulator stands in for every cloud: the US Government ARM audience is taken as well.
  r = GetWorkspace(options_.workspace_resource_id, AccessToken("https://management.usgovcloudapi.net/.default"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(ArmTest, WithTlsTheUrlIsTheHostNameAlone) {
  Options o;
  o.tls_dir = ::testing::TempDir() + "/arm_tls-" + std::to_string(::getpid());
  Restart(o);
  auto r = GetWorkspace(options_.workspace_resource_id, AccessToken(kArmScope));
  const std::string databricks_url = server().databricks_url();
  server_.reset();
  std::filesystem::remove_all(o.tls_dir);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ("https://" + Body(r)["properties"].value("workspaceUrl", ""), databricks_url);
}

TEST_F(ArmTest, ErrorsInArmShape) {
  const std::string id = options_.workspace_resource_id;
  const std::string token = AccessToken(kArmScope);

  auto r = GetWorkspace(id.substr(0, id.rfind('/') + 1) + "other", token);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(ErrorCode(r), "ResourceNotFound");
  EXPECT_NE(Body(r)["error"].value("message", "").find("'Microsoft.Databricks/workspaces/other'"), std::string::npos);

  r = GetWorkspace(id, token, "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorCode(r), "MissingApiVersionParameter");

  r = Entra()->Get(id + "?api-version=2018-04-01");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(ErrorCode(r), "AuthenticationFailed");

  r = GetWorkspace(id, DatabricksToken());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(ErrorCode(r), "InvalidAuthenticationTokenAudience");

  r = GetWorkspace("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x", token);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(ErrorCode(r), "InvalidResourceType");
}

TEST_F(ArmTest, ConfiguredResourceIdIsTheOneKnown) {
  Options o;
  o.workspace_resource_id = "/subscriptions/s1/resourceGroups/data/providers/Microsoft.Databricks/workspaces/etl";
  Restart(o);
  auto r = GetWorkspace(o.workspace_resource_id, AccessToken(kArmScope));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r).value("name", ""), "etl");
}

}  // namespace
}  // namespace adbjit::emulator::testing
