// adbjit_token through the real terraform CLI against the emulator: create (plain and sealed into
// Key Vault) with a clean second plan, no leak of a sealed value anywhere, drift, rotation, import
// and destroy.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <thread>

#include "emulator/common.h"
#include "tests/e2e/token_e2e_fixture.h"

namespace adbjit::e2e {
namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

std::string PlainAndSealedConfig(const std::string& vault_url) {
  return R"(
resource "adbjit_token" "plain" {
  comment          = "plain token"
  lifetime_seconds = 3600
}

resource "adbjit_token" "sealed" {
  comment              = "sealed token"
  lifetime_seconds     = 7200
  renew_before_seconds = 60
  keyvault_secret {
    vault_url    = ")" +
         vault_url + R"("
    name         = "db-pat"
    content_type = "databricks-pat"
  }
}
)";
}

// adbjit_token.sealed, sealed into the secret `secret`, with `extra` at the end of its block.
std::string SealedToken(const std::string& vault_url, const std::string& secret, const std::string& extra = "") {
  return "resource \"adbjit_token\" \"sealed\" {\n  comment          = \"sealed\"\n  lifetime_seconds = 3600\n"
         "  keyvault_secret {\n    vault_url = \"" + vault_url + "\"\n    name      = \"" + secret + "\"\n  }\n" +
         extra + "}\n";
}

// adbjit_keyvault_binding.`resource` writing `value` to the secret `secret`.
std::string BindingOn(const std::string& vault_url, const std::string& secret, const std::string& value,
                      const std::string& resource = "b") {
  return "resource \"adbjit_keyvault_binding\" \"" + resource + "\" {\n  vault_url = \"" + vault_url +
         "\"\n  name      = \"" + secret + "\"\n  value     = \"" + value + "\"\n}\n";
}

// A provider block with only `attribute` = `value`, one token with comment `comment`, and the
// adbjit_tokens list that finds it (read after the token exists).
std::string TokenAndItsListing(const std::string& attribute, const std::string& value, const std::string& comment) {
  return "provider \"adbjit\" {\n  " + attribute + " = \"" + value + "\"\n}\n\n"
         "resource \"adbjit_token\" \"t\" {\n  comment          = \"" + comment + "\"\n  lifetime_seconds = 3600\n}\n\n"
         "data \"adbjit_tokens\" \"mine\" {\n  comment_contains = \"" + comment + "\"\n"
         "  depends_on       = [adbjit_token.t]\n}\n";
}

TEST_F(TokenE2eTest, CreatesPlainAndSealedTokensWithACleanSecondPlanAndDestroysEverything) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(PlainAndSealedConfig(VaultUrl()));
  const std::filesystem::path trace_log = ws().root() / "trace.log";
  ws().SetEnv("TF_LOG", "TRACE");
  ws().SetEnv("TF_LOG_PATH", trace_log.string());

  // The create plan already knows which of token_value and keyvault_secret_id stays null.
  CommandResult create_plan = ws().Plan({"-out=create.tfplan"});
  ASSERT_TRUE(create_plan.ok()) << create_plan.Describe();
  CommandResult show_create = ws().Terraform({"show", "-json", "create.tfplan"});
  ASSERT_TRUE(show_create.ok()) << show_create.Describe();
  for (const json& change : json::parse(show_create.stdout_text)["resource_changes"]) {
    const json& after = change["change"]["after"];
    const json& unknown = change["change"]["after_unknown"];
    const std::string stays_null = change["name"] == "plain" ? "keyvault_secret_id" : "token_value";
    const std::string filled = change["name"] == "plain" ? "token_value" : "keyvault_secret_id";
    EXPECT_TRUE(after.contains(stays_null) && after[stays_null].is_null()) << change.dump(2);
    EXPECT_FALSE(unknown.value(stays_null, false)) << change.dump(2);
    EXPECT_TRUE(unknown.value(filled, false)) << change.dump(2);
  }
  // Nor does its text: the plain token (listed first) shows no keyvault_secret_id at all.
  const std::string& plan_text = create_plan.stdout_text;
  const size_t plain_at = plan_text.find("# adbjit_token.plain will be created");
  const size_t sealed_at = plan_text.find("# adbjit_token.sealed will be created");
  ASSERT_LT(plain_at, sealed_at) << plan_text;
  EXPECT_THAT(plan_text.substr(plain_at, sealed_at - plain_at), Not(HasSubstr("keyvault_secret_id"))) << plan_text;

  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_THAT(apply.stdout_text, HasSubstr("2 added, 0 changed, 0 destroyed"));

  // An immediate second plan, saved to a file: no changes.
  CommandResult plan = ws().Plan({"-detailed-exitcode", "-out=saved.tfplan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();
  CommandResult show_plan = ws().Terraform({"show", "-json", "saved.tfplan"});
  ASSERT_TRUE(show_plan.ok()) << show_plan.Describe();
  CommandResult show_state = ws().Terraform({"show", "-json"});
  ASSERT_TRUE(show_state.ok()) << show_state.Describe();
  auto show = nlohmann::json::parse(show_state.stdout_text);

  // State values.
  json plain = ResourceValues(show, "adbjit_token.plain");
  json sealed = ResourceValues(show, "adbjit_token.sealed");
  ASSERT_TRUE(plain.is_object()) << show.dump(2);
  ASSERT_TRUE(sealed.is_object()) << show.dump(2);
  EXPECT_THAT(plain["token_value"].get<std::string>(), MatchesRegex("dapi[0-9a-f]+-2"));
  EXPECT_TRUE(sealed["token_value"].is_null()) << sealed.dump(2);
  for (const json* v : {&plain, &sealed}) {
    EXPECT_THAT((*v)["token_id"].get<std::string>(), MatchesRegex("[0-9a-f]{64}"));
    EXPECT_EQ((*v)["id"], (*v)["token_id"]);
    EXPECT_TRUE(IsRfc3339Utc((*v)["creation_time"])) << v->dump(2);
    EXPECT_TRUE(IsRfc3339Utc((*v)["expiry_time"])) << v->dump(2);
  }
  EXPECT_EQ(plain["comment"], "plain token");
  EXPECT_TRUE(plain["keyvault_secret_id"].is_null());
  const std::string secret_id = sealed["keyvault_secret_id"].get<std::string>();
  EXPECT_THAT(secret_id, MatchesRegex(".*/secrets/db-pat/[0-9a-f]{32}"));
  EXPECT_EQ(secret_id.rfind(emu().keyvault_url(), 0), 0u) << secret_id;

  // The emulator holds exactly these two tokens and the one secret version written.
  EXPECT_EQ(LiveTokenIds(),
            (std::set<std::string>{plain["token_id"].get<std::string>(), sealed["token_id"].get<std::string>()}));
  json secrets = Secrets();
  ASSERT_THAT(secrets, SizeIs(1)) << secrets.dump(2);
  EXPECT_EQ(secrets[0]["name"], "db-pat");
  EXPECT_EQ(secrets[0]["state"], "live");
  EXPECT_EQ(secrets[0]["versions"], 1);
  EXPECT_EQ(secrets[0]["latest"]["content_type"], "databricks-pat");
  // The secret expires with the token.
  auto token_expiry = Outside().databricks().GetToken(sealed["token_id"].get<std::string>());
  ASSERT_TRUE(token_expiry.ok());
  EXPECT_EQ(secrets[0]["latest"].value("exp", int64_t{0}), token_expiry->expiry_time / 1000);
  EXPECT_EQ(secret_id.substr(secret_id.rfind('/') + 1), secrets[0]["latest"]["version"].get<std::string>());

  // The sealed value is a working token of the principal, and it is nowhere in Terraform's hands.
  const std::string value = SecretValue("db-pat");
  ASSERT_THAT(value, MatchesRegex("dapi[0-9a-f]+-2"));
  EXPECT_NE(value, plain["token_value"].get<std::string>());
  const std::string state_file = ReadFileText(ws().work_dir() / "terraform.tfstate");
  const std::string plan_bytes = ReadFileText(ws().work_dir() / "saved.tfplan");
  ASSERT_THAT(state_file, HasSubstr(sealed["token_id"].get<std::string>()));    // the right file
  ASSERT_THAT(state_file, HasSubstr(plain["token_value"].get<std::string>()));  // a plain value would show
  ASSERT_FALSE(plan_bytes.empty());
  const std::string trace = ReadFileText(trace_log);
  ASSERT_THAT(trace, HasSubstr("ApplyResourceChange"));  // the log really is at TRACE
  // The plan file is a zip; look inside its members too.
  testing::RunResult unzipped =
      testing::Run(testing::SpawnOptions{.argv = {"/usr/bin/unzip", "-p", (ws().work_dir() / "saved.tfplan").string()},
                                         .env = {{"PATH", "/usr/bin:/bin"}},
                                         .cwd = ""},
                   std::chrono::seconds(30));
  ASSERT_EQ(unzipped.exit_code, 0) << unzipped.stderr_text;
  ASSERT_THAT(unzipped.stdout_text, HasSubstr(sealed["token_id"].get<std::string>()));

  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  const std::string trace_after_destroy = ReadFileText(trace_log);

  struct Place {
    const char* name;
    const std::string* text;
  };
  for (const Place& place :
       {Place{"terraform.tfstate", &state_file}, Place{"terraform show -json", &show_state.stdout_text},
        Place{"saved plan bytes", &plan_bytes}, Place{"saved plan members", &unzipped.stdout_text},
        Place{"terraform show -json saved.tfplan", &show_plan.stdout_text},
        Place{"TF_LOG=TRACE log", &trace_after_destroy}, Place{"apply stdout", &apply.stdout_text},
        Place{"apply stderr", &apply.stderr_text}, Place{"plan stdout", &plan.stdout_text},
        Place{"plan stderr", &plan.stderr_text}, Place{"destroy stdout", &destroy.stdout_text},
        Place{"destroy stderr", &destroy.stderr_text}}) {
    EXPECT_THAT(*place.text, Not(HasSubstr(value))) << "sealed token value leaked into " << place.name;
    EXPECT_THAT(*place.text, Not(HasSubstr(value.substr(4, 32)))) << "part of the sealed value in " << place.name;
  }

  // Destroy revoked both tokens and deleted and purged the secret.
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_THAT(Secrets(), IsEmpty()) << Secrets().dump(2);
  EXPECT_THAT(destroy.stdout_text, HasSubstr("2 destroyed"));
}

TEST_F(TokenE2eTest, DriftRevokedTokenAndDeletedOrOverwrittenSecretArePlannedBack) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(PlainAndSealedConfig(VaultUrl()));
  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  const std::string plain_id = State("adbjit_token.plain")["token_id"].get<std::string>();
  const std::string sealed_id = State("adbjit_token.sealed")["token_id"].get<std::string>();

  // Outside Terraform: the plain token is revoked, the sealed token's secret deleted.
  ASSERT_TRUE(Outside().databricks().DeleteToken(plain_id).ok());
  ASSERT_TRUE(Outside().keyvault().DeleteSecret(VaultUrl(), "db-pat").ok());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.plain will be created"));
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.sealed must be replaced"));
  EXPECT_THAT(plan.stdout_text, HasSubstr("Plan: 2 to add, 0 to change, 1 to destroy"));
  // The plan marks only keyvault_secret_id; a warning on the block says why.
  const std::string warned = Squashed(Output(plan));
  EXPECT_THAT(warned, HasSubstr("Warning: Token's Key Vault secret no longer holds it"));
  EXPECT_THAT(warned, HasSubstr("The secret \"db-pat\" was deleted, or a newer version was written to it, outside "
                                "this token"));
  EXPECT_THAT(warned, HasSubstr("with adbjit_token.sealed,"));
  EXPECT_THAT(warned, HasSubstr("token " + sealed_id + " is revoked"));

  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  ExpectNoChanges("after re-creating the revoked token and replacing the unsealed one");
  json plain = State("adbjit_token.plain");
  json sealed = State("adbjit_token.sealed");
  EXPECT_NE(plain["token_id"], plain_id);
  EXPECT_NE(sealed["token_id"], sealed_id);
  EXPECT_EQ(LiveTokenIds(),
            (std::set<std::string>{plain["token_id"].get<std::string>(), sealed["token_id"].get<std::string>()}));
  json secrets = Secrets();
  ASSERT_THAT(secrets, SizeIs(1)) << secrets.dump(2);
  EXPECT_EQ(secrets[0]["state"], "live");
  EXPECT_EQ(sealed["keyvault_secret_id"].get<std::string>().substr(
                sealed["keyvault_secret_id"].get<std::string>().rfind('/') + 1),
            secrets[0]["latest"]["version"].get<std::string>());
  // The recovered secret now carries the new token.
  const std::string delivered = SecretValue("db-pat");

  // Outside Terraform: a new version overwrites the sealed value.
  keyvault::SetSecretParams tamper;
  tamper.value = Secret("not-a-token");
  ASSERT_TRUE(Outside().keyvault().SetSecret(VaultUrl(), "db-pat", tamper).ok());
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.sealed must be replaced"));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("# adbjit_token.plain")));
  const std::string second_sealed_id = sealed["token_id"].get<std::string>();
  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  ExpectNoChanges("after replacing the token whose secret was overwritten");
  sealed = State("adbjit_token.sealed");
  EXPECT_NE(sealed["token_id"], second_sealed_id);
  const std::string redelivered = SecretValue("db-pat");
  EXPECT_THAT(redelivered, MatchesRegex("dapi[0-9a-f]+-2"));
  EXPECT_NE(redelivered, delivered);
  EXPECT_THAT(LiveTokenIds(), AllOf(SizeIs(2), Not(::testing::Contains(second_sealed_id))));
  EXPECT_THAT(apply.stdout_text + plan.stdout_text, Not(HasSubstr(redelivered)));
}

