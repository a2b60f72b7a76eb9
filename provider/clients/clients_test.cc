// The whole remote side against the emulator: retries, budgets, ambiguous creates, frugality
// (counters), cancellation, and no secret in any log line or error text.
#include "provider/clients/clients.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <barrier>
#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "provider/clients/http/transport.h"
#include "provider/clients/testing/emulator_fixture.h"

namespace adbjit::clients {
namespace {

using testing::EmulatorTest;
using Clock = std::chrono::steady_clock;

class ClientsTest : public EmulatorTest {};

TEST_F(ClientsTest, RetryAfterTwoSecondsIsHonoured) {
  auto clients = NewClients();
  ASSERT_TRUE(clients->databricks().ListInstancePools().ok());  // token warm
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/token/list"}, {"action", "status"},
                                 {"status", 429}, {"count", 1}, {"headers", {{"Retry-After", "2"}}},
                                 {"body", R"({"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"})"}}}));
  auto start = Clock::now();
  auto r = clients->databricks().ListTokens();
  auto elapsed = Clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(elapsed, std::chrono::milliseconds(1900));
  EXPECT_LT(elapsed, std::chrono::seconds(10));  // not the fixture's 20 s budget
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/token/list", 429), 1);
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/token/list", 200), 1);
}

TEST_F(ClientsTest, StormLongerThanBudgetNamesOperationAndLastStatus) {
  auto config = Config();
  config.retry_timeout_seconds = 2;
  config.retry_initial_backoff_ms = 200;
  auto clients = NewClients(config);
  ASSERT_TRUE(clients->databricks().ListInstancePools().ok());
  const std::string busy = R"({"error_code":"TEMPORARILY_UNAVAILABLE","message":"workspace busy"})";
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/token/list"}, {"action", "status"},
                                 {"status", 503}, {"body", busy}}}));
  auto start = Clock::now();
  Status list = clients->databricks().ListTokens().status();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));  // the 2 s budget, not the fixture's 20 s
  EXPECT_EQ(list.code(), StatusCode::kUnavailable);
  EXPECT_EQ(list.http_status(), 503);
  EXPECT_EQ(list.service_code(), "TEMPORARILY_UNAVAILABLE");
  const int64_t attempts = RouteCount("databricks", "GET", "/api/2.0/token/list", 503);
  EXPECT_GE(attempts, 3);
  EXPECT_EQ(list.message().rfind("list tokens: gave up after " + std::to_string(attempts) + " attempts in ", 0), 0u)
      << list.message();
  EXPECT_NE(list.message().find("s: HTTP 503 TEMPORARILY_UNAVAILABLE: workspace busy"), std::string::npos)
      << list.message();

  // A create storm: each ambiguous 503 is reconciled (list, nothing found) before the next try.
  server_->ClearFaults();
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/token/create"},
                                 {"action", "status"}, {"status", 503}, {"body", busy}}}));
  Status create = clients->databricks().CreateTokenSafely(600, "storm").status();
  EXPECT_EQ(create.code(), StatusCode::kUnavailable);
  EXPECT_EQ(create.http_status(), 503);
  const int64_t creates = RouteCount("databricks", "POST", "/api/2.0/token/create", 503);
  EXPECT_GE(creates, 2);
  EXPECT_EQ(create.message().rfind("create token: gave up after " + std::to_string(creates) + " attempts in ", 0), 0u)
      << create.message();
  EXPECT_NE(create.message().find("s: HTTP 503 TEMPORARILY_UNAVAILABLE: workspace busy"), std::string::npos);
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/token/list", 200), creates);  // one reconcile each

  // When even the reconciling list fails, the error says so and names the marker to look for.
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/token/list"}, {"action", "status"},
                                 {"status", 503}, {"body", busy}}}));
  Status unknown = clients->databricks().CreateTokenSafely(600, "storm").status();
  EXPECT_EQ(unknown.message().rfind("create token: the outcome of the create is unknown (HTTP 503", 0), 0u)
      << unknown.message();
  EXPECT_NE(unknown.message().find("a token whose comment ends in [adbjit:"), std::string::npos);
  server_->ClearFaults();
  EXPECT_TRUE(LiveTokenIds().empty());

  // A throttled pool create: a 429 was refused before anything happened, so no list looks for a
  // pool the attempt might have made; the error says what the attempts spent.
  const std::string slow = R"({"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"})";
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/instance-pools/create"},
                                 {"action", "status"}, {"status", 429}, {"body", slow}}}));
  databricks::InstancePool pool;
  pool.instance_pool_name = "throttled";
  pool.node_type_id = "Standard_DS3_v2";
  Status throttled = clients->databricks().CreateInstancePoolSafely(pool).status();
  EXPECT_EQ(throttled.http_status(), 429);
  const int64_t pool_creates = RouteCount("databricks", "POST", "/api/2.0/instance-pools/create", 429);
  EXPECT_GE(pool_creates, 2);
  EXPECT_EQ(throttled.message().rfind(
                "create instance pool throttled: gave up after " + std::to_string(pool_creates) + " attempts in ", 0),
            0u)
      << throttled.message();
  EXPECT_NE(throttled.message().find("s: HTTP 429 REQUEST_LIMIT_EXCEEDED: slow down"), std::string::npos);
  // The warm-up call and the look for the name before the first attempt; none after a 429.
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/instance-pools/list"), 2);
}

