// databricks::Client against the emulator: every call, error mapping, safe creates, coalescing.
#include "provider/clients/databricks/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "provider/clients/testing/emulator_fixture.h"

namespace adbjit::databricks {
namespace {

using testing::EmulatorTest;

class DatabricksClientTest : public EmulatorTest {
 protected:
  static InstancePool PoolSpec(const std::string& name) {
    InstancePool p;
    p.instance_pool_name = name;
    p.node_type_id = "Standard_DS3_v2";
    p.min_idle_instances = 0;
    p.max_capacity = 10;
    p.idle_instance_autotermination_minutes = 15;
    p.custom_tags = std::map<std::string, std::string>{{"team", "data"}};
    p.enable_elastic_disk = false;
    p.disk_spec = DiskSpec{1, 128, "PREMIUM_LRS"};
    p.preloaded_spark_versions = {"14.3.x-scala2.12"};
    return p;
  }
};

TEST_F(DatabricksClientTest, TokenLifecycle) {
  auto clients = NewClients();
  Client& db = clients->databricks();
  auto created = db.CreateTokenSafely(3600, "ci run 7");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->token_value.Reveal().rfind("dapi", 0), 0u);
  EXPECT_EQ(created->info.comment, "ci run 7");
  EXPECT_EQ(StripMarker(created->info.raw_comment), "ci run 7");
  EXPECT_FALSE(FindMarker(created->info.raw_comment).empty());
  EXPECT_EQ(created->info.token_id.size(), 64u);
  EXPECT_EQ(created->info.expiry_time - created->info.creation_time, 3600 * 1000);

  auto listed = db.ListTokens();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].comment, "ci run 7");
  auto got = db.GetToken(created->info.token_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->creation_time, created->info.creation_time);

  auto forever = db.CreateTokenSafely(std::nullopt, "");
  ASSERT_TRUE(forever.ok()) << forever.status().ToString();
  EXPECT_EQ(forever->info.comment, "");

  ASSERT_TRUE(db.DeleteToken(created->info.token_id).ok());
  EXPECT_EQ(db.GetToken(created->info.token_id).status().code(), StatusCode::kNotFound);
  Status again = db.DeleteToken(created->info.token_id);
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.service_code(), "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(again.http_status(), 404);
  EXPECT_EQ(again.message().rfind("revoke token " + created->info.token_id + ": HTTP 404 RESOURCE_DOES_NOT_EXIST: ", 0),
            0u)
      << again.message();
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{forever->info.token_id});
}

TEST_F(DatabricksClientTest, TokenCreateErrors) {
  emulator::Options o;
  o.token_quota = 2;
  Restart(o);
  auto clients = NewClients();
  Client& db = clients->databricks();
  Status zero = db.CreateTokenSafely(0, "zero").status();
  EXPECT_EQ(zero.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(zero.service_code(), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(zero.http_status(), 400);
  ASSERT_TRUE(db.CreateTokenSafely(60, "a").ok());
  ASSERT_TRUE(db.CreateTokenSafely(60, "b").ok());
  Status quota = db.CreateTokenSafely(60, "c").status();
  EXPECT_EQ(quota.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(quota.service_code(), "QUOTA_EXCEEDED");
  EXPECT_EQ(quota.http_status(), 400);
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/create"), 4);  // no retries of definite errors
  EXPECT_EQ(LiveTokenIds().size(), 2u);
}

// Only a well-formed list that lacks a token means it is gone: a token_infos of another shape, or an
// entry that cannot be read, is an error, never an empty list.
TEST_F(DatabricksClientTest, TokenListOfTheWrongShapeIsAnError) {
  auto clients = NewClients();
  Client& db = clients->databricks();
  auto created = db.CreateTokenSafely(3600, "listed");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  for (const char* body : {R"({"token_infos":{}})", R"({"token_infos":"none"})",
                           R"({"token_infos":[{"token_id":"abc","creation_time":"x"}]})",
                           R"({"token_infos":[{"comment":"no id"}]})", R"({"token_infos":[7]})"}) {
    server_->ClearFaults();
    Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "GET"}, {"path", "/api/2.0/token/list"},
                                   {"action", "status"}, {"status", 200}, {"body", body}, {"count", 1}}}));
    auto got = db.GetToken(created->info.token_id);
    EXPECT_EQ(got.status().code(), StatusCode::kInternal) << body << " -> " << got.status().ToString();
    EXPECT_EQ(got.status().message().rfind("list tokens: ", 0), 0u) << got.status().message();
  }
  for (const char* body : {R"({})", R"({"token_infos":null})", R"({"token_infos":[]})"}) {
    server_->ClearFaults();
    Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "GET"}, {"path", "/api/2.0/token/list"},
                                   {"action", "status"}, {"status", 200}, {"body", body}, {"count", 1}}}));
    auto fresh = NewClients();  // a list that was read is kept for a while: each body on its own client
    EXPECT_EQ(fresh->databricks().GetToken(created->info.token_id).status().code(), StatusCode::kNotFound) << body;
  }
  server_->ClearFaults();
  EXPECT_TRUE(NewClients()->databricks().GetToken(created->info.token_id).ok());
}

