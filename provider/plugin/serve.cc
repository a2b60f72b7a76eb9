// Serve: handshake, server assembly, and orderly shutdown of a plugin process.
#include "provider/plugin/serve.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "provider/framework/server.h"
#include "provider/plugin/goplugin_services.h"
#include "provider/plugin/provider_service.h"
#include "provider/plugin/signals.h"
#include "provider/plugin/socket_dir.h"
#include "provider/plugin/tls.h"
#include "provider/util/log.h"

namespace adbjit::plugin {
namespace {

constexpr int kMaxMessageBytes = 256 * 1024 * 1024;
// After Shutdown, in-flight streams (stdio, broker) get this long before they are cancelled.
constexpr auto kShutdownGrace = std::chrono::milliseconds(250);
// RPC threads kept waiting for work. gRPC's sync server starts a thread whenever every waiting one
// has picked up a call, and ends a thread whose call is done if more than this many are waiting.
// Its default (2) is far below Terraform's concurrency (-parallelism, 10 by default, plus the
// long-lived stdio and broker streams), so a plan of a few hundred resources would start and end a
// thread for most calls. A waiting thread costs its stack's touched pages, nothing else.
constexpr int kMaxIdleRpcThreads = 32;

int Fail(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  return 1;
}

// Ends the process once the server has stopped and its socket is gone. Terraform (go-plugin) waits
// for a plugin process to exit after Shutdown before it goes on, and the destructors that would run
// next (gRPC's internal threads joined one by one, the provider, the heap) cost 6-10 ms a process
// on a small machine and change nothing outside it. Sanitizer builds return normally, so leak
// checks still see every allocation.
int ExitWhenStopped(int code) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return code;
#else
  std::fflush(nullptr);
  std::_Exit(code);
#endif
}

void WriteStdout(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// After the handshake nothing may reach Terraform's stdout pipe; stray writes go nowhere.
void SilenceStdout() {
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devnull < 0) return;
  dup2(devnull, STDOUT_FILENO);
  close(devnull);
}

std::shared_ptr<grpc::ServerCredentials> Credentials(const HandshakeConfig& cfg, const ServerCertificate* cert) {
  if (cert == nullptr) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions opts(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  opts.pem_root_certs = cfg.client_cert_pem;
  opts.pem_key_cert_pairs.push_back({cert->key_pem, cert->cert_pem});
  return grpc::SslServerCredentials(opts);
}

}  // namespace

int Serve(std::shared_ptr<const tf::Provider> provider, const ServeOptions& options) {
  InstallCrashHandler();
  // Debian builds Abseil with its lock-order (deadlock) detection on, which gRPC's mutexes then pay
  // for on every lock (a global graph under a spin lock): ~5 % of the provider's CPU in a plan.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  log::InitFromEnv();

  HandshakeConfig cfg;
  if (options.debug) {
    for (const char* name : {"PLUGIN_UNIX_SOCKET_DIR", "TMPDIR"}) {
      if (auto dir = options.env(name); dir && !dir->empty()) {
        cfg.socket_base_dir = *dir;
        break;
      }
    }
    if (cfg.socket_base_dir.empty()) cfg.socket_base_dir = "/tmp";
  } else {
    auto parsed = ParseHandshakeEnv(options.env);
    if (!parsed.ok()) return Fail(parsed.status().message());
    cfg = std::move(parsed).value();
  }

  // Never destroyed: the detached signal thread may still hold it while the process exits.
  static ShutdownSignal& shutdown = *new ShutdownSignal;
  StartSignalThread(&shutdown, options.debug);

  std::optional<ServerCertificate> cert;
  if (!cfg.client_cert_pem.empty()) {
    if (Status s = CheckCertificatePem(cfg.client_cert_pem); !s.ok()) return Fail(s.message());
    auto generated = GenerateServerCertificate();
    if (!generated.ok()) return Fail(generated.status().message());
    cert = std::move(generated).value();
  }

  auto dir = SocketDir::Create(cfg.socket_base_dir, cfg.socket_group);
  if (!dir.ok()) return Fail(dir.status().message());
  SocketDir& socket_dir = **dir;
  SetCrashCleanupPaths(socket_dir.socket_path(), socket_dir.dir());

  auto provider_server = std::make_shared<tf::ProviderServer>(std::move(provider));
  ProviderService provider_service(provider_server);
  // Terraform has stopped calling (Stop has come first when a run was interrupted or failed); the
  // provider's clean-up runs before Shutdown is answered, which Terraform waits for.
  const auto end_provider = [&provider_server] {
    provider_server->StopProvider();
    provider_server->Shutdown();
  };
  ControllerService controller(&shutdown, end_provider);
  StdioService stdio(&shutdown);
  BrokerService broker;

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + socket_dir.socket_path(), Credentials(cfg, cert ? &*cert : nullptr));
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kMaxIdleRpcThreads);
  builder.RegisterService(&provider_service);
  builder.RegisterService(&controller);
  builder.RegisterService(&stdio);
  builder.RegisterService(&broker);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return Fail("terraform-provider-adbjit: cannot listen on unix socket " + socket_dir.socket_path());
  if (Status s = socket_dir.SecureSocket(); !s.ok()) {
    server->Shutdown();
    return Fail(s.message());
  }
  server->GetHealthCheckService()->SetServingStatus("plugin", true);

  if (options.debug) {
    WriteStdout("Provider server started in debug mode. To attach Terraform, set in its environment:\n\n"
                "\tTF_REATTACH_PROVIDERS='" + ReattachJson(socket_dir.socket_path(), getpid()) +
                "'\n\nStop with Ctrl-C.\n");
  } else {
    WriteStdout(HandshakeLine(socket_dir.socket_path(), cert ? cert->cert_der : std::string()));
    SilenceStdout();
  }
  log::Debug("sdk.proto", "Provider server started",
             {{"socket", socket_dir.socket_path()}, {"tls", cert ? "mtls" : "plaintext"},
              {"tf_proto_version", std::string(kAppProtocolMinor)}});

  shutdown.Wait();
  log::Debug("sdk.proto", "Stopping the provider server", {{"reason", shutdown.reason()}});
  end_provider();  // done already unless the signal was SIGTERM
  server->GetHealthCheckService()->SetServingStatus("plugin", false);
  server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  server->Wait();
  socket_dir.Remove();
  SetCrashCleanupPaths("", "");
  log::Debug("sdk.proto", "Provider server stopped");
  return ExitWhenStopped(0);
}

}  // namespace adbjit::plugin
