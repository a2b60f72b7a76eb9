// CachingTokenSource: cache lookups, single-flight refresh, invalidation.
#include "provider/clients/auth/caching_token_source.h"

#include <algorithm>

namespace adbjit::auth {

CachingTokenSource::CachingTokenSource(std::shared_ptr<TokenSource> inner, http::Clock* clock,
                                       std::chrono::seconds refresh_margin)
    : inner_(std::move(inner)),
      clock_(clock != nullptr ? clock : http::Clock::Real()),
      margin_(std::max(refresh_margin, kMinimumMargin)) {}

bool CachingTokenSource::FreshLocked(const std::string& key, AccessToken* out) const {
  auto it = cache_.find(key);
  if (it == cache_.end()) return false;
  if (it->second.token.expires_at - clock_->WallNow() <= it->second.margin) return false;
  *out = it->second.token;
  return true;
}

StatusOr<AccessToken> CachingTokenSource::Token(const std::string& scope, const std::string& tenant) {
  const std::string key = tenant + "\n" + scope;
  AccessToken cached;
  {
    std::lock_guard lock(mu_);
    if (FreshLocked(key, &cached)) return cached;
  }
  return flights_.Do(key, [&]() -> StatusOr<AccessToken> {
    {
      // A flight that landed between our check and now may already have refreshed the entry.
      std::lock_guard lock(mu_);
      AccessToken again;
      if (FreshLocked(key, &again)) return again;
      ++fetches_;
    }
    auto now = clock_->WallNow();
    StatusOr<AccessToken> fetched = inner_->Token(scope, tenant);
    if (fetched.ok()) {
      auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(fetched->expires_at - now);
      auto margin = std::max(kMinimumMargin, std::min(margin_, lifetime / 2));
      std::lock_guard lock(mu_);
      cache_[key] = Entry{*fetched, margin};
    }
    return fetched;
  });
}

void CachingTokenSource::Invalidate(const std::string& scope, const std::string& tenant, const Secret& rejected) {
  std::lock_guard lock(mu_);
  auto it = cache_.find(tenant + "\n" + scope);
  if (it != cache_.end() && it->second.token.token == rejected) cache_.erase(it);
}

int CachingTokenSource::fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

}  // namespace adbjit::auth
