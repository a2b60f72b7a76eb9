// Backoff, Retry-After and the retry budget.
#include "provider/clients/http/retry.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace adbjit::http {

bool IsRetryableHttpStatus(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

namespace {
std::string Trimmed(std::string_view value) {
  std::string v(value);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.erase(v.begin());
  return v;
}
}  // namespace

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view value) {
  const std::string v = Trimmed(value);
  for (const char* fmt : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(v.c_str(), fmt, &tm);
    if (end == nullptr || *end != '\0') continue;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now) {
  const std::string v = Trimmed(value);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (v.size() > 9) return std::chrono::milliseconds(std::chrono::hours(24 * 365));
    return std::chrono::milliseconds(std::stoll(v) * 1000);
  }
  auto at = ParseHttpDate(v);
  if (!at) return std::nullopt;
  if (*at <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*at - now);
}

std::string FormatDuration(std::chrono::milliseconds d) {
  long long ms = d.count();
  char buf[32];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", ms);
  } else if (ms < 10000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", (ms + 500) / 1000);
  }
  return buf;
}

RetryBudget::RetryBudget(const RetryPolicy& policy, Clock* clock, const StopSignal* stop, uint64_t seed)
    : policy_(policy), clock_(clock), stop_(stop), start_(clock->Now()), rng_(seed) {}

std::chrono::milliseconds RetryBudget::Elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_->Now() - start_);
}

std::chrono::milliseconds RetryBudget::NextBackoff() {
  ++retries_;
  long long d = policy_.initial_backoff.count();
  for (int i = 1; i < retries_ && d < policy_.max_backoff.count(); ++i) d *= 2;
  d = std::min<long long>(d, policy_.max_backoff.count());
  if (d <= 1) return std::chrono::milliseconds(d);
  std::uniform_int_distribution<long long> jitter(d / 2, d);
  return std::chrono::milliseconds(jitter(rng_));
}

Status RetryBudget::WaitBeforeRetry(std::optional<std::chrono::milliseconds> server_hint,
                                    const std::function<void(std::chrono::milliseconds)>& on_wait) {
  if (stop_ != nullptr && stop_->stopped()) return CancelledError("cancelled");
  if (policy_.max_attempts > 0 && attempts_ >= policy_.max_attempts) {
    return DeadlineExceededError("attempt limit reached");
  }
  std::chrono::milliseconds delay = NextBackoff();
  // The server's Retry-After wins (a zero hint falls back to our own backoff).
  const bool asked = server_hint.has_value() && server_hint->count() > 0;
  if (asked) delay = *server_hint;
  if (Elapsed() + delay > policy_.budget) {
    // Our own backoff running out is what the budget is for; a server asking for a longer wait
    // than the budget allows is worth saying, or one attempt in 1ms reads as no retry at all.
    if (asked) {
      stop_reason_ = "Retry-After asked for " + FormatDuration(delay) + ", beyond retry_timeout_seconds = " +
                     FormatDuration(policy_.budget);
    }
    return DeadlineExceededError("next attempt in " + FormatDuration(delay) + " would exceed the retry budget of " +
                                 FormatDuration(policy_.budget));
  }
  if (on_wait) on_wait(delay);
  if (!clock_->SleepFor(delay, stop_)) return CancelledError("cancelled");
  return Status::OK();
}

std::string RetryBudget::GaveUpSummary() const {
  return "gave up after " + std::to_string(attempts_) + (attempts_ == 1 ? " attempt" : " attempts") + " in " +
         FormatDuration(Elapsed()) + (stop_reason_.empty() ? "" : " (" + stop_reason_ + ")");
}

}  // namespace adbjit::http
