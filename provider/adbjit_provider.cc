// The adbjit provider: configuration schema, Configure, and the served resources.
#include "provider/adbjit_provider.h"

#include <chrono>
#include <mutex>
#include <optional>
#include <tuple>

#include "provider/clients/clients.h"
#include "provider/clients/config.h"
#include "provider/framework/validators.h"
#include "provider/util/log.h"
#include "resources/common.h"
#include "resources/registry.h"

#ifndef ADBJIT_VERSION
#define ADBJIT_VERSION "0.0.0-dev"
#endif

namespace adbjit {
namespace {

namespace a = provider_attr;
namespace v = tf::validators;
using tf::Attribute;
using tf::Type;

Attribute OptionalString(const char* name, std::string description, bool sensitive = false) {
  return Attribute{.name = name,
                   .type = Type::String(),
                   .description = std::move(description),
                   .optional = true,
                   .sensitive = sensitive};
}

Attribute OptionalBool(const char* name, std::string description) {
  return Attribute{.name = name, .type = Type::Bool(), .description = std::move(description), .optional = true};
}

tf::Block GuardrailsBlock() {
  return tf::Block{
      .description = "Policy enforced at plan time, before any API call: a configuration that breaks a "
                     "guard rail fails `terraform plan` with an error naming the offending attribute. An "
                     "existing token or pool that a tightened guard rail no longer allows, and that the plan "
                     "neither changes there nor replaces, gets a warning instead. Unset limits are not enforced.",
      .attributes = {
          {.name = a::kMaxTokenLifetimeSeconds,
           .type = Type::Number(),
           .description = "Longest `lifetime_seconds` an `adbjit_token` (managed or ephemeral) may request. "
                          "When this is set, every managed `adbjit_token` must set `lifetime_seconds` (a "
                          "token without one may never expire).",
           .optional = true,
           .validators = {v::IntAtLeast(1)}},
          {.name = a::kAllowedNodeTypes,
           .type = Type::List(Type::String()),
           .description = "Node types (`node_type_id`) an `adbjit_instance_pool` may use, e.g. "
                          "`[\"Standard_DS3_v2\"]`.",
           .optional = true,
           .validators = {v::ListOfNonEmptyStrings(1)}},
          {.name = a::kMaxPoolCapacity,
           .type = Type::Number(),
           .description = "Largest `max_capacity` an `adbjit_instance_pool` may declare; a pool without "
                          "`max_capacity` is refused when this is set.",
           .optional = true,
           .validators = {v::IntAtLeast(1)}},
          {.name = a::kRequiredPoolTags,
           .type = Type::List(Type::String()),
           .description = "Tag keys every `adbjit_instance_pool` must set in `custom_tags`, e.g. "
                          "`[\"cost-center\", \"owner\"]`.",
           .optional = true,
           .validators = {v::ListOfNonEmptyStrings(0)}},
      }};
}

tf::Schema MakeSchema() {
  return tf::Schema{
      .version = 0,
      .block = {
          .description =
              "The adbjit provider manages just-in-time access to Azure Databricks: short-lived personal "
              "access tokens (delivered to Terraform, or straight into Azure Key Vault), instance pools, and "
              "Key Vault secrets. Every argument is optional; the workspace, cloud and credential arguments fall "
              "back to the environment variable named in their description, so CI can configure the provider "
              "without a `provider` block (the timeouts and guard rails are set in configuration only).",
          .attributes = {
              Attribute{.name = a::kHost,
                        .type = Type::String(),
                        .description = "Workspace URL, e.g. `https://adb-1234567890123456.7.azuredatabricks.net`, "
                                       "or the host name alone, as `azurerm_databricks_workspace`'s "
                                       "`workspace_url` gives it (`https://` is then assumed). Only the scheme, "
                                       "host and port are used: a path or a query copied from the browser "
                                       "(`?o=<workspace id>`) is ignored. Defaults to the `DATABRICKS_HOST` "
                                       "environment variable when the block sets neither this nor "
                                       "`azure_workspace_resource_id`. Must be `https://`; plain `http://` is accepted "
                                       "only for loopback hosts (127.0.0.0/8, `localhost`, names under "
                                       "`.localhost`, `[::1]`), such as the local emulator.",
                        .optional = true,
                        .validators = {v::HostOrHttpsUrl(
                            "give the workspace URL (azurerm_databricks_workspace's workspace_url); the "
                            "resource ID goes in azure_workspace_resource_id")}},
              Attribute{.name = a::kAzureWorkspaceResourceId,
                        .type = Type::String(),
                        .description = "Azure resource ID of the workspace "
                                       "(`/subscriptions/…/providers/Microsoft.Databricks/workspaces/<name>`, "
                                       "`azurerm_databricks_workspace`'s `id`). When set, requests also carry the "
                                       "service principal's Azure management token, which lets a service "
                                       "principal that is not yet a workspace user sign in. Without `host`, the "
                                       "workspace URL is read from the resource through Azure Resource Manager "
                                       "(which needs read access to it, e.g. the Reader role), once per provider "
                                       "process. Defaults to the `DATABRICKS_AZURE_RESOURCE_ID` environment "
                                       "variable when the block sets neither this nor `host`.",
                        .optional = true,
                        .validators = {v::StringMatches(clients::kWorkspaceResourceIdPattern,
                                                        "the Azure resource ID of a Databricks workspace, "
                                                        "/subscriptions/<subscription>/resourceGroups/<group>/"
                                                        "providers/Microsoft.Databricks/workspaces/<name>",
                                                        /*ignore_case=*/true)}},
              [] {
                Attribute tenant = OptionalString(
                    a::kAzureTenantId,
                    "Entra ID (Azure AD) tenant ID (a GUID) or verified domain name. Defaults to the "
                    "`ARM_TENANT_ID` environment variable.");
                tenant.validators = {v::StringMatches(clients::kTenantIdPattern,
                                                      "the tenant id (a GUID) or a verified domain name")};
                return tenant;
              }(),
              [] {
                Attribute client_id = OptionalString(
                    a::kAzureClientId,
                    "Application (client) ID of the service principal (a GUID), or the client ID of a "
                    "user-assigned managed identity. Defaults to the `ARM_CLIENT_ID` environment variable.");
                client_id.validators = {v::StringMatches(clients::kClientIdPattern,
                                                         "the application (client) ID, a GUID", false,
                                                         /*show_value=*/false)};
                return client_id;
              }(),
              OptionalString(a::kAzureClientSecret,
                             "Client secret of the service principal. Defaults to the `ARM_CLIENT_SECRET` "
                             "environment variable. Sensitive: never shown in plans or logs.",
                             /*sensitive=*/true),
              OptionalBool(a::kAzureUseOidc,
                           "Authenticate with a federated (OIDC) credential instead of a client secret. The "
                           "token comes from `azure_oidc_token`, else `azure_oidc_token_file_path`, else GitHub "
                           "Actions (`ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN`). "
                           "Defaults to the `ARM_USE_OIDC` environment variable."),
              OptionalString(a::kAzureOidcToken,
                             "The OIDC ID token to exchange for an Entra ID access token when `azure_use_oidc` is "
                             "true. Defaults to the `ARM_OIDC_TOKEN` environment variable. Sensitive.",
                             /*sensitive=*/true),
              OptionalString(a::kAzureOidcTokenFilePath,
                             "Path of a file holding the OIDC ID token (re-read when it changes, as with "
                             "Kubernetes projected tokens). Defaults to the `ARM_OIDC_TOKEN_FILE_PATH` "
                             "environment variable."),
              OptionalBool(a::kAzureUseMsi,
                           "Authenticate with the managed identity of the machine running Terraform. Defaults "
                           "to the `ARM_USE_MSI` environment variable."),
              Attribute{.name = a::kAzureEnvironment,
                        .type = Type::String(),
                        .description = "Azure cloud: `public` (default), `usgovernment` or `china`. Picks the "
                                       "login host, the Azure Resource Manager endpoint and the Key Vault audience. "
                                       "Defaults to the `ARM_ENVIRONMENT` environment variable, else to the cloud "
                                       "of the workspace host's DNS zone (`.databricks.azure.us`, "
                                       "`.databricks.azure.cn`), else `public`; a host in another cloud's zone "
                                       "than the one set is an error.",
                        .optional = true,
                        .validators = {v::StringOneOf({"public", "usgovernment", "china"})}},
              Attribute{.name = a::kAzureAuthorityHost,
                        .type = Type::String(),
                        .description = "Overrides the Entra ID login host chosen by `azure_environment`, for "
                                       "private clouds or the local emulator, e.g. "
                                       "`https://login.microsoftonline.com/`. Defaults to the "
                                       "`AZURE_AUTHORITY_HOST` environment variable, unless this block sets "
                                       "`azure_environment` (whose login host then stands).",
                        .optional = true,
                        .validators = {v::HttpsBaseUrlOrLoopback()}},
              Attribute{.name = a::kHttpTimeoutSeconds,
                        .type = Type::Number(),
                        .description = "Timeout of a single HTTP request, in seconds. Default 60; 1 to 3600.",
                        .optional = true,
                        .validators = {v::IntBetween(1, 3600)}},
              Attribute{.name = a::kRetryTimeoutSeconds,
                        .type = Type::Number(),
                        .description = "Total time spent retrying throttled (429) and transient (502, 503, 504, dropped "
                                       "connections, timeouts) calls, in seconds, honouring `Retry-After`. Default "
                                       "300; 0 disables retries; at most 86400 (a day). It also bounds each wait for "
                                       "Key Vault to finish deleting, purging or recovering a secret, which takes "
                                       "tens of seconds in Azure: below about a minute, destroying or replacing a "
                                       "binding or a sealed token, or recovering a soft-deleted secret, can fail "
                                       "(a second apply finishes it).",
                        .optional = true,
                        .validators = {v::IntBetween(0, 86400)}},
          },
          .block_types = {tf::NestedBlock{.type_name = a::kGuardrails,
                                          .nesting = tf::Nesting::kSingle,
                                          .block = GuardrailsBlock()}},
      }};
}

// The guardrails block as policy. Unknown values (plan time) switch the checks off until apply.
resources::Guardrails ReadGuardrails(const tf::Value& config) {
  resources::Guardrails g;
  const tf::Value& block = resources::Get(config, a::kGuardrails);
  if (!config.IsKnown() || !block.IsKnown()) {
    g.known = g.lifetime_known = false;
    return g;
  }
  if (!block.IsNull() && !block.IsWhollyKnown()) {
    g.known = false;
    g.lifetime_known = resources::Get(block, a::kMaxTokenLifetimeSeconds).IsKnown();
    if (g.lifetime_known) g.max_token_lifetime_seconds = resources::GetInt(block, a::kMaxTokenLifetimeSeconds);
    return g;
  }
  if (block.IsNull()) return g;
  g.max_token_lifetime_seconds = resources::GetInt(block, a::kMaxTokenLifetimeSeconds);
  g.allowed_node_types = resources::GetStrList(block, a::kAllowedNodeTypes);
  g.max_pool_capacity = resources::GetInt(block, a::kMaxPoolCapacity);
  g.required_pool_tags = resources::GetStrList(block, a::kRequiredPoolTags).value_or(std::vector<std::string>{});
  return g;
}

// Configuration errors name the attribute first ("azure_tenant_id (ARM_TENANT_ID) is required"):
// point the diagnostic at it when it is one of ours.
std::optional<tf::AttributePath> PathNamedIn(const std::string& message) {
  size_t end = message.find_first_of(" =:(\"");
  std::string first = message.substr(0, end);
  if (AdbjitProviderSchema().block.FindAttribute(first) != nullptr) return tf::AttributePath(first);
  return std::nullopt;
}

// Terraform configures a provider once per graph walk. A process that serves several walks (all
// of them when attached through TF_REATTACH_PROVIDERS, e.g. `-debug`) keeps the clients of the
// previous configuration while the configuration is the same and they were not cancelled, so
// their Entra token cache, keep-alive connections and shared token list carry over.
bool SameClientsConfig(const clients::ClientsConfig& a, const clients::ClientsConfig& b) {
  auto tie = [](const clients::ClientsConfig& c) {
    return std::tie(c.host, c.workspace_resource_id, c.tenant_id, c.client_id, c.client_secret.Reveal(), c.use_oidc,
                    c.oidc_token.Reveal(), c.oidc_token_file_path, c.oidc_request_url, c.oidc_request_token.Reveal(),
                    c.use_msi, c.msi_endpoint, c.environment, c.authority_host, c.resource_manager_url,
                    c.http_timeout_seconds,
                    c.retry_timeout_seconds, c.retry_initial_backoff_ms, c.retry_max_backoff_ms, c.ca_file);
  };
  return tie(a) == tie(b);
}

StatusOr<std::shared_ptr<clients::Clients>> ClientsFor(clients::ClientsConfig cc) {
  static std::mutex mu;
  static std::shared_ptr<clients::Clients>* last = new std::shared_ptr<clients::Clients>();
  std::lock_guard lock(mu);
  if (*last && !(*last)->cancelled() && SameClientsConfig((*last)->config(), cc)) return *last;
  ADBJIT_ASSIGN_OR_RETURN(auto made, clients::Clients::Create(std::move(cc)));
  *last = std::shared_ptr<clients::Clients>(std::move(made));
  return *last;
}

class AdbjitProvider final : public tf::Provider {
 public:
  std::string TypeName() const override { return "adbjit"; }
  std::string Version() const override { return ADBJIT_VERSION; }
  const tf::Schema& GetSchema() const override { return AdbjitProviderSchema(); }

