// Shared fixture of the adbjit_instance_pool / adbjit_keyvault_binding end-to-end suites: an
// in-process emulator, a Workspace pointed at it, API clients acting "outside Terraform", and
// readers of the emulator's objects, counters and Terraform's diagnostics.
#ifndef ADBJIT_TESTS_E2E_POOL_BINDING_E2E_FIXTURE_H_
#define ADBJIT_TESTS_E2E_POOL_BINDING_E2E_FIXTURE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
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

// Matches plan output that marks `attribute` (or block) with "# forces replacement".
inline ::testing::Matcher<const std::string&> ForcesReplacementOf(const std::string& attribute) {
  return ::testing::MatchesRegex("(.|\n)*" + attribute + "[^\n]*# forces replacement(.|\n)*");
}

class PoolBindingE2eTest : public EmulatorE2eTest {
 protected:
  // Writes main.tf: the provider block (empty unless given) followed by `resources`.
  void Config(const std::string& resources, const std::string& provider_body = "") {
    ws_.WriteConfig("provider \"adbjit\" {\n" + provider_body + "\n}\n" + resources);
  }

  // The live pool with this name (null JSON when none).
  json PoolNamed(const std::string& name) const {
    for (const auto& p : LivePools()) {
      if (p.value("instance_pool_name", "") == name) return p;
    }
    return nullptr;
  }

  // Expects a diagnostic "Error: <summary>" in `output` that Terraform attributes to the config
  // line holding `line_needle` (so the provider named that attribute).
  void ExpectErrorAt(const std::string& output, const std::string& summary, const std::string& line_needle) {
    ExpectDiagnosticAt(output, "Error: " + summary, line_needle);
  }
  // The same for "Warning: <summary>".
  void ExpectWarningAt(const std::string& output, const std::string& summary, const std::string& line_needle) {
    ExpectDiagnosticAt(output, "Warning: " + summary, line_needle);
  }

  // Applies `resources` with the Key Vault PUT of `secret` carried out and then answered 403: the
  // version lands, but the apply fails and no state records it.
  void ApplyWhoseWriteLandsUnrecorded(const std::string& resources, const std::string& secret) {
    Config(resources);
    emu().SetFaults(json::array({{{"service", "keyvault"}, {"method", "PUT"}, {"path", "^/secrets/" + secret + "$"},
                                  {"action", "status"}, {"phase", "after"}, {"status", 403}, {"count", 1}}}));
    CommandResult cut = ws_.Apply();
    emu().ClearFaults();
    EXPECT_NE(cut.exit_code, 0) << cut.Describe();
  }

 private:
  // Any of the diagnostics with that heading (several resources can fail alike) will do.
  void ExpectDiagnosticAt(const std::string& output, const std::string& heading, const std::string& line_needle) {
    ASSERT_NE(output.find(heading), std::string::npos) << "no \"" << heading << "\" in\n" << output;
    const int line = ConfigLine(line_needle);
    ASSERT_GT(line, 0) << line_needle << " is not in main.tf";
    const std::string where = "main.tf line " + std::to_string(line) + ",";
    std::string blocks;
    for (size_t at = output.find(heading); at != std::string::npos; at = output.find(heading, at + 1)) {
      size_t end = std::min(output.find("Error: ", at + heading.size()), output.find("Warning: ", at + heading.size()));
      const std::string block = output.substr(at, end == std::string::npos ? std::string::npos : end - at);
      if (block.find(where) != std::string::npos) return;
      blocks += block;
    }
    ADD_FAILURE() << "no \"" << heading << "\" points at the line of " << line_needle << "\n" << blocks;
  }
};

}  // namespace adbjit::e2e

#endif  // ADBJIT_TESTS_E2E_POOL_BINDING_E2E_FIXTURE_H_