TEST_F(ClientsTest, AmbiguousCreateUnderConnectionDropsLeavesOnlyTheKnownToken) {
  auto clients = NewClients();
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"},
                                 {"action", "drop"}, {"phase", "after"}, {"count", 2}}}));
  auto created = clients->databricks().CreateTokenSafely(3600, "jit");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/create"), 3);
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{created->info.token_id});
  auto listed = clients->databricks().ListTokens();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].token_id, created->info.token_id);
  EXPECT_EQ((*listed)[0].comment, "jit");
}

TEST_F(ClientsTest, AmbiguousCreateAfter5xxAndTimeoutIsReconciled) {
  auto config = Config();
  config.http_timeout_seconds = 1;
  auto clients = NewClients(config);
  ASSERT_TRUE(clients->databricks().ListTokens().ok());
  Faults(nlohmann::json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"}, {"action", "status"},
        {"status", 503}, {"phase", "after"}, {"count", 1}},
       {{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"}, {"action", "delay"},
        {"delay_ms", 1600}, {"phase", "after"}, {"count", 1}}}));
  auto created = clients->databricks().CreateTokenSafely(3600, "slow");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{created->info.token_id});
}

TEST_F(ClientsTest, AmbiguousPoolCreateAdoptsThePool) {
  auto clients = NewClients();
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"},
                                 {"path", "/api/2.0/instance-pools/create"}, {"action", "drop"}, {"phase", "after"},
                                 {"count", 1}}}));
  databricks::InstancePool p;
  p.instance_pool_name = "adopt-me";
  p.node_type_id = "Standard_DS3_v2";
  auto id = clients->databricks().CreateInstancePoolSafely(p);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/instance-pools/create"), 1);
  EXPECT_EQ(LivePools(), 1);
  EXPECT_EQ(clients->databricks().GetInstancePool(*id)->instance_pool_name, "adopt-me");
}

