// Shared helpers of the adbjit resources.
#include "resources/common.h"

#include <cctype>
#include <chrono>
#include <utility>

#include "provider/clients/keyvault/errors.h"
#include "provider/clients/keyvault/types.h"
#include "provider/util/ascii.h"
#include "provider/util/log.h"
#include "provider/util/rfc3339.h"

namespace adbjit::resources {

using tf::Type;
using tf::Value;

void OpenEphemeralTokens::Add(Token token) {
  std::lock_guard lock(mu_);
  open_.push_back(std::move(token));
}

void OpenEphemeralTokens::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  std::erase_if(open_, [&](const Token& t) { return t.id == id; });
}

bool OpenEphemeralTokens::BeginCreate(const std::string& marker) {
  std::lock_guard lock(mu_);
  if (sweeping_) return false;
  open_.push_back({.id = "", .expiry = "", .marker = marker});
  ++creating_;
  return true;
}

std::vector<OpenEphemeralTokens::Token> OpenEphemeralTokens::EndCreate(const std::string& marker,
                                                                      std::optional<Token> made, bool keep_marker) {
  std::vector<Token> left;  // for the caller, once the sweep has taken the list
  {
    std::lock_guard lock(mu_);
    --creating_;
    if (taken_) {
      if (made) left.push_back(std::move(*made));
      if (keep_marker) left.push_back({.id = "", .expiry = "", .marker = marker});
    } else {
      if (!keep_marker) std::erase_if(open_, [&](const Token& t) { return t.id.empty() && t.marker == marker; });
      if (made) open_.push_back(std::move(*made));
    }
  }
  creates_ended_.notify_all();
  return left;
}

std::vector<OpenEphemeralTokens::Token> OpenEphemeralTokens::TakeAllForSweep(
    std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  sweeping_ = true;
  creates_ended_.wait_until(lock, deadline, [this] { return creating_ == 0; });
  taken_ = true;
  return std::exchange(open_, {});
}

std::vector<OpenEphemeralTokens::Token> OpenEphemeralTokens::Snapshot() const {
  std::lock_guard lock(mu_);
  return open_;
}

bool OpenEphemeralTokens::Empty() const {
  std::lock_guard lock(mu_);
  return open_.empty();
}

const ApiProviderData* Api(const tf::CallContext& ctx) {
  return dynamic_cast<const ApiProviderData*>(ctx.provider.get());
}

const ApiProviderData* RequireApi(const tf::CallContext& ctx, tf::Diagnostics& diags) {
  const ApiProviderData* api = Api(ctx);
  if (api == nullptr || !api->api_ready()) {
    diags.AddError("Provider not configured",
                   "The adbjit provider configuration is not known yet (it depends on values known only "
                   "after apply), so the remote API cannot be called in this step.");
    return nullptr;
  }
  return api;
}

const Value& Get(const Value& object, std::string_view attr) {
  static const Value kNull;
  if (object.IsNull() || !object.IsKnown()) return kNull;
  return object.Attr(attr);
}

bool IsUnknown(const Value& object, std::string_view attr) {
  if (!object.IsKnown()) return true;
  if (object.IsNull()) return false;
  return !object.Attr(attr).IsKnown();
}

bool IsEmptyOrNull(const Value& object, std::string_view attr) {
  const Value& v = Get(object, attr);
  if (!v.IsKnown()) return false;
  if (v.IsNull()) return true;
  switch (v.type().kind()) {
    case Type::Kind::kList:
    case Type::Kind::kSet:
      return v.AsElements().empty();
    case Type::Kind::kMap:
      return v.AsEntries().empty();
    case Type::Kind::kString:
      return v.AsString().empty();
    default:
      return false;
  }
}

void DropRequiresReplace(tf::PlanResponse& resp, const tf::AttributePath& path) {
  std::erase_if(resp.requires_replace, [&path](const tf::AttributePath& p) { return p == path; });
}

std::optional<std::string> GetStr(const Value& o, std::string_view a) { return Get(o, a).GetString(); }
std::optional<int64_t> GetInt(const Value& o, std::string_view a) { return Get(o, a).GetInt(); }
std::optional<bool> GetBool(const Value& o, std::string_view a) { return Get(o, a).GetBool(); }

