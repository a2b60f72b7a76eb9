// JSON conversion of Key Vault secrets and the secret-name rules.
#include "provider/clients/keyvault/types.h"

#include <cctype>

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
