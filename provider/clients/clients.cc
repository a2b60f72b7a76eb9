// Clients: wiring transport, retries, credentials, caches and service clients.
#include "provider/clients/clients.h"

#include "provider/clients/auth/caching_token_source.h"
#include "provider/clients/auth/entra.h"
#include "provider/clients/http/curl_transport.h"
#include "provider/clients/http/retrying_transport.h"
#include "provider/clients/http/url.h"
#include "provider/util/log.h"

namespace adbjit::clients {

StatusOr<std::unique_ptr<Clients>> Clients::Create(ClientsConfig config) {
  ADBJIT_RETURN_IF_ERROR(config.Validate());
  std::unique_ptr<Clients> c(new Clients());
  ADBJIT_ASSIGN_OR_RETURN(c->cloud_, auth::LookupCloud(config.environment));
  c->stop_ = std::make_shared<http::StopSignal>();

  const std::chrono::milliseconds timeout(static_cast<int64_t>(config.http_timeout_seconds) * 1000);
  http::RetryPolicy retry;
  retry.budget = std::chrono::milliseconds(static_cast<int64_t>(config.retry_timeout_seconds) * 1000);
  retry.initial_backoff = std::chrono::milliseconds(config.retry_initial_backoff_ms);
  retry.max_backoff = std::chrono::milliseconds(config.retry_max_backoff_ms);

  http::CurlOptions curl;
  curl.ca_file = config.ca_file;
  curl.stop = c->stop_.get();
  auto base = std::make_shared<http::CurlTransport>(curl);
  c->transport_ = std::make_shared<http::RetryingTransport>(base, retry, nullptr, c->stop_);
  if (config.wrap_transport_for_testing) c->transport_ = config.wrap_transport_for_testing(c->transport_);

  const std::string authority =
      config.authority_host.empty() ? c->cloud_.authority_host : http::NormalizeBaseUrl(config.authority_host);
  std::shared_ptr<auth::TokenSource> source;
  switch (config.Credential()) {
    case CredentialKind::kManagedIdentity: {
      auth::ManagedIdentityTokenSource::Options o;
      if (!config.msi_endpoint.empty()) o.endpoint = config.msi_endpoint;
      o.client_id = config.client_id;
      source = std::make_shared<auth::ManagedIdentityTokenSource>(c->transport_, o);
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
        o.assertion = auth::GitHubActionsAssertion(c->transport_, config.oidc_request_url, config.oidc_request_token,
                                                   timeout);
        o.description = "federated credential (GitHub Actions)";
      }
      source = std::make_shared<auth::ClientCredentialsTokenSource>(c->transport_, o);
      break;
    }
    case CredentialKind::kClientSecret: {
      auth::ClientCredentialsTokenSource::Options o{authority, config.tenant_id, config.client_id,
                                                    config.client_secret, nullptr, "client secret", timeout};
      source = std::make_shared<auth::ClientCredentialsTokenSource>(c->transport_, o);
      break;
    }
  }
  c->tokens_ = std::make_shared<auth::CachingTokenSource>(source);

  databricks::ClientOptions d;
  d.host = config.host;
  d.workspace_resource_id = config.workspace_resource_id;
  d.databricks_scope = c->cloud_.DatabricksScope();
  d.management_scope = c->cloud_.ManagementScope();
  d.resource_manager = config.resource_manager_url.empty() ? c->cloud_.resource_manager
                                                           : http::NormalizeBaseUrl(config.resource_manager_url);
  d.resource_manager_scope = c->cloud_.ResourceManagerScope();
  d.timeout = timeout;
  d.retry = retry;
  c->databricks_ = std::make_unique<databricks::Client>(c->transport_, c->tokens_, d, nullptr, c->stop_);

  keyvault::ClientOptions k;
  k.keyvault_scope = c->cloud_.KeyVaultScope();
  k.dns_suffix = c->cloud_.keyvault_dns_suffix;
  k.tenant_id = config.tenant_id;
  k.timeout = timeout;
  k.retry = retry;
  c->keyvault_ = std::make_unique<keyvault::Client>(c->transport_, c->tokens_, k, nullptr, c->stop_);

  log::Debug("clients", "remote clients configured",
             {{"credential", source->Describe()}, {"environment", c->cloud_.name}, {"authority", authority},
              {"host", config.host}, {"workspace_resource_id", config.workspace_resource_id}});
  c->config_ = std::move(config);
  return c;
}

}  // namespace adbjit::clients
