// Every adbjit schema satisfies the invariants Terraform enforces, and the public attribute names
// of shared/spec/interface.md are all present.
#include "resources/schemas.h"

#include <gtest/gtest.h>

#include "resources/registry.h"

namespace adbjit::resources {
namespace {

TEST(SchemasTest, AllSchemasAreValid) {
  for (const auto& r : AllResources()) EXPECT_TRUE(tf::ValidateSchema(r->GetSchema()).ok()) << r->TypeName() << ": " << tf::ValidateSchema(r->GetSchema()).ToString();
  for (const auto& e : AllEphemeralResources()) EXPECT_TRUE(tf::ValidateSchema(e->GetSchema()).ok()) << e->TypeName();
  for (const auto& d : AllDataSources()) EXPECT_TRUE(tf::ValidateSchema(d->GetSchema()).ok()) << d->TypeName();
}

void ExpectAttributes(const tf::Block& block, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    EXPECT_TRUE(block.FindAttribute(n) != nullptr || block.FindBlock(n) != nullptr) << n;
  }
}

TEST(SchemasTest, PublicContractNamesExist) {
  ExpectAttributes(TokenSchema().block, {"comment", "lifetime_seconds", "renew_before_seconds", "keyvault_secret", "id",
                                         "token_id", "token_value", "creation_time", "expiry_time",
                                         "keyvault_secret_id"});
  ExpectAttributes(TokenSchema().block.FindBlock("keyvault_secret")->block, {"vault_url", "name", "content_type"});
  ExpectAttributes(InstancePoolSchema().block,
                   {"instance_pool_name", "node_type_id", "min_idle_instances", "max_capacity",
                    "idle_instance_autotermination_minutes", "custom_tags", "enable_elastic_disk",
                    "preloaded_spark_versions", "azure_attributes", "disk_spec", "id", "instance_pool_id", "state",
                    "default_tags"});
  ExpectAttributes(KeyVaultBindingSchema().block,
                   {"vault_url", "name", "value", "value_wo", "value_wo_version", "content_type", "expiration_date",
                    "not_before_date", "tags", "purge_on_destroy", "recover_soft_deleted", "id", "version",
                    "versionless_id"});
  ExpectAttributes(EphemeralTokenSchema().block, {"comment", "lifetime_seconds", "token_id", "token_value", "expiry_time"});
  ExpectAttributes(TokensDataSourceSchema().block, {"tokens"});
}

TEST(SchemasTest, SecretsAreSensitiveAndWriteOnlyIsNotStored) {
  EXPECT_TRUE(TokenSchema().block.FindAttribute("token_value")->sensitive);
  EXPECT_TRUE(KeyVaultBindingSchema().block.FindAttribute("value")->sensitive);
  const tf::Attribute* wo = KeyVaultBindingSchema().block.FindAttribute("value_wo");
  EXPECT_TRUE(wo->write_only);
  EXPECT_TRUE(wo->sensitive);
  EXPECT_TRUE(EphemeralTokenSchema().block.FindAttribute("token_value")->sensitive);
}

}  // namespace
}  // namespace adbjit::resources