std::optional<double> GetDouble(const Value& o, std::string_view a) {
  const Value& v = Get(o, a);
  if (v.IsNull() || !v.IsKnown() || v.type().kind() != Type::Kind::kNumber) return std::nullopt;
  return v.AsNumber().ToDouble();
}

std::optional<std::map<std::string, std::string>> GetStrMap(const Value& o, std::string_view a) {
  const Value& v = Get(o, a);
  if (v.IsNull() || !v.IsWhollyKnown()) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& [k, e] : v.AsEntries()) {
    if (auto s = e.GetString()) out[k] = *s;
  }
  return out;
}

std::optional<std::set<std::string>> GetMapKeys(const Value& o, std::string_view a) {
  const Value& v = Get(o, a);
  if (!v.IsKnown()) return std::nullopt;
  std::set<std::string> keys;
  if (!v.IsNull()) {
    for (const auto& [k, e] : v.AsEntries()) keys.insert(k);
  }
  return keys;
}

std::optional<std::vector<std::string>> GetStrList(const Value& o, std::string_view a) {
  const Value& v = Get(o, a);
  if (v.IsNull() || !v.IsWhollyKnown()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& e : v.AsElements()) {
    if (auto s = e.GetString()) out.push_back(*s);
  }
  return out;
}

Value Str(const std::optional<std::string>& s) { return s ? Value::String(*s) : Value::Null(Type::String()); }
Value Int(const std::optional<int64_t>& n) { return n ? Value::Int(*n) : Value::Null(Type::Number()); }
Value Double(const std::optional<double>& d) {
  return d ? Value::Number(tf::Number::FromDouble(*d)) : Value::Null(Type::Number());
}
Value Bool(const std::optional<bool>& b) { return b ? Value::Bool(*b) : Value::Null(Type::Bool()); }

Value StrMap(const std::optional<std::map<std::string, std::string>>& m) {
  if (!m) return Value::Null(Type::Map(Type::String()));
  std::map<std::string, Value> entries;
  for (const auto& [k, v] : *m) entries.emplace(k, Value::String(v));
  return Value::Map(Type::String(), std::move(entries));
}

Value StrList(const std::optional<std::vector<std::string>>& l) {
  if (!l) return Value::Null(Type::List(Type::String()));
  std::vector<Value> elems;
  for (const auto& s : *l) elems.push_back(Value::String(s));
  return Value::List(Type::String(), std::move(elems));
}

std::string EpochMsToRfc3339(int64_t epoch_ms) { return FormatRfc3339(epoch_ms / 1000); }

int64_t NowEpochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void RequireWorkspace(const ApiProviderData* api, const std::string& type, tf::Diagnostics& diags) {
  if (api == nullptr || !api->api_ready() || api->databricks().WorkspaceConfigured()) return;
  diags.AddError("Databricks workspace not configured",
                 type + " lives in a Databricks workspace, and the provider names none: set host (or "
                        "DATABRICKS_HOST) to the workspace URL, or azure_workspace_resource_id (or "
                        "DATABRICKS_AZURE_RESOURCE_ID) to the workspace's Azure resource ID.");
}

void GuardrailBreaches::Add(tf::Diagnostics& diags, std::string_view attr, const std::string& summary,
                            const std::string& detail) const {
  const tf::AttributePath path{std::string(attr)};
  const bool kept = !req_.prior_state.IsNull() && resp_.requires_replace.empty() &&
                    Get(req_.prior_state, attr) == Get(resp_.planned_state, attr);
  if (!kept) {
    diags.AddError(summary, detail, path);
    return;
  }
  diags.AddWarning(summary, detail + " The existing object keeps it, as this plan neither changes " + std::string(attr) +
                                " nor replaces the object; a plan that does either fails until it is within the "
                                "guard rail.",
                   path);
}

void CheckVaultUrl(const ApiProviderData* api, const tf::Value& vault_url, const tf::AttributePath& path,
                   tf::Diagnostics& diags) {
  if (api == nullptr || !api->api_ready()) return;
  auto url = vault_url.IsKnown() ? vault_url.GetString() : std::nullopt;
  if (!url) return;
  if (Status valid = api->keyvault().ValidateVaultUrl(*url); !valid.ok()) {
    diags.AddError("Invalid Key Vault URL", valid.message(), path);
  }
}

