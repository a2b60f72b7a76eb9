// Tests of fault injection: before/after phases, count, skip, probability, drop, timeout, latency.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>

#include "emulator/test_util.h"

namespace adbjit::emulator::testing {
namespace {

using Clock = std::chrono::steady_clock;

class FaultsTest : public EmulatorTest {
 protected:
  void SetUp() override {
    EmulatorTest::SetUp();
    aad_ = DatabricksToken();
  }
  httplib::Result List() { return DbGet("/api/2.0/token/list", aad_); }
  httplib::Result Create() { return DbPost("/api/2.0/token/create", {{"lifetime_seconds", 600}}, aad_); }
  size_t TokenCount() { return server().Objects()["tokens"].size(); }
  std::string aad_;
};

TEST_F(FaultsTest, StatusBeforeHandlingWithCountAndRetryAfter) {
  server().SetFaults({{{"service", "databricks"}, {"method", "POST"}, {"path", "/token/create$"},
                       {"action", "status"}, {"status", 429}, {"headers", {{"Retry-After", "2"}}}, {"count", 2}}});
  for (int i = 0; i < 2; ++i) {
    auto r = Create();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(r->get_header_value("Retry-After"), "2");
    EXPECT_EQ(Body(r)["error_code"], "REQUEST_LIMIT_EXCEEDED");
  }
  EXPECT_EQ(TokenCount(), 0u);  // "before" answers instead of handling
  EXPECT_EQ(List()->status, 200);  // other routes are not matched
  EXPECT_EQ(Create()->status, 200);  // the rule expired after two applications
  EXPECT_EQ(TokenCount(), 1u);
  nlohmann::json rules = Body(Admin()->Get("/admin/faults"));
  EXPECT_EQ(rules["rules"][0]["applied"], 2);
  EXPECT_EQ(rules["rules"][0]["expired"], true);
}

// Answers carry a Date header, as the real services' do (clients take the server's clock from
// it); a fault rule's own Date stands.
TEST_F(FaultsTest, AnswersAreDatedUnlessARuleSetsTheDate) {
  const int64_t before = NowSec();
  auto r = List();
  ASSERT_TRUE(r);
  const std::string date = r->get_header_value("Date");
  std::tm tm{};
  ASSERT_NE(strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm), nullptr) << date;
  const int64_t dated = static_cast<int64_t>(timegm(&tm));
  EXPECT_GE(dated, before) << date;
  EXPECT_LE(dated, NowSec()) << date;
  EXPECT_EQ(HttpDate(int64_t{784111777} * 1000), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example

  server().SetFaults({{{"service", "databricks"}, {"path", "token/list"}, {"action", "status"}, {"status", 503},
                       {"headers", {{"Date", "Sun, 06 Nov 1994 08:49:37 GMT"}}}, {"count", 1}}});
  auto faulted = List();
  ASSERT_TRUE(faulted);
  EXPECT_EQ(faulted->get_header_value("Date"), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(faulted->get_header_value_count("Date"), 1u);
}

TEST_F(FaultsTest, AfterPhaseMakesAnAmbiguousFailure) {
  server().SetFaults({{{"service", "databricks"}, {"path", "token/create"}, {"action", "status"}, {"status", 500},
                       {"phase", "after"}, {"count", 1}}});
  auto r = Create();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(TokenCount(), 1u);  // the server acted although the client saw a failure
}

TEST_F(FaultsTest, DropIsAConnectionErrorAndAfterDropStillActs) {
  server().SetFaults({{{"service", "databricks"}, {"path", "token/create"}, {"action", "drop"}, {"count", 1}},
                      {{"service", "databricks"}, {"path", "token/create"}, {"action", "drop"}, {"phase", "after"},
                       {"count", 1}}});
  auto before = Create();
  EXPECT_FALSE(before);
  EXPECT_NE(before.error(), httplib::Error::Success);
  EXPECT_EQ(TokenCount(), 0u);
  auto after = Create();
  EXPECT_FALSE(after);
  EXPECT_EQ(TokenCount(), 1u);
  EXPECT_EQ(Create()->status, 200);
  nlohmann::json log = server().Requests()["requests"];
  int dropped = 0;
  for (const auto& e : log) dropped += e["status"] == 0 && e.value("fault", "") == "drop";
  EXPECT_EQ(dropped, 2);
}

TEST_F(FaultsTest, DropOnAKeptAliveConnection) {
  auto client = Workspace();
  client->set_keep_alive(true);
  ASSERT_EQ(client->Get("/api/2.0/token/list", Bearer(aad_))->status, 200);
  server().SetFaults({{{"path", "token/list"}, {"action", "drop"}, {"count", 1}}});
  EXPECT_FALSE(client->Get("/api/2.0/token/list", Bearer(aad_)));
  EXPECT_EQ(client->Get("/api/2.0/token/list", Bearer(aad_))->status, 200);
}

TEST_F(FaultsTest, SkipLetsTheFirstMatchesThrough) {
  server().SetFaults({{{"path", "token/list"}, {"action", "status"}, {"status", 503}, {"skip", 1}, {"count", 1}}});
  EXPECT_EQ(List()->status, 200);
  auto r = List();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Body(r)["error_code"], "TEMPORARILY_UNAVAILABLE");
  EXPECT_EQ(List()->status, 200);
}

TEST_F(FaultsTest, ProbabilityIsDeterministicForASeed) {
  auto pattern = [this](uint64_t seed) {
    Options o;
    o.seed = seed;
    Restart(o);
    aad_ = DatabricksToken();
    server().SetFaults({{{"service", "databricks"}, {"action", "status"}, {"status", 503}, {"probability", 0.3}}});
    std::string out;
    for (int i = 0; i < 40; ++i) out += List()->status == 503 ? 'x' : '.';
    return out;
  };
  std::string a = pattern(7), b = pattern(7), c = pattern(8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  size_t hits = std::count(a.begin(), a.end(), 'x');
  EXPECT_GT(hits, 2u);
  EXPECT_LT(hits, 30u);
}

TEST_F(FaultsTest, MalformedBody) {
  server().SetFaults({{{"path", "token/list"}, {"action", "malformed"}, {"phase", "after"}, {"count", 1}},
                      {{"path", "instance-pools/list"}, {"action", "malformed"}, {"count", 1}}});
  CreatePat(aad_);
  for (const char* path : {"/api/2.0/token/list", "/api/2.0/instance-pools/list"}) {
    auto r = DbGet(path, aad_);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(Body(r).is_discarded()) << r->body;
  }
}

TEST_F(FaultsTest, DelayAndGlobalLatency) {
  server().SetFaults({{{"service", "entra"}, {"action", "delay"}, {"delay_ms", 300}, {"count", 1}}});
  auto t0 = Clock::now();
  EXPECT_FALSE(DatabricksToken().empty());
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(300));
  // A second of latency: a loopback request without it stays far below that, even on a loaded
  // machine, so the last check tells "latency removed" from "still there".
  auto latency = Admin()->Post("/admin/latency", R"({"ms":1000})", "application/json");
  ASSERT_TRUE(latency && latency->status == 200);
  t0 = Clock::now();
  EXPECT_EQ(List()->status, 200);
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(1000));
  server().SetLatencyMs(0);
  t0 = Clock::now();
  EXPECT_EQ(List()->status, 200);
  EXPECT_LT(Clock::now() - t0, std::chrono::milliseconds(1000));
}

TEST_F(FaultsTest, TimeoutDropsAfterTheDelayAndStopAbortsIt) {
  server().SetFaults({{{"path", "token/list"}, {"action", "timeout"}, {"delay_ms", 200}, {"count", 1}}});
  auto t0 = Clock::now();
  EXPECT_FALSE(List());
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(200));
  server().SetFaults({{{"path", "token/list"}, {"action", "timeout"}}});  // default 120 s
  auto client = Workspace();
  client->set_read_timeout(60);
  auto pending = std::async(std::launch::async, [&] { return static_cast<bool>(client->Get("/api/2.0/token/list", Bearer(aad_))); });
  // Applied is counted before the 120 s delay starts: the request is then inside it.
  ASSERT_TRUE(Eventually([&] { return server().FaultRules()["rules"][0].value("applied", 0) >= 1; }));
  t0 = Clock::now();
  server().Stop();
  EXPECT_FALSE(pending.get());
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(10));
}

