// tfplugin6 managed-resource RPCs: ValidateResourceConfig, UpgradeResourceState, ReadResource,
// PlanResourceChange, ApplyResourceChange, ImportResourceState, MoveResourceState.
#include "provider/plugin/convert.h"
#include "provider/plugin/provider_service.h"
#include "provider/plugin/rpc_call.h"

namespace adbjit::plugin {

namespace pb = ::tfplugin6;

// ValidateResourceConfig: type_name=1, config=2, client_capabilities=3 -> diagnostics=1.
grpc::Status ProviderService::ValidateResourceConfig(Ctx*, const pb::ValidateResourceConfig::Request* req,
                                                     pb::ValidateResourceConfig::Response* resp) {
  return RunRpc("ValidateResourceConfig", Resource(req->type_name()), resp, [&] {
    AppendDiagnostics(server_->ValidateResourceConfig(req->type_name(), FromProto(req->config()),
                                                      FromProto(req->client_capabilities())),
                      resp->mutable_diagnostics());
  });
}

// UpgradeResourceState: type_name=1, version=2, raw_state=3 (json=1; flatmap=2 only from
// Terraform < 0.12, which cannot run protocol 6) -> upgraded_state=1, diagnostics=2.
grpc::Status ProviderService::UpgradeResourceState(Ctx*, const pb::UpgradeResourceState::Request* req,
                                                   pb::UpgradeResourceState::Response* resp) {
  return RunRpc("UpgradeResourceState", Resource(req->type_name()), resp, [&] {
    if (req->raw_state().json().empty() && req->raw_state().flatmap_size() > 0) {
      AppendError(resp->mutable_diagnostics(), "Unsupported State Format",
                  "The stored state of this " + req->type_name() +
                      " is in the pre-0.12 flatmap format, which terraform-provider-adbjit cannot read.");
      return;
    }
    auto r = server_->UpgradeResourceState(req->type_name(), req->version(), req->raw_state().json());
    ToProto(r.upgraded_state, resp->mutable_upgraded_state());
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

// ReadResource: type_name=1, current_state=2, private=3, provider_meta=4 (unused),
// client_capabilities=5 -> new_state=1, diagnostics=2, private=3.
grpc::Status ProviderService::ReadResource(Ctx*, const pb::ReadResource::Request* req,
                                           pb::ReadResource::Response* resp) {
  return RunRpc("ReadResource", Resource(req->type_name()), resp, [&] {
    auto r = server_->ReadResource(req->type_name(), FromProto(req->current_state()), req->private_(),
                                   FromProto(req->client_capabilities()));
    ToProto(r.new_state, resp->mutable_new_state());
    resp->set_private_(std::move(r.private_data));
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

// PlanResourceChange: type_name=1, prior_state=2, proposed_new_state=3, config=4, prior_private=5,
// provider_meta=6 (unused), client_capabilities=7 -> planned_state=1, requires_replace=2,
// planned_private=3, diagnostics=4.
grpc::Status ProviderService::PlanResourceChange(Ctx*, const pb::PlanResourceChange::Request* req,
                                                 pb::PlanResourceChange::Response* resp) {
  return RunRpc("PlanResourceChange", Resource(req->type_name()), resp, [&] {
    auto r = server_->PlanResourceChange(req->type_name(), FromProto(req->prior_state()),
                                         FromProto(req->proposed_new_state()), FromProto(req->config()),
                                         req->prior_private(), FromProto(req->client_capabilities()));
    ToProto(r.planned_state, resp->mutable_planned_state());
    for (const auto& path : r.requires_replace) ToProto(path, resp->add_requires_replace());
    resp->set_planned_private(std::move(r.planned_private));
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

// ApplyResourceChange: type_name=1, prior_state=2, planned_state=3, config=4, planned_private=5,
// provider_meta=6 (unused) -> new_state=1, private=2, diagnostics=3.
grpc::Status ProviderService::ApplyResourceChange(Ctx*, const pb::ApplyResourceChange::Request* req,
                                                  pb::ApplyResourceChange::Response* resp) {
  return RunRpc("ApplyResourceChange", Resource(req->type_name()), resp, [&] {
    auto r = server_->ApplyResourceChange(req->type_name(), FromProto(req->prior_state()),
                                          FromProto(req->planned_state()), FromProto(req->config()),
                                          req->planned_private());
    ToProto(r.new_state, resp->mutable_new_state());
    resp->set_private_(std::move(r.private_data));
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

// ImportResourceState: type_name=1, id=2, client_capabilities=3 -> imported_resources=1
// (type_name=1, state=2, private=3), diagnostics=2.
grpc::Status ProviderService::ImportResourceState(Ctx*, const pb::ImportResourceState::Request* req,
                                                  pb::ImportResourceState::Response* resp) {
  return RunRpc("ImportResourceState", Resource(req->type_name()), resp, [&] {
    auto r = server_->ImportResourceState(req->type_name(), req->id(), FromProto(req->client_capabilities()));
    if (!r.state.empty()) {
      auto* imported = resp->add_imported_resources();
      imported->set_type_name(r.type_name.empty() ? req->type_name() : r.type_name);
      ToProto(r.state, imported->mutable_state());
      imported->set_private_(std::move(r.private_data));
    }
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

// MoveResourceState: source_provider_address=1, source_type_name=2, source_schema_version=3,
// source_state=4 (RawState json=1), target_type_name=5, source_private=6 -> target_state=1,
// diagnostics=2, target_private=3. Terraform sends it for a `moved` block across resource types,
// before ConfigureProvider.
grpc::Status ProviderService::MoveResourceState(Ctx*, const pb::MoveResourceState::Request* req,
                                                pb::MoveResourceState::Response* resp) {
  return RunRpc("MoveResourceState", Resource(req->target_type_name()), resp, [&] {
    auto r = server_->MoveResourceState(
        req->target_type_name(),
        tf::MoveRequest{req->source_provider_address(), req->source_type_name(), req->source_schema_version(),
                        req->source_state().json(), req->source_private()});
    if (!r.target_state.empty()) ToProto(r.target_state, resp->mutable_target_state());
    resp->set_target_private(std::move(r.target_private));
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

}  // namespace adbjit::plugin
