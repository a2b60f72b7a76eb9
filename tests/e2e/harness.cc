// The end-to-end harness: temp workspaces, CLI configs, and running terraform.
#include "tests/e2e/harness.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace adbjit::e2e {
namespace {

namespace fs = std::filesystem;

bool HasPrefix(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

testing::Environment HermeticEnvironment() {
  testing::Environment env = testing::CurrentEnvironment();
  for (auto it = env.begin(); it != env.end();) {
    const std::string& k = it->first;
    bool drop = HasPrefix(k, "TF_") || HasPrefix(k, "ARM_") || HasPrefix(k, "DATABRICKS_") ||
                HasPrefix(k, "AZURE_") || HasPrefix(k, "ACTIONS_ID_TOKEN_") || HasPrefix(k, "PLUGIN_") ||
                k == "CHECKPOINT_DISABLE";
    it = drop ? env.erase(it) : std::next(it);
  }
  env["TF_IN_AUTOMATION"] = "1";
  env["CHECKPOINT_DISABLE"] = "1";
  return env;
}

void WriteText(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// HCL string literal (paths never contain quotes in practice; escape anyway).
std::string HclString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const std::set<std::string>& NoColorCommands() {
  static const std::set<std::string> kCommands = {"init",    "validate", "plan",  "apply",  "destroy", "show",
                                                  "refresh", "import",   "output", "console", "fmt"};
  return kCommands;
}

}  // namespace

fs::path ProviderBinaryDir() { return ADBJIT_PROVIDER_BINARY_DIR; }

fs::path TerraformBinary() {
  if (const char* t = std::getenv("ADBJIT_TERRAFORM"); t != nullptr && *t != '\0') return t;
  if (access("/usr/local/bin/terraform", X_OK) == 0) return "/usr/local/bin/terraform";
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    size_t start = 0;
    while (start <= p.size()) {
      size_t colon = p.find(':', start);
      std::string dir = p.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      fs::path candidate = fs::path(dir) / "terraform";
      if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  return "terraform";
}

std::string CommandResult::Describe() const {
  std::string s = command + (timed_out ? " timed out" : " exited " + std::to_string(exit_code)) + " after " +
                  std::to_string(duration.count()) + " ms\n--- stdout ---\n" + stdout_text +
                  "\n--- stderr ---\n" + stderr_text;
  return s;
}

Workspace::Workspace(Install install) : env_(HermeticEnvironment()) {
  if (install == Install::kFilesystemMirrorPacked) std::abort();  // needs a release zip
  MakeRoot();
  if (install == Install::kDevOverrides) {
    WriteText(cli_config_, "provider_installation {\n  dev_overrides {\n    \"adbjit/adbjit\" = " +
                               HclString(ProviderBinaryDir().string()) + "\n  }\n}\n");
    return;
  }
  const std::string version = ADBJIT_PROJECT_VERSION;
  const fs::path package = mirror_dir() / "registry.terraform.io/adbjit/adbjit" / version / "linux_amd64";
  fs::create_directories(package);
  const fs::path target = package / ("terraform-provider-adbjit_v" + version);
  fs::copy_file(ProviderBinaryDir() / "terraform-provider-adbjit", target, fs::copy_options::overwrite_existing);
  fs::permissions(target, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  WriteMirrorCliConfig();
}

Workspace::Workspace(Install install, const fs::path& release_zip) : env_(HermeticEnvironment()) {
  // terraform-provider-adbjit_<version>_linux_amd64.zip
  static const std::regex kZipName(R"(terraform-provider-adbjit_([0-9][^_]*)_linux_amd64\.zip)");
  std::smatch m;
  const std::string name = release_zip.filename().string();
  if (install == Install::kDevOverrides || !std::regex_match(name, m, kZipName) || !fs::is_regular_file(release_zip)) {
    std::fprintf(stderr, "Workspace: not a release zip: %s\n", release_zip.c_str());
    std::abort();
  }
  MakeRoot();
  const fs::path provider_dir = mirror_dir() / "registry.terraform.io/adbjit/adbjit";
  if (install == Install::kFilesystemMirrorPacked) {
    fs::create_directories(provider_dir);
    fs::copy_file(release_zip, provider_dir / name);
  } else {
    const fs::path package = provider_dir / m[1].str() / "linux_amd64";
    fs::create_directories(package);
    testing::RunResult r = testing::Run(
        testing::SpawnOptions{.argv = {"/usr/bin/unzip", "-q", release_zip.string(), "-d", package.string()},
                              .env = env_},
        std::chrono::seconds(60));
    if (r.exit_code != 0) {
      std::fprintf(stderr, "Workspace: unzip %s failed: %s\n", release_zip.c_str(), r.stderr_text.c_str());
      std::abort();
    }
  }
  WriteMirrorCliConfig();
}

void Workspace::MakeRoot() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/adbjit-e2e-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  root_ = tmpl;
  work_dir_ = root_ / "work";
  cli_config_ = root_ / "cli.tfrc";
  fs::create_directories(work_dir_);
  env_["TF_CLI_CONFIG_FILE"] = cli_config_.string();
}

void Workspace::WriteMirrorCliConfig() {
  WriteText(cli_config_, "provider_installation {\n  filesystem_mirror {\n    path    = " +
                             HclString(mirror_dir().string()) +
                             "\n    include = [\"registry.terraform.io/adbjit/*\"]\n  }\n  direct {\n    exclude = "
                             "[\"registry.terraform.io/adbjit/*\"]\n  }\n}\n");
}

Workspace::~Workspace() {
  const char* keep = std::getenv("ADBJIT_E2E_KEEP");
  if (keep != nullptr && std::string(keep) == "1") return;
  std::error_code ec;
  fs::remove_all(root_, ec);
}

void Workspace::WriteConfig(const std::string& hcl) { WriteFile("main.tf", std::string(kRequiredProviders) + hcl); }

void Workspace::WriteFile(const std::string& relative_path, const std::string& content) {
  WriteText(work_dir_ / relative_path, content);
}

void Workspace::SetEnv(const std::string& name, const std::string& value) { env_[name] = value; }
void Workspace::SetEnv(const testing::Environment& vars) {
  for (const auto& [k, v] : vars) env_[k] = v;
}
void Workspace::UnsetEnv(const std::string& name) { env_.erase(name); }

CommandResult Workspace::Terraform(std::vector<std::string> args, std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv = {TerraformBinary().string()};
  for (size_t i = 0; i < args.size(); ++i) {
    argv.push_back(args[i]);
    if (i == 0 && NoColorCommands().count(args[0])) argv.push_back("-no-color");
  }
  testing::RunResult r = testing::Run(testing::SpawnOptions{.argv = argv, .env = env_, .cwd = work_dir_.string()},
                                      timeout);
  CommandResult out;
  out.exit_code = r.exit_code;
  out.timed_out = r.timed_out;
  out.stdout_text = std::move(r.stdout_text);
  out.stderr_text = std::move(r.stderr_text);
  out.duration = r.duration;
  out.command = "terraform";
  for (const auto& a : args) out.command += " " + a;
  return out;
}

CommandResult Workspace::Plan(std::vector<std::string> extra) const {
  std::vector<std::string> args = {"plan", "-input=false"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Terraform(args);
}

CommandResult Workspace::Apply(std::vector<std::string> extra) const {
  std::vector<std::string> args = {"apply", "-auto-approve", "-input=false"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Terraform(args);
}

CommandResult Workspace::Destroy(std::vector<std::string> extra) const {
  std::vector<std::string> args = {"destroy", "-auto-approve", "-input=false"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Terraform(args);
}

namespace {
StatusOr<nlohmann::json> ParseJsonOutput(const CommandResult& r) {
  if (!r.ok()) return InternalError(r.Describe());
  auto j = nlohmann::json::parse(r.stdout_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InternalError("not JSON: " + r.Describe());
  return j;
}
}  // namespace

StatusOr<nlohmann::json> Workspace::ShowJson() const { return ParseJsonOutput(Terraform({"show", "-json"})); }

StatusOr<nlohmann::json> Workspace::ProvidersSchemaJson() const {
  return ParseJsonOutput(Terraform({"providers", "schema", "-json"}));
}

nlohmann::json ResourceValues(const nlohmann::json& show, const std::string& address) {
  const auto* resources = show.contains("values") && show["values"].contains("root_module") &&
                                  show["values"]["root_module"].contains("resources")
                              ? &show["values"]["root_module"]["resources"]
                              : nullptr;
  if (resources == nullptr) return nullptr;
  for (const auto& r : *resources) {
    if (r.value("address", "") == address) return r.value("values", nlohmann::json());
  }
  return nullptr;
}

int CountOccurrences(const std::string& haystack, const std::string& needle) {
  if (needle.empty()) return 0;
  int n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

std::string ReadFileText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Squashed(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space) {
      out.push_back(c);
    } else if (out.empty() || out.back() != ' ') {
      out.push_back(' ');
    }
  }
  return out;
}

}  // namespace adbjit::e2e
