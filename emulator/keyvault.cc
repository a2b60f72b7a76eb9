// Emulated Azure Key Vault secrets data plane (api-version 7.4/7.5) with asynchronous soft delete.
#include "emulator/keyvault.h"

#include <algorithm>
#include <regex>

#include "emulator/common.h"
#include "emulator/entra.h"

namespace adbjit::emulator {

namespace {
constexpr size_t kMaxValueBytes = 25 * 1024;
constexpr size_t kMaxTags = 15;
constexpr int64_t kMaxPage = 25;

void KvError(httplib::Response& res, int status, const std::string& code, const std::string& message,
             const std::string& inner = "") {
  nlohmann::json err = {{"code", code}, {"message", message}};
  if (!inner.empty()) err["innererror"] = {{"code", inner}};
  ReplyJson(res, status, {{"error", err}});
  res.set_header("x-ms-error-code", inner.empty() ? code : inner);
}

void NotFound(httplib::Response& res, const std::string& what) {
  KvError(res, 404, "SecretNotFound",
          "A secret with (name/id) " + what +
              " was not found in this key vault. If you recently deleted this secret you may be able to "
              "recover it using the correct recovery command. For help resolving this issue, please see "
              "https://go.microsoft.com/fwlink/?linkid=2125182");
}

// One page of a list reply: `maxresults` items (25 at most) from `$skiptoken`, and a nextLink to
// `list_url` for the rest, as Key Vault pages its lists.
void ReplyPage(const httplib::Request& req, httplib::Response& res, const std::vector<nlohmann::json>& items,
               const std::string& list_url, const std::string& api_version) {
  int64_t max = kMaxPage, skip = 0;
  if (req.has_param("maxresults") &&
      (!JsonInt64(req.get_param_value("maxresults"), &max) || max < 1 || max > kMaxPage)) {
    return KvError(res, 400, "BadParameter", "maxresults must be an integer between 1 and 25.");
  }
  if (req.has_param("$skiptoken") && !JsonInt64(req.get_param_value("$skiptoken"), &skip)) skip = 0;
  nlohmann::json page = nlohmann::json::array();
  for (int64_t i = std::max<int64_t>(skip, 0); i < static_cast<int64_t>(items.size()) && i < skip + max; ++i) {
    page.push_back(items[i]);
  }
  nlohmann::json out = {{"value", page}, {"nextLink", nullptr}};
  if (skip + max < static_cast<int64_t>(items.size())) {
    out["nextLink"] = list_url + "?api-version=" + api_version + "&$skiptoken=" + std::to_string(skip + max) +
                      "&maxresults=" + std::to_string(max);
  }
  ReplyJson(res, 200, out);
}

// Vault name from the Host header: "myvault.localhost:8443" -> "myvault"; IPs and localhost -> "default".
std::string VaultName(const std::string& host_header) {
  std::string host = host_header;
  if (!host.empty() && host[0] == '[') return "default";
  host = host.substr(0, host.find(':'));
  if (host.empty() || host == "localhost") return "default";
  if (std::all_of(host.begin(), host.end(), [](char c) { return std::isdigit(uint8_t(c)) || c == '.'; })) {
    return "default";
  }
  size_t dot = host.find('.');
  return dot == std::string::npos ? host : host.substr(0, dot);
}
}  // namespace

bool KeyVault::Readable(Phase p) { return p == Phase::kLive || p == Phase::kDeleting; }

struct KeyVault::Ctx {
  std::string vault;
  std::string base;  // scheme://host:port
  std::string api_version;
  // Key Vault object names ignore case: "Pool-Id" and "pool-id" are one secret.
  Key key(const std::string& name) const { return {vault, Lower(name)}; }
};

KeyVault::KeyVault(const Options& options, const JwtSigner& signer) : options_(options), signer_(signer) {}

std::string KeyVault::RecoveryLevel() const {
  std::string level = options_.kv_retention_days < 90 ? "CustomizedRecoverable" : "Recoverable";
  return options_.kv_purge_protection ? level : level + "+Purgeable";
}

void KeyVault::SettleLocked(int64_t now_ms) const {
  for (auto it = secrets_.begin(); it != secrets_.end();) {
    Secret& s = it->second;
    if (s.phase == Phase::kPurging && now_ms >= s.phase_since_ms + options_.kv_purge_delay_ms) {
      const int64_t blocked_until = s.phase_since_ms + 2 * int64_t{options_.kv_purge_delay_ms};
      if (now_ms < blocked_until) name_blocked_until_[it->first] = blocked_until;
      it = secrets_.erase(it);
      continue;
    }
    if (s.phase == Phase::kDeleting && now_ms >= s.phase_since_ms + options_.kv_delete_delay_ms) {
      s.phase = Phase::kDeleted;
      s.phase_since_ms = now_ms;
    } else if (s.phase == Phase::kRecovering && now_ms >= s.phase_since_ms + options_.kv_recover_delay_ms) {
      s.phase = Phase::kLive;
      s.phase_since_ms = now_ms;
    }
    ++it;
  }
  std::erase_if(name_blocked_until_, [&](const auto& entry) { return now_ms >= entry.second; });
}

bool KeyVault::Authorize(const httplib::Request& req, httplib::Response& res) {
  std::string tenant = options_.principals.empty() ? "" : options_.principals.front().tenant_id;
  auto challenge = [&](const std::string& message) {
    KvError(res, 401, "Unauthorized", message);
    res.set_header("WWW-Authenticate", "Bearer authorization=\"" + entra_url_ + "/" + tenant +
                                            "\", resource=\"" + std::string(kVaultAudience) + "\"");
    return false;
  };
  std::string token = BearerToken(req);
  if (token.empty()) return challenge("AKV10000: Request is missing a Bearer or PoP token.");
  nlohmann::json claims;
  if (!signer_.Verify(token, &claims)) return challenge("AKV10000: The access token is invalid or malformed.");
  std::string aud = claims.value("aud", "");
  if (aud != kVaultAudience && aud != std::string(kVaultAudience) + "/") {
    return challenge("AKV10022: Invalid audience. Expected " + std::string(kVaultAudience) + ", found: " + aud + ".");
  }
  int64_t exp = 0;
  if (!JsonInt64(claims.value("exp", nlohmann::json(0)), &exp) || exp <= NowSec()) {
    return challenge("AKV10032: Token expired.");
  }
  return true;
}

namespace {
// The normalised route of a Key Vault path, known before authentication.
std::string KvRoute(const std::string& path) {
  static const std::regex kVersions("^/secrets/[^/]+/versions/?$");
  static const std::regex kVersion("^/secrets/[^/]+/[^/]+/?$");
  static const std::regex kName("^/secrets/[^/]+/?$");
  static const std::regex kRecover("^/deletedsecrets/[^/]+/recover/?$");
  static const std::regex kDeleted("^/deletedsecrets/[^/]+/?$");
  if (path == "/secrets" || path == "/secrets/") return "/secrets";
  if (path == "/deletedsecrets" || path == "/deletedsecrets/") return "/deletedsecrets";
  if (std::regex_match(path, kVersions)) return "/secrets/{name}/versions";
  if (std::regex_match(path, kVersion)) return "/secrets/{name}/{version}";
  if (std::regex_match(path, kName)) return "/secrets/{name}";
  if (std::regex_match(path, kRecover)) return "/deletedsecrets/{name}/recover";
  if (std::regex_match(path, kDeleted)) return "/deletedsecrets/{name}";
  return "(unknown)";
}
}  // namespace

void KeyVault::Handle(const httplib::Request& req, httplib::Response& res, std::string* route) {
  *route = KvRoute(req.path);
  res.set_header("x-ms-keyvault-service-version", "1.9.1.0");
  res.set_header("x-ms-keyvault-region", "emulator");
  res.set_header("x-ms-request-id", NewGuid());
  if (req.has_header("x-ms-client-request-id")) {
    res.set_header("x-ms-client-request-id", req.get_header_value("x-ms-client-request-id"));
  }
  Ctx c;
  c.api_version = req.get_param_value("api-version");
  if (c.api_version.empty()) {
    KvError(res, 400, "BadParameter", "The 'api-version' query parameter is missing or empty.");
    return;
  }
  if (c.api_version != "7.4" && c.api_version != "7.5") {
    KvError(res, 400, "BadParameter",
            "The specified version (" + c.api_version + ") is not recognized. Consider using the latest supported "
            "version (7.5).");
    return;
  }
  if (!Authorize(req, res)) return;
  std::string host = req.get_header_value("Host");
  if (host.empty()) host = req.local_addr + ":" + std::to_string(req.local_port);
  c.vault = VaultName(host);
  c.base = scheme_ + "://" + host;

  static const std::regex kSecretPath("^/secrets/([^/]+)(/([^/]*))?/?$");
  static const std::regex kDeletedPath("^/deletedsecrets/([^/]+)(/recover)?/?$");
  static const std::regex kName("^[0-9a-zA-Z-]{1,127}$");
  const std::string& m = req.method;
  std::smatch match;
  auto bad_name = [&](const std::string& name) {
    if (std::regex_match(name, kName)) return false;
    KvError(res, 400, "BadParameter",
            "The request URI contains an invalid name: " + name +
                ". Secret names may contain only 0-9, a-z, A-Z and -, and be 1 to 127 characters long.");
    return true;
  };
  if ((req.path == "/secrets" || req.path == "/secrets/") && m == "GET") {
    return ListSecrets(c, false, req, res);
  }
  if ((req.path == "/deletedsecrets" || req.path == "/deletedsecrets/") && m == "GET") {
    return ListSecrets(c, true, req, res);
  }
  if (std::regex_match(req.path, match, kSecretPath)) {
    std::string name = UrlDecode(match[1].str());
    std::string second = match[3].str();
    if (bad_name(name)) return;
    if (second.empty()) {
      if (m == "PUT") return SetSecret(c, name, req, res);
      if (m == "GET") return GetSecret(c, name, "", res);
      if (m == "PATCH") return UpdateSecret(c, name, "", req, res);
      if (m == "DELETE") return DeleteSecret(c, name, res);
    } else if (second == "versions" && m == "GET") {
      return ListVersions(c, name, req, res);
    } else {
      if (m == "GET") return GetSecret(c, name, second, res);
      if (m == "PATCH") return UpdateSecret(c, name, second, req, res);
    }
    KvError(res, 405, "MethodNotAllowed", "The method " + m + " is not allowed on " + req.path + ".");
    return;
  }
  if (std::regex_match(req.path, match, kDeletedPath)) {
    std::string name = UrlDecode(match[1].str());
    if (bad_name(name)) return;
    bool recover = match[2].matched;
    if (recover && m == "POST") return Recover(c, name, res);
    if (!recover && m == "GET") return GetDeleted(c, name, res);
    if (!recover && m == "DELETE") return Purge(c, name, res);
    KvError(res, 405, "MethodNotAllowed", "The method " + m + " is not allowed on " + req.path + ".");
    return;
  }
  KvError(res, 404, "NotFound", "The requested resource " + req.path + " does not exist.");
}

nlohmann::json KeyVault::Attributes(const Version& v) const {
  nlohmann::json a = {{"enabled", v.enabled}, {"created", v.created}, {"updated", v.updated},
                      {"recoverableDays", options_.kv_retention_days}, {"recoveryLevel", RecoveryLevel()}};
  if (v.nbf) a["nbf"] = *v.nbf;
  if (v.exp) a["exp"] = *v.exp;
  return a;
}

nlohmann::json KeyVault::Bundle(const Ctx& c, const std::string& name, const Version& v, bool with_value) const {
  nlohmann::json b;
  if (with_value) b["value"] = v.value;
  b["id"] = c.base + "/secrets/" + name + "/" + v.id;
  if (v.content_type) b["contentType"] = *v.content_type;
  b["attributes"] = Attributes(v);
  if (v.tags.is_object()) b["tags"] = v.tags;
  return b;
}

nlohmann::json KeyVault::DeletedFields(const Ctx& c, const std::string& name, const Secret& s) const {
  return {{"recoveryId", c.base + "/deletedsecrets/" + name},
          {"deletedDate", s.deleted_date},
          {"scheduledPurgeDate", s.deleted_date + int64_t{options_.kv_retention_days} * 86400}};
}

std::string KeyVault::ApplyVersionFields(const nlohmann::json& body, Version& v) {
  if (body.contains("contentType") && !body["contentType"].is_null()) {
    if (!body["contentType"].is_string()) return "contentType must be a string.";
    v.content_type = body["contentType"].get<std::string>();
  }
  if (body.contains("tags") && !body["tags"].is_null()) {
    const auto& t = body["tags"];
    if (!t.is_object() || t.size() > kMaxTags) return "tags must be an object of at most 15 string values.";
    for (const auto& [k, val] : t.items()) {
      if (!val.is_string()) return "Tag values must be strings.";
    }
    v.tags = t;
  }
  if (body.contains("attributes") && !body["attributes"].is_null()) {
    const auto& a = body["attributes"];
    if (!a.is_object()) return "attributes must be an object.";
    if (a.contains("enabled") && !a["enabled"].is_null()) {
      if (!a["enabled"].is_boolean()) return "attributes.enabled must be a boolean.";
      v.enabled = a["enabled"].get<bool>();
    }
    // exp/nbf can be moved but not removed: a null leaves the old value in place.
    for (const char* f : {"nbf", "exp"}) {
      if (!a.contains(f) || a[f].is_null()) continue;
      int64_t t = 0;
      if (!a[f].is_number_integer() || !JsonInt64(a[f], &t)) return std::string("attributes.") + f + " must be epoch seconds.";
      (std::string(f) == "nbf" ? v.nbf : v.exp) = t;
    }
  }
  return "";
}

void KeyVault::SetSecret(const Ctx& c, const std::string& name, const httplib::Request& req, httplib::Response& res) {
  nlohmann::json body = ParseJsonBody(req.body);
  if (!body.is_object()) return KvError(res, 400, "BadParameter", "The request body is not valid JSON.");
  if (!body.contains("value") || !body["value"].is_string()) {
    return KvError(res, 400, "BadParameter", "Property 'value' is required and must be a string.");
  }
  Version v;
  v.value = body["value"].get<std::string>();
  if (v.value.size() > kMaxValueBytes) {
    return KvError(res, 400, "BadParameter", "Secret value exceeds the maximum size of 25 KB.");
  }
  if (std::string bad = ApplyVersionFields(body, v); !bad.empty()) return KvError(res, 400, "BadParameter", bad);
  v.id = RandomHex(32);
  v.created = v.updated = NowSec();
  std::lock_guard<std::mutex> lock(mu_);
  SettleLocked(NowMs());
  auto it = secrets_.find(c.key(name));
  // Purging, or purged a moment ago: the name is not free yet.
  if (name_blocked_until_.contains(c.key(name)) || (it != secrets_.end() && it->second.phase == Phase::kPurging)) {
    return KvError(res, 409, "Conflict",
                   "Secret " + name + " is currently being deleted and cannot be re-created; retry later.",
                   "ObjectIsBeingDeleted");
  }
  if (it != secrets_.end()) {
    Phase p = it->second.phase;
    if (p == Phase::kDeleted) {
      return KvError(res, 409, "Conflict",
                     "Secret " + name + " is currently in a deleted but recoverable state, and its name cannot be "
                     "reused; in this state, the secret can only be recovered or purged.",
                     "ObjectIsDeletedButRecoverable");
    }
    if (p == Phase::kDeleting) {
      return KvError(res, 409, "Conflict", "Secret " + name + " is currently being deleted.", "ObjectIsBeingDeleted");
    }
    if (p == Phase::kRecovering) {
      return KvError(res, 409, "Conflict", "Secret " + name + " is currently being recovered.",
                     "ObjectIsBeingRecovered");
    }
  }
  Secret& s = secrets_[c.key(name)];
  if (s.versions.empty()) s.name = name;
  s.versions.push_back(v);
  ReplyJson(res, 200, Bundle(c, name, v, true));
}

void KeyVault::GetSecret(const Ctx& c, const std::string& name, const std::string& version, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mu_);
  SettleLocked(NowMs());
  auto it = secrets_.find(c.key(name));
  // A secret being deleted still answers for a while; a recovering one does not yet.
  if (it == secrets_.end() || !Readable(it->second.phase)) {
    return NotFound(res, version.empty() ? name : name + "/" + version);
  }
  const Version* v = &it->second.versions.back();
  if (!version.empty()) {
    v = nullptr;
    for (const Version& each : it->second.versions) {
      if (each.id == version) v = &each;
    }
    if (v == nullptr) return NotFound(res, name + "/" + version);
  }
  if (!v->enabled) {
    return KvError(res, 403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
  }
  ReplyJson(res, 200, Bundle(c, name, *v, true));
}

void KeyVault::UpdateSecret(const Ctx& c, const std::string& name, const std::string& version,
                            const httplib::Request& req, httplib::Response& res) {
  nlohmann::json body = ParseJsonBody(req.body);
  if (!body.is_object()) return KvError(res, 400, "BadParameter", "The request body is not valid JSON.");
  if (body.contains("value")) {
    return KvError(res, 400, "BadParameter", "The value of a secret cannot be changed by an update; set a new version.");
  }
  std::lock_guard<std::mutex> lock(mu_);
  SettleLocked(NowMs());
  auto it = secrets_.find(c.key(name));
  if (it == secrets_.end() || it->second.phase != Phase::kLive) return NotFound(res, name);
  Version* v = &it->second.versions.back();
  if (!version.empty()) {
    v = nullptr;
    for (Version& each : it->second.versions) {
      if (each.id == version) v = &each;
    }
    if (v == nullptr) return NotFound(res, name + "/" + version);
  }
  Version updated = *v;
  if (std::string bad = ApplyVersionFields(body, updated); !bad.empty()) {
    return KvError(res, 400, "BadParameter", bad);
  }
  updated.updated = NowSec();
  *v = updated;
  ReplyJson(res, 200, Bundle(c, name, *v, false));
}

void KeyVault::ListVersions(const Ctx& c, const std::string& name, const httplib::Request& req,
                            httplib::Response& res) {
  std::vector<nlohmann::json> items;
  {
    std::lock_guard<std::mutex> lock(mu_);
    SettleLocked(NowMs());
    auto it = secrets_.find(c.key(name));
    if (it == secrets_.end() || !Readable(it->second.phase)) {
      return NotFound(res, name);
    }
    for (const Version& v : it->second.versions) {
      items.push_back(Bundle(c, name, v, false));
    }
  }
  ReplyPage(req, res, items, c.base + "/secrets/" + name + "/versions", c.api_version);
}

void KeyVault::ListSecrets(const Ctx& c, bool deleted, const httplib::Request& req, httplib::Response& res) {
  std::vector<nlohmann::json> items;
  {
    std::lock_guard<std::mutex> lock(mu_);
    SettleLocked(NowMs());
    for (const auto& [key, s] : secrets_) {
      if (key.first != c.vault) continue;
      bool is_deleted = s.phase == Phase::kDeleted || s.phase == Phase::kPurging;
      bool is_live = s.phase == Phase::kLive || s.phase == Phase::kDeleting;
      if (deleted ? !is_deleted : !is_live) continue;
      nlohmann::json item = Bundle(c, s.name, s.versions.back(), false);
      item["id"] = c.base + "/secrets/" + s.name;
      if (deleted) item.update(DeletedFields(c, s.name, s));
      items.push_back(std::move(item));
    }
  }
  ReplyPage(req, res, items, c.base + (deleted ? "/deletedsecrets" : "/secrets"), c.api_version);
}

void KeyVault::DeleteSecret(const Ctx& c, const std::string& name, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = NowMs();
  SettleLocked(now);
  auto it = secrets_.find(c.key(name));
  if (it == secrets_.end() || !Readable(it->second.phase)) {
    return NotFound(res, name);
  }
  if (it->second.phase == Phase::kDeleting) {
    return KvError(res, 409, "Conflict", "Secret " + name + " is currently being deleted.", "ObjectIsBeingDeleted");
  }
  Secret& s = it->second;
  s.phase = Phase::kDeleting;
  s.phase_since_ms = now;
  s.deleted_date = now / 1000;
  SettleLocked(now);  // a zero delay completes at once
  nlohmann::json out = Bundle(c, name, s.versions.back(), false);
  out.update(DeletedFields(c, name, s));
  ReplyJson(res, 200, out);
}

void KeyVault::GetDeleted(const Ctx& c, const std::string& name, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mu_);
  SettleLocked(NowMs());
  auto it = secrets_.find(c.key(name));
  // A purged secret still shows here until the purge completes.
  if (it == secrets_.end() || (it->second.phase != Phase::kDeleted && it->second.phase != Phase::kPurging)) {
    return KvError(res, 404, "SecretNotFound", "Deleted Secret not found: " + name);
  }
  nlohmann::json out = Bundle(c, name, it->second.versions.back(), false);
  out.update(DeletedFields(c, name, it->second));
  ReplyJson(res, 200, out);
}