  void Configure(const tf::ConfigureRequest& req, tf::ConfigureResponse& resp) const override {
    auto data = std::make_shared<resources::ApiProviderData>();
    resp.data = data;
    const tf::Value& config = req.config;
    data->guardrails = ReadGuardrails(config);
    // Values known only after apply (a workspace created in the same run): plan without clients;
    // Terraform configures the provider again, with everything known, before it applies. Only what
    // chooses the workspace, the vault's cloud and the credential counts: an unknown guard rail is
    // checked at apply, and an unknown timeout leaves the default for the plan, so neither turns
    // the refresh off (revoked tokens and deleted pools would plan no change).
    // When only the workspace is unknown (its host from a workspace created in the same run), the
    // credential and the rest are still checked now, so that a missing secret fails the plan and
    // not the apply, after the workspace has been made.
    if (!config.IsKnown()) return;
    bool workspace_unknown = false;
    for (const auto& [name, value] : config.AsEntries()) {
      if (name == a::kGuardrails || name == a::kHttpTimeoutSeconds || name == a::kRetryTimeoutSeconds) continue;
      if (value.IsWhollyKnown()) continue;
      if (name != a::kHost && name != a::kAzureWorkspaceResourceId) return;
      workspace_unknown = true;
    }

    clients::ClientsConfig cc;
    auto str = [&](const char* name) { return resources::GetStr(config, name).value_or(""); };
    cc.host = str(a::kHost);
    cc.workspace_resource_id = str(a::kAzureWorkspaceResourceId);
    cc.tenant_id = str(a::kAzureTenantId);
    cc.client_id = str(a::kAzureClientId);
    cc.client_secret = Secret(str(a::kAzureClientSecret));
    cc.use_oidc = resources::GetBool(config, a::kAzureUseOidc);
    cc.oidc_token = Secret(str(a::kAzureOidcToken));
    cc.oidc_token_file_path = str(a::kAzureOidcTokenFilePath);
    cc.use_msi = resources::GetBool(config, a::kAzureUseMsi);
    cc.environment = str(a::kAzureEnvironment);
    cc.authority_host = str(a::kAzureAuthorityHost);
    if (auto t = resources::GetInt(config, a::kHttpTimeoutSeconds)) cc.http_timeout_seconds = static_cast<int>(*t);
    if (auto t = resources::GetInt(config, a::kRetryTimeoutSeconds)) cc.retry_timeout_seconds = static_cast<int>(*t);
    // Stand-ins that pass the checks for what is not known yet; they also keep DATABRICKS_HOST and
    // DATABRICKS_AZURE_RESOURCE_ID out, as the block's own values will.
    // (The host's stand-in is in no cloud's DNS zone: it neither chooses nor contradicts the cloud.)
    if (!resources::Get(config, a::kHost).IsWhollyKnown()) cc.host = "https://workspace-known-after-apply.invalid";
    if (!resources::Get(config, a::kAzureWorkspaceResourceId).IsWhollyKnown()) {
      cc.workspace_resource_id = "/subscriptions/0/resourceGroups/g/providers/Microsoft.Databricks/workspaces/w";
    }

    Status env = clients::ApplyEnvironment(cc);
    // A federated token given in the block is used only with azure_use_oidc: say so, rather than
    // sign in some other way without a word.
    for (const char* attr : {a::kAzureOidcToken, a::kAzureOidcTokenFilePath}) {
      if (!env.ok() || str(attr).empty() || cc.Credential() == clients::CredentialKind::kFederated) continue;
      const bool msi = cc.Credential() == clients::CredentialKind::kManagedIdentity;
      resp.diagnostics.AddWarning(
          "OIDC token not used",
          std::string(attr) + " is set, but azure_use_oidc (ARM_USE_OIDC) is not true, so the provider signs in " +
              (msi ? "with its managed identity" : "with the client secret") +
              " and does not use it. Set azure_use_oidc = true to sign in with the OIDC token.",
          tf::AttributePath(attr));
    }
    if (env.ok()) env = cc.Validate();
    // The errors quote what they refuse; a secret the process holds is masked there (a client
    // secret given as the tenant too, when pipeline variables are swapped).
    if (!env.ok()) {
      resp.diagnostics.AddError("Invalid provider configuration", log::Redact(env.message()),
                                PathNamedIn(env.message()));
      return;
    }
    if (workspace_unknown) return;  // no clients until the workspace is known
    auto made = ClientsFor(std::move(cc));
    if (!made.ok()) {
      resp.diagnostics.AddError("Invalid provider configuration", log::Redact(made.status().message()),
                                PathNamedIn(made.status().message()));
      return;
    }
    data->clients = std::move(made).value();
  }

