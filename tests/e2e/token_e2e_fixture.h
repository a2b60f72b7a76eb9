// Shared fixture of the adbjit_token end-to-end suites: an in-process emulator, a Workspace pointed
// at it, an out-of-band API client (changes "outside Terraform") and readers of emulator objects.
#ifndef ADBJIT_TESTS_E2E_TOKEN_E2E_FIXTURE_H_
#define ADBJIT_TESTS_E2E_TOKEN_E2E_FIXTURE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "emulator/server.h"
#include "provider/clients/clients.h"
#include "tests/e2e/emulator_env.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/emulator_e2e_test.h"
#include "tests/e2e/outside_clients.h"

namespace adbjit::e2e {

using json = nlohmann::json;

// "2026-01-02T03:04:05Z": what the provider writes for creation_time / expiry_time.
inline bool IsRfc3339Utc(const json& v) {
  static const std::regex kRe(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$)");
  return v.is_string() && std::regex_match(v.get<std::string>(), kRe);
}

inline std::string Output(const CommandResult& r) { return r.stdout_text + r.stderr_text; }

class TokenE2eTest : public EmulatorE2eTest {
 protected:
  // Ids of the emulator's unexpired tokens.
  std::set<std::string> LiveTokenIds() const {
    std::set<std::string> ids;
    const json objects = emu_->Objects();  // the loop below must not outlive it
    for (const auto& t : objects["tokens"]) {
      if (!t.value("expired", false)) ids.insert(t["token_id"].get<std::string>());
    }
    return ids;
  }

  // The emulator serving HTTPS (trusted through SSL_CERT_FILE) and no DATABRICKS_HOST, for tests
  // in which the configuration says how to find the workspace.
  void StartWithTlsAndNoHostInTheEnvironment() {
    emulator::Options options;
    options.tls_dir = (ws().root() / "tls").string();
    ASSERT_NO_FATAL_FAILURE(Start(std::move(options)));
    ws().SetEnv("SSL_CERT_FILE", emu().ca_file());
    ws().UnsetEnv("DATABRICKS_HOST");
  }
};

}  // namespace adbjit::e2e

#endif  // ADBJIT_TESTS_E2E_TOKEN_E2E_FIXTURE_H_
