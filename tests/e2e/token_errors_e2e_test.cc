// adbjit_token failures through the real terraform CLI: guard rails and bad input stopped at
// validate/plan before any API call, partial failure of sealed delivery leaving nothing alive
// untracked, and API errors reported with the resource, operation, service code and message.
#include <string>

#include "provider/clients/http/curl_transport.h"
#include "tests/e2e/token_e2e_fixture.h"

namespace adbjit::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Terraform's pointer to a configuration line: "on main.tf line 12, in resource ...".
std::string OnLine(int line) { return "on main.tf line " + std::to_string(line); }

TEST_F(TokenE2eTest, GuardRailsFailThePlanOnLifetimeBeforeAnyApiCall) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
provider "adbjit" {
  guardrails {
    max_token_lifetime_seconds = 600
  }
}

resource "adbjit_token" "within" {
  comment          = "within"
  lifetime_seconds = 600
}

resource "adbjit_token" "too_long" {
  comment          = "too long"
  lifetime_seconds = 3600
}

resource "adbjit_token" "forever" {
  comment = "no lifetime"
}

ephemeral "adbjit_token" "eph_too_long" {
  lifetime_seconds = 7200
}

ephemeral "adbjit_token" "eph_default" {
  comment = "the default lifetime, 3600"
}
)");
  CommandResult plan = ws().Plan();
  ASSERT_EQ(plan.exit_code, 1) << plan.Describe();
  const std::string& err = plan.stderr_text;
  EXPECT_THAT(err, HasSubstr("Error: Token lifetime exceeds guard rail"));
  EXPECT_THAT(err, HasSubstr("with adbjit_token.too_long"));
  EXPECT_THAT(err,
              HasSubstr(OnLine(ConfigLine("lifetime_seconds = 3600")) + ", in resource \"adbjit_token\" \"too_long\""));
  EXPECT_THAT(Squashed(err),
              HasSubstr("lifetime_seconds = 3600 is above the provider's guardrails.max_token_lifetime_seconds = 600"));
  EXPECT_THAT(err, HasSubstr("Error: Token lifetime required by guard rail"));
  EXPECT_THAT(err, HasSubstr("with adbjit_token.forever"));
  EXPECT_THAT(Squashed(err), HasSubstr("must set lifetime_seconds"));
  EXPECT_THAT(err, HasSubstr("with ephemeral.adbjit_token.eph_too_long"));
  EXPECT_THAT(err, HasSubstr(OnLine(ConfigLine("lifetime_seconds = 7200"))));
  EXPECT_THAT(err, HasSubstr("with ephemeral.adbjit_token.eph_default"));
  EXPECT_THAT(Squashed(err), HasSubstr("lifetime_seconds = 3600 (the default) is above the provider's guardrails"));
  EXPECT_THAT(err, Not(HasSubstr("with adbjit_token.within")));
  EXPECT_EQ(Requests("databricks"), 0);
  EXPECT_EQ(Requests("keyvault"), 0);
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

// No workspace named anywhere (no host, no azure_workspace_resource_id, neither in the environment):
// the plan of a token or a pool fails on the resource, before any call, instead of the apply.
// Key Vault bindings alone need no workspace and plan as before.
TEST_F(TokenE2eTest, NoWorkspaceFailsThePlanOfDatabricksObjectsOnly) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().UnsetEnv("DATABRICKS_HOST");
  const std::string binding = "resource \"adbjit_keyvault_binding\" \"b\" {\n  vault_url = \"" + VaultUrl() +
                              "\"\n  name      = \"no-workspace\"\n  value     = \"v\"\n}\n";
  ws().WriteConfig(binding + R"(
resource "adbjit_token" "t" {
  comment = "no workspace"
}

resource "adbjit_instance_pool" "p" {
  instance_pool_name = "no-workspace"
  node_type_id       = "Standard_DS3_v2"
}
)");
  CommandResult plan = ws().Plan();
  ASSERT_EQ(plan.exit_code, 1) << plan.Describe();
  const std::string err = Squashed(plan.stderr_text);
  for (const char* address : {"with adbjit_token.t", "with adbjit_instance_pool.p"}) {
    EXPECT_THAT(err, HasSubstr(address)) << err;
  }
  EXPECT_THAT(err, HasSubstr("Error: Databricks workspace not configured"));
  EXPECT_THAT(err, HasSubstr("set host (or DATABRICKS_HOST) to the workspace URL, or azure_workspace_resource_id"));
  EXPECT_THAT(err, Not(HasSubstr("with adbjit_keyvault_binding.b")));
  EXPECT_EQ(Requests("databricks"), 0);

  ws().WriteConfig(binding);
  CommandResult bindings_only = ws().Plan();
  EXPECT_TRUE(bindings_only.ok()) << bindings_only.Describe();
}

