// adbjit_tokens data source: the principal's valid tokens (comment markers stripped), optionally
// filtered by comment text.
#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "resources/common.h"
#include "resources/resources.h"
#include "resources/schemas.h"

namespace adbjit::resources {
namespace {

using tf::Value;

class TokensDataSource final : public tf::DataSource {
 public:
  std::string TypeName() const override { return "adbjit_tokens"; }
  const tf::Schema& GetSchema() const override { return TokensDataSourceSchema(); }

  void Read(const tf::CallContext& ctx, const tf::DataReadRequest& req, tf::DataReadResponse& resp) const override {
    const ApiProviderData* api = Api(ctx);
    if (api != nullptr && !api->api_ready()) {
      // Terraform reads a data source during plan even when the provider configuration depends on
      // values known only after apply, and a data source cannot answer with unknown values.
      resp.diagnostics.AddError(
          "Provider configuration not known yet",
          "The adbjit provider configuration depends on values known only after apply, so the token list "
          "cannot be read during this plan. Add depends_on with the resource the provider configuration "
          "refers to (for example depends_on = [azurerm_databricks_workspace.this]) so that Terraform "
          "reads this data source during apply, once the configuration is known.");
      return;
    }
    api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    auto tokens = api->databricks().ListTokens();
    if (!tokens.ok()) {
      AddApiError(resp.diagnostics, tokens.status(), "Cannot list Databricks tokens");
      return;
    }
    auto filter = GetStr(req.config, "comment_contains");
    const tf::Type& list_type = GetSchema().block.FindAttribute("tokens")->type;
    // Oldest first, whatever order the API lists them in: what depends on the list sees no change
    // unless the tokens change.
    std::vector<databricks::TokenInfo> sorted = *std::move(tokens);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return std::tie(a.creation_time, a.token_id) < std::tie(b.creation_time, b.token_id);
    });
    // The ephemeral tokens this run has open are left out: whether one is listed would depend on
    // the order Terraform happens to read this in, and it is gone once the run ends.
    std::set<std::string> open_ids, open_markers;
    for (const OpenEphemeralTokens::Token& o : api->open_ephemeral_tokens.Snapshot()) {
      if (!o.id.empty()) open_ids.insert(o.id);
      if (!o.marker.empty()) open_markers.insert(o.marker);
    }
    std::vector<Value> items;
    for (const auto& t : sorted) {
      if (filter && t.comment.find(*filter) == std::string::npos) continue;
      if (open_ids.contains(t.token_id)) continue;
      if (!open_markers.empty() && open_markers.contains(databricks::FindMarker(t.raw_comment))) continue;
      items.push_back(Value::Object(
          list_type.ElementType(),
          {{"token_id", Value::String(t.token_id)},
           {"comment", Value::String(t.comment)},
           {"creation_time", Value::String(EpochMsToRfc3339(t.creation_time))},
           {"expiry_time", t.expiry_time < 0 ? Str(std::nullopt) : Value::String(EpochMsToRfc3339(t.expiry_time))}}));
    }
    // ListTokens above has resolved the host (from ARM, when only the resource ID is set).
    auto host = api->databricks().Host();
    if (!host.ok()) {
      AddApiError(resp.diagnostics, host.status(), "Cannot list Databricks tokens");
      return;
    }
    resp.state = req.config.WithAttr("id", Value::String(*host))
                     .WithAttr("tokens", Value::List(list_type.ElementType(), std::move(items)));
  }
};

}  // namespace

std::shared_ptr<const tf::DataSource> NewTokensDataSource() { return std::make_shared<TokensDataSource>(); }

}  // namespace adbjit::resources
