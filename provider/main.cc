// terraform-provider-adbjit: parses the command line and serves the adbjit provider as a
// Terraform plugin (plugin/serve.h). Terraform starts it without arguments.
#include <cstdio>
#include <cstring>

#include <string>

#include "provider/adbjit_provider.h"
#include "provider/clients/http/libcurl.h"
#include "provider/plugin/serve.h"
#include "provider/plugin/version.h"

// How this executable is linked; set per executable target by cmake/Packaging.cmake.
#ifndef ADBJIT_LINKAGE
#define ADBJIT_LINKAGE "unknown"
#endif

namespace {

constexpr char kUsage[] =
    "Usage: terraform-provider-adbjit [-debug | --version | --help]\n"
    "\n"
    "A Terraform provider plugin: Terraform starts it itself (see the provider's README).\n"
    "  -debug      serve standalone and print a TF_REATTACH_PROVIDERS value to attach Terraform\n"
    "  --version   print the version, plugin protocol and build information (exits 1 when\n"
    "              libcurl, which is loaded at the first HTTP request, cannot be loaded)\n";

bool Is(const char* arg, const char* name) {
  // Accept both -flag and --flag, like Go's flag package.
  if (arg[0] == '-' && arg[1] == '-') ++arg;
  return std::strcmp(arg, name) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  adbjit::plugin::ServeOptions options;
  for (int i = 1; i < argc; ++i) {
    if (Is(argv[i], "-debug")) {
      options.debug = true;
    } else if (Is(argv[i], "-version")) {
      // libcurl is loaded here on purpose: `--version` proves that an installed provider can load
      // it (scripts/check-portable.sh runs it on a minimal Debian system).
      std::string text = adbjit::plugin::VersionText(adbjit::NewAdbjitProvider()->Version(), ADBJIT_LINKAGE);
      const std::string& curl_error = adbjit::http::LibcurlLoadError();
      text += curl_error.empty() ? "libcurl " + adbjit::http::LibcurlVersion() + " (loaded at the first HTTP request)\n"
                                 : "libcurl: " + curl_error + "\n";
      std::fputs(text.c_str(), stdout);
      return curl_error.empty() ? 0 : 1;
    } else if (Is(argv[i], "-help") || Is(argv[i], "-h")) {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "terraform-provider-adbjit: unknown argument \"%s\"\n\n%s", argv[i], kUsage);
      return 2;
    }
  }
  return adbjit::plugin::Serve(adbjit::NewAdbjitProvider(), options);
}
