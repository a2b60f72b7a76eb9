// adbjit_keyvault_binding through the real terraform CLI against the emulator: create and in-place
// updates (each a new secret version), replacement, drift (value changed, secret deleted), the
// write-only value, bad input, destroy with and without purge (and under purge protection), import
// (also into a configuration that gives the value as value_wo, and with generated configuration).
#include <string>

#include "provider/clients/keyvault/errors.h"
#include "tests/e2e/pool_binding_e2e_fixture.h"

namespace adbjit::e2e {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

// 2030-01-01T00:00:00Z and friends as Key Vault stores them (epoch seconds).
constexpr int64_t k2025 = 1735689600;  // 2025-01-01T00:00:00Z
constexpr int64_t k2030 = 1893456000;  // 2030-01-01T00:00:00Z
constexpr int64_t k2031 = 1924992000;  // 2031-01-01T00:00:00Z

std::string Binding(const std::string& vault_url, const std::string& body, const std::string& name = "b",
                    const std::string& secret = "pool-id") {
  return "resource \"adbjit_keyvault_binding\" \"" + name + "\" {\n  vault_url = \"" + vault_url +
         "\"\n  name = \"" + secret + "\"\n" + body + "}\n";
}

// `terraform show -json PLAN` without its "configuration" section, which echoes the user's
// literals (a constant value_wo included): Terraform's copy of the configuration, not provider data.
std::string WithoutConfiguration(const std::string& show_json) {
  json j = json::parse(show_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return show_json;
  j.erase("configuration");
  return j.dump();
}

// The secret's version from a versioned id.
std::string VersionOf(const json& id) {
  std::string s = id.get<std::string>();
  return s.substr(s.rfind('/') + 1);
}

TEST_F(PoolBindingE2eTest, BindingCreatesUpdatesInPlaceWithNewVersionsAndReplaces) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  Config(Binding(vault, R"(
  value           = "0521-145002-meet10-pool-EP6iFpfl"
  content_type    = "text/plain"
  expiration_date = "2030-01-01T00:00:00Z"
  not_before_date = "2025-01-01T00:00:00Z"
  tags = {
    purpose = "adf"
  }
)"));
  CommandResult create = MustApply();
  ASSERT_TRUE(create.ok());
  EXPECT_THAT(create.stdout_text, HasSubstr("1 added"));
  ExpectNoChanges("right after create");

  json state = State("adbjit_keyvault_binding.b");
  ASSERT_TRUE(state.is_object());
  const std::string versionless = emu().keyvault_url() + "/secrets/pool-id";
  EXPECT_EQ(state["versionless_id"], versionless);
  EXPECT_THAT(state["id"].get<std::string>(), MatchesRegex(versionless + "/[0-9a-f]{32}"));
  EXPECT_EQ(VersionOf(state["id"]), state["version"]);
  EXPECT_EQ(state["purge_on_destroy"], true);
  EXPECT_EQ(state["recover_soft_deleted"], true);
  keyvault::SecretBundle b = SecretBundle("pool-id");
  EXPECT_EQ(b.value.Reveal(), "0521-145002-meet10-pool-EP6iFpfl");
  EXPECT_EQ(b.content_type, "text/plain");
  EXPECT_EQ(b.attributes.exp, k2030);
  EXPECT_EQ(b.attributes.nbf, k2025);
  // The configured tags, and adbjit's mark on the versions it writes (not in the state): the
  // resource type and the binding's writer id, which every later version of this binding carries.
  const std::string writer = b.tags["adbjit"];
  EXPECT_THAT(writer, MatchesRegex("adbjit_keyvault_binding:[0-9a-f]{16}"));
  EXPECT_EQ(b.tags, (std::map<std::string, std::string>{{"adbjit", writer}, {"purpose", "adf"}}));
  EXPECT_EQ(state["tags"], (json{{"purpose", "adf"}}));
  EXPECT_EQ(b.version, state["version"]);

  // The same vault, name and instants spelled differently are not changes (Key Vault names ignore
  // case).
  Config(Binding(emu().keyvault_url(), R"(
  value           = "0521-145002-meet10-pool-EP6iFpfl"
  content_type    = "text/plain"
  expiration_date = "2030-01-01T01:00:00+01:00"
  not_before_date = "2025-01-01T00:00:00Z"
  tags = {
    purpose = "adf"
  }
)", "b", "Pool-ID"));
  ExpectNoChanges("with the vault URL without its slash, the name in capitals and the expiry in another zone");
  EXPECT_EQ(State("adbjit_keyvault_binding.b")["name"], "pool-id");

  // A new value: a new version in place (the id changes, the name does not).
  Config(Binding(vault, R"(
  value           = "0601-101010-calm20-pool-AbCdEfGh"
  content_type    = "text/plain"
  expiration_date = "2030-01-01T00:00:00Z"
  not_before_date = "2025-01-01T00:00:00Z"
  tags = {
    purpose = "adf"
  }
)"));
  CommandResult value_plan = PlanDetailed();
  EXPECT_EQ(value_plan.exit_code, 2) << value_plan.Describe();
  EXPECT_THAT(value_plan.stdout_text, HasSubstr("will be updated in-place"));
  EXPECT_THAT(value_plan.stdout_text, HasSubstr("0 to add, 1 to change, 0 to destroy"));
  EXPECT_THAT(value_plan.stdout_text, Not(HasSubstr("0601-101010")));  // sensitive
  ASSERT_TRUE(MustApply().ok());
  json after_value = State("adbjit_keyvault_binding.b");
  EXPECT_NE(after_value["id"], state["id"]);
  EXPECT_EQ(after_value["name"], "pool-id");
  EXPECT_EQ(after_value["versionless_id"], versionless);
  EXPECT_EQ(SecretValue("pool-id"), "0601-101010-calm20-pool-AbCdEfGh");
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 2);
  EXPECT_EQ(SecretRecord("pool-id")["latest"]["version"], after_value["version"]);
  ExpectNoChanges("after the value change");

  // Content type, tags and both dates: in place, one new version carrying all of them.
  Config(Binding(vault, R"(
  value           = "0601-101010-calm20-pool-AbCdEfGh"
  content_type    = "application/x-pool-id"
  expiration_date = "2031-01-01T00:00:00Z"
  not_before_date = "2030-01-01T00:00:00Z"
  tags = {
    purpose = "adf"
    team    = "data"
  }
)"));
  CommandResult meta_plan = PlanDetailed();
  EXPECT_EQ(meta_plan.exit_code, 2) << meta_plan.Describe();
  EXPECT_THAT(meta_plan.stdout_text, HasSubstr("0 to add, 1 to change, 0 to destroy"));
  ASSERT_TRUE(MustApply().ok());
  b = SecretBundle("pool-id");
  EXPECT_EQ(b.value.Reveal(), "0601-101010-calm20-pool-AbCdEfGh");
  EXPECT_EQ(b.content_type, "application/x-pool-id");
  EXPECT_EQ(b.attributes.exp, k2031);
  EXPECT_EQ(b.attributes.nbf, k2030);
  EXPECT_EQ(b.tags, (std::map<std::string, std::string>{{"adbjit", writer}, {"purpose", "adf"}, {"team", "data"}}));
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 3);
  EXPECT_EQ(State("adbjit_keyvault_binding.b")["version"], b.version);
  ExpectNoChanges("after the metadata change");

  // Removing the expiry (and every other optional field): a new version without them.
  Config(Binding(vault, "  value = \"0601-101010-calm20-pool-AbCdEfGh\"\n"));
  ASSERT_TRUE(MustApply().ok());
  b = SecretBundle("pool-id");
  EXPECT_FALSE(b.attributes.exp.has_value()) << *b.attributes.exp;
  EXPECT_FALSE(b.attributes.nbf.has_value());
  EXPECT_FALSE(b.content_type.has_value());
  EXPECT_EQ(b.tags, (std::map<std::string, std::string>{{"adbjit", writer}}));
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 4);
  json plain = State("adbjit_keyvault_binding.b");
  EXPECT_TRUE(plain["expiration_date"].is_null()) << plain.dump(2);
  EXPECT_TRUE(plain["tags"].is_null()) << plain.dump(2);
  ExpectNoChanges("after removing the expiry");

  // Only Terraform-side settings: no new version.
  Config(Binding(vault, "  value = \"0601-101010-calm20-pool-AbCdEfGh\"\n  purge_on_destroy = true\n"
                        "  recover_soft_deleted = false\n"));
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 4);
  EXPECT_EQ(State("adbjit_keyvault_binding.b")["id"], plain["id"]);
  ExpectNoChanges("after changing only recover_soft_deleted");

  // Another vault or another name: a new secret.
  const std::string other_vault = "http://localhost:" + vault.substr(vault.rfind(':') + 1);
  Config(Binding(other_vault, "  value = \"0601-101010-calm20-pool-AbCdEfGh\"\n"));
  CommandResult vault_plan = PlanDetailed();
  EXPECT_EQ(vault_plan.exit_code, 2) << vault_plan.Describe();
  EXPECT_THAT(vault_plan.stdout_text, ForcesReplacementOf("vault_url"))
      << vault_plan.stdout_text;
  Config(Binding(vault, "  value = \"0601-101010-calm20-pool-AbCdEfGh\"\n", "b", "pool-id-v2"));
  CommandResult name_plan = PlanDetailed();
  EXPECT_EQ(name_plan.exit_code, 2) << name_plan.Describe();
  EXPECT_THAT(name_plan.stdout_text, ForcesReplacementOf("name"));
  CommandResult renamed = MustApply();
  EXPECT_THAT(renamed.stdout_text, HasSubstr("1 added, 0 changed, 1 destroyed"));
  EXPECT_TRUE(SecretRecord("pool-id").is_null()) << Secrets().dump(2);  // deleted and purged
  EXPECT_EQ(SecretValue("pool-id-v2"), "0601-101010-calm20-pool-AbCdEfGh");
  ExpectNoChanges("after the rename");

  // Destroy deletes and purges: nothing left, not even soft-deleted.
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(Secrets(), SizeIs(0)) << Secrets().dump(2);
}

TEST_F(PoolBindingE2eTest, BindingDriftIsPlannedBackAndSoftDeletedNamesAreRecovered) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  Config(Binding(vault, "  value = \"from-terraform\"\n  content_type = \"text/plain\"\n"));
  ASSERT_TRUE(MustApply().ok());

