// Databricks error-body parsing, code mapping, markers and pool JSON (no server needed).
#include <gtest/gtest.h>

#include "provider/clients/databricks/errors.h"
#include "provider/clients/databricks/types.h"
#include "provider/util/secret.h"

namespace adbjit::databricks {
namespace {

TEST(ApiErrorTest, EveryBodyShape) {
  auto j = ParseApiError(404, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"No valid token with ID x found","details":[]})");
  EXPECT_EQ(j.error_code, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(j.message, "No valid token with ID x found");
  auto legacy = ParseApiError(400, R"({"error":"Something went wrong"})");
  EXPECT_EQ(legacy.error_code, "");
  EXPECT_EQ(legacy.message, "Something went wrong");
  auto bare = ParseApiError(400, "INVALID_PARAMETER_VALUE: lifetime too long");
  EXPECT_EQ(bare.error_code, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(bare.message, "lifetime too long");
  auto quoted = ParseApiError(400, R"("QUOTA_EXCEEDED: 600 tokens")");
  EXPECT_EQ(quoted.error_code, "QUOTA_EXCEEDED");
  auto html = ParseApiError(403, "<html><head><title>Error 403</title></head><body><h2>HTTP ERROR 403</h2>"
                                 "<pre>Invalid access token.</pre></body></html>");
  EXPECT_EQ(html.error_code, "");
  EXPECT_EQ(html.message, "Invalid access token.");
  auto title = ParseApiError(502, "<html><head><title>Bad Gateway</title></head></html>");
  EXPECT_EQ(title.message, "Bad Gateway");
  auto empty = ParseApiError(503, "");
  EXPECT_EQ(empty.message, "Service Unavailable");
  auto text = ParseApiError(500, "something broke");
  EXPECT_EQ(text.error_code, "");
  EXPECT_EQ(text.message, "something broke");
}

// A service's words are cut at 500 bytes (on a character boundary), whatever shape the body has, so
// a runaway reply cannot fill Terraform's output.
TEST(ApiErrorTest, LongTextIsCut) {
  const std::string huge(1000000, 'B');
  auto json = ParseApiError(400, R"({"error_code":"X","message":")" + huge + R"("})");
  EXPECT_EQ(json.message, std::string(500, 'B') + "… (999500 more bytes)");
  auto text = ParseApiError(500, huge);
  EXPECT_EQ(text.message, std::string(500, 'B') + "… (999500 more bytes)");
  std::string accents = "a";
  for (int i = 0; i < 400; ++i) accents += "é";
  auto cut = ParseApiError(400, R"({"message":")" + accents + R"("})");
  EXPECT_EQ(cut.message, accents.substr(0, 499) + "… (302 more bytes)");
  EXPECT_EQ(ParseApiError(400, R"({"message":")" + std::string(500, 'x') + R"("})").message, std::string(500, 'x'));
  // A secret the cut would split is redacted first, so no part of it is left.
  Secret echoed("Zsecret-registered-value-xyz");
  auto straddling = ParseApiError(400, std::string(490, 'B') + " " + echoed.Reveal() + " CCCC");
  EXPECT_EQ(straddling.message.find("Zsecret"), std::string::npos) << straddling.message;
  EXPECT_EQ(straddling.message, std::string(490, 'B') + " *** CCCC");
}

TEST(ApiErrorTest, KeysOnErrorCodeBeforeStatus) {
  struct Case {
    std::string code;
    int status;
    StatusCode want;
  } cases[] = {
      {"RESOURCE_DOES_NOT_EXIST", 400, StatusCode::kNotFound},
      {"RESOURCE_DOES_NOT_EXIST", 404, StatusCode::kNotFound},
      {"QUOTA_EXCEEDED", 400, StatusCode::kResourceExhausted},
      {"PERMISSION_DENIED", 403, StatusCode::kPermissionDenied},
      {"INVALID_PARAMETER_VALUE", 400, StatusCode::kInvalidArgument},
      {"INVALID_STATE", 400, StatusCode::kFailedPrecondition},
      {"RESOURCE_ALREADY_EXISTS", 400, StatusCode::kAlreadyExists},
      {"REQUEST_LIMIT_EXCEEDED", 429, StatusCode::kResourceExhausted},
      {"TEMPORARILY_UNAVAILABLE", 503, StatusCode::kUnavailable},
      {"", 401, StatusCode::kUnauthenticated},
      {"", 403, StatusCode::kPermissionDenied},
      {"NOT_FOUND", 404, StatusCode::kNotFound},
      {"", 404, StatusCode::kFailedPrecondition},  // names no missing object
      {"ENDPOINT_NOT_FOUND", 404, StatusCode::kFailedPrecondition},
      {"", 504, StatusCode::kDeadlineExceeded},
      {"", 500, StatusCode::kInternal},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CodeFor(ApiError{c.code, "m"}, c.status), c.want) << c.code << " " << c.status;
  }
}

TEST(ApiErrorTest, StatusKeepsEverything) {
  http::Response r;
  r.status = 503;
  r.headers["x-request-id"] = "rid-9";
  r.body = R"({"error_code":"TEMPORARILY_UNAVAILABLE","message":"try later"})";
  r.retry_summary = "gave up after 6 attempts in 31s";
  Status s = DatabricksError(r, "create token");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "create token: gave up after 6 attempts in 31s: HTTP 503 TEMPORARILY_UNAVAILABLE: try later");
  EXPECT_EQ(s.service_code(), "TEMPORARILY_UNAVAILABLE");
  EXPECT_EQ(s.http_status(), 503);
  EXPECT_EQ(s.request_id(), "rid-9");
}

TEST(ResourceManagerTest, ErrorsKeepArmCodesAndSayWhatToDo) {
  http::Response r;
  r.status = 404;
  r.headers["x-ms-request-id"] = "arm-1";
  r.body = R"({"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.Databricks/workspaces/w' )"
           R"(under resource group 'rg' was not found."}})";
  Status s = ResourceManagerError(r, "look up the workspace URL");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);  // a wrong ID, not a vanished object
  EXPECT_EQ(s.service_code(), "ResourceNotFound");
  EXPECT_EQ(s.request_id(), "arm-1");
  EXPECT_EQ(s.message(),
            "look up the workspace URL: HTTP 404 ResourceNotFound: The Resource 'Microsoft.Databricks/workspaces/w' "
            "under resource group 'rg' was not found. (check azure_workspace_resource_id, or set host to the "
            "workspace URL)");

  r.status = 403;
  r.body = R"({"error":{"code":"AuthorizationFailed","message":"no read"}})";
  s = ResourceManagerError(r, "look up");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("HTTP 403 AuthorizationFailed: no read (reading the workspace URL needs read access"),
            std::string::npos)
      << s.message();

  // Not ARM's shape (a proxy's page, an empty body): the status and what the body says.
  r.status = 502;
  r.body = "<html><title>Bad Gateway</title></html>";
  s = ResourceManagerError(r, "look up");
  EXPECT_EQ(s.message(), "look up: HTTP 502: Bad Gateway");
  EXPECT_EQ(s.service_code(), "");
  r.status = 401;
  r.body = "";
  EXPECT_EQ(ResourceManagerError(r, "look up").code(), StatusCode::kUnauthenticated);
}

