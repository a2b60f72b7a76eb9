// Environment variables that point the provider at the emulator.
#include "tests/e2e/emulator_env.h"

namespace adbjit::e2e {

testing::Environment EmulatorEnvironment(const emulator::Server& server, const emulator::Principal& principal) {
  return {
      {"DATABRICKS_HOST", server.databricks_url()},
      {"AZURE_AUTHORITY_HOST", server.entra_url()},
      {"ADBJIT_RESOURCE_MANAGER_URL", server.resource_manager_url()},
      {"ARM_TENANT_ID", principal.tenant_id},
      {"ARM_CLIENT_ID", principal.client_id},
      {"ARM_CLIENT_SECRET", principal.client_secret},
  };
}

}  // namespace adbjit::e2e
