// libFuzzer target: the environment Terraform starts the plugin with. The input is split at NUL
// bytes into PLUGIN_PROTOCOL_VERSIONS, PLUGIN_UNIX_SOCKET_DIR, TMPDIR, PLUGIN_UNIX_SOCKET_GROUP,
// PLUGIN_CLIENT_CERT and TF_LOG (missing fields are unset). Parsing must refuse, never crash or
// throw; what parses is used the way Serve uses it (certificate check, socket-dir placement
// under a directory that does not exist, so nothing is created; handshake line formatting).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "provider/plugin/handshake.h"
#include "provider/plugin/socket_dir.h"
#include "provider/plugin/tls.h"
#include "provider/util/log.h"

namespace {

constexpr const char* kFields[] = {"PLUGIN_PROTOCOL_VERSIONS", "PLUGIN_UNIX_SOCKET_DIR", "TMPDIR",
                                   "PLUGIN_UNIX_SOCKET_GROUP", "PLUGIN_CLIENT_CERT", "TF_LOG"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string, std::less<>> env;
  env[std::string(adbjit::plugin::kMagicCookieKey)] = std::string(adbjit::plugin::kMagicCookieValue);
  size_t start = 0;
  for (const char* name : kFields) {
    if (start > input.size()) break;
    size_t end = input.find('\0', start);
    if (end == std::string_view::npos) end = input.size();
    env[name] = std::string(input.substr(start, end - start));
    start = end + 1;
  }
  auto lookup = [&env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };

  (void)adbjit::plugin::ParseProtocolVersions(input);
  (void)adbjit::log::ParseLevel(env.count("TF_LOG") ? env["TF_LOG"] : std::string());

  auto cfg = adbjit::plugin::ParseHandshakeEnv(lookup);
  if (!cfg.ok()) return 0;
  if (!cfg->client_cert_pem.empty()) (void)adbjit::plugin::CheckCertificatePem(cfg->client_cert_pem);
  // The group is resolved before anything touches the file system; the base directory does not
  // exist, so the mkdtemp that follows fails and nothing is left behind.
  auto dir = adbjit::plugin::SocketDir::Create("/nonexistent/adbjit-fuzz/" + cfg->socket_base_dir,
                                               cfg->socket_group);
  if (dir.ok()) __builtin_trap();  // created a directory under a path that cannot exist
  (void)adbjit::plugin::HandshakeLine(cfg->socket_base_dir, cfg->client_cert_pem);
  return 0;
}
