// The release zip as a user gets it: its checksum file and layout, `--version` of the packaged
// binary, and `terraform init` from a filesystem mirror (packed and unpacked) with no network,
// followed by a plan against the in-process emulator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "emulator/server.h"
#include "provider/util/digest.h"
#include "tests/e2e/emulator_env.h"
#include "tests/e2e/harness.h"
#include "tests/support/subprocess.h"

namespace adbjit::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kVersion[] = ADBJIT_PROJECT_VERSION;
constexpr char kZip[] = ADBJIT_RELEASE_ZIP;
constexpr char kSums[] = ADBJIT_RELEASE_SHA256SUMS;
constexpr char kExeName[] = "terraform-provider-adbjit_v" ADBJIT_PROJECT_VERSION;

std::string Base64(const std::string& bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    for (int shift : {18, 12, 6}) out += kAlphabet[(v >> shift) & 63];
    out += "=";
  }
  return out;
}

std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// Terraform's "h1:" package hash of a directory: SHA-256 over the sorted lines
// "<sha256 hex of file>  <relative path>\n", base64-encoded.
std::string PackageHashV1(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) names.push_back(fs::relative(entry.path(), dir).generic_string());
  }
  std::sort(names.begin(), names.end());
  std::string summary;
  for (const auto& name : names) summary += Sha256Hex(ReadFileText(dir / name)) + "  " + name + "\n";
  return "h1:" + Base64(HexToBytes(Sha256Hex(summary)));
}

testing::RunResult RunTool(std::vector<std::string> argv, std::string cwd = "") {
  return testing::Run(testing::SpawnOptions{.argv = std::move(argv), .env = testing::CurrentEnvironment(),
                                            .cwd = std::move(cwd)},
                      std::chrono::seconds(60));
}

// A scratch directory holding the extracted release zip, removed at the end of the test.
class Extracted {
 public:
  Extracted() {
    std::string tmpl = (fs::temp_directory_path() / "adbjit-release-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;
  }
  ~Extracted() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }
  testing::RunResult Unzip() const { return RunTool({"/usr/bin/unzip", "-q", kZip, "-d", dir_.string()}); }

 private:
  fs::path dir_;
};

TEST(ReleasePackageTest, Sha256SumsListsTheZipWithItsDigest) {
  ASSERT_TRUE(fs::is_regular_file(kZip)) << kZip;
  ASSERT_TRUE(fs::is_regular_file(kSums)) << kSums;
  const std::string zip_name = fs::path(kZip).filename().string();
  EXPECT_EQ(zip_name, std::string("terraform-provider-adbjit_") + kVersion + "_linux_amd64.zip");
  EXPECT_EQ(fs::path(kSums).filename().string(), std::string("terraform-provider-adbjit_") + kVersion + "_SHA256SUMS");
  // Registry format: "<64 hex>  <file name>\n" per artifact; this release has one.
  EXPECT_EQ(ReadFileText(kSums), Sha256Hex(ReadFileText(kZip)) + "  " + zip_name + "\n");
}

TEST(ReleasePackageTest, ZipHoldsTheExecutableAtTopLevelWithItsExecBit) {
  // zipinfo lines: "-rwxr-xr-x  3.0 unx  123 bx defN 20-Jan-01 00:00 name".
  testing::RunResult r = RunTool({"/usr/bin/unzip", "-Z", kZip});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  static const std::regex kEntry(R"(^([-dl][-rwxsStT]{9})\s.*\s(\S+)$)");
  std::istringstream lines(r.stdout_text);
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, kEntry)) continue;
    const std::string mode = m[1].str();
    const std::string name = m[2].str();
    names.push_back(name);
    EXPECT_EQ(name.find('/'), std::string::npos) << "not at the top level: " << name;
    if (name == kExeName) {
      EXPECT_EQ(mode, "-rwxr-xr-x") << line;
    } else {
      // Anything else is a bundled shared library, named by its soname.
      EXPECT_THAT(name, ::testing::MatchesRegex(R"(lib[-_.+A-Za-z0-9]+\.so\.[0-9.]+)"));
      EXPECT_EQ(mode, "-rw-r--r--") << line;
    }
  }
  ASSERT_FALSE(names.empty()) << r.stdout_text;
  EXPECT_EQ(names.front(), kExeName) << "Terraform runs the first file named terraform-provider-adbjit*";
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& n) { return n.rfind("terraform-provider-adbjit", 0) == 0; }),
            1);
}

TEST(ReleasePackageTest, PackagedBinaryReportsVersionProtocolAndPortableBuild) {
  Extracted x;
  ASSERT_FALSE(x.dir().empty());
  testing::RunResult unzip = x.Unzip();
  ASSERT_EQ(unzip.exit_code, 0) << unzip.stderr_text;
  testing::RunResult r = RunTool({(x.dir() / kExeName).string(), "--version"});
  ASSERT_EQ(r.exit_code, 0) << r.stdout_text << r.stderr_text;
  EXPECT_EQ(r.stdout_text.rfind(std::string("terraform-provider-adbjit ") + kVersion + "\n", 0), 0u) << r.stdout_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("plugin protocol 6.8"));
  EXPECT_THAT(r.stdout_text, HasSubstr("provider address registry.terraform.io/adbjit/adbjit"));
  EXPECT_THAT(r.stdout_text, HasSubstr("platform linux_amd64"));
  EXPECT_THAT(r.stdout_text, HasSubstr("build type Release"));
  EXPECT_THAT(r.stdout_text, HasSubstr("linkage portable (static gRPC, protobuf"));
  EXPECT_THAT(r.stdout_text, HasSubstr("gRPC 1."));
}

