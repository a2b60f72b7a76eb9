// Tests for the adbjit provider's configuration schema and Configure.
#include "provider/adbjit_provider.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "resources/common.h"

#include <gtest/gtest.h>

namespace adbjit {
namespace {

TEST(AdbjitProviderSchemaTest, PassesTheFrameworkInvariants) {
  Status s = tf::ValidateSchema(AdbjitProviderSchema());
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(AdbjitProviderSchemaTest, EveryInterfaceAttributeIsOptionalAndDescribed) {
  const auto& block = AdbjitProviderSchema().block;
  const std::pair<const char*, const char*> with_env[] = {
      {"host", "DATABRICKS_HOST"},
      {"azure_workspace_resource_id", "DATABRICKS_AZURE_RESOURCE_ID"},
      {"azure_tenant_id", "ARM_TENANT_ID"},
      {"azure_client_id", "ARM_CLIENT_ID"},
      {"azure_client_secret", "ARM_CLIENT_SECRET"},
      {"azure_use_oidc", "ARM_USE_OIDC"},
      {"azure_oidc_token", "ARM_OIDC_TOKEN"},
      {"azure_oidc_token_file_path", "ARM_OIDC_TOKEN_FILE_PATH"},
      {"azure_use_msi", "ARM_USE_MSI"},
      {"azure_environment", "ARM_ENVIRONMENT"},
      {"azure_authority_host", "AZURE_AUTHORITY_HOST"},
      {"http_timeout_seconds", nullptr},
      {"retry_timeout_seconds", nullptr},
  };
  for (const auto& [name, env] : with_env) {
    const tf::Attribute* attr = block.FindAttribute(name);
    ASSERT_NE(attr, nullptr) << name;
    EXPECT_TRUE(attr->optional) << name;
    EXPECT_FALSE(attr->required || attr->computed) << name;
    EXPECT_FALSE(attr->description.empty()) << name;
    if (env != nullptr) {
      EXPECT_NE(attr->description.find(env), std::string::npos) << name << " should name " << env;
    }
  }
  EXPECT_TRUE(block.FindAttribute("azure_client_secret")->sensitive);
  EXPECT_TRUE(block.FindAttribute("azure_oidc_token")->sensitive);
  EXPECT_FALSE(block.FindAttribute("host")->sensitive);
}

TEST(AdbjitProviderSchemaTest, GuardrailsBlock) {
  const tf::NestedBlock* g = AdbjitProviderSchema().block.FindBlock("guardrails");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->nesting, tf::Nesting::kSingle);
  EXPECT_FALSE(g->block.description.empty());
  for (const char* name : {"max_token_lifetime_seconds", "allowed_node_types", "max_pool_capacity",
                           "required_pool_tags"}) {
    const tf::Attribute* attr = g->block.FindAttribute(name);
    ASSERT_NE(attr, nullptr) << name;
    EXPECT_TRUE(attr->optional) << name;
    EXPECT_FALSE(attr->description.empty()) << name;
  }
  EXPECT_EQ(g->block.FindAttribute("allowed_node_types")->type, tf::Type::List(tf::Type::String()));
  EXPECT_EQ(g->block.FindAttribute("required_pool_tags")->type, tf::Type::List(tf::Type::String()));
}

TEST(AdbjitProviderTest, IdentityAndConfigureTolerateUnknowns) {
  auto p = NewAdbjitProvider();
  EXPECT_EQ(p->TypeName(), "adbjit");
  EXPECT_FALSE(p->Version().empty());
  tf::ConfigureRequest req;
  req.terraform_version = "1.11.4";
  req.config = tf::Value::Unknown(AdbjitProviderSchema().ImpliedType());
  tf::ConfigureResponse resp;
  p->Configure(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError());
  ASSERT_NE(resp.data, nullptr);
  auto* data = dynamic_cast<resources::ApiProviderData*>(resp.data.get());
  ASSERT_NE(data, nullptr);
  EXPECT_FALSE(data->api_ready());  // nothing known yet: no clients, no API calls
  EXPECT_FALSE(data->guardrails.known);
}

// Guard rails and timeouts unknown at plan (from a resource created in the same run) do not stop
// the refresh: the credential and the workspace are known.
TEST(AdbjitProviderTest, UnknownGuardrailsOrTimeoutsStillConfigureTheClients) {
  auto p = NewAdbjitProvider();
  const tf::Type type = AdbjitProviderSchema().ImpliedType();
  tf::ConfigureRequest req;
  req.config = tf::Value::Object(
      type, {{"host", tf::Value::String("http://127.0.0.1:9")},
             {"azure_tenant_id", tf::Value::String("00000000-0000-4000-8000-000000000001")},
             {"azure_client_id", tf::Value::String("00000000-0000-4000-8000-000000000002")},
             {"azure_client_secret", tf::Value::String("s3cret-value")},
             {"http_timeout_seconds", tf::Value::Unknown(tf::Type::Number())},
             {"guardrails", tf::Value::Unknown(type.AttributeTypes().at("guardrails"))}});
  tf::ConfigureResponse resp;
  p->Configure(req, resp);
  ASSERT_FALSE(resp.diagnostics.HasError());
  auto* data = dynamic_cast<resources::ApiProviderData*>(resp.data.get());
  ASSERT_NE(data, nullptr);
  EXPECT_TRUE(data->api_ready());
  EXPECT_FALSE(data->guardrails.known);

  // An unknown credential still plans without clients.
  req.config = req.config.WithAttr("azure_client_secret", tf::Value::Unknown(tf::Type::String()));
  tf::ConfigureResponse unknown_secret;
  p->Configure(req, unknown_secret);
  ASSERT_FALSE(unknown_secret.diagnostics.HasError());
  EXPECT_FALSE(dynamic_cast<resources::ApiProviderData*>(unknown_secret.data.get())->api_ready());
}

// A host known only after apply (a workspace created in the same run) leaves the provider without
// clients for the plan, but what is known is checked then, not after the workspace is made.
TEST(AdbjitProviderTest, AnUnknownHostStillChecksTheCredentialAtPlan) {
  auto p = NewAdbjitProvider();
  const tf::Type type = AdbjitProviderSchema().ImpliedType();
  tf::ConfigureRequest req;
  req.config = tf::Value::Object(
      type, {{"host", tf::Value::Unknown(tf::Type::String())},
             {"azure_tenant_id", tf::Value::String("00000000-0000-4000-8000-000000000001")},
             {"azure_client_id", tf::Value::String("00000000-0000-4000-8000-000000000002")},
             {"azure_client_secret", tf::Value::String("s3cret-value")}});
  tf::ConfigureResponse fine;
  p->Configure(req, fine);
  EXPECT_FALSE(fine.diagnostics.HasError()) << fine.diagnostics.items().front().detail;
  EXPECT_FALSE(dynamic_cast<resources::ApiProviderData*>(fine.data.get())->api_ready());

  for (const char* unknown : {"host", "azure_workspace_resource_id"}) {
    tf::ConfigureRequest bad = req;
    bad.config = req.config.WithAttr("host", tf::Value::Null(tf::Type::String()))
                     .WithAttr(unknown, tf::Value::Unknown(tf::Type::String()))
                     .WithAttr("azure_client_id", tf::Value::String("not-a-guid"));
    tf::ConfigureResponse resp;
    p->Configure(bad, resp);
    ASSERT_TRUE(resp.diagnostics.HasError()) << unknown;
    const auto& d = resp.diagnostics.items().front();
    EXPECT_NE(d.detail.find("must be the application (client) ID"), std::string::npos) << d.detail;
    ASSERT_TRUE(d.attribute.has_value());
    EXPECT_EQ(d.attribute->ToString(), "azure_client_id");
    EXPECT_FALSE(dynamic_cast<resources::ApiProviderData*>(resp.data.get())->api_ready());
  }
}

TEST(AdbjitProviderTest, ConfigureReportsMissingCredentialOnTheAttribute) {
  auto p = NewAdbjitProvider();
  tf::ConfigureRequest req;
  req.config = tf::Value::Object(AdbjitProviderSchema().ImpliedType(),
                                 {{"host", tf::Value::String("http://127.0.0.1:9")},
                                  {"azure_client_id", tf::Value::String("00000000-0000-4000-8000-000000000002")},
                                  {"azure_client_secret", tf::Value::String("s3cret-value")},
                                  {"azure_tenant_id", tf::Value::String("")}});
  tf::ConfigureResponse resp;
  const char* saved = std::getenv("ARM_TENANT_ID");
  const std::optional<std::string> tenant_env = saved ? std::optional<std::string>(saved) : std::nullopt;
  ::setenv("ARM_TENANT_ID", "", 1);
  p->Configure(req, resp);
  if (tenant_env) {
    ::setenv("ARM_TENANT_ID", tenant_env->c_str(), 1);
  } else {
    ::unsetenv("ARM_TENANT_ID");
  }
  ASSERT_TRUE(resp.diagnostics.HasError());
  const auto& d = resp.diagnostics.items().front();
  EXPECT_NE(d.detail.find("azure_tenant_id"), std::string::npos) << d.detail;
  EXPECT_EQ(d.detail.find("s3cret-value"), std::string::npos);
  ASSERT_TRUE(d.attribute.has_value());
  EXPECT_EQ(d.attribute->ToString(), "azure_tenant_id");
}

// A client secret given in the wrong place as well (pipeline variables swapped) is not quoted back
// in the error that refuses it: the error text goes to the console and to CI logs.
TEST(AdbjitProviderTest, AClientSecretInAnotherSettingIsNotQuotedInItsError) {
  const std::string secret = "xY9Q~abcDEF.ghiJKL-mnoPQR_stuVWX1234567";
  const tf::Type type = AdbjitProviderSchema().ImpliedType();
  const tf::Value valid = tf::Value::Object(
      type, {{"host", tf::Value::String("https://adb-1.azuredatabricks.net")},
             {"azure_tenant_id", tf::Value::String("00000000-0000-4000-8000-000000000001")},
             {"azure_client_id", tf::Value::String("00000000-0000-4000-8000-000000000002")},
             {"azure_client_secret", tf::Value::String(secret)}});
  for (const char* attr : {"azure_tenant_id", "azure_workspace_resource_id"}) {
    tf::ConfigureRequest req;
    req.config = valid.WithAttr(attr, tf::Value::String(secret));
    if (std::string_view(attr) == "azure_workspace_resource_id") {
      req.config = req.config.WithAttr("host", tf::Value::Null(tf::Type::String()));
    }
    tf::ConfigureResponse resp;
    NewAdbjitProvider()->Configure(req, resp);
    ASSERT_TRUE(resp.diagnostics.HasError()) << attr;
    const auto& d = resp.diagnostics.items().front();
    EXPECT_EQ(d.detail.find(secret), std::string::npos) << attr << ": " << d.detail;
    EXPECT_NE(d.detail.find("***"), std::string::npos) << attr << ": " << d.detail;
    ASSERT_TRUE(d.attribute.has_value()) << attr;
    EXPECT_EQ(d.attribute->ToString(), attr);
  }
}

// An OIDC token given in the block without azure_use_oidc is not used: a warning on it says so.
TEST(AdbjitProviderTest, AnOidcTokenWithoutUseOidcIsAWarningOnIt) {
  const tf::Type type = AdbjitProviderSchema().ImpliedType();
  tf::ConfigureRequest req;
  req.config = tf::Value::Object(
      type, {{"host", tf::Value::String("https://adb-1.azuredatabricks.net")},
             {"azure_tenant_id", tf::Value::String("00000000-0000-4000-8000-000000000001")},
             {"azure_client_id", tf::Value::String("00000000-0000-4000-8000-000000000002")},
             {"azure_client_secret", tf::Value::String("s3cret-value")},
             {"azure_oidc_token_file_path", tf::Value::String("/var/run/secrets/token")}});
  tf::ConfigureResponse resp;
  NewAdbjitProvider()->Configure(req, resp);
  EXPECT_FALSE(resp.diagnostics.HasError());
  ASSERT_EQ(resp.diagnostics.items().size(), 1u);
  const auto& d = resp.diagnostics.items().front();
  EXPECT_EQ(d.summary, "OIDC token not used");
  EXPECT_NE(d.detail.find("signs in with the client secret"), std::string::npos) << d.detail;
  ASSERT_TRUE(d.attribute.has_value());
  EXPECT_EQ(d.attribute->ToString(), "azure_oidc_token_file_path");

  req.config = req.config.WithAttr("azure_use_oidc", tf::Value::Bool(true));
  tf::ConfigureResponse used;
  NewAdbjitProvider()->Configure(req, used);
  EXPECT_TRUE(used.diagnostics.items().empty());
}

}  // namespace
}  // namespace adbjit
