// CachingTokenSource: per-(tenant, scope) token cache with early refresh and single-flight fetches.
//
// A cached token is served while more than its margin is left: `refresh_margin` (default 5 min),
// reduced to half the token's lifetime for short-lived tokens, but never below 40 s (Azure
// Databricks rejects tokens expiring within 30 s). Concurrent callers needing
// the same (tenant, scope) share one request to the inner source; errors are not cached. Thread-safe.
#ifndef ADBJIT_CLIENTS_AUTH_CACHING_TOKEN_SOURCE_H_
#define ADBJIT_CLIENTS_AUTH_CACHING_TOKEN_SOURCE_H_

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "provider/clients/auth/token_source.h"
#include "provider/clients/http/clock.h"
#include "provider/clients/internal/singleflight.h"

namespace adbjit::auth {

class CachingTokenSource final : public TokenSource {
 public:
  static constexpr std::chrono::seconds kMinimumMargin{40};

  // `clock` null = real clock.
  explicit CachingTokenSource(std::shared_ptr<TokenSource> inner, http::Clock* clock = nullptr,
                              std::chrono::seconds refresh_margin = std::chrono::minutes(5));

  StatusOr<AccessToken> Token(const std::string& scope, const std::string& tenant = "") override;
  void Invalidate(const std::string& scope, const std::string& tenant, const Secret& rejected) override;
  std::string Describe() const override { return inner_->Describe(); }

  // Requests made to the inner source so far (for tests and debug logs).
  int fetches() const;

 private:
  bool FreshLocked(const std::string& key, AccessToken* out) const;

  std::shared_ptr<TokenSource> inner_;
  http::Clock* clock_;
  std::chrono::seconds margin_;
  mutable std::mutex mu_;
  struct Entry {
    AccessToken token;
    std::chrono::seconds margin;
  };
  std::map<std::string, Entry> cache_;
  int fetches_ = 0;
  internal::SingleFlight<std::string, AccessToken> flights_;
};

}  // namespace adbjit::auth

#endif  // ADBJIT_CLIENTS_AUTH_CACHING_TOKEN_SOURCE_H_