TEST_F(TokenE2eTest, GuardRailKnownOnlyAfterApplyIsEnforcedBeforeTheTokenIsCreated) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
resource "terraform_data" "policy" {
  input = 600
}

provider "adbjit" {
  guardrails {
    max_token_lifetime_seconds = terraform_data.policy.output
  }
}

resource "adbjit_token" "t" {
  lifetime_seconds = 3600
}
)");
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();  // unknown policy: checked once known
  CommandResult apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  EXPECT_THAT(apply.stderr_text, HasSubstr("Error: Token lifetime exceeds guard rail"));
  EXPECT_THAT(apply.stderr_text, HasSubstr(OnLine(ConfigLine("lifetime_seconds = 3600"))));
  EXPECT_THAT(apply.stdout_text, HasSubstr("terraform_data.policy: Creation complete"));
  EXPECT_EQ(Requests("databricks"), 0);
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

TEST_F(TokenE2eTest, BadInputIsAnErrorNamingTheAttributeAtValidateAndPlan) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
resource "adbjit_token" "zero" {
  lifetime_seconds = 0
}

resource "adbjit_token" "negative" {
  lifetime_seconds = -5
}

resource "adbjit_token" "huge" {
  lifetime_seconds = 99999999999999999999
}

resource "adbjit_token" "negative_window" {
  lifetime_seconds     = 60
  renew_before_seconds = -1
}

resource "adbjit_token" "bad_name" {
  keyvault_secret {
    vault_url = ")" +
                   VaultUrl() + R"("
    name      = "bad_name!"
  }
}

resource "adbjit_token" "remote_http" {
  keyvault_secret {
    vault_url = "http://myvault.vault.azure.net/"
    name      = "fine-name"
  }
}

resource "adbjit_token" "long_type" {
  keyvault_secret {
    vault_url    = ")" +
                   VaultUrl() + R"("
    name         = "typed"
    content_type = ")" + std::string(256, 'c') + R"("
  }
}

ephemeral "adbjit_token" "eph_zero" {
  lifetime_seconds = 0
}

ephemeral "adbjit_token" "eph_huge" {
  lifetime_seconds = 9223372036854775808
}
)");
  struct Expected {
    const char* address;
    const char* line_text;
    const char* attribute;
  };
  const Expected expected[] = {
      {"adbjit_token.zero", "lifetime_seconds = 0", "lifetime_seconds"},
      {"adbjit_token.negative", "lifetime_seconds = -5", "lifetime_seconds"},
      {"adbjit_token.negative_window", "renew_before_seconds = -1", "renew_before_seconds"},
      {"adbjit_token.bad_name", "name      = \"bad_name!\"", "name"},
      {"adbjit_token.remote_http", "vault_url = \"http://myvault", "vault_url"},
      {"adbjit_token.long_type", "content_type = \"ccc", "content_type must be 0 to 255 characters long"},
      {"ephemeral.adbjit_token.eph_zero", "lifetime_seconds = 0", "lifetime_seconds"},
      // Beyond int64: refused, not read as unset (which minted a token with the default lifetime).
      {"adbjit_token.huge", "lifetime_seconds = 99999999999999999999", "lifetime_seconds"},
      {"ephemeral.adbjit_token.eph_huge", "lifetime_seconds = 9223372036854775808", "lifetime_seconds"},
  };
  for (const CommandResult& r : {ws().Validate(), ws().Plan()}) {
    ASSERT_EQ(r.exit_code, 1) << r.Describe();
    for (const Expected& e : expected) {
      EXPECT_THAT(r.stderr_text, HasSubstr("with " + std::string(e.address) + ",")) << e.address << r.Describe();
      EXPECT_THAT(r.stderr_text, HasSubstr(std::string(e.line_text))) << e.address;
      EXPECT_THAT(r.stderr_text, HasSubstr(e.attribute)) << e.address;
    }
    EXPECT_THAT(r.stderr_text, HasSubstr(OnLine(ConfigLine("lifetime_seconds = -5"))));
    EXPECT_THAT(r.stderr_text, HasSubstr(OnLine(ConfigLine("renew_before_seconds = -1"))));
    EXPECT_THAT(r.stderr_text, HasSubstr(OnLine(ConfigLine("\"bad_name!\""))));
    EXPECT_THAT(r.stderr_text, HasSubstr(OnLine(ConfigLine("http://myvault"))));
    EXPECT_THAT(r.stderr_text, HasSubstr("https"));
    EXPECT_THAT(Squashed(r.stderr_text), HasSubstr("must be at most 9223372036854775807, got 9223372036854775808"));
  }
  EXPECT_EQ(Requests("databricks"), 0);
  EXPECT_EQ(Requests("keyvault"), 0);
}

