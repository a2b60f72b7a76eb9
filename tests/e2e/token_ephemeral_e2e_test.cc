// The ephemeral adbjit_token, the adbjit_tokens data source and a provider configuration known only
// after apply, through the real terraform CLI against the emulator.
#include <httplib.h>

#include <string>

#include "tests/e2e/token_e2e_fixture.h"

namespace adbjit::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

// Status of GET /api/2.0/token/list on the emulator's workspace with `pat` as bearer.
int TokenListStatus(const std::string& databricks_url, const std::string& pat) {
  httplib::Client cli(databricks_url);
  auto res = cli.Get("/api/2.0/token/list", {{"Authorization", "Bearer " + pat}});
  return res ? res->status : -1;
}

// An ephemeral token that cannot be revoked at close is recorded nowhere: the error names the token,
// how long it stays valid and how to revoke it by hand.
TEST_F(TokenE2eTest, EphemeralTokenThatCannotBeRevokedIsNamedWithItsExpiry) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig("ephemeral \"adbjit_token\" \"jit\" {\n  lifetime_seconds = 600\n}\n");
  emu().SetFaults(json::array({{{"service", "databricks"}, {"path", "/token/delete$"}, {"action", "status"},
                                {"status", 500}}}));
  CommandResult plan = ws().Plan();
  EXPECT_EQ(plan.exit_code, 1) << plan.Describe();
  const std::string said = Squashed(plan.stderr_text);
  EXPECT_THAT(said, HasSubstr("Error: Cannot revoke ephemeral Databricks token"));
  const std::set<std::string> live = LiveTokenIds();
  ASSERT_THAT(live, SizeIs(1));
  const std::string id = *live.begin();
  EXPECT_THAT(said, MatchesRegex(".*Token " + id + " stays valid until 20[0-9-]+T[0-9:]+Z unless the provider's "
                                 "second try when Terraform stops it succeeds, and no state records it: revoke it as "
                                 "the provider's principal \\(POST /api/2.0/token/delete\\), or as a workspace admin "
                                 "through the token management API \\(DELETE /api/2.0/token-management/tokens/" +
                                 id + "\\).*"));
  emu().ClearFaults();
  ASSERT_TRUE(Outside().databricks().DeleteToken(id).ok());
}

// A close that could not revoke its token leaves it to the provider's shutdown sweep, which tries
// once more: here the workspace refuses only the first revoke.
TEST_F(TokenE2eTest, EphemeralTokenACloseCouldNotRevokeIsRevokedAtShutdown) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig("ephemeral \"adbjit_token\" \"jit\" {\n  lifetime_seconds = 600\n}\n");
  emu().SetFaults(json::array({{{"service", "databricks"}, {"path", "/token/delete$"}, {"action", "status"},
                                {"status", 500}, {"count", 1}}}));
  CommandResult plan = ws().Plan();
  EXPECT_EQ(plan.exit_code, 1) << plan.Describe();
  EXPECT_THAT(Squashed(plan.stderr_text), HasSubstr("Error: Cannot revoke ephemeral Databricks token"));
  EXPECT_EQ(RouteRequests("/token/delete", "POST"), 2) << "the close, then the sweep";
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// Terraform skips Close when anything fails after Open (here a data source read): the provider
// revokes the tokens it opened and nobody closed when Terraform shuts it down.
TEST_F(TokenE2eTest, EphemeralTokenIsRevokedWhenTheRunFailsBeforeClosingIt) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
ephemeral "adbjit_token" "e" {
  comment          = "eph planfail"
  lifetime_seconds = 900
}
data "adbjit_tokens" "d" {
  depends_on = [ephemeral.adbjit_token.e]
}
)");
  emu().SetFaults(json::array({{{"service", "databricks"}, {"method", "GET"}, {"path", "token/list"},
                                {"action", "status"}, {"status", 403}, {"count", 1}}}));
  CommandResult plan = ws().Plan();
  EXPECT_EQ(plan.exit_code, 1) << plan.Describe();
  EXPECT_THAT(Squashed(plan.stderr_text), HasSubstr("Cannot list Databricks tokens"));
  emu().ClearFaults();
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// The same when the failure comes during apply: a resource that uses the token fails to create.
TEST_F(TokenE2eTest, EphemeralTokenIsRevokedWhenTheApplyFailsAfterOpeningIt) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
ephemeral "adbjit_token" "e" {
  comment          = "eph applyfail"
  lifetime_seconds = 900
}
resource "terraform_data" "use" {
  provisioner "local-exec" {
    command     = "test -n \"$TOKEN\" && exit 3"
    environment = { TOKEN = ephemeral.adbjit_token.e.token_value }
  }
}
)");
  CommandResult apply = ws().Apply();
  EXPECT_EQ(apply.exit_code, 1) << apply.Describe();
  EXPECT_THAT(Squashed(apply.stderr_text), HasSubstr("local-exec provisioner error"));
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  const int created = RouteRequests("/token/create", "POST", 200);
  EXPECT_GE(created, 2);  // one for the plan, one for the apply
  EXPECT_EQ(RouteRequests("/token/delete", "POST", 200), created);
}

