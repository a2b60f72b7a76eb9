// Tests of the emulated Databricks workspace: bearer auth, SP management headers, the Token API.
#include <regex>

#include "emulator/test_util.h"

namespace adbjit::emulator::testing {
namespace {

void ExpectDbError(const httplib::Result& r, int status, const std::string& code) {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(Body(r).value("error_code", ""), code) << r->body;
}

using DatabricksTest = EmulatorTest;

TEST_F(DatabricksTest, MissingOrInvalidTokensGetTheGatewayPage) {
  auto none = Workspace()->Get("/api/2.0/token/list");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto garbage = DbGet("/api/2.0/token/list", "garbage");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 403);
  EXPECT_NE(garbage->body.find("<pre>"), std::string::npos);
  EXPECT_NE(garbage->body.find("Invalid access token."), std::string::npos);
  auto pat = DbGet("/api/2.0/token/list", "dapi0123456789abcdef0123456789abcdef-2");
  ASSERT_TRUE(pat);
  EXPECT_EQ(pat->status, 403);
  // A valid Entra token for another audience is not accepted either.
  auto vault = DbGet("/api/2.0/token/list", VaultToken());
  ASSERT_TRUE(vault);
  EXPECT_EQ(vault->status, 403);
  auto ok = DbGet("/api/2.0/token/list", DatabricksToken());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(DatabricksTest, TokenExpiringWithin30SecondsIsRejected) {
  Options o;
  o.access_token_lifetime_seconds = 20;
  Restart(o);
  auto r = DbGet("/api/2.0/token/list", DatabricksToken());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find("Token is expiring within 30 seconds"), std::string::npos) << r->body;
}

TEST_F(DatabricksTest, CreateReturnsValueAndInfo) {
  int64_t before = NowMs();
  nlohmann::json b = CreatePat(DatabricksToken(), {{"lifetime_seconds", 600}, {"comment", "ci run 42"}});
  std::string value = b["token_value"];
  EXPECT_TRUE(std::regex_match(value, std::regex("^dapi[0-9a-f]{32}-2$"))) << value;
  const nlohmann::json& info = b["token_info"];
  EXPECT_EQ(info["token_id"], Sha256Hex(value));
  EXPECT_EQ(info["comment"], "ci run 42");
  int64_t created = info["creation_time"];
  EXPECT_GE(created, before);
  EXPECT_LE(created, NowMs());
  EXPECT_EQ(info["expiry_time"].get<int64_t>() - created, 600 * 1000);
}

TEST_F(DatabricksTest, PatAuthenticatesAndListShowsOnlyTheCallersTokens) {
  Options o;
  Principal second;
  second.client_id = "00000000-0000-4000-8000-0000000000b2";
  second.client_secret = "second-secret";
  second.object_id = "00000000-0000-4000-8000-0000000000b3";
  o.principals.push_back(second);
  Restart(o);
  std::string aad1 = DatabricksToken(0), aad2 = DatabricksToken(1);
  auto empty = DbGet("/api/2.0/token/list", aad1);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->body, "{}");
  nlohmann::json mine = CreatePat(aad1, {{"comment", "mine"}});
  CreatePat(aad2, {{"comment", "theirs"}});
  // The PAT acts as its owner.
  auto list = DbGet("/api/2.0/token/list", mine["token_value"]);
  ASSERT_TRUE(list && list->status == 200);
  nlohmann::json infos = Body(list)["token_infos"];
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0]["comment"], "mine");
  EXPECT_FALSE(infos[0].contains("token_value"));
  // The other principal cannot revoke it.
  ExpectDbError(DbPost("/api/2.0/token/delete", {{"token_id", mine["token_info"]["token_id"]}}, aad2), 404,
                "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(DatabricksTest, LifetimeValidation) {
  Options o;
  o.max_token_lifetime_days = 1;
  Restart(o);
  std::string aad = DatabricksToken();
  auto zero = DbPost("/api/2.0/token/create", {{"lifetime_seconds", 0}}, aad);
  ExpectDbError(zero, 400, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(Body(zero)["message"], "requirement failed: Invalid timeout: 0");
  ExpectDbError(DbPost("/api/2.0/token/create", {{"lifetime_seconds", -5}}, aad), 400, "INVALID_PARAMETER_VALUE");
  ExpectDbError(DbPost("/api/2.0/token/create", {{"lifetime_seconds", 86401}}, aad), 400, "INVALID_PARAMETER_VALUE");
  ExpectDbError(DbPost("/api/2.0/token/create", {{"lifetime_seconds", -1}}, aad), 400, "INVALID_PARAMETER_VALUE");
  // Omitted lifetime: capped at the workspace maximum.
  nlohmann::json capped = CreatePat(aad, nlohmann::json::object());
  EXPECT_EQ(capped["token_info"]["expiry_time"].get<int64_t>() - capped["token_info"]["creation_time"].get<int64_t>(),
            86400 * 1000);
  // Strings are accepted for int64 fields, as in proto3 JSON.
  EXPECT_EQ(CreatePat(aad, {{"lifetime_seconds", "60"}})["token_info"]["comment"], nullptr);
}

// Without a workspace maximum, a lifetime whose expiry epoch milliseconds cannot hold is refused,
// not turned into a token that expired long ago.
TEST_F(DatabricksTest, ALifetimeBeyondTheClockIsRefused) {
  Options o;
  o.max_token_lifetime_days = 0;
  Restart(o);
  const std::string aad = DatabricksToken();
  ExpectDbError(DbPost("/api/2.0/token/create", {{"lifetime_seconds", int64_t{9223372036854775}}}, aad), 400,
                "INVALID_PARAMETER_VALUE");
  EXPECT_GT(CreatePat(aad, {{"lifetime_seconds", int64_t{100} * 365 * 86400}})["token_info"]["expiry_time"].get<int64_t>(),
            0);
}

TEST_F(DatabricksTest, NoExpiryWhenThePolicyAllowsIt) {
  Options o;
  o.max_token_lifetime_days = 0;
  Restart(o);
  EXPECT_EQ(CreatePat(DatabricksToken(), {{"lifetime_seconds", -1}})["token_info"]["expiry_time"], -1);
  EXPECT_EQ(CreatePat(DatabricksToken(), nlohmann::json::object())["token_info"]["expiry_time"], -1);
}

TEST_F(DatabricksTest, QuotaIsPerPrincipalAndFreedByRevocation) {
  Options o;
  o.token_quota = 2;
  Restart(o);
  std::string aad = DatabricksToken();
  nlohmann::json first = CreatePat(aad);
  CreatePat(aad);
  ExpectDbError(DbPost("/api/2.0/token/create", {{"lifetime_seconds", 60}}, aad), 400, "QUOTA_EXCEEDED");
  auto del = DbPost("/api/2.0/token/delete", {{"token_id", first["token_info"]["token_id"]}}, aad);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
  EXPECT_EQ(del->body, "{}");
  CreatePat(aad);
}

TEST_F(DatabricksTest, DeleteUnknownAndRevokedTokenStopsWorking) {
  std::string aad = DatabricksToken();
  auto unknown = DbPost("/api/2.0/token/delete", {{"token_id", std::string(64, 'a')}}, aad);
  ExpectDbError(unknown, 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(Body(unknown)["message"], "No valid token with ID " + std::string(64, 'a') + " found.");
  ExpectDbError(DbPost("/api/2.0/token/delete", nlohmann::json::object(), aad), 400, "INVALID_PARAMETER_VALUE");
  nlohmann::json pat = CreatePat(aad);
  std::string value = pat["token_value"];
  ASSERT_EQ(DbGet("/api/2.0/token/list", value)->status, 200);
  ASSERT_EQ(DbPost("/api/2.0/token/delete", {{"token_id", pat["token_info"]["token_id"]}}, aad)->status, 200);
  EXPECT_EQ(DbGet("/api/2.0/token/list", value)->status, 403);
  ExpectDbError(DbPost("/api/2.0/token/delete", {{"token_id", pat["token_info"]["token_id"]}}, aad), 404,
                "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(DatabricksTest, ExpiredTokenStopsAuthenticatingAndVanishes) {
  std::string aad = DatabricksToken();
  nlohmann::json pat = CreatePat(aad, {{"lifetime_seconds", 1}});
  std::string value = pat["token_value"];
  EXPECT_TRUE(Eventually([&] { return DbGet("/api/2.0/token/list", value)->status == 403; }));
  EXPECT_EQ(DbGet("/api/2.0/token/list", aad)->body, "{}");
  ExpectDbError(DbPost("/api/2.0/token/delete", {{"token_id", pat["token_info"]["token_id"]}}, aad), 404,
                "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(DatabricksTest, ServicePrincipalManagementHeadersAdmitThePrincipal) {
  std::string aad = DatabricksToken();
  const std::string rid = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws";
  httplib::Headers bad = Bearer(aad);
  bad.emplace("X-Databricks-Azure-Workspace-Resource-Id", rid);
  bad.emplace("X-Databricks-Azure-SP-Management-Token", VaultToken());
  auto rejected = Workspace()->Get("/api/2.0/token/list", bad);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 403);
  EXPECT_TRUE(server().Objects()["admitted_principals"].empty());
  httplib::Headers good = Bearer(aad);
  good.emplace("X-Databricks-Azure-Workspace-Resource-Id", rid);
  good.emplace("X-Databricks-Azure-SP-Management-Token", AccessToken(kManagementScope));
  auto admitted = Workspace()->Get("/api/2.0/token/list", good);
  ASSERT_TRUE(admitted);
  EXPECT_EQ(admitted->status, 200) << admitted->body;
  EXPECT_EQ(server().Objects()["admitted_principals"], nlohmann::json::array({principal().object_id}));
}

// A principal that is no workspace user is refused by the gateway's page until a request with the
// management headers admits it; from then on it gets in without them, as Azure Databricks adds it
// to the workspace on that first use.
TEST_F(DatabricksTest, APrincipalThatIsNoWorkspaceUserIsRefusedUntilAdmitted) {
  Options o;
  o.principals.front().workspace_member = false;
  Restart(o);
  const std::string aad = DatabricksToken();
  auto refused = DbGet("/api/2.0/token/list", aad);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("<pre>    User not authorized.</pre>"), std::string::npos) << refused->body;
  httplib::Headers admit = Bearer(aad);
  admit.emplace("X-Databricks-Azure-Workspace-Resource-Id",
                "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws");
  admit.emplace("X-Databricks-Azure-SP-Management-Token", AccessToken(kManagementScope));
  auto admitted = Workspace()->Get("/api/2.0/token/list", admit);
  ASSERT_TRUE(admitted);
  EXPECT_EQ(admitted->status, 200) << admitted->body;
  auto member = DbGet("/api/2.0/token/list", aad);
  ASSERT_TRUE(member);
  EXPECT_EQ(member->status, 200) << member->body;
}

TEST_F(DatabricksTest, UnknownEndpointAndMalformedBody) {
  std::string aad = DatabricksToken();
  ExpectDbError(DbGet("/api/2.0/nothing/here", aad), 404, "ENDPOINT_NOT_FOUND");
  auto r = Workspace()->Post("/api/2.0/token/create", Bearer(aad), "{not json", "application/json");
  ExpectDbError(r, 400, "MALFORMED_REQUEST");
}

}  // namespace
}  // namespace adbjit::emulator::testing
