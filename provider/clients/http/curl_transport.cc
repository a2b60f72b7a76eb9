// CurlTransport: pooled easy handles, shared DNS/TLS-session caches, error mapping, logging.
#include "provider/clients/http/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "provider/clients/http/libcurl.h"
#include "provider/clients/http/url.h"
#include "provider/util/ascii.h"
#include "provider/util/log.h"

namespace adbjit::http {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t WriteBody(char* ptr, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(ptr, size * n);
  return size * n;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

size_t WriteHeader(char* ptr, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(ptr, size * n);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100-continue or a proxy CONNECT)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  (*headers)[Trim(AsciiLower(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
  return size * n;
}

// The body of a non-idempotent request is handed to libcurl through a read callback that cannot
// rewind. libcurl silently resends a request whose reused keep-alive connection died before any
// answer byte; for a body it has to rewind first, so refusing the rewind turns that silent resend
// into an error (CURLE_SEND_FAIL_REWIND, reported as a lost connection, which callers treat as an
// ambiguous outcome and reconcile). That makes keep-alive reuse safe for creates.
struct OneShotBody {
  const std::string* data;
  size_t sent = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t n, void* user) {
  auto* body = static_cast<OneShotBody*>(user);
  size_t len = std::min(size * n, body->data->size() - body->sent);
  std::memcpy(buffer, body->data->data() + body->sent, len);
  body->sent += len;
  return len;
}

int RefuseRewind(void* user, curl_off_t offset, int origin) {
  const auto* body = static_cast<const OneShotBody*>(user);
  return offset == 0 && origin == SEEK_SET && body->sent == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK;
}

int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* stop = static_cast<const StopSignal*>(user);
  return stop != nullptr && stop->stopped() ? 1 : 0;
}

struct Classified {
  StatusCode code;
  const char* transport_code;
  std::string what;
};

// `sent`: whether any of the request reached the connection (then a timeout is ambiguous: the
// server may have acted). A connection reused from an earlier call makes no connect of its own, so
// only the bytes written can tell a request that never left from one that awaits its answer.
Classified Classify(CURLcode rc, bool connected, bool sent) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return {StatusCode::kUnavailable, kTransportConnectFailed, "cannot resolve host"};
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {StatusCode::kUnavailable, kTransportConnectFailed, "cannot resolve the proxy's host (HTTPS_PROXY)"};
    case CURLE_COULDNT_CONNECT:
      return {StatusCode::kUnavailable, kTransportConnectFailed, "connection refused"};
    case CURLE_OPERATION_TIMEDOUT:
      if (!sent) {
        return {StatusCode::kDeadlineExceeded, kTransportConnectFailed,
                connected ? "timed out before the request was sent" : "timed out connecting"};
      }
      return {StatusCode::kDeadlineExceeded, kTransportTimeout, "timed out waiting for the answer"};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SEND_FAIL_REWIND:  // a one-shot body that libcurl wanted to resend (see OneShotBody)
      return {StatusCode::kUnavailable, kTransportConnectionLost, "connection dropped or reset"};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return {StatusCode::kFailedPrecondition, kTransportTls,
              "TLS failure (certificate verification is always on; a private CA goes in SSL_CERT_FILE)"};
    case CURLE_ABORTED_BY_CALLBACK:
      return {StatusCode::kCancelled, kTransportCancelled, "cancelled"};
    default:
      return {StatusCode::kUnavailable, kTransportConnectionLost, "transfer failed"};
  }
}

}  // namespace

struct CurlTransport::Impl {
  struct Handle {
    CURL* curl = nullptr;
    std::string origin;  // scheme://host:port it last talked to
  };

  CurlOptions options;
  std::string ca_file;
  CURLSH* share = nullptr;
  std::mutex share_locks[CURL_LOCK_DATA_LAST];
  std::mutex pool_mu;
  std::vector<Handle> idle;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[data].unlock();
  }

  Handle Acquire(const std::string& origin) {
    std::lock_guard lock(pool_mu);
    if (!idle.empty()) {
      // Prefer the most recently used handle that holds a connection to this origin.
      for (size_t i = idle.size(); i-- > 0;) {
        if (idle[i].origin == origin) {
          Handle h = idle[i];
          idle.erase(idle.begin() + static_cast<std::ptrdiff_t>(i));
          return h;
        }
      }
      Handle h = idle.back();
      idle.pop_back();
      return h;
    }
    return Handle{curl_easy_init(), ""};
  }

  void Release(Handle h) {
    std::lock_guard lock(pool_mu);
    idle.push_back(std::move(h));
  }
};

