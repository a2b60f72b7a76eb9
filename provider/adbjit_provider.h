// The adbjit provider: its configuration schema (every attribute of shared/spec/interface.md,
// each falling back to an environment variable when unset), validation, Configure, and the
// resources it serves (resources/registry.h). Configure builds one clients::Clients per process
// (resources::ApiProviderData) and the guard rails. main.cc hands NewAdbjitProvider() to plugin::Serve.
#ifndef ADBJIT_PROVIDER_ADBJIT_PROVIDER_H_
#define ADBJIT_PROVIDER_ADBJIT_PROVIDER_H_

#include <memory>
#include <string>

#include "provider/framework/resource.h"
#include "provider/framework/schema.h"

namespace adbjit {

// Attribute names of the provider block (the public contract; spelled only here).
namespace provider_attr {
inline constexpr char kHost[] = "host";
inline constexpr char kAzureWorkspaceResourceId[] = "azure_workspace_resource_id";
inline constexpr char kAzureTenantId[] = "azure_tenant_id";
inline constexpr char kAzureClientId[] = "azure_client_id";
inline constexpr char kAzureClientSecret[] = "azure_client_secret";
inline constexpr char kAzureUseOidc[] = "azure_use_oidc";
inline constexpr char kAzureOidcToken[] = "azure_oidc_token";
inline constexpr char kAzureOidcTokenFilePath[] = "azure_oidc_token_file_path";
inline constexpr char kAzureUseMsi[] = "azure_use_msi";
inline constexpr char kAzureEnvironment[] = "azure_environment";
inline constexpr char kAzureAuthorityHost[] = "azure_authority_host";
inline constexpr char kHttpTimeoutSeconds[] = "http_timeout_seconds";
inline constexpr char kRetryTimeoutSeconds[] = "retry_timeout_seconds";
inline constexpr char kGuardrails[] = "guardrails";
inline constexpr char kMaxTokenLifetimeSeconds[] = "max_token_lifetime_seconds";
inline constexpr char kAllowedNodeTypes[] = "allowed_node_types";
inline constexpr char kMaxPoolCapacity[] = "max_pool_capacity";
inline constexpr char kRequiredPoolTags[] = "required_pool_tags";
}  // namespace provider_attr

// The provider block's schema (static; valid for the life of the process).
const tf::Schema& AdbjitProviderSchema();

std::shared_ptr<const tf::Provider> NewAdbjitProvider();

}  // namespace adbjit

#endif  // ADBJIT_PROVIDER_ADBJIT_PROVIDER_H_