  // Value changed outside Terraform (a new version): planned back, then converged.
  keyvault::SetSecretParams outside{.value = Secret("changed-outside"), .content_type = "text/plain"};
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "pool-id", outside).ok());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("will be updated in-place"));
  EXPECT_THAT(plan.stdout_text, HasSubstr("value"));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("changed-outside")));
  EXPECT_THAT(plan.stdout_text + plan.stderr_text, Not(HasSubstr("another adbjit resource")));  // not adbjit's
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretValue("pool-id"), "from-terraform");
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 3);
  ExpectNoChanges("after writing the value back");

  // The same value written outside: not the binding's version, so written again as its own, and
  // the plan says why (a destroy removes only a secret whose latest version is the binding's).
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "pool-id", {.value = Secret("from-terraform"),
                                                                .content_type = "text/plain"}).ok());
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(Squashed(plan.stdout_text + plan.stderr_text), HasSubstr("Warning: Secret version written outside Terraform"));
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 5);
  EXPECT_EQ(SecretBundle("pool-id").id, State("adbjit_keyvault_binding.b")["id"]);
  ExpectNoChanges("after writing the same value back");

  // Content type changed outside (PATCH of the latest version): planned back too.
  keyvault::UpdateSecretParams patch;
  patch.content_type = "application/json";
  ASSERT_TRUE(Outside().keyvault().UpdateSecret(vault, "pool-id", "", patch).ok());
  CommandResult ct_plan = PlanDetailed();
  EXPECT_EQ(ct_plan.exit_code, 2) << ct_plan.Describe();
  EXPECT_THAT(ct_plan.stdout_text, HasSubstr("\"application/json\" -> \"text/plain\""));
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretBundle("pool-id").content_type, "text/plain");

  // Deleted outside Terraform (soft delete keeps the name blocked): planned as a create, which
  // recovers the deleted secret and writes the value.
  ASSERT_TRUE(Outside().keyvault().DeleteSecret(vault, "pool-id").ok());
  CommandResult recreate = PlanDetailed();
  EXPECT_EQ(recreate.exit_code, 2) << recreate.Describe();
  EXPECT_THAT(recreate.stdout_text, HasSubstr("will be created"));
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretRecord("pool-id")["state"], "live");
  EXPECT_EQ(SecretValue("pool-id"), "from-terraform");
  ExpectNoChanges("after re-creating the deleted secret");

  // With recover_soft_deleted = false the blocked name is a clear error, and nothing is tracked.
  Config(Binding(vault, "  value = \"from-terraform\"\n  content_type = \"text/plain\"\n"
                        "  recover_soft_deleted = false\n"));
  ASSERT_TRUE(MustApply().ok());
  ASSERT_TRUE(Outside().keyvault().DeleteSecret(vault, "pool-id").ok());
  CommandResult conflict = ws().Apply();
  EXPECT_EQ(conflict.exit_code, 1) << conflict.Describe();
  const std::string err = Squashed(conflict.stderr_text);
  EXPECT_THAT(err, HasSubstr("Cannot write Key Vault secret"));
  EXPECT_THAT(err, HasSubstr("ObjectIsDeletedButRecoverable"));
  EXPECT_THAT(err, HasSubstr("recover_soft_deleted = true"));
  EXPECT_THAT(err, HasSubstr("or purge it first"));
  EXPECT_THAT(err, HasSubstr("adbjit_keyvault_binding.b"));
  EXPECT_TRUE(State("adbjit_keyvault_binding.b").is_null());
  EXPECT_EQ(SecretRecord("pool-id")["state"], "deleted");

  // Destroying what is already gone succeeds (the soft-deleted secret is not Terraform's any more).
  CommandResult destroy = ws().Destroy();
  EXPECT_TRUE(destroy.ok()) << destroy.Describe();
}

