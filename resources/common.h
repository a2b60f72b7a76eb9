// What every adbjit resource shares: the configured API clients and guard rails as resources see
// them (ApiProviderData), small readers and builders for tf::Values, time conversions, and the one
// way an API failure becomes a diagnostic.
#ifndef ADBJIT_RESOURCES_COMMON_H_
#define ADBJIT_RESOURCES_COMMON_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider/clients/clients.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/resource.h"
#include "provider/framework/value.h"
#include "provider/util/status.h"

namespace adbjit::resources {

// Policy from the provider's `guardrails` block. Unset limits are not enforced. `known` is false
// when the block held unknown values at plan time: checks are then skipped (they run again at
// apply, when everything is known).
struct Guardrails {
  bool known = true;
  // Whether max_token_lifetime_seconds is known, whatever the rest of the block is: the ephemeral
  // token, opened at plan, needs that one only.
  bool lifetime_known = true;
  std::optional<int64_t> max_token_lifetime_seconds;
  std::optional<std::vector<std::string>> allowed_node_types;
  std::optional<int64_t> max_pool_capacity;
  std::vector<std::string> required_pool_tags;
};

// The ephemeral tokens a provider process opened and Terraform has not closed. Terraform 1.11 skips
// Close when anything in the run fails or is interrupted after Open; what is left when Terraform
// shuts the process down is revoked then (RevokeUnclosedEphemeralTokens). Thread-safe.
class OpenEphemeralTokens {
 public:
  struct Token {
    std::string id;      // "" for one known by its marker only
    std::string expiry;  // RFC 3339, "" = never expires
    // A create whose answer was lost and whose check failed (databricks::Client::CreateTokenSafely's
    // lost_marker), or one that succeeded only after such an answer (a request still on its way may
    // make a twin), or one whose create is still in flight: the marker its tokens' comments
    // carry, revoked by that marker.
    std::string marker;
  };
  void Add(Token token);
  void Remove(const std::string& id);
  // Puts `marker` on the list before its create is sent. False once the shutdown sweep has begun:
  // the process is about to end, and nothing would revoke what a create started now makes.
  bool BeginCreate(const std::string& marker);
  // The create begun under `marker` has ended: `made` (if any) goes on the list, and the marker's
  // entry stays only when `keep_marker` (a lost or late answer may still make a token). Returns
  // what the caller must revoke itself because the shutdown sweep has already taken the list
  // (`made`, and the marker when kept); empty otherwise.
  std::vector<Token> EndCreate(const std::string& marker, std::optional<Token> made, bool keep_marker);
  // Everything on the list, for the shutdown sweep: taken once the creates in flight have ended
  // (a Stop does not abort a create: it runs to its answer), or at `deadline`; the marker of one
  // still in flight then goes with the rest, and its end (EndCreate) hands its token back to the
  // open. Creates begun from now on are refused (BeginCreate).
  std::vector<Token> TakeAllForSweep(std::chrono::steady_clock::time_point deadline);
  std::vector<Token> Snapshot() const;
  bool Empty() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable creates_ended_;
  std::vector<Token> open_;
  int creating_ = 0;       // creates begun and not ended
  bool sweeping_ = false;  // TakeAllForSweep has been called
  bool taken_ = false;     // ... and has taken the list
};

// Created by the provider's Configure. The clients are null when the provider configuration held
// unknown values (planning a workspace created in the same run): resources then plan without any
// API call and keep the prior state on refresh. Thread-safe (the clients are).
class ApiProviderData : public tf::ProviderData {
 public:
  std::shared_ptr<clients::Clients> clients;  // null while the configuration is unknown
  Guardrails guardrails;
  mutable OpenEphemeralTokens open_ephemeral_tokens;

