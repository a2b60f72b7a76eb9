// The go-plugin side services Terraform's plugin client expects next to tfplugin6.Provider:
// - plugin.GRPCController/Shutdown: runs the provider's last clean-up (Terraform waits for the
//   answer), answers, then requests process shutdown (without it Terraform waits 2 s per provider
//   process and kills it);
// - plugin.GRPCStdio/StreamStdio: held open and silent until shutdown (we never forward stdio);
// - plugin.GRPCBroker/StartStream: accepted and drained; Terraform providers never broker.
#ifndef ADBJIT_PROVIDER_PLUGIN_GOPLUGIN_SERVICES_H_
#define ADBJIT_PROVIDER_PLUGIN_GOPLUGIN_SERVICES_H_

#include <functional>
#include <utility>

#include "proto/goplugin/plugin.grpc.pb.h"
#include "provider/plugin/shutdown.h"

namespace adbjit::plugin {

class ControllerService final : public ::plugin::GRPCController::Service {
 public:
  // `before_shutdown` (may be empty) runs before the answer.
  ControllerService(ShutdownSignal* shutdown, std::function<void()> before_shutdown)
      : shutdown_(shutdown), before_shutdown_(std::move(before_shutdown)) {}
  grpc::Status Shutdown(grpc::ServerContext* ctx, const ::plugin::Empty* req, ::plugin::Empty* resp) override;

 private:
  ShutdownSignal* shutdown_;
  std::function<void()> before_shutdown_;
};

class StdioService final : public ::plugin::GRPCStdio::Service {
 public:
  explicit StdioService(const ShutdownSignal* shutdown) : shutdown_(shutdown) {}
  grpc::Status StreamStdio(grpc::ServerContext* ctx, const google::protobuf::Empty* req,
                           grpc::ServerWriter<::plugin::StdioData>* writer) override;

 private:
  const ShutdownSignal* shutdown_;
};

class BrokerService final : public ::plugin::GRPCBroker::Service {
 public:
  grpc::Status StartStream(grpc::ServerContext* ctx,
                           grpc::ServerReaderWriter<::plugin::ConnInfo, ::plugin::ConnInfo>* stream) override;
};

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_GOPLUGIN_SERVICES_H_
