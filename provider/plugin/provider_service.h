// ProviderService: the gRPC face of tfplugin6.Provider. Each RPC copies its request into a
// ProviderServer call (provider/framework/server.h) and the result back into the response;
// nothing else. Handlers live in one file per RPC family (rpc_provider.cc, rpc_resource.cc,
// rpc_data_source.cc, rpc_ephemeral.cc, rpc_function.cc). Thread-safe: gRPC calls handlers
// concurrently and ProviderServer is thread-safe.
#ifndef ADBJIT_PROVIDER_PLUGIN_PROVIDER_SERVICE_H_
#define ADBJIT_PROVIDER_PLUGIN_PROVIDER_SERVICE_H_

#include <memory>

#include "proto/tfplugin6/tfplugin6.grpc.pb.h"
#include "provider/framework/server.h"

namespace adbjit::plugin {

class ProviderService final : public tfplugin6::Provider::Service {
 public:
  explicit ProviderService(std::shared_ptr<tf::ProviderServer> server) : server_(std::move(server)) {}

  using Ctx = grpc::ServerContext;

  // Provider level (rpc_provider.cc).
  grpc::Status GetMetadata(Ctx* ctx, const tfplugin6::GetMetadataCall::Request* req,
      tfplugin6::GetMetadataCall::Response* resp) override;
  grpc::Status GetProviderSchema(Ctx* ctx, const tfplugin6::GetProviderSchema::Request* req,
      tfplugin6::GetProviderSchema::Response* resp) override;
  grpc::Status ValidateProviderConfig(Ctx* ctx, const tfplugin6::ValidateProviderConfig::Request* req,
      tfplugin6::ValidateProviderConfig::Response* resp) override;
  grpc::Status ConfigureProvider(Ctx* ctx, const tfplugin6::ConfigureProvider::Request* req,
      tfplugin6::ConfigureProvider::Response* resp) override;
  grpc::Status StopProvider(Ctx* ctx, const tfplugin6::StopProvider::Request* req,
      tfplugin6::StopProvider::Response* resp) override;

  // Managed resources (rpc_resource.cc).
  grpc::Status ValidateResourceConfig(Ctx* ctx, const tfplugin6::ValidateResourceConfig::Request* req,
      tfplugin6::ValidateResourceConfig::Response* resp) override;
  grpc::Status UpgradeResourceState(Ctx* ctx, const tfplugin6::UpgradeResourceState::Request* req,
      tfplugin6::UpgradeResourceState::Response* resp) override;
  grpc::Status ReadResource(Ctx* ctx, const tfplugin6::ReadResource::Request* req,
      tfplugin6::ReadResource::Response* resp) override;
  grpc::Status PlanResourceChange(Ctx* ctx, const tfplugin6::PlanResourceChange::Request* req,
      tfplugin6::PlanResourceChange::Response* resp) override;
  grpc::Status ApplyResourceChange(Ctx* ctx, const tfplugin6::ApplyResourceChange::Request* req,
      tfplugin6::ApplyResourceChange::Response* resp) override;
  grpc::Status ImportResourceState(Ctx* ctx, const tfplugin6::ImportResourceState::Request* req,
      tfplugin6::ImportResourceState::Response* resp) override;
  grpc::Status MoveResourceState(Ctx* ctx, const tfplugin6::MoveResourceState::Request* req,
      tfplugin6::MoveResourceState::Response* resp) override;

  // Data sources (rpc_data_source.cc).
  grpc::Status ValidateDataResourceConfig(Ctx* ctx, const tfplugin6::ValidateDataResourceConfig::Request* req,
      tfplugin6::ValidateDataResourceConfig::Response* resp) override;
  grpc::Status ReadDataSource(Ctx* ctx, const tfplugin6::ReadDataSource::Request* req,
      tfplugin6::ReadDataSource::Response* resp) override;

  // Ephemeral resources (rpc_ephemeral.cc).
  grpc::Status ValidateEphemeralResourceConfig(Ctx* ctx, const tfplugin6::ValidateEphemeralResourceConfig::Request* req,
      tfplugin6::ValidateEphemeralResourceConfig::Response* resp) override;
  grpc::Status OpenEphemeralResource(Ctx* ctx, const tfplugin6::OpenEphemeralResource::Request* req,
      tfplugin6::OpenEphemeralResource::Response* resp) override;
  grpc::Status RenewEphemeralResource(Ctx* ctx, const tfplugin6::RenewEphemeralResource::Request* req,
      tfplugin6::RenewEphemeralResource::Response* resp) override;
  grpc::Status CloseEphemeralResource(Ctx* ctx, const tfplugin6::CloseEphemeralResource::Request* req,
      tfplugin6::CloseEphemeralResource::Response* resp) override;

  // Functions: we declare none (rpc_function.cc).
  grpc::Status GetFunctions(Ctx* ctx, const tfplugin6::GetFunctions::Request* req,
      tfplugin6::GetFunctions::Response* resp) override;
  grpc::Status CallFunction(Ctx* ctx, const tfplugin6::CallFunction::Request* req,
      tfplugin6::CallFunction::Response* resp) override;

 private:
  std::shared_ptr<tf::ProviderServer> server_;
};

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_PROVIDER_SERVICE_H_
