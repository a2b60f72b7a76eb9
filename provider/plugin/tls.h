// AutoMTLS, server side: a fresh ECDSA P-256 key and self-signed certificate per process, shaped
// like go-plugin's (O=HashiCorp, CN=localhost, SAN DNS:localhost, CA:TRUE, key usage
// digitalSignature|keyEncipherment|keyAgreement|keyCertSign, EKU serverAuth+clientAuth, validity
// from now-30 s in UTC, random 128-bit serial). Terraform pins exactly this certificate (sent as
// DER in the handshake) and checks it for host name "localhost".
#ifndef ADBJIT_PROVIDER_PLUGIN_TLS_H_
#define ADBJIT_PROVIDER_PLUGIN_TLS_H_

#include <string>
#include <string_view>

#include "provider/util/status.h"

namespace adbjit::plugin {

struct ServerCertificate {
  std::string key_pem;   // SEC1 ("EC PRIVATE KEY") PEM private key
  std::string cert_pem;
  std::string cert_der;  // what the handshake line carries (base64, unpadded)
};

// Generates a new key pair and certificate; Internal error if OpenSSL fails.
StatusOr<ServerCertificate> GenerateServerCertificate();

// Checks that `pem` holds at least one parsable X.509 certificate (PLUGIN_CLIENT_CERT).
Status CheckCertificatePem(std::string_view pem);

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_TLS_H_
