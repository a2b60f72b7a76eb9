// AutoMTLS server certificate generation with OpenSSL 3 EVP APIs.
#include "provider/plugin/tls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace adbjit::plugin {
namespace {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const { Fn(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

constexpr long kBackdateSeconds = 30;                     // clock skew allowance, like go-plugin
constexpr long kValiditySeconds = 10L * 365 * 24 * 3600;  // the process is short-lived anyway

Status OpenSslError(const char* what) { return InternalError(std::string("TLS setup: ") + what + " failed"); }

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError(value);
  return Status::OK();
}

}  // namespace

StatusOr<ServerCertificate> GenerateServerCertificate() {
  PKeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("P-256 key generation");

  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return OpenSslError("X509_new");

  BnPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return OpenSslError("serial number");
  }
  // X509_gmtime_adj works on the UTC clock, whatever the local time zone.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds) == nullptr) {
    return OpenSslError("validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("HashiCorp"),
                                 -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                                 -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1) {
    return OpenSslError("subject");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  ADBJIT_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
  ADBJIT_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_key_usage,
                                      "critical,digitalSignature,keyEncipherment,keyAgreement,keyCertSign"));
  ADBJIT_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth"));
  ADBJIT_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_subject_alt_name, "DNS:localhost"));
  ADBJIT_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return OpenSslError("signing");

  ServerCertificate out;
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  if (!key_bio || !cert_bio ||
      // SEC1 ("EC PRIVATE KEY") rather than PKCS#8: OpenSSL 3 writes it in a quarter of the time
      // (no encoder lookup), and gRPC reads either.
      PEM_write_bio_PrivateKey_traditional(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return OpenSslError("PEM encoding");
  }
  out.key_pem = BioContents(key_bio.get());
  out.cert_pem = BioContents(cert_bio.get());
  int der_len = i2d_X509(cert.get(), nullptr);
  if (der_len <= 0) return OpenSslError("DER encoding");
  out.cert_der.resize(static_cast<size_t>(der_len));
  auto* p = reinterpret_cast<unsigned char*>(out.cert_der.data());
  if (i2d_X509(cert.get(), &p) != der_len) return OpenSslError("DER encoding");
  return out;
}

Status CheckCertificatePem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return InternalError("cannot read PLUGIN_CLIENT_CERT");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return InvalidArgumentError("PLUGIN_CLIENT_CERT does not hold a PEM certificate; Terraform sets it for "
                                "AutoMTLS (unset it, or set TF_DISABLE_PLUGIN_TLS=1 in Terraform's environment, "
                                "for plaintext)");
  }
  return Status::OK();
}

}  // namespace adbjit::plugin