TEST_F(DatabricksClientTest, PoolLifecycle) {
  auto clients = NewClients();
  Client& db = clients->databricks();
  auto id = db.CreateInstancePoolSafely(PoolSpec("pool-a"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto pool = db.GetInstancePool(*id);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  EXPECT_EQ(pool->instance_pool_id, *id);
  EXPECT_EQ(pool->instance_pool_name, "pool-a");
  EXPECT_EQ(pool->enable_elastic_disk, false);  // sent explicitly, so not defaulted to true
  EXPECT_EQ(pool->max_capacity, 10);
  EXPECT_EQ(pool->disk_spec, (DiskSpec{1, 128, "PREMIUM_LRS"}));
  ASSERT_TRUE(pool->azure_attributes.has_value());  // filled in by the service
  EXPECT_EQ(pool->azure_attributes->availability, "ON_DEMAND_AZURE");
  EXPECT_EQ(pool->state, "ACTIVE");
  EXPECT_FALSE(pool->default_tags.empty());
  EXPECT_TRUE(pool->stats.has_value());
  EXPECT_EQ(pool->preloaded_spark_versions, std::vector<std::string>{"14.3.x-scala2.12"});

  InstancePool edit = *pool;
  edit.min_idle_instances = 1;
  edit.custom_tags = std::map<std::string, std::string>{{"team", "ml"}, {"cost", "42"}};
  ASSERT_TRUE(db.EditInstancePool(edit).ok());
  auto after = db.GetInstancePool(*id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->min_idle_instances, 1);
  EXPECT_EQ(after->custom_tags->at("team"), "ml");

  auto all = db.ListInstancePools();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].instance_pool_id, *id);

  ASSERT_TRUE(db.DeleteInstancePool(*id).ok());
  Status gone = db.GetInstancePool(*id).status();
  EXPECT_EQ(gone.code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.service_code(), "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(db.DeleteInstancePool(*id).code(), StatusCode::kNotFound);
  EXPECT_EQ(db.EditInstancePool(edit).code(), StatusCode::kNotFound);
  EXPECT_TRUE(db.ListInstancePools()->empty());
}

TEST_F(DatabricksClientTest, DeletedPoolAnswering200IsNotFound) {
  emulator::Options o;
  o.pool_deleted_form = true;
  Restart(o);
  auto clients = NewClients();
  Client& db = clients->databricks();
  auto id = db.CreateInstancePoolSafely(PoolSpec("pool-b"));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(db.DeleteInstancePool(*id).ok());
  Status s = db.GetInstancePool(*id).status();
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.http_status(), 200);
  EXPECT_NE(s.message().find("state DELETED"), std::string::npos);
}

