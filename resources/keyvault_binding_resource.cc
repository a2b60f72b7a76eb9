// adbjit_keyvault_binding: a value stored as an Azure Key Vault secret. Any change to the value or
// its metadata writes a new secret version (a PUT carries everything, which is also the only way to
// drop an expiry); vault or name changes force a new secret. Refresh writes the remote value and
// metadata back into state so out-of-band changes plan a correction; for a write-only value, a
// latest version other than the one the binding wrote re-plans the write. Changes that leave what
// Key Vault holds as it is (an empty tag map for none, the same text moved between value and
// value_wo, as after an import) update the state without a new version. A secret disabled outside
// Terraform stays disabled: a new version of it is written disabled.
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "provider/clients/keyvault/errors.h"
#include "provider/clients/keyvault/types.h"
#include "provider/util/ascii.h"
#include "provider/util/digest.h"
#include "provider/util/rfc3339.h"
#include "resources/common.h"
#include "resources/resources.h"
#include "resources/schemas.h"

namespace adbjit::resources {
namespace {

using tf::AttributePath;
using tf::Value;

// Attributes whose change needs a new secret version.
constexpr const char* kRemoteAttrs[] = {"value", "value_wo_version", "content_type", "expiration_date",
                                        "not_before_date", "tags"};

bool SameInstant(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return a == b;
  auto x = ParseRfc3339(*a);
  auto y = ParseRfc3339(*b);
  return x && y && *x == *y;
}

// Flags of the private state: "purge_pending", set by a destroy that failed part-way, and
// "disabled", set by a refresh that found the secret disabled.
constexpr char kPurgePending[] = "purge_pending";
constexpr char kDisabled[] = "disabled";
// Refresh found the secret's latest version written by a sealed adbjit_token, not by this binding.
constexpr char kHeldByToken[] = "held_by_token";
// Refresh found the latest version written outside adbjit (no adbjit tag): the state keeps the
// binding's own version, and the plan writes the value again even where it is the same.
constexpr char kWrittenOutside[] = "written_outside";

// The private state's "writer": the id the binding marks its versions with, kWriterTag =
// "adbjit_keyvault_binding:<writer>", made at its first write (a binding written by earlier builds,
// or imported, has none until it writes). A version that carries it is the binding's own whatever
// its id: one written by an update whose new state was never recorded (an apply cut short, an
// answer lost and the write confirmed only later), which a destroy must still remove. Versions of
// other bindings that write the same name (another configuration, a replacement created first)
// carry another writer.
constexpr char kWriterId[] = "writer";
constexpr char kBindingType[] = "adbjit_keyvault_binding";

// The private state as a JSON object: empty when there is none, or it is not an object.
nlohmann::json PrivateObject(const std::string& private_data) {
  auto j = nlohmann::json::parse(private_data, nullptr, false);
  return !j.is_discarded() && j.is_object() ? j : nlohmann::json::object();
}

std::string WriterId(const std::string& private_data) {
  const nlohmann::json j = PrivateObject(private_data);
  auto it = j.find(kWriterId);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The kWriterTag value only this binding writes; "" while it has no writer id.
std::string OwnWriter(const std::string& private_data) {
  const std::string id = WriterId(private_data);
  return id.empty() ? "" : std::string(kBindingType) + ":" + id;
}

bool Flag(const std::string& private_data, const char* flag) {
  const nlohmann::json j = PrivateObject(private_data);
  auto it = j.find(flag);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::string WithFlag(const std::string& private_data, const char* flag, bool on) {
  nlohmann::json j = PrivateObject(private_data);
  j.erase("wo_sha256");  // a digest of the write-only value that earlier builds kept
  if (on) {
    j[flag] = true;
  } else {
    j.erase(flag);
  }
  return j.empty() ? "" : j.dump();
}

std::string WithWriterId(const std::string& private_data, const std::string& id) {
  nlohmann::json j = PrivateObject(private_data);
  j[kWriterId] = id;
  return j.dump();
}

// A date attribute refreshed from epoch seconds, keeping the user's spelling of the same instant.
Value DateFrom(const std::optional<int64_t>& remote, const Value& prior) {
  if (!remote) return Str(std::nullopt);
  std::string text = FormatRfc3339(*remote);
  auto p = prior.GetString();
  if (p && SameInstant(p, text)) return prior;
  return Value::String(text);
}

Value WithBundle(const Value& state, const keyvault::SecretBundle& b) {
  return state.WithAttr("id", Value::String(b.id))
      .WithAttr("version", Value::String(b.version))
      .WithAttr("versionless_id", Value::String(b.VersionlessId()));
}

class KeyVaultBindingResource final : public tf::Resource {
 public:
  std::string TypeName() const override { return kBindingType; }
  const tf::Schema& GetSchema() const override { return KeyVaultBindingSchema(); }

  void ValidateConfig(const tf::CallContext&, const Value& config, tf::Diagnostics& diags) const override {
    const Value& value = Get(config, "value");
    const Value& wo = Get(config, "value_wo");
    if (value.IsKnown() && wo.IsKnown()) {
      if (!value.IsNull() && !wo.IsNull()) {
        diags.AddError("Conflicting secret values",
                       "Set exactly one of value and value_wo: value is stored (sensitive) in state, value_wo "
                       "is never stored.",
                       AttributePath("value_wo"));
      } else if (value.IsNull() && wo.IsNull()) {
        diags.AddError("Missing secret value",
                       "Set exactly one of value and value_wo; both are null here. One set from an expression is "
                       "null when the expression is (for instance a sealed adbjit_token's keyvault_secret_id "
                       "while that token has no keyvault_secret). Configuration that Terraform generates for "
                       "an import block (-generate-config-out) leaves both null, as it never writes sensitive "
                       "values: fill one in.",
                       AttributePath("value"));
      }
    }
    if (!value.IsNull() && value.IsKnown() && wo.IsKnown() && wo.IsNull() && Get(config, "value_wo_version").IsKnown() &&
        !Get(config, "value_wo_version").IsNull()) {
      diags.AddWarning("value_wo_version has no effect with value",
                       "value_wo_version tells Terraform when value_wo should be written again; with value, "
                       "every change of the value is written. Remove value_wo_version, or use value_wo.",
                       AttributePath("value_wo_version"));
    }
    if (wo.IsKnown() && !wo.IsNull() && Get(config, "value_wo_version").IsKnown() &&
        Get(config, "value_wo_version").IsNull()) {
      diags.AddError("Missing value_wo_version",
                     "value_wo is never stored, so Terraform cannot see when it changes: set value_wo_version "
                     "and change it whenever value_wo should be written again.",
                     AttributePath("value_wo_version"));
    }
    auto nbf = GetStr(config, "not_before_date");
    auto exp = GetStr(config, "expiration_date");
    if (nbf && exp) {
      auto a = ParseRfc3339(*nbf);
      auto b = ParseRfc3339(*exp);
      if (a && b && *a >= *b) {
        diags.AddError("Invalid secret validity window", "not_before_date must be earlier than expiration_date.",
                       AttributePath("not_before_date"));
      }
    }
    // The keys are all the checks need (GetMapKeys).
    const std::set<std::string> tags = GetMapKeys(config, "tags").value_or(std::set<std::string>{});
    if (tags.size() > 14) {
      diags.AddError("Too many tags",
                     "Key Vault allows at most 15 tags per secret, and adbjit marks the versions it writes with "
                     "one of them (\"" + std::string(kWriterTag) + "\"): at most 14, got " +
                         std::to_string(tags.size()) + ".",
                     AttributePath("tags"));
    }
    if (tags.contains(kWriterTag)) {
      diags.AddError("Reserved tag",
                     "The tag \"" + std::string(kWriterTag) + "\" marks the secret versions adbjit writes; "
                     "give your tag another name.",
                     AttributePath("tags"));
    }
  }

  void ModifyPlan(const tf::CallContext& ctx, const tf::PlanRequest& req, tf::PlanResponse& resp) const override {
    CheckVaultUrl(Api(ctx), Get(req.config, "vault_url"), AttributePath("vault_url"), resp.diagnostics);
    if (req.prior_state.IsNull()) return;
    Value planned = resp.planned_state;
    // Same vault or name spelled differently (trailing slash, case) and the same instant in
    // another notation are not changes.
    planned = WithPriorSecretSpelling(req.prior_state, planned);
    for (const char* attr : {"vault_url", "name"}) {
      if (Get(planned, attr) == Get(req.prior_state, attr)) DropRequiresReplace(resp, AttributePath(attr));
    }
    for (const char* date : {"expiration_date", "not_before_date"}) {
      if (SameInstant(GetStr(req.prior_state, date), GetStr(req.config, date)) && GetStr(req.config, date)) {
        planned = planned.WithAttr(date, Get(req.prior_state, date));
      }
    }
    const bool value_switched = SameValueSwitched(ctx, req, planned);
    bool remote_change = false;
    for (const char* attr : kRemoteAttrs) {
      const std::string_view name = attr;
      if (value_switched && (name == "value" || name == "value_wo_version")) continue;
      // No tags and an empty map, or no content type and "" (Refresh), are the same: nothing to write.
      if ((name == "tags" || name == "content_type") && IsEmptyOrNull(planned, attr) &&
          IsEmptyOrNull(req.prior_state, attr)) {
        continue;
      }
      if (Get(planned, attr) != Get(req.prior_state, attr)) remote_change = true;
    }
    if (resp.requires_replace.empty() && Flag(req.prior_private, kHeldByToken)) {
      // Refresh kept the state as the binding left it, so only a change in the configuration would
      // write: that plan stops; otherwise the binding stays as it is (and a destroy can go on).
      const std::string detail = HeldByTokenDetail(GetStr(req.prior_state, "name").value_or(""));
      if (remote_change) {
        resp.diagnostics.AddError("Secret held by a sealed token", detail, AttributePath("name"));
        return;
      }
      resp.diagnostics.AddWarning("Secret held by a sealed token", detail + " Until then the binding writes nothing.",
                                  AttributePath("name"));
    }
    if (!remote_change && resp.requires_replace.empty() && Flag(req.prior_private, kWrittenOutside)) {
      // Same value, but not the binding's version: written again, so that the secret is the
      // binding's once more (and a destroy removes it).
      remote_change = true;
      for (const char* attr : {"id", "version"}) planned = planned.WithAttr(attr, Value::Unknown(tf::Type::String()));
      resp.diagnostics.AddWarning(
          "Secret version written outside Terraform",
          "The latest version of the secret \"" + GetStr(req.prior_state, "name").value_or("") + "\" was written "
          "outside Terraform, with the same value and attributes as this binding's. The plan writes it again as "
          "the binding's own version: a destroy removes the secret only while its latest version is the "
          "binding's.",
          AttributePath("version"));
    }
    if (remote_change && resp.requires_replace.empty() && Flag(req.prior_private, kDisabled)) {
      resp.diagnostics.AddWarning(
          "New secret version will be written disabled",
          "The secret was disabled outside Terraform, so the new version this plan writes is disabled too: "
          "readers keep getting SecretDisabled until someone enables it (az keyvault secret set-attributes "
          "--enabled true).",
          AttributePath(Get(planned, "value").IsNull() ? "value_wo_version" : "value"));
    }
    if (!remote_change) {
      // Only Terraform's record changes (purge_on_destroy, recover_soft_deleted, an empty tag map
      // for none, the same value given the other way): the secret version stays.
      for (const char* attr : {"id", "version"}) planned = planned.WithAttr(attr, Get(req.prior_state, attr));
    }
    resp.planned_state = planned;
  }

  void Create(const tf::CallContext& ctx, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    const std::string vault_url = GetStr(req.planned_state, "vault_url").value_or("");
    const std::string name = GetStr(req.planned_state, "name").value_or("");
    std::string import_id = vault_url;
    while (!import_id.empty() && import_id.back() == '/') import_id.pop_back();
    import_id += "/secrets/" + name;
    Status free = CheckSecretNotForeign(api->keyvault(), vault_url, name, TypeName(),
                                        "to manage it with this binding, import it (terraform import with the id " +
                                            import_id + "); otherwise choose another name. A binding imported "
                                            "from it is replaced first (create_before_destroy) only once it has "
                                            "written a version of it.");
    if (!free.ok()) {
      AddApiError(resp.diagnostics, free, "Cannot write Key Vault secret", SecretErrorPath(free, AttributePath()));
      return;
    }
    Write(*api, req, GetBool(req.planned_state, "recover_soft_deleted").value_or(true), /*disabled=*/false, resp);
  }

  void Read(const tf::CallContext& ctx, const tf::ReadRequest& req, tf::ReadResponse& resp) const override {
    resp.new_state = req.current_state;
    resp.private_data = req.private_data;
    const ApiProviderData* api = Api(ctx);
    if (api == nullptr || !api->api_ready()) return;
    const Value& state = req.current_state;
    auto bundle = api->keyvault().GetSecret(GetStr(state, "vault_url").value_or(""), GetStr(state, "name").value_or(""));
    if (!bundle.ok()) {
      if (bundle.status().IsNotFound() && Flag(req.private_data, kPurgePending)) {
        // A destroy deleted the secret but could not purge it: stay in state so that the next
        // destroy purges it, and show the value as gone so that an apply writes it again.
        resp.new_state = GetStr(state, "value") ? state.WithAttr("value", Str(std::nullopt))
                                                : state.WithAttr("value_wo_version", Int(std::nullopt));
      } else if (bundle.status().IsNotFound()) {
        resp.new_state = Value::Null(GetSchema().ImpliedType());
      } else if (bundle.status().service_code() == keyvault::kSecretDisabled) {
        resp.diagnostics.AddWarning("Secret is disabled in Key Vault",
                                    "The secret \"" + GetStr(state, "name").value_or("") +
                                        "\" is disabled, so its value cannot be read and compared; the state "
                                        "is left as it was.");
        resp.private_data = WithFlag(req.private_data, kDisabled, true);
      } else {
        AddApiError(resp.diagnostics, bundle.status(), "Cannot read Key Vault secret");
      }
      return;
    }
    const std::string own_writer = OwnWriter(req.private_data);
    const bool held_by_token = WarnIfWrittenByAnother(state, *bundle, own_writer, resp.diagnostics);
    // A sealed token's version is not the binding's to take in: its value would enter the state,
    // and a destroy would then delete the token's secret. The state stays as the binding left it,
    // and the plan refuses to go on (ModifyPlan).
    // Nor is any other version: the state keeps the binding's own (so that a destroy leaves the
    // secret while another's version is the latest) and shows the latest's value, which the plan
    // writes back where it differs. Another binding's version (a replacement made first, which a
    // refresh of the deposed binding finds) would otherwise become this one's, and its destroy
    // would delete the replacement's secret. One written outside adbjit is written back even
    // with the same value, so that the secret is adbjit's again. A version with the binding's own
    // writer id is its own, and its id is taken into the state.
    auto own = GetStr(state, "id");
    const bool not_own = !held_by_token && own && !IsOwnVersion(*bundle, *own, own_writer);
    const bool written_outside = not_own && !bundle->tags.contains(kWriterTag);
    resp.new_state = held_by_token ? state : Refresh(state, *bundle, /*keep_own_version=*/not_own);
    resp.private_data = WithFlag(WithFlag(WithFlag(WithFlag(req.private_data, kPurgePending, false), kDisabled, false),
                                          kHeldByToken, held_by_token),
                                 kWrittenOutside, written_outside);
  }

  void Update(const tf::CallContext& ctx, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    if (req.planned_state.IsWhollyKnown()) {  // no new version planned (see ModifyPlan)
      resp.new_state = req.planned_state;
      resp.private_data = req.planned_private;
      return;
    }
    // A plan made without a refresh (-refresh=false) has not seen a sealed token take the secret:
    // look once more before writing over it.
    const std::string name = GetStr(req.prior_state, "name").value_or("");
    auto latest = api->keyvault().GetSecret(GetStr(req.prior_state, "vault_url").value_or(""), name);
    if (latest.ok() && latest->id != GetStr(req.prior_state, "id").value_or("") &&
        WriterType(*latest) == "adbjit_token") {
      resp.diagnostics.AddError("Secret held by a sealed token", HeldByTokenDetail(name) + " Nothing was written.",
                                AttributePath("name"));
      resp.new_state = req.prior_state;
      resp.private_data = WithFlag(req.planned_private, kHeldByToken, true);
      return;
    }
    Write(*api, req, /*recover=*/true, Flag(req.planned_private, kDisabled), resp);
  }

  void Delete(const tf::CallContext& ctx, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    const std::string vault_url = GetStr(req.prior_state, "vault_url").value_or("");
    const std::string name = GetStr(req.prior_state, "name").value_or("");
    // A replacement created first (create_before_destroy) has written the same name already: the
    // secret is the new binding's then, and stays.
    RemoveObjectsSecret(api->keyvault(), vault_url, name, GetStr(req.prior_state, "id").value_or(""),
                        GetBool(req.prior_state, "purge_on_destroy").value_or(true), resp.diagnostics,
                        std::nullopt, OwnWriter(req.planned_private));
    if (resp.diagnostics.HasError()) {
      // Keep the binding (the secret may be live, or soft-deleted but not purged) and remember
      // that a destroy is unfinished, so that a refresh that finds no live secret keeps it.
      resp.new_state = req.prior_state;
      resp.private_data = WithFlag(req.planned_private, kPurgePending, true);
    }
  }

  void Import(const tf::CallContext& ctx, const tf::ImportRequest& req, tf::ImportResponse& resp) const override {
    auto secret = SplitSecretId(AsciiTrim(req.id));
    if (!secret) {
      resp.diagnostics.AddError("Invalid import id",
                                "Import an adbjit_keyvault_binding by its versionless secret id, "
                                "https://<vault>.vault.azure.net/secrets/<name>; got \"" + req.id + "\".");
      return;
    }
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    auto bundle = api->keyvault().GetSecret(secret->vault_url, secret->name);
    if (!bundle.ok()) {
      AddApiError(resp.diagnostics, bundle.status(),
                  bundle.status().IsNotFound() ? "Secret not found" : "Cannot read Key Vault secret");
      return;
    }
    // A sealed token's secret: its value would enter the state, and the binding would write over it.
    if (WriterType(*bundle) == "adbjit_token") {
      resp.diagnostics.AddError("Cannot import a sealed token's secret",
                                "The latest version of the secret \"" + secret->name + "\" was written by a "
                                "sealed adbjit_token (tag " + std::string(kWriterTag) + " = \"" +
                                bundle->tags.at(kWriterTag) +
                                "\"). Imported as a binding, the token's value would enter the state and the "
                                "binding would write over it. Give the binding another secret name.");
      return;
    }
    // A versioned id (the binding's own id attribute) is taken while it names the latest version,
    // which is the one a binding manages; an older one would be adopted as something it is not.
    if (!secret->version.empty() && AsciiLower(secret->version) != AsciiLower(bundle->version)) {
      resp.diagnostics.AddError("Invalid import id",
                                "The import id names version " + secret->version + " of the secret \"" +
                                    secret->name + "\", which is not its latest version (" + bundle->version +
                                    "); a binding manages the latest version of its secret. Import it by its "
                                    "versionless id, " + secret->vault_url + "secrets/" + secret->name + ".");
      return;
    }
    resp.state = Refresh(AdoptedState(*secret, bundle->value.Reveal()), *bundle, /*keep_own_version=*/false);
  }

  // `moved` from azurerm_key_vault_secret (hashicorp/azurerm): the same secret, no new version. The
  // state takes the source's value (or its value_wo_version) and attributes; the next refresh
  // compares them with Key Vault.
  void MoveState(const tf::CallContext&, const tf::MoveRequest& req, tf::MoveResponse& resp) const override {
    auto source = MovedSourceState(req, TypeName(), "azurerm_key_vault_secret", "azurerm", resp.diagnostics);
    if (!source) return;
    std::string versioned_id = SourceStr(*source, "id").value_or("");
    auto secret = SplitSecretId(SourceStr(*source, "versionless_id").value_or(versioned_id));
    if (!secret) {
      resp.diagnostics.AddError("Cannot move azurerm_key_vault_secret to adbjit_keyvault_binding",
                                "The stored azurerm_key_vault_secret has no secret id. Remove the moved block, "
                                "then import the secret by its versionless id instead.");
      return;
    }
    auto value = SourceStr(*source, "value");
    Value state = AdoptedState(*secret, value);
    if (!value) state = state.WithAttr("value_wo_version", Int(SourceInt(*source, "value_wo_version")));
    std::optional<std::map<std::string, std::string>> tags;
    if (auto it = source->find("tags"); it != source->end() && it->is_object() && !it->empty()) {
      tags.emplace();
      for (const auto& [k, v] : it->items()) {
        if (v.is_string()) (*tags)[k] = v.get<std::string>();
      }
    }
    resp.state = state.WithAttr("id", Str(versioned_id.empty() ? std::nullopt : std::optional(versioned_id)))
                     .WithAttr("version", Str(SourceStr(*source, "version")))
                     .WithAttr("versionless_id", Value::String(secret->vault_url + "secrets/" + secret->name))
                     .WithAttr("content_type", Str(SourceStr(*source, "content_type")))
                     .WithAttr("tags", StrMap(tags))
                     .WithAttr("expiration_date", Str(SourceStr(*source, "expiration_date")))
                     .WithAttr("not_before_date", Str(SourceStr(*source, "not_before_date")));
  }

 private:
  struct SecretName {
    std::string vault_url;  // with the trailing slash
    std::string name;
    std::string version;  // empty for a versionless id
  };
  // https://<vault>/secrets/<name>, or a versioned id (.../<name>/<version>).
  static std::optional<SecretName> SplitSecretId(const std::string& id) {
    size_t pos = id.find("/secrets/");
    if (pos == std::string::npos) return std::nullopt;
    std::string name = id.substr(pos + 9);
    std::string version;
    if (size_t slash = name.find('/'); slash != std::string::npos) {
      version = name.substr(slash + 1);
      name.resize(slash);
    }
    if (name.empty() || version.find('/') != std::string::npos) return std::nullopt;
    return SecretName{id.substr(0, pos) + "/", name, version};
  }

  // A secret Terraform takes over (import, move), with the defaults a configuration would have.
  Value AdoptedState(const SecretName& secret, const std::optional<std::string>& value) const {
    return Value::Object(GetSchema().ImpliedType(), {{"vault_url", Value::String(secret.vault_url)},
                                                     {"name", Value::String(secret.name)},
                                                     {"value", Str(value)},
                                                     {"purge_on_destroy", Value::Bool(true)},
                                                     {"recover_soft_deleted", Value::Bool(true)}});
  }

  // Whether the plan only switches between value and value_wo with the text Key Vault already
  // holds: `value` in state (an import always records it) and the same text in value_wo, or the
  // reverse, checked against the secret itself (a write-only value leaves no trace in state).
  static bool SameValueSwitched(const tf::CallContext& ctx, const tf::PlanRequest& req, const Value& planned) {
    if (!Get(planned, "value").IsKnown() || !Get(planned, "value_wo_version").IsKnown()) return false;
    auto prior_value = GetStr(req.prior_state, "value");
    auto planned_value = GetStr(planned, "value");
    auto config_wo = GetStr(req.config, "value_wo");
    if (prior_value && !planned_value && config_wo) return *config_wo == *prior_value;
    const ApiProviderData* api = Api(ctx);
    if (prior_value || !planned_value || api == nullptr || !api->api_ready()) return false;
    auto latest = api->keyvault().GetSecret(GetStr(req.prior_state, "vault_url").value_or(""),
                                            GetStr(req.prior_state, "name").value_or(""));
    // Any failure: plan the write, which reports it if it persists.
    return latest.ok() && latest->id == GetStr(req.prior_state, "id") && latest->value.Reveal() == *planned_value;
  }

  // Writes a new version; `disabled` writes it disabled, as the secret it follows (the plan warned).
  static void Write(const ApiProviderData& api, const tf::ApplyRequest& req, bool recover, bool disabled,
                    tf::ApplyResponse& resp) {
    const Value& planned = req.planned_state;
    auto value = GetStr(planned, "value");
    bool write_only = !value;
    if (write_only) value = GetStr(req.config, "value_wo");
    if (write_only && !req.prior_state.IsNull() && GetStr(req.prior_state, "value") == std::nullopt &&
        Get(planned, "value_wo_version") == Get(req.prior_state, "value_wo_version")) {
      // A change of tags, content type or dates writes a new version, but only a new
      // value_wo_version takes a new write-only value: keep the value of the binding's own version.
      // One that cannot be read for being disabled or gone takes value_wo, as the plan's drift
      // handling does; any other failure stops the write rather than take value_wo unasked.
      auto own = api.keyvault().GetSecret(GetStr(req.prior_state, "vault_url").value_or(""),
                                          GetStr(req.prior_state, "name").value_or(""),
                                          GetStr(req.prior_state, "version").value_or(""));
      if (own.ok()) {
        value = own->value.Reveal();
      } else if (!own.status().IsNotFound() && own.status().service_code() != keyvault::kSecretDisabled) {
        AddApiError(resp.diagnostics, own.status(), "Cannot read the secret's value to keep it",
                    AttributePath("value_wo_version"));
        return;
      }
    }
    keyvault::SetSecretParams params{.value = Secret(value.value_or("")),
                                     .content_type = GetStr(planned, "content_type"),
                                     .tags = GetStrMap(planned, "tags").value_or(std::map<std::string, std::string>{})};
    if (auto exp = GetStr(planned, "expiration_date")) params.exp = ParseRfc3339(*exp);
    if (auto nbf = GetStr(planned, "not_before_date")) params.nbf = ParseRfc3339(*nbf);
    if (disabled) params.enabled = false;  // a new version is enabled unless it says not
    std::string vault_url = GetStr(planned, "vault_url").value_or("");
    std::string name = GetStr(planned, "name").value_or("");
    // An update keeps the binding's writer id; a create (whose planned private state is empty)
    // and a binding that has none yet make one.
    std::string writer = WriterId(req.planned_private);
    if (writer.empty()) writer = RandomHex(8);
    auto written = WriteSecret(api.keyvault(), vault_url, name, params, recover, std::string(kBindingType) + ":" + writer);
    if (!written.ok()) {
      AddApiError(resp.diagnostics, written.status(), "Cannot write Key Vault secret",
                  SecretErrorPath(written.status(), AttributePath()));
      // Create keeps no state; update keeps the prior one, with the writer id a version may carry:
      // one written all the same (its answer lost or refused) is still the binding's.
      if (!req.prior_state.IsNull()) {
        resp.new_state = req.prior_state;
        resp.private_data = WithWriterId(req.planned_private, writer);
      }
      return;
    }
    resp.new_state = WithBundle(planned, *written);
    resp.private_data = WithFlag(WithWriterId("", writer), kDisabled, disabled);
  }

  // A newer version with another value, written by adbjit but not by this binding: most likely
  // another resource (a binding, or a sealed token) writes the same secret, and each apply would
  // overwrite the other's value, for ever.
  // Also a write-only value overwritten outside Terraform: the plan can show only value_wo_version
  // going from null to its number, so say why. For a version a sealed adbjit_token wrote, it warns
  // nothing and returns true: the plan then refuses to write over it (ModifyPlan).
  static bool WarnIfWrittenByAnother(const Value& state, const keyvault::SecretBundle& latest,
                                     std::string_view own_writer, tf::Diagnostics& diags) {
    auto own = GetStr(state, "id");
    if (!own || latest.id.empty() || IsOwnVersion(latest, *own, own_writer)) return false;
    auto value = GetStr(state, "value");
    const std::string name = GetStr(state, "name").value_or("");
    auto tag = latest.tags.find(kWriterTag);
    if (tag == latest.tags.end()) {
      if (value) return false;  // the plan shows the value written back
      diags.AddWarning("Secret written outside Terraform",
                       "A version written outside Terraform is now the latest of the secret \"" + name +
                           "\". The write-only value cannot be compared with it, so the plan writes value_wo "
                           "again (shown as a change of value_wo_version).",
                       AttributePath("value_wo_version"));
      return false;
    }
    if (WriterType(latest) == "adbjit_token") return true;
    if (value && latest.value.Reveal() == *value) return false;  // same value: nothing to write back
    diags.AddWarning("Secret written by another adbjit resource",
                     "The latest version of the secret \"" + name + "\" was written by adbjit (" + tag->second +
                         "), but not by this binding, and the plan writes this binding's value again. If this "
                         "comes back after every apply, two resources write the same secret and each apply "
                         "overwrites the other's value: give each its own secret name.",
                     AttributePath("name"));
    return false;
  }

  // Why a binding does not write a secret a sealed token took.
  static std::string HeldByTokenDetail(const std::string& name) {
    return "The latest version of the secret \"" + name + "\" was written by a sealed adbjit_token (in this "
           "configuration or another), not by this binding. A binding and a sealed token must not share a secret: "
           "writing the binding's value there would take the token from the pipelines that read it. Give the "
           "binding another secret name (the token keeps this one).";
  }

  // `keep_own_version`: `b` is not the binding's own version (Read), whose id the state keeps.
  static Value Refresh(const Value& state, const keyvault::SecretBundle& b, bool keep_own_version) {
    Value s = keep_own_version ? state : WithBundle(state, b);
    if (GetStr(state, "value")) {
      s = s.WithAttr("value", Value::String(b.value.Reveal()));
    } else if (keep_own_version) {
      // A version the binding did not write holds the write-only value now: forget the version
      // so that the next plan writes value_wo again.
      s = s.WithAttr("value_wo_version", Int(std::nullopt));
    }
    // An empty content type is none (azurerm_key_vault_secret writes "" when given none), however
    // the state spells it (null or ""), rather than show a change that writes a new version.
    const bool remote_none = !b.content_type || b.content_type->empty();
    const bool stated_empty = GetStr(state, "content_type") == std::optional<std::string>("");
    s = s.WithAttr("content_type", !remote_none  ? Value::String(*b.content_type)
                                   : stated_empty ? Value::String("")
                                                  : Str(std::nullopt));
    const Value& prior_tags = Get(state, "tags");
    std::map<std::string, std::string> tags = b.tags;
    tags.erase(kWriterTag);  // adbjit's mark, not the configuration's
    s = s.WithAttr("tags", tags.empty() && prior_tags.IsNull() ? prior_tags : StrMap(tags));
    s = s.WithAttr("expiration_date", DateFrom(b.attributes.exp, Get(state, "expiration_date")));
    s = s.WithAttr("not_before_date", DateFrom(b.attributes.nbf, Get(state, "not_before_date")));
    return s;
  }
};

}  // namespace

std::shared_ptr<const tf::Resource> NewKeyVaultBindingResource() {
  return std::make_shared<KeyVaultBindingResource>();
}

}  // namespace adbjit::resources