void KeyVault::Purge(const Ctx& c, const std::string& name, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = NowMs();
  SettleLocked(now);
  auto it = secrets_.find(c.key(name));
  if (it != secrets_.end() && it->second.phase == Phase::kDeleting) {
    return KvError(res, 409, "Conflict", "Secret is currently being deleted.", "ObjectIsBeingDeleted");
  }
  if (it == secrets_.end() || it->second.phase != Phase::kDeleted) {
    return KvError(res, 404, "SecretNotFound", "Deleted Secret not found: " + name);
  }
  if (options_.kv_purge_protection) {
    return KvError(res, 403, "Forbidden",
                   "Operation \"purge\" is not allowed because purge protection is enabled for this vault. Key Vault "
                   "service will automatically purge it after the retention period has passed.");
  }
  it->second.phase = Phase::kPurging;
  it->second.phase_since_ms = now;
  SettleLocked(now);  // a zero delay completes at once
  res.status = 204;
}

void KeyVault::Recover(const Ctx& c, const std::string& name, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = NowMs();
  SettleLocked(now);
  auto it = secrets_.find(c.key(name));
  if (it != secrets_.end() && it->second.phase == Phase::kDeleting) {
    return KvError(res, 409, "Conflict", "Secret " + name + " is currently being deleted.", "ObjectIsBeingDeleted");
  }
  if (it == secrets_.end() || it->second.phase != Phase::kDeleted) {
    return KvError(res, 404, "SecretNotFound", "Deleted Secret not found: " + name);
  }
  Secret& s = it->second;
  s.phase = Phase::kRecovering;
  s.phase_since_ms = now;
  s.deleted_date = 0;
  SettleLocked(now);
  ReplyJson(res, 200, Bundle(c, name, s.versions.back(), false));
}