// A version written outside Terraform is not the binding's: a destroy that comes before the apply
// that would write the value back leaves the secret, with all its versions, to whoever wrote it,
// and says so, with or without a refresh.
TEST_F(PoolBindingE2eTest, DestroyLeavesASecretWhoseLatestVersionWasWrittenOutside) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  for (const std::string refresh : {"-refresh=true", "-refresh=false"}) {
    const std::string name = refresh == "-refresh=true" ? "refreshed" : "unrefreshed";
    Config(Binding(vault, "  value = \"mine\"\n", "b", name));
    ASSERT_TRUE(MustApply().ok());
    ASSERT_TRUE(Outside().keyvault().SetSecret(vault, name, {.value = Secret("theirs")}).ok());
    CommandResult destroy = ws().Destroy({refresh});
    ASSERT_TRUE(destroy.ok()) << destroy.Describe();
    const std::string said = Squashed(destroy.stdout_text + destroy.stderr_text);
    EXPECT_THAT(said, HasSubstr("Warning: Secret left in Key Vault")) << refresh;
    EXPECT_THAT(said, HasSubstr("The latest version of the secret \"" + name + "\" was written outside Terraform"))
        << refresh;
    EXPECT_EQ(SecretValue(name), "theirs") << refresh;
    EXPECT_TRUE(State("adbjit_keyvault_binding.b").is_null()) << refresh;
  }
}

// An update whose version landed in Key Vault but whose new state Terraform never recorded (here
// the PUT is carried out and then answered 403) leaves the state on the earlier version. That
// version is still the binding's: its tag carries the binding's writer id, so the refresh takes it
// in (no warning about another resource), and a destroy, even without a refresh, removes the
// secret rather than leave it.
TEST_F(PoolBindingE2eTest, AnUpdateTheStateNeverRecordedIsStillTheBindingsOwn) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  Config(Binding(vault, "  value = \"before\"\n"));
  ASSERT_TRUE(MustApply().ok());
  const std::string recorded = State("adbjit_keyvault_binding.b")["id"];
  ApplyWhoseWriteLandsUnrecorded(Binding(vault, "  value = \"after\"\n"), "pool-id");
  ASSERT_EQ(SecretValue("pool-id"), "after") << "the fault should answer after the write";
  ASSERT_EQ(State("adbjit_keyvault_binding.b")["id"], recorded);

  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();
  EXPECT_THAT(plan.stdout_text + plan.stderr_text, Not(HasSubstr("another adbjit resource")));
  CommandResult refresh = ws().Plan({"-refresh-only"});
  ASSERT_TRUE(refresh.ok()) << refresh.Describe();
  EXPECT_THAT(refresh.stdout_text, HasSubstr(SecretBundle("pool-id").version)) << "the refresh takes the version in";
  ASSERT_EQ(State("adbjit_keyvault_binding.b")["id"], recorded) << "a plan records nothing";
  CommandResult destroy = ws().Destroy({"-refresh=false"});
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_TRUE(SecretRecord("pool-id").is_null()) << SecretRecord("pool-id").dump(2);
}

// A binding written by an earlier build has no writer id in its private state. Its first update
// makes one; when that write lands but is refused (403 after the PUT), the id is kept all the
// same, so the version it tagged is still known as the binding's own.
TEST_F(PoolBindingE2eTest, AWriterIdMadeByAFailedUpdateIsKept) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  Config(Binding(vault, "  value = \"before\"\n"));
  ASSERT_TRUE(MustApply().ok());
  // As an earlier build left it: no private state.
  json state = json::parse(ReadFileText(ws().work_dir() / "terraform.tfstate"));
  for (auto& resource : state["resources"]) {
    for (auto& instance : resource["instances"]) instance.erase("private");
  }
  ws().WriteFile("terraform.tfstate", state.dump(2));
  ApplyWhoseWriteLandsUnrecorded(Binding(vault, "  value = \"after\"\n"), "pool-id");
  ASSERT_EQ(SecretValue("pool-id"), "after") << "the fault should answer after the write";

  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();
  EXPECT_THAT(plan.stdout_text + plan.stderr_text, Not(HasSubstr("another adbjit resource")));
}

TEST_F(PoolBindingE2eTest, WriteOnlyValueStaysOutOfStateAndPlanAndIsRewrittenOnVersionOrDrift) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  const std::string first = "wo-first-7f3a9c2e51";
  const std::string second = "wo-second-b84d06a1c3";
  Config(Binding(vault, "  value_wo = \"" + first + "\"\n  value_wo_version = 1\n"));
  CommandResult plan = ws().Plan({"-out=create.tfplan"});
  ASSERT_TRUE(plan.ok()) << plan.Describe();
  CommandResult apply = ws().Terraform({"apply", "-input=false", "create.tfplan"});
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_EQ(SecretValue("pool-id"), first);

  // The value is nowhere in Terraform's files or outputs.
  CommandResult saved = ws().Plan({"-out=second.tfplan"});
  ASSERT_TRUE(saved.ok()) << saved.Describe();
  CommandResult show = ws().Terraform({"show", "-json"});
  ASSERT_TRUE(show.ok()) << show.Describe();
  CommandResult show_plan = ws().Terraform({"show", "-json", "create.tfplan"});
  ASSERT_TRUE(show_plan.ok()) << show_plan.Describe();
  testing::RunResult unzipped = testing::Run(
      // The plan file also holds a snapshot of the configuration (tfconfig/), where the literal is
      // the user's own text; what the provider produced is in the plan and the state snapshots.
      testing::SpawnOptions{.argv = {"/usr/bin/unzip", "-p", (ws().work_dir() / "create.tfplan").string(), "-x",
                                     "tfconfig/*"},
                            .env = {{"PATH", "/usr/bin:/bin"}},
                            .cwd = ""},
      std::chrono::seconds(30));
  ASSERT_EQ(unzipped.exit_code, 0) << unzipped.stderr_text;
  const std::string state_file = ReadFileText(ws().work_dir() / "terraform.tfstate");
  ASSERT_THAT(state_file, HasSubstr("value_wo_version"));  // the right file
  ASSERT_THAT(unzipped.stdout_text, HasSubstr("pool-id"));
  for (const auto& [where, text] : std::vector<std::pair<std::string, std::string>>{
           {"state file", state_file},
           {"show -json", show.stdout_text},
           {"saved plan", unzipped.stdout_text},
           {"show -json of the plan (without the configuration section)", WithoutConfiguration(show_plan.stdout_text)},
           {"plan output", plan.stdout_text + plan.stderr_text},
           {"apply output", apply.stdout_text + apply.stderr_text}}) {
    EXPECT_THAT(text, Not(HasSubstr(first))) << "the write-only value leaked into the " << where;
  }
  // Nor any digest of it: the binding keeps no private data (the instance's "private" field).
  for (const auto& resource : json::parse(state_file)["resources"]) {
    for (const auto& instance : resource["instances"]) EXPECT_FALSE(instance.contains("private")) << instance.dump();
  }
  json state = State("adbjit_keyvault_binding.b");
  EXPECT_TRUE(state["value"].is_null());
  EXPECT_TRUE(state["value_wo"].is_null());
  EXPECT_EQ(state["value_wo_version"], 1);
  ExpectNoChanges("after the write-only create");

  // A new value without a new version is (by design) not seen; a new version writes it.
  Config(Binding(vault, "  value_wo = \"" + second + "\"\n  value_wo_version = 1\n"));
  ExpectNoChanges("with a new value_wo but the same version");
  // Nor does a change of tags take it: their new version keeps the value the binding wrote.
  const std::string tags = "  tags = { team = \"data\" }\n";
  Config(Binding(vault, "  value_wo = \"" + second + "\"\n  value_wo_version = 1\n" + tags));
  // The value to keep is read from the binding's version: a read that fails (not for being
  // disabled or gone) stops the write instead of taking value_wo.
  emu().SetFaults(json::array({{{"service", "keyvault"}, {"method", "GET"}, {"path", "^/secrets/pool-id/[0-9a-f]+$"},
                                {"action", "status"}, {"status", 403}, {"count", 1}}}));
  CommandResult unread = ws().Apply();
  EXPECT_NE(unread.exit_code, 0) << unread.Describe();
  EXPECT_THAT(Squashed(unread.stderr_text), HasSubstr("Cannot read the secret's value to keep it"));
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 1);
  emu().ClearFaults();
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretValue("pool-id"), first);
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 2);
  ExpectNoChanges("after the tags change");
  Config(Binding(vault, "  value_wo = \"" + second + "\"\n  value_wo_version = 2\n" + tags));
  CommandResult bump = PlanDetailed();
  EXPECT_EQ(bump.exit_code, 2) << bump.Describe();
  EXPECT_THAT(bump.stdout_text, HasSubstr("will be updated in-place"));
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretValue("pool-id"), second);
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 3);
  EXPECT_THAT(ReadFileText(ws().work_dir() / "terraform.tfstate"), Not(HasSubstr(second)));
  ExpectNoChanges("after the version bump");

  // Changed outside: the latest version is not the one the binding wrote, so it is written again.
  keyvault::SetSecretParams outside{.value = Secret("tampered")};
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "pool-id", outside).ok());
  CommandResult drift = PlanDetailed();
  EXPECT_EQ(drift.exit_code, 2) << drift.Describe();
  EXPECT_THAT(drift.stdout_text, HasSubstr("will be updated in-place"));
  EXPECT_THAT(Squashed(drift.stdout_text + drift.stderr_text),
              HasSubstr("Warning: Secret written outside Terraform"));
  EXPECT_THAT(Squashed(drift.stdout_text + drift.stderr_text),
              HasSubstr("A version written outside Terraform is now the latest of the secret \"pool-id\". The "
                        "write-only value cannot be compared with it, so the plan writes value_wo again"));
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretValue("pool-id"), second);
  ExpectNoChanges("after writing the write-only value back");
  EXPECT_THAT(ReadFileText(ws().work_dir() / "terraform.tfstate"), Not(HasSubstr(second)));

  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(Secrets(), SizeIs(0));
}

