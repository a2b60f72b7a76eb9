// RetryingTransport and retry helpers against a scripted transport and a fake clock.
#include "provider/clients/http/retrying_transport.h"

#include <gtest/gtest.h>

#include <deque>
#include <future>
#include <thread>

#include "provider/clients/internal/fake_clock.h"

namespace adbjit::http {
namespace {

using std::chrono::milliseconds;

// Answers from a script; records how many requests it saw.
class ScriptedTransport final : public Transport {
 public:
  void Add(StatusOr<Response> r) { script_.push_back(std::move(r)); }
  void AddStatus(int code, std::map<std::string, std::string> headers = {}) {
    Response r;
    r.status = code;
    r.headers = std::move(headers);
    Add(r);
  }
  StatusOr<Response> Send(const Request&) override {
    ++calls;
    if (on_send) on_send(calls);
    if (script_.empty()) return sticky_;
    auto r = script_.front();
    script_.pop_front();
    return r;
  }
  void SetSticky(StatusOr<Response> r) { sticky_ = std::move(r); }

  int calls = 0;
  std::function<void(int)> on_send;

 private:
  std::deque<StatusOr<Response>> script_;
  StatusOr<Response> sticky_ = Response{200, {}, "", 1, ""};
};

Status Transport503() { return Status(StatusCode::kUnavailable, "create token: connection dropped").WithServiceCode(kTransportConnectionLost); }

Request Req(bool idempotent = true) {
  Request r;
  r.method = idempotent ? "GET" : "POST";
  r.url = "http://127.0.0.1:1/x";
  r.operation = "create token";
  r.idempotent = idempotent;
  return r;
}

RetryPolicy Policy(int budget_ms) {
  RetryPolicy p;
  p.budget = milliseconds(budget_ms);
  p.initial_backoff = milliseconds(1000);
  p.max_backoff = milliseconds(8000);
  return p;
}

TEST(RetryAfterTest, ParsesSecondsAndDates) {
  auto now = std::chrono::system_clock::from_time_t(1700000000);  // Tue, 14 Nov 2023 22:13:20 GMT
  EXPECT_EQ(ParseRetryAfter("2", now), milliseconds(2000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("Tue, 14 Nov 2023 22:13:25 GMT", now), milliseconds(5000));
  EXPECT_EQ(ParseRetryAfter("Tuesday, 14-Nov-23 22:13:30 GMT", now), milliseconds(10000));
  EXPECT_EQ(ParseRetryAfter("Tue Nov 14 22:13:21 2023", now), milliseconds(1000));
  EXPECT_EQ(ParseRetryAfter("Mon, 13 Nov 2023 22:13:25 GMT", now), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
}

TEST(RetryBudgetTest, BackoffDoublesWithJitterAndCaps) {
  internal::FakeClock clock;
  RetryBudget b(Policy(1000000), &clock, nullptr, 42);
  const long long expect_max[] = {1000, 2000, 4000, 8000, 8000, 8000};
  for (long long max : expect_max) {
    long long d = b.NextBackoff().count();
    EXPECT_GE(d, max / 2);
    EXPECT_LE(d, max);
  }
}

TEST(RetryingTransportTest, HonoursRetryAfterOn429) {
  auto inner = std::make_shared<ScriptedTransport>();
  inner->AddStatus(429, {{"retry-after", "2"}});
  inner->AddStatus(200);
  internal::FakeClock clock;
  RetryingTransport t(inner, Policy(300000), &clock);
  auto r = t.Send(Req());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(inner->calls, 2);
  ASSERT_EQ(clock.sleeps().size(), 1u);
  EXPECT_EQ(clock.sleeps()[0], milliseconds(2000));
}

TEST(RetryingTransportTest, RetriesEachTransientStatus) {
  for (int code : {429, 502, 503, 504}) {
    auto inner = std::make_shared<ScriptedTransport>();
    inner->AddStatus(code);
    inner->AddStatus(200);
    internal::FakeClock clock;
    RetryingTransport t(inner, Policy(300000), &clock);
    auto r = t.Send(Req());
    ASSERT_TRUE(r.ok()) << code;
    EXPECT_EQ(r->status, 200) << code;
    EXPECT_EQ(inner->calls, 2) << code;
  }
  for (int code : {400, 401, 403, 404, 409, 500}) {
    auto inner = std::make_shared<ScriptedTransport>();
    inner->AddStatus(code);
    internal::FakeClock clock;
    RetryingTransport t(inner, Policy(300000), &clock);
    auto r = t.Send(Req());
    ASSERT_TRUE(r.ok()) << code;
    EXPECT_EQ(r->status, code);
    EXPECT_EQ(inner->calls, 1) << code;
  }
}

TEST(RetryingTransportTest, StormLongerThanBudgetGivesUpWithSummary) {
  auto inner = std::make_shared<ScriptedTransport>();
  Response r503;
  r503.status = 503;
  inner->SetSticky(r503);
  internal::FakeClock clock;
  RetryingTransport t(inner, Policy(31000), &clock);
  auto r = t.Send(Req());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->attempts, inner->calls);
  EXPECT_GE(inner->calls, 5);
  EXPECT_EQ(r->retry_summary.rfind("gave up after " + std::to_string(inner->calls) + " attempts in ", 0), 0u)
      << r->retry_summary;
  milliseconds total{0};
  for (auto s : clock.sleeps()) total += s;
  EXPECT_LE(total, milliseconds(31000));
}

TEST(RetryingTransportTest, TransportErrorsAreRetriedAndAnnotated) {
  auto inner = std::make_shared<ScriptedTransport>();
  inner->SetSticky(Transport503());
  internal::FakeClock clock;
  RetryingTransport t(inner, Policy(5000), &clock);
  auto r = t.Send(Req());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().service_code(), kTransportConnectionLost);
  EXPECT_EQ(r.status().message(), "create token: gave up after " + std::to_string(inner->calls) + " attempts in " +
                                      FormatDuration(std::chrono::duration_cast<milliseconds>(
                                          clock.Now() - (std::chrono::steady_clock::time_point() +
                                                         std::chrono::hours(1)))) +
                                      ": connection dropped");
  EXPECT_GE(inner->calls, 3);
}

TEST(RetryingTransportTest, NonIdempotentIsNotRetriedWhenAmbiguous) {
  {
    auto inner = std::make_shared<ScriptedTransport>();
    inner->AddStatus(503);
    internal::FakeClock clock;
    RetryingTransport t(inner, Policy(300000), &clock);
    auto r = t.Send(Req(false));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(inner->calls, 1);
  }
  {
    auto inner = std::make_shared<ScriptedTransport>();
    inner->Add(Transport503());
    internal::FakeClock clock;
    RetryingTransport t(inner, Policy(300000), &clock);
    auto r = t.Send(Req(false));
    EXPECT_EQ(r.status().service_code(), kTransportConnectionLost);
    EXPECT_EQ(inner->calls, 1);
  }
  {  // Connection refused: never sent, so even a create may go again.
    auto inner = std::make_shared<ScriptedTransport>();
    inner->Add(Status(StatusCode::kUnavailable, "refused").WithServiceCode(kTransportConnectFailed));
    inner->AddStatus(200);
    internal::FakeClock clock;
    RetryingTransport t(inner, Policy(300000), &clock);
    auto r = t.Send(Req(false));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(inner->calls, 2);
  }
}

// An address where nothing answers (DNS, refused) is tried a few times, not for the whole budget,
// and the error says to check the URL. An answer in between starts the count again.
TEST(RetryingTransportTest, AnUnreachableAddressIsTriedAFewTimesOnly) {
  const Status refused = Status(StatusCode::kUnavailable, "GET https://x/api: connection refused")
                             .WithServiceCode(kTransportConnectFailed);
  auto inner = std::make_shared<ScriptedTransport>();
  for (int i = 0; i < 10; ++i) inner->Add(refused);
  internal::FakeClock clock;
  RetryingTransport t(inner, Policy(300000), &clock);
  auto r = t.Send(Req());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(inner->calls, 4);
  EXPECT_EQ(r.status().service_code(), kTransportConnectFailed);
  EXPECT_EQ(r.status().message().rfind("create token: gave up after 4 attempts in ", 0), 0u) << r.status().message();
  EXPECT_NE(r.status().message().find("connection refused (nothing answers at this address: is the URL right?)"),
            std::string::npos)
      << r.status().message();

  auto flaky = std::make_shared<ScriptedTransport>();
  for (int i = 0; i < 3; ++i) flaky->Add(refused);
  flaky->AddStatus(503);
  for (int i = 0; i < 3; ++i) flaky->Add(refused);
  flaky->AddStatus(200);
  RetryingTransport again(flaky, Policy(300000), &clock);
  auto ok = again.Send(Req());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(flaky->calls, 8);

  // A proxy that could not reach the host is tried as often, and has already said why: the
  // address may well be right, so no "is the URL right?".
  const Status proxy = Status(StatusCode::kUnavailable, "POST https://x/api: the proxy (HTTPS_PROXY) could not "
                                                        "connect to x: HTTP 502")
                           .WithServiceCode(kTransportConnectFailed);
  auto behind_proxy = std::make_shared<ScriptedTransport>();
  for (int i = 0; i < 10; ++i) behind_proxy->Add(proxy);
  RetryingTransport via(behind_proxy, Policy(300000), &clock);
  auto failed = via.Send(Req());
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(behind_proxy->calls, 4);
  EXPECT_EQ(failed.status().message().find("is the URL right?"), std::string::npos) << failed.status().message();
  EXPECT_NE(failed.status().message().find("could not connect to x: HTTP 502"), std::string::npos);
}

TEST(RetryingTransportTest, RetryAfterBeyondBudgetGivesUpAtOnce) {
  auto inner = std::make_shared<ScriptedTransport>();
  inner->AddStatus(429, {{"retry-after", "600"}});
  internal::FakeClock clock;
  RetryingTransport t(inner, Policy(60000), &clock);
  auto r = t.Send(Req());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(inner->calls, 1);
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_EQ(r->retry_summary, "gave up after 1 attempt in 0ms (Retry-After asked for 600s, beyond "
                              "retry_timeout_seconds = 60s)");
}

TEST(RetryingTransportTest, CancelInterruptsAWaitPromptly) {
  auto inner = std::make_shared<ScriptedTransport>();
  Response r429;
  r429.status = 429;
  r429.headers["retry-after"] = "120";
  inner->SetSticky(r429);
  std::promise<void> first_sent;
  inner->on_send = [&](int n) {
    if (n == 1) first_sent.set_value();
  };
  RetryingTransport t(inner, Policy(300000));  // real clock
  auto start = std::chrono::steady_clock::now();
  auto fut = std::async(std::launch::async, [&] { return t.Send(Req()); });
  first_sent.get_future().wait();
  t.Cancel();
  auto r = fut.get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(inner->calls, 1);
  // Later calls fail fast too.
  auto again = t.Send(Req());
  EXPECT_EQ(again.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(inner->calls, 1);
}

}  // namespace
}  // namespace adbjit::http