TEST_F(TokenE2eTest, TokenInsideItsRenewalWindowIsReplacedAndTheOldOneRevoked) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
resource "adbjit_token" "rotating" {
  comment              = "rotating"
  lifetime_seconds     = 120
  renew_before_seconds = 300
}

resource "adbjit_token" "steady" {
  comment              = "steady"
  lifetime_seconds     = 3600
  renew_before_seconds = 300
}
)");
  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  const std::string rotating_id = State("adbjit_token.rotating")["token_id"].get<std::string>();
  const std::string steady_id = State("adbjit_token.steady")["token_id"].get<std::string>();

  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.rotating must be replaced"));
  EXPECT_THAT(plan.stdout_text, HasSubstr("-/+ resource \"adbjit_token\" \"rotating\""));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("# adbjit_token.steady")));
  EXPECT_THAT(plan.stdout_text, HasSubstr("Plan: 1 to add, 0 to change, 1 to destroy"));

  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  const std::string rotated_id = State("adbjit_token.rotating")["token_id"].get<std::string>();
  EXPECT_NE(rotated_id, rotating_id);
  EXPECT_EQ(State("adbjit_token.steady")["token_id"], steady_id);
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{rotated_id, steady_id}));  // the old one is revoked

  // Changing only renew_before_seconds is an in-place update (no new token).
  ws().WriteConfig(R"(
resource "adbjit_token" "steady" {
  comment              = "steady"
  lifetime_seconds     = 3600
  renew_before_seconds = 60
}
)");
  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_THAT(apply.stdout_text, HasSubstr("0 added, 1 changed, 1 destroyed"));
  EXPECT_EQ(State("adbjit_token.steady")["token_id"], steady_id);
  EXPECT_EQ(State("adbjit_token.steady")["renew_before_seconds"], 60);
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{steady_id}));
  ExpectNoChanges("after the in-place update");

  // A window known only at apply (from a resource created in the same run) cannot be checked at
  // plan time, and a token found inside it during the apply could not be replaced then (Terraform
  // refuses an update that turns into a replacement): the plan replaces it, saying why.
  ws().WriteConfig(R"(
resource "terraform_data" "window" {
  input = 60
}

resource "adbjit_token" "steady" {
  comment              = "steady"
  lifetime_seconds     = 3600
  renew_before_seconds = terraform_data.window.output
}
)");
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.steady must be replaced"));
  EXPECT_THAT(Output(plan), HasSubstr("Warning: Token replaced: renewal window unknown"));
  EXPECT_THAT(Output(plan), HasSubstr("renew_before_seconds = terraform_data.window.output"));  // quoted line
  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  const std::string renewed_id = State("adbjit_token.steady")["token_id"].get<std::string>();
  EXPECT_NE(renewed_id, steady_id);
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{renewed_id}));
  ExpectNoChanges("once the window is known");
}