// The gateway refuses a principal the workspace does not know with a page of its own, before any
// API: the error says what admits a principal. A refusal from the API itself (with an
// error_code) is about the request, and gets no such advice.
TEST(DatabricksErrorTest, TheGatewaysRefusalSaysHowAPrincipalIsAdmitted) {
  http::Response r;
  r.status = 403;
  r.body = "<html><head><title>Error 403 User not authorized.</title></head><body><h2>HTTP ERROR 403</h2>"
           "<pre>User not authorized.</pre></body></html>";
  Status s = DatabricksError(r, "list tokens");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message().rfind("list tokens: HTTP 403: User not authorized. (the workspace does not admit this "
                              "principal: add the service principal to the workspace, or set "
                              "azure_workspace_resource_id",
                              0),
            0u)
      << s.message();
  r.status = 401;
  r.body = "";
  EXPECT_NE(DatabricksError(r, "list tokens").message().find("does not admit this principal"), std::string::npos);
  r.status = 403;
  r.body = R"({"error_code":"PERMISSION_DENIED","message":"no allow-instance-pool-create"})";
  EXPECT_EQ(DatabricksError(r, "create instance pool").message(),
            "create instance pool: HTTP 403 PERMISSION_DENIED: no allow-instance-pool-create");
}

TEST(ResourceManagerTest, WorkspaceUrlComesFromTheProperties) {
  EXPECT_EQ(WorkspaceUrlOf(R"({"id":"/subscriptions/s","properties":{"workspaceUrl":"adb-1.2.azuredatabricks.net",)"
                           R"("workspaceId":"1"}})"),
            "adb-1.2.azuredatabricks.net");
  for (const char* body : {"", "[]", "{}", R"({"properties":"x"})", R"({"properties":{"workspaceUrl":7}})",
                           R"({"workspaceUrl":"adb-1.2.azuredatabricks.net"})"}) {
    EXPECT_EQ(WorkspaceUrlOf(body), "") << body;
  }
}