// An open whose create answer is lost, and whose check is refused, may have made a token that no
// state can hold: the provider looks for it by its marker at shutdown, and revokes it.
TEST_F(TokenE2eTest, EphemeralTokenLeftByALostCreateIsRevokedAtShutdown) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig("ephemeral \"adbjit_token\" \"e\" {\n  comment          = \"eph lost\"\n"
                   "  lifetime_seconds = 900\n}\n");
  emu().SetFaults(json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/token/create"}, {"action", "drop"},
        {"phase", "after"}, {"count", 1}},
       {{"service", "databricks"}, {"path", "/token/list"}, {"action", "status"}, {"status", 403},
        {"body", R"({"error_code":"PERMISSION_DENIED","message":"Listing is disabled for this test."})"},
        {"count", 1}}}));
  CommandResult plan = ws().Plan();
  EXPECT_EQ(plan.exit_code, 1) << plan.Describe();
  EXPECT_THAT(Squashed(plan.stderr_text), HasSubstr("may exist. The provider looks for that token again when "
                                                    "Terraform shuts it down at the end of the run, and revokes it; if that look "
                                                    "fails too, only the provider's log says so"));
  EXPECT_EQ(RouteRequests("/token/create", "POST"), 1);
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

TEST_F(TokenE2eTest, EphemeralTokenServesAProvisionerForOneRunAndIsRevokedAtClose) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
ephemeral "adbjit_token" "jit" {
  comment          = "jit run"
  lifetime_seconds = 600
}

