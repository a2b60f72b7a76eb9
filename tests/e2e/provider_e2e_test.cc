// The provider through the real terraform CLI: schema, validate, plan, provider-block
// validation errors naming the attribute, logging under the provider's name, Shutdown handling,
// and installation from a filesystem mirror.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/harness.h"

namespace adbjit::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kProviderAddress[] = "registry.terraform.io/adbjit/adbjit";

// A declaration that makes Terraform use (not prune) the provider without creating anything:
// a managed resource or data source with no required arguments, with count = 0. Empty (and the
// calling test failed) when the schema cannot be read or has no such type: the provider block
// would then be pruned and never validated, and the test would check nothing.
std::string ProviderConsumer(const Workspace& ws) {
  auto schema = ws.ProvidersSchemaJson();
  if (!schema.ok()) {
    ADD_FAILURE() << "terraform providers schema failed: " << schema.status().message();
    return "";
  }
  const auto& all = (*schema).value("provider_schemas", nlohmann::json::object());
  if (!all.contains(kProviderAddress)) {
    ADD_FAILURE() << "terraform providers schema has no " << kProviderAddress;
    return "";
  }
  const auto& p = all[kProviderAddress];
  auto no_required = [](const nlohmann::json& s) {
    const nlohmann::json block = s.value("block", nlohmann::json::object());
    const nlohmann::json attrs = block.value("attributes", nlohmann::json::object());
    const nlohmann::json blocks = block.value("block_types", nlohmann::json::object());
    for (const auto& [name, attr] : attrs.items()) {
      if (attr.value("required", false)) return false;
    }
    for (const auto& [name, nested] : blocks.items()) {
      if (nested.value("min_items", 0) > 0) return false;
    }
    return true;
  };
  const nlohmann::json data_sources = p.value("data_source_schemas", nlohmann::json::object());
  for (const auto& [type, s] : data_sources.items()) {
    if (no_required(s)) return "data \"" + type + "\" \"probe\" {\n  count = 0\n}\n";
  }
  const nlohmann::json resources = p.value("resource_schemas", nlohmann::json::object());
  for (const auto& [type, s] : resources.items()) {
    if (no_required(s)) return "resource \"" + type + "\" \"probe\" {\n  count = 0\n}\n";
  }
  ADD_FAILURE() << "no resource or data source of " << kProviderAddress << " has only optional arguments";
  return "";
}

TEST(ProviderE2eTest, ProvidersSchemaJsonListsTheProviderWithDescriptions) {
  Workspace ws;
  ws.WriteConfig("");
  auto schema = ws.ProvidersSchemaJson();
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  const auto& p = (*schema)["provider_schemas"][kProviderAddress];
  ASSERT_TRUE(p.is_object()) << schema->dump(2);
  const auto& block = p["provider"]["block"];
  EXPECT_THAT(block["description"].get<std::string>(), HasSubstr("Azure Databricks"));
  for (const char* name : {"host", "azure_workspace_resource_id", "azure_tenant_id", "azure_client_id",
                           "azure_client_secret", "azure_use_oidc", "azure_oidc_token", "azure_oidc_token_file_path",
                           "azure_use_msi", "azure_environment", "azure_authority_host", "http_timeout_seconds",
                           "retry_timeout_seconds"}) {
    const auto& attr = block["attributes"][name];
    ASSERT_TRUE(attr.is_object()) << name;
    EXPECT_FALSE(attr.value("description", "").empty()) << name;
    EXPECT_EQ(attr.value("description_kind", ""), "markdown") << name;
    EXPECT_TRUE(attr.value("optional", false)) << name;
  }
  EXPECT_TRUE(block["attributes"]["azure_client_secret"].value("sensitive", false));
  EXPECT_TRUE(block["attributes"]["azure_oidc_token"].value("sensitive", false));
  const auto& guardrails = block["block_types"]["guardrails"];
  EXPECT_EQ(guardrails.value("nesting_mode", ""), "single");
  for (const char* name : {"max_token_lifetime_seconds", "allowed_node_types", "max_pool_capacity", "required_pool_tags"}) {
    EXPECT_TRUE(guardrails["block"]["attributes"][name].is_object()) << name;
  }
  // Every resource, ephemeral resource and data source served so far has a described schema.
  for (const char* kind : {"resource_schemas", "data_source_schemas", "ephemeral_resource_schemas"}) {
    const nlohmann::json schemas = p.value(kind, nlohmann::json::object());
    for (const auto& [type, s] : schemas.items()) {
      EXPECT_FALSE(s.value("block", nlohmann::json::object()).value("description", "").empty()) << kind << " " << type;
    }
  }
}