// A pool whose create answer was lost may show up only after the check that looked for it (the
// list here answers as if it had not landed yet); the next attempt is then refused for the name.
// That refusal is the lost pool, not someone else's: it is adopted, not left alive untracked.
TEST_F(ClientsTest, APoolThatLandsAfterTheCheckIsAdoptedWhenTheNextAttemptIsRefusedForItsName) {
  auto clients = NewClients();
  Faults(nlohmann::json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/instance-pools/create"},
        {"action", "drop"}, {"phase", "after"}, {"count", 1}},
       {{"service", "databricks"}, {"method", "GET"}, {"path", "/api/2.0/instance-pools/list"}, {"action", "status"},
        {"status", 200}, {"body", "{}"}, {"skip", 1}, {"count", 1}}}));
  databricks::InstancePool p;
  p.instance_pool_name = "late-lander";
  p.node_type_id = "Standard_DS3_v2";
  auto id = clients->databricks().CreateInstancePoolSafely(p);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/instance-pools/create", 400), 1);  // refused: the name
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/instance-pools/list"), 3);  // before, check, look again
  EXPECT_EQ(LivePools(), 1);
  EXPECT_EQ(clients->databricks().GetInstancePool(*id)->instance_pool_name, "late-lander");

  // Refused for another reason after an ambiguity, with no pool of the name: the refusal stands.
  server_->ClearFaults();
  Faults(nlohmann::json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/instance-pools/create"},
        {"action", "status"}, {"status", 503}, {"count", 1}},
       {{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/instance-pools/create"},
        {"action", "status"}, {"status", 400}, {"count", 1},
        {"body", R"({"error_code":"INVALID_PARAMETER_VALUE","message":"quota"})"}}}));
  p.instance_pool_name = "refused";
  Status refused = clients->databricks().CreateInstancePoolSafely(p).status();
  EXPECT_EQ(refused.http_status(), 400);
  EXPECT_NE(refused.message().find("quota"), std::string::npos) << refused.message();
  EXPECT_EQ(LivePools(), 1);
}

// The check after a lost create answer is what finds the lost object; a server error on it is
// tried again within the budget, not reported at once with the object left alive untracked.
TEST_F(ClientsTest, AnAmbiguousCreateWhoseCheckFailsOnceIsStillReconciled) {
  auto clients = NewClients();
  const std::string broken = R"({"error_code":"INTERNAL_ERROR","message":"list broke"})";
  Faults(nlohmann::json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"}, {"action", "drop"},
        {"phase", "after"}, {"count", 1}},
       {{"service", "databricks"}, {"path", "/api/2.0/token/list"}, {"action", "status"}, {"status", 500},
        {"body", broken}, {"count", 1}},
       {{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/instance-pools/create"},
        {"action", "drop"}, {"phase", "after"}, {"count", 1}},
       // The list before the pool create passes; the one after the lost answer fails once.
       {{"service", "databricks"}, {"path", "/api/2.0/instance-pools/list"}, {"action", "status"}, {"status", 500},
        {"body", broken}, {"skip", 1}, {"count", 1}}}));
  auto created = clients->databricks().CreateTokenSafely(3600, "checked twice");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{created->info.token_id});
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/token/list", 500), 1);

  databricks::InstancePool p;
  p.instance_pool_name = "checked-twice";
  p.node_type_id = "Standard_DS3_v2";
  auto id = clients->databricks().CreateInstancePoolSafely(p);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/instance-pools/list", 500), 1);
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/instance-pools/create"), 1);
  EXPECT_EQ(LivePools(), 1);
}

