// The base fixture of the resource end-to-end suites: an in-process emulator, a Workspace whose
// terraform runs point at it, API clients acting outside Terraform, and the plan/apply/state
// helpers every suite uses. Link adbjit_e2e_harness and adbjit_clients.
#ifndef ADBJIT_TESTS_E2E_EMULATOR_E2E_TEST_H_
#define ADBJIT_TESTS_E2E_EMULATOR_E2E_TEST_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/server.h"
#include "provider/clients/clients.h"
#include "tests/e2e/emulator_env.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/outside_clients.h"

namespace adbjit::e2e {

class EmulatorE2eTest : public ::testing::Test {
 protected:
  // Starts the emulator and points the workspace's environment at it. Call first in each test.
  void Start(emulator::Options options = {}) {
    emu_ = std::make_unique<emulator::Server>(std::move(options));
    ASSERT_TRUE(emu_->Start()) << emu_->error();
    ws_.SetEnv(EmulatorEnvironment(*emu_));
  }

  emulator::Server& emu() { return *emu_; }
  Workspace& ws() { return ws_; }

  // The emulator's Key Vault as a vault URL for HCL ("http://127.0.0.1:<port>/").
  std::string VaultUrl() const { return emu_->keyvault_url() + "/"; }

  // API clients for the default principal: a second actor, outside Terraform.
  clients::Clients& Outside() {
    if (outside_ == nullptr) outside_ = OutsideClients(*emu_);
    EXPECT_NE(outside_, nullptr) << "the outside clients could not be configured";
    return *outside_;
  }

  // The emulator's pools that are not deleted.
  nlohmann::json LivePools() const {
    nlohmann::json out = nlohmann::json::array();
    const nlohmann::json objects = emu_->Objects();  // the loop below must not outlive it
    for (const auto& p : objects["pools"]) {
      if (p.value("state", "") != "DELETED") out.push_back(p);
    }
    return out;
  }

  // Every secret the emulator holds (live, soft-deleted or purging).
  nlohmann::json Secrets() const {
    nlohmann::json objects = emu_->Objects();
    return objects["secrets"];
  }

  // The emulator's record of one secret (null JSON when it has none, in any phase).
  nlohmann::json SecretRecord(const std::string& name) const {
    for (const auto& s : Secrets()) {
      if (s.value("name", "") == name) return s;
    }
    return nullptr;
  }

  // `terraform destroy` succeeds and leaves nothing of the secret (deleted and purged).
  void ExpectDestroyRemovesSecret(const std::string& name) {
    CommandResult destroy = ws_.Destroy();
    ASSERT_TRUE(destroy.ok()) << destroy.Describe();
    EXPECT_TRUE(SecretRecord(name).is_null()) << SecretRecord(name).dump(2);
  }

  // The latest version of a secret, read outside Terraform (value included).
  keyvault::SecretBundle SecretBundle(const std::string& name) {
    auto bundle = Outside().keyvault().GetSecret(VaultUrl(), name);
    EXPECT_TRUE(bundle.ok()) << name << ": " << bundle.status().message();
    return bundle.ok() ? *bundle : keyvault::SecretBundle{};
  }
  std::string SecretValue(const std::string& name) { return SecretBundle(name).value.Reveal(); }

  // Requests one emulator service ("entra", "databricks", "keyvault") received so far.
  int Requests(const std::string& service) const {
    nlohmann::json counters = emu_->Counters();
    return counters["by_service"][service].value("requests", 0);
  }

  // Requests the emulator received on paths ending with `path_suffix` (e.g. "/token/create"),
  // only with `method` and only answered with `status` when those are given.
  int RouteRequests(const std::string& path_suffix, const std::string& method = "", int status = 0) const {
    nlohmann::json counters = emu_->Counters();
    int n = 0;
    for (const auto& r : counters["by_route"]) {
      if (!r.value("path", "").ends_with(path_suffix)) continue;
      if (!method.empty() && r.value("method", "") != method) continue;
      if (status != 0 && r.value("status", 0) != status) continue;
      n += r.value("count", 0);
    }
    return n;
  }

  // The 1-based line of the workspace's main.tf that contains `needle`, 0 when none does.
  int ConfigLine(const std::string& needle) const {
    std::istringstream in(ReadFileText(ws_.work_dir() / "main.tf"));
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.find(needle) != std::string::npos) return n;
    }
    return 0;
  }

  // `terraform show -json` values of one resource (null JSON, and a test failure, when absent).
  nlohmann::json State(const std::string& address) {
    auto show = ws_.ShowJson();
    EXPECT_TRUE(show.ok()) << show.status().message();
    if (!show.ok()) return nullptr;
    return ResourceValues(*show, address);
  }

  // `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes.
  CommandResult PlanDetailed(std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), "-detailed-exitcode");
    return ws_.Plan(extra);
  }

  // Expects `terraform plan -detailed-exitcode` to report no changes; `when` names the step.
  CommandResult ExpectNoChanges(const std::string& when) {
    CommandResult plan = PlanDetailed();
    EXPECT_EQ(plan.exit_code, 0) << "expected no changes " << when << "\n" << plan.Describe();
    EXPECT_THAT(plan.stdout_text, ::testing::HasSubstr("No changes")) << when;
    return plan;
  }

  // Runs apply and expects success.
  CommandResult MustApply(std::vector<std::string> extra = {}) {
    CommandResult r = ws_.Apply(std::move(extra));
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r;
  }

  std::unique_ptr<emulator::Server> emu_;
  Workspace ws_;
  std::unique_ptr<clients::Clients> outside_;
};

}  // namespace adbjit::e2e

#endif  // ADBJIT_TESTS_E2E_EMULATOR_E2E_TEST_H_
