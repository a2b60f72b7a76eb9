// Every example folder (the registry-layout snippets and the runnable scenarios) passes
// `terraform validate` against the built provider.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/e2e/harness.h"

namespace adbjit::e2e {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ExampleDirs() {
  std::vector<std::string> dirs;
  fs::path root = fs::path(ADBJIT_SOURCE_DIR) / "examples";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".tf") continue;
    std::string rel = fs::relative(entry.path().parent_path(), root).string();
    if (std::find(dirs.begin(), dirs.end(), rel) == dirs.end()) dirs.push_back(rel);
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

class ExamplesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExamplesTest, Validates) {
  fs::path dir = fs::path(ADBJIT_SOURCE_DIR) / "examples" / GetParam();
  Workspace ws;
  bool declares_providers = false;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".tf") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find("required_providers") != std::string::npos) declares_providers = true;
    ws.WriteFile(entry.path().filename().string(), ss.str());
  }
  if (!declares_providers) ws.WriteFile("versions.tf", kRequiredProviders);
  CommandResult r = ws.Validate();
  EXPECT_TRUE(r.ok()) << r.Describe();
  EXPECT_THAT(r.stdout_text, ::testing::HasSubstr("The configuration is valid"));
}

INSTANTIATE_TEST_SUITE_P(AllExamples, ExamplesTest, ::testing::ValuesIn(ExampleDirs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(ExamplesInventoryTest, RegistryLayoutIsComplete) {
  auto dirs = ExampleDirs();
  for (const char* want : {"provider", "resources/adbjit_token", "resources/adbjit_instance_pool",
                           "resources/adbjit_keyvault_binding", "ephemeral-resources/adbjit_token",
                           "data-sources/adbjit_tokens", "quickstart"}) {
    EXPECT_NE(std::find(dirs.begin(), dirs.end(), want), dirs.end()) << want;
  }
}

}  // namespace
}  // namespace adbjit::e2e
