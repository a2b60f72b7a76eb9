// Entra ID credentials against the emulator: client secret, federated (token, file, GitHub
// Actions), managed identity, and the error mapping of rejected credentials.
#include "provider/clients/auth/entra.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "provider/clients/http/curl_transport.h"
#include "provider/clients/testing/emulator_fixture.h"

namespace adbjit::auth {
namespace {

using testing::EmulatorTest;

class EntraTest : public EmulatorTest {
 protected:
  // A GitHub-style OIDC JWT minted by the emulator (accepted as a federated assertion).
  std::string GitHubJwt() {
    auto transport = std::make_shared<http::CurlTransport>();
    auto provider = GitHubActionsAssertion(transport, server_->github_oidc_url(),
                                           Secret(server_->github_oidc_request_token()), std::chrono::seconds(5));
    auto jwt = provider();
    EXPECT_TRUE(jwt.ok()) << jwt.status().ToString();
    return jwt.ok() ? jwt->Reveal() : "";
  }
};

TEST_F(EntraTest, ClientSecret) {
  auto clients = NewClients();
  auto t = clients->tokens().Token(clients->cloud().DatabricksScope());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_GT(t->expires_at, std::chrono::system_clock::now() + std::chrono::minutes(10));
  EXPECT_TRUE(clients->databricks().ListTokens().ok());
  EXPECT_EQ(EntraTokenRequests(), 1);
}

TEST_F(EntraTest, WrongSecretAndUnknownClient) {
  auto config = Config();
  config.client_secret = Secret("definitely-wrong-secret");
  auto clients = NewClients(config);
  Status s = clients->databricks().ListTokens().status();
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.service_code(), "AADSTS7000215");
  EXPECT_EQ(s.http_status(), 401);
  EXPECT_NE(s.message().find("list tokens: Entra ID token for 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default "
                             "(client secret): HTTP 401 invalid_client: AADSTS7000215"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find("definitely-wrong-secret"), std::string::npos);
  EXPECT_NE(s.message().find("(check azure_client_secret (ARM_CLIENT_SECRET)"), std::string::npos) << s.message();

  config = Config();
  config.client_id = "11111111-1111-4111-8111-111111111111";
  clients = NewClients(config);
  s = clients->databricks().ListTokens().status();
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.service_code(), "AADSTS700016");
  EXPECT_NE(s.message().find("unauthorized_client"), std::string::npos);
  EXPECT_NE(s.message().find("(check azure_client_id (ARM_CLIENT_ID) and azure_tenant_id"), std::string::npos)
      << s.message();
}

TEST_F(EntraTest, FederatedFromGitHubActions) {
  auto config = Config();
  config.client_secret = Secret();
  config.use_oidc = true;
  config.oidc_request_url = server_->github_oidc_url();
  config.oidc_request_token = Secret(server_->github_oidc_request_token());
  auto clients = NewClients(config);
  ASSERT_TRUE(clients->databricks().ListTokens().ok());
  ASSERT_TRUE(clients->keyvault().GetSecret(VaultUrl(), "absent").status().IsNotFound());
  // One GitHub JWT per Entra exchange (two scopes).
  EXPECT_EQ(RouteCount("entra", "GET", "/github/oidc/token", 200), 2);
  EXPECT_EQ(EntraTokenRequests(), 2);

  config.oidc_request_token = Secret("wrong-request-token");
  auto bad = NewClients(config);
  Status s = bad->databricks().ListTokens().status();
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("GitHub Actions OIDC token request: HTTP 401"), std::string::npos) << s.message();
}

TEST_F(EntraTest, FederatedFromTokenAndFile) {
  std::string jwt = GitHubJwt();
  auto config = Config();
  config.client_secret = Secret();
  config.use_oidc = true;
  config.oidc_token = Secret(jwt);
  ASSERT_TRUE(NewClients(config)->databricks().ListTokens().ok());

  std::string path = ::testing::TempDir() + "/adbjit-oidc-token-" + std::to_string(::getpid());
  { std::ofstream(path) << jwt << "\n"; }
  config.oidc_token = Secret();
  config.oidc_token_file_path = path;
  const bool from_file = NewClients(config)->databricks().ListTokens().ok();
  std::remove(path.c_str());  // it holds a token
  ASSERT_TRUE(from_file);

  config.oidc_token_file_path = "";
  config.oidc_token = Secret("not.a-jwt.at-all");
  Status s = NewClients(config)->databricks().ListTokens().status();
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.service_code(), "AADSTS50027");
}

TEST_F(EntraTest, ManagedIdentity) {
  auto config = Config();
  config.client_secret = Secret();
  config.client_id = "";
  config.use_msi = true;
  config.msi_endpoint = server_->imds_url();
  auto clients = NewClients(config);
  ASSERT_TRUE(clients->databricks().ListTokens().ok());  // numbers arrive as strings
  EXPECT_EQ(RouteCount("entra", "GET", "/metadata/identity/oauth2/token", 200), 1);

  config.client_id = "11111111-1111-4111-8111-111111111111";  // no such user-assigned identity
  Status s = NewClients(config)->databricks().ListTokens().status();
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("Identity not found"), std::string::npos) << s.message();
}

TEST_F(EntraTest, ThrottledTokenEndpointIsRetried) {
  Faults(nlohmann::json::array({{{"service", "entra"}, {"action", "status"}, {"status", 429}, {"count", 2},
                                 {"headers", {{"Retry-After", "0"}}},
                                 {"body", R"({"error":"temporarily_unavailable"})"}}}));
  auto clients = NewClients();
  ASSERT_TRUE(clients->databricks().ListTokens().ok());
  EXPECT_EQ(EntraTokenRequests(), 3);
}

// Entra's server_error and IMDS starting up answer 500: transient for a token request, which is
// asked again (a Databricks or Key Vault 500 is not: it may be a definite failure).
TEST_F(EntraTest, InternalErrorFromATokenEndpointIsRetried) {
  const std::string broken = R"({"error":"server_error","error_description":"AADSTS50000: try again"})";
  Faults(nlohmann::json::array({{{"service", "entra"}, {"action", "status"}, {"status", 500}, {"count", 1},
                                 {"body", broken}}}));
  ASSERT_TRUE(NewClients()->databricks().ListTokens().ok());
  EXPECT_EQ(EntraTokenRequests(), 2);

  auto config = Config();
  config.client_secret = Secret();
  config.client_id = "";
  config.use_msi = true;
  config.msi_endpoint = server_->imds_url();
  Faults(nlohmann::json::array({{{"service", "entra"}, {"path", "/metadata/identity/oauth2/token"},
                                 {"action", "status"}, {"status", 500}, {"count", 1}}}));
  ASSERT_TRUE(NewClients(config)->databricks().ListTokens().ok());
  EXPECT_EQ(RouteCount("entra", "GET", "/metadata/identity/oauth2/token", 500), 1);
  EXPECT_EQ(RouteCount("entra", "GET", "/metadata/identity/oauth2/token", 200), 1);
}

}  // namespace
}  // namespace adbjit::auth