// Rotation without a gap: with create_before_destroy the new token is written to the secret before
// the old token is destroyed, and destroying the old one must leave that secret alone (it used to
// delete and purge it, taking the new token from the pipelines and re-planning a token forever).
TEST_F(TokenE2eTest, SealedTokenReplacedCreateBeforeDestroyKeepsTheNewTokenInItsSecret) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedToken(VaultUrl(), "gapless-pat", "  lifecycle {\n    create_before_destroy = true\n  }\n"));
  ASSERT_TRUE(MustApply().ok());
  const std::string old_id = State("adbjit_token.sealed")["token_id"];
  const std::string old_value = SecretValue("gapless-pat");

  CommandResult replaced = MustApply({"-replace=adbjit_token.sealed"});
  EXPECT_THAT(replaced.stdout_text, HasSubstr("1 added, 0 changed, 1 destroyed"));
  const json state = State("adbjit_token.sealed");
  const std::string new_id = state["token_id"];
  EXPECT_NE(new_id, old_id);
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{new_id}));  // the old token is revoked
  const keyvault::SecretBundle bundle = SecretBundle("gapless-pat");
  EXPECT_EQ(bundle.id, state["keyvault_secret_id"]) << "the secret holds the version the new token wrote";
  EXPECT_NE(bundle.value.Reveal(), old_value);
  EXPECT_EQ(SecretRecord("gapless-pat")["state"], "live");
  ExpectNoChanges("after the replacement");

  // Destroying the token that owns the latest version still removes the secret.
  ExpectDestroyRemovesSecret("gapless-pat");
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// A sealed token and a binding never take each other's secret: each create refuses a secret whose
// latest version the other type wrote (the token's destroy purged the binding's secret with its
// history, and the binding overwrote the token the pipelines read), a token before it is minted.
TEST_F(TokenE2eTest, ASealedTokenAndABindingDoNotTakeEachOthersSecret) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto binding = [&](const std::string& resource, const std::string& secret) {
    return BindingOn(VaultUrl(), secret, "the binding's", resource);
  };
  ws().WriteConfig(binding("b", "held"));
  ASSERT_TRUE(ws().Apply().ok());
  ws().WriteConfig(binding("b", "held") + SealedToken(VaultUrl(), "held"));
  CommandResult refused = ws().Apply();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_THAT(refused.stderr_text, HasSubstr("Error: Cannot write token to Key Vault"));
  EXPECT_THAT(Squashed(refused.stderr_text),
              ContainsRegex("Key Vault secret \"held\" in " + VaultUrl() + " is written by an adbjit_keyvault_binding "
                            "\\(its latest version carries the tag adbjit = \"adbjit_keyvault_binding:[0-9a-f]{16}\"\\)"));
  EXPECT_EQ(RouteRequests("/api/2.0/token/create"), 0);
  EXPECT_EQ(SecretValue("held"), "the binding's");

  ws().WriteConfig(binding("b", "held") + SealedToken(VaultUrl(), "tok-secret"));
  ASSERT_TRUE(ws().Apply().ok());
  const std::string token_id = State("adbjit_token.sealed")["token_id"];
  ws().WriteConfig(binding("b", "held") + SealedToken(VaultUrl(), "tok-secret") + binding("c", "tok-secret"));
  refused = ws().Apply();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_THAT(refused.stderr_text, HasSubstr("Error: Cannot write Key Vault secret"));
  EXPECT_THAT(Squashed(refused.stderr_text),
              HasSubstr("is written by an adbjit_token (its latest version carries the tag adbjit = \"adbjit_token:" +
                        token_id + "\"), so writing it here would take it from that resource"));
  auto held = Outside().keyvault().GetSecret(VaultUrl(), "tok-secret");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(held->tags["adbjit"], "adbjit_token:" + token_id);
  // Nor is the token's secret imported as a binding: its value would enter the state.
  CommandResult imported =
      ws().Terraform({"import", "-input=false", "adbjit_keyvault_binding.c", VaultUrl() + "secrets/tok-secret"});
  EXPECT_NE(imported.exit_code, 0) << imported.Describe();
  EXPECT_THAT(Squashed(imported.stderr_text), HasSubstr("Error: Cannot import a sealed token's secret"));
  EXPECT_TRUE(State("adbjit_keyvault_binding.c").is_null());

  ws().WriteConfig(binding("b", "held") + SealedToken(VaultUrl(), "tok-secret"));
  ASSERT_TRUE(ws().Destroy().ok());
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_THAT(Secrets(), IsEmpty()) << Secrets().dump(2);
}

// Created in one apply, a sealed token and a binding on one secret may both pass the check before
// either writes. The one that lost the secret then stays as it is, with a warning that says to
// rename its secret, rather than write over the other (the binding) or be replaced by a token that
// could not be written there (the token, which the replacement would first revoke). A plan that
// would write or replace it anyway stops with an error; a refresh-only apply does not lose the
// mark, and a destroy is not blocked. The later writer is played here by a version written with
// the other's tag, so that the test does not depend on the order of the two creates.
TEST_F(TokenE2eTest, ASealedTokenAndABindingOnOneSecretLeaveItToTheOneThatHasIt) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto binding = [&](const std::string& secret, const std::string& value = "the binding's") {
    return BindingOn(VaultUrl(), secret, value);
  };
  auto token = [&](const std::string& secret, int lifetime = 3600) {
    std::string t = SealedToken(VaultUrl(), secret);
    t.replace(t.find("3600"), 4, std::to_string(lifetime));
    return t;
  };
  ws().WriteConfig(binding("binding-secret") + token("token-secret"));
  ASSERT_TRUE(ws().Apply().ok());
  const std::set<std::string> live = LiveTokenIds();
  ASSERT_THAT(live, SizeIs(1));

  // A binding wrote the token's secret after it.
  ASSERT_TRUE(Outside()
                  .keyvault()
                  .SetSecret(VaultUrl(), "token-secret",
                             {.value = Secret("a binding's"), .tags = {{"adbjit", "adbjit_keyvault_binding"}}})
                  .ok());
  for (const std::vector<std::string>& refresh_only : {std::vector<std::string>{}, {"-refresh-only"}}) {
    if (!refresh_only.empty()) {
      ASSERT_TRUE(ws().Apply(refresh_only).ok());  // saves the refreshed state
    }
    CommandResult plan = PlanDetailed();
    EXPECT_EQ(plan.exit_code, 0) << plan.Describe();
    const std::string said = Squashed(Output(plan));
    EXPECT_THAT(said, HasSubstr("Warning: Secret held by a Key Vault binding"));
    EXPECT_THAT(said, HasSubstr("Give the token's keyvault_secret another name (the binding keeps this one). Until "
                                "then the token stays as it is, and is not rotated."));
  }
  ws().WriteConfig(binding("binding-secret") + token("token-secret", 7200));  // a change that replaces it
  CommandResult refused = PlanDetailed();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_THAT(Squashed(refused.stderr_text), HasSubstr("Error: Secret held by a Key Vault binding"));
  EXPECT_THAT(Squashed(refused.stderr_text), HasSubstr("This plan would replace the token for another change."));
  EXPECT_EQ(ws().Apply().exit_code, 1);
  EXPECT_EQ(LiveTokenIds(), live);  // not revoked
  ws().WriteConfig(binding("binding-secret") + token("token-secret-2"));
  CommandResult renamed = PlanDetailed();
  EXPECT_EQ(renamed.exit_code, 2) << renamed.Describe();
  EXPECT_THAT(Output(renamed), Not(HasSubstr("no longer holds it")));  // the block's change says it
  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  ExpectNoChanges("once the token has a secret of its own");
  EXPECT_EQ(SecretValue("token-secret"), "a binding's");  // the old token's destroy left it

  // A sealed token wrote the binding's secret after it.
  ASSERT_TRUE(Outside()
                  .keyvault()
                  .SetSecret(VaultUrl(), "binding-secret",
                             {.value = Secret("a token"), .tags = {{"adbjit", "adbjit_token:" + *LiveTokenIds().begin()}}})
                  .ok());
  // Without a refresh the plan cannot know; the write looks once more and does not go over it.
  ws().WriteConfig(binding("binding-secret", "a new value") + token("token-secret-2"));
  CommandResult unrefreshed = ws().Apply({"-refresh=false"});
  EXPECT_EQ(unrefreshed.exit_code, 1) << unrefreshed.Describe();
  EXPECT_THAT(Squashed(unrefreshed.stderr_text), HasSubstr("Error: Secret held by a sealed token"));
  EXPECT_THAT(Squashed(unrefreshed.stderr_text), HasSubstr("(the token keeps this one). Nothing was written."));
  EXPECT_EQ(SecretValue("binding-secret"), "a token");
  ws().WriteConfig(binding("binding-secret") + token("token-secret-2"));
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("Warning: Secret held by a sealed token"));
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("Give the binding another secret name (the token keeps this one). "
                                                "Until then the binding writes nothing."));
  auto shown = ws().ShowJson();
  ASSERT_TRUE(shown.ok());
  EXPECT_THAT(shown->dump(), Not(HasSubstr("a token")));  // the token's value is not read into state
  ws().WriteConfig(binding("binding-secret", "a new value") + token("token-secret-2"));
  refused = PlanDetailed();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_THAT(Squashed(refused.stderr_text), HasSubstr("Error: Secret held by a sealed token"));
  EXPECT_EQ(SecretValue("binding-secret"), "a token");

  // A destroy is not blocked, and leaves the other's secret alone.
  ws().WriteConfig(binding("binding-secret") + token("token-secret-2"));
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_EQ(SecretValue("binding-secret"), "a token");
  EXPECT_EQ(SecretValue("token-secret"), "a binding's");
}