namespace {
const char* PhaseName(int p) {
  static const char* kNames[] = {"live", "deleting", "deleted", "recovering", "purging"};
  return kNames[p];
}
}  // namespace

nlohmann::json KeyVault::ObjectsJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  SettleLocked(NowMs());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, s] : secrets_) {
    nlohmann::json ids = nlohmann::json::array();
    for (const Version& v : s.versions) ids.push_back(v.id);
    const Version& latest = s.versions.back();
    nlohmann::json j = {{"vault", key.first},
                        {"name", s.name},
                        {"state", PhaseName(static_cast<int>(s.phase))},
                        {"deleted", s.phase != Phase::kLive && s.phase != Phase::kRecovering},
                        {"versions", s.versions.size()},
                        {"version_ids", ids},
                        {"latest", {{"version", latest.id}, {"enabled", latest.enabled},
                                    {"content_type", latest.content_type.value_or("")},
                                    {"created", latest.created}, {"updated", latest.updated}}}};
    if (latest.exp) j["latest"]["exp"] = *latest.exp;
    if (latest.nbf) j["latest"]["nbf"] = *latest.nbf;
    if (s.phase != Phase::kLive && s.phase != Phase::kRecovering) j["deleted_date"] = s.deleted_date;
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json KeyVault::Save() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, s] : secrets_) {
    nlohmann::json versions = nlohmann::json::array();
    for (const Version& v : s.versions) {
      nlohmann::json j = {{"id", v.id}, {"value", v.value}, {"tags", v.tags}, {"enabled", v.enabled},
                          {"created", v.created}, {"updated", v.updated}};
      if (v.content_type) j["content_type"] = *v.content_type;
      if (v.nbf) j["nbf"] = *v.nbf;
      if (v.exp) j["exp"] = *v.exp;
      versions.push_back(std::move(j));
    }
    out.push_back({{"vault", key.first}, {"name", s.name}, {"phase", static_cast<int>(s.phase)},
                   {"phase_since_ms", s.phase_since_ms}, {"deleted_date", s.deleted_date}, {"versions", versions}});
  }
  return out;
}

