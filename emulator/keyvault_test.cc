// Tests of the emulated Key Vault: api-version, the bearer challenge, versions, soft delete timing.
#include <regex>

#include "emulator/test_util.h"

namespace adbjit::emulator::testing {
namespace {

class KeyVaultTest : public EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    token_ = VaultToken();
  }
  void RestartWith(const Options& o) {
    Restart(o);
    token_ = VaultToken();
  }
  static std::string P(const std::string& path) { return path + (path.find('?') == std::string::npos ? "?" : "&") + "api-version=7.4"; }
  httplib::Result Put(const std::string& name, const nlohmann::json& body) {
    return Vault()->Put(P("/secrets/" + name), Bearer(token_), body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path) { return Vault()->Get(P(path), Bearer(token_)); }
  httplib::Result Patch(const std::string& path, const nlohmann::json& body) {
    return Vault()->Patch(P(path), Bearer(token_), body.dump(), "application/json");
  }
  httplib::Result Delete(const std::string& path) { return Vault()->Delete(P(path), Bearer(token_)); }
  httplib::Result Recover(const std::string& name) {
    return Vault()->Post(P("/deletedsecrets/" + name + "/recover"), Bearer(token_), "", "application/json");
  }
  static void ExpectKvError(const httplib::Result& r, int status, const std::string& code, const std::string& inner = "") {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    nlohmann::json b = Body(r);
    EXPECT_EQ(b["error"].value("code", ""), code) << r->body;
    if (!inner.empty()) {
      ASSERT_TRUE(b["error"].contains("innererror")) << r->body;
      EXPECT_EQ(b["error"]["innererror"]["code"], inner) << r->body;
    }
  }
  static std::string VersionOf(const nlohmann::json& bundle) {
    std::string id = bundle.value("id", "");
    return id.substr(id.rfind('/') + 1);
  }
  std::string token_;
};

TEST_F(KeyVaultTest, ApiVersionIsRequired) {
  auto none = Vault()->Get("/secrets/a", Bearer(token_));
  ExpectKvError(none, 400, "BadParameter");
  auto old = Vault()->Get("/secrets/a?api-version=7.3", Bearer(token_));
  ExpectKvError(old, 400, "BadParameter");
  auto v75 = Vault()->Get("/secrets/a?api-version=7.5", Bearer(token_));
  ExpectKvError(v75, 404, "SecretNotFound");
}

TEST_F(KeyVaultTest, ChallengeWithoutBearerAndAudienceCheck) {
  auto r = Vault()->Put(P("/secrets/a"), R"({"value":"x"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"),
            "Bearer authorization=\"" + server().entra_url() + "/" + principal().tenant_id +
                "\", resource=\"https://vault.azure.net\"");
  auto wrong = Vault()->Get(P("/secrets/a"), Bearer(DatabricksToken()));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_TRUE(wrong->has_header("WWW-Authenticate"));
}

