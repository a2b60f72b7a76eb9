// Emulated Azure Resource Manager: GET of a Microsoft.Databricks/workspaces resource.
#include "emulator/arm.h"

#include <regex>
#include <set>

#include "emulator/common.h"

namespace adbjit::emulator {
namespace {

// ARM's error shape: {"error": {"code", "message"}}.
void ArmError(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  ReplyJson(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace

ResourceManager::ResourceManager(const Options& options, const JwtSigner& signer)
    : options_(options), signer_(signer) {}

bool ResourceManager::Owns(const std::string& path) { return Lower(path).starts_with("/subscriptions/"); }

bool ResourceManager::Authenticate(const httplib::Request& req, httplib::Response& res) const {
  std::string token = BearerToken(req);
  if (token.empty()) {
    ArmError(res, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    return false;
  }
  nlohmann::json claims;
  int64_t exp = 0;
  if (!signer_.Verify(token, &claims) || !JsonInt64(claims.value("exp", nlohmann::json(0)), &exp) ||
      exp <= NowSec()) {
    ArmError(res, 401, "InvalidAuthenticationToken", "The access token is invalid.");
    return false;
  }
  // ARM takes tokens for either of its two audiences, with or without the trailing '/'. The
  // emulator stands in for every cloud, so it takes those of the US Government and China clouds too.
  static const std::set<std::string> kAudiences = {
      "https://management.azure.com",           "https://management.azure.com/",
      "https://management.core.windows.net",    "https://management.core.windows.net/",
      "https://management.usgovcloudapi.net",   "https://management.usgovcloudapi.net/",
      "https://management.core.usgovcloudapi.net", "https://management.core.usgovcloudapi.net/",
      "https://management.chinacloudapi.cn",    "https://management.chinacloudapi.cn/",
      "https://management.core.chinacloudapi.cn", "https://management.core.chinacloudapi.cn/",
  };
  const std::string aud = claims.value("aud", "");
  if (!kAudiences.contains(aud)) {
    ArmError(res, 401, "InvalidAuthenticationTokenAudience",
             "The access token has been obtained for wrong audience or resource '" + aud +
                 "'. It should exactly match with one of the allowed audiences "
                 "'https://management.core.windows.net/','https://management.azure.com/'.");
    return false;
  }
  return true;
}

void ResourceManager::Handle(const httplib::Request& req, httplib::Response& res, std::string* route) {
  res.set_header("x-ms-request-id", NewGuid());
  res.set_header("x-ms-correlation-request-id", NewGuid());
  std::smatch m;
  if (!std::regex_match(req.path, m, WorkspaceResourceIdPattern())) {
    *route = "(unknown)";
    ArmError(res, 404, "InvalidResourceType", "The resource type could not be found in the namespace for api version.");
    return;
  }
  *route = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Databricks/workspaces/{name}";
  if (req.method != "GET") {
    ArmError(res, 405, "MethodNotAllowed", "The emulator only reads workspaces.");
    return;
  }
  if (!req.has_param("api-version")) {
    ArmError(res, 400, "MissingApiVersionParameter",
             "The api-version query parameter (?api-version=) is required for all requests.");
    return;
  }
  if (!Authenticate(req, res)) return;
  // Resource ids are case-insensitive.
  if (Lower(req.path) != Lower(options_.workspace_resource_id)) {
    ArmError(res, 404, "ResourceNotFound",
             "The Resource 'Microsoft.Databricks/workspaces/" + m[3].str() + "' under resource group '" + m[2].str() +
                 "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    return;
  }
  const std::string& id = options_.workspace_resource_id;
  const std::string name = id.substr(id.rfind('/') + 1);
  ReplyJson(res, 200,
            {{"id", id},
             {"name", name},
             {"type", "Microsoft.Databricks/workspaces"},
             {"location", "westeurope"},
             {"sku", {{"name", "premium"}}},
             {"properties",
              {{"workspaceId", "1234567890123456"},
               {"workspaceUrl", workspace_url_},
               {"provisioningState", "Succeeded"},
               {"managedResourceGroupId", id.substr(0, id.find("/resourceGroups/")) +
                                              "/resourceGroups/databricks-rg-" + name}}}});
}

}  // namespace adbjit::emulator