TEST_F(FaultsTest, AdminValidatesRulesAndReplaces) {
  auto bad = Admin()->Post("/admin/faults", R"([{"action":"explode"}])", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THROW(server().SetFaults({{{"action", "status"}, {"path", "("}}}), std::invalid_argument);
  // A misspelt field or a rule without an action would match more than meant, or nothing.
  for (const char* rule : {R"({"servce":"databricks","action":"drop"})", R"([{"action":"drop","stauts":1}])",
                           R"({"service":"keyvault"})", R"({})", R"({"replace":true,"rulez":[]})"}) {
    auto refused = Admin()->Post("/admin/faults", rule, "application/json");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 400) << rule;
  }
  EXPECT_EQ(List()->status, 200);  // nothing was added
  ASSERT_EQ(Admin()->Post("/admin/faults", R"([{"service":"keyvault","action":"status","status":500}])",
                          "application/json")->status, 200);
  EXPECT_EQ(List()->status, 200);  // a Key Vault rule leaves Databricks alone
  auto replaced = Admin()->Post("/admin/faults",
                                R"({"replace":true,"rules":[{"service":"databricks","action":"status","status":401}]})",
                                "application/json");
  ASSERT_TRUE(replaced);
  EXPECT_EQ(Body(replaced)["rules"].size(), 1u);
  EXPECT_EQ(List()->status, 401);
  ASSERT_EQ(Admin()->Delete("/admin/faults")->status, 200);
  EXPECT_EQ(List()->status, 200);
}

TEST_F(FaultsTest, FaultsFileIsLoadedAtStart) {
  std::string path = ::testing::TempDir() + "emulator_faults_test-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << R"({"latency_ms": 0, "rules": [{"service":"entra","action":"status","status":503,"count":1}]})";
  Options o;
  o.faults_file = path;
  Restart(o);
  auto r = TokenRequest(kDatabricksScope, principal(), principal().client_secret);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Body(r)["error"], "temporarily_unavailable");
  EXPECT_EQ(TokenRequest(kDatabricksScope, principal(), principal().client_secret)->status, 200);
  std::ofstream(path) << "not json";
  Server broken(o);
  EXPECT_FALSE(broken.Start());
  EXPECT_NE(broken.error().find("faults file"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace adbjit::emulator::testing