resource "terraform_data" "use" {
  provisioner "local-exec" {
    # Succeeds only with a valid token; keeps the token so the test can try it after the run.
    command = "curl -sf -H \"Authorization: Bearer $TOKEN\" \"$HOST/api/2.0/token/list\" > list.json && printf %s \"$TOKEN\" > used-token"
    environment = {
      TOKEN = ephemeral.adbjit_token.jit.token_value
      HOST  = ")" + emu().databricks_url() +
                   R"("
    }
  }
}
)");
  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_THAT(apply.stdout_text, HasSubstr("ephemeral.adbjit_token.jit: Opening..."));
  EXPECT_THAT(apply.stdout_text, HasSubstr("ephemeral.adbjit_token.jit: Closing..."));

  // The provisioner used the token: the workspace listed it, with its comment.
  const std::string used = ReadFileText(ws().work_dir() / "used-token");
  ASSERT_THAT(used, MatchesRegex("dapi[0-9a-f]+-2"));
  json listed = json::parse(ReadFileText(ws().work_dir() / "list.json"), nullptr, false);
  ASSERT_TRUE(listed.is_object()) << ReadFileText(ws().work_dir() / "list.json");
  ASSERT_THAT(listed["token_infos"], SizeIs(1)) << listed.dump(2);
  EXPECT_THAT(listed["token_infos"][0]["comment"].get<std::string>(), HasSubstr("jit run"));

  // Revoked when the run closed it: no token is left and the value no longer works.
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_EQ(TokenListStatus(emu().databricks_url(), used), 403);
  // Every token opened (plan and apply each open one) was revoked.
  const int created = RouteRequests("/token/create", "POST", 200);
  EXPECT_GE(created, 1);
  EXPECT_EQ(RouteRequests("/token/delete", "POST", 200), created);

  // Nothing about it in state or in any output.
  const std::string state_file = ReadFileText(ws().work_dir() / "terraform.tfstate");
  ASSERT_THAT(state_file, HasSubstr("terraform_data"));
  const std::string used_id = listed["token_infos"][0]["token_id"].get<std::string>();
  EXPECT_THAT(state_file, Not(HasSubstr("jit run")));
  EXPECT_THAT(state_file, Not(HasSubstr(used_id)));
  EXPECT_THAT(state_file, Not(HasSubstr(used)));
  EXPECT_THAT(Output(apply), Not(HasSubstr(used)));
  auto show = ws().ShowJson();
  ASSERT_TRUE(show.ok());
  ASSERT_THAT((*show)["values"]["root_module"]["resources"], SizeIs(1)) << show->dump(2);
  EXPECT_EQ((*show)["values"]["root_module"]["resources"][0]["address"], "terraform_data.use");
  EXPECT_THAT(show->dump(), Not(HasSubstr(used_id)));

  // A plan opens and closes it again, leaving nothing behind either.
  ExpectNoChanges("with only an ephemeral token and a provisioned resource");
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_EQ(RouteRequests("/token/delete", "POST", 200), RouteRequests("/token/create", "POST", 200));
  EXPECT_GT(RouteRequests("/token/create", "POST", 200), created);
}

TEST_F(TokenE2eTest, TokensDataSourceListsFiltersAndShowsNeverExpiringTokens) {
  emulator::Options options;
  options.max_token_lifetime_days = 0;  // allow tokens without expiry
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto ci = Outside().databricks().CreateTokenSafely(3600, "audit: ci");
  auto forever = Outside().databricks().CreateTokenSafely(std::nullopt, "audit: forever");
  auto other = Outside().databricks().CreateTokenSafely(600, "other");
  ASSERT_TRUE(ci.ok() && forever.ok() && other.ok());
  ASSERT_NE(forever->info.raw_comment, "audit: forever");  // stored with the client's marker
  ws().WriteConfig(R"(
data "adbjit_tokens" "all" {}

data "adbjit_tokens" "audit" {
  comment_contains = "audit"
}

output "all" {
  value = data.adbjit_tokens.all.tokens
}

output "audit_comments" {
  value = sort([for t in data.adbjit_tokens.audit.tokens : t.comment])
}

output "never_expiring" {
  value = [for t in data.adbjit_tokens.all.tokens : t.token_id if t.expiry_time == null]
}

output "read_from" {
  value = data.adbjit_tokens.all.id
}
)");
  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  CommandResult out = ws().Terraform({"output", "-json"});
  ASSERT_TRUE(out.ok()) << out.Describe();
  json outputs = json::parse(out.stdout_text);

  const json& all = outputs["all"]["value"];
  ASSERT_THAT(all, SizeIs(3)) << all.dump(2);
  std::map<std::string, json> by_comment;
  for (const auto& t : all) by_comment[t["comment"].get<std::string>()] = t;
  ASSERT_EQ(by_comment.size(), 3u) << all.dump(2);  // "audit: ci", "audit: forever", "other": markers stripped
  EXPECT_EQ(by_comment["audit: ci"]["token_id"], ci->info.token_id);
  EXPECT_EQ(by_comment["audit: forever"]["token_id"], forever->info.token_id);
  EXPECT_EQ(by_comment["other"]["token_id"], other->info.token_id);
  EXPECT_TRUE(by_comment["audit: forever"]["expiry_time"].is_null());
  EXPECT_TRUE(IsRfc3339Utc(by_comment["audit: forever"]["creation_time"]));
  EXPECT_TRUE(IsRfc3339Utc(by_comment["audit: ci"]["expiry_time"]));
  EXPECT_EQ(outputs["audit_comments"]["value"], json({"audit: ci", "audit: forever"}));
  EXPECT_EQ(outputs["never_expiring"]["value"], json({forever->info.token_id}));
  EXPECT_EQ(outputs["read_from"]["value"], emu().databricks_url());  // id: the workspace read

  // Reading creates nothing, and with nothing changed the next plan is clean.
  EXPECT_THAT(LiveTokenIds(), SizeIs(3));
  ExpectNoChanges("after reading the token list");
  // A token revoked outside drops out of the list.
  ASSERT_TRUE(Outside().databricks().DeleteToken(other->info.token_id).ok());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("Changes to Outputs"));
}

