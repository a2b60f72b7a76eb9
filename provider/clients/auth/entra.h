// Entra ID credentials: client secret and federated (OIDC) client credentials on the v2 token
// endpoint, managed identity on IMDS, and the shared token-response / error parsing.
//
// None of these cache: wrap them in a CachingTokenSource. All are thread-safe. The HTTP calls go
// through the given Transport (normally the retrying one: token requests are safe to repeat).
#ifndef ADBJIT_CLIENTS_AUTH_ENTRA_H_
#define ADBJIT_CLIENTS_AUTH_ENTRA_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "provider/clients/auth/token_source.h"
#include "provider/clients/http/transport.h"

namespace adbjit::auth {

// Parses a token reply (v1, v2 or IMDS): access_token, and expiry from expires_in, else
// expires_on (numbers or numeric strings), and the principal from its `oid` claim (ObjectIdOf).
// kUnauthenticated if access_token is missing.
StatusOr<AccessToken> ParseTokenResponse(const std::string& body, std::chrono::system_clock::time_point now,
                                         const std::string& operation);

// The `oid` claim of a JWT's payload, lower-cased; "" when `jwt` is not a JWT or has no such claim.
std::string ObjectIdOf(const std::string& jwt);

// Maps an Entra / IMDS error reply to a Status (see TokenSource for codes). The message is
// "<operation>: [retry summary: ]HTTP 401 invalid_client AADSTS7000215: <description>" with the
// description cut before its trace/correlation ids.
// `challenge_tenant`: the tenant a service's bearer challenge named, when it is not the configured
// one; then a tenant error points at that tenant rather than at azure_tenant_id.
// `managed_identity`: the reply came from the managed identity endpoint (IMDS), not Entra ID.
Status EntraError(const http::Response& response, const std::string& operation,
                  const std::string& challenge_tenant = "", bool managed_identity = false);

// Produces a fresh client assertion (a JWT) for each exchange.
using AssertionProvider = std::function<StatusOr<Secret>()>;

// The JWT itself (ARM_OIDC_TOKEN).
AssertionProvider StaticAssertion(Secret token);
// A file re-read on every exchange (ARM_OIDC_TOKEN_FILE_PATH; rotated by AKS workload identity).
// Refused without waiting when it is not a regular file (a pipe, a device, a directory) or is
// larger than kMaxOidcTokenFileBytes.
AssertionProvider FileAssertion(std::string path);
inline constexpr size_t kMaxOidcTokenFileBytes = 64 * 1024;
// GitHub Actions: GET <request_url>&audience=api://AzureADTokenExchange with the request token as
// bearer; the JWT is the reply's `value`. Fetched anew for every exchange (they are short-lived).
AssertionProvider GitHubActionsAssertion(std::shared_ptr<http::Transport> transport, std::string request_url,
                                         Secret request_token, std::chrono::milliseconds timeout);

// POST {authority}/{tenant}/oauth2/v2.0/token with grant_type=client_credentials and either
// client_secret or client_assertion.
class ClientCredentialsTokenSource final : public TokenSource {
 public:
  struct Options {
    std::string authority_host;  // "https://login.microsoftonline.com" (or an override)
    std::string tenant_id;
    std::string client_id;
    Secret client_secret;         // either this ...
    AssertionProvider assertion;  // ... or this
    std::string description;      // for Describe(): "client secret", "federated (GitHub Actions)"
    std::chrono::milliseconds timeout{60000};
  };
  ClientCredentialsTokenSource(std::shared_ptr<http::Transport> transport, Options options);

  StatusOr<AccessToken> Token(const std::string& scope, const std::string& tenant = "") override;
  std::string Describe() const override { return options_.description; }

 private:
  std::shared_ptr<http::Transport> transport_;
  Options options_;
};

// GET {endpoint}?api-version=2018-02-01&resource=<resource>[&client_id=…] with "Metadata: true",
// never through a proxy, 10 s timeout. Default endpoint is IMDS; ARM_MSI_ENDPOINT overrides.
class ManagedIdentityTokenSource final : public TokenSource {
 public:
  static constexpr char kDefaultEndpoint[] = "http://169.254.169.254/metadata/identity/oauth2/token";
  struct Options {
    std::string endpoint = kDefaultEndpoint;
    std::string api_version = "2018-02-01";
    std::string client_id;  // user-assigned identity; empty = system-assigned
    std::chrono::milliseconds timeout{10000};
  };
  ManagedIdentityTokenSource(std::shared_ptr<http::Transport> transport, Options options);

  StatusOr<AccessToken> Token(const std::string& scope, const std::string& tenant = "") override;
  std::string Describe() const override { return "managed identity"; }

 private:
  std::shared_ptr<http::Transport> transport_;
  Options options_;
};

}  // namespace adbjit::auth

#endif  // ADBJIT_CLIENTS_AUTH_ENTRA_H_
