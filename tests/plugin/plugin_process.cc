// Starting the provider binary like Terraform and connecting to it.
#include "tests/plugin/plugin_process.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "provider/plugin/handshake.h"

namespace adbjit::testing {

StatusOr<Handshake> ParseHandshake(const std::string& line) {
  Handshake h;
  size_t start = 0;
  for (;;) {
    size_t bar = line.find('|', start);
    h.fields.push_back(line.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (h.fields.size() != 6) return InvalidArgumentError("handshake has " + std::to_string(h.fields.size()) + " fields: " + line);
  h.socket_path = h.fields[3];
  const std::string& b64 = h.fields[5];
  if (!b64.empty()) {
    if (b64.find('=') != std::string::npos) return InvalidArgumentError("padded base64 in handshake");
    std::string padded = b64 + std::string((4 - b64.size() % 4) % 4, '=');
    std::string der(padded.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                            reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
    if (n < 0) return InvalidArgumentError("bad base64 in handshake");
    der.resize(static_cast<size_t>(n) - (padded.size() - b64.size()));
    h.cert_der = der;
  }
  return h;
}

std::string DerToPem(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  X509_free(x);
  return pem;
}

StatusOr<std::unique_ptr<PluginProcess>> PluginProcess::Start(const std::filesystem::path& base_dir,
                                                              const PluginOptions& options) {
  std::unique_ptr<PluginProcess> p(new PluginProcess());
  p->tls_ = options.tls;
  SpawnOptions spawn;
  spawn.argv = {ADBJIT_PROVIDER_BINARY};
  for (const auto& a : options.args) spawn.argv.push_back(a);
  spawn.env = CurrentEnvironment();
  for (const char* k : {"TF_PLUGIN_MAGIC_COOKIE", "PLUGIN_CLIENT_CERT", "PLUGIN_PROTOCOL_VERSIONS",
                        "PLUGIN_UNIX_SOCKET_GROUP"}) {
    spawn.env.erase(k);
  }
  if (options.cookie) spawn.env[std::string(plugin::kMagicCookieKey)] = std::string(plugin::kMagicCookieValue);
  if (!options.protocol_versions.empty()) spawn.env["PLUGIN_PROTOCOL_VERSIONS"] = options.protocol_versions;
  spawn.env["PLUGIN_UNIX_SOCKET_DIR"] = base_dir.string();
  spawn.env["PLUGIN_MIN_PORT"] = "10000";
  spawn.env["PLUGIN_MAX_PORT"] = "25000";
  if (options.tls) {
    ADBJIT_ASSIGN_OR_RETURN(p->client_cert_, plugin::GenerateServerCertificate());
    spawn.env["PLUGIN_CLIENT_CERT"] = p->client_cert_.cert_pem;
  }
  for (const auto& [k, v] : options.extra_env) spawn.env[k] = v;
  ADBJIT_ASSIGN_OR_RETURN(p->process_, Subprocess::Start(spawn));
  return p;
}

Status PluginProcess::ReadHandshake() {
  ADBJIT_ASSIGN_OR_RETURN(std::string line, process_->ReadStdoutLine(std::chrono::seconds(10)));
  ADBJIT_ASSIGN_OR_RETURN(handshake_, ParseHandshake(line));
  return Status::OK();
}

std::shared_ptr<grpc::Channel> PluginProcess::Channel() const {
  if (!tls_) return PlaintextChannel();
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = DerToPem(handshake_.cert_der);
  opts.pem_private_key = client_cert_.key_pem;
  opts.pem_cert_chain = client_cert_.cert_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel("unix:" + handshake_.socket_path, grpc::SslCredentials(opts), args);
}

std::shared_ptr<grpc::Channel> PluginProcess::ChannelWithClientCert(const plugin::ServerCertificate& cert) const {
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = DerToPem(handshake_.cert_der);
  opts.pem_private_key = cert.key_pem;
  opts.pem_cert_chain = cert.cert_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel("unix:" + handshake_.socket_path, grpc::SslCredentials(opts), args);
}

std::shared_ptr<grpc::Channel> PluginProcess::ChannelWithoutClientCert() const {
  grpc::SslCredentialsOptions opts;
  opts.pem_root_certs = DerToPem(handshake_.cert_der);
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel("unix:" + handshake_.socket_path, grpc::SslCredentials(opts), args);
}

std::shared_ptr<grpc::Channel> PluginProcess::PlaintextChannel() const {
  return grpc::CreateChannel("unix:" + handshake_.socket_path, grpc::InsecureChannelCredentials());
}

}  // namespace adbjit::testing
