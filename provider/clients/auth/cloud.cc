// The cloud table (remote-apis.md §1.1).
#include "provider/clients/auth/cloud.h"

#include "provider/util/ascii.h"

namespace adbjit::auth {

std::string Cloud::DatabricksScope() const { return ScopeForResource(kDatabricksAppId); }
std::string Cloud::ManagementScope() const { return ScopeForResource(management_audience); }
std::string Cloud::KeyVaultScope() const { return ScopeForResource(keyvault_audience); }
std::string Cloud::ResourceManagerScope() const { return ScopeForResource(resource_manager); }

StatusOr<Cloud> LookupCloud(std::string_view name_in) {
  const std::string name = AsciiLower(name_in);
  if (name.empty() || name == "public" || name == "azurepubliccloud") {
    return Cloud{"public", "https://login.microsoftonline.com", "https://management.azure.com",
                 "https://management.core.windows.net/",
                 "https://vault.azure.net", ".vault.azure.net", ".azuredatabricks.net"};
  }
  if (name == "usgovernment" || name == "usgov" || name == "azureusgovernmentcloud") {
    return Cloud{"usgovernment", "https://login.microsoftonline.us", "https://management.usgovcloudapi.net",
                 "https://management.core.usgovcloudapi.net/",
                 "https://vault.usgovcloudapi.net", ".vault.usgovcloudapi.net", ".databricks.azure.us"};
  }
  if (name == "china" || name == "azurechinacloud") {
    return Cloud{"china", "https://login.chinacloudapi.cn", "https://management.chinacloudapi.cn",
                 "https://management.core.chinacloudapi.cn/",
                 "https://vault.azure.cn", ".vault.azure.cn", ".databricks.azure.cn"};
  }
  return InvalidArgumentError("azure_environment (ARM_ENVIRONMENT) must be \"public\", \"usgovernment\" or "
                              "\"china\", got \"" + std::string(name_in) + "\"");
}

std::string ScopeForResource(std::string_view resource) { return std::string(resource) + "/.default"; }

std::string ResourceForScope(std::string_view scope) {
  constexpr std::string_view kSuffix = "/.default";
  if (scope.size() > kSuffix.size() && scope.ends_with(kSuffix)) {
    return std::string(scope.substr(0, scope.size() - kSuffix.size()));
  }
  return std::string(scope);
}

}  // namespace adbjit::auth
