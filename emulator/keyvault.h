// Emulated Azure Key Vault secrets data plane (api-version 7.4/7.5) with asynchronous soft delete.
#ifndef ADBJIT_EMULATOR_KEYVAULT_H_
#define ADBJIT_EMULATOR_KEYVAULT_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator/jwt.h"
#include "emulator/server.h"

namespace adbjit::emulator {

class KeyVault {
 public:
  KeyVault(const Options& options, const JwtSigner& signer);

  void Handle(const httplib::Request& req, httplib::Response& res, std::string* route);
  void set_entra_url(const std::string& url) { entra_url_ = url; }
  void set_scheme(const std::string& scheme) { scheme_ = scheme; }

  nlohmann::json ObjectsJson() const;  // admin view: no values
  nlohmann::json Save() const;         // state file section (with values)
  void Load(const nlohmann::json& state);
  void Reset();

 private:
  // kPurging: purged, still visible under /deletedsecrets and blocking the name until the purge delay
  // ends; the name stays blocked for one more delay after that (name_blocked_until_).
  enum class Phase { kLive, kDeleting, kDeleted, kRecovering, kPurging };
  struct Version {
    std::string id;  // 32 hex
    std::string value;
    std::optional<std::string> content_type;
    nlohmann::json tags;  // object or null
    bool enabled = true;
    std::optional<int64_t> nbf, exp;  // epoch seconds
    int64_t created = 0, updated = 0;
  };
  struct Secret {
    std::string name;               // as first written; lookups ignore case, as Key Vault's do
    std::vector<Version> versions;  // creation order; back() is the latest
    Phase phase = Phase::kLive;
    int64_t phase_since_ms = 0;
    int64_t deleted_date = 0;  // epoch seconds
  };
  using Key = std::pair<std::string, std::string>;  // (vault, name in lower case)
  struct Ctx;                                       // per-request data (vault, base URL, version)

  // Whether the live secret answers (GET, versions, delete): also while being deleted; not once
  // deleted, while being recovered or while being purged.
  static bool Readable(Phase p);
  void SettleLocked(int64_t now_ms) const;  // advances timed transitions; requires mu_
  bool Authorize(const httplib::Request& req, httplib::Response& res);

  void SetSecret(const Ctx& c, const std::string& name, const httplib::Request& req, httplib::Response& res);
  void GetSecret(const Ctx& c, const std::string& name, const std::string& version, httplib::Response& res);
  void UpdateSecret(const Ctx& c, const std::string& name, const std::string& version,
                    const httplib::Request& req, httplib::Response& res);
  void ListVersions(const Ctx& c, const std::string& name, const httplib::Request& req, httplib::Response& res);
  void ListSecrets(const Ctx& c, bool deleted, const httplib::Request& req, httplib::Response& res);
  void DeleteSecret(const Ctx& c, const std::string& name, httplib::Response& res);
  void GetDeleted(const Ctx& c, const std::string& name, httplib::Response& res);
  void Purge(const Ctx& c, const std::string& name, httplib::Response& res);
  void Recover(const Ctx& c, const std::string& name, httplib::Response& res);

  nlohmann::json Attributes(const Version& v) const;
  // Applies a PUT's or a PATCH's contentType, tags and attributes to `v`, checked alike: the
  // reason for a 400 BadParameter, or "".
  static std::string ApplyVersionFields(const nlohmann::json& body, Version& v);
  nlohmann::json Bundle(const Ctx& c, const std::string& name, const Version& v, bool with_value) const;
  nlohmann::json DeletedFields(const Ctx& c, const std::string& name, const Secret& s) const;
  std::string RecoveryLevel() const;

  const Options& options_;
  const JwtSigner& signer_;
  std::string entra_url_;
  std::string scheme_ = "http";

  mutable std::mutex mu_;
  // Timed transitions are applied lazily (under mu_) by every reader, hence mutable.
  mutable std::map<Key, Secret> secrets_;
  // A purged name once /deletedsecrets answers 404: PUT still gets 409 ObjectIsBeingDeleted until
  // this epoch ms (one more purge delay).
  mutable std::map<Key, int64_t> name_blocked_until_;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_KEYVAULT_H_
