// Handshake environment parsing and handshake / reattach line formatting.
#include "provider/plugin/handshake.h"

#include <cstdlib>

#include <nlohmann/json.hpp>

namespace adbjit::plugin {

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

StatusOr<std::set<int>> ParseProtocolVersions(std::string_view text) {
  std::set<int> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.empty() || item.size() > 6) {
      return InvalidArgumentError("PLUGIN_PROTOCOL_VERSIONS=\"" + std::string(text) +
                                  "\" is not a comma-separated list of protocol versions");
    }
    int v = 0;
    for (char c : item) {
      if (c < '0' || c > '9') {
        return InvalidArgumentError("PLUGIN_PROTOCOL_VERSIONS=\"" + std::string(text) +
                                    "\" is not a comma-separated list of protocol versions");
      }
      v = v * 10 + (c - '0');
    }
    out.insert(v);
    start = comma + 1;
  }
  return out;
}

StatusOr<HandshakeConfig> ParseHandshakeEnv(const EnvLookup& env) {
  auto cookie = env(kMagicCookieKey);
  if (!cookie || *cookie != kMagicCookieValue) {
    return FailedPreconditionError(std::string(kNotAPluginMessage));
  }
  HandshakeConfig cfg;
  if (auto versions = env("PLUGIN_PROTOCOL_VERSIONS"); versions && !versions->empty()) {
    ADBJIT_ASSIGN_OR_RETURN(cfg.offered_versions, ParseProtocolVersions(*versions));
    if (!cfg.offered_versions.contains(kAppProtocolVersion)) {
      std::string offered;
      for (int v : cfg.offered_versions) offered += (offered.empty() ? "" : ", ") + std::to_string(v);
      return InvalidArgumentError("Terraform offered plugin protocol version(s) " + offered +
                                  ", but terraform-provider-adbjit speaks only protocol 6 "
                                  "(Terraform 1.0 or later)");
    }
  }
  for (const char* name : {"PLUGIN_UNIX_SOCKET_DIR", "TMPDIR"}) {
    if (auto dir = env(name); dir && !dir->empty()) {
      cfg.socket_base_dir = *dir;
      break;
    }
  }
  if (cfg.socket_base_dir.empty()) cfg.socket_base_dir = "/tmp";
  if (auto group = env("PLUGIN_UNIX_SOCKET_GROUP")) cfg.socket_group = *group;
  if (auto cert = env("PLUGIN_CLIENT_CERT")) cfg.client_cert_pem = *cert;
  return cfg;
}

std::string Base64NoPad(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t n = byte(i) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (rest == 2) {
    uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::string HandshakeLine(std::string_view socket_path, std::string_view cert_der) {
  std::string line = std::to_string(kCoreProtocolVersion) + "|" + std::to_string(kAppProtocolVersion) +
                     "|unix|" + std::string(socket_path) + "|grpc|";
  if (!cert_der.empty()) line += Base64NoPad(cert_der);
  line += "\n";
  return line;
}

std::string ReattachJson(std::string_view socket_path, long pid) {
  nlohmann::ordered_json entry;
  entry["Protocol"] = "grpc";
  entry["ProtocolVersion"] = kAppProtocolVersion;
  entry["Pid"] = pid;
  entry["Test"] = true;
  entry["Addr"] = {{"Network", "unix"}, {"String", std::string(socket_path)}};
  nlohmann::ordered_json j;
  j[std::string(kProviderAddress)] = entry;
  return j.dump();
}

}  // namespace adbjit::plugin
