// WWW-Authenticate parsing for Key Vault's bearer challenge.
#include "provider/clients/auth/challenge.h"

#include <cctype>
#include <map>

#include "provider/clients/auth/cloud.h"
#include "provider/clients/http/url.h"
#include "provider/util/ascii.h"

namespace adbjit::auth {

std::string BearerChallenge::ScopeToRequest() const {
  return !scope.empty() ? scope : ScopeForResource(resource);
}

std::optional<BearerChallenge> ParseBearerChallenge(std::string_view header) {
  size_t i = 0;
  while (i < header.size() && std::isspace(static_cast<unsigned char>(header[i]))) ++i;
  if (AsciiLower(header.substr(i, 6)) != "bearer") return std::nullopt;
  i += 6;
  std::map<std::string, std::string> params;
  while (i < header.size()) {
    while (i < header.size() && (std::isspace(static_cast<unsigned char>(header[i])) || header[i] == ',')) ++i;
    size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key = AsciiLower(header.substr(i, eq - i));
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    i = eq + 1;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      size_t end = header.find('"', i + 1);
      if (end == std::string_view::npos) end = header.size();
      value = std::string(header.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      size_t end = header.find(',', i);
      if (end == std::string_view::npos) end = header.size();
      value = std::string(header.substr(i, end - i));
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
      i = end;
    }
    params[key] = value;
  }
  BearerChallenge c;
  c.authorization = params.count("authorization") ? params["authorization"] : params["authorization_uri"];
  c.resource = params["resource"];
  c.scope = params["scope"];
  if (c.resource.empty() && c.scope.empty()) return std::nullopt;
  if (auto u = http::ParseUrl(c.authorization); u.ok()) {
    std::string path = u->path;
    size_t start = path.find_first_not_of('/');
    if (start != std::string::npos) {
      size_t end = path.find('/', start);
      c.tenant = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
  }
  return c;
}

Status CheckChallengeResource(const BearerChallenge& challenge, std::string_view vault_host_in) {
  std::string vault_host = AsciiLower(vault_host_in);
  if (http::IsLoopbackHost(vault_host)) return Status::OK();
  // The audience of the token that would be requested (scope wins over resource when both come).
  std::string named = ResourceForScope(challenge.ScopeToRequest());
  auto u = http::ParseUrl(named);
  if (!u.ok()) {
    return PermissionDeniedError("Key Vault challenge names an unusable resource \"" + named + "\"");
  }
  const std::string& rh = u->host;
  bool suffix = vault_host == rh ||
                (vault_host.size() > rh.size() && vault_host.ends_with(rh) &&
                 vault_host[vault_host.size() - rh.size() - 1] == '.');
  if (!suffix) {
    return PermissionDeniedError("Key Vault challenge asks for a token for " + rh + ", which does not match vault host " +
                                 vault_host + "; refusing to send a token");
  }
  return Status::OK();
}

}  // namespace adbjit::auth
