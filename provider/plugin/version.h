// What `terraform-provider-adbjit --version` prints: the provider version, the plugin protocol,
// and how the binary was built (compiler, build type, gRPC / protobuf / libcurl / OpenSSL).
#ifndef ADBJIT_PROVIDER_PLUGIN_VERSION_H_
#define ADBJIT_PROVIDER_PLUGIN_VERSION_H_

#include <string>
#include <string_view>

namespace adbjit::plugin {

// Several lines, newline-terminated, starting "terraform-provider-adbjit <provider_version>".
// `linkage` says how the executable is linked (each executable target knows its own: the same
// libraries are linked into the development and the portable provider, see cmake/Packaging.cmake).
std::string VersionText(std::string_view provider_version, std::string_view linkage);

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_VERSION_H_