// A replacement created before the old binding is destroyed (create_before_destroy) writes the same
// secret first; destroying the old binding must not delete what the new one wrote.
TEST_F(PoolBindingE2eTest, BindingReplacedCreateBeforeDestroyKeepsTheSecret) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(Binding(VaultUrl(), "  value = \"kept\"\n  lifecycle {\n    create_before_destroy = true\n  }\n"));
  ASSERT_TRUE(MustApply().ok());
  CommandResult replaced = MustApply({"-replace=adbjit_keyvault_binding.b"});
  EXPECT_THAT(replaced.stdout_text, HasSubstr("1 added, 0 changed, 1 destroyed"));
  const json record = SecretRecord("pool-id");
  ASSERT_TRUE(record.is_object()) << "the old binding's destroy removed the secret the new one wrote";
  EXPECT_EQ(record["state"], "live") << record.dump(2);
  EXPECT_EQ(record["versions"], 2) << record.dump(2);
  EXPECT_EQ(SecretBundle("pool-id").id, State("adbjit_keyvault_binding.b")["id"]);
  EXPECT_EQ(SecretValue("pool-id"), "kept");
  ExpectNoChanges("after the replacement");
  ExpectDestroyRemovesSecret("pool-id");
}

// Two bindings that write one secret overwrite each other's value on every apply: the refresh
// says that another adbjit resource wrote it, so the loop is explained rather than silent. With
// the same value in both there is nothing to write back, and nothing to say.
TEST_F(PoolBindingE2eTest, TwoBindingsWritingOneSecretAreToldOfEachOther) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  Config(Binding(vault, "  value = \"one\"\n", "a", "shared") + Binding(vault, "  value = \"two\"\n", "b", "shared"));
  ASSERT_TRUE(MustApply().ok());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  const std::string said = Squashed(plan.stdout_text + plan.stderr_text);
  EXPECT_THAT(said, HasSubstr("Warning: Secret written by another adbjit resource"));
  EXPECT_THAT(said, HasSubstr("The latest version of the secret \"shared\" was written by adbjit "
                              "(adbjit_keyvault_binding:"));
  EXPECT_THAT(said, HasSubstr("), but not by this binding"));
  EXPECT_THAT(said, Not(HasSubstr("\"one\"")));
  EXPECT_THAT(said, Not(HasSubstr("\"two\"")));

  Config(Binding(vault, "  value = \"one\"\n", "a", "shared") + Binding(vault, "  value = \"one\"\n", "b", "shared"));
  ASSERT_TRUE(MustApply().ok());
  CommandResult same = PlanDetailed();
  EXPECT_EQ(same.exit_code, 0) << same.Describe();
  EXPECT_THAT(same.stdout_text + same.stderr_text, Not(HasSubstr("another adbjit resource")));
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
}

// A vault URL outside the provider's cloud (another DNS zone, another cloud's) fails the plan on
// vault_url, for a binding and for a sealed token alike, before anything is sent.
TEST_F(PoolBindingE2eTest, AVaultUrlOutsideTheCloudFailsThePlanOnVaultUrl) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(Binding("https://my-vault.example.com/", "  value = \"v\"\n") + R"(
resource "adbjit_token" "t" {
  lifetime_seconds = 600
  keyvault_secret {
    vault_url = "https://my-vault.vault.azure.cn/"
    name      = "tok"
  }
}
)");
  CommandResult plan = ws().Plan();
  EXPECT_EQ(plan.exit_code, 1) << plan.Describe();
  ExpectErrorAt(plan.stderr_text, "Invalid Key Vault URL", "vault_url = \"https://my-vault.example.com/\"");
  ExpectErrorAt(plan.stderr_text, "Invalid Key Vault URL", "vault_url = \"https://my-vault.vault.azure.cn/\"");
  EXPECT_THAT(Squashed(plan.stderr_text), HasSubstr("the host must end in .vault.azure.net for this azure_environment"));
  EXPECT_EQ(Requests("keyvault"), 0);
  EXPECT_EQ(RouteRequests("/token/create"), 0);
}