// A secret that someone else keeps is not taken over: the create fails on the block before any
// token is minted, and the secret keeps its only version. The secret the token itself wrote stays
// its own (and its replacement's), so writing it again is not refused.
TEST_F(TokenE2eTest, SealingIntoASecretSomeoneElseWroteIsRefusedBeforeAnyTokenIsMinted) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(Outside().keyvault().SetSecret(VaultUrl(), "kept-elsewhere", {.value = Secret("precious")}).ok());
  ws().WriteConfig(SealedToken(VaultUrl(), "kept-elsewhere"));
  CommandResult refused = ws().Apply();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_THAT(refused.stderr_text, HasSubstr("Error: Cannot write token to Key Vault"));
  EXPECT_THAT(Squashed(refused.stderr_text),
              HasSubstr("Key Vault secret \"kept-elsewhere\" already exists in " + VaultUrl() +
                        " and was not written by adbjit"));
  EXPECT_EQ(RouteRequests("/api/2.0/token/create"), 0);
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_EQ(SecretRecord("kept-elsewhere")["versions"], 1);
  EXPECT_EQ(SecretValue("kept-elsewhere"), "precious");
  EXPECT_TRUE(State("adbjit_token.sealed").is_null());

  // Without the List permission an earlier version of adbjit's cannot be looked for: the error
  // says so rather than only that adbjit did not write the secret.
  emu().SetFaults(json::array({{{"service", "keyvault"}, {"method", "GET"}, {"path", "/versions"},
                                {"action", "status"}, {"status", 403},
                                {"body", R"({"error":{"code":"Forbidden","message":"no list permission"}})"}}}));
  refused = ws().Apply();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  EXPECT_THAT(Squashed(refused.stderr_text), HasSubstr("its earlier versions could not be listed"));
  EXPECT_THAT(Squashed(refused.stderr_text), HasSubstr("needs the List permission on secrets"));
  EXPECT_EQ(RouteRequests("/api/2.0/token/create"), 0);
  emu().ClearFaults();

  // An unsealed token given that secret later: the replacement would revoke it and then be
  // refused, leaving the secret's readers with nothing valid. The plan stops while it is alive.
  ws().WriteConfig("resource \"adbjit_token\" \"sealed\" {\n  comment          = \"sealed\"\n"
                   "  lifetime_seconds = 3600\n}\n");
  ASSERT_TRUE(ws().Apply().ok());
  const std::set<std::string> live = LiveTokenIds();
  ASSERT_THAT(live, SizeIs(1));
  ws().WriteConfig(SealedToken(VaultUrl(), "kept-elsewhere"));
  CommandResult stopped = PlanDetailed();
  EXPECT_EQ(stopped.exit_code, 1) << stopped.Describe();
  EXPECT_THAT(stopped.stderr_text, HasSubstr("Error: Cannot replace token into this Key Vault secret"));
  EXPECT_THAT(Squashed(stopped.stderr_text), HasSubstr("and was not written by adbjit"));
  EXPECT_EQ(ws().Apply().exit_code, 1);
  EXPECT_EQ(LiveTokenIds(), live) << "the token was revoked for a successor that could not be written";
  EXPECT_EQ(SecretValue("kept-elsewhere"), "precious");
}

// A sealed token's secret disabled outside Terraform (to cut pipelines off, say): refresh warns on
// the block and plans nothing (writing the token again would make a new, enabled version), and
// destroy still revokes the token and removes the secret.
TEST_F(TokenE2eTest, DisabledSecretWarnsWithoutReplacingAndIsStillDestroyed) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedToken(VaultUrl(), "disabled-pat"));
  ASSERT_TRUE(MustApply().ok());
  ASSERT_TRUE(Outside().keyvault().UpdateSecret(VaultUrl(), "disabled-pat", "", {.enabled = false}).ok());

  CommandResult plan = ExpectNoChanges("with the secret disabled");
  const std::string warned = Squashed(plan.stdout_text + plan.stderr_text);
  EXPECT_THAT(warned, HasSubstr("Token's Key Vault secret is disabled"));
  EXPECT_THAT(warned, HasSubstr("Any new token (a replacement, or the one planned when this one expires) is written "
                                "as a new, enabled version."));
  ExpectDestroyRemovesSecret("disabled-pat");
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// The vault (no trailing slash, upper case) and the secret name (case) spelled differently are
// the same secret: no new token, as for a binding.
TEST_F(TokenE2eTest, VaultUrlAndNameSpelledDifferentlyAreNoNewToken) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedToken(VaultUrl(), "spelled-pat"));
  ASSERT_TRUE(MustApply().ok());
  const std::string id = State("adbjit_token.sealed")["token_id"];
  std::string respelled = emu().keyvault_url();  // no trailing slash
  for (char& c : respelled) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ws().WriteConfig(SealedToken(respelled, "Spelled-PAT"));
  ExpectNoChanges("with the vault URL and the secret name spelled differently");
  EXPECT_EQ(State("adbjit_token.sealed")["token_id"], id);
  // Another vault is another secret: a new token.
  ws().WriteConfig(SealedToken("https://elsewhere.vault.azure.net/", "spelled-pat"));
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("must be replaced"));
}

TEST_F(TokenE2eTest, ImportWithTheCliAndAnImportBlockThenNoChanges) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto a = Outside().databricks().CreateTokenSafely(3600, "imported a");
  auto b = Outside().databricks().CreateTokenSafely(1800, "imported b");
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string a_id = a->info.token_id;
  const std::string b_id = b->info.token_id;
  ws().WriteConfig(R"(
resource "adbjit_token" "a" {
  comment          = "imported a"
  lifetime_seconds = 3600
}

resource "adbjit_token" "b" {
  comment          = "imported b"
  lifetime_seconds = 1800
}

import {
  to = adbjit_token.b
  id = ")" + b_id + R"("
}
)");
  CommandResult missing = ws().Terraform({"import", "-input=false", "adbjit_token.a", std::string(64, '0')});
  EXPECT_NE(missing.exit_code, 0) << missing.Describe();
  EXPECT_THAT(missing.stderr_text, HasSubstr("not found"));

  // Ids that are no token id are refused before any call: too short by one, or with a space inside.
  const int gets = RouteRequests("/token/list", "GET", 200);
  for (const std::string& bad : {a_id.substr(1), a_id.substr(0, 32) + " " + a_id.substr(33)}) {
    CommandResult malformed = ws().Terraform({"import", "-input=false", "adbjit_token.a", bad});
    EXPECT_NE(malformed.exit_code, 0) << malformed.Describe();
    EXPECT_THAT(Squashed(malformed.stderr_text), HasSubstr("Error: Invalid import id"));
    EXPECT_THAT(Squashed(malformed.stderr_text),
                HasSubstr("the 64 hexadecimal characters that Databricks lists as token_id; got \"" + bad +
                          "\" (" + std::to_string(bad.size()) + " characters)."));
  }
  EXPECT_EQ(RouteRequests("/token/list", "GET", 200), gets);

  // An id copied in upper case, or with white space around it, is the same token.
  std::string upper = a_id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CommandResult import = ws().Terraform({"import", "-input=false", "adbjit_token.a", " " + upper + "\n"});
  ASSERT_TRUE(import.ok()) << import.Describe();
  EXPECT_THAT(import.stdout_text, HasSubstr("Import successful"));

  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();  // the import block is pending
  EXPECT_THAT(plan.stdout_text, HasSubstr("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy"));
  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_THAT(apply.stdout_text, HasSubstr("1 imported, 0 added, 0 changed, 0 destroyed"));

  ExpectNoChanges("after importing both tokens");
  json sa = State("adbjit_token.a");
  json sb = State("adbjit_token.b");
  EXPECT_EQ(sa["token_id"], a_id);
  EXPECT_EQ(sb["token_id"], b_id);
  EXPECT_EQ(sa["comment"], "imported a");
  EXPECT_EQ(sb["lifetime_seconds"], 1800);
  EXPECT_TRUE(sa["token_value"].is_null());
  EXPECT_TRUE(sb["token_value"].is_null());
  EXPECT_TRUE(IsRfc3339Utc(sb["expiry_time"]));
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{a_id, b_id}));  // nothing created

  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// Databricks keeps no comment and an empty one alike, and an import reads either as null: a
// configuration that says comment = "" updates the state in place rather than revoke the token.
TEST_F(TokenE2eTest, ImportedTokenWithoutACommentIsKeptWhenTheConfigurationSaysEmpty) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto c = Outside().databricks().CreateTokenSafely(3600, "");
  ASSERT_TRUE(c.ok());
  const std::string c_id = c->info.token_id;
  ws().WriteConfig("resource \"adbjit_token\" \"c\" {\n  comment          = \"\"\n  lifetime_seconds = 3600\n}\n");
  CommandResult import = ws().Terraform({"import", "-input=false", "adbjit_token.c", c_id});
  ASSERT_TRUE(import.ok()) << import.Describe();
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("Plan: 0 to add, 1 to change, 0 to destroy"));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("forces replacement")));
  ASSERT_TRUE(MustApply().ok());
  ExpectNoChanges("after recording the empty comment");
  EXPECT_EQ(State("adbjit_token.c")["token_id"], c_id);
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{c_id}));
}

