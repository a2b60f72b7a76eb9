// Retry policy pieces shared by RetryingTransport and the clients' own reconcile/poll loops:
// backoff with jitter, Retry-After parsing, and a budget that bounds total time spent waiting.
#ifndef ADBJIT_CLIENTS_HTTP_RETRY_H_
#define ADBJIT_CLIENTS_HTTP_RETRY_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "provider/clients/http/clock.h"
#include "provider/util/status.h"

namespace adbjit::http {

struct RetryPolicy {
  // Total time from the first attempt after which no further attempt starts (retry_timeout_seconds).
  std::chrono::milliseconds budget{300000};
  // Backoff before retry n (1-based) is drawn from [d/2, d] with d = min(max, initial * 2^(n-1)).
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  // Upper bound on attempts (0 = bounded by the budget only).
  int max_attempts = 0;
  // Upper bound on attempts in a row that reach nothing (the name does not resolve, the
  // connection is refused or never opens): an address where nothing answers is far more often a
  // wrong URL than an outage, so a few tries over seconds, not the whole budget (0 = no bound).
  int max_unreachable_attempts = 4;
};

// HTTP statuses worth retrying: 429, 502, 503, 504.
bool IsRetryableHttpStatus(int status);

// Parses an HTTP date (IMF-fixdate, RFC 850 or asctime form), as in Date and Retry-After headers.
std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view value);

// Parses a Retry-After value: delta-seconds ("2") or an HTTP date (IMF-fixdate, RFC 850 or
// asctime form). A date in the past gives 0. nullopt for anything else.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

// "31s", "2.1s", "450ms".
std::string FormatDuration(std::chrono::milliseconds d);

// One retry loop's bookkeeping. Not thread-safe (one per call).
//   RetryBudget budget(policy, clock, stop);
//   for (;;) { attempt...; budget.RecordAttempt(); if (done) ...;
//              Status s = budget.WaitBeforeRetry(retry_after); if (!s.ok()) give up; }
class RetryBudget {
 public:
  RetryBudget(const RetryPolicy& policy, Clock* clock, const StopSignal* stop, uint64_t seed);

  void RecordAttempt() { ++attempts_; }
  int attempts() const { return attempts_; }
  std::chrono::milliseconds Elapsed() const;

  // Waits the backoff for the next attempt (at least `server_hint` when the server sent one).
  // OK: go again. kDeadlineExceeded: the wait would overrun the budget (or max_attempts reached);
  // nothing was waited. kCancelled: the stop signal fired (before or during the wait).
  // `on_wait` (optional) is told the delay just before the wait starts (for logging).
  Status WaitBeforeRetry(std::optional<std::chrono::milliseconds> server_hint = std::nullopt,
                         const std::function<void(std::chrono::milliseconds)>& on_wait = nullptr);
  // The delay the next WaitBeforeRetry would use without a server hint (advances the jitter).
  std::chrono::milliseconds NextBackoff();

  // "gave up after 6 attempts in 31s", with the reason when a Retry-After beyond the budget ended
  // the retries: "gave up after 1 attempt in 2ms (Retry-After asked for 3600s, beyond …)".
  std::string GaveUpSummary() const;

 private:
  RetryPolicy policy_;
  Clock* clock_;
  const StopSignal* stop_;
  Clock::TimePoint start_;
  int attempts_ = 0;
  int retries_ = 0;
  std::string stop_reason_;
  std::mt19937_64 rng_;
};

}  // namespace adbjit::http

#endif  // ADBJIT_CLIENTS_HTTP_RETRY_H_
