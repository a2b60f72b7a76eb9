// Test fixture: an in-process emulator on loopback ports plus Clients wired to it.
#ifndef ADBJIT_CLIENTS_TESTING_EMULATOR_FIXTURE_H_
#define ADBJIT_CLIENTS_TESTING_EMULATOR_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

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

  emulator::Principal principal_;
  std::unique_ptr<emulator::Server> server_;
};

}  // namespace adbjit::testing

#endif  // ADBJIT_CLIENTS_TESTING_EMULATOR_FIXTURE_H_
