// tfplugin6 function RPCs (protocol 6.5+): adbjit declares no provider functions, so GetFunctions
// answers an empty map and CallFunction a function error.
#include "provider/plugin/provider_service.h"
#include "provider/plugin/rpc_call.h"

namespace adbjit::plugin {

namespace pb = ::tfplugin6;

// GetFunctions: -> functions=1 (empty), diagnostics=2.
grpc::Status ProviderService::GetFunctions(Ctx*, const pb::GetFunctions::Request*, pb::GetFunctions::Response* resp) {
  return RunRpc("GetFunctions", NoTarget(), resp, [] {});
}

// CallFunction: name=1, arguments=2 -> result=1, error=2 (text=1).
grpc::Status ProviderService::CallFunction(Ctx*, const pb::CallFunction::Request* req, pb::CallFunction::Response* resp) {
  return RunRpc("CallFunction", NoTarget(), resp, [&] {
    resp->mutable_error()->set_text("terraform-provider-adbjit defines no function named \"" + req->name() + "\"");
  });
}

}  // namespace adbjit::plugin