// When the check cannot be made at all, the create says which marker the lost token carries, and
// that marker later finds and revokes it.
TEST_F(ClientsTest, AnAmbiguousTokenCreateWhoseCheckFailsNamesTheMarkerThatRevokesItLater) {
  auto clients = NewClients();
  Faults(nlohmann::json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"}, {"action", "drop"},
        {"phase", "after"}, {"count", 1}},
       {{"service", "databricks"}, {"path", "/api/2.0/token/list"}, {"action", "status"}, {"status", 403},
        {"body", R"({"error_code":"PERMISSION_DENIED","message":"no"})"}}}));
  std::string lost;
  auto created = clients->databricks().CreateTokenSafely(3600, "lost", &lost);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.status().message().find("the outcome of the create is unknown"), std::string::npos)
      << created.status().message();
  ASSERT_FALSE(lost.empty());
  EXPECT_NE(created.status().message().find("a token whose comment ends in " + lost + " may exist"),
            std::string::npos)
      << created.status().message();
  ASSERT_EQ(LiveTokenIds().size(), 1u);

  server_->ClearFaults();
  int revoked = 0;
  ASSERT_TRUE(clients->databricks().RevokeMarked(lost, "", &revoked).ok());
  EXPECT_EQ(revoked, 1);
  EXPECT_TRUE(LiveTokenIds().empty());

  // A create that fails without an ambiguity names no marker.
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"},
                                 {"action", "status"}, {"status", 403},
                                 {"body", R"({"error_code":"PERMISSION_DENIED","message":"no"})"}}}));
  std::string none;
  ASSERT_FALSE(clients->databricks().CreateTokenSafely(3600, "refused", &none).ok());
  EXPECT_TRUE(none.empty());

  // One that is refused after an ambiguity names its marker even when the check found no token:
  // the request whose answer was lost may still reach Databricks later.
  server_->ClearFaults();
  Faults(nlohmann::json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"}, {"action", "status"},
        {"status", 503}, {"count", 1}},
       {{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"}, {"action", "status"},
        {"status", 400}, {"count", 1}, {"body", R"({"error_code":"QUOTA_EXCEEDED","message":"600 tokens"})"}}}));
  std::string late;
  Status refused = clients->databricks().CreateTokenSafely(3600, "refused later", &late).status();
  EXPECT_EQ(refused.service_code(), "QUOTA_EXCEEDED") << refused.ToString();
  EXPECT_EQ(late.rfind("[adbjit:", 0), 0u) << late;
  EXPECT_TRUE(LiveTokenIds().empty());
}

// A refusal of the check is final: reported at once, naming what may exist.
TEST_F(ClientsTest, AnAmbiguousCreateWhoseCheckIsRefusedSaysWhatMayExist) {
  auto clients = NewClients();
  Faults(nlohmann::json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/instance-pools/create"},
        {"action", "drop"}, {"phase", "after"}, {"count", 1}},
       {{"service", "databricks"}, {"path", "/api/2.0/instance-pools/list"}, {"action", "status"}, {"status", 403},
        {"body", R"({"error_code":"PERMISSION_DENIED","message":"no"})"}, {"skip", 1}}}));
  databricks::InstancePool p;
  p.instance_pool_name = "maybe";
  p.node_type_id = "Standard_DS3_v2";
  auto id = clients->databricks().CreateInstancePoolSafely(p);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/instance-pools/list", 403), 1);
  EXPECT_NE(id.status().message().find("the outcome of the create is unknown"), std::string::npos)
      << id.status().message();
  EXPECT_NE(id.status().message().find("a pool named 'maybe' may exist"), std::string::npos) << id.status().message();
}

// A pool that had the name before is someone else's: it is refused before any create is sent, so
// a lost create answer can never make it look like ours (Terraform would then own, and on the next
// replacement delete, a pool it never made).
TEST_F(ClientsTest, PoolCreateNeverAdoptsAPoolThatHadTheNameBefore) {
  auto clients = NewClients();
  databricks::InstancePool p;
  p.instance_pool_name = "taken";
  p.node_type_id = "Standard_DS3_v2";
  auto foreign = clients->databricks().CreateInstancePoolSafely(p);
  ASSERT_TRUE(foreign.ok()) << foreign.status().ToString();
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"},
                                 {"path", "/api/2.0/instance-pools/create"}, {"action", "drop"}, {"phase", "after"},
                                 {"count", 1}}}));
  auto again = clients->databricks().CreateInstancePoolSafely(p);
  ASSERT_FALSE(again.ok()) << "adopted " << *again;
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(),
            "create instance pool taken: Instance pool with name 'taken' already exists (" + *foreign + ").");
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/instance-pools/create"), 1);  // the first pool's
  EXPECT_EQ(LivePools(), 1);
}

