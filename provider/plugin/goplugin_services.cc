// go-plugin controller, stdio and broker services.
#include "provider/plugin/goplugin_services.h"

#include "provider/util/log.h"

namespace adbjit::plugin {

grpc::Status ControllerService::Shutdown(grpc::ServerContext*, const ::plugin::Empty*, ::plugin::Empty*) {
  log::Debug("sdk.proto", "Received Shutdown from Terraform; stopping the provider server",
             {{"tf_rpc", "Shutdown"}});
  if (before_shutdown_) before_shutdown_();
  shutdown_->Request("GRPCController.Shutdown");
  return grpc::Status::OK;
}

grpc::Status StdioService::StreamStdio(grpc::ServerContext* ctx, const google::protobuf::Empty*,
                                       grpc::ServerWriter<::plugin::StdioData>*) {
  // Nothing is ever sent. The sync API has no cancellation callback, so look at the context
  // between bounded waits on the shutdown signal.
  while (!ctx->IsCancelled() && !shutdown_->WaitFor(std::chrono::milliseconds(100))) {
  }
  return grpc::Status::OK;
}

grpc::Status BrokerService::StartStream(grpc::ServerContext*,
                                        grpc::ServerReaderWriter<::plugin::ConnInfo, ::plugin::ConnInfo>* stream) {
  ::plugin::ConnInfo info;
  while (stream->Read(&info)) {
  }
  return grpc::Status::OK;
}

}  // namespace adbjit::plugin
