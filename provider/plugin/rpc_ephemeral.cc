// tfplugin6 ephemeral-resource RPCs (protocol 6.7+): ValidateEphemeralResourceConfig,
// OpenEphemeralResource, RenewEphemeralResource, CloseEphemeralResource.
#include "provider/plugin/convert.h"
#include "provider/plugin/provider_service.h"
#include "provider/plugin/rpc_call.h"

namespace adbjit::plugin {

namespace pb = ::tfplugin6;

// ValidateEphemeralResourceConfig: type_name=1, config=2 -> diagnostics=1.
grpc::Status ProviderService::ValidateEphemeralResourceConfig(
    Ctx*, const pb::ValidateEphemeralResourceConfig::Request* req,
    pb::ValidateEphemeralResourceConfig::Response* resp) {
  return RunRpc("ValidateEphemeralResourceConfig", Ephemeral(req->type_name()), resp, [&] {
    AppendDiagnostics(server_->ValidateEphemeralResourceConfig(req->type_name(), FromProto(req->config())),
                      resp->mutable_diagnostics());
  });
}

// OpenEphemeralResource: type_name=1, config=2, client_capabilities=3 -> diagnostics=1,
// renew_at=2 (optional), result=3, private=4 (optional).
grpc::Status ProviderService::OpenEphemeralResource(Ctx*, const pb::OpenEphemeralResource::Request* req,
                                                    pb::OpenEphemeralResource::Response* resp) {
  return RunRpc("OpenEphemeralResource", Ephemeral(req->type_name()), resp, [&] {
    auto r = server_->OpenEphemeralResource(req->type_name(), FromProto(req->config()),
                                            FromProto(req->client_capabilities()));
    ToProto(r.result, resp->mutable_result());
    if (r.renew_at) ToProto(*r.renew_at, resp->mutable_renew_at());
    if (r.private_data) resp->set_private_(std::move(*r.private_data));
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

// RenewEphemeralResource: type_name=1, private=2 (optional) -> diagnostics=1, renew_at=2
// (optional), private=3 (optional).
grpc::Status ProviderService::RenewEphemeralResource(Ctx*, const pb::RenewEphemeralResource::Request* req,
                                                     pb::RenewEphemeralResource::Response* resp) {
  return RunRpc("RenewEphemeralResource", Ephemeral(req->type_name()), resp, [&] {
    std::optional<std::string> priv;
    if (req->has_private_()) priv = req->private_();
    auto r = server_->RenewEphemeralResource(req->type_name(), priv);
    if (r.renew_at) ToProto(*r.renew_at, resp->mutable_renew_at());
    if (r.private_data) resp->set_private_(std::move(*r.private_data));
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

// CloseEphemeralResource: type_name=1, private=2 (optional; Open's) -> diagnostics=1.
grpc::Status ProviderService::CloseEphemeralResource(Ctx*, const pb::CloseEphemeralResource::Request* req,
                                                     pb::CloseEphemeralResource::Response* resp) {
  return RunRpc("CloseEphemeralResource", Ephemeral(req->type_name()), resp, [&] {
    std::optional<std::string> priv;
    if (req->has_private_()) priv = req->private_();
    AppendDiagnostics(server_->CloseEphemeralResource(req->type_name(), priv), resp->mutable_diagnostics());
  });
}

}  // namespace adbjit::plugin
