// The Terraform schemas of every adbjit resource, ephemeral resource and data source, declared as
// data in one place. Attribute names are the public contract in shared/spec/interface.md. The
// resource implementations, validation, planning and the generated docs (tools/docgen) all read
// these; nothing else spells an attribute name twice.
#ifndef ADBJIT_RESOURCES_SCHEMAS_H_
#define ADBJIT_RESOURCES_SCHEMAS_H_

#include "provider/framework/schema.h"

namespace adbjit::resources {

// State schema versions (UpgradeResourceState). Bump together with an upgrader in the resource.
inline constexpr int64_t kTokenSchemaVersion = 0;
inline constexpr int64_t kInstancePoolSchemaVersion = 0;
inline constexpr int64_t kKeyVaultBindingSchemaVersion = 0;

const tf::Schema& TokenSchema();
const tf::Schema& InstancePoolSchema();
const tf::Schema& KeyVaultBindingSchema();
const tf::Schema& EphemeralTokenSchema();
const tf::Schema& TokensDataSourceSchema();

}  // namespace adbjit::resources

#endif  // ADBJIT_RESOURCES_SCHEMAS_H_