std::string ServiceWords(const Status& status) {
  const size_t at = status.message().rfind(": HTTP ");
  return AsciiLower(at == std::string::npos ? status.message() : status.message().substr(at));
}

std::optional<tf::AttributePath> TokenCreateErrorPath(const Status& status) {
  if (status.service_code() != "INVALID_PARAMETER_VALUE") return std::nullopt;
  const std::string text = ServiceWords(status);
  if (text.find("lifetime") == std::string::npos && text.find("timeout") == std::string::npos) return std::nullopt;
  return tf::AttributePath("lifetime_seconds");
}

std::optional<tf::AttributePath> SecretErrorPath(const Status& status, const tf::AttributePath& base) {
  if (status.code() == StatusCode::kAlreadyExists) return base.Attr("name");
  if (status.code() == StatusCode::kInvalidArgument) {  // BadParameter: which one, by the service's words
    const std::string text = ServiceWords(status);
    // "tag" as a word of its own ("Tag name", "tags"), not inside another ("stage").
    for (size_t at = text.find("tag"); at != std::string::npos; at = text.find("tag", at + 1)) {
      if (at == 0 || !std::isalpha(static_cast<unsigned char>(text[at - 1]))) return base.Attr("tags");
    }
    if (text.find("content type") != std::string::npos || text.find("contenttype") != std::string::npos) {
      return base.Attr("content_type");
    }
  }
  const std::string& code = status.service_code();
  // A proxy's failure (HTTPS_PROXY) is not the vault's address.
  if (status.message().find("HTTPS_PROXY") != std::string::npos) return std::nullopt;
  if (code == http::kTransportConnectFailed || code == http::kTransportTls || code == http::kTransportRefusedUrl ||
      status.message().find("check vault_url") != std::string::npos) {
    return base.Attr("vault_url");
  }
  return std::nullopt;
}

void AddApiError(tf::Diagnostics& diags, const Status& status, const std::string& summary,
                 std::optional<tf::AttributePath> path) {
  diags.AddStatus(status, summary, std::move(path));
}

std::string WriterType(const keyvault::SecretBundle& version) {
  auto tag = version.tags.find(kWriterTag);
  return tag == version.tags.end() ? "" : tag->second.substr(0, tag->second.find(':'));
}

Status CheckSecretNotForeign(keyvault::Client& kv, const std::string& vault_url, const std::string& name,
                             std::string_view writer_type, const std::string& advice) {
  std::optional<StatusOr<std::vector<keyvault::SecretBundle>>> versions;
  auto latest = kv.GetSecret(vault_url, name);
  if (!latest.ok()) {
    const Status& s = latest.status();
    if (s.IsNotFound()) return Status::OK();
    if (s.service_code() != keyvault::kSecretDisabled) return s;
    // Disabled: its value cannot be read, but the list of its versions still carries their tags.
    versions = kv.ListSecretVersions(vault_url, name);
    if (!versions->ok()) {
      return AlreadyExistsError("Key Vault secret \"" + name + "\" already exists in " + vault_url +
                                " and is disabled, and its versions could not be listed to tell whether adbjit "
                                "wrote it (" + versions->status().message() + "; that needs the List permission "
                                "on secrets), so writing it could take it over: " + advice);
    }
    const keyvault::SecretBundle* newest = nullptr;
    for (const auto& v : **versions) {
      auto when = [](const keyvault::SecretBundle& b) {
        return std::make_pair(b.attributes.created.value_or(0), b.attributes.updated.value_or(0));
      };
      if (newest == nullptr || when(v) > when(*newest)) newest = &v;
    }
    if (newest == nullptr) return Status::OK();  // no version left to take over
    latest = *newest;
  }
  if (auto tag = latest->tags.find(kWriterTag); tag != latest->tags.end()) {
    const std::string other = WriterType(*latest);
    if (other.empty() || other == writer_type) return Status::OK();
    return AlreadyExistsError("Key Vault secret \"" + name + "\" in " + vault_url + " is written by an " + other +
                              " (its latest version carries the tag " + std::string(kWriterTag) + " = \"" +
                              tag->second + "\"), so writing it here would take it from that resource (and a "
                              "destroy would delete it with its history). If that " + other +
                              " is being removed in this same apply, apply again once it is gone; otherwise "
                              "choose another name.");
  }
  // Its latest version is someone else's; an earlier one of ours makes it an overwritten secret of ours.
  if (!versions) versions = kv.ListSecretVersions(vault_url, name);
  std::string unlisted;
  if (versions->ok()) {
    for (const auto& v : **versions) {
      if (v.tags.contains(kWriterTag)) return Status::OK();
    }
  } else {
    unlisted = " (its earlier versions could not be listed to check for one of adbjit's: " +
               versions->status().message() + "; that needs the List permission on secrets)";
  }
  return AlreadyExistsError("Key Vault secret \"" + name + "\" already exists in " + vault_url +
                            " and was not written by adbjit" + unlisted +
                            ", so writing it would take it over (and a destroy would delete it with its history): " +
                            advice);
}

