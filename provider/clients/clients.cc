// Clients: wiring transport, retries, credentials, caches and service clients.
#include "provider/clients/clients.h"

#include <algorithm>

#include "provider/clients/auth/caching_token_source.h"
#include "provider/clients/auth/entra.h"
#include "provider/clients/http/curl_transport.h"
#include "provider/clients/http/retrying_transport.h"
#include "provider/clients/http/url.h"
#include "provider/util/log.h"

namespace adbjit::clients {
namespace {

std::string Authority(const Clients& c) {
  return c.config().authority_host.empty() ? c.cloud().authority_host
                                           : http::NormalizeBaseUrl(c.config().authority_host);
}

// The tokens `cached` already holds; those it cannot give (it would have to fetch one, and its
// requests are cancelled) from `fresh`.
class CachedFirst final : public auth::TokenSource {
 public:
  CachedFirst(std::shared_ptr<auth::TokenSource> cached, std::shared_ptr<auth::TokenSource> fresh)
      : cached_(std::move(cached)), fresh_(std::move(fresh)) {}
  StatusOr<auth::AccessToken> Token(const std::string& scope, const std::string& tenant) override {
    StatusOr<auth::AccessToken> token = cached_->Token(scope, tenant);
    if (token.ok() || token.status().code() != StatusCode::kCancelled) return token;
    return fresh_->Token(scope, tenant);
  }
  void Invalidate(const std::string& scope, const std::string& tenant, const Secret& rejected) override {
    cached_->Invalidate(scope, tenant, rejected);
    fresh_->Invalidate(scope, tenant, rejected);
  }
  std::string Describe() const override { return cached_->Describe(); }

