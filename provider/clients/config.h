// ClientsConfig: everything the remote side needs, from provider attributes or the environment
// variables of shared/spec/interface.md, and its validation.
#ifndef ADBJIT_CLIENTS_CONFIG_H_
#define ADBJIT_CLIENTS_CONFIG_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "provider/clients/http/transport.h"
#include "provider/util/secret.h"
#include "provider/util/status.h"

namespace adbjit::clients {

// The shape of a Databricks workspace's Azure resource ID (matched ignoring case, as ARM does).
inline constexpr char kWorkspaceResourceIdPattern[] =
    R"(^/subscriptions/[^/?#\s]+/resourceGroups/[^/?#\s]+/providers/Microsoft\.Databricks/workspaces/[^/?#\s]+$)";
bool IsWorkspaceResourceId(const std::string& id);

// azure_tenant_id: a GUID or a domain name (empty: not given). It goes into the token endpoint's
// path, so nothing else is taken; the provider schema validates with the same pattern.
// Labels of letters, digits and inner hyphens, joined by single dots (a GUID is one such label).
inline constexpr char kTenantIdPattern[] =
    "^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)?$";

// azure_client_id: an application (client) ID, or a user-assigned managed identity's client ID,
// is a GUID (empty: not given). It is checked before it is sent because Entra ID repeats an
// unknown one in its error: a client secret given in its place would reach the error text.
inline constexpr char kClientIdPattern[] =
    "^([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})?$";

// Which Entra ID credential a configuration selects.
enum class CredentialKind { kClientSecret, kFederated, kManagedIdentity };

struct ClientsConfig {
  std::string host;                   // host / DATABRICKS_HOST (optional: Key Vault-only use)
  std::string workspace_resource_id;  // azure_workspace_resource_id / DATABRICKS_AZURE_RESOURCE_ID
  std::string tenant_id;              // ARM_TENANT_ID
  std::string client_id;              // ARM_CLIENT_ID (for MSI: a user-assigned identity)
  Secret client_secret;               // ARM_CLIENT_SECRET
  std::optional<bool> use_oidc;       // ARM_USE_OIDC
  Secret oidc_token;                  // ARM_OIDC_TOKEN
  std::string oidc_token_file_path;   // ARM_OIDC_TOKEN_FILE_PATH
  std::string oidc_request_url;       // ACTIONS_ID_TOKEN_REQUEST_URL / ARM_OIDC_REQUEST_URL
  Secret oidc_request_token;          // ACTIONS_ID_TOKEN_REQUEST_TOKEN / ARM_OIDC_REQUEST_TOKEN
  std::optional<bool> use_msi;        // ARM_USE_MSI
  std::string msi_endpoint;           // ARM_MSI_ENDPOINT (default: IMDS)
  std::string environment;            // ARM_ENVIRONMENT: public (default) | usgovernment | china
  std::string authority_host;         // AZURE_AUTHORITY_HOST (default: the cloud's login host)
  // ADBJIT_RESOURCE_MANAGER_URL (default: the cloud's ARM endpoint): where the workspace URL is
  // looked up when only workspace_resource_id is given. Environment only (private clouds, emulator).
  std::string resource_manager_url;
  int http_timeout_seconds = 60;
  int retry_timeout_seconds = 300;

  // Not user-facing: backoff shape, and a CA bundle overriding SSL_CERT_FILE (tests, emulator TLS).
  int retry_initial_backoff_ms = 1000;
  int retry_max_backoff_ms = 30000;
  std::string ca_file;
  // Tests only: wraps the transport every client sends through, to act between two requests
  // (another writer's request landing between a check and a delete, say).
  std::function<std::shared_ptr<http::Transport>(std::shared_ptr<http::Transport>)> wrap_transport_for_testing;

  // MSI if use_msi, else federated if use_oidc, else client secret.
  CredentialKind Credential() const;

  // Precise errors: which credential field is missing (naming attribute and env var), conflicting
  // use_msi/use_oidc, unknown environment, bad URL schemes, a workspace resource ID of the wrong
  // shape, non-positive timeouts.
  Status Validate() const;
};

// Returns the value of an environment variable, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnvironment();

// Fills every unset field from the environment (attributes win over variables), except that a
// credential the attributes choose (use_msi, use_oidc, a client secret) is not switched to another
// by a variable, nor a federated token source given as an attribute. Fails only for a boolean
// variable that is not a boolean ("true"/"false"/"1"/"0").
Status ApplyEnvironment(ClientsConfig& config, const EnvLookup& env = ProcessEnvironment());

}  // namespace adbjit::clients

#endif  // ADBJIT_CLIENTS_CONFIG_H_