// A rotation window as long as the lifetime replaces the token on every plan, even right after
// apply: validate and plan warn on the renew_before_seconds line; a shorter window does not.
TEST_F(TokenE2eTest, RotationWindowAsLongAsTheLifetimeIsAWarningOnItsLine) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(R"(
resource "adbjit_token" "always" {
  lifetime_seconds     = 3600
  renew_before_seconds = 7200
}

resource "adbjit_token" "scheduled" {
  lifetime_seconds     = 3600
  renew_before_seconds = 1800
}
)");
  for (const CommandResult& r : {ws().Validate(), ws().Plan()}) {
    ASSERT_TRUE(r.ok()) << r.Describe();
    const std::string out = Output(r);
    EXPECT_THAT(out, HasSubstr("Warning: Token replaced on every plan")) << r.Describe();
    EXPECT_THAT(out, HasSubstr("with adbjit_token.always,")) << r.Describe();
    EXPECT_THAT(out, HasSubstr(OnLine(ConfigLine("renew_before_seconds = 7200")))) << r.Describe();
    EXPECT_THAT(out, Not(HasSubstr("adbjit_token.scheduled,"))) << r.Describe();
  }
  ASSERT_TRUE(MustApply().ok());
  // What the warning says: the plan right after apply replaces that token, and only that one.
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.always must be replaced"));
  EXPECT_THAT(plan.stdout_text, Not(HasSubstr("# adbjit_token.scheduled")));
}

constexpr char kForbiddenBody[] =
    R"({"error":{"code":"Forbidden","message":"The user, group or application does not have secrets set permission on key vault 'emulated'."}})";

std::string SealedConfig(const std::string& vault_url) {
  return R"(
resource "adbjit_token" "sealed" {
  comment          = "sealed"
  lifetime_seconds = 3600
  keyvault_secret {
    vault_url = ")" +
         vault_url + R"("
    name      = "db-pat"
  }
}
)";
}

TEST_F(TokenE2eTest, FailedKeyVaultWriteRevokesTheTokenAndTheNextApplyConverges) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedConfig(VaultUrl()));
  emu().SetFaults(json::array({{{"service", "keyvault"},
                                {"method", "PUT"},
                                {"path", "/secrets/db-pat"},
                                {"action", "status"},
                                {"status", 403},
                                {"headers", {{"Content-Type", "application/json"}}},
                                {"body", kForbiddenBody}}}));
  CommandResult apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  const std::string& err = apply.stderr_text;
  EXPECT_THAT(err, HasSubstr("Error: Cannot write token to Key Vault"));
  EXPECT_THAT(err, HasSubstr("with adbjit_token.sealed"));
  EXPECT_THAT(err, HasSubstr("Forbidden"));
  EXPECT_THAT(Squashed(err), HasSubstr("does not have secrets set permission"));
  EXPECT_THAT(Squashed(err), HasSubstr("set secret db-pat"));
  EXPECT_THAT(err, HasSubstr("403"));
  // The token minted before the failed write is revoked, and Terraform tracks nothing.
  EXPECT_GE(RouteRequests("/token/create", "POST", 200), 1);
  EXPECT_THAT(Squashed(err), HasSubstr(", created to be written there, was revoked."));
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  EXPECT_THAT(Secrets(), IsEmpty());
  auto show = ws().ShowJson();
  ASSERT_TRUE(show.ok());
  EXPECT_TRUE(ResourceValues(*show, "adbjit_token.sealed").is_null());

  emu().ClearFaults();
  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  ExpectNoChanges("after the retried sealed create");
  json state = State("adbjit_token.sealed");
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{state["token_id"].get<std::string>()}));
  ASSERT_THAT(Secrets(), SizeIs(1));
}

