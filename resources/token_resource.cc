// adbjit_token: a Databricks personal access token minted on create, revoked on delete, optionally
// sealed into a Key Vault secret. Every attribute but renew_before_seconds forces a new token, so
// Update only records renew_before_seconds (or a comment between null and ""). Plan-time work:
// guard rails, rotation (a token inside renew_before_seconds of its expiry, revoked or expired while
// its sealed secret holds it, or whose sealed secret was removed or overwritten, is planned for
// replacement), and planning as null whichever of token_value and keyvault_secret_id the
// configuration leaves empty.
#include <algorithm>
#include <cctype>
#include <string>

#include "provider/framework/plan.h"
#include "provider/util/ascii.h"
#include "provider/util/rfc3339.h"
#include "resources/common.h"
#include "resources/resources.h"
#include "resources/schemas.h"

namespace adbjit::resources {
namespace {

using tf::AttributePath;
using tf::Value;

constexpr char kSecretBlock[] = "keyvault_secret";

struct SealTarget {
  std::string vault_url;
  std::string name;
  std::optional<std::string> content_type;
};

// The expiry a token's state records, in seconds since the epoch (nullopt: none).
std::optional<int64_t> StateExpiry(const Value& state) {
  auto expiry = GetStr(state, "expiry_time");
  return expiry ? ParseRfc3339(*expiry) : std::nullopt;
}

// Whether the expiry the state records has passed.
bool StateExpired(const Value& state) {
  auto expiry_s = StateExpiry(state);
  return expiry_s && *expiry_s * 1000 <= NowEpochMs();
}

std::optional<SealTarget> SealTargetOf(const Value& state) {
  const Value& block = Get(state, kSecretBlock);
  if (block.IsNull() || !block.IsKnown()) return std::nullopt;
  return SealTarget{GetStr(block, "vault_url").value_or(""), GetStr(block, "name").value_or(""),
                    GetStr(block, "content_type")};
}

// The configuration already says where a new token's value goes: into token_value, or into the
// keyvault_secret block's secret. Plan the other one as null rather than unknown, so the plan does
// not show "(known after apply)" for an attribute that stays empty and other expressions can rely
// on it while planning. A block that may not be there after all leaves both unknown: an unknown
// block, or one whose vault_url and name are both unknown, which is also how Terraform 1.11 shows
// a dynamic block over a for_each it does not know yet (if that turns out empty, Terraform reports
// the vanished block itself; a null token_value would only add a second, misleading error).
Value WithDeliveryPlanned(const Value& planned, const Value& config) {
  const Value& block = Get(config, kSecretBlock);
  if (!block.IsKnown()) return planned;
  if (!block.IsNull() && IsUnknown(block, "vault_url") && IsUnknown(block, "name")) return planned;
  return planned.WithAttr(block.IsNull() ? "keyvault_secret_id" : "token_value", Str(std::nullopt));
}

// The same vault or secret name spelled differently in keyvault_secret (trailing slash, case) is
// the same secret, so not a reason for a new token: the plan keeps the spelling in state, as the
// binding's does.
void KeepSecretSpelling(const tf::PlanRequest& req, tf::PlanResponse& resp) {
  const Value& prior_block = Get(req.prior_state, kSecretBlock);
  const Value& planned_block = Get(resp.planned_state, kSecretBlock);
  if (prior_block.IsNull() || planned_block.IsNull() || !planned_block.IsKnown()) return;
  Value respelled = WithPriorSecretSpelling(prior_block, planned_block);
  if (respelled == prior_block) DropRequiresReplace(resp, AttributePath(kSecretBlock));
  resp.planned_state = resp.planned_state.WithAttr(kSecretBlock, std::move(respelled));
}

// Databricks keeps no comment and an empty one alike (an import reads either as null), so a change
// between null and "" is no reason for a new token: it is recorded in place.
void SameEmptyComment(const tf::PlanRequest& req, tf::PlanResponse& resp) {
  if (req.prior_state.IsNull() || IsUnknown(resp.planned_state, "comment")) return;
  if (GetStr(req.prior_state, "comment").value_or("") == GetStr(resp.planned_state, "comment").value_or("")) {
    DropRequiresReplace(resp, AttributePath("comment"));
  }
}

// What a token's private state records, a JSON object whose members are all optional:
//   "created_by": "<object id>"   the Entra principal that created (or imported, or last listed) the
//                                 token; Databricks lists and revokes a principal's own tokens only
//   "moved_from": "databricks_token"  moved from that resource, until a refresh has found it
//   "token": "revoked" | "revoked by destroy" | "created by another principal"  a sealed token
//                                 revoked outside Terraform, or by a destroy that then failed to
//                                 remove the secret, or not listed because the provider now
//                                 authenticates as another principal than its creator; kept in
//                                 state for the secret that still holds it
//   "secret": "soft-deleted"      ... when that secret is deleted but not purged
//   "secret_held_by": "<id>"      the secret holds another live token (written after this one)
//   "secret_held_by_binding": true  ... or an adbjit_keyvault_binding's value
// Earlier releases wrote the same members; a state with none, or not JSON, has no marks.
struct TokenMarks {
  std::string created_by;
  bool moved = false;
  bool revoked = false;  // any of the three "token" marks: replaced by the next plan
  bool revoked_by_destroy = false;
  bool other_principal = false;
  bool soft_deleted = false;
  std::string held_by;
  bool held_by_binding = false;

