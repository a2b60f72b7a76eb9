// Default bodies of the optional Resource capabilities: import (unsupported) and state upgrade
// (same-version decode only).
#include "provider/framework/resource.h"

#include "provider/framework/codec.h"

namespace adbjit::tf {

void Resource::Import(const CallContext& ctx, const ImportRequest& req, ImportResponse& resp) const {
  resp.diagnostics.AddError("Import not supported",
                            "The resource type " + TypeName() + " does not support import. Create it with "
                            "Terraform instead.");
}

void Resource::MoveState(const CallContext& ctx, const MoveRequest& req, MoveResponse& resp) const {
  resp.diagnostics.AddError("Move not supported",
                            "The resource type " + TypeName() + " cannot take the state of " + req.source_type_name +
                                " (" + req.source_provider_address + "). Remove the moved block, then import the "
                                "object instead.");
}

void Resource::UpgradeState(const CallContext& ctx, const UpgradeRequest& req, UpgradeResponse& resp) const {
  const Schema& schema = GetSchema();
  if (req.version == schema.version) {
    StatusOr<Value> state = DecodeJson(req.raw_json, schema.ImpliedType());
    if (state.ok()) {
      resp.state = std::move(state).value();
    } else {
      resp.diagnostics.AddStatus(state.status(), "Cannot Read Stored State");
    }
    return;
  }
  if (req.version > schema.version) {
    resp.diagnostics.AddError(
        "Resource Managed by a Newer Provider Version",
        "The state of this " + TypeName() + " was written by a newer provider version (schema version " +
            std::to_string(req.version) + "; this provider understands up to " + std::to_string(schema.version) +
            "). Upgrade the provider to use this state.");
    return;
  }
  resp.diagnostics.AddError(
      "Cannot Upgrade Resource State",
      "The state of this " + TypeName() + " has schema version " + std::to_string(req.version) +
          ", but the provider has no upgrader from it to version " + std::to_string(schema.version) +
          ". This is a bug in the provider: resources that bump their schema version must override "
          "UpgradeState.");
}

}  // namespace adbjit::tf
