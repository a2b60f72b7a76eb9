// Ephemeral adbjit_token: a token for one Terraform run. Open creates it (the token id travels in
// private data), Close revokes it; nothing reaches plan or state. Terraform passes Open's private
// data to Close, so the id is always the one Open created. While the provider configuration is
// still unknown (plan only), Open returns unknown token attributes and creates nothing.
//
// Terraform skips Close when the run fails or is interrupted after Open, so the provider process
// keeps the ids it opened and has not closed, and revokes those when Terraform shuts it down. A
// stop (Ctrl-C) does not cancel these revokes: a token no state records must not outlive the run.
#include <chrono>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "resources/common.h"
#include "resources/resources.h"
#include "resources/schemas.h"
#include "provider/clients/http/transport.h"
#include "provider/util/log.h"

namespace adbjit::resources {
namespace {

using tf::AttributePath;
using tf::Value;

// Revokes an ephemeral token; a failure says what is left and how to end it. `sweeping`: for the
// shutdown sweep, which Terraform waits for, through the clean-up client only, whose retries stop
// after Clients::kCleanUpBudget (the regular client's run to retry_timeout_seconds).
Status RevokeEphemeralToken(const ApiProviderData& api, const std::string& token_id, const std::string& expiry,
                            bool sweeping) {
  Status revoked = sweeping ? api.clients->CleanUp().DeleteToken(token_id) : api.databricks().DeleteToken(token_id);
  // Stopped (Ctrl-C): the revoke goes out anyway, on the connections a stop does not reach.
  if (revoked.code() == StatusCode::kCancelled) revoked = api.clients->CleanUp().DeleteToken(token_id);
  if (revoked.ok() || revoked.IsNotFound()) return Status::OK();
  // Nothing records an ephemeral token: say what is left and how to end it. It belongs to the
  // provider's principal (a service principal or managed identity), whose tokens no user's token
  // page shows.
  revoked.Explain(". Token " + token_id + " stays valid " +
                  (expiry.empty() ? "for good (it has no expiry)" : "until " + expiry) +
                  (sweeping ? "" : " unless the provider's second try when Terraform stops it succeeds") +
                  ", and no state records it: revoke it as the provider's principal (POST /api/2.0/token/delete), "
                  "or as a workspace admin through the token management API (DELETE "
                  "/api/2.0/token-management/tokens/" + token_id + ").");
  return revoked;
}

// Revokes `tokens` for the shutdown sweep (RevokeUnclosedEphemeralTokens): no revoke starts after
// `deadline`, nor after one that could not reach the workspace (each such try takes up to a
// clean-up budget), and what is left is logged.
void SweepOpenTokens(const ApiProviderData& api, std::vector<OpenEphemeralTokens::Token> tokens,
                     std::chrono::steady_clock::time_point deadline) {
  constexpr std::chrono::seconds kSweepTime = clients::Clients::kCleanUpBudget;
  std::string gave_up;  // why the sweep stopped, once it has
  for (const OpenEphemeralTokens::Token& t : tokens) {
    if (gave_up.empty() && std::chrono::steady_clock::now() >= deadline) {
      gave_up = "the sweep's " + std::to_string(kSweepTime.count()) + " s ran out";
    }
    if (!gave_up.empty()) {
      log::Error("adbjit", "did not revoke an ephemeral token Terraform did not close (" + gave_up +
                 "); revoke it by hand, or let it expire",
                 {{"token_id", t.id}, {"marker", t.marker}, {"expiry_time", t.expiry}});
      continue;
    }
    auto unreachable = [&](const Status& s) {
      if (http::IsTransientTransportError(s)) gave_up = "the workspace did not answer: " + s.message();
    };
    if (!t.marker.empty()) {
      int revoked = 0;
      Status swept = api.clients->CleanUp().RevokeMarked(t.marker, "", &revoked);
      if (!swept.ok()) {
        unreachable(swept);
        log::Error("adbjit", "cannot look for the token an ephemeral open may have left; revoke any token whose "
                   "comment ends in the marker",
                   {{"marker", t.marker}, {"error", swept.message()}});
      } else if (revoked > 0) {
        log::Warn("adbjit", "revoked the token an ephemeral open left when its create answer was lost or late",
                  {{"marker", t.marker}});
      }
      continue;
    }
    Status revoked = RevokeEphemeralToken(api, t.id, t.expiry, /*sweeping=*/true);
    if (revoked.ok()) {
      log::Warn("adbjit", "revoked an ephemeral token Terraform did not close (the run failed or was interrupted), "
                "or whose close could not revoke it",
                {{"token_id", t.id}});
    } else {
      unreachable(revoked);
      log::Error("adbjit", "cannot revoke an ephemeral token Terraform did not close",
                 {{"token_id", t.id}, {"error", revoked.message()}});
    }
  }
}

class EphemeralTokenResource final : public tf::EphemeralResource {
 public:
  std::string TypeName() const override { return "adbjit_token"; }
  const tf::Schema& GetSchema() const override { return EphemeralTokenSchema(); }

