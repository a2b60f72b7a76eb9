// The ClientsConfig that points at an in-process emulator and authenticates as one of its
// principals with a client secret. Retry and timeout settings are left to the caller.
#ifndef ADBJIT_CLIENTS_TESTING_EMULATOR_CONFIG_H_
#define ADBJIT_CLIENTS_TESTING_EMULATOR_CONFIG_H_

#include "emulator/server.h"
#include "provider/clients/clients.h"
#include "provider/util/secret.h"

namespace adbjit::testing {

// `principal` defaults to the emulator's default principal.
inline clients::ClientsConfig EmulatorClientsConfig(const emulator::Server& emu,
                                                    const emulator::Principal& principal = {}) {
  clients::ClientsConfig c;
  c.host = emu.databricks_url();
  c.authority_host = emu.entra_url();
  c.resource_manager_url = emu.resource_manager_url();
  c.tenant_id = principal.tenant_id;
  c.client_id = principal.client_id;
  c.client_secret = Secret(principal.client_secret);
  return c;
}

}  // namespace adbjit::testing

#endif  // ADBJIT_CLIENTS_TESTING_EMULATOR_CONFIG_H_
