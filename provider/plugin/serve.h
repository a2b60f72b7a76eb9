// Serve: runs a tf::Provider as a Terraform plugin process. The only entry point main.cc needs.
//
// Normal mode (started by Terraform): checks the magic cookie (missing -> one sentence on stderr,
// exit 1), negotiates protocol 6, listens on a unix socket in a fresh private directory (AutoMTLS
// when PLUGIN_CLIENT_CERT is set), prints the handshake line on stdout, then points fd 1 at
// /dev/null and serves tfplugin6.Provider, plugin.GRPCController / GRPCStdio / GRPCBroker and the
// gRPC health service ("plugin" SERVING) until Shutdown or SIGTERM. SIGINT is ignored.
//
// Debug mode (-debug): no cookie, plaintext; prints the TF_REATTACH_PROVIDERS line and serves
// until SIGINT or SIGTERM, so one process serves many terraform commands.
//
// Returns the process exit code when it cannot serve. After serving, the socket and its directory
// are removed and the process ends at once with status 0, without running destructors (Terraform
// waits for the exit); sanitizer builds return 0 instead.
#ifndef ADBJIT_PROVIDER_PLUGIN_SERVE_H_
#define ADBJIT_PROVIDER_PLUGIN_SERVE_H_

#include <memory>

#include "provider/framework/resource.h"
#include "provider/plugin/handshake.h"

namespace adbjit::plugin {

struct ServeOptions {
  bool debug = false;
  EnvLookup env = ProcessEnv();
};

int Serve(std::shared_ptr<const tf::Provider> provider, const ServeOptions& options = {});

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_SERVE_H_
