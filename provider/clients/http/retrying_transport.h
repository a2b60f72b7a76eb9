// RetryingTransport: a Transport decorator that retries throttled and transient failures.
//
// Retried: HTTP 429/502/503/504 and connection failures/timeouts, but only for requests marked
// idempotent; a non-idempotent request is resent only when it provably never left (connection
// refused, DNS) and otherwise handed back so the caller can reconcile. Waits follow exponential
// backoff with jitter, or the server's Retry-After (seconds or HTTP date) when present, and the
// whole call is bounded by RetryPolicy::budget.
//
// Giving up: a retryable HTTP answer is returned as the Response with retry_summary set
// ("gave up after 6 attempts in 31s"); a transport failure becomes a Status whose message reads
// "<operation>: gave up after N attempts in Xs: <last error>". Cancel() (or the shared
// StopSignal) ends waits at once with kCancelled. Thread-safe.
#ifndef ADBJIT_CLIENTS_HTTP_RETRYING_TRANSPORT_H_
#define ADBJIT_CLIENTS_HTTP_RETRYING_TRANSPORT_H_

#include <atomic>
#include <memory>

#include "provider/clients/http/clock.h"
#include "provider/clients/http/retry.h"
#include "provider/clients/http/transport.h"

namespace adbjit::http {

class RetryingTransport final : public Transport {
 public:
  // `inner` must outlive this object when passed by reference semantics (shared_ptr keeps it).
  // `clock` null = real clock; `stop` null = a private signal fired only by Cancel().
  RetryingTransport(std::shared_ptr<Transport> inner, RetryPolicy policy, Clock* clock = nullptr,
                    std::shared_ptr<StopSignal> stop = nullptr);

  StatusOr<Response> Send(const Request& request) override;

  // Aborts current and future waits (and, through a shared StopSignal, curl transfers).
  void Cancel() { stop_->Stop(); }
  const RetryPolicy& policy() const { return policy_; }

 private:
  std::shared_ptr<Transport> inner_;
  RetryPolicy policy_;
  Clock* clock_;
  std::shared_ptr<StopSignal> stop_;
  std::atomic<uint64_t> seed_{0x9e3779b97f4a7c15ULL};
};

}  // namespace adbjit::http

#endif  // ADBJIT_CLIENTS_HTTP_RETRYING_TRANSPORT_H_
