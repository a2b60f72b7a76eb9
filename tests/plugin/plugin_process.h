// Test helper: starts terraform-provider-adbjit the way Terraform does (cookie, protocol versions,
// optionally a client certificate for AutoMTLS), parses its handshake line and opens gRPC channels
// to it over the unix socket — with the client certificate and the handshake's server
// certificate as the only root, as go-plugin does, or deliberately without.
#ifndef ADBJIT_TESTS_PLUGIN_PLUGIN_PROCESS_H_
#define ADBJIT_TESTS_PLUGIN_PLUGIN_PROCESS_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "provider/plugin/tls.h"
#include "tests/support/subprocess.h"

namespace adbjit::testing {

// Fields of "CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT".
struct Handshake {
  std::vector<std::string> fields;
  std::string socket_path;
  std::string cert_der;  // decoded from the unpadded base64; empty in plaintext mode
};
StatusOr<Handshake> ParseHandshake(const std::string& line);
std::string DerToPem(const std::string& der);

struct PluginOptions {
  bool tls = true;
  bool cookie = true;
  std::string protocol_versions = "5,6";
  std::vector<std::string> args;
  Environment extra_env;
};

class PluginProcess {
 public:
  // Starts the binary with a private PLUGIN_UNIX_SOCKET_DIR under `base_dir`.
  static StatusOr<std::unique_ptr<PluginProcess>> Start(const std::filesystem::path& base_dir,
                                                         const PluginOptions& options);
  Subprocess& process() { return *process_; }
  // Reads and parses the handshake line (deadline 10 s).
  Status ReadHandshake();
  const Handshake& handshake() const { return handshake_; }

  // A channel as Terraform opens it: mTLS with our client certificate (or plaintext when the
  // process was started without TLS).
  std::shared_ptr<grpc::Channel> Channel() const;
  // TLS that trusts the server but presents no client certificate.
  std::shared_ptr<grpc::Channel> ChannelWithoutClientCert() const;
  std::shared_ptr<grpc::Channel> PlaintextChannel() const;
  // mTLS that trusts the server but presents `cert` instead of the certificate the plugin was
  // started with (e.g. another self-signed certificate with the same subject).
  std::shared_ptr<grpc::Channel> ChannelWithClientCert(const plugin::ServerCertificate& cert) const;

 private:
  std::unique_ptr<Subprocess> process_;
  bool tls_ = true;
  plugin::ServerCertificate client_cert_;
  Handshake handshake_;
};

}  // namespace adbjit::testing

#endif  // ADBJIT_TESTS_PLUGIN_PLUGIN_PROCESS_H_