TEST_F(DatabricksClientTest, PoolValidationErrors) {
  auto clients = NewClients();
  InstancePool p = PoolSpec("pool-c");
  p.node_type_id = "";
  Status s = clients->databricks().CreateInstancePoolSafely(p).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.service_code(), "INVALID_PARAMETER_VALUE");
}

// Every error body shape of remote-apis.md §2.3, served by fault rules, keyed on error_code.
TEST_F(DatabricksClientTest, ErrorShapesAndMapping) {
  auto clients = NewClients();
  Client& db = clients->databricks();
  ASSERT_TRUE(db.ListTokens().ok());  // warm the Entra token
  struct Case {
    int status;
    std::string body;
    StatusCode code;
    std::string service_code;
    std::string message;
  } cases[] = {
      {400, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Can't find an instance pool with id: x"})",
       StatusCode::kNotFound, "RESOURCE_DOES_NOT_EXIST", "Can't find an instance pool with id: x"},
      {400, R"({"error_code":"INVALID_PARAMETER_VALUE","message":"Instance pool x does not exist"})",
       StatusCode::kNotFound, "INVALID_PARAMETER_VALUE", "does not exist"},
      {403, R"({"error_code":"PERMISSION_DENIED","message":"no allow-instance-pool-create"})",
       StatusCode::kPermissionDenied, "PERMISSION_DENIED", "allow-instance-pool-create"},
      {400, R"({"error_code":"QUOTA_EXCEEDED","message":"too many"})", StatusCode::kResourceExhausted,
       "QUOTA_EXCEEDED", "too many"},
      {400, R"({"error":"legacy text"})", StatusCode::kInvalidArgument, "", "legacy text"},
      {409, "RESOURCE_ALREADY_EXISTS: a pool named x exists", StatusCode::kAlreadyExists, "RESOURCE_ALREADY_EXISTS",
       "a pool named x exists"},
      {403, "<html><body><pre>Forbidden by gateway.</pre></body></html>", StatusCode::kPermissionDenied, "",
       "Forbidden by gateway."},
      {404, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Can't find an instance pool with id: x"})",
       StatusCode::kNotFound, "RESOURCE_DOES_NOT_EXIST", "Can't find"},
      // A 404 that names no missing object is about the URL: never "the pool is gone".
      {404, "", StatusCode::kFailedPrecondition, "", "Not Found (the workspace API does not know this request: "
                                                     "check that host is the workspace URL)"},
      {404, R"({"error_code":"ENDPOINT_NOT_FOUND","message":"No API found for 'GET /x'"})",
       StatusCode::kFailedPrecondition, "ENDPOINT_NOT_FOUND", "check that host is the workspace URL"},
      {404, R"({"error":"not_found"})", StatusCode::kFailedPrecondition, "", "not_found"},
      {500, R"({"error_code":"INTERNAL_ERROR","message":"boom"})", StatusCode::kInternal, "INTERNAL_ERROR", "boom"},
  };
  for (const auto& c : cases) {
    server_->ClearFaults();
    Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/instance-pools/get"},
                                   {"action", "status"}, {"status", c.status}, {"body", c.body}}}));
    Status s = db.GetInstancePool("0521-145002-meet10-pool-EP6iFpfl").status();
    EXPECT_EQ(s.code(), c.code) << c.body << " -> " << s.ToString();
    EXPECT_EQ(s.service_code(), c.service_code) << c.body;
    EXPECT_EQ(s.http_status(), c.status) << c.body;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
    EXPECT_EQ(s.message().rfind("get instance pool 0521-145002-meet10-pool-EP6iFpfl: HTTP " + std::to_string(c.status), 0),
              0u)
        << s.message();
  }
}