// Twins of one create: the same marker and lifetime, made within the hour. Anything else is another
// token, whoever wrote its comment.
TEST(MarkerTest, SameCreateNeedsTheMarkerTheLifetimeAndTheHour) {
  const std::string raw = CommentWithMarker("ci", MakeMarker());
  const int64_t t0 = 1'700'000'000'000;
  const TokenInfo ours{"a", t0, t0 + 3'600'000, "ci", raw};
  EXPECT_TRUE(SameCreate(ours, TokenInfo{"b", t0 + 90'000, t0 + 90'000 + 3'600'000, "ci", raw}));
  EXPECT_TRUE(SameCreate(ours, TokenInfo{"b", t0 - 1'000, t0 - 1'000 + 3'601'000, "ci", raw}));  // rounding
  EXPECT_FALSE(SameCreate(ours, ours));                                                            // itself
  EXPECT_FALSE(SameCreate(ours, TokenInfo{"b", t0, t0 + 7'200'000, "ci", raw}));                  // lifetime
  EXPECT_FALSE(SameCreate(ours, TokenInfo{"b", t0, -1, "ci", raw}));                               // no expiry
  EXPECT_FALSE(SameCreate(ours, TokenInfo{"b", t0 + 3'700'000, t0 + 7'300'000, "ci", raw}));       // hours later
  EXPECT_FALSE(SameCreate(ours, TokenInfo{"b", t0, t0 + 3'600'000, "ci", CommentWithMarker("ci", MakeMarker())}));
  const TokenInfo unmarked{"a", t0, t0 + 3'600'000, "ci", "ci"};
  EXPECT_FALSE(SameCreate(unmarked, TokenInfo{"b", t0, t0 + 3'600'000, "ci", "ci"}));
  const TokenInfo forever{"a", t0, -1, "ci", raw};
  EXPECT_TRUE(SameCreate(forever, TokenInfo{"b", t0 + 5, -1, "ci", raw}));
}

TEST(MarkerTest, RoundTrip) {
  std::string m = MakeMarker();
  ASSERT_EQ(m.size(), 21u);
  EXPECT_EQ(m.rfind("[adbjit:", 0), 0u);
  EXPECT_NE(m, MakeMarker());
  EXPECT_EQ(StripMarker(CommentWithMarker("ci run 42", m)), "ci run 42");
  EXPECT_EQ(FindMarker(CommentWithMarker("ci run 42", m)), m);
  EXPECT_EQ(StripMarker(CommentWithMarker("", m)), "");
  EXPECT_EQ(StripMarker("plain comment"), "plain comment");
  EXPECT_EQ(StripMarker("x [adbjit:zzzzzzzzzzzz]"), "x [adbjit:zzzzzzzzzzzz]");
  EXPECT_EQ(FindMarker(""), "");
  TokenInfo t = nlohmann::json{{"token_id", "abc"}, {"creation_time", 1}, {"expiry_time", "2"},
                               {"comment", CommentWithMarker("hello", m)}}
                    .get<TokenInfo>();
  EXPECT_EQ(t.comment, "hello");
  EXPECT_EQ(t.raw_comment, "hello " + m);
  EXPECT_EQ(t.expiry_time, 2);
}