TEST_F(ClientsTest, ConcurrentReadsShareOneTokenRequestAndOneList) {
  std::vector<std::string> ids;
  {
    auto setup = NewClients();
    for (int i = 0; i < 3; ++i) ids.push_back(setup->databricks().CreateTokenSafely(3600, "t" + std::to_string(i))
                                                  ->info.token_id);
  }
  server_->ResetCounters();
  auto clients = NewClients();
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto t = clients->databricks().GetToken(ids[i % ids.size()]);
      if (t.ok() && t->token_id == ids[i % ids.size()]) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads);
  EXPECT_EQ(EntraTokenRequests(), 1);
  EXPECT_EQ(RouteCount("databricks", "GET", "/api/2.0/token/list"), 1);
  EXPECT_EQ(clients->databricks().token_list_calls(), 1);
  EXPECT_LE(ServiceCounter("databricks", "connections"), kThreads);
  EXPECT_LE(ServiceCounter("entra", "connections"), kThreads);

  // A create invalidates the shared list: the next read sees the new token.
  auto fresh = clients->databricks().CreateTokenSafely(60, "new");
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(clients->databricks().GetToken(fresh->info.token_id).ok());
  EXPECT_EQ(EntraTokenRequests(), 1);  // still one token request for the scope
}

TEST_F(ClientsTest, ConnectionsAreReusedAcrossCallsAndThreads) {
  auto clients = NewClients();
  constexpr int kThreads = 4;
  constexpr int kCalls = 4;
  std::barrier start(kThreads);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int c = 0; c < kCalls; ++c) ok += clients->databricks().ListInstancePools().ok();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kCalls);
  EXPECT_EQ(ServiceCounter("databricks", "requests"), kThreads * kCalls);
  EXPECT_LE(ServiceCounter("databricks", "connections"), kThreads);
  EXPECT_EQ(ServiceCounter("entra", "connections"), 1);
  EXPECT_EQ(EntraTokenRequests(), 1);
}

// ARM_TENANT_ID may name the tenant by its verified domain (remote-apis.md 1.2): tokens are
// requested from it as given, for Databricks and for Key Vault.
TEST_F(ClientsTest, ATenantNamedByItsDomainSignsIn) {
  auto config = Config();
  config.tenant_id = "adbjit-emulator.onmicrosoft.com";
  auto clients = NewClients(config);
  EXPECT_TRUE(clients->databricks().ListInstancePools().ok());
  EXPECT_TRUE(clients->keyvault().GetSecret(VaultUrl(), "by-domain").status().IsNotFound());
}

TEST_F(ClientsTest, OneTokenRequestPerScopePerProcess) {
  auto config = Config();
  config.workspace_resource_id =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Databricks/"
      "workspaces/ws";
  auto clients = NewClients(config);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      if (i % 2 == 0) {
        ok += clients->databricks().ListInstancePools().ok();
      } else {
        ok += clients->keyvault().GetSecret(VaultUrl(), "s" + std::to_string(i)).status().IsNotFound();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
  EXPECT_EQ(EntraTokenRequests(), 3);  // Databricks, management, Key Vault: once each
}

TEST_F(ClientsTest, TlsIsVerifiedAndConnectionsAreReused) {
  emulator::Options o;
  // A directory of this process's own: another run on the machine may be using its own.
  o.tls_dir = ::testing::TempDir() + "/adbjit-clients-tls-" + std::to_string(::getpid());
  Restart(o);
  ASSERT_FALSE(server_->ca_file().empty());
  ASSERT_EQ(server_->databricks_url().rfind("https://", 0), 0u);
  auto config = Config();  // https URLs now

  // The emulator's CA is not trusted by default: verification is on, so the call is refused.
  Status untrusted = NewClients(config)->databricks().ListTokens().status();
  EXPECT_EQ(untrusted.code(), StatusCode::kFailedPrecondition) << untrusted.ToString();
  EXPECT_EQ(untrusted.service_code(), http::kTransportTls);
  EXPECT_NE(untrusted.message().find("SSL_CERT_FILE"), std::string::npos);

  server_->ResetCounters();
  config.ca_file = server_->ca_file();
  auto clients = NewClients(config);
  constexpr int kThreads = 3;
  constexpr int kCalls = 4;
  std::barrier start(kThreads);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int c = 0; c < kCalls; ++c) ok += clients->databricks().ListInstancePools().ok();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kCalls);
  // One TLS handshake per connection, and no more connections than concurrent callers.
  EXPECT_LE(ServiceCounter("databricks", "connections"), kThreads);
  EXPECT_EQ(ServiceCounter("entra", "connections"), 1);
  server_.reset();
  std::filesystem::remove_all(o.tls_dir);
}