// A create that cannot reach the vault is an error on vault_url; one Key Vault refuses for want of
// permission is about neither attribute (the principal's access), and is not put on the name.
TEST_F(PoolBindingE2eTest, AnUnreachableVaultIsAnErrorOnVaultUrlAndARefusalOnNeitherAttribute) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(Binding("http://127.0.0.1:1/", "  value = \"v\"\n"));
  CommandResult unreachable = ws().Apply();
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable.Describe();
  ExpectErrorAt(unreachable.stderr_text, "Cannot write Key Vault secret", "vault_url = ");
  EXPECT_THAT(Squashed(unreachable.stderr_text), HasSubstr("nothing answers at this address"));

  emu().SetFaults(json::array({{{"service", "keyvault"}, {"method", "GET"}, {"path", "^/secrets/pool-id"},
                                {"action", "status"}, {"status", 403}, {"count", 1},
                                {"body", R"({"error":{"code":"Forbidden","message":"The user, group or application )"
                                         R"(does not have secrets get permission on key vault.",)"
                                         R"("innererror":{"code":"AccessDenied"}}})"}}}));
  Config(Binding(VaultUrl(), "  value = \"v\"\n"));
  CommandResult forbidden = ws().Apply();
  EXPECT_EQ(forbidden.exit_code, 1) << forbidden.Describe();
  EXPECT_THAT(forbidden.stderr_text, HasSubstr("Error: Cannot write Key Vault secret"));
  EXPECT_THAT(forbidden.stderr_text, HasSubstr("with adbjit_keyvault_binding.b"));
  EXPECT_THAT(forbidden.stderr_text, Not(HasSubstr("on main.tf line " + std::to_string(ConfigLine("name = ")))));
  EXPECT_THAT(Squashed(forbidden.stderr_text), HasSubstr("does not have secrets get permission"));

  // A tag Key Vault refuses is an error on tags.
  emu().SetFaults(json::array({{{"service", "keyvault"}, {"method", "PUT"}, {"path", "^/secrets/pool-id"},
                                {"action", "status"}, {"status", 400}, {"count", 1},
                                {"body", R"({"error":{"code":"BadParameter","message":"Tag name 'owner' )"
                                         R"(is not valid."}})"}}}));
  Config(Binding(VaultUrl(), "  value = \"v\"\n  tags = {\n    owner = \"data\"\n  }\n"));
  CommandResult bad_tag = ws().Apply();
  EXPECT_EQ(bad_tag.exit_code, 1) << bad_tag.Describe();
  ExpectErrorAt(bad_tag.stderr_text, "Cannot write Key Vault secret", "tags = ");
}

// A live secret someone else wrote, enabled or disabled, is not taken over: the create fails on the
// name, saying how to import it, and the secret keeps its only version (a destroy would otherwise have deleted it with
// its history). Imported, it is the binding's, and the next apply writes it.
TEST_F(PoolBindingE2eTest, BindingCreateRefusesASecretItDidNotWriteUntilImported) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(Outside().keyvault().SetSecret(VaultUrl(), "pool-id", {.value = Secret("precious")}).ok());
  Config(Binding(VaultUrl(), "  value = \"mine\"\n"));
  CommandResult refused = ws().Apply();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  ExpectErrorAt(refused.stderr_text, "Cannot write Key Vault secret", "name = ");
  const std::string said = Squashed(refused.stderr_text);
  EXPECT_THAT(said, HasSubstr("Key Vault secret \"pool-id\" already exists in " + VaultUrl() +
                              " and was not written by adbjit"));
  const std::string versionless = emu().keyvault_url() + "/secrets/pool-id";
  EXPECT_THAT(said, HasSubstr("import it (terraform import with the id " + versionless + ")"));
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 1);
  EXPECT_EQ(SecretValue("pool-id"), "precious");
  EXPECT_TRUE(State("adbjit_keyvault_binding.b").is_null());

  // Disabled, its value cannot be read, but its versions still say who wrote them: refused alike.
  ASSERT_TRUE(Outside().keyvault().UpdateSecret(VaultUrl(), "pool-id", "", {.enabled = false}).ok());
  refused = ws().Apply();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_THAT(Squashed(refused.stderr_text), HasSubstr("Key Vault secret \"pool-id\" already exists in " +
                                                       VaultUrl() + " and was not written by adbjit"));
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 1);
  ASSERT_TRUE(Outside().keyvault().UpdateSecret(VaultUrl(), "pool-id", "", {.enabled = true}).ok());
  EXPECT_EQ(SecretValue("pool-id"), "precious");

  CommandResult imported = ws().Terraform({"import", "-input=false", "adbjit_keyvault_binding.b", versionless});
  ASSERT_TRUE(imported.ok()) << imported.Describe();
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretValue("pool-id"), "mine");
  ExpectNoChanges("after the imported secret is written");
}

// An imported secret that the binding has not written yet carries no `adbjit` tag, and the create
// half of a replacement made first cannot know it replaces the import: it is refused like any
// foreign secret, saying so, and the import stays in state with the secret untouched. Once the
// binding has written a version, the same replacement goes through.
TEST_F(PoolBindingE2eTest, AnImportedSecretIsReplacedFirstOnlyOnceTheBindingHasWrittenIt) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(Outside().keyvault().SetSecret(VaultUrl(), "pool-id", {.value = Secret("precious")}).ok());
  const std::string first = "  lifecycle {\n    create_before_destroy = true\n  }\n";
  Config(Binding(VaultUrl(), "  value = \"precious\"\n" + first));
  const std::string versionless = emu().keyvault_url() + "/secrets/pool-id";
  CommandResult imported = ws().Terraform({"import", "-input=false", "adbjit_keyvault_binding.b", versionless});
  ASSERT_TRUE(imported.ok()) << imported.Describe();
  ExpectNoChanges("after the import");

  CommandResult refused = ws().Apply({"-replace=adbjit_keyvault_binding.b"});
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  const std::string said = Squashed(refused.stderr_text);
  EXPECT_THAT(said, HasSubstr("already exists in " + VaultUrl() + " and was not written by adbjit"));
  EXPECT_THAT(said, HasSubstr("A binding imported from it is replaced first (create_before_destroy) only once "
                              "it has written a version of it."));
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 1);
  EXPECT_EQ(SecretValue("pool-id"), "precious");
  EXPECT_EQ(State("adbjit_keyvault_binding.b")["id"], SecretBundle("pool-id").id);

  Config(Binding(VaultUrl(), "  value = \"mine\"\n" + first));
  ASSERT_TRUE(MustApply().ok());
  CommandResult replaced = MustApply({"-replace=adbjit_keyvault_binding.b"});
  EXPECT_THAT(replaced.stdout_text, HasSubstr("1 added, 0 changed, 1 destroyed"));
  EXPECT_EQ(SecretRecord("pool-id")["versions"], 3);
  EXPECT_EQ(SecretValue("pool-id"), "mine");
  ExpectNoChanges("after the replacement");
}

// A binding replaced first (create_before_destroy) whose destroy fails stays in state as a deposed
// object, which the next plan refreshes: the replacement's version, now the latest, is not taken
// for the deposed binding's own, so destroying it leaves the replacement's secret alone.
TEST_F(PoolBindingE2eTest, ADeposedBindingDoesNotTakeItsReplacementsSecret) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string first = "  lifecycle {\n    create_before_destroy = true\n  }\n";
  Config(Binding(VaultUrl(), "  value = \"same\"\n" + first));
  ASSERT_TRUE(MustApply().ok());
  const std::string old_id = State("adbjit_keyvault_binding.b")["id"];
  // The refresh and the replacement's check read the secret; the old binding's destroy cannot.
  emu().SetFaults(json::array({{{"service", "keyvault"}, {"method", "GET"}, {"path", "^/secrets/pool-id$"},
                                {"action", "status"}, {"status", 500}, {"skip", 2}}}));
  CommandResult replaced = ws().Apply({"-replace=adbjit_keyvault_binding.b"});
  EXPECT_EQ(replaced.exit_code, 1) << replaced.Describe();
  EXPECT_THAT(replaced.stdout_text, HasSubstr("Creation complete"));
  emu().ClearFaults();
  const std::string new_id = SecretBundle("pool-id").id;
  ASSERT_NE(new_id, old_id);
  ASSERT_EQ(State("adbjit_keyvault_binding.b")["id"], new_id);

  CommandResult finished = MustApply();
  EXPECT_THAT(finished.stdout_text, HasSubstr("0 added, 0 changed, 1 destroyed"));
  auto latest = Outside().keyvault().GetSecret(VaultUrl(), "pool-id");
  ASSERT_TRUE(latest.ok()) << "the deposed binding's destroy removed the replacement's secret: "
                           << latest.status().ToString();
  EXPECT_EQ(latest->id, new_id);
  ExpectNoChanges("after the deposed binding is gone");
}

