// URL parsing, the http:// policy and encoders.
#include "provider/clients/http/url.h"

#include <gtest/gtest.h>

namespace adbjit::http {
namespace {

TEST(UrlTest, Parses) {
  auto u = ParseUrl("https://Adb-1.2.AzureDatabricks.net:8443/api/2.0/token/list?x=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "adb-1.2.azuredatabricks.net");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path, "/api/2.0/token/list");
  EXPECT_EQ(u->query, "x=1");
  EXPECT_EQ(u->Origin(), "https://adb-1.2.azuredatabricks.net:8443");
  auto v6 = ParseUrl("http://[::1]:8080/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->Origin(), "http://[::1]:8080");
  // A scheme's default port is the same origin as none (Key Vault's nextLink names :443).
  auto kv = ParseUrl("https://myvault.vault.azure.net:443/secrets/s/versions?api-version=7.4&$skiptoken=x");
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(kv->port, 0);
  EXPECT_EQ(kv->Origin(), ParseUrl("https://myvault.vault.azure.net/")->Origin());
  EXPECT_EQ(ParseUrl("http://[::1]:80/")->Origin(), "http://[::1]");
  EXPECT_EQ(ParseUrl("http://127.0.0.1:443/")->Origin(), "http://127.0.0.1:443");
  EXPECT_EQ(ParseUrl("ftp://x/").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseUrl("no scheme").status().code(), StatusCode::kInvalidArgument);
}

TEST(UrlTest, LoopbackHosts) {
  for (const char* h : {"127.0.0.1", "127.10.20.30", "localhost", "LOCALHOST", "::1", "[::1]", "a.localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"128.0.0.1", "127.0.0.1.evil.com", "localhost.evil.com", "10.0.0.1", "169.254.169.254",
                        "example.com", "127.0.0"}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

TEST(UrlTest, HttpOnlyToLoopback) {
  EXPECT_TRUE(CheckUrlAllowed("https://example.com/x", false).ok());
  EXPECT_TRUE(CheckUrlAllowed("http://127.0.0.1:1234/x", false).ok());
  EXPECT_TRUE(CheckUrlAllowed("http://localhost/x", false).ok());
  EXPECT_TRUE(CheckUrlAllowed("http://[::1]:9/x", false).ok());
  Status s = CheckUrlAllowed("http://adb-1.2.azuredatabricks.net/api", false);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("refusing plain http:// to adb-1.2.azuredatabricks.net"), std::string::npos);
  EXPECT_FALSE(CheckUrlAllowed("http://169.254.169.254/metadata", false).ok());
  EXPECT_TRUE(CheckUrlAllowed("http://169.254.169.254/metadata", true).ok());
  // User information (DATABRICKS_HOST="https://token:<password>@adb-…") is refused without
  // repeating the password.
  Status user = CheckUrlAllowed("https://token:hunter2@adb-1.2.azuredatabricks.net/", false);
  EXPECT_EQ(user.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(user.message().find("must not contain user information"), std::string::npos) << user.message();
  EXPECT_EQ(user.message().find("hunter2"), std::string::npos) << user.message();
  EXPECT_EQ(ParseUrl("https://u:hunter2@bad host/").status().message().find("hunter2"), std::string::npos);
}

TEST(UrlTest, Encoders) {
  EXPECT_EQ(PercentEncode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
  EXPECT_EQ(FormEncode({{"grant_type", "client_credentials"}, {"scope", "https://x/.default"}}),
            "grant_type=client_credentials&scope=https%3A%2F%2Fx%2F.default");
  EXPECT_EQ(AppendQuery("https://h/p", "a", "1"), "https://h/p?a=1");
  EXPECT_EQ(AppendQuery("https://h/p?x=y", "audience", "api://AzureADTokenExchange"),
            "https://h/p?x=y&audience=api%3A%2F%2FAzureADTokenExchange");
  EXPECT_EQ(NormalizeBaseUrl("adb-1.2.azuredatabricks.net/"), "https://adb-1.2.azuredatabricks.net");
  EXPECT_EQ(NormalizeBaseUrl(" http://127.0.0.1:5// "), "http://127.0.0.1:5");
}

TEST(UrlTest, WorkspaceOriginKeepsSchemeHostAndPortOnly) {
  EXPECT_EQ(WorkspaceOrigin("adb-1.2.azuredatabricks.net"), "https://adb-1.2.azuredatabricks.net");
  const std::string origin = "https://adb-1.2.azuredatabricks.net";
  EXPECT_EQ(WorkspaceOrigin("https://adb-1.2.azuredatabricks.net/?o=1234#job/7"), origin);
  EXPECT_EQ(WorkspaceOrigin("https://ADB-1.2.azuredatabricks.net/browse/folders/5"), origin);
  EXPECT_EQ(WorkspaceOrigin("localhost:8443/"), "https://localhost:8443");
  EXPECT_EQ(WorkspaceOrigin("http://127.0.0.1:5/api"), "http://127.0.0.1:5");
  EXPECT_EQ(WorkspaceOrigin("http://[::1]:5?o=1"), "http://[::1]:5");
  // Not a URL: left for validation to reject, not silently changed into one.
  EXPECT_EQ(WorkspaceOrigin("ftp://files.example.com/x"), "ftp://files.example.com/x");
  EXPECT_EQ(WorkspaceOrigin(""), "");
}

}  // namespace
}  // namespace adbjit::http
