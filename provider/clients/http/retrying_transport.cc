// RetryingTransport: the retry loop.
#include "provider/clients/http/retrying_transport.h"

#include "provider/util/log.h"

namespace adbjit::http {
namespace {

// Drops a leading "<operation>: " so a re-annotated message does not repeat it.
std::string WithoutPrefix(const std::string& message, const std::string& op) {
  std::string prefix = op + ": ";
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

}  // namespace

RetryingTransport::RetryingTransport(std::shared_ptr<Transport> inner, RetryPolicy policy, Clock* clock,
                                     std::shared_ptr<StopSignal> stop)
    : inner_(std::move(inner)),
      policy_(policy),
      clock_(clock != nullptr ? clock : Clock::Real()),
      stop_(stop != nullptr ? std::move(stop) : std::make_shared<StopSignal>()) {}

StatusOr<Response> RetryingTransport::Send(const Request& request) {
  const std::string op = request.operation.empty() ? "HTTP request" : request.operation;
  RetryBudget budget(policy_, clock_, stop_.get(), seed_.fetch_add(0x632be59bd9b4e019ULL));
  int unreachable = 0;  // attempts in a row that could not connect
  bool unanswered = false;  // an attempt got no answer and was repeated
  for (;;) {
    if (stop_->stopped()) {
      return Status(StatusCode::kCancelled, op + ": cancelled").WithServiceCode(kTransportCancelled);
    }
    StatusOr<Response> result = inner_->Send(request);
    budget.RecordAttempt();

    bool retry = false;
    std::optional<std::chrono::milliseconds> hint;
    std::string last;
    if (!result.ok()) {
      const Status& s = result.status();
      retry = IsTransientTransportError(s) && (request.idempotent || WasNeverSent(s));
      last = s.message();
      unreachable = s.service_code() == kTransportConnectFailed ? unreachable + 1 : 0;
      if (retry && policy_.max_unreachable_attempts > 0 && unreachable >= policy_.max_unreachable_attempts) {
        // A proxy that could not reach the host says so itself; the address may well be right.
        const bool via_proxy = s.message().find("HTTPS_PROXY") != std::string::npos;
        return Status(s.code(), op + ": " + budget.GaveUpSummary() + ": " + WithoutPrefix(s.message(), op) +
                                    (via_proxy ? "" : " (nothing answers at this address: is the URL right?)"))
            .WithServiceCode(s.service_code());
      }
    } else {
      unreachable = 0;
      result->attempts = budget.attempts();
      result->earlier_attempt_unanswered = unanswered;
      const bool retryable = IsRetryableHttpStatus(result->status) ||
                             (result->status == 500 && request.retry_internal_error);
      if (retryable && request.idempotent) {
        retry = true;
        std::string ra = result->Header("retry-after");
        if (!ra.empty()) hint = ParseRetryAfter(ra, clock_->WallNow());
        last = "HTTP " + std::to_string(result->status);
      }
    }
    if (!retry) return result;
    if (!result.ok() && result.status().service_code() != kTransportConnectFailed) unanswered = true;

    Status wait = budget.WaitBeforeRetry(hint, [&](std::chrono::milliseconds delay) {
      log::Debug("http", "retrying",
                 {{"operation", op}, {"attempt", std::to_string(budget.attempts() + 1)}, {"after", last},
                  {"in", FormatDuration(delay)}, {"retry_after", hint ? FormatDuration(*hint) : ""}});
    });
    if (wait.code() == StatusCode::kCancelled) {
      return Status(StatusCode::kCancelled, op + ": cancelled while waiting to retry (" + last + ")")
          .WithServiceCode(kTransportCancelled);
    }
    if (!wait.ok()) {
      log::Debug("http", "giving up",
                 {{"operation", op}, {"attempts", std::to_string(budget.attempts())}, {"last", last},
                  {"reason", wait.message()}});
      if (result.ok()) {
        result->retry_summary = budget.GaveUpSummary();
        return result;
      }
      Status s = result.status();
      return Status(s.code(), op + ": " + budget.GaveUpSummary() + ": " + WithoutPrefix(s.message(), op))
          .WithServiceCode(s.service_code());
    }
  }
}

}  // namespace adbjit::http
