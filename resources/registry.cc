// The registry of adbjit resource, ephemeral resource and data source implementations.
#include "resources/registry.h"

#include "resources/resources.h"

namespace adbjit::resources {

std::vector<std::shared_ptr<const tf::Resource>> AllResources() {
  return {NewTokenResource(), NewInstancePoolResource(), NewKeyVaultBindingResource()};
}

std::vector<std::shared_ptr<const tf::EphemeralResource>> AllEphemeralResources() {
  return {NewEphemeralTokenResource()};
}

std::vector<std::shared_ptr<const tf::DataSource>> AllDataSources() { return {NewTokensDataSource()}; }

}  // namespace adbjit::resources