void KeyVault::Load(const nlohmann::json& state) {
  std::lock_guard<std::mutex> lock(mu_);
  secrets_.clear();
  name_blocked_until_.clear();
  if (!state.is_array()) return;
  for (const auto& j : state) {
    Secret s;
    int phase = j.value("phase", 0);
    s.phase = static_cast<Phase>(phase >= 0 && phase <= static_cast<int>(Phase::kPurging) ? phase : 0);
    s.phase_since_ms = j.value("phase_since_ms", int64_t{0});
    s.deleted_date = j.value("deleted_date", int64_t{0});
    for (const auto& jv : j.value("versions", nlohmann::json::array())) {
      Version v;
      v.id = jv.value("id", "");
      v.value = jv.value("value", "");
      v.tags = jv.value("tags", nlohmann::json());
      v.enabled = jv.value("enabled", true);
      v.created = jv.value("created", int64_t{0});
      v.updated = jv.value("updated", int64_t{0});
      if (jv.contains("content_type")) v.content_type = jv["content_type"].get<std::string>();
      if (jv.contains("nbf")) v.nbf = jv["nbf"].get<int64_t>();
      if (jv.contains("exp")) v.exp = jv["exp"].get<int64_t>();
      s.versions.push_back(std::move(v));
    }
    s.name = j.value("name", "");
    if (!s.versions.empty()) secrets_[{j.value("vault", "default"), Lower(s.name)}] = std::move(s);
  }
}

void KeyVault::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  secrets_.clear();
  name_blocked_until_.clear();
}

}  // namespace adbjit::emulator