// A secret disabled outside Terraform cannot be read: refresh warns and keeps the state. A new
// value is written as a disabled version (the plan says so on the value), so the deliberate
// disable holds until someone enables the secret, which then serves the new value. The destroy
// (which first checks whose the latest version is) still removes it.
TEST_F(PoolBindingE2eTest, DisabledSecretIsKeptOnRefreshWithAWarningAndStaysDisabledOnChangeUntilEnabledAgain) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Config(Binding(VaultUrl(), "  value = \"soon disabled\"\n"));
  ASSERT_TRUE(MustApply().ok());
  ASSERT_TRUE(Outside().keyvault().UpdateSecret(VaultUrl(), "pool-id", "", {.enabled = false}).ok());

  CommandResult plan = ExpectNoChanges("with the secret disabled");
  EXPECT_THAT(Squashed(plan.stdout_text + plan.stderr_text), HasSubstr("Secret is disabled in Key Vault"));

  Config(Binding(VaultUrl(), "  value = \"changed while disabled\"\n"));
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  // Two warnings, each saying one thing: the refresh could not compare, the new version is disabled.
  EXPECT_THAT(Squashed(plan.stdout_text + plan.stderr_text), HasSubstr("Secret is disabled in Key Vault"));
  ExpectWarningAt(plan.stdout_text + plan.stderr_text, "New secret version will be written disabled", "value = ");
  ASSERT_TRUE(MustApply().ok());
  auto latest = Outside().keyvault().GetSecret(VaultUrl(), "pool-id");
  EXPECT_EQ(latest.status().service_code(), keyvault::kSecretDisabled) << latest.status().ToString();
  ExpectNoChanges("after writing the disabled version");

  ASSERT_TRUE(Outside().keyvault().UpdateSecret(VaultUrl(), "pool-id", "", {.enabled = true}).ok());
  EXPECT_EQ(SecretValue("pool-id"), "changed while disabled");
  EXPECT_EQ(SecretBundle("pool-id").id, State("adbjit_keyvault_binding.b")["id"]);
  ExpectNoChanges("after the secret is enabled again");

  // The refresh that found it enabled again forgets that it was disabled: the next version is
  // written enabled, with no warning saying otherwise.
  Config(Binding(VaultUrl(), "  value = \"changed once enabled\"\n"));
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text + plan.stderr_text, Not(HasSubstr("written disabled")));
  ASSERT_TRUE(MustApply().ok());
  latest = Outside().keyvault().GetSecret(VaultUrl(), "pool-id");
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(SecretValue("pool-id"), "changed once enabled");
  ExpectDestroyRemovesSecret("pool-id");
}

TEST_F(PoolBindingE2eTest, BindingBadInputIsStoppedAtValidateNamingTheAttribute) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  Config(Binding(vault, "  value = \"x\"\n  value_wo = \"y\"\n  value_wo_version = 1\n", "both", "both") +
         Binding(vault, "  content_type = \"neither\"\n", "neither", "neither") +
         Binding(vault, "  value = \"x\"\n", "underscore", "a_b") +
         Binding(vault, "  value = \"x\"\n", "long", std::string(128, 'n')) +
         Binding(vault, "  value = \"x\"\n  expiration_date = \"2030-01-01 00:00:00\"\n", "date", "date") +
         Binding("http://myvault.vault.azure.net/", "  value = \"x\"\n", "plainhttp", "plainhttp") +
         Binding("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", "  value = \"x\"\n",
                 "armid", "armid") +
         Binding(vault + "secrets/x", "  value = \"x\"\n", "path", "path") +
         Binding(vault, "  value = \"x\"\n  tags = { adbjit = \"mine\" }\n", "reserved", "reserved") +
         // A value unknown at validate (a variable) does not hide the reserved key.
         "variable \"owner\" {\n  type = string\n}\n" +
         Binding(vault, "  value = \"x\"\n  tags = { adbjit = var.owner }\n", "reservedvar", "reservedvar") +
         Binding(vault, "  value = \"x\"\n  tags = { \"\" = \"blank\" }\n", "blankkey", "blankkey") +
         Binding(vault, "  value_wo = \"" + std::string(25 * 1024 + 1, 'v') + "\"\n  value_wo_version = 1\n", "big",
                 "big") +
         Binding(vault, "  value = \"x\"\n  value_wo_version = 2\n", "versioned", "versioned") +
         // Key Vault keeps at most 255 characters of content type.
         Binding(vault, "  value = \"x\"\n  content_type = \"" + std::string(256, 't') + "\"\n", "ctype", "ctype"));
  CommandResult validate = ws().Validate();
  EXPECT_EQ(validate.exit_code, 1) << validate.Describe();
  const std::string out = validate.stderr_text;
  ExpectErrorAt(out, "Conflicting secret values", "value_wo = \"y\"");
  ExpectErrorAt(out, "Missing secret value", "resource \"adbjit_keyvault_binding\" \"neither\"");
  const std::string squashed = Squashed(out);
  EXPECT_THAT(squashed, HasSubstr("name must be a Key Vault secret name: 1 to 127 letters, digits and dashes, got \"a_b\""));
  EXPECT_THAT(squashed, HasSubstr("got \"" + std::string(128, 'n') + "\""));
  EXPECT_THAT(squashed, HasSubstr("expiration_date must be an RFC 3339 date-time"));
  EXPECT_THAT(squashed, HasSubstr("vault_url must use https://"));
  // azurerm_key_vault's id where its vault_uri belongs: the error says which to give.
  EXPECT_THAT(squashed, HasSubstr("vault_url must be a URL, not an Azure resource ID"));
  EXPECT_THAT(squashed, HasSubstr("(azurerm_key_vault's vault_uri)"));
  // A secret's URL where the vault's belongs fails here, not after a token was minted for it.
  EXPECT_THAT(squashed, HasSubstr("vault_url must be a base URL, with nothing after the host but a trailing /"));
  ExpectErrorAt(out, "Reserved tag", "tags = { adbjit = \"mine\"");
  ExpectErrorAt(out, "Reserved tag", "tags = { adbjit = var.owner");
  EXPECT_THAT(squashed, HasSubstr("tags must not have an empty key"));
  ExpectErrorAt(out, "Invalid Attribute Value", "content_type = \"ttt");
  EXPECT_THAT(squashed, HasSubstr("content_type must be 0 to 255 characters long, got 256"));
  // Key Vault's size limit, at validate (the message gives the size; Terraform quotes the line).
  EXPECT_THAT(squashed, HasSubstr("value_wo must be at most Key Vault's 25 KB (25600 bytes), got 25601."));
  EXPECT_EQ(CountOccurrences(out, "Error: "), 13) << out;
  // A version for value_wo next to value: a warning, as it changes nothing.
  ExpectWarningAt(validate.stdout_text + out, "value_wo_version has no effect with value", "value_wo_version = 2");
  for (const char* needle : {"name = \"a_b\"", "expiration_date = ", "http://myvault", "vaults/kv"}) {
    EXPECT_THAT(out, HasSubstr(needle)) << "the source line of the failing attribute is quoted";
  }
  EXPECT_EQ(Requests("keyvault"), 0);
}

