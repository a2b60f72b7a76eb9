// Response helpers and transport-error classification.
#include "provider/clients/http/transport.h"

#include "provider/util/ascii.h"

namespace adbjit::http {

std::string Response::Header(const std::string& name) const {
  auto it = headers.find(AsciiLower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Response::RequestId() const {
  for (const char* name : {"x-ms-request-id", "x-request-id", "x-databricks-request-id"}) {
    std::string v = Header(name);
    if (!v.empty()) return v;
  }
  return "";
}

std::string Response::FailureHeading(const std::string& operation) const {
  std::string heading = operation + ": ";
  if (!retry_summary.empty()) heading += retry_summary + ": ";
  return heading + "HTTP " + std::to_string(status);
}

bool IsTransientTransportError(const Status& status) {
  const std::string& c = status.service_code();
  return c == kTransportConnectFailed || c == kTransportConnectionLost || c == kTransportTimeout;
}

bool WasNeverSent(const Status& status) {
  return status.service_code() == kTransportConnectFailed || status.service_code() == kTransportRefusedUrl ||
         status.service_code() == kTransportProxyRefused;
}

bool IsAmbiguousTransportError(const Status& status) {
  return status.service_code() == kTransportConnectionLost ||
         status.service_code() == kTransportTimeout;
}

}  // namespace adbjit::http
