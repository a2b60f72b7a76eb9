// Key Vault error mapping, JSON, times, names and vault URL validation (no server needed).
#include <gtest/gtest.h>

#include "provider/clients/keyvault/client.h"
#include "provider/clients/keyvault/errors.h"
#include "provider/clients/keyvault/types.h"

namespace adbjit::keyvault {
namespace {

http::Response Resp(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(KeyVaultErrorTest, LongMessageIsCut) {
  Status s = KeyVaultError(
      Resp(400, R"({"error":{"code":"BadParameter","message":")" + std::string(100000, 'M') + R"("}})"), "set secret x");
  EXPECT_EQ(s.message(), "set secret x: HTTP 400 BadParameter: " + std::string(500, 'M') + "… (99500 more bytes)");
}

TEST(KeyVaultErrorTest, Mapping) {
  struct Case {
    int status;
    std::string body;
    StatusCode code;
    std::string service_code;
    std::string hint;  // substring of the message
  } cases[] = {
      {404, R"({"error":{"code":"SecretNotFound","message":"A secret with (name/id) x was not found in this key vault."}})",
       StatusCode::kNotFound, "SecretNotFound", "was not found"},
      {409, R"({"error":{"code":"Conflict","message":"Secret x is currently in a deleted but recoverable state","innererror":{"code":"ObjectIsDeletedButRecoverable"}}})",
       StatusCode::kAlreadyExists, "ObjectIsDeletedButRecoverable", "deleted but recoverable"},
      {409, R"({"error":{"code":"Conflict","message":"Secret is currently being deleted.","innererror":{"code":"ObjectIsBeingDeleted"}}})",
       StatusCode::kUnavailable, "ObjectIsBeingDeleted", "being deleted"},
      {403, R"({"error":{"code":"Forbidden","message":"The user does not have secrets get permission","innererror":{"code":"AccessDenied"}}})",
       StatusCode::kPermissionDenied, "AccessDenied", "access policy"},
      {403, R"({"error":{"code":"Forbidden","message":"Caller is not authorized. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'","innererror":{"code":"ForbiddenByRbac"}}})",
       StatusCode::kPermissionDenied, "ForbiddenByRbac", "Key Vault Secrets Officer"},
      {403, R"({"error":{"code":"Forbidden","message":"Client address is not authorized","innererror":{"code":"ForbiddenByFirewall"}}})",
       StatusCode::kPermissionDenied, "ForbiddenByFirewall", "firewall"},
      {403, R"({"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.","innererror":{"code":"SecretDisabled"}}})",
       StatusCode::kPermissionDenied, "SecretDisabled", "disabled"},
      {403, R"({"error":{"code":"SecretDisabled","message":"Operation get is not allowed on a disabled secret."}})",
       StatusCode::kPermissionDenied, "SecretDisabled", "enable it"},
      {403, R"({"error":{"code":"Forbidden","message":"Operation \"purge\" is not allowed because purge protection is enabled for this vault."}})",
       StatusCode::kPermissionDenied, "PurgeProtectionEnabled", "purge_on_destroy"},
      {400, R"({"error":{"code":"BadParameter","message":"The request URI contains an invalid name: a_b"}})",
       StatusCode::kInvalidArgument, "BadParameter", "invalid name"},
      {429, R"({"error":{"code":"Throttled","message":"Request was not processed because too many requests were received."}})",
       StatusCode::kResourceExhausted, "Throttled", "too many"},
      // A refusal without Key Vault's error code (here the Databricks host's) is not the vault's.
      {401, "", StatusCode::kUnauthenticated, "", "(not Key Vault's answer, which names its error code: check vault_url, "
                                                 "or a proxy answering in its place)"},
      // A proxy's page: its words, and the same advice.
      {403, "<html><head><title>Forbidden</title></head><body><pre>Site blocked by policy</pre></body></html>",
       StatusCode::kPermissionDenied, "", "op: HTTP 403: Site blocked by policy (not Key Vault's answer"},
      {403, R"({"error_code":"PERMISSION_DENIED","message":"Invalid access token."})", StatusCode::kPermissionDenied,
       "", "check vault_url"},
      // A 404 without Key Vault's SecretNotFound (a path it does not serve, another server): not "gone".
      {404, R"({"error":{"code":"NotFound","message":"The requested resource /x does not exist."}})",
       StatusCode::kFailedPrecondition, "NotFound", "(not Key Vault's answer about a secret: check vault_url, or a "
                                                    "proxy answering in its place)"},
      {404, "", StatusCode::kFailedPrecondition, "", "check vault_url"},
  };
  for (const auto& c : cases) {
    Status s = KeyVaultError(Resp(c.status, c.body), "op");
    EXPECT_EQ(s.code(), c.code) << c.body;
    EXPECT_EQ(s.service_code(), c.service_code) << c.body;
    EXPECT_EQ(s.http_status(), c.status);
    EXPECT_NE(s.message().find(c.hint), std::string::npos) << s.message();
    EXPECT_EQ(s.message().rfind("op: HTTP " + std::to_string(c.status), 0), 0u) << s.message();
  }
}