// An import links no secret (Databricks never returns the value to write), so a configuration with
// keyvault_secret plans a new token for it; a warning on the block says so, naming both tokens'
// fates. The apply writes the new token there, revokes the imported one, and converges.
TEST_F(TokenE2eTest, TokenImportedIntoASealedConfigurationIsReplacedWithAWarning) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto outside = Outside().databricks().CreateTokenSafely(3600, "sealed");
  ASSERT_TRUE(outside.ok()) << outside.status().ToString();
  const std::string imported_id = outside->info.token_id;
  ws().WriteConfig(SealedToken(VaultUrl(), "imported-pat") + "import {\n  to = adbjit_token.sealed\n  id = \"" +
                   imported_id + "\"\n}\n");
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.sealed must be replaced"));
  const std::string warned = Squashed(Output(plan));
  EXPECT_THAT(warned, HasSubstr("Warning: New token planned for keyvault_secret"));
  EXPECT_THAT(warned, HasSubstr("Token " + imported_id + " has no Key Vault secret recorded"));
  EXPECT_THAT(warned, HasSubstr("written to the secret \"imported-pat\""));
  ASSERT_TRUE(MustApply().ok());
  ExpectNoChanges("after replacing the imported token");
  const json state = State("adbjit_token.sealed");
  EXPECT_NE(state["token_id"], imported_id);
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{state["token_id"].get<std::string>()});
  EXPECT_THAT(SecretValue("imported-pat"), MatchesRegex("dapi[0-9a-f]+-2"));
}

TEST_F(TokenE2eTest, DestroySucceedsWhenTokenAndSecretAreAlreadyGone) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(PlainAndSealedConfig(VaultUrl()));
  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  for (const char* address : {"adbjit_token.plain", "adbjit_token.sealed"}) {
    ASSERT_TRUE(Outside().databricks().DeleteToken(State(address)["token_id"].get<std::string>()).ok());
  }
  ASSERT_TRUE(Outside().keyvault().DeleteSecret(VaultUrl(), "db-pat").ok());
  ASSERT_TRUE(Outside().keyvault().PurgeDeletedSecretAndWait(VaultUrl(), "db-pat").ok());
  ASSERT_THAT(LiveTokenIds(), IsEmpty());

  // Without a refresh the provider's Delete meets a revoked token and a purged secret.
  CommandResult destroy = ws().Destroy({"-refresh=false"});
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("2 destroyed"));
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_THAT(Secrets(), IsEmpty()) << Secrets().dump(2);
  auto show = ws().ShowJson();
  ASSERT_TRUE(show.ok());
  EXPECT_TRUE(ResourceValues(*show, "adbjit_token.plain").is_null());
}

// A sealed token revoked outside Terraform is not dropped from state while its secret holds it:
// dropped, a destroy (or a rename of the secret) left the secret behind with the dead token in it.
// The plan replaces it, saying why; a destroy removes the secret. The same holds on the next
// destroy when the first revoked the token and then failed to purge the secret, and for a token
// that expired.
TEST_F(TokenE2eTest, SealedTokenGoneOutsideOrHalfDestroyedStillTakesItsSecretAlong) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  ASSERT_TRUE(ws().Apply().ok());
  const std::string revoked_id = State("adbjit_token.sealed")["token_id"].get<std::string>();
  ASSERT_TRUE(Outside().databricks().DeleteToken(revoked_id).ok());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.sealed must be replaced"));
  const std::string warned = Squashed(Output(plan));
  EXPECT_THAT(warned, HasSubstr("Warning: Token revoked outside Terraform"));
  EXPECT_THAT(warned, HasSubstr("Token " + revoked_id + " was revoked outside Terraform, and the secret \"db-pat\" "
                                "still holds it. A new token is planned in its place and written to the secret."));
  // Renamed in the same change: the warning names where the new token goes.
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat-2"));
  EXPECT_THAT(Squashed(Output(PlanDetailed())),
              HasSubstr("written to the secret \"db-pat-2\"; \"db-pat\" is removed with the revoked token."));
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("1 destroyed"));
  EXPECT_THAT(Secrets(), IsEmpty()) << Secrets().dump(2);

  ASSERT_TRUE(ws().Apply().ok());
  emu().SetFaults(json::array({{{"service", "keyvault"}, {"method", "DELETE"}, {"path", "^/deletedsecrets/db-pat"},
                                {"action", "status"}, {"status", 500}, {"count", 1}}}));
  destroy = ws().Destroy();
  EXPECT_EQ(destroy.exit_code, 1) << destroy.Describe();
  EXPECT_THAT(destroy.stderr_text, HasSubstr("Cannot purge Key Vault secret"));
  EXPECT_THAT(Squashed(destroy.stderr_text),
              HasSubstr("is revoked; only the secret \"db-pat\" is left, and the token stays in state for it: running "
                        "the destroy again removes the secret"));
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  ASSERT_THAT(Secrets(), SizeIs(1));
  EXPECT_EQ(Secrets()[0]["state"], "deleted") << Secrets().dump(2);
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("Warning: Token revoked by an unfinished destroy"));
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("that then could not purge the secret \"db-pat\": deleted but not "
                                                "purged, it still holds the token."));
  EXPECT_THAT(Output(plan), Not(HasSubstr("revoked outside Terraform")));
  destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("1 destroyed"));
  EXPECT_THAT(Secrets(), IsEmpty()) << Secrets().dump(2);

  // Expired (it leaves the list as a revoked one does, and the state's expiry_time has passed):
  // replaced by its expiry, not called revoked, and a destroy removes its secret. The wait is for
  // the emulator to see the one-second lifetime run out, bounded.
  ws().WriteConfig("resource \"adbjit_token\" \"sealed\" {\n  lifetime_seconds = 1\n  keyvault_secret {\n"
                   "    vault_url = \"" + VaultUrl() + "\"\n    name      = \"db-pat\"\n  }\n}\n");
  ASSERT_TRUE(ws().Apply().ok());
  const std::string expired_id = State("adbjit_token.sealed")["token_id"].get<std::string>();
  for (int i = 0; i < 100 && LiveTokenIds().contains(expired_id); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(LiveTokenIds().contains(expired_id)) << "the one-second token did not expire";
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.sealed must be replaced"));
  EXPECT_THAT(Output(plan), Not(HasSubstr("revoked outside Terraform")));
  destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("1 destroyed"));
  EXPECT_THAT(Secrets(), IsEmpty()) << Secrets().dump(2);

  // Revoked, and a value written by hand over it: the secret no longer holds the token, which
  // leaves the state; the plan says that the apply writes over the hand-written value.
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  ASSERT_TRUE(ws().Apply().ok());
  const std::string overwritten_id = State("adbjit_token.sealed")["token_id"].get<std::string>();
  ASSERT_TRUE(Outside().databricks().DeleteToken(overwritten_id).ok());
  ASSERT_TRUE(Outside().keyvault().SetSecret(VaultUrl(), "db-pat", {.value = Secret("by hand")}).ok());
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(Squashed(Output(plan)),
              HasSubstr("a version written outside this token now holds the secret \"db-pat\". The token leaves "
                        "the state; an apply creates a new token and writes it over that version."));
  ASSERT_TRUE(ws().Destroy().ok());

  // Revoked, and the secret deleted by hand (soft-deleted, not purged): the deleted secret still
  // holds the token, so it stays; the warning says the secret is deleted, and a destroy purges it.
  ASSERT_TRUE(ws().Apply().ok());
  const std::string deleted_id = State("adbjit_token.sealed")["token_id"].get<std::string>();
  ASSERT_TRUE(Outside().databricks().DeleteToken(deleted_id).ok());
  ASSERT_TRUE(Outside().keyvault().DeleteSecret(VaultUrl(), "db-pat").ok());
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("Token " + deleted_id + " was revoked outside Terraform, and the "
                                                "secret \"db-pat\", deleted but not purged, still holds it."));
  destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("1 destroyed"));
  EXPECT_THAT(Secrets(), IsEmpty()) << Secrets().dump(2);
}

