// The list of everything the adbjit provider serves: managed resources, ephemeral resources and
// data sources. Adding a resource is one file in resources/ plus one line here; the provider and
// the protocol layer pick it up without other changes.
#ifndef ADBJIT_RESOURCES_REGISTRY_H_
#define ADBJIT_RESOURCES_REGISTRY_H_

#include <memory>
#include <vector>

#include "provider/framework/resource.h"

namespace adbjit::resources {

// Fresh lists on every call; the objects are stateless and shared.
std::vector<std::shared_ptr<const tf::Resource>> AllResources();
std::vector<std::shared_ptr<const tf::EphemeralResource>> AllEphemeralResources();
std::vector<std::shared_ptr<const tf::DataSource>> AllDataSources();

}  // namespace adbjit::resources

#endif  // ADBJIT_RESOURCES_REGISTRY_H_