TEST_F(ClientsTest, CancelEndsRetryWaitsPromptly) {
  auto clients = NewClients();
  ASSERT_TRUE(clients->databricks().ListInstancePools().ok());
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/token/list"}, {"action", "status"},
                                 {"status", 429}, {"headers", {{"Retry-After", "15"}}}}}));  // < the 20 s budget
  std::promise<void> waiting;
  std::once_flag once;
  log::SetLevel(log::Level::kDebug);
  log::SetSinkForTesting([&](std::string_view line) {
    if (line.find("\"retrying\"") != std::string_view::npos) std::call_once(once, [&] { waiting.set_value(); });
  });
  auto start = Clock::now();
  auto fut = std::async(std::launch::async, [&] { return clients->databricks().ListTokens(); });
  ASSERT_EQ(waiting.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  clients->Cancel();
  Status s = fut.get().status();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
  EXPECT_EQ(s.message().rfind("list tokens: cancelled", 0), 0u) << s.message();
  EXPECT_EQ(clients->databricks().CreateTokenSafely(60, "after stop").status().code(), StatusCode::kCancelled);
}

// Ctrl-C while an Entra token request hangs: the request changes nothing remote, so the stop
// aborts it as it does a read, rather than hold every RPC waiting on it until the timeout.
TEST_F(ClientsTest, CancelAbortsAnEntraTokenRequestInFlight) {
  auto clients = NewClients();
  Faults(nlohmann::json::array({{{"service", "entra"}, {"action", "delay"}, {"delay_ms", 20000}, {"count", 1}}}));
  std::future<void> sending = WhenSending("Entra ID token");
  auto start = Clock::now();
  auto fut = std::async(std::launch::async, [&] { return clients->databricks().ListTokens(); });
  ASSERT_EQ(sending.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  clients->Cancel();
  Status s = fut.get().status();
  log::SetSinkForTesting(nullptr);
  EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10)) << "waited for the 20 s reply";
}

// Ctrl-C while a token is being created: aborting the request would leave the token Databricks
// makes anyway alive and untracked, so the create runs to its answer and is returned.
TEST_F(ClientsTest, CancelLetsACreateInFlightFinish) {
  auto clients = NewClients();
  ASSERT_TRUE(clients->databricks().ListTokens().ok());
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"path", "/api/2.0/token/create"}, {"action", "delay"},
                                 {"delay_ms", 1500}}}));
  std::future<void> sending = WhenSending("create token");
  auto fut = std::async(std::launch::async, [&] { return clients->databricks().CreateTokenSafely(600, "in flight"); });
  ASSERT_EQ(sending.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  clients->Cancel();
  auto created = fut.get();
  log::SetSinkForTesting(nullptr);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto listed = clients->databricks().GetToken(created->info.token_id);
  EXPECT_EQ(listed.status().code(), StatusCode::kCancelled) << "later calls are still refused after the stop";
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/create", 200), 1);
}

// After a stop, CleanUp() still revokes (a token no state records must not outlive the run), on
// the access token already cached and, for a scope not cached, on one fetched anew.
TEST_F(ClientsTest, CleanUpRevokesAfterAStop) {
  auto clients = NewClients();
  auto created = clients->databricks().CreateTokenSafely(600, "left open");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  clients->Cancel();
  const std::string id = created->info.token_id;
  EXPECT_EQ(clients->databricks().DeleteToken(id).code(), StatusCode::kCancelled);
  EXPECT_TRUE(clients->CleanUp().DeleteToken(id).ok());
  EXPECT_EQ(RouteCount("databricks", "POST", "/api/2.0/token/delete", 200), 1);
  auto fresh = NewClients();
  fresh->Cancel();
  EXPECT_EQ(fresh->CleanUp().DeleteToken(id).code(), StatusCode::kNotFound) << "sent, with a token fetched anew";
}