// The provider block of the lost-create tests: a request timeout of 2 s, so that a request of a
// create given up on may make its token for 10 s (databricks::Client::LateCreateWindow's least).
constexpr char kShortTimeoutProvider[] = "provider \"adbjit\" {\n  http_timeout_seconds = 2\n}\n";

// A create whose answer is lost, and whose check (the token list) is refused, may have left a token
// alive that nothing names. The resource is kept as a tainted placeholder holding the marker the
// token's comment carries: the next apply revokes that token and creates a new one, a destroy
// revokes it, and a placeholder whose create made no token is replaced all the same while a
// request of that create may still make one.
TEST_F(TokenE2eTest, TokenLeftByALostCreateIsRevokedByTheNextApplyOrDestroy) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(std::string(kShortTimeoutProvider) +
                   "resource \"adbjit_token\" \"t\" {\n  comment          = \"lost\"\n  lifetime_seconds = 3600\n}\n");
  // The create's answer is lost (`phase` "after": the token was made) and the list that checks for
  // the token is refused, after `skip` lists that pass (a refresh).
  auto lose_the_create = [&](const std::string& phase, int skip) {
    emu().SetFaults(json::array(
        {{{"service", "databricks"}, {"method", "POST"}, {"path", "/token/create"}, {"action", "drop"},
          {"phase", phase}, {"count", 1}},
         {{"service", "databricks"}, {"path", "/token/list"}, {"action", "status"}, {"status", 403},
          {"headers", {{"Content-Type", "application/json"}}},
          {"body", R"({"error_code":"PERMISSION_DENIED","message":"Listing is disabled for this test."})"},
          {"skip", skip}, {"count", 1}}}));
  };
  lose_the_create("after", 0);
  CommandResult apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  const std::string said = Squashed(apply.stderr_text);
  EXPECT_THAT(said, HasSubstr("Error: Cannot create Databricks token"));
  EXPECT_THAT(said, HasSubstr("the outcome of the create is unknown"));
  EXPECT_THAT(said, HasSubstr("The resource is kept as a tainted placeholder: the next apply or destroy revokes "
                              "any token whose comment ends in [adbjit:"));
  const std::set<std::string> lost = LiveTokenIds();
  ASSERT_THAT(lost, SizeIs(1));

  // Untainted by hand, the placeholder is still replaced.
  CommandResult untaint = ws().Terraform({"untaint", "adbjit_token.t"});
  ASSERT_TRUE(untaint.ok()) << untaint.Describe();
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.t must be replaced"));
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("Warning: Token left by a failed create"));
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("Token " + *lost.begin() + " was made by a create whose answer "
                                                "was lost"));
  EXPECT_THAT(Output(plan), Not(HasSubstr("no longer holds it")));
  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  const std::string made = State("adbjit_token.t")["token_id"];
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{made});
  ExpectNoChanges("once the token left by the lost create is revoked");

  // Lost again on a replacement, then destroyed: the destroy revokes the lost token.
  lose_the_create("after", 1);
  ASSERT_EQ(ws().Apply({"-replace=adbjit_token.t"}).exit_code, 1);
  ASSERT_THAT(LiveTokenIds(), SizeIs(1));
  EXPECT_FALSE(LiveTokenIds().contains(made));
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.t is tainted, so must be replaced"));
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(LiveTokenIds(), IsEmpty());

  // The connection dropped before the create was handled: no token yet, but the placeholder stays
  // while a request of that create could still make one, and its replacement looks until then.
  lose_the_create("before", 0);
  ASSERT_EQ(ws().Apply().exit_code, 1);
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
  plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.t is tainted, so must be replaced"));
  EXPECT_THAT(Squashed(Output(plan)), HasSubstr("Warning: Token create of unknown outcome"));
  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  EXPECT_EQ(LiveTokenIds(), std::set<std::string>{State("adbjit_token.t")["token_id"].get<std::string>()});
}