// A host that is not the workspace (a portal, a sign-in page, a proxy) answers 200 with a web
// page. Nothing was done there, so no call is repeated or reconciled for the retry budget, and a
// create leaves no marker to chase: each call fails at once, naming the page and host.
TEST_F(DatabricksClientTest, AWebPageInsteadOfTheApiFailsAtOnceNamingHost) {
  auto clients = NewClients();
  Client& db = clients->databricks();
  ASSERT_TRUE(db.ListInstancePools().ok());  // warm the Entra token (a token list would be cached)
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/"}, {"action", "status"},
                                 {"status", 200}, {"headers", {{"Content-Type", "text/html"}}},
                                 {"body", "\n<!DOCTYPE html><html><head><title>Sign in to your account</title>"
                                          "</head><body>...</body></html>"}}}));
  auto expect_page = [](const Status& s, const std::string& op) {
    SCOPED_TRACE(op);
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
    EXPECT_EQ(s.http_status(), 200);
    EXPECT_EQ(s.message().rfind(op + ": HTTP 200 with a web page (\"Sign in to your account\") instead of the "
                                "workspace API's JSON: check that host is the workspace URL", 0),
              0u)
        << s.message();
  };
  std::string lost;
  expect_page(db.CreateTokenSafely(3600, "c", &lost).status(), "create token");
  EXPECT_EQ(lost, "") << "nothing was created: no marker to chase";
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/create"), 1);
  expect_page(db.ListTokens().status(), "list tokens");
  expect_page(db.DeleteToken(std::string(64, 'a')), "revoke token " + std::string(64, 'a'));
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/delete"), 1);
  databricks::InstancePool pool;
  pool.instance_pool_name = "p";
  pool.node_type_id = "Standard_DS3_v2";
  expect_page(db.CreateInstancePoolSafely(pool).status(), "list instance pools");  // its name check first
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/instance-pools/create"), 0);
  expect_page(db.GetInstancePool("0521-145002-meet10-pool-EP6iFpfl").status(),
              "get instance pool 0521-145002-meet10-pool-EP6iFpfl");

  // A page in answer to the create itself: nothing was created, so no list looks for the pool.
  server_->ClearFaults();
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "/instance-pools/create$"},
                                 {"action", "status"}, {"status", 200}, {"body", "<html><title>Sign in</title></html>"}}}));
  const int64_t lists = RouteCount("databricks", "GET", "/api/2.0/instance-pools/list");
  Status created = db.CreateInstancePoolSafely(pool).status();
  EXPECT_EQ(created.code(), StatusCode::kFailedPrecondition) << created.ToString();
  EXPECT_NE(created.message().find("with a web page (\"Sign in\")"), std::string::npos) << created.message();
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/instance-pools/create"), 1);
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/instance-pools/list"), lists + 1);  // the name check only
}

TEST_F(DatabricksClientTest, ExpiredOrRejectedAccessTokenIsRefreshedOnce) {
  auto clients = NewClients();
  Client& db = clients->databricks();
  ASSERT_TRUE(db.ListTokens().ok());
  EXPECT_EQ(EntraTokenRequests(), 1);
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/instance-pools/list"},
                                 {"action", "status"}, {"status", 403}, {"count", 1},
                                 {"body", "<html><body><pre>Invalid access token.</pre></body></html>"}}}));
  ASSERT_TRUE(db.ListInstancePools().ok());
  EXPECT_EQ(EntraTokenRequests(), 2);
}

TEST_F(DatabricksClientTest, WorkspaceResourceIdSendsManagementHeaders) {
  auto config = Config();
  config.workspace_resource_id =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Databricks/"
      "workspaces/ws";
  auto clients = NewClients(config);
  ASSERT_TRUE(clients->databricks().ListTokens().ok());
  ASSERT_TRUE(clients->databricks().ListInstancePools().ok());
  EXPECT_EQ(EntraTokenRequests(), 2);  // Databricks scope + management scope, each once
  EXPECT_EQ(ServiceCounter("entra", "requests"), 2);  // and no ARM lookup: the host is set
}

