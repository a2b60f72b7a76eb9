// Auth pieces that need no server: clouds, challenges, reply/error parsing, caching.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "provider/clients/auth/caching_token_source.h"
#include "provider/clients/auth/challenge.h"
#include "provider/clients/auth/cloud.h"
#include "provider/clients/auth/entra.h"
#include "provider/clients/internal/fake_clock.h"

namespace adbjit::auth {
namespace {

TEST(CloudTest, Table) {
  auto pub = LookupCloud("public");
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->authority_host, "https://login.microsoftonline.com");
  EXPECT_EQ(pub->DatabricksScope(), "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default");
  EXPECT_EQ(pub->ManagementScope(), "https://management.core.windows.net//.default");
  EXPECT_EQ(pub->KeyVaultScope(), "https://vault.azure.net/.default");
  EXPECT_EQ(LookupCloud("")->name, "public");
  EXPECT_EQ(LookupCloud("USGovernment")->keyvault_audience, "https://vault.usgovcloudapi.net");
  EXPECT_EQ(LookupCloud("china")->authority_host, "https://login.chinacloudapi.cn");
  EXPECT_EQ(LookupCloud("china")->keyvault_dns_suffix, ".vault.azure.cn");
  auto bad = LookupCloud("germany");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("\"public\", \"usgovernment\" or \"china\""), std::string::npos);
  EXPECT_EQ(ResourceForScope("https://management.core.windows.net//.default"), "https://management.core.windows.net/");
}

TEST(ChallengeTest, ParsesKeyVaultChallenges) {
  auto c = ParseBearerChallenge(
      "Bearer authorization=\"https://login.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47\", "
      "resource=\"https://vault.azure.net\"");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->tenant, "72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(c->ScopeToRequest(), "https://vault.azure.net/.default");
  auto s = ParseBearerChallenge(
      "Bearer authorization_uri=\"https://login.microsoftonline.com/tid/\", scope=\"https://vault.azure.net/.default\"");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->tenant, "tid");
  EXPECT_EQ(s->ScopeToRequest(), "https://vault.azure.net/.default");
  EXPECT_FALSE(ParseBearerChallenge("Basic realm=\"x\"").has_value());
  EXPECT_FALSE(ParseBearerChallenge("Bearer realm=\"x\"").has_value());
}

TEST(ChallengeTest, ResourceMustBeAHostSuffix) {
  BearerChallenge c;
  c.resource = "https://vault.azure.net";
  EXPECT_TRUE(CheckChallengeResource(c, "myvault.vault.azure.net").ok());
  EXPECT_EQ(CheckChallengeResource(c, "myvault.evilvault.azure.net.attacker.com").code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckChallengeResource(c, "notvault.azure.net").code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckChallengeResource(c, "127.0.0.1").ok());  // the emulator
  c.resource = "https://management.azure.com";
  EXPECT_EQ(CheckChallengeResource(c, "myvault.vault.azure.net").code(), StatusCode::kPermissionDenied);
  // The scope is what is requested when both come: a vault resource cannot vouch for another scope.
  c.resource = "https://vault.azure.net";
  c.scope = "https://management.azure.com/.default";
  ASSERT_EQ(c.ScopeToRequest(), "https://management.azure.com/.default");
  EXPECT_EQ(CheckChallengeResource(c, "myvault.vault.azure.net").code(), StatusCode::kPermissionDenied);
  c.resource = "https://management.azure.com";
  c.scope = "https://vault.azure.net/.default";
  EXPECT_TRUE(CheckChallengeResource(c, "myvault.vault.azure.net").ok());
}

TEST(TokenReplyTest, NumbersAsNumbersOrStrings) {
  auto now = std::chrono::system_clock::from_time_t(1700000000);
  auto a = ParseTokenResponse(R"({"token_type":"Bearer","access_token":"tok-aaaa","expires_in":3599})", now, "op");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->token.Reveal(), "tok-aaaa");
  EXPECT_EQ(a->expires_at, now + std::chrono::seconds(3599));
  auto b = ParseTokenResponse(R"({"access_token":"tok-bbbb","expires_in":"120"})", now, "op");
  EXPECT_EQ(b->expires_at, now + std::chrono::seconds(120));
  auto c = ParseTokenResponse(R"({"access_token":"tok-cccc","expires_on":"1700000600"})", now, "op");
  EXPECT_EQ(c->expires_at, now + std::chrono::seconds(600));
  EXPECT_EQ(ParseTokenResponse("<html>", now, "op").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(ParseTokenResponse("{}", now, "op").status().code(), StatusCode::kUnauthenticated);
}