 private:
  std::shared_ptr<auth::TokenSource> cached_;
  std::shared_ptr<auth::TokenSource> fresh_;
};

}  // namespace

StatusOr<std::unique_ptr<Clients>> Clients::Create(ClientsConfig config) {
  ADBJIT_RETURN_IF_ERROR(config.Validate());
  std::unique_ptr<Clients> c(new Clients());
  ADBJIT_ASSIGN_OR_RETURN(c->cloud_, auth::LookupCloud(config.environment));
  c->stop_ = std::make_shared<http::StopSignal>();
  c->config_ = std::move(config);
  const ClientsConfig& cfg = c->config_;

  const std::chrono::milliseconds timeout(static_cast<int64_t>(cfg.http_timeout_seconds) * 1000);
  http::RetryPolicy retry;
  retry.budget = std::chrono::milliseconds(static_cast<int64_t>(cfg.retry_timeout_seconds) * 1000);
  retry.initial_backoff = std::chrono::milliseconds(cfg.retry_initial_backoff_ms);
  retry.max_backoff = std::chrono::milliseconds(cfg.retry_max_backoff_ms);

  http::CurlOptions curl;
  curl.ca_file = cfg.ca_file;
  curl.stop = c->stop_.get();
  auto base = std::make_shared<http::CurlTransport>(curl);
  c->transport_ = std::make_shared<http::RetryingTransport>(base, retry, nullptr, c->stop_);
  if (cfg.wrap_transport_for_testing) c->transport_ = cfg.wrap_transport_for_testing(c->transport_);

  std::shared_ptr<auth::TokenSource> source = c->MakeTokenSource(c->transport_);
  c->tokens_ = std::make_shared<auth::CachingTokenSource>(source);

  databricks::ClientOptions d;
  d.host = cfg.host;
  d.workspace_resource_id = cfg.workspace_resource_id;
  d.databricks_scope = c->cloud_.DatabricksScope();
  d.management_scope = c->cloud_.ManagementScope();
  d.resource_manager = cfg.resource_manager_url.empty() ? c->cloud_.resource_manager
                                                           : http::NormalizeBaseUrl(cfg.resource_manager_url);
  d.resource_manager_scope = c->cloud_.ResourceManagerScope();
  d.timeout = timeout;
  d.retry = retry;
  c->databricks_ = std::make_unique<databricks::Client>(c->transport_, c->tokens_, d, nullptr, c->stop_);

  keyvault::ClientOptions k;
  k.keyvault_scope = c->cloud_.KeyVaultScope();
  k.dns_suffix = c->cloud_.keyvault_dns_suffix;
  k.tenant_id = cfg.tenant_id;
  k.timeout = timeout;
  k.retry = retry;
  c->keyvault_ = std::make_unique<keyvault::Client>(c->transport_, c->tokens_, k, nullptr, c->stop_);

  c->databricks_options_ = d;

  log::Debug("clients", "remote clients configured",
             {{"credential", source->Describe()}, {"environment", c->cloud_.name}, {"authority", Authority(*c)},
              {"host", cfg.host}, {"workspace_resource_id", cfg.workspace_resource_id}});
  return c;
}

std::shared_ptr<auth::TokenSource> Clients::MakeTokenSource(std::shared_ptr<http::Transport> transport,
                                                            std::optional<std::chrono::milliseconds> cap) const {
  const ClientsConfig& config = config_;
  const std::chrono::milliseconds timeout =
      cap.value_or(std::chrono::milliseconds(static_cast<int64_t>(config.http_timeout_seconds) * 1000));
  const std::string authority = Authority(*this);
  std::shared_ptr<auth::TokenSource> source;
  switch (config.Credential()) {
    case CredentialKind::kManagedIdentity: {
      auth::ManagedIdentityTokenSource::Options o;
      if (!config.msi_endpoint.empty()) o.endpoint = config.msi_endpoint;
      o.client_id = config.client_id;
      source = std::make_shared<auth::ManagedIdentityTokenSource>(transport, o);
      break;
    }
    case CredentialKind::kFederated: {
      auth::ClientCredentialsTokenSource::Options o{authority, config.tenant_id, config.client_id, Secret(), nullptr,
                                                    "", timeout};
      if (!config.oidc_token.empty()) {
        o.assertion = auth::StaticAssertion(config.oidc_token);
        o.description = "federated credential (OIDC token)";
      } else if (!config.oidc_token_file_path.empty()) {
        o.assertion = auth::FileAssertion(config.oidc_token_file_path);
        o.description = "federated credential (OIDC token file)";
      } else {
        o.assertion = auth::GitHubActionsAssertion(transport, config.oidc_request_url, config.oidc_request_token,
                                                   timeout);
        o.description = "federated credential (GitHub Actions)";
      }
      source = std::make_shared<auth::ClientCredentialsTokenSource>(transport, o);
      break;
    }
    case CredentialKind::kClientSecret: {
      auth::ClientCredentialsTokenSource::Options o{authority, config.tenant_id, config.client_id,
                                                    config.client_secret, nullptr, "client secret", timeout};
      source = std::make_shared<auth::ClientCredentialsTokenSource>(transport, o);
      break;
    }
  }
  return source;
}

databricks::Client& Clients::CleanUp() {
  std::call_once(cleanup_once_, [this] {
    http::RetryPolicy retry = databricks_options_.retry;
    retry.budget = std::min<std::chrono::milliseconds>(retry.budget, kCleanUpBudget);
    http::CurlOptions curl;
    curl.ca_file = config_.ca_file;  // and no stop signal
    std::shared_ptr<http::Transport> transport =
        std::make_shared<http::RetryingTransport>(std::make_shared<http::CurlTransport>(curl), retry);
    if (config_.wrap_transport_for_testing) transport = config_.wrap_transport_for_testing(transport);
    databricks::ClientOptions d = databricks_options_;
    d.retry = retry;
    d.timeout = std::min<std::chrono::milliseconds>(d.timeout, kCleanUpBudget);
    auto tokens = std::make_shared<CachedFirst>(tokens_, std::make_shared<auth::CachingTokenSource>(
                                                             MakeTokenSource(transport, d.timeout)));
    cleanup_ = std::make_unique<databricks::Client>(transport, tokens, d);
  });
  return *cleanup_;
}

}  // namespace adbjit::clients