// A create that times out and is carried out later, after its check was refused: the destroy that
// follows at once still revokes the token it makes, as the placeholder's error promised, rather
// than drop the placeholder for want of a token and let the token land unrecorded.
TEST_F(TokenE2eTest, ATokenALostCreateMakesAfterTheNextRunBeganIsStillRevoked) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(std::string(kShortTimeoutProvider) +
                   "resource \"adbjit_token\" \"t\" {\n  comment          = \"late\"\n  lifetime_seconds = 3600\n}\n");
  emu().SetFaults(json::array(
      {{{"service", "databricks"}, {"method", "POST"}, {"path", "/token/create"}, {"action", "delay"},
        {"delay_ms", 5000}, {"count", 1}},
       {{"service", "databricks"}, {"path", "/token/list"}, {"action", "status"}, {"status", 403}, {"count", 1}}}));
  CommandResult apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  EXPECT_THAT(Squashed(apply.stderr_text), HasSubstr("The resource is kept as a tainted placeholder"));
  CommandResult destroy = ws().Destroy();
  ASSERT_TRUE(destroy.ok()) << destroy.Describe();
  EXPECT_THAT(destroy.stdout_text, HasSubstr("1 destroyed"));
  EXPECT_EQ(RouteRequests("/token/create", "POST", 200), 1) << "the late request made its token";
  EXPECT_THAT(LiveTokenIds(), IsEmpty()) << "the token the late request made outlives the destroy";
}

// A create request that reaches Databricks only after the provider gave up on it (it timed out, the
// list found no token with its marker, and the provider created again) makes a second token with
// the same marker and lifetime, whose value nobody received. The test sends that late request
// itself, once the apply is done: the next refresh revokes the token it made and says so, and
// keeps the resource's own. A token with the same comment but another lifetime is not touched.
TEST_F(TokenE2eTest, TokenMadeByALateCreateRequestIsRevokedByTheNextRefresh) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig("resource \"adbjit_token\" \"t\" {\n  comment          = \"late\"\n  lifetime_seconds = 3600\n}\n");
  ASSERT_TRUE(MustApply().ok());
  const std::string ours = State("adbjit_token.t")["token_id"];
  std::string raw_comment;
  const json objects = emu().Objects();  // the loop below must not outlive it
  for (const auto& t : objects["tokens"]) {
    if (t["token_id"] == ours) raw_comment = t.value("comment", "");
  }
  ASSERT_THAT(raw_comment, HasSubstr("late [adbjit:"));
  auto send_create = [&](int64_t lifetime_seconds) -> std::string {
    auto bearer = Outside().tokens().Token(Outside().cloud().DatabricksScope());
    EXPECT_TRUE(bearer.ok()) << bearer.status().message();
    if (!bearer.ok()) return "";
    http::Request request;
    request.method = "POST";
    request.url = emu().databricks_url() + "/api/2.0/token/create";
    request.headers = {{"Authorization", "Bearer " + bearer->token.Reveal()}, {"Content-Type", "application/json"}};
    request.body = json{{"comment", raw_comment}, {"lifetime_seconds", lifetime_seconds}}.dump();
    request.idempotent = false;
    request.operation = "create token";
    auto response = http::CurlTransport().Send(request);
    EXPECT_TRUE(response.ok() && response->status == 200) << (response.ok() ? response->body : response.status().message());
    if (!response.ok()) return "";
    return json::parse(response->body, nullptr, false).value("/token_info/token_id"_json_pointer, "");
  };
  const std::string late = send_create(3600);
  const std::string unrelated = send_create(7200);
  ASSERT_FALSE(late.empty());
  ASSERT_FALSE(unrelated.empty());

  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 0) << plan.Describe();
  const std::string said = Squashed(Output(plan));
  EXPECT_THAT(said, HasSubstr("Warning: Token left by a late create request revoked"));
  EXPECT_THAT(said, HasSubstr("Token " + late + " carries the marker [adbjit:"));
  EXPECT_THAT(said, HasSubstr("created token " + ours + " instead. Its value never reached anyone"));
  EXPECT_THAT(said, Not(HasSubstr(unrelated)));
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{ours, unrelated}));
  ExpectNoChanges("after the late token was revoked");
}