// A sealed token's secret overwritten by hand: the destroy revokes the token and leaves the secret
// to whoever wrote it, and says so (the refresh before it found the secret no longer the token's,
// and Terraform does not show that refresh's warnings).
TEST_F(TokenE2eTest, ADestroySaysItLeavesASecretOverwrittenOutside) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  ASSERT_TRUE(ws().Apply().ok());
  ASSERT_TRUE(Outside().keyvault().SetSecret(VaultUrl(), "db-pat", {.value = Secret("by hand")}).ok());
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(Squashed(Output(destroy)), HasSubstr("Warning: Secret left in Key Vault"));
  EXPECT_THAT(Squashed(Output(destroy)), HasSubstr("The latest version of the secret \"db-pat\" was written outside "
                                                   "Terraform"));
  EXPECT_EQ(SecretValue("db-pat"), "by hand");
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// A refresh that could not see a live sealed token (here a token list answered empty; in life,
// another principal's credentials) marks it revoked, and a refresh-only apply saves that mark.
// The next refresh that lists the token clears it: the token is not replaced as "revoked".
// The secret holds the token while its latest version is one the token wrote, whatever that
// version's id: a write whose answer was lost and that landed after its retry leaves a second
// version of the same token, and a secret recovered after a refresh-only apply recorded it gone
// holds the token again. Neither is a reason for a new token, and destroy still removes the secret.
TEST_F(TokenE2eTest, AVersionTheTokenWroteItselfStillHoldsItWhateverItsId) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  ASSERT_TRUE(ws().Apply().ok());
  const std::string token_id = State("adbjit_token.sealed")["token_id"].get<std::string>();
  const std::string first_version = State("adbjit_token.sealed")["keyvault_secret_id"].get<std::string>();

  // The same token written again, as a lost write that landed would be.
  keyvault::SetSecretParams again;
  again.value = Secret(SecretValue("db-pat"));
  again.tags["adbjit"] = "adbjit_token:" + token_id;
  auto landed = Outside().keyvault().SetSecret(VaultUrl(), "db-pat", again);
  ASSERT_TRUE(landed.ok()) << landed.status().ToString();
  ASSERT_NE(landed->id, first_version);
  ExpectNoChanges("after a second version of the same token");
  CommandResult refreshed = ws().Apply({"-refresh-only"});
  ASSERT_TRUE(refreshed.ok()) << refreshed.Describe();
  EXPECT_EQ(State("adbjit_token.sealed")["keyvault_secret_id"], landed->id);
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{token_id});

  // Deleted outside, recorded so by a refresh-only apply, then recovered.
  ASSERT_TRUE(Outside().keyvault().DeleteSecret(VaultUrl(), "db-pat").ok());
  refreshed = ws().Apply({"-refresh-only"});
  ASSERT_TRUE(refreshed.ok()) << refreshed.Describe();
  ASSERT_TRUE(State("adbjit_token.sealed")["keyvault_secret_id"].is_null());
  ASSERT_TRUE(Outside().keyvault().RecoverDeletedSecretAndWait(VaultUrl(), "db-pat").ok());
  ExpectNoChanges("after the secret was recovered");
  refreshed = ws().Apply({"-refresh-only"});
  ASSERT_TRUE(refreshed.ok()) << refreshed.Describe();
  EXPECT_EQ(State("adbjit_token.sealed")["keyvault_secret_id"], landed->id);

  // Destroyed without a refresh, from a state that names an earlier version: the secret goes.
  ASSERT_TRUE(Outside().keyvault().SetSecret(VaultUrl(), "db-pat", again).ok());
  CommandResult destroyed = ws().Terraform({"destroy", "-auto-approve", "-input=false", "-refresh=false"});
  ASSERT_TRUE(destroyed.ok()) << destroyed.Describe();
  EXPECT_THAT(Output(destroyed), Not(HasSubstr("Secret left in Key Vault")));
  EXPECT_THAT(Secrets(), IsEmpty());
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// The same with no version recorded at all (a refresh-only apply found the secret gone): a destroy
// without a refresh still removes the secret once it holds the token again.
TEST_F(TokenE2eTest, ASecretRecoveredAfterItWasRecordedGoneIsRemovedByTheDestroy) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  ASSERT_TRUE(ws().Apply().ok());
  ASSERT_TRUE(Outside().keyvault().DeleteSecret(VaultUrl(), "db-pat").ok());
  CommandResult refreshed = ws().Apply({"-refresh-only"});
  ASSERT_TRUE(refreshed.ok()) << refreshed.Describe();
  ASSERT_TRUE(State("adbjit_token.sealed")["keyvault_secret_id"].is_null());
  ASSERT_TRUE(Outside().keyvault().RecoverDeletedSecretAndWait(VaultUrl(), "db-pat").ok());
  CommandResult destroyed = ws().Terraform({"destroy", "-auto-approve", "-input=false", "-refresh=false"});
  ASSERT_TRUE(destroyed.ok()) << destroyed.Describe();
  EXPECT_THAT(Secrets(), IsEmpty());
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

TEST_F(TokenE2eTest, ARevokedMarkIsClearedOnceTheTokenIsListedAgain) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  ASSERT_TRUE(ws().Apply().ok());
  const std::set<std::string> live = LiveTokenIds();
  ASSERT_THAT(live, SizeIs(1));
  emu().SetFaults(json::array({{{"service", "databricks"}, {"method", "GET"}, {"path", "/token/list$"},
                                {"action", "status"}, {"status", 200}, {"body", "{}"}, {"count", 1}}}));
  CommandResult blind = ws().Apply({"-refresh-only"});
  ASSERT_TRUE(blind.ok()) << blind.Describe();
  ASSERT_FALSE(State("adbjit_token.sealed").is_null()) << "kept: its secret still holds it";
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();
  EXPECT_THAT(Output(plan), Not(HasSubstr("revoked outside Terraform")));
  ASSERT_TRUE(ws().Apply().ok());
  EXPECT_EQ(LiveTokenIds(), live);

  // Revoked for real: the replacement does not inherit the mark, so a plan without a refresh
  // leaves the new token alone.
  ASSERT_TRUE(Outside().databricks().DeleteToken(*live.begin()).ok());
  CommandResult replaced = ws().Apply();
  ASSERT_TRUE(replaced.ok()) << replaced.Describe();
  EXPECT_THAT(replaced.stdout_text, HasSubstr("1 added, 0 changed, 1 destroyed"));
  CommandResult unrefreshed = ws().Terraform({"plan", "-input=false", "-detailed-exitcode", "-refresh=false"});
  EXPECT_EQ(unrefreshed.exit_code, 0) << unrefreshed.Describe();
  EXPECT_THAT(Output(unrefreshed), Not(HasSubstr("revoked outside Terraform")));
  ASSERT_TRUE(ws().Destroy().ok());
}

// Two tokens that write one secret: the one whose version came first sees the other's live token
// in it and stays as it is, with a warning naming both, rather than replace it on every apply
// (each replacement revoked the other's token). Its keyvault_secret_id, the version that still
// holds it, is kept, so that bindings that copy each id plan no change either (a null there
// failed every plan, and so the fix). Once they have names of their own, both converge.
TEST_F(TokenE2eTest, TwoTokensSharingASecretDoNotReplaceEachOtherForever) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto two = [&](const std::string& b_secret) {
    std::string b = SealedToken(VaultUrl(), b_secret);
    b.replace(b.find("\"sealed\""), 8, "\"b\"");
    return SealedToken(VaultUrl(), "dup-tok") + "\n" + b + "\n" +
           BindingOn(VaultUrl(), "id-a", "${adbjit_token.sealed.keyvault_secret_id}", "id_a") +
           BindingOn(VaultUrl(), "id-b", "${adbjit_token.b.keyvault_secret_id}", "id_b");
  };
  ws().WriteConfig(two("dup-tok"));
  ASSERT_TRUE(ws().Apply().ok());
  const std::string a_id = State("adbjit_token.sealed")["token_id"];
  const std::string b_id = State("adbjit_token.b")["token_id"];
  auto holder = [&](const std::string& secret) {
    auto latest = Outside().keyvault().GetSecret(VaultUrl(), secret);
    return latest.ok() ? latest->tags["adbjit"] : latest.status().message();
  };
  const std::string held = holder("dup-tok");
  ASSERT_TRUE(held == "adbjit_token:" + a_id || held == "adbjit_token:" + b_id) << held;
  const std::string winner = held.substr(std::string("adbjit_token:").size());
  const std::string loser = winner == a_id ? b_id : a_id;

  CommandResult plan = ExpectNoChanges("with two tokens sharing one secret");
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("Warning: Secret shared with another token"));
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("The secret \"dup-tok\" holds token " + winner +
                                                ", which another adbjit_token (in this configuration or another) "
                                                "wrote after token " + loser + "."));
  ASSERT_TRUE(ws().Apply().ok());
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{a_id, b_id}));  // nothing replaced, nothing revoked
  EXPECT_EQ(holder("dup-tok"), held);
  const std::string loser_id = State(loser == a_id ? "adbjit_token.sealed" : "adbjit_token.b")["keyvault_secret_id"];
  EXPECT_THAT(loser_id, HasSubstr("/secrets/dup-tok/"));
  EXPECT_EQ(SecretValue(loser == a_id ? "id-a" : "id-b"), loser_id);

  ws().WriteConfig(two("dup-tok-b"));
  ASSERT_TRUE(ws().Apply().ok());
  ASSERT_TRUE(ws().Apply().ok());  // a's secret went with b's old token when b held it
  plan = ExpectNoChanges("once each token has its own secret");
  EXPECT_THAT(Output(plan), Not(HasSubstr("Secret shared")));
  EXPECT_EQ(holder("dup-tok"), "adbjit_token:" + State("adbjit_token.sealed")["token_id"].get<std::string>());
  EXPECT_EQ(holder("dup-tok-b"), "adbjit_token:" + State("adbjit_token.b")["token_id"].get<std::string>());
  ASSERT_TRUE(ws().Destroy().ok());
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// The data source lists the tokens oldest first (then by id), whatever order the API uses, so that
// what depends on the list changes only when the tokens do.
TEST_F(TokenE2eTest, TokensAreListedOldestFirst) {
  emulator::Options newest_first;
  newest_first.token_list_newest_first = true;
  ASSERT_NO_FATAL_FAILURE(Start(newest_first));
  std::vector<databricks::TokenInfo> made;
  for (int i = 0; i < 6; ++i) {
    auto t = Outside().databricks().CreateTokenSafely(3600, "listed " + std::to_string(i));
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    made.push_back(t->info);
  }
  std::sort(made.begin(), made.end(), [](const auto& a, const auto& b) {
    return std::tie(a.creation_time, a.token_id) < std::tie(b.creation_time, b.token_id);
  });
  ws().WriteConfig("data \"adbjit_tokens\" \"all\" {\n  comment_contains = \"listed\"\n}\n");
  ASSERT_TRUE(MustApply().ok());
  const json listed = State("data.adbjit_tokens.all")["tokens"];
  ASSERT_THAT(listed, SizeIs(made.size())) << listed.dump(2);
  for (size_t i = 0; i < made.size(); ++i) EXPECT_EQ(listed[i]["token_id"], made[i].token_id) << i;
}