  static TokenMarks Parse(const std::string& private_data) {
    TokenMarks m;
    auto j = nlohmann::json::parse(private_data, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return m;
    auto str = [&](const char* key) {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    m.created_by = str("created_by");
    m.moved = str("moved_from") == "databricks_token";
    const std::string token = str("token");
    m.revoked_by_destroy = token == "revoked by destroy";
    m.other_principal = token == "created by another principal";
    m.revoked = m.revoked_by_destroy || m.other_principal || token == "revoked";
    m.soft_deleted = m.revoked && str("secret") == "soft-deleted";
    m.held_by = str("secret_held_by");
    auto binding = j.find("secret_held_by_binding");
    m.held_by_binding = binding != j.end() && binding->is_boolean() && binding->get<bool>();
    return m;
  }

  std::string Dump() const {
    nlohmann::json j = nlohmann::json::object();
    if (!created_by.empty()) j["created_by"] = created_by;
    if (moved) j["moved_from"] = "databricks_token";
    if (revoked) {
      j["token"] = revoked_by_destroy ? "revoked by destroy" : other_principal ? "created by another principal" : "revoked";
    }
    if (revoked && soft_deleted) j["secret"] = "soft-deleted";
    if (!held_by.empty()) j["secret_held_by"] = held_by;
    if (held_by_binding) j["secret_held_by_binding"] = true;
    return j.dump();
  }

  // Only who created it: what a refresh that finds the token listed keeps.
  TokenMarks CreatorOnly() const { return TokenMarks{.created_by = created_by}; }
};

// Whether `created_by` names a principal other than `caller` (both known).
bool OtherPrincipal(const std::string& created_by, const std::string& caller) {
  return !created_by.empty() && !caller.empty() && AsciiLower(created_by) != AsciiLower(caller);
}

// A sealed token's versions carry the tag adbjit = "adbjit_token:<token id>", so that a token can
// tell that its secret was taken by another live token (two resources sharing one secret) rather
// than by a hand or a binding.
constexpr char kTokenWriterPrefix[] = "adbjit_token:";

// The id of a placeholder for a create that may have left a token alive with no answer naming it:
// this prefix, the marker that token's comment carries, "[adbjit:<hex>]", then "@" and the time
// (RFC 3339) until which a request of that create may still make the token
// (databricks::Client::LateCreateWindow; absent in placeholders of earlier builds). In the id
// rather than the private data, because the delete half of a replacement is not given the prior
// private data.
constexpr std::string_view kLostCreatePrefix = "lost-create:";

struct LostCreate {
  std::string marker;
  std::optional<int64_t> late_until;  // epoch seconds
};

std::optional<LostCreate> LostCreateOf(const Value& state) {
  auto id = GetStr(state, "id");
  if (!id || !id->starts_with(kLostCreatePrefix) || GetStr(state, "token_id")) return std::nullopt;
  std::string rest = id->substr(kLostCreatePrefix.size());
  LostCreate lost;
  const size_t at = rest.find('@');
  lost.marker = rest.substr(0, at);
  if (at != std::string::npos) lost.late_until = ParseRfc3339(rest.substr(at + 1));
  return lost;
}

// Whether a request of that create may still make its token now.
bool MayStillLand(const LostCreate& lost) {
  return lost.late_until && NowEpochMs() / 1000 < *lost.late_until;
}

// Databricks lists a principal's own tokens only. The databricks provider may have created the
// token as someone else (a user's PAT, the Azure CLI's login): the token is then alive, and the
// plan to create a new one would leave it so, unseen.
void WarnMovedTokenNotFound(const std::string& token_id, tf::Diagnostics& diags) {
  diags.AddWarning("Moved token not found",
                   "Token " + token_id + ", moved from databricks_token, is not among the tokens of the principal "
                   "this provider authenticates as, so Terraform plans a new one. Databricks lists each principal's "
                   "own tokens only: if the databricks provider created it as another principal (a user's token, "
                   "an Azure CLI login), it is still valid. Revoke it as its owner, or with the token management "
                   "API, unless it should stay.");
}

// Databricks lists and revokes a principal's own tokens only: after the provider's credentials
// change to another service principal (a rotated CI identity), the tokens the first one created
// look revoked, but they are valid until they expire, and this principal cannot revoke them.
void WarnCreatedByAnotherPrincipal(const Value& state, const std::string& created_by, const std::string& caller,
                                   tf::Diagnostics& diags) {
  const std::string token_id = GetStr(state, "token_id").value_or("");
  auto expiry = GetStr(state, "expiry_time");
  diags.AddWarning(
      "Token created by another principal",
      "Token " + token_id + " was created by the principal with object id " + created_by +
          ", and the provider now authenticates as " + caller + ". Databricks lists and revokes each principal's "
          "own tokens only, so this one can neither see nor revoke it, and Terraform treats it as gone: a plan "
          "creates a new token in its place, and a destroy leaves it. It stays valid " +
          (expiry ? "until " + *expiry : std::string("with no expiry")) +
          ". Revoke it as that principal, or as a workspace admin through the token management API "
          "(DELETE /api/2.0/token-management/tokens/" + token_id + "); or, if the change of principal was "
          "not meant, configure the provider as that principal again.",
      AttributePath("token_id"));
}

// Whether a token Databricks does not list is out of sight rather than gone: created by another
// principal than `caller`, not `expired`, and not already known revoked (a mark made while its
// creator could still see it, by a refresh or by its own destroy).
bool UnseenOtherPrincipal(const TokenMarks& marks, bool expired, const std::string& caller) {
  if (expired || (marks.revoked && !marks.other_principal)) return false;
  return OtherPrincipal(marks.created_by, caller);
}

// Revokes the twins of a token (databricks::SameCreate): tokens its create made with requests that
// reached Databricks after the provider had given up on them and made this one. Their values never
// reached anyone, and no state records them.
void RevokeTwins(const ApiProviderData& api, const std::string& token_id,
                 const std::vector<databricks::TokenInfo>& twins, tf::Diagnostics& diags) {
  for (const auto& twin : twins) {
    const std::string what = "Token " + twin.token_id + " carries the marker " + databricks::FindMarker(twin.raw_comment) +
                             " and the lifetime of token " + token_id + ": it was made by a create request that "
                             "reached Databricks after the provider had given up on it and created token " +
                             token_id + " instead. Its value never reached anyone, and no state records it";
    Status revoked = api.databricks().DeleteToken(twin.token_id);
    if (revoked.ok() || revoked.IsNotFound()) {
      diags.AddWarning("Token left by a late create request revoked", what + ", so it was revoked.",
                       AttributePath("token_id"));
    } else {
      diags.AddWarning("Token left by a late create request",
                       what + ". It could not be revoked (" + revoked.message() + "); the next refresh tries "
                       "again, or revoke it as the provider's principal (POST /api/2.0/token/delete) or as a workspace admin "
                       "(DELETE /api/2.0/token-management/tokens/" + twin.token_id + ").",
                       AttributePath("token_id"));
    }
  }
}

// The lifetime Databricks gave a token, in the whole seconds nearest to expiry - creation (an
// expiry a few milliseconds off the requested lifetime must not read as a second less, which a
// configured lifetime_seconds would then replace); null for a token without expiry.
Value LifetimeOf(const databricks::TokenInfo& info) {
  if (info.expiry_time < 0) return Int(std::nullopt);
  const int64_t ms = info.expiry_time - info.creation_time;
  return Value::Int(ms >= 0 ? (ms + 500) / 1000 : ms / 1000);
}

// Fills the attributes that come from the remote token. lifetime_seconds is filled only where it
// is not known yet (the user left it to the workspace default, or an import).
Value WithTokenInfo(Value state, const databricks::TokenInfo& info) {
  if (!state.Attr("lifetime_seconds").IsKnown()) state = state.WithAttr("lifetime_seconds", LifetimeOf(info));
  return state.WithAttr("id", Value::String(info.token_id))
      .WithAttr("token_id", Value::String(info.token_id))
      .WithAttr("creation_time", Value::String(EpochMsToRfc3339(info.creation_time)))
      .WithAttr("expiry_time", info.expiry_time < 0 ? Str(std::nullopt) : Value::String(EpochMsToRfc3339(info.expiry_time)));
}

// A renewal or any other replacement creates a token, so it must keep to the guard rail.
void CheckLifetimeGuardrail(const ApiProviderData* api, const Value& config, const GuardrailBreaches& breaches,
                            tf::Diagnostics& diags) {
  if (api == nullptr || !api->guardrails.known || !api->guardrails.max_token_lifetime_seconds) return;
  if (IsUnknown(config, "lifetime_seconds")) return;
  int64_t max = *api->guardrails.max_token_lifetime_seconds;
  auto lifetime = GetInt(config, "lifetime_seconds");
  if (!lifetime) {
    breaches.Add(diags, "lifetime_seconds", "Token lifetime required by guard rail",
                 "The provider's guardrails set max_token_lifetime_seconds = " + std::to_string(max) +
                     ", so every token must set lifetime_seconds (a token without it could live forever).");
  } else if (*lifetime > max) {
    breaches.Add(diags, "lifetime_seconds", "Token lifetime exceeds guard rail",
                 "lifetime_seconds = " + std::to_string(*lifetime) +
                     " is above the provider's guardrails.max_token_lifetime_seconds = " + std::to_string(max) + ".");
  }
}

class TokenResource final : public tf::Resource {
 public:
  std::string TypeName() const override { return "adbjit_token"; }
  const tf::Schema& GetSchema() const override { return TokenSchema(); }

  // A rotation window as long as the lifetime holds every token from its creation on: each plan
  // replaces it, even the one right after apply. Allowed (a new token on every run may be wanted),
  // but said, since it is far more often a window meant in minutes written in seconds.
  void ValidateConfig(const tf::CallContext&, const Value& config, tf::Diagnostics& diags) const override {
    auto lifetime = GetInt(config, "lifetime_seconds");
    auto window = GetInt(config, "renew_before_seconds");
    if (!lifetime || !window || *lifetime <= 0 || *window < *lifetime) return;
    diags.AddWarning("Token replaced on every plan",
                     "renew_before_seconds = " + std::to_string(*window) + " is not below lifetime_seconds = " +
                         std::to_string(*lifetime) +
                         ", so the token is inside its rotation window from the moment it is created: every "
                         "plan replaces it, even one right after apply. To rotate on a schedule, choose a window "
                         "shorter than the lifetime (for example half of it).",
                     AttributePath("renew_before_seconds"));
  }

  void ModifyPlan(const tf::CallContext& ctx, const tf::PlanRequest& req, tf::PlanResponse& resp) const override {
    RequireWorkspace(Api(ctx), "A token", resp.diagnostics);
    CheckVaultUrl(Api(ctx), Get(Get(req.config, kSecretBlock), "vault_url"), AttributePath(kSecretBlock).Attr("vault_url"),
                  resp.diagnostics);
    KeepSecretSpelling(req, resp);
    SameEmptyComment(req, resp);
    PlanRotation(req, resp);
    CheckLifetimeGuardrail(Api(ctx), req.config, GuardrailBreaches(req, resp), resp.diagnostics);
    RefuseReplacementIntoForeignSecret(Api(ctx), req, resp);
    resp.planned_state = WithDeliveryPlanned(resp.planned_state, req.config);
  }

  // Whether a new token may be written to this secret: the check a create makes before minting.
  static Status CheckSecretWritable(const ApiProviderData& api, const std::string& vault_url,
                                    const std::string& name) {
    return CheckSecretNotForeign(api.keyvault(), vault_url, name, "adbjit_token",
                                 "choose another name for the token's secret, or delete that secret first if the "
                                 "token may replace it.");
  }

  // A replacement revokes this token before its successor is created (unless
  // create_before_destroy), and the successor's create refuses a secret adbjit did not write or
  // another adbjit resource holds: the pipelines would be left with a revoked token. So the plan
  // stops while the token is still alive, saying why.
  static void RefuseReplacementIntoForeignSecret(const ApiProviderData* api, const tf::PlanRequest& req,
                                                 tf::PlanResponse& resp) {
    if (req.prior_state.IsNull() || resp.requires_replace.empty() || resp.diagnostics.HasError()) return;
    if (api == nullptr || !api->api_ready()) return;
    const Value& block = Get(req.config, kSecretBlock);
    if (block.IsNull() || !block.IsKnown()) return;
    auto vault_url = GetStr(block, "vault_url");
    auto name = GetStr(block, "name");
    if (!vault_url || !name) return;  // unknown until apply: the create checks
    Status free = CheckSecretWritable(*api, *vault_url, *name);
    if (free.code() != StatusCode::kAlreadyExists) return;  // free, or not known now: the create checks
    resp.diagnostics.AddError(
        "Cannot replace token into this Key Vault secret",
        "This plan replaces token " + GetStr(req.prior_state, "token_id").value_or("") +
            ", and its successor could not be written to the secret: " + free.message() +
            " Applying it would revoke the token first and then fail, leaving the secret's readers without "
            "a valid token.",
        AttributePath(kSecretBlock).Attr("name"));
  }

  void Create(const tf::CallContext& ctx, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    const Value& planned = req.planned_state;
    auto seal = SealTargetOf(planned);
    if (seal) {  // before a token is minted for a secret it may not be written to
      Status free = CheckSecretWritable(*api, seal->vault_url, seal->name);
      if (!free.ok()) {
        AddApiError(resp.diagnostics, free, "Cannot write token to Key Vault", AttributePath(kSecretBlock));
        return;
      }
    }
    std::string lost_marker;
    auto created = api->databricks().CreateTokenSafely(GetInt(planned, "lifetime_seconds"),
                                                      GetStr(planned, "comment").value_or(""), &lost_marker);
    if (!created.ok()) {
      const size_t create_error = resp.diagnostics.items().size();
      AddApiError(resp.diagnostics, created.status(), "Cannot create Databricks token",
                  TokenCreateErrorPath(created.status()));
      if (!lost_marker.empty()) {
        KeepLostCreate(planned, lost_marker, NowEpochMs() / 1000 + api->databricks().LateCreateWindow().count(),
                       create_error, resp);
      }
      return;
    }
    Value state = WithTokenInfo(planned, created->info);
    resp.private_data = TokenMarks{.created_by = api->databricks().CallerObjectId()}.Dump();
    if (!seal) {
      resp.new_state = state.WithAttr("token_value", Value::String(created->token_value.Reveal()))
                           .WithAttr("keyvault_secret_id", Str(std::nullopt));
      return;
    }
    // Sealed delivery: the value goes to Key Vault only. If that fails, revoke the token so that
    // nothing stays alive untracked; if even the revoke fails, keep it in state (tainted) so the
    // next apply revokes it.
    keyvault::SetSecretParams params{.value = created->token_value, .content_type = seal->content_type};
    if (created->info.expiry_time >= 0) params.exp = created->info.expiry_time / 1000;
    auto written = WriteSecret(api->keyvault(), seal->vault_url, seal->name, params, /*recover=*/true,
                               kTokenWriterPrefix + created->info.token_id);
    if (written.ok()) {
      resp.new_state = state.WithAttr("token_value", Str(std::nullopt)).WithAttr("keyvault_secret_id", Value::String(written->id));
      return;
    }
    const size_t write_error = resp.diagnostics.items().size();
    AddApiError(resp.diagnostics, written.status(), "Cannot write token to Key Vault",
                AttributePath(kSecretBlock));
    const std::string token = "Token " + created->info.token_id + ", created to be written there,";
    Status revoked = api->databricks().DeleteToken(created->info.token_id);
    if (revoked.ok() || revoked.IsNotFound()) {  // not left alive: no state
      resp.diagnostics.ExplainErrorsFrom(write_error, " " + token + " was revoked.");
      return;
    }
    resp.diagnostics.ExplainErrorsFrom(write_error, " " + token + " could not be revoked (see the next error).");
    AddApiError(resp.diagnostics, revoked, "Cannot revoke undelivered token");
    resp.new_state = state.WithAttr("token_value", Str(std::nullopt)).WithAttr("keyvault_secret_id", Str(std::nullopt));
  }

  void Read(const tf::CallContext& ctx, const tf::ReadRequest& req, tf::ReadResponse& resp) const override {
    resp.new_state = req.current_state;
    resp.private_data = req.private_data;
    const TokenMarks marks = TokenMarks::Parse(req.private_data);
    const ApiProviderData* api = Api(ctx);
    if (api == nullptr || !api->api_ready()) return;
    if (auto lost = LostCreateOf(req.current_state)) {
      ReadLostCreate(*api, *lost, resp);
      return;
    }
    auto stated_id = GetStr(req.current_state, "token_id");
    if (!stated_id) stated_id = GetStr(req.current_state, "id");
    const std::string token_id = stated_id.value_or("");
    std::vector<databricks::TokenInfo> twins;
    auto info = api->databricks().GetToken(token_id, &twins);
    RevokeTwins(*api, token_id, twins, resp.diagnostics);
    if (!info.ok()) {
      if (info.status().IsNotFound()) {
        // Databricks lists neither revoked nor expired tokens; the state's expiry tells them apart.
        const bool expired = StateExpired(req.current_state);
        bool other_principal = false;
        if (marks.moved) {
          WarnMovedTokenNotFound(token_id, resp.diagnostics);
        } else if (const std::string caller = api->databricks().CallerObjectId();
                   UnseenOtherPrincipal(marks, expired, caller)) {
          other_principal = true;
          WarnCreatedByAnotherPrincipal(req.current_state, marks.created_by, caller, resp.diagnostics);
        }
        ReadGone(*api, req, /*revoked=*/!expired, other_principal, resp);
        return;
      }
      AddApiError(resp.diagnostics, info.status(), "Cannot read Databricks token");
      return;
    }
    if (info->expiry_time >= 0 && info->expiry_time <= NowEpochMs()) {
      ReadGone(*api, req, /*revoked=*/false, /*other_principal=*/false, resp);
      return;
    }
    // Listed, so the principal's own: that is recorded (a state written before the creator was,
    // or a moved token, learns it here). The other marks go: the moved token has nothing left to
    // warn about; a mark of a secret held by another token holds only while the check below finds
    // it so; nor does a mark of a revoked token, which a refresh that could not see the token (an
    // empty list) saved in a refresh-only apply: it is listed now.
    TokenMarks found = marks.CreatorOnly();
    if (std::string caller = api->databricks().CallerObjectId(); !caller.empty()) found.created_by = std::move(caller);
    Value state = WithTokenInfo(req.current_state, *info);
    auto seal = SealTargetOf(req.current_state);
    auto secret_id = GetStr(req.current_state, "keyvault_secret_id");
    // Who holds the secret now, if another token or a binding: the plan must not take it back.
    auto mark_holder = [&](const keyvault::SecretBundle& newest) {
      if (auto other = LiveTokenHolding(*api, newest, token_id)) {
        found.held_by = *other;
        return true;
      }
      if (WriterType(newest) == "adbjit_keyvault_binding") {
        found.held_by_binding = true;
        return true;
      }
      return false;
    };
    const std::string own_writer = kTokenWriterPrefix + token_id;
    if (seal && !secret_id) {
      // Already found not to hold it (a refresh-only apply saved that, or a write whose answer was
      // lost): look again who does. A version this token wrote (the secret recovered, or the lost
      // write landed) holds it again, and becomes its keyvault_secret_id.
      if (auto newest = api->keyvault().GetSecret(seal->vault_url, seal->name); newest.ok()) {
        if (IsOwnVersion(*newest, "", own_writer)) {
          state = state.WithAttr("keyvault_secret_id", Value::String(newest->id));
        } else {
          mark_holder(*newest);
        }
      }
    } else if (seal && secret_id) {
      keyvault::SecretBundle newest;
      auto latest = CheckLatestVersion(api->keyvault(), seal->vault_url, seal->name, *secret_id, &newest, own_writer);
      if (!latest.ok()) {
        AddApiError(resp.diagnostics, latest.status(), "Cannot read the token's Key Vault secret",
                    AttributePath(kSecretBlock));
      } else if (*latest == LatestVersion::kOurs) {
        // Perhaps another version this token wrote (a write that landed after its retry): the
        // latest one is what the pipelines read.
        state = state.WithAttr("keyvault_secret_id", Value::String(newest.id));
      } else if (*latest == LatestVersion::kNewer || *latest == LatestVersion::kGone) {
        // The secret holds this token only while the version it wrote is the latest. Another
        // adbjit resource that wrote a later one holds it now, and the plan leaves this token as
        // it is: its version, still in the vault with the token, stays its keyvault_secret_id, so
        // that what reads the id (a binding, an output) does not turn null meanwhile.
        const bool held_by_another = *latest == LatestVersion::kNewer && mark_holder(newest);
        if (!held_by_another) state = state.WithAttr("keyvault_secret_id", Str(std::nullopt));
      } else if (*latest == LatestVersion::kDisabled) {
        // Disabled on purpose, most likely (to cut pipelines off): not a reason to write the token
        // again, which would make a new, enabled version.
        resp.diagnostics.AddWarning("Token's Key Vault secret is disabled",
                                    "The secret \"" + seal->name + "\" is disabled in Key Vault, so pipelines "
                                    "cannot read the token and whether it still holds it cannot be checked; "
                                    "the state is left as it was. Enable the secret again, or replace the "
                                    "token (terraform apply -replace) to write a new one. Any new token (a "
                                    "replacement, or the one planned when this one expires) is written as a "
                                    "new, enabled version.",
                                    AttributePath(kSecretBlock));
      }
    }
    resp.new_state = state;
    resp.private_data = found.Dump();
  }

  void Update(const tf::CallContext&, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    // Only renew_before_seconds can change in place (and a comment between null and ""), and it
    // lives in Terraform alone.
    resp.new_state = req.planned_state;
    resp.private_data = req.planned_private;
  }

  void Delete(const tf::CallContext& ctx, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    if (auto lost = LostCreateOf(req.prior_state)) {
      // While a request of that create may still make its token, keep looking for it until then
      // (one look when that time has passed, or a placeholder of an earlier build records none).
      const std::chrono::system_clock::time_point until(std::chrono::seconds(lost->late_until.value_or(0)));
      int revoked = 0;
      Status swept = api->databricks().RevokeMarkedUntil(lost->marker, until, &revoked);
      if (!swept.ok()) {
        AddApiError(resp.diagnostics, swept,
                    "Cannot revoke the token a failed create may have left (comment ending in " + lost->marker + ")");
        resp.new_state = req.prior_state;
      }
      return;
    }
    auto token_id = GetStr(req.prior_state, "token_id").value_or("");
    Status revoked = api->databricks().DeleteToken(token_id);
    if (!revoked.ok() && !revoked.IsNotFound()) {
      AddApiError(resp.diagnostics, revoked, "Cannot revoke Databricks token");
      resp.new_state = req.prior_state;  // still alive: keep it in state
      return;
    }
    // Not revoked if another principal created it: said here too, since a destroy without a
    // refresh has no other warning (the delete half of a replacement has no private data: none).
    const TokenMarks marks = TokenMarks::Parse(req.planned_private);
    bool unseen = false;
    if (revoked.IsNotFound()) {
      const std::string caller = api->databricks().CallerObjectId();
      unseen = UnseenOtherPrincipal(marks, StateExpired(req.prior_state), caller);
      if (unseen) WarnCreatedByAnotherPrincipal(req.prior_state, marks.created_by, caller, resp.diagnostics);
    }
    auto seal = SealTargetOf(req.prior_state);
    if (!seal) return;
    auto secret_id = GetStr(req.prior_state, "keyvault_secret_id");
    const std::string own_writer = kTokenWriterPrefix + token_id;
    if (!secret_id) {
      // Found not to hold the token before: the secret is left as it is unless a version this
      // token wrote holds it again (recovered since, or a lost write that landed), live or
      // soft-deleted; then it goes as below. One written outside adbjit since is left with a warning
      // (the destroy's refresh said nothing: Terraform does not show its warnings).
      keyvault::SecretBundle newest;
      auto latest = CheckLatestVersion(api->keyvault(), seal->vault_url, seal->name, "", &newest, own_writer);
      if (latest.ok() && *latest == LatestVersion::kNewer) {
        WarnSecretLeftToItsWriter(newest, seal->name, resp.diagnostics, AttributePath(kSecretBlock));
      }
      if (!latest.ok() || (*latest != LatestVersion::kOurs && *latest != LatestVersion::kGone)) return;
    }
    // The secret is this token's only while the version it wrote is the latest. A replacement made
    // before this token is destroyed (create_before_destroy, the way to rotate without a gap) has
    // already written the new token there: removing the secret would take it from the pipelines.
    const size_t secret_errors = resp.diagnostics.items().size();
    RemoveObjectsSecret(api->keyvault(), seal->vault_url, seal->name, secret_id.value_or(""), /*purge=*/true,
                        resp.diagnostics, AttributePath(kSecretBlock), own_writer);
    if (resp.diagnostics.HasError()) {
      // Revoked (or out of this principal's reach), but the secret is left: keep the token, so
      // that the next destroy removes it.
      resp.new_state = req.prior_state;
      TokenMarks kept = marks.CreatorOnly();
      kept.revoked = true;
      kept.revoked_by_destroy = !unseen;
      kept.other_principal = unseen;
      resp.private_data = kept.Dump();
      const std::string token = unseen ? " Token " + token_id + ", created by another principal, could not be "
                                         "revoked (see the warning); the secret \"" + seal->name + "\" is left too"
                                       : " Token " + token_id + " is revoked; only the secret \"" + seal->name +
                                             "\" is left";
      resp.diagnostics.ExplainErrorsFrom(
          secret_errors, token + ", and the token stays in state for it: running the destroy again removes "
                         "the secret, and an apply replaces the token and writes the new one there.");
    }
  }

  // `moved` from databricks_token (databricks/databricks): the same Databricks token, so nothing is
  // revoked or minted. Its value stays in state as the source had it, so what reads token_value
  // keeps working; to take it out of state, seal the token with keyvault_secret (a new token).
  void MoveState(const tf::CallContext&, const tf::MoveRequest& req, tf::MoveResponse& resp) const override {
    auto source = MovedSourceState(req, TypeName(), "databricks_token", "databricks", resp.diagnostics);
    if (!source) return;
    databricks::TokenInfo info;
    info.token_id = SourceStr(*source, "token_id").value_or(SourceStr(*source, "id").value_or(""));
    if (info.token_id.empty()) {
      resp.diagnostics.AddError("Cannot move databricks_token to adbjit_token",
                                "The stored databricks_token has no token_id. Remove the moved block, then import "
                                "the token by its id instead.");
      return;
    }
    info.creation_time = SourceInt(*source, "creation_time").value_or(0);
    info.expiry_time = std::max<int64_t>(SourceInt(*source, "expiry_time").value_or(-1), -1);
    // The lifetime the source was configured with; else, as an import does, the one Databricks gave.
    auto lifetime = SourceInt(*source, "lifetime_seconds");
    Value state = Value::Object(GetSchema().ImpliedType(), {});
    state = state.WithAttr("lifetime_seconds", lifetime ? Value::Int(*lifetime)
                                               : info.creation_time > 0 ? LifetimeOf(info)
                                                                        : Int(std::nullopt));
    state = WithTokenInfo(state, info);
    if (info.creation_time == 0) state = state.WithAttr("creation_time", Str(std::nullopt));  // the next read fills it
    resp.state = state.WithAttr("comment", Str(SourceStr(*source, "comment")))
                     .WithAttr("token_value", Str(SourceStr(*source, "token_value")));
    resp.private_data = TokenMarks{.moved = true}.Dump();
  }

  void Import(const tf::CallContext& ctx, const tf::ImportRequest& req, tf::ImportResponse& resp) const override {
    // Token ids are 64 lower-case hexadecimal characters; one copied in upper case, or with the
    // white space around it, is the same token. Anything else is no token id: no call is made.
    std::string id = AsciiTrim(req.id);
    const bool hex = std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
    if (!hex || id.size() != 64) {
      resp.diagnostics.AddError("Invalid import id",
                                "Import an adbjit_token by its token id, the 64 hexadecimal characters that "
                                "Databricks lists as token_id; got \"" + req.id + "\" (" +
                                    std::to_string(req.id.size()) + " characters).");
      return;
    }
    id = AsciiLower(id);
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    auto info = api->databricks().GetToken(id);
    if (!info.ok()) {
      const Status& s = info.status();
      AddApiError(resp.diagnostics, s, s.IsNotFound() ? "Token not found" : "Cannot read Databricks token");
      return;
    }
    Value state = Value::Object(GetSchema().ImpliedType(), {});
    state = WithTokenInfo(state, *info);
    if (!info->comment.empty()) state = state.WithAttr("comment", Value::String(info->comment));
    resp.state = state.WithAttr("lifetime_seconds", LifetimeOf(*info));
    resp.private_data = TokenMarks{.created_by = api->databricks().CallerObjectId()}.Dump();
  }

 private:
  // A create whose outcome is unknown and whose check failed may have left a token alive that
  // nothing names. It is recorded as a placeholder (no token id; Terraform keeps it tainted, since
  // the create failed) whose id holds the marker that token's comment carries, so that the next
  // apply, which replaces it, or a destroy revokes the token by that marker rather than leave it.
  void KeepLostCreate(const Value& planned, const std::string& marker, int64_t late_until, size_t create_error,
                      tf::ApplyResponse& resp) const {
    Value state = planned;
    for (const auto& [name, type] : planned.type().AttributeTypes()) {
      if (!state.Attr(name).IsKnown()) state = state.WithAttr(name, Value::Null(type));
    }
    resp.new_state = state.WithAttr(
        "id", Value::String(std::string(kLostCreatePrefix) + marker + "@" + FormatRfc3339(late_until)));
    resp.diagnostics.ExplainErrorsFrom(create_error,
                                       " The resource is kept as a tainted placeholder: the next apply or destroy "
                                       "revokes any token whose comment ends in " + marker + " (one before " +
                                           FormatRfc3339(late_until) + " waits until then, for a request of this "
                                           "create still on its way).");
  }

  // Refresh of that placeholder: dropped once no listed token carries the marker (the create made
  // none, or it is revoked or expired) and no request of the create can still make one, so that
  // the plan simply creates; kept while one may, or one does.
  static void ReadLostCreate(const ApiProviderData& api, const LostCreate& lost, tf::ReadResponse& resp) {
    const std::string& marker = lost.marker;
    auto tokens = api.databricks().ListTokens();
    if (!tokens.ok()) {
      AddApiError(resp.diagnostics, tokens.status(), "Cannot read Databricks tokens");
      return;
    }
    for (const auto& t : *tokens) {
      if (databricks::FindMarker(t.raw_comment) != marker) continue;
      resp.diagnostics.AddWarning("Token left by a failed create",
                                  "Token " + t.token_id + " was made by a create whose answer was lost (its "
                                  "comment ends in " + marker + "), and no state holds its value. The state holds "
                                  "a placeholder for it, which a plan replaces: applying that plan revokes the "
                                  "token and creates a new one, and a destroy revokes it.");
      return;
    }
    if (MayStillLand(lost)) {
      resp.diagnostics.AddWarning("Token create of unknown outcome",
                                  "A create whose answer was lost may still make a token (its comment would end "
                                  "in " + marker + ") until " + FormatRfc3339(*lost.late_until) + ". The state keeps "
                                  "a placeholder for it until then: the apply that replaces it, or a destroy, "
                                  "revokes that token, waiting for it until then if need be.");
      return;
    }
    resp.new_state = Value::Null(resp.new_state.type());
  }

  // A token revoked or expired is dropped from state, and the plan creates a new one; but one
  // sealed into a secret that still holds it (live, disabled, or soft-deleted after a purge that
  // failed) stays, so that destroy, or the replacement the plan makes of it, removes that secret
  // rather than leave it behind with a dead token in it. A revoked one is marked in private state
  // for the plan (an expired one shows by its expiry_time).
  // `other_principal`: not listed because another principal created it (Read warned); not a
  // revoked token, so no warning of one here.
  void ReadGone(const ApiProviderData& api, const tf::ReadRequest& req, bool revoked, bool other_principal,
                tf::ReadResponse& resp) const {
    resp.new_state = Value::Null(GetSchema().ImpliedType());
    auto seal = SealTargetOf(req.current_state);
    if (!seal) return;
    // With no version recorded (found not to hold the token before), only a version tagged as this
    // token's holds it (the secret was recovered since, or a lost write landed).
    auto secret_id = GetStr(req.current_state, "keyvault_secret_id");
    const std::string version = secret_id.value_or("");
    const std::string own_writer = kTokenWriterPrefix + GetStr(req.current_state, "token_id").value_or("");
    auto latest = CheckLatestVersion(api.keyvault(), seal->vault_url, seal->name, version, nullptr, own_writer);
    bool holds = latest.ok() && (*latest == LatestVersion::kOurs || (secret_id && *latest == LatestVersion::kDisabled));
    bool soft_deleted = false;
    if (latest.ok() && *latest == LatestVersion::kGone) {
      auto ours = SoftDeletedEndsIn(api.keyvault(), seal->vault_url, seal->name, version, own_writer);
      if (ours.ok()) {
        holds = soft_deleted = !ours->empty();
      } else {
        latest = ours.status();
      }
    }
    if (!latest.ok()) {  // keep the state until it can be told
      AddApiError(resp.diagnostics, latest.status(), "Cannot read the token's Key Vault secret",
                  AttributePath(kSecretBlock));
      holds = true;
    }
    if (!holds) {
      if (revoked && !other_principal && secret_id && latest.ok() && *latest == LatestVersion::kNewer) {
        resp.diagnostics.AddWarning(
            "Token revoked outside Terraform",
            "Token " + GetStr(req.current_state, "token_id").value_or("") +
                " was revoked outside Terraform, and a version written outside this token now holds the secret \"" +
                seal->name + "\". The token leaves the state; an apply creates a new token and writes it over that "
                "version.",
            AttributePath("token_id"));
      }
      return;
    }
    resp.new_state = req.current_state;
    if (revoked) {
      const TokenMarks prior = TokenMarks::Parse(req.private_data);
      TokenMarks gone = prior.CreatorOnly();
      gone.revoked = true;
      gone.revoked_by_destroy = prior.revoked_by_destroy;  // never with other_principal (UnseenOtherPrincipal)
      gone.other_principal = other_principal;
      gone.soft_deleted = soft_deleted;
      resp.private_data = gone.Dump();
    }
  }

  // The id of another live token that `latest` (the secret's latest version) holds, written by
  // an adbjit_token that is not this one, if any.
  static std::optional<std::string> LiveTokenHolding(const ApiProviderData& api, const keyvault::SecretBundle& latest,
                                                     const std::string& own_id) {
    auto tag = latest.tags.find(kWriterTag);
    if (tag == latest.tags.end() || !tag->second.starts_with(kTokenWriterPrefix)) return std::nullopt;
    std::string other = tag->second.substr(std::string_view(kTokenWriterPrefix).size());
    if (other.empty() || other == own_id) return std::nullopt;
    auto info = api.databricks().GetToken(other);
    if (!info.ok() || (info->expiry_time >= 0 && info->expiry_time <= NowEpochMs())) return std::nullopt;
    return other;
  }

  // Why a revoked sealed token still in state is replaced, and where its successor goes.
  static void WarnRevokedReplaced(const tf::PlanRequest& req, const TokenMarks& marks, tf::Diagnostics& diags) {
    auto old_seal = SealTargetOf(req.prior_state);
    auto new_seal = SealTargetOf(req.config);
    const std::string old_name = "\"" + (old_seal ? old_seal->name : std::string()) + "\"";
    std::string detail = "Token " + GetStr(req.prior_state, "token_id").value_or("");
    if (marks.revoked_by_destroy) {
      detail += marks.soft_deleted ? " was revoked by a destroy that then could not purge the secret " + old_name +
                                         ": deleted but not purged, it still holds the token."
                                   : " was revoked by a destroy that then could not remove the secret " + old_name +
                                         ", which still holds it.";
    } else if (marks.other_principal) {
      detail += " was created by principal " + marks.created_by + ", and the provider authenticated as another "
                "principal, which can neither see nor revoke it; the secret " + old_name +
                (marks.soft_deleted ? ", deleted but not purged," : "") + " still holds it.";
    } else {
      detail += " was revoked outside Terraform, and the secret " + old_name +
                (marks.soft_deleted ? ", deleted but not purged," : "") + " still holds it.";
    }
    if (new_seal && old_seal && new_seal->name == old_seal->name && new_seal->vault_url == old_seal->vault_url) {
      detail += " A new token is planned in its place and written to the secret.";
    } else if (new_seal) {
      detail += " A new token is planned in its place and written to the secret \"" + new_seal->name + "\"; " +
                old_name + " is removed with the revoked token.";
    } else {
      detail += " A new token is planned in its place; the secret " + old_name + " is removed with the revoked token.";
    }
    const char* summary = marks.revoked_by_destroy ? "Token revoked by an unfinished destroy"
                          : marks.other_principal  ? "Token created by another principal"
                                                   : "Token revoked outside Terraform";
    diags.AddWarning(summary, detail, AttributePath("token_id"));
  }

  // Rotation: replace a token inside its renewal window (or already expired).
  void PlanRotation(const tf::PlanRequest& req, tf::PlanResponse& resp) const {
    if (req.prior_state.IsNull()) return;
    std::string why;
    // A placeholder for a lost create is replaced, tainted or not (terraform untaint), and the
    // refresh said why.
    if (LostCreateOf(req.prior_state)) why = "id";
    auto seal = SealTargetOf(req.config);
    const bool same_secret = Get(resp.planned_state, kSecretBlock) == Get(req.prior_state, kSecretBlock);
    const TokenMarks marks = TokenMarks::Parse(req.prior_private);
    if (why.empty() && seal && same_secret && marks.held_by_binding) {
      // A binding took the secret: a new token would be refused there, and only after the
      // replacement had revoked this one. So none is planned (not even a rotation: the token runs
      // to its expiry); a plan another change forces to replace it stops instead.
      const std::string detail =
          "The latest version of the secret \"" + seal->name + "\" was written by an adbjit_keyvault_binding (in "
          "this configuration or another) after token " + GetStr(req.prior_state, "token_id").value_or("") +
          ". A sealed token and a binding must not share a secret: a new token could not be written there, and a "
          "replacement would first revoke this one. Give the token's keyvault_secret another name (the binding "
          "keeps this one).";
      if (resp.requires_replace.empty()) {
        resp.diagnostics.AddWarning("Secret held by a Key Vault binding",
                                    detail + " Until then the token stays as it is, and is not rotated.",
                                    AttributePath(kSecretBlock).Attr("name"));
      } else {
        resp.diagnostics.AddError("Secret held by a Key Vault binding",
                                  detail + " This plan would replace the token for another change.",
                                  AttributePath(kSecretBlock).Attr("name"));
      }
      return;
    }
    if (const std::string& other = marks.held_by; why.empty() && seal && same_secret && !other.empty()) {
      // A new token here would take the secret from the other, whose next plan would take it
      // back: a replacement on every apply, each revoking a token pipelines may be using. The
      // other keeps the secret; this token stays as it is (not rotated) until one of them moves.
      resp.diagnostics.AddWarning(
          "Secret shared with another token",
          "The secret \"" + seal->name + "\" holds token " + other + ", which another adbjit_token (in this "
          "configuration or another) wrote after token " + GetStr(req.prior_state, "token_id").value_or("") +
          ". Two tokens that write one secret would replace each other on every apply, each revoking the "
          "other's token, so no new token is planned here while that one is live. Give each adbjit_token its "
          "own keyvault_secret name, or remove one of them.",
          AttributePath(kSecretBlock).Attr("name"));
      return;
    }
    if (auto expiry_s = StateExpiry(req.prior_state); why.empty() && expiry_s) {
      const int64_t now_s = NowEpochMs() / 1000;
      if (*expiry_s <= now_s) {
        why = "expiry_time";
      } else if (IsUnknown(resp.planned_state, "renew_before_seconds")) {
        // Known only at apply, where a token found inside the window would turn this plan's
        // update into a replacement, which Terraform refuses: so the replacement is planned now.
        why = "renew_before_seconds";
        resp.diagnostics.AddWarning(
            "Token replaced: renewal window unknown",
            "renew_before_seconds is known only after apply, so whether token " +
                GetStr(req.prior_state, "token_id").value_or("") +
                " is inside its renewal window cannot be told now, and a token found inside it during the apply "
                "could not be replaced then. A new token is planned. Give renew_before_seconds a value known "
                "at plan time to rotate the token only inside its window.",
            AttributePath("renew_before_seconds"));
      } else if (*expiry_s - now_s < GetInt(resp.planned_state, "renew_before_seconds").value_or(0)) {
        why = "expiry_time";
      }
    }
    if (why.empty() && marks.revoked) {
      why = "token_id";
      WarnRevokedReplaced(req, marks, resp.diagnostics);
    }
    // A sealed token whose secret was deleted or overwritten outside Terraform: the value cannot be
    // written again (Databricks never returns it), so a new token is the only way back.
    // Another secret named in the configuration replaces the token anyway (the block forces it),
    // and a warning about the old one would name the new.
    const bool secret_kept = same_secret || Get(req.prior_state, kSecretBlock).IsNull();
    if (why.empty() && seal && secret_kept && !IsUnknown(req.prior_state, "keyvault_secret_id") &&
        !GetStr(req.prior_state, "keyvault_secret_id")) {
      why = "keyvault_secret_id";
      // The plan shows only "keyvault_secret_id ... # forces replacement": say what happened.
      const std::string token = GetStr(req.prior_state, "token_id").value_or("");
      const std::string secret = "the secret \"" + seal->name + "\"";
      const std::string outcome = "A new token is planned and written to " + secret + "; token " + token +
                                  " is revoked.";
      if (Get(req.prior_state, kSecretBlock).IsNull()) {
        resp.diagnostics.AddWarning("New token planned for keyvault_secret",
                                    "Token " + token + " has no Key Vault secret recorded (it was created "
                                    "without keyvault_secret, or imported or moved, which link none), and "
                                    "Databricks never returns a token's value, so it "
                                    "cannot be written to " + secret + ". " + outcome,
                                    AttributePath(kSecretBlock));
      } else {
        resp.diagnostics.AddWarning("Token's Key Vault secret no longer holds it",
                                    "The secret \"" + seal->name + "\" was deleted, or a newer version was "
                                    "written to it, outside this token (by hand, or by another resource that "
                                    "writes the same secret: if this comes back on every plan, two resources "
                                    "share it, which they must not), and Databricks never returns a token's "
                                    "value, so it cannot be written again. " + outcome,
                                    AttributePath(kSecretBlock));
      }
    }
    if (why.empty()) return;
    resp.planned_state = tf::MarkComputedUnknown(GetSchema(), resp.planned_state, req.config);
    // MarkComputedUnknown keeps use_state_for_unknown values; a replacement needs fresh ones.
    for (const char* attr : {"id", "token_id", "token_value", "creation_time", "expiry_time", "keyvault_secret_id"}) {
      resp.planned_state = resp.planned_state.WithAttr(attr, Value::Unknown(tf::Type::String()));
    }
    resp.requires_replace.push_back(AttributePath(why));
  }
};

}  // namespace

std::shared_ptr<const tf::Resource> NewTokenResource() { return std::make_shared<TokenResource>(); }

}  // namespace adbjit::resources
