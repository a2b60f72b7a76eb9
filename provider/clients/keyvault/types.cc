// JSON conversion and time helpers for Key Vault secrets.
#include "provider/clients/keyvault/types.h"

#include <time.h>

#include <cctype>
#include <cstdio>

#include "provider/clients/http/url.h"
#include "provider/clients/internal/json_util.h"

namespace adbjit::keyvault {
namespace {

using nlohmann::json;

json AttributesJson(const std::optional<bool>& enabled, const std::optional<int64_t>& nbf,
                    const std::optional<int64_t>& exp) {
  json a = json::object();
  if (enabled) a["enabled"] = *enabled;
  if (nbf) a["nbf"] = *nbf;
  if (exp) a["exp"] = *exp;
  return a;
}

}  // namespace

std::string SecretBundle::VersionlessId() const {
  size_t pos = id.find("/secrets/");
  if (pos == std::string::npos) return id;
  size_t slash = id.find('/', pos + 9);
  return slash == std::string::npos ? id : id.substr(0, slash);
}

json SetJson(const SetSecretParams& p) {
  json j = {{"value", p.value.Reveal()}};
  if (p.content_type) j["contentType"] = *p.content_type;
  if (!p.tags.empty()) j["tags"] = p.tags;
  json a = AttributesJson(p.enabled, p.nbf, p.exp);
  if (!a.empty()) j["attributes"] = a;
  return j;
}

json UpdateJson(const UpdateSecretParams& p) {
  json j = json::object();
  if (p.content_type) j["contentType"] = *p.content_type;
  if (p.tags) j["tags"] = *p.tags;
  json a = AttributesJson(p.enabled, p.nbf, p.exp);
  if (!a.empty()) j["attributes"] = a;
  return j;
}

void from_json(const json& j, SecretBundle& b) {
  b = SecretBundle{};
  if (!j.is_object()) return;
  b.id = internal::GetString(j, "id");
  if (auto u = http::ParseUrl(b.id); u.ok()) {
    // /secrets/{name}[/{version}] or /deletedsecrets/{name}
    std::string path = u->path;
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < path.size()) {
      size_t next = path.find('/', i);
      if (next == std::string::npos) next = path.size();
      if (next > i) parts.push_back(path.substr(i, next - i));
      i = next + 1;
    }
    if (parts.size() >= 2) b.name = parts[1];
    if (parts.size() >= 3) b.version = parts[2];
  }
  std::string value = internal::GetString(j, "value");
  if (!value.empty()) b.value = Secret(std::move(value));
  if (auto it = j.find("contentType"); it != j.end() && it->is_string()) b.content_type = it->get<std::string>();
  if (auto it = j.find("attributes"); it != j.end() && it->is_object()) {
    const json& a = *it;
    if (auto e = a.find("enabled"); e != a.end() && e->is_boolean()) b.attributes.enabled = e->get<bool>();
    b.attributes.nbf = internal::GetInt64(a, "nbf");
    b.attributes.exp = internal::GetInt64(a, "exp");
    b.attributes.created = internal::GetInt64(a, "created");
    b.attributes.updated = internal::GetInt64(a, "updated");
    if (auto d = internal::GetInt64(a, "recoverableDays")) b.attributes.recoverable_days = static_cast<int>(*d);
    b.attributes.recovery_level = internal::GetString(a, "recoveryLevel");
  }
  if (auto it = j.find("tags"); it != j.end() && it->is_object()) {
    for (auto& [k, v] : it->items()) b.tags[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  b.kid = internal::GetString(j, "kid");
  if (auto it = j.find("managed"); it != j.end() && it->is_boolean()) b.managed = it->get<bool>();
  b.recovery_id = internal::GetString(j, "recoveryId");
  b.deleted_date = internal::GetInt64(j, "deletedDate");
  b.scheduled_purge_date = internal::GetInt64(j, "scheduledPurgeDate");
}

std::string ToRfc3339(int64_t epoch_seconds) {
  time_t t = static_cast<time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

StatusOr<int64_t> ParseRfc3339(const std::string& text) {
  int y, mo, d, h, mi, s;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6 ||
      consumed != 19) {
    return InvalidArgumentError("\"" + text + "\" is not an RFC 3339 time (2024-05-01T12:00:00Z)");
  }
  size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  }
  int64_t offset = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z') && i + 1 == text.size()) {
    offset = 0;
  } else if (i + 6 == text.size() && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':') {
    int oh = std::atoi(text.substr(i + 1, 2).c_str());
    int om = std::atoi(text.substr(i + 4, 2).c_str());
    offset = (oh * 3600 + om * 60) * (text[i] == '+' ? 1 : -1);
  } else {
    return InvalidArgumentError("\"" + text + "\" is not an RFC 3339 time (2024-05-01T12:00:00Z)");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

Status ValidateSecretName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 127;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) ok = false;
  }
  if (ok) return Status::OK();
  return InvalidArgumentError("invalid Key Vault secret name \"" + name +
                              "\": 1-127 characters, letters, digits and '-' only");
}

}  // namespace adbjit::keyvault
