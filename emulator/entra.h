// Emulated Microsoft Entra ID: v1/v2 token endpoints, IMDS and a GitHub-Actions-style OIDC issuer.
#ifndef ADBJIT_EMULATOR_ENTRA_H_
#define ADBJIT_EMULATOR_ENTRA_H_

#include <map>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator/jwt.h"
#include "emulator/router.h"
#include "emulator/server.h"

namespace adbjit::emulator {

inline constexpr char kDatabricksAppId[] = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";
inline constexpr char kManagementAudience[] = "https://management.core.windows.net/";
inline constexpr char kVaultAudience[] = "https://vault.azure.net";
inline constexpr char kTokenExchangeAudience[] = "api://AzureADTokenExchange";

class Entra {
 public:
  Entra(const Options& options, const JwtSigner& signer);

  void Handle(const httplib::Request& req, httplib::Response& res, std::string* route);
  void set_base_url(const std::string& url) { base_url_ = url; }
  const std::string& github_request_token() const { return github_request_token_; }

  // Mints an access token for `resource` on behalf of `p` (also used by tests through the API).
  std::string MintAccessToken(const Principal& p, const std::string& resource, int64_t* exp) const;

 private:
  void Token(const httplib::Request& req, httplib::Response& res, const std::string& tenant,
             bool v1);
  void Imds(const httplib::Request& req, httplib::Response& res);
  void GithubOidc(const httplib::Request& req, httplib::Response& res);
  void Error(httplib::Response& res, int status, const std::string& error, int code,
             const std::string& text) const;
  bool KnownResource(const std::string& resource) const;
  nlohmann::json Num(int64_t v) const;

  const Options& options_;
  const JwtSigner& signer_;
  Router router_;
  std::string base_url_;
  std::string github_request_token_;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_ENTRA_H_