CurlTransport::CurlTransport(CurlOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  impl_->options = std::move(options);
  impl_->ca_file = impl_->options.ca_file;
  if (impl_->ca_file.empty()) {
    const char* env = std::getenv("SSL_CERT_FILE");
    if (env != nullptr && *env != '\0') impl_->ca_file = env;
  }
  impl_->share = curl_share_init();
  curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
  curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
  curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

CurlTransport::~CurlTransport() {
  for (auto& h : impl_->idle) curl_easy_cleanup(h.curl);
  curl_share_cleanup(impl_->share);
}

StatusOr<Response> CurlTransport::Send(const Request& req) {
  const std::string op = req.operation.empty() ? "HTTP request" : req.operation;
  if (impl_->options.stop != nullptr && impl_->options.stop->stopped()) {
    return Status(StatusCode::kCancelled, op + ": cancelled").WithServiceCode(kTransportCancelled);
  }
  if (const std::string& missing = LibcurlLoadError(); !missing.empty()) {
    return FailedPreconditionError(op + ": " + missing);
  }
  Status allowed = CheckUrlAllowed(req.url, req.imds);
  if (!allowed.ok()) {
    return Status(StatusCode::kInvalidArgument, op + ": " + allowed.message())
        .WithServiceCode(kTransportRefusedUrl);
  }
  ADBJIT_ASSIGN_OR_RETURN(Url url, ParseUrl(req.url));
  const std::string where = req.method + " " + url.Origin() + url.path;

  Impl::Handle h = impl_->Acquire(url.Origin());
  if (h.curl == nullptr) return InternalError(op + ": cannot allocate a libcurl handle");
  CURL* c = h.curl;
  curl_easy_reset(c);

  Response resp;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_SHARE, impl_->share);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!impl_->ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, impl_->ca_file.c_str());
  if (req.imds) curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  long timeout_ms = std::max<long>(1, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(timeout_ms, 15000));
  curl_easy_setopt(c, CURLOPT_USERAGENT, impl_->options.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);

  if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (req.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  OneShotBody one_shot{&req.body};
  if (req.method != "GET" && (req.method == "POST" || !req.body.empty())) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    if (req.idempotent) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
    } else {
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadBody);
      curl_easy_setopt(c, CURLOPT_READDATA, &one_shot);
      curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, &RefuseRewind);
      curl_easy_setopt(c, CURLOPT_SEEKDATA, &one_shot);
    }
  }

  curl_slist* headers = nullptr;
  for (const auto& [k, v] : req.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &Progress);
  // A stop aborts a read in flight (or a token request). A write runs to its answer (bounded by the
  // timeout): what a create (a token, a pool, a secret version) made then reaches the state rather
  // than live on untracked, and a delete's outcome is known.
  curl_easy_setopt(c, CURLOPT_XFERINFODATA,
                   req.method == "GET" || req.changes_nothing ? impl_->options.stop : nullptr);

  if (log::Enabled(log::Level::kTrace)) {
    std::string names;
    for (const auto& [k, v] : req.headers) names += (names.empty() ? "" : ",") + k;
    log::Trace("http", "sending request",
               {{"operation", op}, {"method", req.method}, {"path", url.path}, {"header_names", names},
                {"body_bytes", std::to_string(req.body.size())}});
  }

  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  curl_off_t total_us = 0, connect_us = 0;
  long new_connections = 0;
  long request_bytes = 0;
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_bytes);
  curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &new_connections);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  long proxy_code = 0;  // the proxy's answer to CONNECT, when HTTPS_PROXY tunnels the request
  curl_easy_getinfo(c, CURLINFO_HTTP_CONNECTCODE, &proxy_code);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  impl_->Release({c, url.Origin()});

  const std::string duration_ms = std::to_string(total_us / 1000);
  if (rc != CURLE_OK && proxy_code >= 300) {
    // The proxy did not open the tunnel, so the request never reached the service. A refusal (407:
    // it wants credentials; 403: the host is not allowed) gets the same answer when asked again; a
    // 5xx (the proxy could not reach the host just now) is worth another try.
    const bool refused = proxy_code < 500;
    std::string msg = op + ": " + where + ": the proxy (HTTPS_PROXY) " +
                      (refused ? "refused to connect to " : "could not connect to ") + url.host + ": HTTP " +
                      std::to_string(proxy_code) +
                      (proxy_code == 407 ? " (it wants credentials: give them in the proxy URL, or set NO_PROXY for "
                                           "this host if it needs no proxy)"
                       : refused         ? " (let the proxy reach this host, or set NO_PROXY for it)"
                                         : "");
    msg = log::Redact(msg);
    log::Debug("http", "request failed", {{"operation", op}, {"method", req.method}, {"path", url.path},
                                          {"error", msg}, {"duration_ms", duration_ms}});
    return refused ? Status(StatusCode::kFailedPrecondition, msg).WithServiceCode(kTransportProxyRefused)
                   : Status(StatusCode::kUnavailable, msg).WithServiceCode(kTransportConnectFailed);
  }
  if (rc != CURLE_OK) {
    Classified k = Classify(rc, connect_us > 0 || new_connections > 0, request_bytes > 0 || code > 0);
    std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    std::string msg = op + ": " + where + ": " + k.what + " (curl " + std::to_string(rc) + ": " + detail + ")";
    msg = log::Redact(msg);
    log::Debug("http", "request failed",
               {{"operation", op}, {"method", req.method}, {"path", url.path}, {"error", msg},
                {"duration_ms", duration_ms}});
    return Status(k.code, msg).WithServiceCode(k.transport_code);
  }
  resp.status = static_cast<int>(code);
  log::Debug("http", "request done",
             {{"operation", op}, {"method", req.method}, {"path", url.path},
              {"status", std::to_string(resp.status)}, {"duration_ms", duration_ms},
              {"request_id", resp.RequestId()}, {"new_connection", new_connections > 0 ? "true" : "false"}});
  return resp;
}

}  // namespace adbjit::http
