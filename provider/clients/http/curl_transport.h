// CurlTransport: the real Transport, on libcurl, with connection reuse across calls and threads.
//
// Connections: libcurl's shared connection cache is not thread-safe, so each easy handle keeps its
// own connections and handles are pooled; a request prefers an idle handle that last talked to the
// same origin, so keep-alive connections (and their one TLS handshake) are reused. Peak open
// connections per origin <= peak concurrency. DNS and TLS sessions are shared across handles.
//
// Policy: certificate verification always on (CA bundle from CurlOptions::ca_file, else
// SSL_CERT_FILE, else the system default); proxies from HTTPS_PROXY / NO_PROXY as libcurl reads
// them, except IMDS requests, which never use a proxy; http:// only to loopback (url.h).
//
// Failures: connection refused / DNS -> kUnavailable (kTransportConnectFailed), dropped or reset
// after sending -> kUnavailable (kTransportConnectionLost), timeouts -> kDeadlineExceeded
// (kTransportTimeout), certificate problems -> kFailedPrecondition, refused URL ->
// kInvalidArgument, StopSignal fired mid-transfer -> kCancelled. Messages name the operation.
// Thread-safe.
#ifndef ADBJIT_CLIENTS_HTTP_CURL_TRANSPORT_H_
#define ADBJIT_CLIENTS_HTTP_CURL_TRANSPORT_H_

#include <memory>
#include <string>

#include "provider/clients/http/clock.h"
#include "provider/clients/http/transport.h"

namespace adbjit::http {

struct CurlOptions {
  std::string ca_file;                 // PEM bundle; empty = SSL_CERT_FILE or system default
  const StopSignal* stop = nullptr;    // aborts in-flight transfers when fired (not owned)
  std::string user_agent = "terraform-provider-adbjit/0.1.0";
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  StatusOr<Response> Send(const Request& request) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace adbjit::http

#endif  // ADBJIT_CLIENTS_HTTP_CURL_TRANSPORT_H_
