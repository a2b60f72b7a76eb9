// Transport: the one seam between the API clients and the network (request in, response out).
//
// An HTTP answer of any status (200, 404, 503 ...) is a Response; a Status is returned only when no
// answer arrived (connection refused or dropped, timeout, TLS failure, refused URL, cancellation).
// Transport errors carry a transport code in Status::service_code() (kTransportConnectFailed ...)
// so that retry logic can tell "never sent" from "sent, outcome unknown".
#ifndef ADBJIT_CLIENTS_HTTP_TRANSPORT_H_
#define ADBJIT_CLIENTS_HTTP_TRANSPORT_H_

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "provider/util/status.h"

namespace adbjit::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;
  // Header values and the body may hold secrets (Authorization, client_secret): never logged.
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};
  // Safe to repeat blindly? Non-idempotent requests are retried only when provably never sent.
  // They reuse keep-alive connections like any other, but their body can be sent only once: where
  // libcurl would silently resend it (a reused connection that died before answering, which could
  // duplicate a create) the transport fails with kTransportConnectionLost instead.
  bool idempotent = true;
  // Human name of the call ("create token"), used in every error message and log line.
  std::string operation;
  // Managed-identity (IMDS) requests: never through a proxy; http:// to 169.254.169.254 allowed.
  bool imds = false;
  // Retry HTTP 500 as well as 429/502/503/504 (with `idempotent`): token endpoints, where a 500
  // (Entra's server_error, IMDS while it starts) is transient and asking again costs nothing.
  bool retry_internal_error = false;
  // A POST that changes nothing remote (an Entra token request): a stop aborts it in flight, as it
  // does a GET. Other writes run to their answer.
  bool changes_nothing = false;
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;
  // Filled by RetryingTransport: attempts made, and "gave up after 6 attempts in 31s" when it
  // stopped retrying a retryable status because the budget ran out.
  int attempts = 1;
  std::string retry_summary;
  // Set by RetryingTransport when an earlier attempt got no answer (dropped, timed out) and was
  // repeated: a request that the server may have handled, or may still handle.
  bool earlier_attempt_unanswered = false;

  // Header value or "" (name is case-insensitive).
  std::string Header(const std::string& name) const;
  // x-ms-request-id, x-request-id or x-databricks-request-id, whichever came.
  std::string RequestId() const;
  // "<operation>: [<retry_summary>: ]HTTP <status>": how every error about a reply begins.
  std::string FailureHeading(const std::string& operation) const;
};

// Transport error codes (Status::service_code() of a transport failure).
inline constexpr char kTransportConnectFailed[] = "CONNECT_FAILED";      // never sent
inline constexpr char kTransportConnectionLost[] = "CONNECTION_LOST";    // sent, no answer
inline constexpr char kTransportTimeout[] = "TIMEOUT";                   // outcome unknown
inline constexpr char kTransportTls[] = "TLS_ERROR";                     // not retryable
inline constexpr char kTransportRefusedUrl[] = "REFUSED_URL";            // never sent
inline constexpr char kTransportProxyRefused[] = "PROXY_REFUSED";        // never sent, not retryable
inline constexpr char kTransportCancelled[] = "CANCELLED";

// True for connection failures and timeouts (worth retrying when the call allows it).
bool IsTransientTransportError(const Status& status);
// True when the request provably never reached the server (safe to resend even a create).
bool WasNeverSent(const Status& status);
// True when the server may have acted although no answer arrived (dropped, timed out).
bool IsAmbiguousTransportError(const Status& status);

// Thread-safe implementations may be shared by any number of threads.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual StatusOr<Response> Send(const Request& request) = 0;
};

}  // namespace adbjit::http

#endif  // ADBJIT_CLIENTS_HTTP_TRANSPORT_H_