TEST_F(TokenE2eTest, TokenThatCannotBeRevokedAfterAFailedWriteStaysInStateAndIsReplacedNextApply) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ws().WriteConfig(SealedConfig(VaultUrl()));
  emu().SetFaults(json::array(
      {{{"service", "keyvault"},
        {"method", "PUT"},
        {"path", "/secrets/db-pat"},
        {"action", "status"},
        {"status", 403},
        {"headers", {{"Content-Type", "application/json"}}},
        {"body", kForbiddenBody}},
       {{"service", "databricks"},
        {"method", "POST"},
        {"path", "/token/delete"},
        {"action", "status"},
        {"status", 403},
        {"headers", {{"Content-Type", "application/json"}}},
        {"body", R"({"error_code":"PERMISSION_DENIED","message":"Revoking tokens is disabled for this test."})"}}}));
  CommandResult apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  EXPECT_THAT(apply.stderr_text, HasSubstr("Cannot write token to Key Vault"));
  EXPECT_THAT(apply.stderr_text, HasSubstr("Cannot revoke undelivered token"));
  EXPECT_THAT(Squashed(apply.stderr_text), HasSubstr("created to be written there, could not be revoked (see the next error)."));
  EXPECT_THAT(apply.stderr_text, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(Squashed(apply.stderr_text), HasSubstr("Revoking tokens is disabled for this test."));
  // The live token is recorded (tainted) so that Terraform still owns it.
  ASSERT_THAT(LiveTokenIds(), SizeIs(1));
  const std::string stranded = *LiveTokenIds().begin();
  json state = State("adbjit_token.sealed");
  ASSERT_TRUE(state.is_object());
  EXPECT_EQ(state["token_id"], stranded);
  EXPECT_TRUE(state["token_value"].is_null());
  CommandResult plan = PlanDetailed();
  EXPECT_EQ(plan.exit_code, 2) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("adbjit_token.sealed is tainted, so must be replaced"));

  emu().ClearFaults();
  apply = ws().Apply();
  ASSERT_TRUE(apply.ok()) << apply.Describe();
  ExpectNoChanges("after replacing the tainted token");
  state = State("adbjit_token.sealed");
  EXPECT_NE(state["token_id"], stranded);
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{state["token_id"].get<std::string>()}));
  EXPECT_EQ(SecretValue("db-pat").substr(0, 4), "dapi");
}

TEST_F(TokenE2eTest, QuotaErrorNamesTheResourceOperationCodeAndMessage) {
  emulator::Options options;
  options.token_quota = 1;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  ws().WriteConfig(R"(
resource "adbjit_token" "first" {
  comment          = "first"
  lifetime_seconds = 3600
}

resource "adbjit_token" "second" {
  comment          = "second"
  lifetime_seconds = 3600
  depends_on       = [adbjit_token.first]
}
)");
  CommandResult apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  const std::string& err = apply.stderr_text;
  EXPECT_THAT(err, HasSubstr("Error: Cannot create Databricks token"));
  EXPECT_THAT(err, HasSubstr("with adbjit_token.second"));
  EXPECT_THAT(err, HasSubstr("QUOTA_EXCEEDED"));
  EXPECT_THAT(Squashed(err), HasSubstr("Cannot create more than 1 tokens."));
  EXPECT_THAT(err, Not(HasSubstr("with adbjit_token.first")));
  json first = State("adbjit_token.first");
  ASSERT_TRUE(first.is_object());
  EXPECT_EQ(LiveTokenIds(), (std::set<std::string>{first["token_id"].get<std::string>()}));
  EXPECT_EQ(RouteRequests("/token/create", "POST", 400), 1);  // a definite error: not retried
}

// A lifetime above the workspace's maximum (maxTokenLifetimeDays, which no guard rail knows) is
// refused by Databricks, and the error points at lifetime_seconds, for the managed token and the
// ephemeral one alike.
TEST_F(TokenE2eTest, ALifetimeAboveTheWorkspaceMaximumIsAnErrorOnTheLifetime) {
  emulator::Options options;
  options.max_token_lifetime_days = 1;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  ws().WriteConfig(R"(
resource "adbjit_token" "long" {
  lifetime_seconds = 172800
}
)");
  CommandResult apply = ws().Apply();
  ASSERT_EQ(apply.exit_code, 1) << apply.Describe();
  std::string err = Squashed(apply.stderr_text);
  EXPECT_THAT(err, HasSubstr("Token lifetime exceeds the maximum allowed lifetime of 1 days"));
  EXPECT_THAT(err, HasSubstr(OnLine(ConfigLine("lifetime_seconds = 172800")) + ", in resource \"adbjit_token\" \"long\""));
  ws().WriteConfig(R"(
ephemeral "adbjit_token" "run" {
  lifetime_seconds = 90000
}
)");
  CommandResult plan = ws().Plan();
  ASSERT_EQ(plan.exit_code, 1) << plan.Describe();
  err = Squashed(plan.stderr_text);
  EXPECT_THAT(err, HasSubstr(OnLine(ConfigLine("lifetime_seconds = 90000")) + ", in ephemeral \"adbjit_token\" \"run\""));
  EXPECT_THAT(LiveTokenIds(), IsEmpty());
}

}  // namespace
}  // namespace adbjit::e2e
