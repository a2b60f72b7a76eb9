// TokenSource: where Entra ID access tokens come from (one interface, several credentials).
#ifndef ADBJIT_CLIENTS_AUTH_TOKEN_SOURCE_H_
#define ADBJIT_CLIENTS_AUTH_TOKEN_SOURCE_H_

#include <chrono>
#include <string>

#include "provider/util/secret.h"
#include "provider/util/status.h"

namespace adbjit::auth {

struct AccessToken {
  Secret token;  // the bearer value; never logged
  std::chrono::system_clock::time_point expires_at;
  // The principal the token stands for: the `oid` claim of its payload, lower-cased; empty when
  // the token is no JWT or has none. Read, never verified (the service that takes the token does).
  std::string object_id;
};

// Thread-safe. Failures: kUnauthenticated (credential rejected: wrong secret, unknown client,
// federated assertion not accepted), kInvalidArgument (bad tenant/scope), kResourceExhausted /
// kUnavailable (throttled or down after retries), kPermissionDenied. Entra's `error` goes in the
// message and its AADSTS number (else the `error` string) in Status::service_code(); messages never
// contain the secret, assertion or token.
class TokenSource {
 public:
  virtual ~TokenSource() = default;

  // A token for `scope` ("<resource>/.default"). `tenant` overrides the configured tenant (Key Vault
  // challenges name one); empty = the configured tenant. Managed identity ignores it.
  virtual StatusOr<AccessToken> Token(const std::string& scope, const std::string& tenant = "") = 0;

  // The service rejected `rejected` (401): forget it if cached so the next Token() fetches anew.
  virtual void Invalidate(const std::string& scope, const std::string& tenant, const Secret& rejected) {}

  // "client secret", "federated (GitHub Actions)", "managed identity" — for diagnostics.
  virtual std::string Describe() const = 0;
};

}  // namespace adbjit::auth

#endif  // ADBJIT_CLIENTS_AUTH_TOKEN_SOURCE_H_
