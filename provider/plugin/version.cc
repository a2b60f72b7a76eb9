// Version and build information.
#include "provider/plugin/version.h"

#include <google/protobuf/stubs/common.h>
#include <grpcpp/grpcpp.h>
#include <openssl/crypto.h>

#include "provider/plugin/handshake.h"

#ifndef ADBJIT_BUILD_TYPE
#define ADBJIT_BUILD_TYPE "unknown"
#endif

#if defined(__x86_64__)
#define ADBJIT_ARCH "amd64"
#elif defined(__aarch64__)
#define ADBJIT_ARCH "arm64"
#else
#define ADBJIT_ARCH "unknown"
#endif

namespace adbjit::plugin {

std::string VersionText(std::string_view provider_version, std::string_view linkage) {
  std::string out = "terraform-provider-adbjit " + std::string(provider_version) + "\n";
  out += "plugin protocol " + std::string(kAppProtocolMinor) + " (Terraform 1.5 or later; ephemeral resources "
         "need 1.10, write-only attributes 1.11)\n";
  out += "provider address " + std::string(kProviderAddress) + "\n";
  out += "platform linux_" ADBJIT_ARCH ", compiler " __VERSION__ ", build type " ADBJIT_BUILD_TYPE "\n";
  out += "linkage " + std::string(linkage) + "\n";
  out += "gRPC " + grpc::Version() + ", protobuf " +
         google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION) + ", " +
         OpenSSL_version(OPENSSL_VERSION) + "\n";
  return out;
}

}  // namespace adbjit::plugin
