// Process signal policy of a Terraform plugin:
// - SIGINT is ignored (Terraform's Ctrl-C reaches the whole process group; Terraform then calls
//   StopProvider itself). In debug mode SIGINT stops the server instead.
// - SIGTERM (and SIGINT in debug mode) request a clean shutdown, handled on a dedicated thread via
//   sigwait, so no gRPC thread ever runs a handler.
// - Fatal signals (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL) write a line starting "panic: " to
//   stderr — Terraform's cue to report "The terraform-provider-adbjit plugin crashed!" — remove
//   the socket directory, and re-raise.
#ifndef ADBJIT_PROVIDER_PLUGIN_SIGNALS_H_
#define ADBJIT_PROVIDER_PLUGIN_SIGNALS_H_

#include <string>

#include "provider/plugin/shutdown.h"

namespace adbjit::plugin {

// Installs the fatal-signal handler. Call first thing in Serve.
void InstallCrashHandler();
// Paths the crash handler removes (async-signal-safe copies are kept). Empty strings clear them.
void SetCrashCleanupPaths(const std::string& socket_path, const std::string& dir);

// Blocks SIGTERM (and SIGINT when `debug`) in the calling thread — call before any other thread
// exists so all threads inherit the mask — ignores SIGINT otherwise, and starts a detached thread
// that turns those signals into shutdown->Request(). `shutdown` must outlive the process.
void StartSignalThread(ShutdownSignal* shutdown, bool debug);

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_SIGNALS_H_
