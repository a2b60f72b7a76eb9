// Tests of the admin API and the server as a whole: log, counters, connections, objects, resets,
// state file round trip, TLS with the generated CA, loopback-only binding.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "emulator/test_util.h"

namespace adbjit::emulator::testing {
namespace {

using AdminTest = EmulatorTest;

TEST_F(AdminTest, HealthListsTheUrls) {
  auto r = Admin()->Get("/admin/health");
  ASSERT_TRUE(r && r->status == 200);
  nlohmann::json b = Body(r);
  EXPECT_EQ(b["status"], "ok");
  EXPECT_EQ(b["urls"]["databricks"], server().databricks_url());
  EXPECT_EQ(b["urls"]["keyvault"], server().keyvault_url());
}

TEST_F(AdminTest, RequestLogHasNoBodiesOrTokens) {
  std::string aad = DatabricksToken();
  nlohmann::json pat = CreatePat(aad);
  std::string vault = VaultToken();
  Vault()->Put("/secrets/logged?api-version=7.4", Bearer(vault), R"({"value":"very-secret-value"})", "application/json");
  auto r = Admin()->Get("/admin/requests");
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(r->body.find(aad), std::string::npos);
  EXPECT_EQ(r->body.find(pat["token_value"].get<std::string>()), std::string::npos);
  EXPECT_EQ(r->body.find("very-secret-value"), std::string::npos);
  EXPECT_EQ(r->body.find(principal().client_secret), std::string::npos);
  nlohmann::json log = Body(r)["requests"];
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[1]["service"], "databricks");
  EXPECT_EQ(log[1]["method"], "POST");
  EXPECT_EQ(log[1]["path"], "/api/2.0/token/create");
  EXPECT_EQ(log[1]["status"], 200);
  EXPECT_TRUE(log[1]["duration_ms"].is_number());
  EXPECT_TRUE(log[1]["time"].is_string());
  EXPECT_EQ(log[3]["route"], "/secrets/{name}");
  EXPECT_EQ(log[3]["path"], "/secrets/logged");
  EXPECT_EQ(Body(Admin()->Get("/admin/requests?service=keyvault"))["requests"].size(), 1u);
}

TEST_F(AdminTest, CountersByServiceAndRoute) {
  std::string aad = DatabricksToken();
  for (int i = 0; i < 3; ++i) DbGet("/api/2.0/token/list", aad);
  DbGet("/api/2.0/token/list", "bad");
  nlohmann::json c = Body(Admin()->Get("/admin/counters"));
  EXPECT_EQ(c["by_service"]["databricks"]["requests"], 4);
  EXPECT_EQ(c["by_service"]["entra"]["requests"], 1);
  EXPECT_EQ(c["by_service"]["keyvault"]["requests"], 0);
  int ok = 0, denied = 0;
  for (const auto& row : c["by_route"]) {
    if (row["service"] != "databricks") continue;
    EXPECT_EQ(row["route"], "/api/2.0/token/list");
    if (row["status"] == 200) ok = row["count"];
    if (row["status"] == 403) denied = row["count"];
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(denied, 1);
  ASSERT_EQ(Admin()->Post("/admin/reset-counters", "", "application/json")->status, 200);
  c = server().Counters();
  EXPECT_EQ(c["by_service"]["databricks"]["requests"], 0);
  EXPECT_TRUE(c["by_route"].empty());
  EXPECT_TRUE(server().Requests()["requests"].empty());
}

TEST_F(AdminTest, KeepAliveConnectionsAreReusedAndCounted) {
  std::string aad = DatabricksToken();
  server().ResetCounters();
  auto reused = Workspace();
  reused->set_keep_alive(true);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(reused->Get("/api/2.0/token/list", Bearer(aad))->status, 200);
  EXPECT_EQ(server().Counters()["by_service"]["databricks"]["connections"], 1);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(DbGet("/api/2.0/token/list", aad)->status, 200);  // new client each time
  EXPECT_EQ(server().Counters()["by_service"]["databricks"]["connections"], 4);
  EXPECT_EQ(server().Counters()["by_service"]["databricks"]["requests"], 13);
}

TEST_F(AdminTest, TwentyParallelKeepAliveClients) {
  std::string aad = DatabricksToken();
  server().ResetCounters();
  constexpr int kClients = 20, kRequests = 5;
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(Workspace());
    clients.back()->set_keep_alive(true);
    clients.back()->set_read_timeout(5);
  }
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kRequests; ++j) {
        auto r = clients[i]->Get("/api/2.0/token/list", Bearer(aad));
        if (r && r->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, kClients * kRequests);
  EXPECT_EQ(server().Counters()["by_service"]["databricks"]["connections"], kClients);
}

TEST_F(AdminTest, ObjectsShowTokensPoolsAndSecretsWithoutValues) {
  std::string aad = DatabricksToken();
  nlohmann::json pat = CreatePat(aad, {{"comment", "seen"}});
  DbPost("/api/2.0/instance-pools/create", {{"instance_pool_name", "obj"}, {"node_type_id", "Standard_DS3_v2"}}, aad);
  std::string vault = VaultToken();
  Vault()->Put("/secrets/live?api-version=7.4", Bearer(vault), R"({"value":"hidden-1"})", "application/json");
  Vault()->Put("/secrets/gone?api-version=7.4", Bearer(vault), R"({"value":"hidden-2"})", "application/json");
  Vault()->Put("/secrets/gone?api-version=7.4", Bearer(vault), R"({"value":"hidden-3"})", "application/json");
  Vault()->Delete("/secrets/gone?api-version=7.4", Bearer(vault));
  auto r = Admin()->Get("/admin/objects");
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(r->body.find(pat["token_value"].get<std::string>()), std::string::npos);
  EXPECT_EQ(r->body.find("hidden-"), std::string::npos);
  nlohmann::json o = Body(r);
  ASSERT_EQ(o["tokens"].size(), 1u);
  EXPECT_EQ(o["tokens"][0]["comment"], "seen");
  EXPECT_EQ(o["tokens"][0]["owner"], principal().object_id);
  EXPECT_EQ(o["tokens"][0]["expired"], false);
  ASSERT_EQ(o["pools"].size(), 1u);
  EXPECT_EQ(o["pools"][0]["instance_pool_name"], "obj");
  ASSERT_EQ(o["secrets"].size(), 2u);
  for (const auto& s : o["secrets"]) {
    EXPECT_EQ(s["vault"], "default");
    if (s["name"] == "gone") {
      EXPECT_EQ(s["deleted"], true);
      EXPECT_EQ(s["state"], "deleted");
      EXPECT_EQ(s["versions"], 2);
    } else {
      EXPECT_EQ(s["deleted"], false);
      EXPECT_EQ(s["versions"], 1);
    }
  }
  ASSERT_EQ(Admin()->Post("/admin/reset", "", "application/json")->status, 200);
  o = server().Objects();
  EXPECT_TRUE(o["tokens"].empty() && o["pools"].empty() && o["secrets"].empty());
  EXPECT_EQ(DbGet("/api/2.0/token/list", pat["token_value"])->status, 403);
}

TEST_F(AdminTest, StateFileRoundTrip) {
  std::string path = ::testing::TempDir() + "emulator_state_test-" + std::to_string(::getpid()) + ".json";
  std::filesystem::remove(path);
  Options o;
  o.state_file = path;
  Restart(o);
  std::string aad = DatabricksToken();
  std::string pat = CreatePat(aad)["token_value"];
  std::string pool = Body(DbPost("/api/2.0/instance-pools/create",
                                 {{"instance_pool_name", "kept"}, {"node_type_id", "Standard_DS3_v2"}}, aad))
                         .value("instance_pool_id", "");
  std::string vault = VaultToken();
  Vault()->Put("/secrets/kept?api-version=7.4", Bearer(vault), R"({"value":"persisted"})", "application/json");
  server().Stop();
  ASSERT_TRUE(std::filesystem::exists(path));
  // It holds the signing key and secret values: readable by its owner only.
  const auto others = std::filesystem::perms::group_all | std::filesystem::perms::others_all;
  EXPECT_EQ(std::filesystem::status(path).permissions() & others, std::filesystem::perms::none);
  Restart(o);
  EXPECT_EQ(DbGet("/api/2.0/token/list", pat)->status, 200);
  EXPECT_EQ(DbGet("/api/2.0/instance-pools/get?instance_pool_id=" + pool, aad)->status, 200);  // old Entra token
  auto secret = Vault()->Get("/secrets/kept?api-version=7.4", Bearer(vault));
  ASSERT_TRUE(secret);
  EXPECT_EQ(Body(secret)["value"], "persisted");
  server_.reset();
  std::filesystem::remove(path);
}

TEST_F(AdminTest, TlsWithTheGeneratedCa) {
  std::string dir = ::testing::TempDir() + "emulator_tls_test-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  Options o;
  o.tls_dir = dir;
  Restart(o);
  ASSERT_EQ(server().entra_url().rfind("https://127.0.0.1:", 0), 0u);
  ASSERT_FALSE(server().ca_file().empty());
  httplib::Client trusted(server().entra_url());
  trusted.set_ca_cert_path(server().ca_file().c_str());
  trusted.enable_server_certificate_verification(true);
  httplib::Params form = {{"grant_type", "client_credentials"}, {"client_id", principal().client_id},
                          {"client_secret", principal().client_secret}, {"scope", kDatabricksScope}};
  auto r = trusted.Post("/" + principal().tenant_id + "/oauth2/v2.0/token", form);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  httplib::Client untrusted(server().entra_url());
  untrusted.enable_server_certificate_verification(true);
  untrusted.set_ca_cert_path("/nonexistent-ca.pem");
  EXPECT_FALSE(untrusted.Post("/" + principal().tenant_id + "/oauth2/v2.0/token", form));
  // The Key Vault ids use https too; the files are reused on restart.
  std::string vault = AccessToken(kVaultScope);
  httplib::Client kv(server().keyvault_url());
  kv.set_ca_cert_path(server().ca_file().c_str());
  auto s = kv.Put("/secrets/t?api-version=7.4", Bearer(vault), R"({"value":"x"})", "application/json");
  ASSERT_TRUE(s);
  EXPECT_EQ(Body(s)["id"].get<std::string>().rfind(server().keyvault_url() + "/secrets/t/", 0), 0u);
  auto mtime = std::filesystem::last_write_time(server().ca_file());
  int keys = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().find("key") == std::string::npos) continue;
    ++keys;
    EXPECT_EQ(entry.status().permissions() & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << entry.path();
  }
  EXPECT_GE(keys, 1);
  Restart(o);
  EXPECT_EQ(std::filesystem::last_write_time(server().ca_file()), mtime);
  server_.reset();
  std::filesystem::remove_all(dir);
}

TEST(ServerTest, RefusesNonLoopbackHosts) {
  Options o;
  o.host = "0.0.0.0";
  Server s(o);
  EXPECT_FALSE(s.Start());
  EXPECT_NE(s.error().find("loopback"), std::string::npos);
}

TEST(ServerTest, FixedPortInUseFailsCleanly) {
  Server first;
  ASSERT_TRUE(first.Start());
  Options o;
  o.databricks_port = std::stoi(first.databricks_url().substr(first.databricks_url().rfind(':') + 1));
  Server second(o);
  EXPECT_FALSE(second.Start());
  EXPECT_NE(second.error().find("databricks"), std::string::npos);
}

}  // namespace
}  // namespace adbjit::emulator::testing