TEST_F(PoolBindingE2eTest, DestroyPurgesByDefaultKeepsSoftDeletedOnRequestAndToleratesGone) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  Config(Binding(vault, "  value = \"purged\"\n", "purged", "purged") +
         Binding(vault, "  value = \"kept\"\n  purge_on_destroy = false\n", "kept", "kept") +
         Binding(vault, "  value = \"gone\"\n", "gone", "gone"));
  ASSERT_TRUE(MustApply().ok());
  EXPECT_THAT(Secrets(), SizeIs(3));
  // One is deleted and purged outside before the destroy.
  ASSERT_TRUE(Outside().keyvault().DeleteSecret(vault, "gone").ok());
  ASSERT_TRUE(Outside().keyvault().PurgeDeletedSecretAndWait(vault, "gone").ok());
  CommandResult destroy = ws().Destroy({"-refresh=false"});
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("3 destroyed"));
  json secrets = Secrets();
  ASSERT_THAT(secrets, SizeIs(1)) << secrets.dump(2);
  EXPECT_EQ(secrets[0]["name"], "kept");
  EXPECT_EQ(secrets[0]["state"], "deleted");
  auto deleted = Outside().keyvault().GetDeletedSecret(vault, "kept");
  EXPECT_TRUE(deleted.ok()) << deleted.status().message();
}

TEST_F(PoolBindingE2eTest, DestroyUnderPurgeProtectionSucceedsWithAWarning) {
  emulator::Options options;
  options.kv_purge_protection = true;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  Config(Binding(VaultUrl(), "  value = \"protected\"\n"));
  ASSERT_TRUE(MustApply().ok());
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text + destroy.stderr_text, HasSubstr("Warning: Secret not purged"));
  EXPECT_THAT(Squashed(destroy.stdout_text + destroy.stderr_text), HasSubstr("Purge protection is enabled"));
  ASSERT_THAT(Secrets(), SizeIs(1));
  EXPECT_EQ(Secrets()[0]["state"], "deleted");
  EXPECT_TRUE(State("adbjit_keyvault_binding.b").is_null());
}

// An empty content type is none, however the configuration and the secret spell it: a secret
// imported with "" (azurerm's none) into content_type = "", or a binding going from "" to no
// content_type, records the spelling and writes no new version.
TEST_F(PoolBindingE2eTest, AnEmptyContentTypeIsNoneEitherWay) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "bare", {.value = Secret("v"), .content_type = ""}).ok());
  const std::string with_empty = Binding(vault, "  value = \"v\"\n  content_type = \"\"\n", "bare", "bare");
  Config(with_empty + "import {\n  to = adbjit_keyvault_binding.bare\n  id = \"" + emu().keyvault_url() +
         "/secrets/bare\"\n}\n");
  MustApply();
  ExpectNoChanges("after importing a secret with an empty content type into content_type = \"\"");
  Config(Binding(vault, "  value = \"v\"\n", "bare", "bare"));
  MustApply();
  ExpectNoChanges("after dropping content_type = \"\"");
  EXPECT_EQ(SecretRecord("bare")["versions"], 1) << "none of it wrote a version";
  EXPECT_EQ(SecretBundle("bare").content_type, "");
}