// The principal a token stands for is its payload's `oid`, lower-cased (object ids are GUIDs,
// which Entra compares ignoring case); anything that is no JWT, or a JWT without one, names none.
TEST(TokenReplyTest, ThePrincipalIsTheOidClaim) {
  // {"alg":"none"} . {"oid":"AB12CD34-0000-4000-8000-00000000000F","tid":"t"} . (no signature)
  const std::string jwt =
      "eyJhbGciOiJub25lIn0.eyJvaWQiOiJBQjEyQ0QzNC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMEYiLCJ0aWQiOiJ0In0.";
  EXPECT_EQ(ObjectIdOf(jwt), "ab12cd34-0000-4000-8000-00000000000f");
  auto now = std::chrono::system_clock::from_time_t(1700000000);
  auto t = ParseTokenResponse(R"({"access_token":")" + jwt + R"(","expires_in":60})", now, "op");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->object_id, "ab12cd34-0000-4000-8000-00000000000f");
  EXPECT_EQ(ParseTokenResponse(R"({"access_token":"tok-opaque"})", now, "op")->object_id, "");
  EXPECT_EQ(ObjectIdOf("eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0In0."), "");  // {"tid":"t"}: no oid
  EXPECT_EQ(ObjectIdOf("a.b"), "");                                  // one dot
  EXPECT_EQ(ObjectIdOf("eyJhbGciOiJub25lIn0.e30=.x"), "");           // padding is not base64url
  EXPECT_EQ(ObjectIdOf("eyJhbGciOiJub25lIn0.eyJvaWQiOjV9.x"), "");   // {"oid":5}
  EXPECT_EQ(ObjectIdOf(""), "");
}

// Found by fuzz/api_response_fuzz (regressions in fuzz/regressions/api_response_fuzz/): lifetimes
// whose conversion to the clock's nanoseconds overflowed, or doubles out of int64's range.
TEST(TokenReplyTest, OutOfRangeLifetimesFallBackToTheDefault) {
  auto now = std::chrono::system_clock::from_time_t(1700000000);
  for (const char* body : {R"({"access_token":"tok-dddd","expires_in":1e300})",
                           R"({"access_token":"tok-dddd","expires_in":9223372036854775807})",
                           R"({"access_token":"tok-dddd","expires_in":-5})",
                           R"({"access_token":"tok-dddd","expires_on":"9223372036854775807"})",
                           // Year 2509: before 9999, but past the clock's range (2262).
                           R"({"access_token":"tok-dddd","expires_on":"17014563600"})",
                           // Eleven years from now.
                           R"({"access_token":"tok-dddd","expires_on":2046880000})",
                           R"({"access_token":"tok-dddd","expires_on":-1e300})"}) {
    auto t = ParseTokenResponse(body, now, "op");
    ASSERT_TRUE(t.ok()) << body;
    EXPECT_EQ(t->expires_at, now + std::chrono::minutes(5)) << body;
  }
}

TEST(EntraErrorTest, KeepsErrorAndAadstsButNoTraceIds) {
  http::Response r;
  r.status = 401;
  r.headers["x-ms-request-id"] = "req-1";
  r.body = R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Trace ID: abc Correlation ID: def Timestamp: 2024","error_codes":[7000215]})";
  Status s = EntraError(r, "Entra ID token for x");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(s.service_code(), "AADSTS7000215");
  EXPECT_EQ(s.http_status(), 401);
  EXPECT_EQ(s.request_id(), "req-1");
  EXPECT_EQ(s.message(),
            "Entra ID token for x: HTTP 401 invalid_client: AADSTS7000215: Invalid client secret provided. (check "
            "azure_client_secret (ARM_CLIENT_SECRET): the secret's value, not its ID)");

  r.status = 400;
  r.body = R"({"error":"invalid_scope","error_description":"AADSTS70011: The provided value for scope is not valid."})";
  s = EntraError(r, "op");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.service_code(), "AADSTS70011");
  // Found in the description when error_codes is missing, after a bare "AADSTS"; a huge run of
  // digits (a broken or hostile server) neither crashes the search nor becomes the code.
  r.body = R"({"error":"invalid_scope","error_description":"see AADSTS docs; AADSTS70011: bad scope"})";
  EXPECT_EQ(EntraError(r, "op").service_code(), "AADSTS70011");
  r.body = R"({"error":"invalid_scope","error_description":"AADSTS)" + std::string(200000, '7') + R"("})";
  EXPECT_EQ(EntraError(r, "op").service_code(), "AADSTS7777777777");

  r.status = 429;
  r.body = "";
  r.retry_summary = "gave up after 4 attempts in 9.0s";
  s = EntraError(r, "op");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "op: gave up after 4 attempts in 9.0s: HTTP 429");
}

