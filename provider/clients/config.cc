// ClientsConfig: environment fallbacks and validation.
#include "provider/clients/config.h"

#include <cstdlib>
#include <regex>

#include "provider/clients/auth/cloud.h"
#include "provider/clients/http/url.h"
#include "provider/util/ascii.h"

namespace adbjit::clients {
namespace {

void Fill(std::string& field, const EnvLookup& env, std::initializer_list<const char*> names) {
  if (!field.empty()) return;
  for (const char* n : names) {
    auto v = env(n);
    if (v && !v->empty()) {
      field = *v;
      return;
    }
  }
}

void FillSecret(Secret& field, const EnvLookup& env, std::initializer_list<const char*> names) {
  if (!field.empty()) return;
  for (const char* n : names) {
    auto v = env(n);
    if (v && !v->empty()) {
      field = Secret(*v);
      return;
    }
  }
}

Status FillBool(std::optional<bool>& field, const EnvLookup& env, const char* name) {
  if (field.has_value()) return Status::OK();
  auto v = env(name);
  if (!v || v->empty()) return Status::OK();
  std::string s = AsciiLower(*v);
  if (s == "true" || s == "1" || s == "yes") {
    field = true;
  } else if (s == "false" || s == "0" || s == "no") {
    field = false;
  } else {
    return InvalidArgumentError(std::string(name) + "=\"" + *v + "\" is not a boolean (use true or false)");
  }
  return Status::OK();
}

Status CheckUrl(const std::string& url, const std::string& what, bool imds) {
  Status s = http::CheckUrlAllowed(url, imds);
  if (s.ok()) return s;
  return InvalidArgumentError(what + ": " + s.message());
}

// The cloud whose Databricks DNS zone the workspace host is in ("public", "usgovernment",
// "china"), or "" for any other host (a custom domain, the local emulator).
std::string CloudOfHost(const std::string& host) {
  if (host.empty()) return "";
  auto u = http::ParseUrl(http::NormalizeBaseUrl(host));
  if (!u.ok()) return "";
  std::string_view name_of_host = u->host;
  if (name_of_host.ends_with('.')) name_of_host.remove_suffix(1);  // the absolute form names the same host
  for (const char* name : {"public", "usgovernment", "china"}) {
    auto cloud = auth::LookupCloud(name);
    if (cloud.ok() && name_of_host.ends_with(cloud->databricks_dns_zone)) return cloud->name;
  }
  return "";
}

}  // namespace

bool IsWorkspaceResourceId(const std::string& id) {
  static const std::regex kShape(kWorkspaceResourceIdPattern, std::regex::ECMAScript | std::regex::icase);
  // std::regex recurses per character: a huge string would overflow the stack, and no resource ID
  // is anywhere near this long.
  return id.size() <= 4096 && std::regex_match(id, kShape);
}

CredentialKind ClientsConfig::Credential() const {
  if (use_msi.value_or(false)) return CredentialKind::kManagedIdentity;
  if (use_oidc.value_or(false)) return CredentialKind::kFederated;
  return CredentialKind::kClientSecret;
}

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Status ApplyEnvironment(ClientsConfig& c, const EnvLookup& env) {
  // The credential the provider block chooses (a managed identity, a federated credential or a
  // client secret) is the one used: a variable that chooses another one (ARM_USE_OIDC set for
  // every job of a CI runner, say) does not override it. The same for the federated token's
  // source: one given in the block is not overridden by another from the environment.
  const bool block_chooses = c.use_msi.value_or(false) || c.use_oidc.value_or(false) || !c.client_secret.empty();
  const bool block_has_oidc_source = !c.oidc_token.empty() || !c.oidc_token_file_path.empty();
  if (block_chooses) {
    if (!c.use_msi) c.use_msi = false;
    if (!c.use_oidc) c.use_oidc = false;
  }
  // Likewise the workspace: a block that names it (host, or the resource ID alone, from which the
  // URL is read) is not pointed at another by DATABRICKS_HOST exported for the whole job (every
  // alias would talk to that workspace), nor given another's resource ID for its headers.
  if (c.host.empty() && c.workspace_resource_id.empty()) {
    Fill(c.host, env, {"DATABRICKS_HOST"});
    Fill(c.workspace_resource_id, env, {"DATABRICKS_AZURE_RESOURCE_ID"});
  }
  Fill(c.tenant_id, env, {"ARM_TENANT_ID"});
  Fill(c.client_id, env, {"ARM_CLIENT_ID"});
  FillSecret(c.client_secret, env, {"ARM_CLIENT_SECRET"});
  ADBJIT_RETURN_IF_ERROR(FillBool(c.use_oidc, env, "ARM_USE_OIDC"));
  if (!block_has_oidc_source) {
    FillSecret(c.oidc_token, env, {"ARM_OIDC_TOKEN"});
    Fill(c.oidc_token_file_path, env, {"ARM_OIDC_TOKEN_FILE_PATH"});
    Fill(c.oidc_request_url, env, {"ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"});
    FillSecret(c.oidc_request_token, env, {"ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"});
  }
  ADBJIT_RETURN_IF_ERROR(FillBool(c.use_msi, env, "ARM_USE_MSI"));
  Fill(c.msi_endpoint, env, {"ARM_MSI_ENDPOINT"});
  // A block that names its cloud signs in at that cloud's login host: AZURE_AUTHORITY_HOST exported
  // for the whole job (for another tool, another cloud) does not move it (the block's own
  // azure_authority_host still does).
  const bool block_names_cloud = !c.environment.empty();
  Fill(c.environment, env, {"ARM_ENVIRONMENT"});
  // Neither says: the workspace host's DNS zone does (as the Databricks SDKs read it), so a
  // workspace in Azure China or US Government signs in there without being told twice.
  if (c.environment.empty()) c.environment = CloudOfHost(c.host);
  if (!block_names_cloud) Fill(c.authority_host, env, {"AZURE_AUTHORITY_HOST"});
  Fill(c.resource_manager_url, env, {"ADBJIT_RESOURCE_MANAGER_URL"});
  return Status::OK();
}

Status ClientsConfig::Validate() const {
  ADBJIT_ASSIGN_OR_RETURN(auth::Cloud cloud, auth::LookupCloud(environment));
  if (const std::string host_cloud = CloudOfHost(host); !environment.empty() && !host_cloud.empty() &&
                                                         host_cloud != cloud.name) {
    return InvalidArgumentError("azure_environment (ARM_ENVIRONMENT) is \"" + environment +
                                "\", but the workspace host " + http::WorkspaceOrigin(host) + " is in the " +
                                host_cloud + " cloud: set azure_environment = \"" + host_cloud +
                                "\", or leave it unset (the host's DNS zone then chooses the cloud)");
  }
  if (http_timeout_seconds <= 0) return InvalidArgumentError("http_timeout_seconds must be positive");
  if (retry_timeout_seconds < 0) return InvalidArgumentError("retry_timeout_seconds must not be negative");
  if (!host.empty()) ADBJIT_RETURN_IF_ERROR(CheckUrl(http::NormalizeBaseUrl(host), "host (DATABRICKS_HOST)", false));
  if (!workspace_resource_id.empty() && !IsWorkspaceResourceId(workspace_resource_id)) {
    return InvalidArgumentError(
        "azure_workspace_resource_id (DATABRICKS_AZURE_RESOURCE_ID) must be the Azure resource ID of a Databricks "
        "workspace, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Databricks/"
        "workspaces/<name>, got \"" + workspace_resource_id + "\"");
  }
  if (!resource_manager_url.empty()) {
    ADBJIT_RETURN_IF_ERROR(
        CheckUrl(http::NormalizeBaseUrl(resource_manager_url), "ADBJIT_RESOURCE_MANAGER_URL", false));
  }
  if (!authority_host.empty()) {
    const std::string base = http::NormalizeBaseUrl(authority_host);
    ADBJIT_RETURN_IF_ERROR(CheckUrl(base, "azure_authority_host (AZURE_AUTHORITY_HOST)", false));
    // The token endpoint is <host>/<tenant>/oauth2/v2.0/token: an authority with the tenant in it
    // (MSAL's form) would name the tenant twice.
    auto u = http::ParseUrl(base);
    if (u.ok() && ((!u->path.empty() && u->path != "/") || !u->query.empty())) {
      return InvalidArgumentError("azure_authority_host (AZURE_AUTHORITY_HOST) must be the login host alone, such as "
                                  "https://login.microsoftonline.com/, without a path (the tenant goes in "
                                  "azure_tenant_id), got \"" + authority_host + "\"");
    }
  }
  if (use_msi.value_or(false) && use_oidc.value_or(false)) {
    return InvalidArgumentError("azure_use_msi (ARM_USE_MSI) and azure_use_oidc (ARM_USE_OIDC) are both set; choose one");
  }
  static const std::regex kTenantShape(kTenantIdPattern);
  // A domain name has at most 253 characters; std::regex would overflow the stack on a huge string.
  if (tenant_id.size() > 253) {
    return InvalidArgumentError("azure_tenant_id (ARM_TENANT_ID) must be the tenant id (a GUID) or a verified "
                                "domain name, got a string of " + std::to_string(tenant_id.size()) + " characters");
  }
  if (!std::regex_match(tenant_id, kTenantShape)) {
    return InvalidArgumentError("azure_tenant_id (ARM_TENANT_ID) must be the tenant id (a GUID) or a verified "
                                "domain name, got \"" + tenant_id + "\"");
  }
  static const std::regex kClientIdShape(kClientIdPattern);
  if (client_id.size() > 36 || !std::regex_match(client_id, kClientIdShape)) {
    // Never the value: a client secret given as the client id is a common swap.
    return InvalidArgumentError("azure_client_id (ARM_CLIENT_ID) must be the application (client) ID, a GUID "
                                "such as 00000000-0000-0000-0000-000000000000, got a string of " +
                                std::to_string(client_id.size()) +
                                " characters (not shown: it may be a secret given in the wrong place)");
  }
  const std::string lowered_tenant = AsciiLower(tenant_id);
  if (lowered_tenant == "common" || lowered_tenant == "organizations" || lowered_tenant == "consumers") {
    return InvalidArgumentError("azure_tenant_id (ARM_TENANT_ID) \"" + tenant_id +
                                "\" is not valid for a service principal: give the tenant id (GUID) or a verified domain");
  }
  switch (Credential()) {
    case CredentialKind::kManagedIdentity:
      if (!msi_endpoint.empty()) ADBJIT_RETURN_IF_ERROR(CheckUrl(msi_endpoint, "ARM_MSI_ENDPOINT", true));
      return Status::OK();
    case CredentialKind::kFederated:
      if (tenant_id.empty()) {
        return InvalidArgumentError("azure_tenant_id (ARM_TENANT_ID) is required for the federated (OIDC) credential");
      }
      if (client_id.empty()) {
        return InvalidArgumentError("azure_client_id (ARM_CLIENT_ID) is required for the federated (OIDC) credential");
      }
      if (!oidc_token.empty() || !oidc_token_file_path.empty()) return Status::OK();
      if (!oidc_request_url.empty() && oidc_request_token.empty()) {
        return InvalidArgumentError(
            "ACTIONS_ID_TOKEN_REQUEST_URL is set but ACTIONS_ID_TOKEN_REQUEST_TOKEN (ARM_OIDC_REQUEST_TOKEN) is not");
      }
      if (oidc_request_url.empty()) {
        return InvalidArgumentError(
            "azure_use_oidc is set but no OIDC token source was found: set azure_oidc_token (ARM_OIDC_TOKEN), "
            "azure_oidc_token_file_path (ARM_OIDC_TOKEN_FILE_PATH), or run in GitHub Actions with "
            "`permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN)");
      }
      return CheckUrl(oidc_request_url, "ACTIONS_ID_TOKEN_REQUEST_URL", false);
    case CredentialKind::kClientSecret:
      if (tenant_id.empty()) return InvalidArgumentError("azure_tenant_id (ARM_TENANT_ID) is required");
      if (client_id.empty()) return InvalidArgumentError("azure_client_id (ARM_CLIENT_ID) is required");
      if (client_secret.empty()) {
        return InvalidArgumentError(
            "azure_client_secret (ARM_CLIENT_SECRET) is required for the client-secret credential; "
            "or set azure_use_oidc (ARM_USE_OIDC) or azure_use_msi (ARM_USE_MSI)");
      }
      return Status::OK();
  }
  return Status::OK();
}

}  // namespace adbjit::clients