TEST_F(PoolBindingE2eTest, BindingsImportByVersionlessIdWithACleanPlan) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  // Two secrets made outside Terraform, one with every kind of metadata, one with none but the
  // empty content type azurerm_key_vault_secret writes when it is given none.
  keyvault::SetSecretParams rich{.value = Secret("imported-rich"),
                                 .content_type = "text/plain",
                                 .tags = {{"owner", "data"}},
                                 .nbf = k2025,
                                 .exp = k2030};
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "rich", rich).ok());
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "bare", {.value = Secret("imported-bare"), .content_type = ""}).ok());
  ASSERT_EQ(SecretBundle("bare").content_type, "");
  const std::string resources =
      Binding(vault, R"(
  value           = "imported-rich"
  content_type    = "text/plain"
  expiration_date = "2030-01-01T00:00:00Z"
  not_before_date = "2025-01-01T00:00:00Z"
  tags = {
    owner = "data"
  }
)",
              "rich", "rich") +
      Binding(vault, "  value = \"imported-bare\"\n", "bare", "bare");
  Config(resources);
  CommandResult imported = ws().Terraform(
      {"import", "-input=false", "adbjit_keyvault_binding.rich", emu().keyvault_url() + "/secrets/rich"});
  ASSERT_TRUE(imported.ok()) << imported.Describe();
  EXPECT_THAT(imported.stdout_text, HasSubstr("Import successful"));
  Config(resources + "import {\n  to = adbjit_keyvault_binding.bare\n  id = \"" + emu().keyvault_url() +
         "/secrets/bare\"\n}\n");
  CommandResult apply = MustApply();
  EXPECT_THAT(apply.stdout_text, HasSubstr("1 imported, 0 added, 0 changed, 0 destroyed"));
  ExpectNoChanges("after importing both secrets");
  EXPECT_EQ(SecretRecord("rich")["versions"], 1);  // import writes nothing
  EXPECT_EQ(SecretRecord("bare")["versions"], 1);
  json rich_state = State("adbjit_keyvault_binding.rich");
  EXPECT_EQ(rich_state["versionless_id"], emu().keyvault_url() + "/secrets/rich");
  EXPECT_EQ(rich_state["expiration_date"], "2030-01-01T00:00:00Z");

  // A malformed id and a missing secret fail clearly.
  CommandResult state_rm = ws().Terraform({"state", "rm", "adbjit_keyvault_binding.bare"});
  ASSERT_TRUE(state_rm.ok()) << state_rm.Describe();
  Config(resources);
  CommandResult bad_id = ws().Terraform({"import", "-input=false", "adbjit_keyvault_binding.bare", "bare"});
  EXPECT_NE(bad_id.exit_code, 0);
  EXPECT_THAT(Squashed(bad_id.stderr_text), HasSubstr("Invalid import id"));
  CommandResult missing = ws().Terraform(
      {"import", "-input=false", "adbjit_keyvault_binding.bare", emu().keyvault_url() + "/secrets/missing"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_THAT(Squashed(missing.stderr_text), HasSubstr("Secret not found"));

  // A versioned id (the binding's own id) is taken while it names the latest version, the one a
  // binding manages; an older version is refused, saying which is the latest.
  auto older = Outside().keyvault().GetSecret(vault, "bare");
  ASSERT_TRUE(older.ok()) << older.status().ToString();
  auto newer = Outside().keyvault().SetSecret(vault, "bare", {.value = Secret("imported-bare")});
  ASSERT_TRUE(newer.ok()) << newer.status().ToString();
  CommandResult stale = ws().Terraform({"import", "-input=false", "adbjit_keyvault_binding.bare", older->id});
  EXPECT_NE(stale.exit_code, 0);
  EXPECT_THAT(Squashed(stale.stderr_text),
              HasSubstr("names version " + older->version + " of the secret \"bare\", which is not its latest "
                        "version (" + newer->version + "); a binding manages the latest version of its secret."));
  CommandResult latest = ws().Terraform({"import", "-input=false", "adbjit_keyvault_binding.bare", newer->id});
  ASSERT_TRUE(latest.ok()) << latest.Describe();
  EXPECT_EQ(State("adbjit_keyvault_binding.bare")["version"], newer->version);
}

// `import` blocks with `terraform plan -generate-config-out`: Terraform writes a resource block per
// imported object from the provider's schema and read. The pool's and the token's need nothing
// more; the binding's leaves value and value_wo null (Terraform never writes sensitive values),
// which validation refuses saying what to do. With the value filled in, the import applies and the
// next plan is clean.
TEST_F(PoolBindingE2eTest, ImportBlocksGenerateConfigurationThatPlansCleanOnceTheValueIsFilledIn) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  databricks::InstancePool spec;
  spec.instance_pool_name = "generated";
  spec.node_type_id = "Standard_DS3_v2";
  spec.min_idle_instances = 1;
  spec.max_capacity = 4;
  spec.custom_tags = std::map<std::string, std::string>{{"owner", "data"}};
  auto pool_id = Outside().databricks().CreateInstancePoolSafely(spec);
  ASSERT_TRUE(pool_id.ok()) << pool_id.status().ToString();
  auto token = Outside().databricks().CreateTokenSafely(3600, "generated");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  keyvault::SetSecretParams secret{.value = Secret("imported")};
  secret.tags["a"] = "b";
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "generated", secret).ok());
  auto import_block = [](const std::string& to, const std::string& id) {
    return "import {\n  to = " + to + "\n  id = \"" + id + "\"\n}\n";
  };
  Config(import_block("adbjit_instance_pool.p", *pool_id) + import_block("adbjit_token.t", token->info.token_id) +
         import_block("adbjit_keyvault_binding.b", emu().keyvault_url() + "/secrets/generated"));

  CommandResult generate = ws().Plan({"-generate-config-out=generated.tf"});
  EXPECT_NE(generate.exit_code, 0) << generate.Describe();
  const std::string refused = Squashed(generate.stderr_text);
  EXPECT_THAT(refused, HasSubstr("Error: Missing secret value"));
  EXPECT_THAT(refused, HasSubstr("leaves both null, as it never writes sensitive values: fill one in"));
  const std::filesystem::path generated_path = ws().work_dir() / "generated.tf";
  std::string generated = ReadFileText(generated_path);
  for (const char* line : {"instance_pool_name", "min_idle_instances", "comment", "lifetime_seconds",
                           "value            = null # sensitive"}) {
    EXPECT_THAT(generated, HasSubstr(line)) << generated;
  }
  for (const char* computed : {"instance_pool_id", "default_tags", "token_id", "expiry_time", "versionless_id"}) {
    EXPECT_THAT(generated, Not(HasSubstr(computed))) << "computed-only " << computed << " in\n" << generated;
  }

  const std::string placeholder = "value            = null # sensitive";
  generated.replace(generated.find(placeholder), placeholder.size(), "value = \"imported\"");
  ws().WriteFile("generated.tf", generated);
  CommandResult apply = MustApply();
  EXPECT_THAT(apply.stdout_text, HasSubstr("3 imported, 0 added, 0 changed, 0 destroyed"));
  ExpectNoChanges("after importing with generated configuration");
  EXPECT_EQ(SecretRecord("generated")["versions"], 1);  // the import wrote nothing
  EXPECT_EQ(State("adbjit_instance_pool.p")["instance_pool_id"], *pool_id);
  EXPECT_EQ(State("adbjit_token.t")["comment"], "generated");
}

// An import always records `value` (Key Vault returns it). A configuration that gives the same text
// as value_wo, or writes `tags = {}` for a secret without tags, then changes Terraform's record
// only: no new secret version, the id stays. Switching back to value is the same, a different text
// still writes, and drift of the write-only value is still detected afterwards.
TEST_F(PoolBindingE2eTest, ImportIntoWriteOnlyOrEmptyTagsConfigurationWritesNoNewVersion) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string vault = VaultUrl();
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "wo", {.value = Secret("adopted-value")}).ok());
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "tagless", {.value = Secret("plain")}).ok());
  auto configure = [&](const std::string& wo_body) {
    Config(Binding(vault, wo_body, "wo", "wo") +
           Binding(vault, "  value = \"plain\"\n  tags = {}\n", "tagless", "tagless"));
  };
  auto expect_state_only_update = [&](const std::string& when, int changed) {
    CommandResult plan = PlanDetailed();
    ASSERT_EQ(plan.exit_code, 2) << when << "\n" << plan.Describe();
    EXPECT_THAT(plan.stdout_text, Not(HasSubstr("known after apply"))) << when << "\n" << plan.stdout_text;
    CommandResult applied = MustApply();
    EXPECT_THAT(applied.stdout_text, HasSubstr("0 added, " + std::to_string(changed) + " changed, 0 destroyed"))
        << when;
    ExpectNoChanges(when);
    EXPECT_EQ(SecretRecord("wo")["versions"], 1) << when;
    EXPECT_EQ(SecretRecord("tagless")["versions"], 1) << when;
  };

  configure("  value_wo         = \"adopted-value\"\n  value_wo_version = 1\n");
  for (const char* name : {"wo", "tagless"}) {
    CommandResult imported = ws().Terraform({"import", "-input=false", std::string("adbjit_keyvault_binding.") + name,
                                             emu().keyvault_url() + "/secrets/" + name});
    ASSERT_TRUE(imported.ok()) << imported.Describe();
  }
  expect_state_only_update("after importing", 2);
  EXPECT_TRUE(State("adbjit_keyvault_binding.wo")["value"].is_null());
  EXPECT_EQ(State("adbjit_keyvault_binding.wo")["value_wo_version"], 1);

  // The write-only value changed outside Terraform is still noticed and written back.
  ASSERT_TRUE(Outside().keyvault().SetSecret(vault, "wo", {.value = Secret("changed-outside")}).ok());
  CommandResult drift = PlanDetailed();
  EXPECT_EQ(drift.exit_code, 2) << drift.Describe();
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretRecord("wo")["versions"], 3);
  ExpectNoChanges("after writing the write-only value back");

  // Back to value with the same text: the record only. Another text: a new version.
  configure("  value = \"adopted-value\"\n");
  CommandResult back = PlanDetailed();
  ASSERT_EQ(back.exit_code, 2) << back.Describe();
  EXPECT_THAT(back.stdout_text, Not(HasSubstr("known after apply"))) << back.stdout_text;
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretRecord("wo")["versions"], 3);
  ExpectNoChanges("after switching back to value");
  configure("  value = \"another-value\"\n");
  CommandResult other = PlanDetailed();
  EXPECT_THAT(other.stdout_text, HasSubstr("known after apply")) << other.stdout_text;
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(SecretRecord("wo")["versions"], 4);
}

}  // namespace
}  // namespace adbjit::e2e