// A tenant named by a Key Vault challenge is not azure_tenant_id: the hint says where it came from.
TEST(EntraErrorTest, ATenantFromAChallengeIsNamedAsSuch) {
  http::Response r;
  r.status = 400;
  r.body = R"({"error":"invalid_request","error_description":"AADSTS900023: Specified tenant identifier 'other' is neither a valid DNS name, nor a valid external domain.","error_codes":[900023]})";
  EXPECT_NE(EntraError(r, "op").message().find("(check azure_tenant_id (ARM_TENANT_ID))"), std::string::npos);
  const std::string said = EntraError(r, "op", "other").message();
  EXPECT_NE(said.find("(the service's bearer challenge named tenant other, not the configured azure_tenant_id"),
            std::string::npos)
      << said;
  EXPECT_EQ(said.find("check azure_tenant_id"), std::string::npos) << said;
}

// Entra ID and IMDS answer JSON; a page in their place (a proxy's, another server's) shows its
// words and says what to check. The federated-credential refusals CI meets most name the cause.
TEST(EntraErrorTest, APageInsteadOfEntraSaysWhatToCheck) {
  http::Response r;
  r.status = 403;
  r.body = "<html><head><title>Access Denied</title></head><body><pre>Blocked by the corporate proxy</pre></body></html>";
  Status s = EntraError(r, "Entra ID token for x");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "Entra ID token for x: HTTP 403: Blocked by the corporate proxy (not Entra ID's answer, which "
                         "is JSON: a proxy answering in its place (HTTPS_PROXY, NO_PROXY), or a wrong login host "
                         "(azure_authority_host))");
  // The managed identity endpoint is reached without a proxy: its own setting is named.
  r.status = 404;
  r.body = "<html><title>Not Found</title></html>";
  EXPECT_EQ(EntraError(r, "managed identity token for x", "", /*managed_identity=*/true).message(),
            "managed identity token for x: HTTP 404: Not Found (not the managed identity endpoint's answer, which is "
            "JSON: check ARM_MSI_ENDPOINT, or whether this machine has a managed identity)");
  // Another service's JSON (a login host that is a Key Vault's) is not Entra ID's answer either.
  r.status = 400;
  r.body = R"({"error":{"code":"BadParameter","message":"Request is not valid."}})";
  EXPECT_EQ(EntraError(r, "op").message(),
            "op: HTTP 400 (not Entra ID's answer, which is JSON: a proxy answering in its place (HTTPS_PROXY, "
            "NO_PROXY), or a wrong login host (azure_authority_host))");
  r.status = 502;  // a transient failure of the path, not a wrong address: no advice
  r.body = "<html><title>Bad Gateway</title></html>";
  EXPECT_EQ(EntraError(r, "op").message(), "op: HTTP 502: Bad Gateway");

  r.status = 400;
  r.body = R"({"error":"invalid_client","error_description":"AADSTS700213: No matching federated identity record )"
           R"(found for presented assertion subject 'repo:o/r:ref:refs/heads/dev'.","error_codes":[700213]})";
  s = EntraError(r, "op");
  EXPECT_EQ(s.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("(no federated credential of the application matches the OIDC token's subject"),
            std::string::npos)
      << s.message();
}

TEST(EntraErrorTest, LongDescriptionIsCut) {
  http::Response r;
  r.status = 400;
  r.body = R"({"error":"invalid_request","error_description":")" + std::string(5000, 'D') + R"("})";
  EXPECT_EQ(EntraError(r, "op").message(),
            "op: HTTP 400 invalid_request: " + std::string(500, 'D') + "… (4500 more bytes)");
}

TEST(AssertionTest, FileIsReReadOnEveryExchange) {
  std::string path = ::testing::TempDir() + "/oidc-token-" + std::to_string(::getpid());
  { std::ofstream(path) << "jwt-one\n"; }
  AssertionProvider p = FileAssertion(path);
  EXPECT_EQ(p()->Reveal(), "jwt-one");
  { std::ofstream(path) << "jwt-two"; }
  EXPECT_EQ(p()->Reveal(), "jwt-two");
  std::remove(path.c_str());
  EXPECT_EQ(p().status().code(), StatusCode::kUnauthenticated);
}