TEST_F(KeyVaultTest, SetGetAndVersions) {
  int64_t before = NowSec();
  auto set1 = Put("tok", {{"value", "v1"}, {"contentType", "text/plain"}, {"tags", {{"k", "1"}}}});
  ASSERT_TRUE(set1);
  ASSERT_EQ(set1->status, 200) << set1->body;
  nlohmann::json b1 = Body(set1);
  EXPECT_EQ(b1["value"], "v1");
  EXPECT_TRUE(std::regex_match(b1["id"].get<std::string>(),
                               std::regex("^" + server().keyvault_url() + "/secrets/tok/[0-9a-f]{32}$")))
      << b1["id"];
  EXPECT_GE(b1["attributes"]["created"].get<int64_t>(), before);
  EXPECT_EQ(b1["attributes"]["recoveryLevel"], "Recoverable+Purgeable");
  EXPECT_EQ(b1["attributes"]["recoverableDays"], 90);
  nlohmann::json b2 = Body(Put("tok", {{"value", "v2"}}));
  EXPECT_NE(VersionOf(b1), VersionOf(b2));
  EXPECT_FALSE(b2.contains("contentType"));  // a new version inherits nothing
  EXPECT_FALSE(b2.contains("tags"));
  EXPECT_EQ(Body(Get("/secrets/tok"))["value"], "v2");
  EXPECT_EQ(Body(Get("/secrets/tok/"))["value"], "v2");
  nlohmann::json old = Body(Get("/secrets/tok/" + VersionOf(b1)));
  EXPECT_EQ(old["value"], "v1");
  EXPECT_EQ(old["tags"]["k"], "1");
  ExpectKvError(Get("/secrets/tok/" + std::string(32, '0')), 404, "SecretNotFound");
  Put("tok", {{"value", "v3"}});
  auto page1 = Get("/secrets/tok/versions?maxresults=2");
  ASSERT_TRUE(page1 && page1->status == 200);
  nlohmann::json p1 = Body(page1);
  ASSERT_EQ(p1["value"].size(), 2u);
  for (const auto& item : p1["value"]) EXPECT_FALSE(item.contains("value"));
  ASSERT_TRUE(p1["nextLink"].is_string());
  std::string next = p1["nextLink"].get<std::string>().substr(server().keyvault_url().size());
  nlohmann::json p2 = Body(Vault()->Get(next, Bearer(token_)));
  ASSERT_EQ(p2["value"].size(), 1u);
  EXPECT_TRUE(p2["nextLink"].is_null());
  ExpectKvError(Get("/secrets/tok/versions?maxresults=26"), 400, "BadParameter");
  nlohmann::json list = Body(Get("/secrets"));
  ASSERT_EQ(list["value"].size(), 1u);
  EXPECT_EQ(list["value"][0]["id"], server().keyvault_url() + "/secrets/tok");
  EXPECT_FALSE(list["value"][0].contains("value"));
}

TEST_F(KeyVaultTest, SecretAndDeletedSecretListsArePaged) {
  for (const char* name : {"a", "b", "c"}) ASSERT_EQ(Put(name, {{"value", "v"}})->status, 200);
  ASSERT_EQ(Delete("/secrets/c")->status, 200);
  for (const std::string list : {"/secrets", "/deletedsecrets"}) {
    SCOPED_TRACE(list);
    size_t want = list == "/secrets" ? 2 : 1;
    nlohmann::json first = Body(Get(list + "?maxresults=1"));
    ASSERT_EQ(first["value"].size(), 1u);
    if (want == 1) {
      EXPECT_TRUE(first["nextLink"].is_null());
      EXPECT_EQ(first["value"][0]["recoveryId"], server().keyvault_url() + "/deletedsecrets/c");
      continue;
    }
    ASSERT_TRUE(first["nextLink"].is_string());
    std::string next = first["nextLink"].get<std::string>().substr(server().keyvault_url().size());
    EXPECT_TRUE(next.starts_with(list + "?api-version=")) << next;
    nlohmann::json second = Body(Vault()->Get(next, Bearer(token_)));
    ASSERT_EQ(second["value"].size(), 1u);
    EXPECT_TRUE(second["nextLink"].is_null());
    EXPECT_NE(first["value"][0]["id"], second["value"][0]["id"]);
  }
  ExpectKvError(Get("/deletedsecrets?maxresults=0"), 400, "BadParameter");
}

TEST_F(KeyVaultTest, NameRulesAndBodyValidation) {
  ExpectKvError(Put("bad_name", {{"value", "x"}}), 400, "BadParameter");
  ExpectKvError(Put(std::string(128, 'a'), {{"value", "x"}}), 400, "BadParameter");
  ASSERT_EQ(Put(std::string(127, 'a'), {{"value", "x"}})->status, 200);
  ExpectKvError(Put("novalue", {{"contentType", "x"}}), 400, "BadParameter");
  ExpectKvError(Vault()->Put(P("/secrets/broken"), Bearer(token_), "{nope", "application/json"), 400, "BadParameter");
}

