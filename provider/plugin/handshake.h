// The go-plugin handshake as Terraform expects it: reading the environment Terraform starts us
// with (magic cookie, offered protocol versions, socket placement, the client certificate for
// AutoMTLS) and formatting the one stdout line that tells Terraform where we listen. Also the
// TF_REATTACH_PROVIDERS line of debug mode. Pure functions; no I/O.
#ifndef ADBJIT_PROVIDER_PLUGIN_HANDSHAKE_H_
#define ADBJIT_PROVIDER_PLUGIN_HANDSHAKE_H_

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "provider/util/status.h"

namespace adbjit::plugin {

inline constexpr std::string_view kMagicCookieKey = "TF_PLUGIN_MAGIC_COOKIE";
inline constexpr std::string_view kMagicCookieValue =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
inline constexpr int kCoreProtocolVersion = 1;  // go-plugin's core protocol
inline constexpr int kAppProtocolVersion = 6;   // tfplugin6
inline constexpr std::string_view kAppProtocolMinor = "6.8";
inline constexpr std::string_view kProviderAddress = "registry.terraform.io/adbjit/adbjit";

// The sentence printed on stderr when the binary is started without Terraform's cookie.
inline constexpr std::string_view kNotAPluginMessage =
    "terraform-provider-adbjit is a Terraform provider plugin: Terraform starts it itself, so add "
    "the provider to a Terraform configuration instead of running this binary (or pass -debug to "
    "serve it standalone for TF_REATTACH_PROVIDERS).";

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// The real process environment.
EnvLookup ProcessEnv();

struct HandshakeConfig {
  std::set<int> offered_versions;  // PLUGIN_PROTOCOL_VERSIONS (empty when not set)
  std::string socket_base_dir;     // PLUGIN_UNIX_SOCKET_DIR, else $TMPDIR, else /tmp
  std::string socket_group;        // PLUGIN_UNIX_SOCKET_GROUP (name or numeric gid), may be empty
  std::string client_cert_pem;     // PLUGIN_CLIENT_CERT; empty = plaintext (TLS disabled)
};

// Checks the cookie and negotiates the protocol. Errors:
// - FailedPrecondition with kNotAPluginMessage when the cookie is missing or wrong;
// - InvalidArgument when PLUGIN_PROTOCOL_VERSIONS is malformed or does not offer 6.
// An unset PLUGIN_PROTOCOL_VERSIONS means "use the plugin's version" (go-plugin's rule).
StatusOr<HandshakeConfig> ParseHandshakeEnv(const EnvLookup& env);

// "5,6" / "6,5" / " 6 " -> {5, 6}. Error on anything that is not a comma-separated list of
// non-negative integers.
StatusOr<std::set<int>> ParseProtocolVersions(std::string_view text);

// Standard-alphabet base64 without '=' padding (Go's RawStdEncoding), as the handshake needs.
std::string Base64NoPad(std::string_view bytes);

// "1|6|unix|<socket path>|grpc|<base64 DER or empty>\n"
std::string HandshakeLine(std::string_view socket_path, std::string_view cert_der);

// The value of TF_REATTACH_PROVIDERS for a plaintext unix-socket server:
// {"registry.terraform.io/adbjit/adbjit":{"Protocol":"grpc","ProtocolVersion":6,"Pid":..,
//  "Test":true,"Addr":{"Network":"unix","String":"<path>"}}}
std::string ReattachJson(std::string_view socket_path, long pid);

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_HANDSHAKE_H_