TEST(PoolJsonTest, CreateSendsOnlySetFieldsAndExplicitFalse) {
  InstancePool p;
  p.instance_pool_name = "pool-a";
  p.node_type_id = "Standard_DS3_v2";
  p.enable_elastic_disk = false;
  p.min_idle_instances = 0;
  p.custom_tags = std::map<std::string, std::string>{{"team", "data"}};
  p.disk_spec = DiskSpec{1, 128, "PREMIUM_LRS"};
  p.azure_attributes = AzureAttributes{"SPOT_AZURE", -1.0};
  p.preloaded_spark_versions = {"14.3.x-scala2.12"};
  auto j = PoolCreateJson(p);
  EXPECT_EQ(j["enable_elastic_disk"], false);
  EXPECT_EQ(j["min_idle_instances"], 0);
  EXPECT_FALSE(j.contains("max_capacity"));
  EXPECT_FALSE(j.contains("idle_instance_autotermination_minutes"));
  EXPECT_EQ(j["disk_spec"]["disk_type"]["azure_disk_volume_type"], "PREMIUM_LRS");
  EXPECT_EQ(j["azure_attributes"]["spot_bid_max_price"], -1.0);
  EXPECT_EQ(j["custom_tags"]["team"], "data");

  p.instance_pool_id = "0521-145002-meet10-pool-EP6iFpfl";
  p.custom_tags.reset();
  auto e = PoolEditJson(p);
  EXPECT_EQ(e["custom_tags"], nlohmann::json::object());
  EXPECT_EQ(e["instance_pool_id"], p.instance_pool_id);
  EXPECT_FALSE(e.contains("enable_elastic_disk"));
  EXPECT_FALSE(e.contains("disk_spec"));
}

TEST(PoolJsonTest, ParsesEverything) {
  auto j = nlohmann::json::parse(R"({
    "instance_pool_id":"p1","instance_pool_name":"n","node_type_id":"Standard_DS3_v2",
    "min_idle_instances":"1","max_capacity":10,"idle_instance_autotermination_minutes":15,
    "custom_tags":{"a":"b"},"enable_elastic_disk":true,
    "disk_spec":{"disk_count":1,"disk_size":100,"disk_type":{"azure_disk_volume_type":"STANDARD_LRS"}},
    "azure_attributes":{"availability":"ON_DEMAND_AZURE","spot_bid_max_price":-1},
    "preloaded_spark_versions":["v"],"default_tags":{"Vendor":"Databricks"},"state":"ACTIVE",
    "stats":{"used_count":1,"idle_count":2,"pending_used_count":3,"pending_idle_count":4},
    "status":{"pending_instance_errors":[{"instance_id":"i","message":"m"}]},
    "node_type_flexibility":{"alternate_node_type_ids":["Standard_DS4_v2"]}})");
  InstancePool p = j.get<InstancePool>();
  EXPECT_EQ(p.min_idle_instances, 1);
  EXPECT_EQ(p.max_capacity, 10);
  EXPECT_EQ(p.enable_elastic_disk, true);
  EXPECT_EQ(p.disk_spec->azure_disk_volume_type, "STANDARD_LRS");
  EXPECT_EQ(p.azure_attributes->availability, "ON_DEMAND_AZURE");
  EXPECT_EQ(p.azure_attributes->spot_bid_max_price, -1.0);
  EXPECT_EQ(p.default_tags.at("Vendor"), "Databricks");
  EXPECT_EQ(p.stats->pending_idle_count, 4);
  ASSERT_EQ(p.pending_instance_errors.size(), 1u);
  EXPECT_EQ(p.alternate_node_type_ids.at(0), "Standard_DS4_v2");
  EXPECT_EQ(p.custom_tags->at("a"), "b");
}

// Found by fuzz/api_response_fuzz: a double outside int64's range was cast (undefined behaviour).
TEST(PoolJsonTest, OutOfRangeNumbersAreIgnored) {
  auto p = nlohmann::json::parse(R"({"instance_pool_id":"p","max_capacity":-1e19,"min_idle_instances":1e300,
                                     "stats":{"used_count":1e20}})").get<InstancePool>();
  EXPECT_EQ(p.instance_pool_id, "p");
  EXPECT_FALSE(p.max_capacity.has_value());
  EXPECT_FALSE(p.min_idle_instances.has_value());
  ASSERT_TRUE(p.stats.has_value());
  EXPECT_EQ(p.stats->used_count, 0);
}

}  // namespace
}  // namespace adbjit::databricks