StatusOr<keyvault::SecretBundle> WriteSecret(keyvault::Client& kv, const std::string& vault_url,
                                             const std::string& name, keyvault::SetSecretParams params,
                                             bool recover, const std::string& writer) {
  params.tags[kWriterTag] = writer;
  auto written = kv.SetSecret(vault_url, name, params);
  if (written.ok() || written.status().service_code() != keyvault::kObjectIsDeletedButRecoverable) return written;
  if (!recover) {
    // Purging is a way out only where purge protection is off ("...+Purgeable"); the deleted
    // secret says which. When it cannot be read, name both ways.
    auto deleted = kv.GetDeletedSecret(vault_url, name);
    const bool purgeable = !deleted.ok() || deleted->attributes.recovery_level.ends_with("Purgeable");
    Status s = written.status();
    return s.Annotate("a soft-deleted secret named \"" + name +
                      "\" blocks the name; set recover_soft_deleted = true to recover and overwrite it" +
                      (purgeable ? ", or purge it first"
                                 : " (purge protection is on, so it cannot be purged before its retention ends)"));
  }
  auto recovered = kv.RecoverDeletedSecretAndWait(vault_url, name);
  if (!recovered.ok()) return recovered.status();
  return kv.SetSecret(vault_url, name, params);
}

namespace {

// A vault URL without trailing slashes, in lower case, and without https's own port (:443).
std::string CanonicalVaultUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  url = AsciiLower(url);
  constexpr std::string_view kHttps = "https://";
  if (url.starts_with(kHttps)) {
    const size_t end = std::min(url.find('/', kHttps.size()), url.size());
    if (std::string_view(url).substr(0, end).ends_with(":443")) url.erase(end - 4, 4);
  }
  return url;
}

}  // namespace

Value WithPriorSecretSpelling(const Value& prior, const Value& planned) {
  Value out = planned;
  auto prior_vault = GetStr(prior, "vault_url");
  auto planned_vault = GetStr(planned, "vault_url");
  if (prior_vault && planned_vault && CanonicalVaultUrl(*prior_vault) == CanonicalVaultUrl(*planned_vault)) {
    out = out.WithAttr("vault_url", Value::String(*prior_vault));
  }
  auto prior_name = GetStr(prior, "name");
  auto planned_name = GetStr(planned, "name");
  if (prior_name && planned_name && AsciiLower(*prior_name) == AsciiLower(*planned_name)) {
    out = out.WithAttr("name", Value::String(*prior_name));
  }
  return out;
}

bool IsOwnVersion(const keyvault::SecretBundle& version, const std::string& versioned_id,
                  std::string_view own_writer) {
  if (version.id == versioned_id) return true;
  if (own_writer.empty()) return false;
  auto tag = version.tags.find(kWriterTag);
  return tag != version.tags.end() && tag->second == own_writer;
}

