// The helpers the resources share that need no API: how two spellings of one Key Vault secret are
// told to be the same (the end-to-end suites show it for the emulator's http:// vault only).
#include <gtest/gtest.h>

#include <string>

#include "resources/common.h"

namespace adbjit::resources {
namespace {

using tf::Type;
using tf::Value;

Value Secret(const std::string& vault_url, const std::string& name) {
  return Value::Object(Type::Object({{"vault_url", Type::String()}, {"name", Type::String()}}),
                       {{"vault_url", Value::String(vault_url)}, {"name", Value::String(name)}});
}

TEST(SecretSpellingTest, TheSameVaultAndNameKeepThePriorSpelling) {
  const Value prior = Secret("https://kv.vault.azure.net/", "db-pat");
  for (const char* url : {"https://kv.vault.azure.net", "https://KV.vault.azure.net//", "HTTPS://kv.vault.azure.net/",
                          "https://kv.vault.azure.net:443/", "https://kv.vault.azure.net:443"}) {
    EXPECT_EQ(WithPriorSecretSpelling(prior, Secret(url, "DB-PAT")), prior) << url;
  }
  // Another port, scheme or host is another vault.
  for (const char* url : {"https://kv.vault.azure.net:8443/", "http://kv.vault.azure.net/",
                          "https://kv2.vault.azure.net/", "https://kv.vault.azure.net:4430/"}) {
    const Value planned = Secret(url, "db-pat");
    EXPECT_EQ(GetStr(WithPriorSecretSpelling(prior, planned), "vault_url"), url) << url;
  }
  // A port written in the prior and not in the plan is the same vault too.
  const Value with_port = Secret("https://kv.vault.azure.net:443/", "db-pat");
  EXPECT_EQ(WithPriorSecretSpelling(with_port, Secret("https://kv.vault.azure.net/", "db-pat")), with_port);
}

}  // namespace
}  // namespace adbjit::resources