// `host` as azurerm_databricks_workspace's workspace_url gives it (no scheme) and as copied from the
// browser (with ?o=<workspace id> and a fragment): both name the workspace at its https origin, as
// they do for the Databricks SDKs. Over HTTPS, so that the assumed https:// is really used.
TEST_F(TokenE2eTest, HostWithoutSchemeOrWithABrowserQueryReachesTheWorkspace) {
  ASSERT_NO_FATAL_FAILURE(StartWithTlsAndNoHostInTheEnvironment());
  const std::string origin = emu().databricks_url();  // https://127.0.0.1:<port>
  ASSERT_EQ(origin.rfind("https://", 0), 0u) << origin;
  const std::string bare = "localhost" + origin.substr(origin.rfind(':'));
  auto config = [](const std::string& host) { return TokenAndItsListing("host", host, "host spelling"); };

  ws().WriteConfig(config(bare));
  ASSERT_TRUE(MustApply().ok());
  const std::string token_id = State("adbjit_token.t")["token_id"].get<std::string>();
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{token_id});
  json listed = State("data.adbjit_tokens.mine");
  EXPECT_EQ(listed["id"], "https://localhost" + origin.substr(origin.rfind(':'))) << listed.dump(2);
  ASSERT_THAT(listed["tokens"], SizeIs(1)) << listed.dump(2);
  EXPECT_EQ(listed["tokens"][0]["token_id"], token_id);

  ws().WriteConfig(config(origin + "/?o=1234567890123456#job/42"));
  ExpectNoChanges("with the browser's workspace URL");
  EXPECT_EQ(State("data.adbjit_tokens.mine")["id"], "https://localhost" + origin.substr(origin.rfind(':')))
      << "a plan does not write the data source to state";
  ASSERT_TRUE(MustApply().ok());
  EXPECT_EQ(State("data.adbjit_tokens.mine")["id"], origin);

  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// azurerm_databricks_workspace's id alone is enough: the provider reads the workspace URL from
// Azure Resource Manager (served by the emulator's Entra listener), as Azure gives it: a bare host.
TEST_F(TokenE2eTest, WorkspaceResourceIdAloneFindsTheWorkspaceThroughResourceManager) {
  ASSERT_NO_FATAL_FAILURE(StartWithTlsAndNoHostInTheEnvironment());
  const std::string id = emulator::Options{}.workspace_resource_id;
  auto config = [](const std::string& resource_id) {
    return TokenAndItsListing("azure_workspace_resource_id", resource_id, "found through ARM");
  };

  // A workspace ARM does not know: the create fails before any Databricks call, saying what to fix.
  const std::string missing = id.substr(0, id.rfind('/') + 1) + "not-there";
  ws().WriteConfig(config(missing));
  CommandResult failed = ws().Apply();
  EXPECT_NE(failed.exit_code, 0) << failed.Describe();
  EXPECT_THAT(failed.stderr_text, HasSubstr("ResourceNotFound")) << failed.Describe();
  EXPECT_THAT(failed.stderr_text, HasSubstr("check azure_workspace_resource_id")) << failed.Describe();
  EXPECT_EQ(Requests("databricks"), 0);
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  const int not_found = RouteRequests("/workspaces/not-there", "GET", 404);
  EXPECT_GE(not_found, 1);

  ws().WriteConfig(config(id));
  ASSERT_TRUE(MustApply().ok());
  const std::string token_id = State("adbjit_token.t")["token_id"].get<std::string>();
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{token_id});
  EXPECT_EQ(State("data.adbjit_tokens.mine")["id"], emu().databricks_url());
  EXPECT_GE(RouteRequests("/workspaces/adbjit-emulator", "GET", 200), 1);
  EXPECT_EQ(RouteRequests("/workspaces/not-there", "GET", 404), not_found);

  ExpectNoChanges("with the workspace found through ARM");
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// A service principal that is no workspace user yet: the workspace refuses it, and the error says
// how a principal is admitted. With azure_workspace_resource_id (and Contributor on the workspace
// resource, which the emulator takes as given) Databricks admits it on the first call, after which
// it is a workspace user and needs the headers no more.
TEST_F(TokenE2eTest, APrincipalThatIsNoWorkspaceUserIsAdmittedThroughTheResourceId) {
  emulator::Options options;
  options.principals.front().workspace_member = false;
  ASSERT_NO_FATAL_FAILURE(Start(std::move(options)));
  ws().WriteConfig("resource \"adbjit_token\" \"t\" {\n  lifetime_seconds = 3600\n}\n");
  CommandResult refused = ws().Apply();
  EXPECT_EQ(refused.exit_code, 1) << refused.Describe();
  const std::string said = Squashed(refused.stderr_text);
  EXPECT_THAT(said, HasSubstr("HTTP 403: User not authorized. (the workspace does not admit this principal: add the "
                              "service principal to the workspace, or set azure_workspace_resource_id"));
  EXPECT_THAT(LiveTokenIds(), IsEmpty());

  ws().SetEnv("DATABRICKS_AZURE_RESOURCE_ID", emulator::Options{}.workspace_resource_id);
  MustApply();
  EXPECT_EQ(emu().Objects()["admitted_principals"], json::array({emulator::Principal{}.object_id}));
  ws().UnsetEnv("DATABRICKS_AZURE_RESOURCE_ID");
  ExpectNoChanges("once the principal is a workspace user");
  ASSERT_TRUE(ws().Destroy().ok());
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// Refresh reads an object as gone only when the service says so. An address that is not the
// workspace (a mistyped resource ID that ARM does not know, a host that answers 404 to every path)
// fails the plan and the destroy instead, and every resource stays in state and alive.
TEST_F(TokenE2eTest, AWrongWorkspaceAddressFailsTheRefreshAndKeepsEveryResource) {
  ASSERT_NO_FATAL_FAILURE(StartWithTlsAndNoHostInTheEnvironment());
  const std::string id = emulator::Options{}.workspace_resource_id;
  const std::string resources =
      "resource \"adbjit_token\" \"t\" {\n  comment          = \"kept\"\n  lifetime_seconds = 3600\n}\n"
      "resource \"adbjit_instance_pool\" \"p\" {\n  instance_pool_name = \"kept\"\n"
      "  node_type_id       = \"Standard_DS3_v2\"\n}\n";
  auto with_provider = [&](const std::string& attribute, const std::string& value) {
    ws().WriteConfig("provider \"adbjit\" {\n  " + attribute + " = \"" + value + "\"\n}\n" + resources);
  };
  with_provider("azure_workspace_resource_id", id);
  ASSERT_TRUE(MustApply().ok());
  const std::string token_id = State("adbjit_token.t")["token_id"].get<std::string>();
  const std::string pool_id = State("adbjit_instance_pool.p")["instance_pool_id"].get<std::string>();
  auto pool_is_live = [&] {
    for (const auto& p : LivePools()) {
      if (p.value("instance_pool_id", "") == pool_id) return true;
    }
    return false;
  };

  const struct {
    std::string attribute, value, says;
  } wrong[] = {
      {"azure_workspace_resource_id", id + "x", "check azure_workspace_resource_id"},
      {"host", emu().entra_url(), "check that host is the workspace URL"},
  };
  for (const auto& w : wrong) {
    SCOPED_TRACE(w.attribute + " = " + w.value);
    with_provider(w.attribute, w.value);
    for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
             {"plan", "-input=false"}, {"plan", "-input=false", "-refresh-only"}, {"destroy", "-input=false",
                                                                                   "-auto-approve"}}) {
      CommandResult r = ws().Terraform(command);
      EXPECT_NE(r.exit_code, 0) << r.Describe();
      EXPECT_THAT(Squashed(r.stderr_text), HasSubstr(w.says)) << r.Describe();
      EXPECT_THAT(r.stdout_text, Not(HasSubstr("has been deleted"))) << r.Describe();
    }
    EXPECT_EQ(State("adbjit_token.t")["token_id"], token_id);
    EXPECT_EQ(State("adbjit_instance_pool.p")["instance_pool_id"], pool_id);
    EXPECT_EQ(LiveTokenIds(), std::set<std::string>{token_id});
    EXPECT_TRUE(pool_is_live());
  }

  with_provider("azure_workspace_resource_id", id);
  ExpectNoChanges("with the right workspace again");
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_FALSE(pool_is_live());
}

