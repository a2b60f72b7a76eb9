// Pointing a Workspace at the in-process emulator (emulator/server.h): the provider's environment
// fallbacks (shared/spec/interface.md) filled with the emulator's URLs and a principal's
// credentials, so a test can write `provider "adbjit" {}` and run against it.
//
//   emulator::Server emu;
//   ASSERT_TRUE(emu.Start()) << emu.error();
//   e2e::Workspace ws;
//   ws.SetEnv(e2e::EmulatorEnvironment(emu));
#ifndef ADBJIT_TESTS_E2E_EMULATOR_ENV_H_
#define ADBJIT_TESTS_E2E_EMULATOR_ENV_H_

#include "emulator/server.h"
#include "tests/support/subprocess.h"

namespace adbjit::e2e {

// DATABRICKS_HOST, AZURE_AUTHORITY_HOST, ADBJIT_RESOURCE_MANAGER_URL, ARM_TENANT_ID, ARM_CLIENT_ID,
// ARM_CLIENT_SECRET.
testing::Environment EmulatorEnvironment(const emulator::Server& server,
                                         const emulator::Principal& principal = emulator::Principal{});

}  // namespace adbjit::e2e

#endif  // ADBJIT_TESTS_E2E_EMULATOR_ENV_H_