TEST(ProviderE2eTest, ValidateAndPlanWithAnEmptyConfigSucceed) {
  Workspace ws;
  ws.WriteConfig("");
  CommandResult validate = ws.Validate();
  ASSERT_TRUE(validate.ok()) << validate.Describe();
  EXPECT_THAT(validate.stdout_text, HasSubstr("The configuration is valid"));
  CommandResult plan = ws.Plan();
  ASSERT_TRUE(plan.ok()) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("No changes"));
  EXPECT_THAT(plan.stdout_text + plan.stderr_text, HasSubstr("Provider development overrides are in effect"));
}

TEST(ProviderE2eTest, ValidProviderBlockValidates) {
  Workspace ws;
  ws.WriteConfig("");
  ws.WriteConfig(R"(
provider "adbjit" {
  host                 = "https://adb-1234567890123456.7.azuredatabricks.net"
  azure_environment    = "public"
  http_timeout_seconds = 30
  guardrails {
    max_token_lifetime_seconds = 3600
    allowed_node_types         = ["Standard_DS3_v2"]
  }
}
)" + ProviderConsumer(ws));
  CommandResult validate = ws.Validate();
  EXPECT_TRUE(validate.ok()) << validate.Describe();
}

// Terraform prunes a provider no resource uses, and only then validates its block.
class BadProviderBlockTest : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(BadProviderBlockTest, ErrorNamesTheAttribute) {
  const auto& [attribute, value] = GetParam();
  Workspace ws;
  ws.WriteConfig("");
  const std::string consumer = ProviderConsumer(ws);
  ASSERT_FALSE(consumer.empty()) << "without a resource or data source using it, Terraform prunes the "
                                    "provider block and never validates it";
  ws.WriteConfig("provider \"adbjit\" {\n  " + attribute + " = " + value + "\n}\n" + consumer);
  for (const CommandResult& r : {ws.Validate(), ws.Plan()}) {
    EXPECT_NE(r.exit_code, 0) << r.Describe();
    EXPECT_THAT(r.stderr_text, HasSubstr("Error")) << r.Describe();
    EXPECT_THAT(r.stderr_text, HasSubstr(attribute)) << r.Describe();
  }
}

INSTANTIATE_TEST_SUITE_P(Attributes, BadProviderBlockTest,
                         ::testing::Values(std::make_pair("http_timeout_seconds", "0"),
                                           std::make_pair("http_timeout_seconds", "3601"),
                                           std::make_pair("retry_timeout_seconds", "1e20"),
                                           std::make_pair("retry_timeout_seconds", "-1"),
                                           std::make_pair("host", "\"http://example.com\""),
                                           std::make_pair("host", "\"\""),
                                           std::make_pair("azure_tenant_id", "\"t/../x\""),
                                           std::make_pair("azure_client_id", "\"Xy8Q~notAGuid.k2\""),
                                           std::make_pair("azure_tenant_id", "\"..\""),
                                           std::make_pair("azure_authority_host",
                                                          "\"https://login.microsoftonline.com/contoso.com\""),
                                           std::make_pair("host", "\"/subscriptions/0/resourceGroups/rg/providers/"
                                                                  "Microsoft.Databricks/workspaces/w\""),
                                           std::make_pair("azure_workspace_resource_id",
                                                          "\"https://adb-1.2.azuredatabricks.net\""),
                                           std::make_pair("azure_environment", "\"mars\"")));

