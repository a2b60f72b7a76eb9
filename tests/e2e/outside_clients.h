// API clients for an emulator principal: a second actor outside Terraform, for tests that change
// or inspect remote objects behind Terraform's back. Header-only; link adbjit_clients.
#ifndef ADBJIT_TESTS_E2E_OUTSIDE_CLIENTS_H_
#define ADBJIT_TESTS_E2E_OUTSIDE_CLIENTS_H_

#include <memory>

#include "emulator/server.h"
#include "provider/clients/clients.h"
#include "provider/clients/testing/emulator_config.h"

namespace adbjit::e2e {

// Clients that authenticate as `principal` (the emulator's default one unless given), with short
// retry settings so that a test waits little. Null (and a test failure recorded by the caller's
// ASSERT) only if the configuration is refused, which would be a bug in this helper.
inline std::unique_ptr<clients::Clients> OutsideClients(const emulator::Server& emu,
                                                        const emulator::Principal& principal = {}) {
  clients::ClientsConfig c = adbjit::testing::EmulatorClientsConfig(emu, principal);
  c.retry_timeout_seconds = 10;
  c.retry_initial_backoff_ms = 10;
  c.retry_max_backoff_ms = 100;
  auto made = clients::Clients::Create(c);
  if (!made.ok()) return nullptr;
  return std::move(made).value();
}

}  // namespace adbjit::e2e

#endif  // ADBJIT_TESTS_E2E_OUTSIDE_CLIENTS_H_
