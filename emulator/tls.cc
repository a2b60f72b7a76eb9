// Generates (or reuses) a local CA and a server certificate for 127.0.0.1 / localhost.
#include "emulator/tls.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "emulator/common.h"

namespace adbjit::emulator {

namespace {
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

KeyPtr NewKey() { return KeyPtr(EVP_EC_gen("P-256"), &EVP_PKEY_free); }

bool AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

CertPtr NewCert(EVP_PKEY* key, const char* cn, long days, X509* issuer, EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 86400L);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("adbjit-emulator"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  bool ok = AddExt(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer == nullptr) {
    ok = ok && AddExt(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
         AddExt(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && AddExt(cert.get(), signer, NID_authority_key_identifier, "keyid:always") &&
         AddExt(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExt(cert.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
         AddExt(cert.get(), signer, NID_ext_key_usage, "serverAuth") &&
         AddExt(cert.get(), signer, NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost,DNS:*.localhost");
  }
  if (!ok || X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) {
    return CertPtr(nullptr, &X509_free);
  }
  return cert;
}

bool WritePem(const std::string& path, bool private_key, X509* cert, EVP_PKEY* key) {
  // The key is never readable by others, not even while it is being written.
  int fd = private_key ? OpenOwnerOnly(path) : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  FILE* f = ::fdopen(fd, "w");
  if (f == nullptr) {
    ::close(fd);
    return false;
  }
  bool ok = private_key ? PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1
                        : PEM_write_X509(f, cert) == 1;
  return std::fclose(f) == 0 && ok;
}
}  // namespace

bool EnsureTlsFiles(const std::string& dir, TlsFiles* files, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  files->ca_pem = (fs::path(dir) / "ca.pem").string();
  files->cert_pem = (fs::path(dir) / "server.pem").string();
  files->key_pem = (fs::path(dir) / "server-key.pem").string();
  if (fs::exists(files->ca_pem) && fs::exists(files->cert_pem) && fs::exists(files->key_pem)) return true;

  KeyPtr ca_key = NewKey(), server_key = NewKey();
  if (!ca_key || !server_key) {
    *error = "cannot generate EC keys";
    return false;
  }
  CertPtr ca = NewCert(ca_key.get(), "adbjit-emulator local CA", 3650, nullptr, nullptr);
  if (!ca) {
    *error = "cannot create the CA certificate";
    return false;
  }
  CertPtr server = NewCert(server_key.get(), "localhost", 365, ca.get(), ca_key.get());
  if (!server) {
    *error = "cannot create the server certificate";
    return false;
  }
  if (!WritePem(files->ca_pem, false, ca.get(), nullptr) || !WritePem(files->cert_pem, false, server.get(), nullptr) ||
      !WritePem(files->key_pem, true, nullptr, server_key.get())) {
    *error = "cannot write TLS files into " + dir;
    return false;
  }
  return true;
}

}  // namespace adbjit::emulator
