// tfplugin6 provider-level RPCs: GetMetadata, GetProviderSchema, ValidateProviderConfig,
// ConfigureProvider, StopProvider.
#include "provider/plugin/convert.h"
#include "provider/plugin/provider_service.h"
#include "provider/plugin/rpc_call.h"

namespace adbjit::plugin {

namespace pb = ::tfplugin6;

// GetMetadata.Response: server_capabilities=1, diagnostics=2, data_sources=3, resources=4,
// functions=5 (none), ephemeral_resources=6.
grpc::Status ProviderService::GetMetadata(Ctx*, const pb::GetMetadataCall::Request*,
                                          pb::GetMetadataCall::Response* resp) {
  return RunRpc("GetMetadata", NoTarget(), resp, [&] {
    SetServerCapabilities(resp->mutable_server_capabilities());
    const auto schemas = server_->GetSchemas();
    for (const auto& [name, _] : schemas.resources) resp->add_resources()->set_type_name(name);
    for (const auto& [name, _] : schemas.data_sources) resp->add_data_sources()->set_type_name(name);
    for (const auto& [name, _] : schemas.ephemeral_resources) resp->add_ephemeral_resources()->set_type_name(name);
  });
}

// GetProviderSchema.Response: provider=1, resource_schemas=2, data_source_schemas=3,
// diagnostics=4, provider_meta=5 (left unset), server_capabilities=6, functions=7 (none),
// ephemeral_resource_schemas=8.
grpc::Status ProviderService::GetProviderSchema(Ctx*, const pb::GetProviderSchema::Request*,
                                                pb::GetProviderSchema::Response* resp) {
  return RunRpc("GetProviderSchema", NoTarget(), resp, [&] {
    const auto schemas = server_->GetSchemas();
    if (schemas.provider != nullptr) {
      ToProto(*schemas.provider, resp->mutable_provider());
    } else {
      resp->mutable_provider()->mutable_block();  // Terraform requires a provider schema with a block
    }
    for (const auto& [name, s] : schemas.resources) ToProto(*s, &(*resp->mutable_resource_schemas())[name]);
    for (const auto& [name, s] : schemas.data_sources) ToProto(*s, &(*resp->mutable_data_source_schemas())[name]);
    for (const auto& [name, s] : schemas.ephemeral_resources) {
      ToProto(*s, &(*resp->mutable_ephemeral_resource_schemas())[name]);
    }
    SetServerCapabilities(resp->mutable_server_capabilities());
  });
}

// ValidateProviderConfig: config=1 -> diagnostics=2.
grpc::Status ProviderService::ValidateProviderConfig(Ctx*, const pb::ValidateProviderConfig::Request* req,
                                                     pb::ValidateProviderConfig::Response* resp) {
  return RunRpc("ValidateProviderConfig", NoTarget(), resp, [&] {
    AppendDiagnostics(server_->ValidateProviderConfig(FromProto(req->config())), resp->mutable_diagnostics());
  });
}

// ConfigureProvider: terraform_version=1, config=2, client_capabilities=3 -> diagnostics=1.
grpc::Status ProviderService::ConfigureProvider(Ctx*, const pb::ConfigureProvider::Request* req,
                                                pb::ConfigureProvider::Response* resp) {
  return RunRpc("ConfigureProvider", NoTarget(), resp, [&] {
    AppendDiagnostics(server_->ConfigureProvider(req->terraform_version(), FromProto(req->config()),
                                                 FromProto(req->client_capabilities())),
                      resp->mutable_diagnostics());
  });
}

// StopProvider: -> Error=1 (empty on success). The process keeps serving; Shutdown ends it.
grpc::Status ProviderService::StopProvider(Ctx*, const pb::StopProvider::Request*,
                                           pb::StopProvider::Response* resp) {
  return RunRpc("StopProvider", NoTarget(), resp, [&] { resp->set_error(server_->StopProvider()); });
}

}  // namespace adbjit::plugin