// A client secret swapped into ARM_CLIENT_ID is refused before anything is sent (Entra ID would
// repeat the client id in its error), on azure_client_id, without the value.
TEST(ProviderE2eTest, AClientIdThatIsNoGuidIsRefusedWithoutShowingIt) {
  Workspace ws;
  ws.WriteConfig("");
  const std::string consumer = ProviderConsumer(ws);
  ASSERT_FALSE(consumer.empty());
  ws.WriteConfig(consumer);
  const std::string swapped = "Xy8Q~s3cretValueOfAnAppRegistration.k2";
  ws.SetEnv("DATABRICKS_HOST", "http://127.0.0.1:9");
  ws.SetEnv("ARM_TENANT_ID", "00000000-0000-4000-8000-000000000001");
  ws.SetEnv("ARM_CLIENT_ID", swapped);
  ws.SetEnv("ARM_CLIENT_SECRET", "00000000-0000-4000-8000-000000000002");
  CommandResult plan = ws.Plan();
  EXPECT_NE(plan.exit_code, 0) << plan.Describe();
  EXPECT_THAT(Squashed(plan.stderr_text), HasSubstr("azure_client_id (ARM_CLIENT_ID) must be the application (client) "
                                                    "ID, a GUID"));
  EXPECT_THAT(plan.stdout_text + plan.stderr_text, Not(HasSubstr(swapped)));
}

TEST(ProviderE2eTest, DebugLogShowsProviderLinesAndEveryProcessGetsShutdown) {
  Workspace ws;
  ws.WriteConfig("");
  ws.SetEnv("TF_LOG", "DEBUG");
  CommandResult plan = ws.Plan();
  ASSERT_TRUE(plan.ok()) << plan.Describe();
  const std::string& log = plan.stderr_text;
  // Our hclog lines appear under the provider's name, with the RPC fields.
  EXPECT_THAT(log, HasSubstr("provider.terraform-provider-adbjit: Served request"));
  EXPECT_THAT(log, HasSubstr("tf_rpc=GetProviderSchema"));
  // Each provider process was told to shut down and exited by itself: no 2 s wait and SIGKILL.
  const int launches = CountOccurrences(log, "provider: plugin started");
  EXPECT_GE(launches, 1);
  EXPECT_EQ(CountOccurrences(log, "provider.terraform-provider-adbjit: Received Shutdown"), launches) << log;
  EXPECT_EQ(CountOccurrences(log, "provider: plugin exited"), launches) << log;
  EXPECT_THAT(log, Not(HasSubstr("plugin failed to exit gracefully")));
  EXPECT_THAT(log, Not(HasSubstr("Unimplemented")));
}

TEST(ProviderE2eTest, LogLevelIsHonouredWithoutLeakingToStdout) {
  Workspace ws;
  ws.WriteConfig("");
  CommandResult quiet = ws.Plan();
  ASSERT_TRUE(quiet.ok()) << quiet.Describe();
  EXPECT_THAT(quiet.stderr_text + quiet.stdout_text, Not(HasSubstr("Served request")));
  // Terraform logs at debug, which would show the provider's debug lines, but the provider's own
  // level says warn: it writes none. (Without TF_LOG Terraform shows nothing of the provider's, so
  // only this can tell.)
  ws.SetEnv("TF_LOG", "DEBUG");
  ws.SetEnv("TF_LOG_PROVIDER_ADBJIT", "WARN");
  CommandResult warn_only = ws.Plan();
  ASSERT_TRUE(warn_only.ok()) << warn_only.Describe();
  EXPECT_THAT(warn_only.stderr_text, HasSubstr("provider: plugin started")) << "Terraform logs at debug";
  EXPECT_THAT(warn_only.stderr_text + warn_only.stdout_text, Not(HasSubstr("Served request")));
  ws.SetEnv("TF_LOG_PROVIDER_ADBJIT", "DEBUG");
  CommandResult debug = ws.Plan();
  ASSERT_TRUE(debug.ok()) << debug.Describe();
  EXPECT_THAT(debug.stderr_text, HasSubstr("Served request"));
  EXPECT_THAT(debug.stdout_text, Not(HasSubstr("Served request")));
}

TEST(ProviderE2eTest, InitFromAFilesystemMirrorThenPlan) {
  Workspace ws(Install::kFilesystemMirror);
  ws.WriteConfig("");
  CommandResult init = ws.Init();
  ASSERT_TRUE(init.ok()) << init.Describe();
  EXPECT_THAT(init.stdout_text, HasSubstr("Installed adbjit/adbjit"));
  CommandResult plan = ws.Plan();
  ASSERT_TRUE(plan.ok()) << plan.Describe();
  EXPECT_THAT(plan.stdout_text, HasSubstr("No changes"));
}

}  // namespace
}  // namespace adbjit::e2e