TEST_F(KeyVaultTest, PatchKeepsUnsetFieldsAndCannotRemoveExpiry) {
  int64_t exp = NowSec() + 3600;
  nlohmann::json b = Body(Put("p", {{"value", "v"}, {"contentType", "ct"}, {"tags", {{"a", "1"}}},
                                    {"attributes", {{"exp", exp}}}}));
  auto r = Patch("/secrets/p/" + VersionOf(b), {{"attributes", {{"exp", nullptr}}}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  nlohmann::json u = Body(r);
  EXPECT_FALSE(u.contains("value"));
  EXPECT_EQ(u["attributes"]["exp"], exp);
  EXPECT_EQ(u["contentType"], "ct");
  EXPECT_EQ(u["tags"]["a"], "1");
  u = Body(Patch("/secrets/p/", {{"attributes", {{"exp", exp + 60}}}, {"contentType", "ct2"}}));
  EXPECT_EQ(u["attributes"]["exp"], exp + 60);
  EXPECT_EQ(u["contentType"], "ct2");
  EXPECT_EQ(u["tags"]["a"], "1");
  // A bad body is refused as a PUT's is, and changes nothing.
  for (const nlohmann::json& bad : {nlohmann::json{{"tags", {{"a", 1}}}}, nlohmann::json{{"attributes", "on"}},
                                    nlohmann::json{{"attributes", {{"enabled", "yes"}}}}}) {
    ExpectKvError(Patch("/secrets/p/", bad), 400, "BadParameter");
  }
  u = Body(Get("/secrets/p"));
  EXPECT_EQ(u["tags"]["a"], "1");
  EXPECT_EQ(u["attributes"]["enabled"], true);
}

// Names ignore case, as Key Vault's do: another spelling reaches the same secret, and lists keep
// the name as first written.
TEST_F(KeyVaultTest, NamesIgnoreCase) {
  ASSERT_EQ(Put("Pool-Id", {{"value", "v1"}})->status, 200);
  ASSERT_EQ(Put("pool-id", {{"value", "v2"}})->status, 200);
  EXPECT_EQ(Body(Get("/secrets/POOL-ID"))["value"], "v2");
  EXPECT_EQ(Body(Get("/secrets/pool-id/versions"))["value"].size(), 2u);
  nlohmann::json list = Body(Get("/secrets"));
  ASSERT_EQ(list["value"].size(), 1u);
  EXPECT_EQ(list["value"][0]["id"], server().keyvault_url() + "/secrets/Pool-Id");
  ASSERT_EQ(Delete("/secrets/POOL-id")->status, 200);
  ExpectKvError(Put("pool-ID", {{"value", "v3"}}), 409, "Conflict", "ObjectIsDeletedButRecoverable");
  EXPECT_EQ(Delete("/deletedsecrets/pool-id")->status, 204);
  ExpectKvError(Get("/deletedsecrets/Pool-Id"), 404, "SecretNotFound");
}

TEST_F(KeyVaultTest, DisabledSecretIsForbidden) {
  Put("d", {{"value", "v"}, {"attributes", {{"enabled", false}}}});
  ExpectKvError(Get("/secrets/d"), 403, "Forbidden", "SecretDisabled");
  Patch("/secrets/d", {{"attributes", {{"enabled", true}}}});
  EXPECT_EQ(Body(Get("/secrets/d"))["value"], "v");
}

TEST_F(KeyVaultTest, SoftDeleteRecoverAndPurge) {
  Put("s", {{"value", "v"}});
  auto del = Delete("/secrets/s");
  ASSERT_TRUE(del);
  ASSERT_EQ(del->status, 200) << del->body;
  nlohmann::json d = Body(del);
  EXPECT_EQ(d["recoveryId"], server().keyvault_url() + "/deletedsecrets/s");
  EXPECT_EQ(d["scheduledPurgeDate"].get<int64_t>() - d["deletedDate"].get<int64_t>(), 90 * 86400);
  EXPECT_FALSE(d.contains("value"));
  ExpectKvError(Get("/secrets/s"), 404, "SecretNotFound");
  ExpectKvError(Delete("/secrets/s"), 404, "SecretNotFound");
  EXPECT_EQ(Get("/deletedsecrets/s")->status, 200);
  EXPECT_EQ(Body(Get("/deletedsecrets"))["value"].size(), 1u);
  ExpectKvError(Put("s", {{"value", "again"}}), 409, "Conflict", "ObjectIsDeletedButRecoverable");
  auto rec = Recover("s");
  ASSERT_TRUE(rec);
  ASSERT_EQ(rec->status, 200) << rec->body;
  EXPECT_FALSE(Body(rec).contains("value"));
  EXPECT_EQ(Body(Get("/secrets/s"))["value"], "v");
  ASSERT_EQ(Delete("/secrets/s")->status, 200);
  auto purge = Delete("/deletedsecrets/s");
  ASSERT_TRUE(purge);
  EXPECT_EQ(purge->status, 204);
  EXPECT_TRUE(purge->body.empty());
  ExpectKvError(Get("/deletedsecrets/s"), 404, "SecretNotFound");
  ExpectKvError(Delete("/deletedsecrets/s"), 404, "SecretNotFound");
  EXPECT_EQ(Put("s", {{"value", "new"}})->status, 200);
}

TEST_F(KeyVaultTest, PurgeProtection) {
  Options o;
  o.kv_purge_protection = true;
  o.kv_retention_days = 7;
  RestartWith(o);
  nlohmann::json b = Body(Put("pp", {{"value", "v"}}));
  EXPECT_EQ(b["attributes"]["recoveryLevel"], "CustomizedRecoverable");
  EXPECT_EQ(b["attributes"]["recoverableDays"], 7);
  ASSERT_EQ(Delete("/secrets/pp")->status, 200);
  ExpectKvError(Delete("/deletedsecrets/pp"), 403, "Forbidden");
  EXPECT_EQ(Recover("pp")->status, 200);
}

TEST_F(KeyVaultTest, TransitionsAreAsynchronous) {
  Options o;
  o.kv_delete_delay_ms = 1500;  // wide enough for three loopback requests on a loaded machine
  o.kv_purge_delay_ms = 1500;
  o.kv_recover_delay_ms = 1500;
  RestartWith(o);
  Put("a", {{"value", "v"}});
  ASSERT_EQ(Delete("/secrets/a")->status, 200);
  // Still visible as live, not yet under /deletedsecrets; purging now is too early.
  EXPECT_EQ(Get("/secrets/a")->status, 200);
  EXPECT_EQ(Get("/deletedsecrets/a")->status, 404);
  ExpectKvError(Delete("/deletedsecrets/a"), 409, "Conflict", "ObjectIsBeingDeleted");
  EXPECT_TRUE(Eventually([&] { return Get("/deletedsecrets/a")->status == 200; }));
  EXPECT_EQ(Get("/secrets/a")->status, 404);
  ASSERT_EQ(Delete("/deletedsecrets/a")->status, 204);
  // Purging: still listed as deleted, the name blocked, until the purge completes.
  EXPECT_EQ(Get("/deletedsecrets/a")->status, 200);
  EXPECT_EQ(Get("/secrets/a")->status, 404);
  ExpectKvError(Recover("a"), 404, "SecretNotFound");
  ExpectKvError(Put("a", {{"value", "v2"}}), 409, "Conflict", "ObjectIsBeingDeleted");
  EXPECT_TRUE(Eventually([&] { return Get("/deletedsecrets/a")->status == 404; }));
  // Even then the name is blocked for a while.
  ExpectKvError(Put("a", {{"value", "v2"}}), 409, "Conflict", "ObjectIsBeingDeleted");
  EXPECT_TRUE(Eventually([&] { return Put("a", {{"value", "v2"}})->status == 200; }));
  // Recover: the secret is 404 for a while after the call returns.
  ASSERT_EQ(Delete("/secrets/a")->status, 200);
  EXPECT_TRUE(Eventually([&] { return Get("/deletedsecrets/a")->status == 200; }));
  ASSERT_EQ(Recover("a")->status, 200);
  EXPECT_EQ(Get("/secrets/a")->status, 404);
  EXPECT_TRUE(Eventually([&] { return Get("/secrets/a")->status == 200; }));
  EXPECT_EQ(Body(Get("/secrets/a"))["value"], "v2");
}

}  // namespace
}  // namespace adbjit::emulator::testing