// An ephemeral token of the same run is left out of the list, even when the list is read while it
// is open (depends_on): otherwise whether it shows would depend on the order of the walk, and what
// uses the list would change on every run.
TEST_F(TokenE2eTest, TokensDataSourceLeavesOutTheRunsOwnEphemeralTokens) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto kept = Outside().databricks().CreateTokenSafely(3600, "long-lived");
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  ws().WriteConfig(R"(
ephemeral "adbjit_token" "run" {
  comment          = "this run"
  lifetime_seconds = 600
}

data "adbjit_tokens" "all" {
  depends_on = [ephemeral.adbjit_token.run]
}

output "comments" {
  value = [for t in data.adbjit_tokens.all.tokens : t.comment]
}
)");
  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_GE(RouteRequests("/token/create", "POST"), 1) << "the ephemeral token was opened";
  CommandResult out = ws().Terraform({"output", "-json", "comments"});
  ASSERT_TRUE(out.ok()) << out.Describe();
  EXPECT_EQ(json::parse(out.stdout_text), json({"long-lived"}));
  ExpectNoChanges("with the run's own token left out again");
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{kept->info.token_id});
}

TEST_F(TokenE2eTest, ProviderHostKnownOnlyAfterApplyPlansWithUnknownsThenApplies) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().UnsetEnv("DATABRICKS_HOST");  // the host comes from the configuration only
  ws().WriteConfig(R"(
resource "terraform_data" "ws" {
  input = ")" + emu().databricks_url() +
                   R"("
}

provider "adbjit" {
  host = terraform_data.ws.output
}

resource "adbjit_token" "t" {
  comment          = "late host"
  lifetime_seconds = 3600
}
)");
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.t will be created"));
  EXPECT_THAT(plan.stdout_text, MatchesRegex("(.|\n)*token_id +=  ?\\(known after apply\\)(.|\n)*"));
  EXPECT_THAT(plan.stdout_text, HasSubstr("Plan: 2 to add, 0 to change, 0 to destroy"));
  EXPECT_EQ(Requests("databricks"), 0);

  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  json t = State("adbjit_token.t");
  ASSERT_TRUE(t.is_object());
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{t["token_id"].get<std::string>()}));
  ExpectNoChanges("once the host is known");

  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

TEST_F(TokenE2eTest, EphemeralTokenAndDataSourceWorkWithAProviderKnownOnlyAfterApply) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().UnsetEnv("DATABRICKS_HOST");
  const std::string common = R"(
resource "terraform_data" "ws" {
  input = ")" + emu().databricks_url() +
                             R"("
}

