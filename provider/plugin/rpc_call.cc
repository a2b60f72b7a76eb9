// Request ids and the per-RPC log lines of RunRpc.
#include "provider/plugin/rpc_call.h"

#include <atomic>

namespace adbjit::plugin {
namespace {

constexpr std::string_view kModule = "sdk.proto";

log::Fields BaseFields(std::string_view rpc, const std::string& req_id, RpcTarget target) {
  log::Fields f = {{"tf_proto_version", "6.8"}, {"tf_rpc", std::string(rpc)}, {"tf_req_id", req_id}};
  if (!target.field.empty()) f.emplace_back(std::string(target.field), std::string(target.type_name));
  return f;
}

}  // namespace

std::string NextRequestId() {
  static std::atomic<uint64_t> counter{0};
  return std::to_string(counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

void LogRpcStart(std::string_view rpc, const std::string& req_id, RpcTarget target) {
  if (!log::Enabled(log::Level::kTrace)) return;
  log::Trace(kModule, "Received request", BaseFields(rpc, req_id, target));
}

void LogRpcEnd(std::string_view rpc, const std::string& req_id, RpcTarget target,
               std::chrono::steady_clock::duration elapsed, std::string_view failure) {
  const log::Level level = failure.empty() ? log::Level::kDebug : log::Level::kError;
  if (!log::Enabled(level)) return;
  log::Fields f = BaseFields(rpc, req_id, target);
  f.emplace_back("tf_req_duration_ms",
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
  if (!failure.empty()) f.emplace_back("error", std::string(failure));
  log::Write(level, kModule, failure.empty() ? "Served request" : "Request failed with an exception", f);
}

}  // namespace adbjit::plugin
