// The end-to-end harness: runs the real terraform CLI against the built provider binary in a
// fresh temporary directory per test, the way a user would.
//
//   e2e::Workspace ws;                       // temp dir + CLI config with dev_overrides
//   ws.WriteConfig(R"(provider "adbjit" { http_timeout_seconds = 0 })");
//   e2e::CommandResult r = ws.Plan();
//   EXPECT_NE(r.exit_code, 0);
//   EXPECT_THAT(r.stderr_text, HasSubstr("http_timeout_seconds"));
//
// Each Workspace owns <tmp>/adbjit-e2e-XXXXXX with `work/` (the Terraform working directory,
// where .tf files go), `cli.tfrc` (the CLI config), and for the mirror modes `mirror/`. Commands
// run with a controlled environment: the test process's environment minus anything that could
// leak into the run (TF_*, ARM_*, DATABRICKS_*, AZURE_*, ACTIONS_ID_TOKEN_*), plus
// TF_IN_AUTOMATION=1, CHECKPOINT_DISABLE=1, TF_CLI_CONFIG_FILE and whatever SetEnv() added (e.g.
// the emulator's URLs). Every command has a hard timeout that kills its process group. The
// directory is removed on destruction unless ADBJIT_E2E_KEEP=1.
#ifndef ADBJIT_TESTS_E2E_HARNESS_H_
#define ADBJIT_TESTS_E2E_HARNESS_H_

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider/util/status.h"
#include "tests/support/subprocess.h"

namespace adbjit::e2e {

// Where the built provider binary lives (a compile definition from CMake).
std::filesystem::path ProviderBinaryDir();
std::filesystem::path TerraformBinary();  // $ADBJIT_TERRAFORM, else /usr/local/bin/terraform, else PATH

// The whole file as bytes ("" when it cannot be read).
std::string ReadFileText(const std::filesystem::path& path);
// `text` with every run of whitespace turned into one space: Terraform wraps diagnostic details.
std::string Squashed(const std::string& text);

// How Terraform finds the provider.
enum class Install {
  kDevOverrides,      // dev_overrides: no `terraform init` needed (nor possible offline)
  kFilesystemMirror,  // an unpacked filesystem_mirror with a copy of the binary: run Init() first
  // Only with a release zip (the Workspace constructor taking one): the zip itself in the packed
  // layout, MIRROR/registry.terraform.io/adbjit/adbjit/<zip name>. Run Init() first.
  kFilesystemMirrorPacked,
};

struct CommandResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
  std::chrono::milliseconds duration{0};
  std::string command;  // for messages
  // "terraform plan exited 1 after 812 ms\n--- stdout ---\n...\n--- stderr ---\n..."
  std::string Describe() const;
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// The block every configuration needs so that `adbjit` resolves to adbjit/adbjit.
inline constexpr char kRequiredProviders[] =
    "terraform {\n  required_providers {\n    adbjit = {\n      source = \"adbjit/adbjit\"\n    }\n  }\n}\n";

class Workspace {
 public:
  explicit Workspace(Install install = Install::kDevOverrides);
  // A filesystem mirror holding a release zip (terraform-provider-adbjit_<V>_linux_amd64.zip)
  // instead of the built binary: kFilesystemMirrorPacked copies the zip into the mirror as is,
  // kFilesystemMirror extracts it (with `unzip`, keeping modes) into <V>/linux_amd64/. The
  // version is read from the zip's name. Aborts when the zip cannot be installed.
  Workspace(Install install, const std::filesystem::path& release_zip);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::filesystem::path& root() const { return root_; }
  const std::filesystem::path& work_dir() const { return work_dir_; }
  const std::filesystem::path& cli_config() const { return cli_config_; }
  std::filesystem::path mirror_dir() const { return root_ / "mirror"; }

  // Writes `work/main.tf` = kRequiredProviders + hcl.
  void WriteConfig(const std::string& hcl);
  // Writes any file relative to work/ (creating directories).
  void WriteFile(const std::string& relative_path, const std::string& content);

  // Environment of the commands that follow.
  void SetEnv(const std::string& name, const std::string& value);
  void SetEnv(const testing::Environment& vars);
  void UnsetEnv(const std::string& name);
  const testing::Environment& env() const { return env_; }

  // Runs `terraform <args...>` in work/. Commands known to accept it get -no-color appended
  // right after the subcommand.
  CommandResult Terraform(std::vector<std::string> args,
                          std::chrono::milliseconds timeout = std::chrono::seconds(180)) const;

  CommandResult Init() const { return Terraform({"init", "-input=false"}); }
  CommandResult Validate() const { return Terraform({"validate"}); }
  CommandResult Plan(std::vector<std::string> extra = {}) const;
  CommandResult Apply(std::vector<std::string> extra = {}) const;    // -auto-approve -input=false
  CommandResult Destroy(std::vector<std::string> extra = {}) const;  // -auto-approve -input=false

  // `terraform show -json` (the state) and `terraform providers schema -json`, parsed.
  StatusOr<nlohmann::json> ShowJson() const;
  StatusOr<nlohmann::json> ProvidersSchemaJson() const;

 private:
  // Creates root_, work_dir_ and cli_config_ paths and the directories.
  void MakeRoot();
  // Writes the CLI config with a filesystem_mirror for adbjit/* at mirror_dir().
  void WriteMirrorCliConfig();

  std::filesystem::path root_;
  std::filesystem::path work_dir_;
  std::filesystem::path cli_config_;
  testing::Environment env_;
};

// The state's resources from `terraform show -json` output: values of the root module's
// resource with address `address` ("adbjit_token.t"), or nullptr JSON when absent.
nlohmann::json ResourceValues(const nlohmann::json& show, const std::string& address);

// Counts non-overlapping occurrences of `needle` in `haystack`.
int CountOccurrences(const std::string& haystack, const std::string& needle);

}  // namespace adbjit::e2e

#endif  // ADBJIT_TESTS_E2E_HARNESS_H_
