// The registry of adbjit resource, ephemeral resource and data source implementations.
#include "resources/registry.h"

namespace adbjit::resources {

std::vector<std::shared_ptr<const tf::Resource>> AllResources() { return {}; }

std::vector<std::shared_ptr<const tf::EphemeralResource>> AllEphemeralResources() { return {}; }

std::vector<std::shared_ptr<const tf::DataSource>> AllDataSources() { return {}; }

}  // namespace adbjit::resources
