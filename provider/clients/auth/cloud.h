// Azure clouds: login host, audiences and DNS suffixes per ARM_ENVIRONMENT, plus scope helpers.
#ifndef ADBJIT_CLIENTS_AUTH_CLOUD_H_
#define ADBJIT_CLIENTS_AUTH_CLOUD_H_

#include <string>
#include <string_view>

#include "provider/util/status.h"

namespace adbjit::auth {

// The AzureDatabricks first-party application id (same in every cloud).
inline constexpr char kDatabricksAppId[] = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

struct Cloud {
  std::string name;                 // "public", "usgovernment", "china"
  std::string authority_host;       // "https://login.microsoftonline.com"
  std::string resource_manager;     // "https://management.azure.com" (ARM; no trailing '/')
  std::string management_audience; // "https://management.core.windows.net/" (ends in '/')
  std::string keyvault_audience;    // "https://vault.azure.net"
  std::string keyvault_dns_suffix;  // ".vault.azure.net"
  std::string databricks_dns_zone;  // ".azuredatabricks.net"

  std::string DatabricksScope() const;        // "2ff814a6-…/.default"
  std::string ManagementScope() const;        // "https://management.core.windows.net//.default"
  std::string KeyVaultScope() const;          // "https://vault.azure.net/.default"
  std::string ResourceManagerScope() const;   // "https://management.azure.com/.default"
};

// "public" (also "" and "AzurePublicCloud"), "usgovernment" ("usgov", "AzureUSGovernmentCloud"),
// "china" ("AzureChinaCloud"); case-insensitive. InvalidArgument names the accepted values.
StatusOr<Cloud> LookupCloud(std::string_view name);

// "<resource>/.default" (a resource ending in '/' keeps it: "https://x//.default").
std::string ScopeForResource(std::string_view resource);
// Inverse of ScopeForResource: strips "/.default" (what IMDS's resource= wants).
std::string ResourceForScope(std::string_view scope);

}  // namespace adbjit::auth

#endif  // ADBJIT_CLIENTS_AUTH_CLOUD_H_
