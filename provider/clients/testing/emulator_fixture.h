// Test fixture: an in-process emulator on loopback ports plus Clients wired to it.
#ifndef ADBJIT_CLIENTS_TESTING_EMULATOR_FIXTURE_H_
#define ADBJIT_CLIENTS_TESTING_EMULATOR_FIXTURE_H_

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "emulator/server.h"
#include "provider/clients/clients.h"
#include "provider/clients/testing/emulator_config.h"
#include "provider/util/log.h"

namespace adbjit::testing {

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override { Restart(emulator::Options{}); }
  void TearDown() override {
    log::SetSinkForTesting(nullptr);
    log::SetLevel(log::Level::kOff);
  }

  // (Re)starts the emulator with `options`.
  void Restart(emulator::Options options) {
    server_.reset();
    server_ = std::make_unique<emulator::Server>(std::move(options));
    ASSERT_TRUE(server_->Start()) << server_->error();
  }

  // A client-secret configuration for the default principal, with fast backoff.
  clients::ClientsConfig Config() const {
    clients::ClientsConfig c = EmulatorClientsConfig(*server_, principal_);
    c.http_timeout_seconds = 10;
    c.retry_timeout_seconds = 20;
    c.retry_initial_backoff_ms = 50;
    c.retry_max_backoff_ms = 400;
    return c;
  }

  std::unique_ptr<clients::Clients> NewClients(clients::ClientsConfig c) {
    auto made = clients::Clients::Create(std::move(c));
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? std::move(made).value() : nullptr;
  }
  std::unique_ptr<clients::Clients> NewClients() { return NewClients(Config()); }

  std::string VaultUrl() const { return server_->keyvault_url(); }

  // Ids of the tokens the emulator holds as live (unexpired, unrevoked).
  std::set<std::string> LiveTokenIds() const {
    std::set<std::string> ids;
    const nlohmann::json objects = server_->Objects();
    for (const auto& t : objects["tokens"]) {
      if (!t.value("expired", false)) ids.insert(t.value("token_id", ""));
    }
    return ids;
  }
  // Instance pools the emulator holds that are not deleted.
  int LivePools() const {
    int n = 0;
    const nlohmann::json objects = server_->Objects();
    for (const auto& p : objects["pools"]) n += p.value("state", "") != "DELETED";
    return n;
  }

  void Faults(const nlohmann::json& rules) { server_->SetFaults(rules); }

  // Requests the emulator answered on (service, method, path) with `status` (-1 = any).
  int64_t RouteCount(const std::string& service, const std::string& method, const std::string& path,
                     int status = -1) const {
    int64_t n = 0;
    const nlohmann::json counters = server_->Counters();
    for (const auto& r : counters["by_route"]) {
      if (r.value("service", "") == service && r.value("method", "") == method && r.value("path", "") == path &&
          (status < 0 || r.value("status", 0) == status)) {
        n += r.value("count", int64_t{0});
      }
    }
    return n;
  }
  int64_t ServiceCounter(const std::string& service, const std::string& counter) const {
    const nlohmann::json counters = server_->Counters();
    return counters["by_service"][service].value(counter, int64_t{0});
  }
  int64_t EntraTokenRequests() const {
    return RouteCount("entra", "POST", "/" + principal_.tenant_id + "/oauth2/v2.0/token");
  }

  // Ready once the transport has put a request whose operation contains `operation` on the wire
  // (its trace line), so that a test can act while the request is in flight. One per test; it
  // takes the log sink.
  std::future<void> WhenSending(std::string operation) {
    log::SetLevel(log::Level::kTrace);
    log::SetSinkForTesting([this, operation = std::move(operation)](std::string_view line) {
      if (line.find("sending request") != std::string_view::npos && line.find(operation) != std::string_view::npos) {
        std::call_once(sending_once_, [this] { sending_.set_value(); });
      }
    });
    return sending_.get_future();
  }

  emulator::Principal principal_;
  std::unique_ptr<emulator::Server> server_;

 private:
  std::promise<void> sending_;
  std::once_flag sending_once_;
};

}  // namespace adbjit::testing

#endif  // ADBJIT_CLIENTS_TESTING_EMULATOR_FIXTURE_H_