StatusOr<LatestVersion> CheckLatestVersion(keyvault::Client& kv, const std::string& vault_url,
                                           const std::string& name, const std::string& versioned_id,
                                           keyvault::SecretBundle* latest, std::string_view own_writer) {
  auto bundle = kv.GetSecret(vault_url, name);
  if (bundle.ok() && latest != nullptr) *latest = *bundle;
  if (bundle.ok()) return IsOwnVersion(*bundle, versioned_id, own_writer) ? LatestVersion::kOurs : LatestVersion::kNewer;
  if (bundle.status().IsNotFound()) return LatestVersion::kGone;
  if (bundle.status().service_code() == keyvault::kSecretDisabled) return LatestVersion::kDisabled;
  return bundle.status();
}

namespace {

// Purges the soft-deleted secret whose latest version was `deleted_id`; purge protection is a warning.
void PurgeSecret(keyvault::Client& kv, const std::string& vault_url, const std::string& name,
                 const std::string& deleted_id, tf::Diagnostics& diags, const std::optional<tf::AttributePath>& path) {
  Status purged = kv.PurgeDeletedSecretAndWait(vault_url, name, deleted_id);
  if (purged.ok()) return;
  if (purged.service_code() == keyvault::kPurgeProtectionEnabled) {
    diags.AddWarning("Secret not purged",
                     "Purge protection is enabled on the vault, so the secret \"" + name +
                         "\" stays soft-deleted until its retention period ends. Its name cannot be reused "
                         "until then unless it is recovered.");
    return;
  }
  AddApiError(diags, purged, "Cannot purge Key Vault secret", path);
}

}  // namespace

void WarnSecretLeftToItsWriter(const keyvault::SecretBundle& newest, const std::string& name, tf::Diagnostics& diags,
                               const std::optional<tf::AttributePath>& path) {
  if (newest.tags.contains(kWriterTag)) return;
  diags.AddWarning("Secret left in Key Vault",
                   "The latest version of the secret \"" + name + "\" was written outside Terraform after the "
                   "version this resource wrote, so the destroy leaves the secret, with all its versions, to "
                   "whoever wrote it. A replacement that writes the same secret takes it back; otherwise "
                   "delete it by hand if it should go (az keyvault secret delete).",
                   path);
}

StatusOr<std::string> SoftDeletedEndsIn(keyvault::Client& kv, const std::string& vault_url, const std::string& name,
                                        const std::string& versioned_id, std::string_view own_writer) {
  auto deleted = kv.GetDeletedSecret(vault_url, name);
  if (deleted.ok()) return IsOwnVersion(*deleted, versioned_id, own_writer) ? deleted->id : std::string();
  if (deleted.status().IsNotFound()) return std::string();
  return deleted.status();
}