provider "adbjit" {
  host = terraform_data.ws.output
}
)";
  // Terraform reads a data source at plan time even when its provider's configuration is unknown:
  // the error says how to defer the read.
  ws().WriteConfig(common + R"(
data "adbjit_tokens" "early" {}
)");
  CommandResult early = ws().Plan();
  EXPECT_EQ(early.exit_code, 1) << early.Describe();
  EXPECT_THAT(early.stderr_text, HasSubstr("with data.adbjit_tokens.early"));
  EXPECT_THAT(early.stderr_text, HasSubstr("depends_on"));

  ws().WriteConfig(common + R"(
ephemeral "adbjit_token" "jit" {
  comment          = "jit run"
  lifetime_seconds = 600
}

resource "terraform_data" "use" {
  provisioner "local-exec" {
    command = "curl -sf -H \"Authorization: Bearer $TOKEN\" \"$HOST/api/2.0/token/list\" > list.json"
    environment = {
      TOKEN = ephemeral.adbjit_token.jit.token_value
      HOST  = terraform_data.ws.output
    }
  }
}

resource "adbjit_token" "managed" {
  comment          = "managed late"
  lifetime_seconds = 3600
}

data "adbjit_tokens" "managed" {
  comment_contains = "managed late"
  depends_on       = [terraform_data.ws, adbjit_token.managed]
}

output "listed" {
  value = [for t in data.adbjit_tokens.managed.tokens : t.token_id]
}
)");
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("Plan: 3 to add, 0 to change, 0 to destroy"));
  EXPECT_THAT(plan.stdout_text, HasSubstr("data.adbjit_tokens.managed will be read during apply"));
  EXPECT_EQ(Requests("databricks"), 0);

  CommandResult apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  json listed = json::parse(ReadFileText(ws().work_dir() / "list.json"), nullptr, false);
  ASSERT_TRUE(listed.is_object()) << ReadFileText(ws().work_dir() / "list.json");
  bool saw_jit = false;
  for (const auto& t : listed["token_infos"]) saw_jit |= t.value("comment", "").find("jit run") != std::string::npos;
  EXPECT_TRUE(saw_jit) << listed.dump(2);
  const std::string managed_id = State("adbjit_token.managed")["token_id"].get<std::string>();
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{managed_id}));  // the ephemeral one is revoked
  CommandResult out = ws().Terraform({"output", "-json", "listed"});
  ASSERT_TRUE(out.ok()) << out.Describe();
  EXPECT_EQ(json::parse(out.stdout_text), json({managed_id}));
  ExpectNoChanges("once the host is known");
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{managed_id}));
}

// A guard rail known only after apply cannot be checked while planning, so the plan opens no
// ephemeral token (it would mint one whose lifetime the guard rail may forbid); the apply checks it.
TEST_F(TokenE2eTest, EphemeralTokenIsNotMintedWhileItsGuardRailIsUnknown) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
resource "terraform_data" "limit" {
  input = 600
}

provider "adbjit" {
  guardrails {
    max_token_lifetime_seconds = terraform_data.limit.output
  }
}

ephemeral "adbjit_token" "long" {
  lifetime_seconds = 31536000
}

resource "terraform_data" "use" {
  provisioner "local-exec" {
    command     = "test -n \"$TOKEN\""
    environment = { TOKEN = ephemeral.adbjit_token.long.token_value }
  }
}
)");
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_EQ(RouteRequests("/token/create"), 0) << "a token was minted at plan";
  CommandResult apply = ws().Apply();
  EXPECT_FALSE(apply.ok()) << apply.Describe();
  EXPECT_THAT(Squashed(apply.stderr_text), HasSubstr("Token lifetime exceeds guard rail"));
  EXPECT_EQ(RouteRequests("/token/create"), 0);
  EXPECT_THAT(LiveTokenIds(), IsEmpty());

  // Another guard rail unknown, the lifetime's known: the plan opens the token (a provider that
  // reads it plans with a real one) and closes it.
  ws().WriteConfig(R"(
resource "terraform_data" "tag" {
  input = "team"
}

provider "adbjit" {
  guardrails {
    max_token_lifetime_seconds = 3600
    required_pool_tags         = [terraform_data.tag.output]
  }
}

ephemeral "adbjit_token" "short" {
  lifetime_seconds = 600
}
)");
  CommandResult known_lifetime = PlanDetailed();
  EXPECT_EQ(known_lifetime.exit_code, 2) << known_lifetime.Describe();
  EXPECT_EQ(RouteRequests("/token/create"), 1) << "the token is opened at plan";
  EXPECT_THAT(LiveTokenIds(), IsEmpty()) << "and closed";
}

}  // namespace
}  // namespace adbjit::e2e
