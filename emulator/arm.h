// Emulated Azure Resource Manager, only as far as adbjit needs it: reading the workspace resource
// to learn its URL (remote-apis.md §2.1). Served on the Entra listener, as IMDS is.
#ifndef ADBJIT_EMULATOR_ARM_H_
#define ADBJIT_EMULATOR_ARM_H_

#include <string>

#include <httplib.h>

#include "emulator/jwt.h"
#include "emulator/server.h"

namespace adbjit::emulator {

class ResourceManager {
 public:
  ResourceManager(const Options& options, const JwtSigner& signer);

  // True for paths this class answers (everything under /subscriptions/).
  static bool Owns(const std::string& path);
  void Handle(const httplib::Request& req, httplib::Response& res, std::string* route);

  // What properties.workspaceUrl says: the host and port of the workspace listener, as Azure gives
  // it (no scheme) when the emulator serves TLS, and with "http://" in plain-HTTP mode, where a
  // client that put "https://" in front would miss.
  void set_workspace_url(const std::string& url) { workspace_url_ = url; }

 private:
  // False after replying 401 when the request has no valid ARM token.
  bool Authenticate(const httplib::Request& req, httplib::Response& res) const;

  const Options& options_;
  const JwtSigner& signer_;
  std::string workspace_url_;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_ARM_H_