  void Open(const tf::CallContext& ctx, const tf::OpenRequest& req, tf::OpenResponse& resp) const override {
    const std::optional<int64_t> configured = GetInt(req.config, "lifetime_seconds");
    const int64_t lifetime = configured.value_or(3600);
    const ApiProviderData* api = Api(ctx);
    if (api != nullptr && api->guardrails.lifetime_known && api->guardrails.max_token_lifetime_seconds &&
        lifetime > *api->guardrails.max_token_lifetime_seconds) {
      resp.diagnostics.AddError("Token lifetime exceeds guard rail",
                                "lifetime_seconds = " + std::to_string(lifetime) +
                                    (configured ? "" : " (the default)") +
                                    " is above the provider's guardrails.max_token_lifetime_seconds = " +
                                    std::to_string(*api->guardrails.max_token_lifetime_seconds) + ".",
                                AttributePath("lifetime_seconds"));
      return;
    }
    if (api != nullptr && (!api->api_ready() || !api->guardrails.lifetime_known)) {
      // The provider configuration holds values known only after apply (a workspace created in the
      // same run, or the lifetime's guard rail, which it cannot be checked against), which happens only
      // while planning: plan with an unknown token. The apply run configures the provider with
      // known values and opens a real one.
      resp.result = Result(req.config, lifetime, Value::Unknown(tf::Type::String()),
                           Value::Unknown(tf::Type::String()), Value::Unknown(tf::Type::String()));
      return;
    }
    api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    // The token's marker is on the open list before the create is sent: a data source of this run
    // that lists tokens while the create is in flight leaves out the token it may find made, and
    // a shutdown sweep that begins meanwhile waits for the create to end.
    const std::string marker = databricks::MakeMarker();
    if (!api->open_ephemeral_tokens.BeginCreate(marker)) {
      resp.diagnostics.AddError("Provider is shutting down",
                                "Terraform is shutting the provider process down, which revokes every ephemeral "
                                "token it opened; no token was created.");
      return;
    }
    std::string lost_marker;
    auto created =
        api->databricks().CreateTokenSafely(lifetime, GetStr(req.config, "comment").value_or(""), &lost_marker, marker);
    if (!created.ok()) {
      const size_t create_error = resp.diagnostics.items().size();
      AddApiError(resp.diagnostics, created.status(), "Cannot create Databricks token",
                  TokenCreateErrorPath(created.status()));
      // Nothing was made, unless the marker is lost: no state can hold that token, so the marker
      // stays listed, and the provider looks for it again, and revokes it, at shutdown.
      const bool lost = !lost_marker.empty();
      if (lost) {
        resp.diagnostics.ExplainErrorsFrom(create_error, " The provider looks for that token again when Terraform "
                                                         "shuts it down at the end of the run, and revokes it; if "
                                                         "that look fails too, only the provider's log says so "
                                                         "(TF_LOG_PROVIDER=error).");
      }
      RevokeLeftAfterTheSweep(*api, api->open_ephemeral_tokens.EndCreate(marker, std::nullopt, lost));
      return;
    }
    const auto& info = created->info;
    resp.result = Result(req.config, lifetime, Value::String(info.token_id), Value::String(created->token_value.Reveal()),
                         info.expiry_time < 0 ? Str(std::nullopt) : Value::String(EpochMsToRfc3339(info.expiry_time)));
    const std::string expiry = info.expiry_time >= 0 ? EpochMsToRfc3339(info.expiry_time) : "";
    nlohmann::json priv{{"token_id", info.token_id}};
    if (!expiry.empty()) priv["expiry_time"] = expiry;
    resp.private_data = priv.dump();
    // A request given up on may still make a twin with the marker: it stays, looked for again at
    // shutdown.
    RevokeLeftAfterTheSweep(*api, api->open_ephemeral_tokens.EndCreate(
                                      marker, OpenEphemeralTokens::Token{.id = info.token_id, .expiry = expiry},
                                      created->after_ambiguity));
  }

  // A create that ended after the shutdown sweep had taken the open list (it waited for the
  // create until its deadline): what it made is revoked here, as the sweep would have.
  static void RevokeLeftAfterTheSweep(const ApiProviderData& api, std::vector<OpenEphemeralTokens::Token> left) {
    if (left.empty()) return;
    SweepOpenTokens(api, std::move(left), std::chrono::steady_clock::now() + clients::Clients::kCleanUpBudget);
  }

  // The result object: the configured arguments and the token's attributes.
  Value Result(const Value& config, int64_t lifetime, Value token_id, Value token_value, Value expiry_time) const {
    return Value::Object(
        GetSchema().ImpliedType(),
        {{"comment", Get(config, "comment").IsNull() ? Str(std::nullopt) : Get(config, "comment")},
         {"lifetime_seconds", Value::Int(lifetime)},
         {"token_id", std::move(token_id)},
         {"token_value", std::move(token_value)},
         {"expiry_time", std::move(expiry_time)}});
  }

  void Close(const tf::CallContext& ctx, const tf::CloseRequest& req, tf::CloseResponse& resp) const override {
    auto j = nlohmann::json::parse(req.private_data, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("token_id") || !j["token_id"].is_string()) return;
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    const std::string token_id = j["token_id"].get<std::string>();
    const auto expiry = j.find("expiry_time");
    Status revoked = RevokeEphemeralToken(*api, token_id, expiry != j.end() && expiry->is_string() ? expiry->get<std::string>() : "",
                                          /*sweeping=*/false);
    // A token this could not revoke stays on the open list: the shutdown sweep tries once more.
    if (revoked.ok()) api->open_ephemeral_tokens.Remove(token_id);
    if (!revoked.ok()) AddApiError(resp.diagnostics, revoked, "Cannot revoke ephemeral Databricks token");
  }
};

}  // namespace

void RevokeUnclosedEphemeralTokens(const ApiProviderData& api,
                                   std::optional<std::chrono::steady_clock::time_point> until) {
  // Terraform waits for this (it runs in Shutdown) with no deadline of its own.
  const auto deadline = until.value_or(std::chrono::steady_clock::now() + clients::Clients::kCleanUpBudget);
  SweepOpenTokens(api, api.open_ephemeral_tokens.TakeAllForSweep(deadline), deadline);
}

std::shared_ptr<const tf::EphemeralResource> NewEphemeralTokenResource() {
  return std::make_shared<EphemeralTokenResource>();
}

}  // namespace adbjit::resources
