// Factories of every adbjit Terraform type; one implementation file each.
#ifndef ADBJIT_RESOURCES_RESOURCES_H_
#define ADBJIT_RESOURCES_RESOURCES_H_

#include <memory>

#include "provider/framework/resource.h"

namespace adbjit::resources {

std::shared_ptr<const tf::Resource> NewTokenResource();            // token_resource.cc
std::shared_ptr<const tf::Resource> NewInstancePoolResource();     // instance_pool_resource.cc
std::shared_ptr<const tf::Resource> NewKeyVaultBindingResource();  // keyvault_binding_resource.cc
std::shared_ptr<const tf::EphemeralResource> NewEphemeralTokenResource();  // token_ephemeral_resource.cc
std::shared_ptr<const tf::DataSource> NewTokensDataSource();              // tokens_data_source.cc

}  // namespace adbjit::resources

#endif  // ADBJIT_RESOURCES_RESOURCES_H_
