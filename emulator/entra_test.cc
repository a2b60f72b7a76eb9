// Tests of the emulated Entra ID: token endpoints, error shapes, federated credentials, IMDS.
#include <regex>

#include "emulator/jwt.h"
#include "emulator/test_util.h"

namespace adbjit::emulator::testing {
namespace {

nlohmann::json Claims(const std::string& jwt) {
  nlohmann::json c;
  EXPECT_TRUE(DecodeJwtPayload(jwt, &c)) << jwt;
  return c;
}

std::string UnsignedJwt(const nlohmann::json& claims) {
  return Base64UrlEncode(R"({"alg":"RS256","typ":"JWT"})") + "." + Base64UrlEncode(claims.dump()) + ".c2ln";
}

void ExpectEntraError(const httplib::Result& r, int status, const std::string& error, int code) {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status) << r->body;
  nlohmann::json b = Body(r);
  EXPECT_EQ(b.value("error", ""), error) << r->body;
  ASSERT_TRUE(b["error_codes"].is_array());
  EXPECT_EQ(b["error_codes"][0], code);
  EXPECT_EQ(b.value("error_description", "").rfind("AADSTS" + std::to_string(code) + ":", 0), 0u) << r->body;
  EXPECT_TRUE(b.contains("trace_id") && b.contains("correlation_id") && b.contains("timestamp"));
}

class EntraTest : public EmulatorTest {
 protected:
  httplib::Result Exchange(const std::string& assertion, const std::string& type =
                                                             "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
    httplib::Params form = {{"grant_type", "client_credentials"}, {"client_id", principal().client_id},
                            {"client_assertion_type", type}, {"client_assertion", assertion},
                            {"scope", kDatabricksScope}};
    return Entra()->Post("/" + principal().tenant_id + "/oauth2/v2.0/token", form);
  }
  std::string GithubToken(const std::string& audience) {
    std::string url = server().github_oidc_url();
    std::string path = url.substr(server().entra_url().size()) + "&audience=" + audience;
    auto r = Entra()->Get(path, Bearer(server().github_oidc_request_token()));
    EXPECT_TRUE(r && r->status == 200);
    return Body(r).value("value", "");
  }
};

TEST_F(EntraTest, ClientSecretIssuesJwtWithClaims) {
  auto r = TokenRequest(kDatabricksScope, principal(), principal().client_secret);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  nlohmann::json b = Body(r);
  EXPECT_EQ(b["token_type"], "Bearer");
  EXPECT_EQ(b["expires_in"], 3599);
  EXPECT_TRUE(b["ext_expires_in"].is_number());
  nlohmann::json c = Claims(b["access_token"]);
  EXPECT_EQ(c["aud"], "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
  EXPECT_EQ(c["tid"], principal().tenant_id);
  EXPECT_EQ(c["appid"], principal().client_id);
  EXPECT_EQ(c["azp"], principal().client_id);
  EXPECT_EQ(c["oid"], principal().object_id);
  EXPECT_EQ(c["iss"], "https://sts.windows.net/" + principal().tenant_id + "/");
  EXPECT_EQ(c["exp"].get<int64_t>() - c["iat"].get<int64_t>(), 3599);
  EXPECT_LE(c["nbf"].get<int64_t>(), NowSec());
}

TEST_F(EntraTest, ManagementScopeKeepsTheTrailingSlashInTheAudience) {
  EXPECT_EQ(Claims(AccessToken(kManagementScope))["aud"], "https://management.core.windows.net/");
  EXPECT_EQ(Claims(AccessToken(kVaultScope))["aud"], "https://vault.azure.net");
}

TEST_F(EntraTest, V1EndpointTakesResourceAndAnswersWithStrings) {
  httplib::Params form = {{"grant_type", "client_credentials"}, {"client_id", principal().client_id},
                          {"client_secret", principal().client_secret},
                          {"resource", "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"}};
  auto r = Entra()->Post("/" + principal().tenant_id + "/oauth2/token", form);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  nlohmann::json b = Body(r);
  EXPECT_EQ(b["expires_in"], "3599");
  EXPECT_TRUE(b["expires_on"].is_string());
  EXPECT_TRUE(b["not_before"].is_string());
  EXPECT_EQ(b["resource"], "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
  EXPECT_EQ(Claims(b["access_token"])["aud"], "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
}

TEST_F(EntraTest, NumbersAsStringsSwitchAndConfigurableLifetime) {
  Options o;
  o.entra_numbers_as_strings = true;
  o.access_token_lifetime_seconds = 120;
  Restart(o);
  auto r = TokenRequest(kDatabricksScope, principal(), principal().client_secret);
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(Body(r)["expires_in"], "120");
  nlohmann::json c = Claims(Body(r)["access_token"]);
  EXPECT_EQ(c["exp"].get<int64_t>() - c["iat"].get<int64_t>(), 120);
}

TEST_F(EntraTest, WrongSecretIsInvalidClient) {
  ExpectEntraError(TokenRequest(kDatabricksScope, principal(), "wrong"), 401, "invalid_client", 7000215);
}

TEST_F(EntraTest, UnknownClientIsUnauthorizedClient) {
  Principal p = principal();
  p.client_id = "11111111-2222-4333-8444-555555555555";
  ExpectEntraError(TokenRequest(kDatabricksScope, p, p.client_secret), 400, "unauthorized_client", 700016);
}

// A tenant is named by its id or its verified domain, and ids match ignoring case.
TEST_F(EntraTest, TenantByDomainAndIdsInUpperCaseAreTheSamePrincipal) {
  Principal by_domain = principal();
  by_domain.tenant_id = "ADBJIT-Emulator.onmicrosoft.com";
  auto r = TokenRequest(kDatabricksScope, by_domain, by_domain.client_secret);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Claims(Body(r).value("access_token", ""))["tid"], principal().tenant_id);
  Principal upper = principal();
  for (char& c : upper.tenant_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (char& c : upper.client_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  r = TokenRequest(kDatabricksScope, upper, upper.client_secret);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  Principal other_domain = principal();
  other_domain.tenant_id = "contoso.onmicrosoft.com";
  ExpectEntraError(TokenRequest(kDatabricksScope, other_domain, other_domain.client_secret), 400, "invalid_request",
                   90002);
}

TEST_F(EntraTest, UnknownTenantIsInvalidRequest) {
  Principal p = principal();
  p.tenant_id = "99999999-2222-4333-8444-555555555555";
  ExpectEntraError(TokenRequest(kDatabricksScope, p, p.client_secret), 400, "invalid_request", 90002);
}

TEST_F(EntraTest, MissingFieldIsInvalidRequest) {
  httplib::Params form = {{"grant_type", "client_credentials"}, {"client_id", principal().client_id},
                          {"client_secret", principal().client_secret}};
  ExpectEntraError(Entra()->Post("/" + principal().tenant_id + "/oauth2/v2.0/token", form), 400,
                   "invalid_request", 90014);
  httplib::Params no_grant = {{"client_id", principal().client_id}, {"scope", kDatabricksScope}};
  ExpectEntraError(Entra()->Post("/" + principal().tenant_id + "/oauth2/v2.0/token", no_grant), 400,
                   "invalid_request", 90014);
}

TEST_F(EntraTest, ScopeWithoutDefaultIsInvalidScope) {
  ExpectEntraError(TokenRequest("2ff814a6-3304-4ab8-85cb-cd0e6f879c1d", principal(), principal().client_secret), 400,
                   "invalid_scope", 70011);
}

TEST_F(EntraTest, UnknownResourceIsInvalidResource) {
  ExpectEntraError(TokenRequest("https://nothing.example/.default", principal(), principal().client_secret), 400,
                   "invalid_resource", 500011);
}

TEST_F(EntraTest, NoCredentialIsInvalidClient) {
  httplib::Params form = {{"grant_type", "client_credentials"}, {"client_id", principal().client_id},
                          {"scope", kDatabricksScope}};
  ExpectEntraError(Entra()->Post("/" + principal().tenant_id + "/oauth2/v2.0/token", form), 401, "invalid_client",
                   7000218);
}

TEST_F(EntraTest, GithubOidcTokenExchangesForAnAccessToken) {
  std::string assertion = GithubToken("api://AzureADTokenExchange");
  nlohmann::json c = Claims(assertion);
  EXPECT_EQ(c["iss"], principal().federated_issuer);
  EXPECT_EQ(c["sub"], principal().federated_subject);
  EXPECT_EQ(c["aud"], "api://AzureADTokenExchange");
  EXPECT_NEAR(c["exp"].get<int64_t>(), NowSec() + 300, 5);
  auto r = Exchange(assertion);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Claims(Body(r)["access_token"])["oid"], principal().object_id);
}

TEST_F(EntraTest, GithubEndpointNeedsTheRequestToken) {
  std::string path = server().github_oidc_url().substr(server().entra_url().size()) + "&audience=x";
  auto r = Entra()->Get(path, Bearer("nope"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(EntraTest, FederatedMismatchAndExpiryAreRejected) {
  ExpectEntraError(Exchange(GithubToken("api://SomethingElse")), 400, "invalid_request", 70021);
  nlohmann::json claims = {{"iss", principal().federated_issuer}, {"sub", "repo:other/repo:ref:refs/heads/main"},
                           {"aud", "api://AzureADTokenExchange"}, {"exp", NowSec() + 300}};
  ExpectEntraError(Exchange(UnsignedJwt(claims)), 400, "invalid_request", 70021);
  claims["sub"] = principal().federated_subject;
  claims["exp"] = NowSec() - 10;
  ExpectEntraError(Exchange(UnsignedJwt(claims)), 400, "invalid_client", 700024);
  claims["exp"] = NowSec() + 300;
  auto ok = Exchange(UnsignedJwt(claims));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  ExpectEntraError(Exchange("not-a-jwt"), 400, "invalid_client", 50027);
  // Claims of the wrong type are a mismatch (Entra's 400), not an exception (a bare 500).
  claims["iss"] = 5;
  ExpectEntraError(Exchange(UnsignedJwt(claims)), 400, "invalid_request", 70021);
}

TEST_F(EntraTest, ImdsNeedsMetadataHeaderAndAnswersWithStrings) {
  std::string path = server().imds_url().substr(server().entra_url().size()) +
                     "?api-version=2018-02-01&resource=2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
  auto missing = Entra()->Get(path);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(Body(missing)["error"], "invalid_request");
  auto r = Entra()->Get(path, {{"Metadata", "true"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  nlohmann::json b = Body(r);
  EXPECT_EQ(b["expires_in"], "3599");
  EXPECT_TRUE(b["expires_on"].is_string());
  EXPECT_EQ(b["client_id"], principal().client_id);
  EXPECT_EQ(b["resource"], "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
  EXPECT_EQ(Claims(b["access_token"])["aud"], "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d");
  auto other = Entra()->Get(path + "&client_id=11111111-2222-4333-8444-555555555555", {{"Metadata", "true"}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 400);
  EXPECT_EQ(Body(other)["error_description"], "Identity not found");
  auto unknown = Entra()->Get("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://nothing.example",
                              {{"Metadata", "true"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(Body(unknown)["error"], "invalid_resource");
}

TEST_F(EntraTest, ImdsWithoutManagedIdentity) {
  Options o;
  o.principals[0].managed_identity = false;
  Restart(o);
  auto r = Entra()->Get("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net",
                        {{"Metadata", "true"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Body(r)["error_description"], "Identity not found");
}

}  // namespace
}  // namespace adbjit::emulator::testing