TEST(KeyVaultTypesTest, BundleAndBodies) {
  auto j = nlohmann::json::parse(R"({"value":"s3cr3t-value","id":"https://v.vault.azure.net/secrets/name-1/0123456789abcdef0123456789abcdef",
    "contentType":"text/plain","attributes":{"enabled":true,"exp":1800000000,"created":1700000000,"updated":"1700000001",
    "recoverableDays":90,"recoveryLevel":"Recoverable+Purgeable"},"tags":{"a":"b"}})");
  SecretBundle b = j.get<SecretBundle>();
  EXPECT_EQ(b.name, "name-1");
  EXPECT_EQ(b.version, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(b.VersionlessId(), "https://v.vault.azure.net/secrets/name-1");
  EXPECT_EQ(b.value.Reveal(), "s3cr3t-value");
  EXPECT_EQ(b.attributes.exp, 1800000000);
  EXPECT_EQ(b.attributes.updated, 1700000001);
  EXPECT_EQ(b.attributes.recoverable_days, 90);
  EXPECT_EQ(b.tags.at("a"), "b");

  SetSecretParams p{Secret("v-123"), "text/plain", {{"k", "v"}}, true, std::nullopt, 1800000000};
  auto sj = SetJson(p);
  EXPECT_EQ(sj["value"], "v-123");
  EXPECT_EQ(sj["attributes"], (nlohmann::json{{"enabled", true}, {"exp", 1800000000}}));
  UpdateSecretParams u;
  u.exp = 1900000000;
  EXPECT_EQ(UpdateJson(u), (nlohmann::json{{"attributes", {{"exp", 1900000000}}}}));
}

TEST(KeyVaultTypesTest, Names) {
  EXPECT_TRUE(ValidateSecretName("databricks-pat-1").ok());
  EXPECT_EQ(ValidateSecretName("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateSecretName("a_b").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateSecretName("../x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateSecretName(std::string(128, 'a')).code(), StatusCode::kInvalidArgument);
}

TEST(KeyVaultClientTest, VaultUrlValidation) {
  Client c(nullptr, nullptr, ClientOptions{});
  EXPECT_TRUE(c.ValidateVaultUrl("https://myvault.vault.azure.net/").ok());
  EXPECT_TRUE(c.ValidateVaultUrl("https://myvault.vault.azure.net").ok());
  EXPECT_TRUE(c.ValidateVaultUrl("http://127.0.0.1:4321").ok());
  Status http = c.ValidateVaultUrl("http://myvault.vault.azure.net/");
  EXPECT_EQ(http.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(http.message().find("must use https://"), std::string::npos);
  Status suffix = c.ValidateVaultUrl("https://myvault.example.com/");
  EXPECT_NE(suffix.message().find("must end in .vault.azure.net"), std::string::npos);
  Status path = c.ValidateVaultUrl("https://myvault.vault.azure.net/secrets/x");
  EXPECT_NE(path.message().find("without a path"), std::string::npos);
  ClientOptions china;
  china.dns_suffix = ".vault.azure.cn";
  Client cc(nullptr, nullptr, china);
  EXPECT_TRUE(cc.ValidateVaultUrl("https://v.vault.azure.cn/").ok());
  EXPECT_FALSE(cc.ValidateVaultUrl("https://v.vault.azure.net/").ok());
}

}  // namespace
}  // namespace adbjit::keyvault
