// Test fixture for emulator tests: an in-process Server on free ports plus small HTTP helpers.
#ifndef ADBJIT_EMULATOR_TEST_UTIL_H_
#define ADBJIT_EMULATOR_TEST_UTIL_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator/common.h"
#include "emulator/server.h"

namespace adbjit::emulator::testing {

inline constexpr char kDatabricksScope[] = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";
inline constexpr char kVaultScope[] = "https://vault.azure.net/.default";
inline constexpr char kManagementScope[] = "https://management.core.windows.net//.default";

inline nlohmann::json Body(const httplib::Result& r) {
  if (!r) return nlohmann::json();
  return nlohmann::json::parse(r->body, nullptr, false);
}

inline httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// Polls `cond` until it holds or `timeout` passes; returns its last value.
inline bool Eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override { Restart(Options{}); }
  void TearDown() override { server_.reset(); }

  void Restart(Options options) {
    server_.reset();
    options_ = options;
    server_ = std::make_unique<Server>(options);
    ASSERT_TRUE(server_->Start()) << server_->error();
  }

  Server& server() { return *server_; }
  const Principal& principal(size_t i = 0) const { return options_.principals.at(i); }

  std::unique_ptr<httplib::Client> ClientFor(const std::string& url) {
    auto c = std::make_unique<httplib::Client>(url);
    c->set_connection_timeout(5);
    c->set_read_timeout(10);
    if (!server_->ca_file().empty()) c->set_ca_cert_path(server_->ca_file().c_str());
    return c;
  }
  std::unique_ptr<httplib::Client> Entra() { return ClientFor(server_->entra_url()); }
  std::unique_ptr<httplib::Client> Workspace() { return ClientFor(server_->databricks_url()); }
  std::unique_ptr<httplib::Client> Vault() { return ClientFor(server_->keyvault_url()); }
  std::unique_ptr<httplib::Client> Admin() { return ClientFor(server_->admin_url()); }

  // POST to the v2 token endpoint with a client secret.
  httplib::Result TokenRequest(const std::string& scope, const Principal& p, const std::string& secret) {
    httplib::Params form = {{"grant_type", "client_credentials"}, {"client_id", p.client_id},
                            {"client_secret", secret}, {"scope", scope}};
    return Entra()->Post("/" + p.tenant_id + "/oauth2/v2.0/token", form);
  }
  std::string AccessToken(const std::string& scope, size_t principal_index = 0) {
    const Principal& p = principal(principal_index);
    auto r = TokenRequest(scope, p, p.client_secret);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
    return r ? Body(r).value("access_token", "") : "";
  }
  std::string DatabricksToken(size_t i = 0) { return AccessToken(kDatabricksScope, i); }
  std::string VaultToken() { return AccessToken(kVaultScope); }

  httplib::Result DbPost(const std::string& path, const nlohmann::json& body, const std::string& token) {
    return Workspace()->Post(path, Bearer(token), body.dump(), "application/json");
  }
  httplib::Result DbGet(const std::string& path, const std::string& token) {
    return Workspace()->Get(path, Bearer(token));
  }
  // Creates a PAT and returns the create response body.
  nlohmann::json CreatePat(const std::string& token, const nlohmann::json& body = {{"lifetime_seconds", 3600}}) {
    auto r = DbPost("/api/2.0/token/create", body, token);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
    return Body(r);
  }

  Options options_;
  std::unique_ptr<Server> server_;
};

}  // namespace adbjit::emulator::testing

#endif  // ADBJIT_EMULATOR_TEST_UTIL_H_