// The unshare(1) prefix that gives a command a network namespace of its own (nothing but a
// loopback interface that is down): a plain one where we may (root with CAP_SYS_ADMIN), else a
// user namespace. Empty, with the reasons in `why`, when neither works here.
std::vector<std::string> NoNetworkPrefix(std::string* why) {
  for (std::vector<std::string> prefix : {std::vector<std::string>{"/usr/bin/unshare", "--net", "--"},
                                          std::vector<std::string>{"/usr/bin/unshare", "--map-root-user", "--net", "--"}}) {
    std::vector<std::string> probe = prefix;
    probe.push_back("/bin/true");
    testing::RunResult r = RunTool(probe);
    if (r.exit_code == 0) return prefix;
    *why += prefix[1] + ": " + r.stderr_text;
  }
  return {};
}

// `terraform init` without any network, so any registry request would fail the command.
CommandResult InitWithoutNetwork(const Workspace& ws) {
  CommandResult out;
  out.command = "unshare --net terraform init";
  std::string why;
  std::vector<std::string> argv = NoNetworkPrefix(&why);
  if (argv.empty()) {
    out.stderr_text = "cannot run without network (unshare): " + why;
    return out;
  }
  for (const std::string& a : {TerraformBinary().string(), std::string("init"), std::string("-input=false"),
                              std::string("-no-color")}) {
    argv.push_back(a);
  }
  testing::RunResult r = testing::Run(
      testing::SpawnOptions{.argv = argv, .env = ws.env(), .cwd = ws.work_dir().string()}, std::chrono::seconds(180));
  out.exit_code = r.exit_code;
  out.timed_out = r.timed_out;
  out.stdout_text = std::move(r.stdout_text);
  out.stderr_text = std::move(r.stderr_text);
  out.duration = r.duration;
  return out;
}

constexpr char kConfig[] = R"(
provider "adbjit" {}

# Read during plan: the packaged binary talks to the emulator through its bundled libcurl.
data "adbjit_tokens" "existing" {}

resource "adbjit_token" "release" {
  comment          = "installed from the release zip"
  lifetime_seconds = 3600
}

output "existing_tokens" {
  value = length(data.adbjit_tokens.existing.tokens)
}
)";

class ReleaseMirrorTest : public ::testing::TestWithParam<Install> {};

TEST_P(ReleaseMirrorTest, InitInstallsTheZipOfflineAndPlanRunsAgainstTheEmulator) {
  Workspace ws(GetParam(), kZip);
  ws.WriteConfig(kConfig);

  CommandResult init = InitWithoutNetwork(ws);
  ASSERT_TRUE(init.ok()) << init.Describe();
  const std::string installed = std::string("Installed adbjit/adbjit v") + kVersion + " (unauthenticated)";
  EXPECT_THAT(init.stdout_text, HasSubstr(installed)) << init.Describe();

  // The lock file records the version and the h1: hash of exactly the zip's contents.
  Extracted x;
  ASSERT_FALSE(x.dir().empty());
  testing::RunResult unzip = x.Unzip();
  ASSERT_EQ(unzip.exit_code, 0) << unzip.stderr_text;
  const std::string lock = ReadFileText(ws.work_dir() / ".terraform.lock.hcl");
  EXPECT_THAT(lock, HasSubstr("provider \"registry.terraform.io/adbjit/adbjit\" {"));
  EXPECT_THAT(lock, HasSubstr(std::string("version = \"") + kVersion + "\""));
  EXPECT_THAT(lock, HasSubstr("\"" + PackageHashV1(x.dir()) + "\"")) << lock;

  // Terraform's copy of the package (extracted from the zip in the packed layout) is executable.
  const fs::path installed_exe = ws.work_dir() / ".terraform/providers/registry.terraform.io/adbjit/adbjit" /
                                 kVersion / "linux_amd64" / kExeName;
  ASSERT_TRUE(fs::exists(installed_exe)) << installed_exe;
  EXPECT_EQ(access(installed_exe.c_str(), X_OK), 0) << installed_exe;

  emulator::Server emu;
  ASSERT_TRUE(emu.Start()) << emu.error();
  ws.SetEnv(EmulatorEnvironment(emu));
  CommandResult plan = ws.Plan();
  ASSERT_TRUE(plan.ok()) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("data.adbjit_tokens.existing: Read complete")) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.release will be created"));
  EXPECT_THAT(plan.stdout_text, HasSubstr("Plan: 1 to add, 0 to change, 0 to destroy."));
  EXPECT_THAT(plan.stderr_text, Not(HasSubstr("Error")));
}

INSTANTIATE_TEST_SUITE_P(Layouts, ReleaseMirrorTest,
                         ::testing::Values(Install::kFilesystemMirrorPacked, Install::kFilesystemMirror),
                         [](const ::testing::TestParamInfo<Install>& info) {
                           return info.param == Install::kFilesystemMirrorPacked ? "Packed" : "Unpacked";
                         });

}  // namespace
}  // namespace adbjit::e2e