void RemoveObjectsSecret(keyvault::Client& kv, const std::string& vault_url, const std::string& name,
                         const std::string& versioned_id, bool purge, tf::Diagnostics& diags,
                         std::optional<tf::AttributePath> path, std::string_view own_writer) {
  keyvault::SecretBundle newest;
  auto latest = CheckLatestVersion(kv, vault_url, name, versioned_id, &newest, own_writer);
  if (!latest.ok()) {
    AddApiError(diags, latest.status(), "Cannot read Key Vault secret", path);
    return;
  }
  // No live secret: purge only a soft-deleted one that ends in the object's version (or its own tag).
  auto purge_if_ours = [&] {
    if (!purge) return;
    auto ours = SoftDeletedEndsIn(kv, vault_url, name, versioned_id, own_writer);
    if (!ours.ok()) {
      AddApiError(diags, ours.status(), "Cannot read deleted Key Vault secret", path);
    } else if (!ours->empty()) {
      PurgeSecret(kv, vault_url, name, *ours, diags, path);
    }
  };
  if (*latest == LatestVersion::kNewer) {
    // Another adbjit resource's version (a replacement made first, say) is theirs to remove; one
    // written outside adbjit is left to whoever wrote it, and the destroy says so.
    WarnSecretLeftToItsWriter(newest, name, diags, path);
    return;
  }
  if (*latest == LatestVersion::kGone) return purge_if_ours();
  bool joined = false;  // the delete met one already under way
  auto deleted = kv.DeleteSecret(vault_url, name, &joined);
  if (!deleted.ok()) {
    if (deleted.status().IsNotFound()) return purge_if_ours();
    AddApiError(diags, deleted.status(), "Cannot delete Key Vault secret", path);
    return;
  }
  if (!deleted->id.empty() && !IsOwnVersion(*deleted, versioned_id, own_writer) && joined) {
    // A newer version came between the check and the delete, and a delete already under way took
    // it: most likely whoever wrote it, or someone else, deleting the secret on purpose, which a
    // recover would undo (it may also be this delete's own first attempt, whose answer was lost).
    diags.AddWarning("Secret deleted with a version this resource did not write",
                     "Another delete of the secret \"" + name + "\" was under way when this resource deleted it, "
                     "and it took a version written after this resource's (" + deleted->id + "). The secret is left "
                     "soft-deleted, neither recovered nor purged. If that version should stay, recover it "
                     "(az keyvault secret recover).",
                     path);
    return;
  }
  if (!deleted->id.empty() && !IsOwnVersion(*deleted, versioned_id, own_writer)) {
    // A newer version came between the check and the delete, and this delete took it: bring it back.
    log::Info("keyvault", "a newer version was written while the secret was being deleted; recovering it",
              {{"name", name}});
    auto recovered = kv.RecoverDeletedSecretAndWait(vault_url, name);
    if (!recovered.ok()) {
      AddApiError(diags, recovered.status(),
                  "Cannot recover Key Vault secret \"" + name + "\" written while it was being deleted", path);
    }
    return;
  }
  if (purge && deleted->id.empty()) {
    // Deleted, but which version went cannot be told (a delete already under way whose entry could
    // not be read): purging could destroy a version another writer added since the check.
    diags.AddWarning("Secret deleted but not purged",
                     "The secret \"" + name + "\" was deleted while another delete of it was under way, and "
                     "which version that delete took could not be read back, so it is left soft-deleted "
                     "rather than purged: it may hold a version written by someone else since. If it is "
                     "only this resource's, purge it (az keyvault secret purge); a binding created under "
                     "this name recovers it.",
                     path);
    return;
  }
  if (purge) PurgeSecret(kv, vault_url, name, deleted->id, diags, path);
}

std::optional<nlohmann::json> MovedSourceState(const tf::MoveRequest& req, std::string_view target_type,
                                               std::string_view source_type, std::string_view provider_type,
                                               tf::Diagnostics& diags) {
  const std::string& address = req.source_provider_address;
  std::string_view provider = address;
  if (size_t slash = provider.rfind('/'); slash != std::string_view::npos) provider.remove_prefix(slash + 1);
  const std::string summary = "Cannot move " + req.source_type_name + " to " + std::string(target_type);
  if (req.source_type_name != source_type || provider != provider_type) {
    diags.AddError(summary, std::string(target_type) + " can take the state of " + std::string(source_type) +
                                " (provider " + std::string(provider_type) + ") only, not of " + req.source_type_name +
                                " (" + address + "). Remove the moved block, then import the object instead.");
    return std::nullopt;
  }
  nlohmann::json state = nlohmann::json::parse(req.source_state_json, nullptr, /*allow_exceptions=*/false);
  if (!state.is_object()) {
    diags.AddError(summary, "The stored state of " + req.source_type_name +
                                " is not a JSON object, so nothing can be moved from it. Remove the moved block, "
                                "then import the object instead.");
    return std::nullopt;
  }
  return state;
}

std::optional<std::string> SourceStr(const nlohmann::json& state, const char* attr) {
  auto it = state.find(attr);
  if (it == state.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<int64_t> SourceInt(const nlohmann::json& state, const char* attr) {
  auto it = state.find(attr);
  if (it == state.end() || !it->is_number_integer() || it->get<int64_t>() == 0) return std::nullopt;
  return it->get<int64_t>();
}

nlohmann::json SourceBlock(const nlohmann::json& state, const char* attr) {
  auto it = state.find(attr);
  if (it == state.end()) return nullptr;
  if (it->is_object()) return *it;
  if (it->is_array() && !it->empty() && it->front().is_object()) return it->front();
  return nullptr;
}

}  // namespace adbjit::resources