  bool api_ready() const { return clients != nullptr; }
  // Unclosed ephemeral tokens are revoked at Shutdown, even after a later configure.
  bool NeedsShutdown() const override { return clients != nullptr && !open_ephemeral_tokens.Empty(); }
  databricks::Client& databricks() const { return clients->databricks(); }
  keyvault::Client& keyvault() const { return clients->keyvault(); }
};

// Revokes the ephemeral tokens Terraform opened and did not close, logging each (Provider::Shutdown;
// token_ephemeral_resource.cc), once the opens whose create is in flight have ended; an open that
// ends later revokes its own token. It neither waits nor starts a revoke after `deadline`
// (Terraform waits for Shutdown with no deadline of its own; one deadline serves every sweep of
// the process), by default the clean-up budget from now.
void RevokeUnclosedEphemeralTokens(const ApiProviderData& api,
                                   std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

// The provider data of a call, or null before ConfigureProvider (validation calls).
const ApiProviderData* Api(const tf::CallContext& ctx);

// Adds "Provider not configured" and returns null when the API cannot be called (apply-time calls
// always have known configuration; this guards programming errors and old Terraform versions).
const ApiProviderData* RequireApi(const tf::CallContext& ctx, tf::Diagnostics& diags);

// Adds an error to a plan of `type` (a Databricks object) when the provider names no workspace:
// neither host nor azure_workspace_resource_id, nor their environment variables. The apply could
// only fail; a configuration that manages Key Vault bindings alone needs no workspace.
void RequireWorkspace(const ApiProviderData* api, const std::string& type, tf::Diagnostics& diags);

// Adds an error on `path` when `vault_url` is known and is not a Key Vault URL of the provider's
// cloud (https://<name>.vault.azure.net/ in the public cloud): at plan, rather than at the write.
void CheckVaultUrl(const ApiProviderData* api, const tf::Value& vault_url, const tf::AttributePath& path,
                   tf::Diagnostics& diags);

// --- reading values (null-safe: a null or unknown object or attribute gives nullopt) ---
std::optional<std::string> GetStr(const tf::Value& object, std::string_view attr);
std::optional<int64_t> GetInt(const tf::Value& object, std::string_view attr);
std::optional<double> GetDouble(const tf::Value& object, std::string_view attr);
std::optional<bool> GetBool(const tf::Value& object, std::string_view attr);
std::optional<std::map<std::string, std::string>> GetStrMap(const tf::Value& object, std::string_view attr);
// The keys of a map attribute, known as soon as the map is, even while some of its values are not (a
// tag from a variable, or from a resource created in the same run): empty for null, nullopt only
// while the map itself is unknown. What checks of the keys alone (count, reserved or required keys)
// need.
std::optional<std::set<std::string>> GetMapKeys(const tf::Value& object, std::string_view attr);
std::optional<std::vector<std::string>> GetStrList(const tf::Value& object, std::string_view attr);
// The attribute's value, or a null dynamic when the object is null/unknown.
const tf::Value& Get(const tf::Value& object, std::string_view attr);
bool IsUnknown(const tf::Value& object, std::string_view attr);
// Known, and null or an empty list, map or string: what the APIs treat as "none".
bool IsEmptyOrNull(const tf::Value& object, std::string_view attr);

// A guard rail broken by `attr`. Policy applies to what the provider makes or changes: an error
// when this plan creates or replaces the object, or changes `attr`; a warning when an existing
// object keeps the value it had before the guard rail was tightened (an error there would also
// stop `terraform destroy`, which plans with the configuration before it destroys). Call once the
// plan's replacement reasons are known.
class GuardrailBreaches {
 public:
  GuardrailBreaches(const tf::PlanRequest& req, const tf::PlanResponse& resp) : req_(req), resp_(resp) {}
  void Add(tf::Diagnostics& diags, std::string_view attr, const std::string& summary, const std::string& detail) const;

 private:
  const tf::PlanRequest& req_;
  const tf::PlanResponse& resp_;
};

// Takes `path` off the plan's replacement reasons (a change the resource can make in place after all).
void DropRequiresReplace(tf::PlanResponse& resp, const tf::AttributePath& path);

// --- building values ---
tf::Value Str(const std::optional<std::string>& s);
tf::Value Int(const std::optional<int64_t>& n);
tf::Value Double(const std::optional<double>& d);
tf::Value Bool(const std::optional<bool>& b);
tf::Value StrMap(const std::optional<std::map<std::string, std::string>>& m);
tf::Value StrList(const std::optional<std::vector<std::string>>& l);

// --- time ---
// Epoch milliseconds -> "2026-11-23T08:31:43Z" (whole seconds, UTC). Parsing and formatting epoch
// seconds: provider/util/rfc3339.h.
std::string EpochMsToRfc3339(int64_t epoch_ms);
int64_t NowEpochMs();

// --- diagnostics ---
// The service's own words in an API error, lower-cased: the message after its "...: HTTP <status>"
// heading (the operation before it may quote a user's name), else the whole message.
std::string ServiceWords(const Status& status);
// Where a refused token create points: lifetime_seconds when Databricks refused the lifetime
// (INVALID_PARAMETER_VALUE about it: above the workspace's maxTokenLifetimeDays, or a value it does
// not take), else nowhere.
std::optional<tf::AttributePath> TokenCreateErrorPath(const Status& status);
// Where a failed Key Vault call about one secret points: `name` when the name is taken (another's
// secret, kAlreadyExists), `tags` or `content_type` when Key Vault refused one of them (BadParameter
// naming it), `vault_url` when nothing or something else than Key Vault answers there (no such
// host, a refused connection, TLS, "check vault_url"), else nowhere (permissions, credentials,
// throttling are not the attributes' fault). `base` is the block that holds both,
// empty for top-level attributes.
std::optional<tf::AttributePath> SecretErrorPath(const Status& status, const tf::AttributePath& base);
// "Cannot <operation>" summary; detail carries the status (service code, HTTP status, request id).
void AddApiError(tf::Diagnostics& diags, const Status& status, const std::string& summary,
                 std::optional<tf::AttributePath> path = std::nullopt);

// Every secret version adbjit writes carries this tag, valued with the writing resource's type, so
// that a create can tell a secret adbjit wrote (a replacement made first with
// create_before_destroy writes the name its predecessor holds) from someone else's.
inline constexpr char kWriterTag[] = "adbjit";
// The resource type a version's kWriterTag names: "adbjit_token" for "adbjit_token:<token id>",
// "adbjit_keyvault_binding" for "adbjit_keyvault_binding:<writer id>" (or the bare type of versions
// written before those ids were added); "" when the version carries no such tag.
std::string WriterType(const keyvault::SecretBundle& version);

// Before a create writes `name`: OK when the secret does not exist (or is soft-deleted), or
// carries kWriterTag on its latest version (for a disabled secret, whose latest version cannot be
// read, the newest in the list of versions) or, when that one was written outside Terraform, on an
// earlier one (then the
// secret is adbjit's, overwritten: writing it again is the repair, as for a sealed token planned
// anew because its secret was overwritten). Otherwise AlreadyExists with `advice`: writing would
// take over a secret someone else keeps, and a destroy would delete it with its history. The same
// when the latest version's tag names another resource type than `writer_type` (a sealed token's
// secret for a binding, or the reverse): that secret is another adbjit resource's.
Status CheckSecretNotForeign(keyvault::Client& kv, const std::string& vault_url, const std::string& name,
                             std::string_view writer_type, const std::string& advice);

// Writes a secret tagged kWriterTag = `writer`, recovering a soft-deleted one of the same name
// first when `recover` is set (409 ObjectIsDeletedButRecoverable); without `recover` that conflict
// comes back with a hint.
StatusOr<keyvault::SecretBundle> WriteSecret(keyvault::Client& kv, const std::string& vault_url,
                                             const std::string& name, keyvault::SetSecretParams params,
                                             bool recover, const std::string& writer);

// `planned` (an object with vault_url and name attributes) with the prior's spelling of each when
// both name the same vault (trailing slashes and case aside) and the same secret (Key Vault names
// ignore case), so that respelling them is no change.
tf::Value WithPriorSecretSpelling(const tf::Value& prior, const tf::Value& planned);

// A destroy leaves a secret whose latest version, `newest`, was written after the resource's:
// another adbjit resource's (a replacement made first) silently, one written outside adbjit with a
// warning that says whose it is now and how to remove it.
void WarnSecretLeftToItsWriter(const keyvault::SecretBundle& newest, const std::string& name, tf::Diagnostics& diags,
                               const std::optional<tf::AttributePath>& path);

// What the latest version of a secret is to an object that wrote the version `versioned_id`.
// `own_writer`, when not empty, is the kWriterTag value only that object writes ("adbjit_token:<id>",
// "adbjit_keyvault_binding:<writer id>"):
// a version carrying it is the object's own too, whatever its id (a write whose answer was lost and
// that landed after its retry, or a version the object wrote that state lost track of).
enum class LatestVersion {
  kOurs,      // still the version the object wrote (or another the object wrote: see own_writer)
  kNewer,     // another version came after it: a replacement created before the old object is
              // destroyed (create_before_destroy) writes the same name, and so can someone else
  kGone,      // no live secret (deleted; perhaps not purged yet)
  kDisabled,  // disabled, so it cannot be read; not a replacement's, as a write makes an enabled one
};
// `latest`, when given, receives the latest version when there is a live, readable one.
StatusOr<LatestVersion> CheckLatestVersion(keyvault::Client& kv, const std::string& vault_url,
                                           const std::string& name, const std::string& versioned_id,
                                           keyvault::SecretBundle* latest = nullptr,
                                           std::string_view own_writer = {});
// Whether `version` is the object's own: its id is `versioned_id`, or it carries kWriterTag =
// `own_writer` (when not empty).
bool IsOwnVersion(const keyvault::SecretBundle& version, const std::string& versioned_id,
                  std::string_view own_writer);
// The id of the version the soft-deleted secret `name` ends in, when that is the object's own
// (IsOwnVersion: an earlier destroy of the object that wrote it deleted it and did not purge it);
// "" when there is none or it ends in another's.
StatusOr<std::string> SoftDeletedEndsIn(keyvault::Client& kv, const std::string& vault_url, const std::string& name,
                                        const std::string& versioned_id, std::string_view own_writer = {});
// Removes, as an object is destroyed, the secret it wrote (`versioned_id`: the version it wrote),
// and when `purge` also purges it and waits until the name is free. Another writer can take the
// name at any moment (a replacement created first with create_before_destroy, another resource
// that writes the same name in the same apply), and Key Vault deletes a secret with all its
// versions, so a newer version than the object's is never removed:
// - a newer latest version: the secret stays (with a warning when adbjit did not write it);
// - no live secret: nothing is deleted; a soft-deleted one whose latest version is the object's
//   (an earlier destroy that did not finish) is purged, another one stays;
// - a newer version written between that check and the delete (the delete's answer, or for a
//   delete already under way the deleted entry, names the latest version): the secret is
//   recovered instead of purged; when that version cannot be told, the secret is left
//   soft-deleted, with a warning, rather than purged.
// Failures become errors ("Cannot read/delete/purge ..."), on `path` when given; purge protection
// turns the purge into a warning.
// `own_writer` as for CheckLatestVersion.
void RemoveObjectsSecret(keyvault::Client& kv, const std::string& vault_url, const std::string& name,
                         const std::string& versioned_id, bool purge, tf::Diagnostics& diags,
                         std::optional<tf::AttributePath> path = std::nullopt, std::string_view own_writer = {});

// --- `moved` from another provider's resource type ---
// The source state of a `moved` block, when the source is `source_type` of a provider whose type
// is `provider_type` (the address's last part: registry.terraform.io/databricks/databricks gives
// "databricks"); otherwise nullopt, with an error naming the source the resource can take. The
// state's text never reaches a diagnostic: it may hold a token or a secret value.
std::optional<nlohmann::json> MovedSourceState(const tf::MoveRequest& req, std::string_view target_type,
                                               std::string_view source_type, std::string_view provider_type,
                                               tf::Diagnostics& diags);
// Readers for such a state, written by the Terraform plugin SDK v2, which stores an unset string as
// "" and an unset number as 0: both give nullopt, as do null and a value of another type.
std::optional<std::string> SourceStr(const nlohmann::json& state, const char* attr);
std::optional<int64_t> SourceInt(const nlohmann::json& state, const char* attr);
// The SDK stores a nested block as a list of at most one object: that object, or null.
nlohmann::json SourceBlock(const nlohmann::json& state, const char* attr);

}  // namespace adbjit::resources

#endif  // ADBJIT_RESOURCES_COMMON_H_