TEST_F(ClientsTest, NoSecretInAnyLogLineOrErrorText) {
  std::mutex mu;
  std::vector<std::string> lines;
  log::SetLevel(log::Level::kTrace);
  log::SetSinkForTesting([&](std::string_view line) {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  });
  std::vector<std::string> secrets = {principal_.client_secret, server_->github_oidc_request_token()};
  std::vector<std::string> errors;
  auto note = [&](const Status& s) {
    if (!s.ok()) errors.push_back(s.ToString());
  };

  auto clients = NewClients();
  auto& db = clients->databricks();
  auto& kv = clients->keyvault();
  Faults(nlohmann::json::array({{{"service", "databricks"}, {"method", "POST"}, {"path", "/api/2.0/token/create"},
                                 {"action", "drop"}, {"phase", "after"}, {"count", 1}},
                                {{"service", "databricks"}, {"path", "/api/2.0/token/list"}, {"action", "status"},
                                 {"status", 503}, {"count", 1}}}));
  for (int i = 0; i < 2; ++i) {
    auto t = db.CreateTokenSafely(600, "leak-check");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    secrets.push_back(t->token_value.Reveal());
    note(kv.SetSecret(VaultUrl(), "pat-" + std::to_string(i),
                      keyvault::SetSecretParams{t->token_value, "text/plain", {}, std::nullopt, std::nullopt,
                                                std::nullopt})
             .status());
  }
  const std::string kv_value = "kv-known-secret-value-0451";
  secrets.push_back(kv_value);
  note(kv.SetSecret(VaultUrl(), "plain", keyvault::SetSecretParams{Secret(kv_value), std::nullopt, {}, std::nullopt,
                                                                    std::nullopt, std::nullopt})
           .status());
  auto got = kv.GetSecret(VaultUrl(), "plain");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->value.Reveal(), kv_value);
  note(kv.GetSecret(VaultUrl(), "bad_name").status());  // refused client-side
  note(kv.GetSecret(VaultUrl(), "missing").status());
  note(db.DeleteToken("0000"));
  for (const std::string& scope : {clients->cloud().DatabricksScope(), clients->cloud().KeyVaultScope()}) {
    secrets.push_back(clients->tokens().Token(scope)->token.Reveal());
  }
  // Rejected credentials: wrong secret, federated via GitHub Actions.
  auto wrong = Config();
  wrong.client_secret = Secret("wrong-secret-known-7731");
  secrets.push_back("wrong-secret-known-7731");
  note(NewClients(wrong)->databricks().ListTokens().status());
  auto gh = Config();
  gh.client_secret = Secret();
  gh.use_oidc = true;
  gh.oidc_request_url = server_->github_oidc_url();
  gh.oidc_request_token = Secret(server_->github_oidc_request_token());
  auto gh_clients = NewClients(gh);
  ASSERT_TRUE(gh_clients->databricks().ListTokens().ok());
  secrets.push_back(gh_clients->tokens().Token(clients->cloud().DatabricksScope())->token.Reveal());

  log::SetSinkForTesting(nullptr);
  ASSERT_EQ(errors.size(), 4u);
  ASSERT_GT(lines.size(), 20u);
  bool saw_request_line = false;
  for (const auto& line : lines) {
    saw_request_line |= line.find("request done") != std::string::npos;
    // Not even a redacted secret: nothing tried to log one.
    EXPECT_EQ(line.find("***"), std::string::npos) << line;
    for (const auto& s : secrets) EXPECT_EQ(line.find(s), std::string::npos) << "secret in log line: " << line;
  }
  EXPECT_TRUE(saw_request_line);
  for (const auto& e : errors) {
    for (const auto& s : secrets) EXPECT_EQ(e.find(s), std::string::npos) << "secret in error: " << e;
  }
}

}  // namespace
}  // namespace adbjit::clients
