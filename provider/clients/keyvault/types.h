// Key Vault secret types (api-version 7.4) and epoch-second time points.
#ifndef ADBJIT_CLIENTS_KEYVAULT_TYPES_H_
#define ADBJIT_CLIENTS_KEYVAULT_TYPES_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "provider/util/secret.h"
#include "provider/util/status.h"

namespace adbjit::keyvault {

// All Key Vault times are Unix epoch seconds.
struct SecretAttributes {
  std::optional<bool> enabled;
  std::optional<int64_t> nbf;      // not before
  std::optional<int64_t> exp;      // expires
  std::optional<int64_t> created;  // read-only
  std::optional<int64_t> updated;  // read-only
  std::optional<int> recoverable_days;
  std::string recovery_level;      // "Recoverable+Purgeable", ...
};

// SecretBundle / SecretItem / DeletedSecretBundle in one struct (fields absent stay empty).
struct SecretBundle {
  std::string id;           // https://{vault}/secrets/{name}/{version}
  std::string name;         // from id
  std::string version;      // from id (32 hex)
  Secret value;             // empty for list items, recover and delete answers
  std::optional<std::string> content_type;
  SecretAttributes attributes;
  std::map<std::string, std::string> tags;
  std::string kid;
  bool managed = false;
  // Deleted bundles only.
  std::string recovery_id;
  std::optional<int64_t> deleted_date;
  std::optional<int64_t> scheduled_purge_date;

  // https://{vault}/secrets/{name} (id without the version).
  std::string VersionlessId() const;
};

// PUT body: a new version with exactly these attributes and tags (nothing is inherited).
struct SetSecretParams {
  Secret value;
  std::optional<std::string> content_type;
  std::map<std::string, std::string> tags;
  std::optional<bool> enabled;
  std::optional<int64_t> nbf;
  std::optional<int64_t> exp;
};

// PATCH body: only the fields set are sent; the rest stay. exp/nbf cannot be removed this way.
struct UpdateSecretParams {
  std::optional<std::string> content_type;
  std::optional<std::map<std::string, std::string>> tags;
  std::optional<bool> enabled;
  std::optional<int64_t> nbf;
  std::optional<int64_t> exp;
};

nlohmann::json SetJson(const SetSecretParams& p);
nlohmann::json UpdateJson(const UpdateSecretParams& p);
void from_json(const nlohmann::json& j, SecretBundle& b);

inline std::chrono::system_clock::time_point ToTimePoint(int64_t s) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}
inline int64_t ToEpochSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Secret names: ^[0-9a-zA-Z-]{1,127}$. InvalidArgument naming the rule otherwise.
Status ValidateSecretName(const std::string& name);

}  // namespace adbjit::keyvault

#endif  // ADBJIT_CLIENTS_KEYVAULT_TYPES_H_
