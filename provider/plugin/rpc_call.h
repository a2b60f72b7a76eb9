// RunRpc: the frame around every tfplugin6 handler — a request id, trace/debug log lines with the
// RPC name, resource type and duration (never values), and a last-resort catch that turns any
// escaping exception into an error diagnostic so the process never crashes on a request.
#ifndef ADBJIT_PROVIDER_PLUGIN_RPC_CALL_H_
#define ADBJIT_PROVIDER_PLUGIN_RPC_CALL_H_

#include <chrono>
#include <exception>
#include <string>
#include <string_view>

#include <grpcpp/support/status.h>

#include "provider/plugin/convert.h"
#include "provider/util/log.h"

namespace adbjit::plugin {

// Which log field names the type: tf_resource_type, tf_data_source_type, ...
struct RpcTarget {
  std::string_view field;  // empty when the RPC has no type
  std::string_view type_name;
};

inline RpcTarget Resource(std::string_view t) { return {"tf_resource_type", t}; }
inline RpcTarget DataSource(std::string_view t) { return {"tf_data_source_type", t}; }
inline RpcTarget Ephemeral(std::string_view t) { return {"tf_ephemeral_resource_type", t}; }
inline RpcTarget NoTarget() { return {}; }

// A process-unique request id for log correlation.
std::string NextRequestId();

void LogRpcStart(std::string_view rpc, const std::string& req_id, RpcTarget target);
void LogRpcEnd(std::string_view rpc, const std::string& req_id, RpcTarget target,
               std::chrono::steady_clock::duration elapsed, std::string_view failure);

// Runs `fn` for RPC `rpc`. An exception escaping `fn` becomes an error diagnostic in `resp` (for
// responses with a diagnostics list) and is logged; the gRPC status is always OK because
// user-caused failures travel as diagnostics.
template <typename Response, typename Fn>
grpc::Status RunRpc(std::string_view rpc, RpcTarget target, Response* resp, Fn&& fn) {
  const std::string req_id = NextRequestId();
  const auto start = std::chrono::steady_clock::now();
  LogRpcStart(rpc, req_id, target);
  std::string failure;
  try {
    fn();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (!failure.empty()) {
    if constexpr (requires { resp->mutable_diagnostics(); }) {
      AppendError(resp->mutable_diagnostics(), "Internal Provider Error",
                  "terraform-provider-adbjit failed while handling " + std::string(rpc) + ": " + failure +
                      ". This is a bug in the provider; please report it with the debug log (TF_LOG=DEBUG).");
    }
  }
  LogRpcEnd(rpc, req_id, target, std::chrono::steady_clock::now() - start, failure);
  return grpc::Status::OK;
}

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_RPC_CALL_H_
