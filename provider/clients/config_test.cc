// ClientsConfig: environment fallbacks, credential selection, validation messages; Clients::Create
// does no network I/O.
#include "provider/clients/config.h"

#include <gtest/gtest.h>

#include <map>

#include "provider/clients/clients.h"

namespace adbjit::clients {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, EnvironmentFillsOnlyUnsetFields) {
  ClientsConfig c;
  c.tenant_id = "from-hcl";
  ASSERT_TRUE(ApplyEnvironment(c, Env({{"ARM_TENANT_ID", "from-env"},
                                       {"ARM_CLIENT_ID", "cid"},
                                       {"ARM_CLIENT_SECRET", "env-secret-value"},
                                       {"DATABRICKS_HOST", "https://adb-1.2.azuredatabricks.net"},
                                       {"DATABRICKS_AZURE_RESOURCE_ID", "/subscriptions/s/x"},
                                       {"ARM_USE_OIDC", "TRUE"},
                                       {"ARM_USE_MSI", "0"},
                                       {"ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh/x?a=b"},
                                       {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token"},
                                       {"ARM_ENVIRONMENT", "china"},
                                       {"AZURE_AUTHORITY_HOST", "http://127.0.0.1:9"},
                                       {"ARM_MSI_ENDPOINT", "http://169.254.169.254/x"},
                                       {"ADBJIT_RESOURCE_MANAGER_URL", "http://127.0.0.1:8"}}))
                  .ok());
  EXPECT_EQ(c.tenant_id, "from-hcl");
  EXPECT_EQ(c.client_id, "cid");
  EXPECT_EQ(c.client_secret.Reveal(), "env-secret-value");
  EXPECT_EQ(c.host, "https://adb-1.2.azuredatabricks.net");
  EXPECT_EQ(c.workspace_resource_id, "/subscriptions/s/x");
  EXPECT_EQ(c.use_oidc, true);
  EXPECT_EQ(c.use_msi, false);
  EXPECT_EQ(c.oidc_request_url, "https://gh/x?a=b");
  EXPECT_EQ(c.oidc_request_token.Reveal(), "gh-request-token");
  EXPECT_EQ(c.environment, "china");
  EXPECT_EQ(c.authority_host, "http://127.0.0.1:9");
  EXPECT_EQ(c.msi_endpoint, "http://169.254.169.254/x");
  EXPECT_EQ(c.resource_manager_url, "http://127.0.0.1:8");
  EXPECT_EQ(c.Credential(), CredentialKind::kFederated);

  ClientsConfig explicit_false;
  explicit_false.use_oidc = false;
  ASSERT_TRUE(ApplyEnvironment(explicit_false, Env({{"ARM_USE_OIDC", "true"}})).ok());
  EXPECT_EQ(explicit_false.use_oidc, false);

  ClientsConfig arm_names;
  ASSERT_TRUE(ApplyEnvironment(arm_names, Env({{"ARM_OIDC_REQUEST_URL", "https://a"},
                                               {"ACTIONS_ID_TOKEN_REQUEST_URL", "https://b"}}))
                  .ok());
  EXPECT_EQ(arm_names.oidc_request_url, "https://a");

  // The workspace the block names is not switched by the environment's, whichever it names it by.
  const auto ci_workspace = Env({{"DATABRICKS_HOST", "https://adb-9.9.azuredatabricks.net"},
                                 {"DATABRICKS_AZURE_RESOURCE_ID", "/subscriptions/s/env"}});
  ClientsConfig by_id;
  by_id.workspace_resource_id = "/subscriptions/s/hcl";
  ASSERT_TRUE(ApplyEnvironment(by_id, ci_workspace).ok());
  EXPECT_EQ(by_id.host, "") << "the URL is read from the block's resource ID";
  EXPECT_EQ(by_id.workspace_resource_id, "/subscriptions/s/hcl");
  ClientsConfig by_host;
  by_host.host = "https://adb-1.2.azuredatabricks.net";
  ASSERT_TRUE(ApplyEnvironment(by_host, ci_workspace).ok());
  EXPECT_EQ(by_host.host, "https://adb-1.2.azuredatabricks.net");
  EXPECT_EQ(by_host.workspace_resource_id, "");

  // The credential the provider block chooses is not switched by a variable that chooses another
  // (ARM_USE_OIDC or ARM_USE_MSI set for every job of a CI runner), nor its OIDC token source.
  const auto ci_runner = Env({{"ARM_USE_OIDC", "true"},
                              {"ARM_USE_MSI", "true"},
                              {"ARM_CLIENT_SECRET", "env-secret-value"},
                              {"ARM_OIDC_TOKEN", "env.oidc.token"},
                              {"ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh/x"}});
  ClientsConfig with_secret;
  with_secret.client_secret = Secret("hcl-secret-value");
  ASSERT_TRUE(ApplyEnvironment(with_secret, ci_runner).ok());
  EXPECT_EQ(with_secret.Credential(), CredentialKind::kClientSecret);
  EXPECT_EQ(with_secret.client_secret.Reveal(), "hcl-secret-value");
  ClientsConfig with_oidc_file;
  with_oidc_file.use_oidc = true;
  with_oidc_file.oidc_token_file_path = "/run/oidc-token";
  ASSERT_TRUE(ApplyEnvironment(with_oidc_file, ci_runner).ok());
  EXPECT_EQ(with_oidc_file.Credential(), CredentialKind::kFederated);
  EXPECT_TRUE(with_oidc_file.oidc_token.empty()) << "ARM_OIDC_TOKEN would win over the block's file";
  EXPECT_TRUE(with_oidc_file.oidc_request_url.empty());
  ClientsConfig with_msi;
  with_msi.use_msi = true;
  ASSERT_TRUE(ApplyEnvironment(with_msi, ci_runner).ok());
  EXPECT_EQ(with_msi.Credential(), CredentialKind::kManagedIdentity);
  EXPECT_EQ(with_msi.use_oidc, false);
  // The cloud the block names is not moved to another login host by AZURE_AUTHORITY_HOST from the
  // environment; the block's own azure_authority_host, or a block naming no cloud, takes one.
  const auto other_login = Env({{"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/"}});
  ClientsConfig china;
  china.environment = "china";
  ASSERT_TRUE(ApplyEnvironment(china, other_login).ok());
  EXPECT_EQ(china.authority_host, "");
  china.authority_host = "https://login.private.example/";
  ASSERT_TRUE(ApplyEnvironment(china, other_login).ok());
  EXPECT_EQ(china.authority_host, "https://login.private.example/");
  ClientsConfig unnamed;
  ASSERT_TRUE(ApplyEnvironment(unnamed, other_login).ok());
  EXPECT_EQ(unnamed.authority_host, "https://login.microsoftonline.com/");
  // A block that chooses none takes the environment's choice, as before (both set: an error).
  ClientsConfig none;
  ASSERT_TRUE(ApplyEnvironment(none, Env({{"ARM_USE_OIDC", "true"}, {"ARM_CLIENT_SECRET", "s"}})).ok());
  EXPECT_EQ(none.Credential(), CredentialKind::kFederated);

  ClientsConfig bad;
  Status s = ApplyEnvironment(bad, Env({{"ARM_USE_MSI", "maybe"}}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "ARM_USE_MSI=\"maybe\" is not a boolean (use true or false)");
}

// The workspace host's DNS zone chooses the cloud when nothing else does, and contradicting it is
// an error on azure_environment (an Azure China workspace signing in at the public login host
// fails with an Entra error about the tenant, which points the wrong way).
TEST(ConfigTest, TheWorkspaceHostChoosesTheCloudWhenNothingElseDoes) {
  const std::map<std::string, std::string> hosts = {{"https://adb-1.2.databricks.azure.cn", "china"},
                                                    {"adb-1.2.databricks.azure.us/", "usgovernment"},
                                                    {"https://ADB-1.2.DATABRICKS.AZURE.CN.:443", "china"},
                                                    {"https://adb-1.2.azuredatabricks.net", "public"},
                                                    {"https://dbc.example.com", ""},
                                                    {"http://127.0.0.1:9", ""}};
  for (const auto& [host, cloud] : hosts) {
    ClientsConfig c;
    c.host = host;
    ASSERT_TRUE(ApplyEnvironment(c, Env({})).ok());
    EXPECT_EQ(c.environment, cloud) << host;
  }
  ClientsConfig from_env;
  ASSERT_TRUE(ApplyEnvironment(from_env, Env({{"DATABRICKS_HOST", "https://adb-1.2.databricks.azure.cn"}})).ok());
  EXPECT_EQ(from_env.environment, "china");

  ClientsConfig c;
  c.tenant_id = "00000000-0000-4000-8000-000000000001";
  c.client_id = "00000000-0000-4000-8000-000000000002";
  c.client_secret = Secret("s3cret-x");
  c.host = "https://adb-1.2.databricks.azure.cn/?o=1";
  c.environment = "public";
  EXPECT_EQ(c.Validate().message(),
            "azure_environment (ARM_ENVIRONMENT) is \"public\", but the workspace host "
            "https://adb-1.2.databricks.azure.cn is in the china cloud: set azure_environment = \"china\", or leave "
            "it unset (the host's DNS zone then chooses the cloud)");
  c.environment = "AzureChinaCloud";
  EXPECT_TRUE(c.Validate().ok()) << c.Validate().message();
  c.host = "https://dbc.example.com";  // a host in no cloud's zone contradicts nothing
  c.environment = "usgovernment";
  EXPECT_TRUE(c.Validate().ok());
}

TEST(ConfigTest, ValidateNamesWhatIsMissing) {
  auto msg = [](const ClientsConfig& c) { return c.Validate().message(); };
  ClientsConfig c;
  EXPECT_EQ(msg(c), "azure_tenant_id (ARM_TENANT_ID) is required");
  c.tenant_id = "t";
  EXPECT_EQ(msg(c), "azure_client_id (ARM_CLIENT_ID) is required");
  // A client id is a GUID. Entra ID repeats an unknown one in its error, and a secret given in its
  // place (the two swapped) must not reach that text, nor this one.
  c.client_id = "Xy8Q~s3cretValueOfAnAppRegistration.k2";
  EXPECT_EQ(msg(c), "azure_client_id (ARM_CLIENT_ID) must be the application (client) ID, a GUID such as "
                    "00000000-0000-0000-0000-000000000000, got a string of 38 characters (not shown: it may be a "
                    "secret given in the wrong place)");
  c.client_id = "{00000000-0000-4000-8000-000000000002}";
  EXPECT_FALSE(c.Validate().ok()) << "only the bare form";
  c.client_id = "00000000-0000-4000-8000-00000000000A";
  EXPECT_NE(msg(c).find("azure_client_secret (ARM_CLIENT_SECRET) is required"), std::string::npos);
  c.client_secret = Secret("s3cret-x");
  EXPECT_TRUE(c.Validate().ok());

  c.host = "http://adb-1.2.azuredatabricks.net";
  EXPECT_NE(msg(c).find("host (DATABRICKS_HOST): refusing plain http://"), std::string::npos);
  c.host = "adb-1.2.azuredatabricks.net";  // bare host = https
  EXPECT_TRUE(c.Validate().ok());
  c.authority_host = "http://login.example.com";
  EXPECT_NE(msg(c).find("azure_authority_host (AZURE_AUTHORITY_HOST): refusing plain http://"), std::string::npos);
  // The login host alone: MSAL's authority form, with the tenant, would name the tenant twice.
  c.authority_host = "https://login.microsoftonline.com/contoso.onmicrosoft.com";
  EXPECT_EQ(msg(c), "azure_authority_host (AZURE_AUTHORITY_HOST) must be the login host alone, such as "
                    "https://login.microsoftonline.com/, without a path (the tenant goes in azure_tenant_id), got "
                    "\"https://login.microsoftonline.com/contoso.onmicrosoft.com\"");
  c.authority_host = "https://login.microsoftonline.com/?x=1";
  EXPECT_FALSE(c.Validate().ok());
  for (const char* good : {"https://login.microsoftonline.com/", "login.microsoftonline.us", "http://127.0.0.1:8443"}) {
    c.authority_host = good;
    EXPECT_TRUE(c.Validate().ok()) << good << ": " << msg(c);
  }
  c.authority_host = "";
  c.resource_manager_url = "http://management.example.com";
  EXPECT_NE(msg(c).find("ADBJIT_RESOURCE_MANAGER_URL: refusing plain http://"), std::string::npos);
  c.resource_manager_url = "";
  c.environment = "mars";
  EXPECT_EQ(msg(c), "azure_environment (ARM_ENVIRONMENT) must be \"public\", \"usgovernment\" or \"china\", "
                    "got \"mars\"");
  c.environment = "AzurePublicCloud";  // the host is in the public zone
  c.tenant_id = "common";
  EXPECT_NE(msg(c).find("is not valid for a service principal"), std::string::npos);
  // The tenant goes into the token endpoint's path: a GUID or a domain name only.
  for (const char* good : {"00000000-0000-4000-8000-000000000001", "contoso.onmicrosoft.com"}) {
    c.tenant_id = good;
    EXPECT_TRUE(c.Validate().ok()) << good;
  }
  // Dots only between labels: ".." would make the endpoint's path climb out of the tenant.
  for (const char* bad : {"a b", "t/../x", "t?x=1", "t%2F", "..", ".", "-", "a..b", ".contoso.com", "contoso.", "-t"}) {
    c.tenant_id = bad;
    EXPECT_EQ(msg(c), std::string("azure_tenant_id (ARM_TENANT_ID) must be the tenant id (a GUID) or a verified "
                                  "domain name, got \"") + bad + "\"");
  }
  // A huge value (from a file) is refused by its length, not matched (std::regex would overflow
  // the stack on it) nor quoted back.
  c.tenant_id = std::string(200000, 'a');
  EXPECT_EQ(msg(c), "azure_tenant_id (ARM_TENANT_ID) must be the tenant id (a GUID) or a verified domain name, "
                    "got a string of 200000 characters");
  EXPECT_FALSE(IsWorkspaceResourceId("/subscriptions/" + std::string(200000, 'a')));
  c.tenant_id = "t";

  // The resource ID goes into an ARM URL path, so only the workspace shape is taken.
  for (const char* good : {"/subscriptions/0000/resourceGroups/rg-1/providers/Microsoft.Databricks/workspaces/ws",
                           "/SUBSCRIPTIONS/0000/resourcegroups/RG/providers/microsoft.databricks/WORKSPACES/ws"}) {
    c.workspace_resource_id = good;
    EXPECT_TRUE(c.Validate().ok()) << good;
  }
  for (const char* bad : {"/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
                          "https://adb-1.2.azuredatabricks.net",
                          "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws?x=1",
                          "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws/",
                          "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/a b"}) {
    c.workspace_resource_id = bad;
    EXPECT_EQ(msg(c).rfind("azure_workspace_resource_id (DATABRICKS_AZURE_RESOURCE_ID) must be the Azure resource "
                           "ID of a Databricks workspace",
                           0),
              0u)
        << bad;
  }
  c.workspace_resource_id = "";

  ClientsConfig o = c;
  o.use_oidc = true;
  EXPECT_NE(msg(o).find("no OIDC token source was found"), std::string::npos);
  o.oidc_request_url = "https://gh/x?y=1";
  EXPECT_NE(msg(o).find("ACTIONS_ID_TOKEN_REQUEST_TOKEN (ARM_OIDC_REQUEST_TOKEN) is not"), std::string::npos);
  o.oidc_request_token = Secret("gh-req-tok");
  EXPECT_TRUE(o.Validate().ok());
  o.use_msi = true;
  EXPECT_NE(msg(o).find("choose one"), std::string::npos);

  ClientsConfig m;
  m.use_msi = true;
  EXPECT_TRUE(m.Validate().ok());
  m.msi_endpoint = "http://example.com/token";
  EXPECT_NE(msg(m).find("ARM_MSI_ENDPOINT: refusing plain http://"), std::string::npos);
  m.http_timeout_seconds = 0;
  EXPECT_EQ(msg(m), "http_timeout_seconds must be positive");
}

TEST(ClientsTest, CreateValidatesAndDoesNoIo) {
  ClientsConfig c;
  EXPECT_EQ(Clients::Create(c).status().code(), StatusCode::kInvalidArgument);
  c.tenant_id = "t";
  c.client_id = "00000000-0000-4000-8000-000000000002";
  c.client_secret = Secret("never-sent-secret");
  c.authority_host = "http://127.0.0.1:1";  // nothing listens; Create must not notice
  c.host = "http://127.0.0.1:1";
  c.environment = "china";
  auto clients = Clients::Create(c);
  ASSERT_TRUE(clients.ok()) << clients.status().ToString();
  EXPECT_EQ((*clients)->cloud().keyvault_audience, "https://vault.azure.cn");
  EXPECT_TRUE((*clients)->keyvault().ValidateVaultUrl("https://v.vault.azure.cn/").ok());
  (*clients)->Cancel();
  EXPECT_TRUE((*clients)->cancelled());
  auto r = (*clients)->databricks().ListTokens();
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace adbjit::clients