  void Stop(const std::shared_ptr<tf::ProviderData>& data) const override {
    auto* api = dynamic_cast<resources::ApiProviderData*>(data.get());
    if (api != nullptr && api->clients) api->clients->Cancel();
  }

  void Shutdown(const std::shared_ptr<tf::ProviderData>& data) const override {
    auto* api = dynamic_cast<resources::ApiProviderData*>(data.get());
    if (api == nullptr || !api->clients) return;
    // Shutdown runs once per provider data still needing it (-debug mode keeps several): one
    // deadline for all their sweeps, from the first.
    std::chrono::steady_clock::time_point deadline;
    {
      std::lock_guard lock(shutdown_mu_);
      if (!sweep_deadline_) sweep_deadline_ = std::chrono::steady_clock::now() + clients::Clients::kCleanUpBudget;
      deadline = *sweep_deadline_;
    }
    resources::RevokeUnclosedEphemeralTokens(*api, deadline);
  }

  std::vector<std::shared_ptr<const tf::Resource>> Resources() const override { return resources::AllResources(); }
  std::vector<std::shared_ptr<const tf::EphemeralResource>> EphemeralResources() const override {
    return resources::AllEphemeralResources();
  }
  std::vector<std::shared_ptr<const tf::DataSource>> DataSources() const override {
    return resources::AllDataSources();
  }

 private:
  mutable std::mutex shutdown_mu_;
  mutable std::optional<std::chrono::steady_clock::time_point> sweep_deadline_;  // set by the first Shutdown
};

}  // namespace

const tf::Schema& AdbjitProviderSchema() {
  static const tf::Schema* schema = new tf::Schema(MakeSchema());
  return *schema;
}

std::shared_ptr<const tf::Provider> NewAdbjitProvider() { return std::make_shared<AdbjitProvider>(); }

}  // namespace adbjit