// The private data Terraform keeps for one resource instance, as a JSON object (empty when none).
json PrivateOf(const Workspace& ws, const std::string& type, const std::string& name) {
  const json state = json::parse(ReadFileText(ws.work_dir() / "terraform.tfstate"));
  for (const auto& r : state["resources"]) {
    if (r.value("type", "") != type || r.value("name", "") != name || r["instances"].empty()) continue;
    std::string raw;
    if (!emulator::Base64Decode(r["instances"][0].value("private", ""), &raw)) break;
    json j = json::parse(raw, nullptr, /*allow_exceptions=*/false);
    return j.is_object() ? j : json::object();
  }
  return json::object();
}

// A second principal of the emulated tenant, and its credentials in the workspace's environment.
emulator::Principal SecondPrincipal() {
  emulator::Principal second;
  second.client_id = "00000000-0000-4000-8000-0000000000b2";
  second.client_secret = "second-client-secret";
  second.object_id = "00000000-0000-4000-8000-0000000000b3";
  return second;
}
void SignInAs(Workspace& ws, const emulator::Principal& p) {
  ws.SetEnv("ARM_CLIENT_ID", p.client_id);
  ws.SetEnv("ARM_CLIENT_SECRET", p.client_secret);
}

// Databricks lists and revokes a principal's own tokens only. When the provider's credentials
// change to another service principal, the tokens the first one created are not listed: the
// refresh says whose they are and that they stay valid (not "revoked"), and the plan creates new
// ones, the sealed one into its secret. A destroy without a refresh, which cannot revoke a token
// of another principal either, says the same.
TEST_F(TokenE2eTest, TokensOfAnEarlierPrincipalAreNamedAsSuchWhenTheCredentialsChange) {
  const emulator::Principal second = SecondPrincipal();
  const std::string first_oid = emulator::Principal{}.object_id;
  emulator::Options options;
  options.principals = {emulator::Principal{}, second};
  ASSERT_NO_FATAL_FAILURE(Start(std::move(options)));
  ws().WriteConfig(PlainAndSealedConfig(VaultUrl()));
  MustApply();
  const std::string plain_id = State("adbjit_token.plain")["token_id"].get<std::string>();
  const std::string sealed_id = State("adbjit_token.sealed")["token_id"].get<std::string>();
  EXPECT_EQ(PrivateOf(ws(), "adbjit_token", "plain")["created_by"], first_oid);

  SignInAs(ws(), second);
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  std::string out = Squashed(Output(plan));
  EXPECT_THAT(out, HasSubstr("Warning: Token created by another principal"));
  // The CLI shows the first of warnings that share a summary; -json shows each.
  CommandResult plan_json = ws().Plan({"-json"});
  ASSERT_TRUE(plan_json.ok()) << plan_json.Describe();
  for (const std::string& id : {plain_id, sealed_id}) {
    EXPECT_THAT(plan_json.stdout_text,
                HasSubstr("Token " + id + " was created by the principal with object id " + first_oid +
                          ", and the provider now authenticates as " + second.object_id + "."));
  }
  EXPECT_THAT(plan_json.stdout_text, HasSubstr("Token " + sealed_id + " was created by principal " + first_oid +
                                               ", and the provider authenticated as another principal"));
  EXPECT_THAT(out, HasSubstr("DELETE /api/2.0/token-management/tokens/" + plain_id));
  EXPECT_THAT(out, Not(HasSubstr("revoked outside Terraform")));
  EXPECT_THAT(out, HasSubstr("2 to add, 0 to change, 1 to destroy"));

  MustApply();
  const std::string new_plain = State("adbjit_token.plain")["token_id"].get<std::string>();
  const std::string new_sealed = State("adbjit_token.sealed")["token_id"].get<std::string>();
  EXPECT_NE(new_plain, plain_id);
  EXPECT_NE(new_sealed, sealed_id);
  EXPECT_EQ(SecretBundle("db-pat").tags["adbjit"], "adbjit_token:" + new_sealed);
  EXPECT_EQ(PrivateOf(ws(), "adbjit_token", "plain")["created_by"], second.object_id);
  EXPECT_TRUE(Outside().databricks().GetToken(plain_id).ok()) << "the first principal's tokens stay valid";
  EXPECT_TRUE(Outside().databricks().GetToken(sealed_id).ok());
  ExpectNoChanges("once the second principal has its own tokens");

  // Back to the first principal, and a destroy without a refresh: the second's tokens stay.
  SignInAs(ws(), emulator::Principal{});
  CommandResult destroyed = ws().Terraform({"destroy", "-auto-approve", "-input=false", "-refresh=false"});
  ASSERT_TRUE(destroyed.ok()) << destroyed.Describe();
  out = Squashed(Output(destroyed));
  EXPECT_THAT(out, HasSubstr("Token " + new_plain + " was created by the principal with object id " +
                             second.object_id + ", and the provider now authenticates as " + first_oid + "."));
  EXPECT_THAT(out, HasSubstr("2 destroyed"));
  auto as_second = OutsideClients(emu(), second);
  ASSERT_NE(as_second, nullptr);
  EXPECT_TRUE(as_second->databricks().GetToken(new_plain).ok());
  EXPECT_THAT(Secrets(), IsEmpty()) << "the secret still goes: the version is the token's own";
}

// A token its own principal saw revoked (a refresh-only apply recorded it) is still revoked once
// the credentials change: not "created by another principal", which would call it valid.
TEST_F(TokenE2eTest, ARevokedTokenStaysRevokedAfterTheCredentialsChange) {
  emulator::Options options;
  options.principals = {emulator::Principal{}, SecondPrincipal()};
  ASSERT_NO_FATAL_FAILURE(Start(std::move(options)));
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  MustApply();
  const std::string token_id = State("adbjit_token.sealed")["token_id"].get<std::string>();
  ASSERT_TRUE(Outside().databricks().DeleteToken(token_id).ok());
  MustApply({"-refresh-only"});
  EXPECT_EQ(PrivateOf(ws(), "adbjit_token", "sealed")["token"], "revoked");

  SignInAs(ws(), SecondPrincipal());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  const std::string out = Squashed(Output(plan));
  EXPECT_THAT(out, HasSubstr("Token " + token_id + " was revoked outside Terraform"));
  EXPECT_THAT(out, Not(HasSubstr("another principal")));
  ExpectDestroyRemovesSecret("db-pat");
}

// A destroy under another principal cannot revoke the token; when it cannot remove the secret
// either, the token stays in state as another principal's, not as one the destroy revoked.
TEST_F(TokenE2eTest, ATokenOfAnotherPrincipalWhoseSecretStaysIsNotCalledRevoked) {
  emulator::Options options;
  options.principals = {emulator::Principal{}, SecondPrincipal()};
  ASSERT_NO_FATAL_FAILURE(Start(std::move(options)));
  ws().WriteConfig(SealedToken(VaultUrl(), "db-pat"));
  MustApply();
  const std::string token_id = State("adbjit_token.sealed")["token_id"].get<std::string>();

  SignInAs(ws(), SecondPrincipal());
  emu().SetFaults(json::array({{{"service", "keyvault"}, {"method", "DELETE"}, {"path", "^/deletedsecrets/db-pat"},
                                {"action", "status"}, {"status", 500}, {"count", 1}}}));
  CommandResult destroy = ws().Terraform({"destroy", "-auto-approve", "-input=false", "-refresh=false"});
  EXPECT_EQ(destroy.exit_code, 1) << destroy.Describe();
  std::string out = Squashed(Output(destroy));
  EXPECT_THAT(out, HasSubstr("Warning: Token created by another principal"));
  EXPECT_THAT(out, HasSubstr("Token " + token_id + ", created by another principal, could not be revoked (see the "
                             "warning); the secret \"db-pat\" is left too, and the token stays in state for it"));
  EXPECT_THAT(out, Not(HasSubstr("is revoked")));
  EXPECT_EQ(PrivateOf(ws(), "adbjit_token", "sealed")["token"], "created by another principal");
  EXPECT_TRUE(Outside().databricks().GetToken(token_id).ok());

  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  out = Squashed(Output(plan));
  EXPECT_THAT(out, HasSubstr("Warning: Token created by another principal"));
  EXPECT_THAT(out, Not(HasSubstr("revoked by an unfinished destroy")));
  EXPECT_THAT(out, HasSubstr("1 to add, 0 to change, 1 to destroy"));
  ExpectDestroyRemovesSecret("db-pat");
}

}  // namespace
}  // namespace adbjit::e2e