TEST_F(DatabricksClientTest, NoHostConfigured) {
  auto config = Config();
  config.host = "";
  auto clients = NewClients(config);
  Status s = clients->databricks().ListTokens().status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("DATABRICKS_HOST"), std::string::npos);
  EXPECT_NE(s.message().find("azure_workspace_resource_id"), std::string::npos);
}

// Without a host, the workspace URL comes from ARM, once per process however many calls race for it.
TEST_F(DatabricksClientTest, HostIsLookedUpFromTheWorkspaceResourceIdOnce) {
  auto config = Config();
  config.host = "";
  config.workspace_resource_id = emulator::Options{}.workspace_resource_id;
  auto clients = NewClients(config);
  Client& db = clients->databricks();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { ok += db.ListInstancePools().ok() ? 1 : 0; });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  ASSERT_TRUE(db.CreateTokenSafely(600, "from the resource id").ok());
  auto host = db.Host();
  ASSERT_TRUE(host.ok()) << host.status().ToString();
  EXPECT_EQ(*host, server_->databricks_url());
  EXPECT_EQ(RouteCount("entra", "GET", config.workspace_resource_id, 200), 1);
  EXPECT_EQ(EntraTokenRequests(), 3);  // Databricks, management (headers) and ARM scopes
}

TEST_F(DatabricksClientTest, HostLookupFailuresSayWhatToDoAndAreNotRemembered) {
  auto config = Config();
  config.host = "";
  config.workspace_resource_id =
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/not-there";
  auto clients = NewClients(config);
  Status s = clients->databricks().ListTokens().status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);  // never "the token is gone"
  EXPECT_EQ(s.service_code(), "ResourceNotFound");
  EXPECT_NE(s.message().find("look up the workspace URL of " + config.workspace_resource_id), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("check azure_workspace_resource_id"), std::string::npos) << s.message();

  config.workspace_resource_id = emulator::Options{}.workspace_resource_id;
  clients = NewClients(config);
  Faults(nlohmann::json::array(
      {{{"service", "entra"}, {"path", "/subscriptions/.*"}, {"action", "status"}, {"status", 403}, {"count", 1},
        {"body", R"({"error":{"code":"AuthorizationFailed","message":"The client does not have authorization."}})"}}}));
  s = clients->databricks().ListTokens().status();
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.service_code(), "AuthorizationFailed");
  EXPECT_NE(s.message().find("Reader role"), std::string::npos) << s.message();
  // The failure is not cached: once the role is granted, the next call looks the host up again.
  EXPECT_TRUE(clients->databricks().ListTokens().ok());
}

// A 200 whose body is not JSON did not come from the API and may mean nothing happened: revoke,
// edit and delete are sent again (idempotent) rather than reported as done.
TEST_F(DatabricksClientTest, MutationAnsweredWithMalformedBodyIsSentAgain) {
  auto clients = NewClients();
  Client& db = clients->databricks();
  auto created = db.CreateTokenSafely(3600, "malformed revoke");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto id = db.CreateInstancePoolSafely(PoolSpec("malformed-pool"));
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  Faults({{"service", "databricks"}, {"path", "/token/delete$|/instance-pools/(edit|delete)$"},
          {"action", "malformed"}, {"count", 3}});
  ASSERT_TRUE(db.DeleteToken(created->info.token_id).ok());
  EXPECT_TRUE(LiveTokenIds().empty()) << "the token is still alive after a revoke reported as done";
  InstancePool edit = PoolSpec("malformed-pool");
  edit.instance_pool_id = *id;
  edit.max_capacity = 7;
  ASSERT_TRUE(db.EditInstancePool(edit).ok());
  auto pool = db.GetInstancePool(*id);
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->max_capacity, 7);
  ASSERT_TRUE(db.DeleteInstancePool(*id).ok());
  EXPECT_EQ(LivePools(), 0);
}

}  // namespace
}  // namespace adbjit::databricks
