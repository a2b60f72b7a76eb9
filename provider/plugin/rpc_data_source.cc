// tfplugin6 data-source RPCs: ValidateDataResourceConfig, ReadDataSource.
#include "provider/plugin/convert.h"
#include "provider/plugin/provider_service.h"
#include "provider/plugin/rpc_call.h"

namespace adbjit::plugin {

namespace pb = ::tfplugin6;

// ValidateDataResourceConfig: type_name=1, config=2 -> diagnostics=1.
grpc::Status ProviderService::ValidateDataResourceConfig(Ctx*, const pb::ValidateDataResourceConfig::Request* req,
                                                         pb::ValidateDataResourceConfig::Response* resp) {
  return RunRpc("ValidateDataResourceConfig", DataSource(req->type_name()), resp, [&] {
    AppendDiagnostics(server_->ValidateDataResourceConfig(req->type_name(), FromProto(req->config())),
                      resp->mutable_diagnostics());
  });
}

// ReadDataSource: type_name=1, config=2, provider_meta=3 (unused), client_capabilities=4 ->
// state=1, diagnostics=2.
grpc::Status ProviderService::ReadDataSource(Ctx*, const pb::ReadDataSource::Request* req,
                                             pb::ReadDataSource::Response* resp) {
  return RunRpc("ReadDataSource", DataSource(req->type_name()), resp, [&] {
    auto r = server_->ReadDataSource(req->type_name(), FromProto(req->config()), FromProto(req->client_capabilities()));
    ToProto(r.state, resp->mutable_state());
    AppendDiagnostics(r.diagnostics, resp->mutable_diagnostics());
  });
}

}  // namespace adbjit::plugin