// A path that is not a regular file, or a file far larger than any ID token, is refused at once:
// never waited on (a pipe with no writer, /dev/zero) nor sent to Entra ID.
TEST(AssertionTest, OnlyARegularFileOfTokenSizeIsRead) {
  const std::string dir = ::testing::TempDir() + "/oidc-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string big = dir + "/big";
  { std::ofstream(big) << std::string(kMaxOidcTokenFileBytes + 1, 'x'); }
  const std::string fits = dir + "/fits";
  { std::ofstream(fits) << std::string(kMaxOidcTokenFileBytes - 1, 'y') << "\n"; }
  for (const std::string& path : {dir, fifo, std::string("/dev/zero")}) {
    auto token = FileAssertion(path)();
    EXPECT_EQ(token.status().code(), StatusCode::kUnauthenticated) << path;
    EXPECT_NE(token.status().message().find("is not a regular file"), std::string::npos) << token.status().message();
  }
  auto too_big = FileAssertion(big)();
  EXPECT_NE(too_big.status().message().find("is larger than 64 KiB"), std::string::npos) << too_big.status().message();
  auto fitting = FileAssertion(fits)();
  ASSERT_TRUE(fitting.ok()) << fitting.status().message();
  EXPECT_EQ(fitting->Reveal().size(), kMaxOidcTokenFileBytes - 1);
  for (const std::string& f : {fifo, big, fits}) std::remove(f.c_str());
  ::rmdir(dir.c_str());
}

// Counts calls; hands out distinct tokens valid for `lifetime` from the fake clock's now.
class CountingSource final : public TokenSource {
 public:
  CountingSource(internal::FakeClock* clock, std::chrono::seconds lifetime) : clock_(clock), lifetime_(lifetime) {}
  StatusOr<AccessToken> Token(const std::string& scope, const std::string& tenant) override {
    int n = ++calls;
    std::this_thread::yield();
    if (fail) return UnauthenticatedError("nope");
    return AccessToken{Secret("token-" + scope + "-" + std::to_string(n)), clock_->WallNow() + lifetime_};
  }
  std::string Describe() const override { return "counting"; }
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};

 private:
  internal::FakeClock* clock_;
  std::chrono::seconds lifetime_;
};

TEST(CachingTokenSourceTest, OneFetchPerScopeUnderConcurrency) {
  internal::FakeClock clock;
  auto inner = std::make_shared<CountingSource>(&clock, std::chrono::seconds(3600));
  CachingTokenSource cache(inner, &clock);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto t = cache.Token(i % 2 == 0 ? "a/.default" : "b/.default");
      if (t.ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 16);
  EXPECT_EQ(inner->calls.load(), 2);
  EXPECT_EQ(cache.fetches(), 2);
}

TEST(CachingTokenSourceTest, RefreshesBeforeExpiryAndOnInvalidate) {
  internal::FakeClock clock;
  auto inner = std::make_shared<CountingSource>(&clock, std::chrono::seconds(3600));
  CachingTokenSource cache(inner, &clock);  // margin 5 min
  auto t1 = cache.Token("s");
  clock.Advance(std::chrono::seconds(3600 - 301));
  EXPECT_EQ(cache.Token("s")->token, t1->token);
  EXPECT_EQ(inner->calls.load(), 1);
  clock.Advance(std::chrono::seconds(2));  // 299 s left: inside the margin
  auto t2 = cache.Token("s");
  EXPECT_EQ(inner->calls.load(), 2);
  EXPECT_FALSE(t2->token == t1->token);
  cache.Invalidate("s", "", t1->token);  // stale rejection: ignored
  EXPECT_EQ(cache.Token("s")->token, t2->token);
  cache.Invalidate("s", "", t2->token);
  EXPECT_FALSE(cache.Token("s")->token == t2->token);
  EXPECT_EQ(inner->calls.load(), 3);
  // A different tenant is a different cache entry.
  cache.Token("s", "other-tenant");
  EXPECT_EQ(inner->calls.load(), 4);
}

TEST(CachingTokenSourceTest, ShortLivedTokensKeepAtLeastFortySecondsMargin) {
  internal::FakeClock clock;
  auto inner = std::make_shared<CountingSource>(&clock, std::chrono::seconds(100));
  CachingTokenSource cache(inner, &clock);
  cache.Token("s");
  clock.Advance(std::chrono::seconds(49));  // 51 s left > max(40, 100/2=50)
  cache.Token("s");
  EXPECT_EQ(inner->calls.load(), 1);
  clock.Advance(std::chrono::seconds(2));  // 49 s left
  cache.Token("s");
  EXPECT_EQ(inner->calls.load(), 2);
}

TEST(CachingTokenSourceTest, ErrorsAreNotCached) {
  internal::FakeClock clock;
  auto inner = std::make_shared<CountingSource>(&clock, std::chrono::seconds(3600));
  CachingTokenSource cache(inner, &clock);
  inner->fail = true;
  EXPECT_EQ(cache.Token("s").status().code(), StatusCode::kUnauthenticated);
  inner->fail = false;
  EXPECT_TRUE(cache.Token("s").ok());
  EXPECT_EQ(inner->calls.load(), 2);
}

}  // namespace
}  // namespace adbjit::auth
