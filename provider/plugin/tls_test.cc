// Tests for the AutoMTLS server certificate, parsed back with OpenSSL.
#include "provider/plugin/tls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include <gtest/gtest.h>

#include "provider/plugin/handshake.h"

namespace adbjit::plugin {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr ParseDer(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

std::string NameEntry(X509_NAME* name, int nid) {
  char buf[256] = {0};
  X509_NAME_get_text_by_NID(name, nid, buf, sizeof buf);
  return buf;
}

class ServerCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = GenerateServerCertificate();
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cert_ = std::move(c).value();
    x509_ = ParseDer(cert_.cert_der);
    ASSERT_NE(x509_, nullptr);
  }
  ServerCertificate cert_;
  X509Ptr x509_;
};

TEST_F(ServerCertificateTest, SubjectIssuerAndSan) {
  EXPECT_EQ(NameEntry(X509_get_subject_name(x509_.get()), NID_commonName), "localhost");
  EXPECT_EQ(NameEntry(X509_get_subject_name(x509_.get()), NID_organizationName), "HashiCorp");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x509_.get()), X509_get_issuer_name(x509_.get())), 0);
  // Go rejects CN-only certificates: the SAN must carry DNS:localhost.
  EXPECT_EQ(X509_check_host(x509_.get(), "localhost", 0, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, nullptr), 1);
}

TEST_F(ServerCertificateTest, SelfSignedWithP256) {
  EVP_PKEY* pub = X509_get0_pubkey(x509_.get());
  ASSERT_NE(pub, nullptr);
  EXPECT_EQ(X509_verify(x509_.get(), pub), 1);
  EXPECT_TRUE(EVP_PKEY_is_a(pub, "EC"));
  char group[64] = {0};
  size_t len = 0;
  ASSERT_EQ(EVP_PKEY_get_utf8_string_param(pub, "group", group, sizeof group, &len), 1);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_get_signature_nid(x509_.get()), NID_ecdsa_with_SHA256);
}

TEST_F(ServerCertificateTest, ExtensionsMatchGoPlugin) {
  EXPECT_EQ(X509_check_ca(x509_.get()), 1);
  const uint32_t ku = X509_get_key_usage(x509_.get());
  EXPECT_TRUE(ku & KU_DIGITAL_SIGNATURE);
  EXPECT_TRUE(ku & KU_KEY_ENCIPHERMENT);
  EXPECT_TRUE(ku & KU_KEY_AGREEMENT);
  EXPECT_TRUE(ku & KU_KEY_CERT_SIGN);
  const uint32_t eku = X509_get_extended_key_usage(x509_.get());
  EXPECT_TRUE(eku & XKU_SSL_SERVER);
  EXPECT_TRUE(eku & XKU_SSL_CLIENT);
}

TEST_F(ServerCertificateTest, ValidityIsUtcAndBackdated) {
  const time_t now = std::time(nullptr);
  int day = 0, sec = 0;
  // notBefore - now: about -30 s whatever the local time zone (ASN1 times are UTC).
  ASSERT_EQ(ASN1_TIME_diff(&day, &sec, nullptr, X509_get0_notBefore(x509_.get())), 1);
  const long before = day * 86400L + sec;
  EXPECT_LE(before, -25);
  EXPECT_GE(before, -40);
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(x509_.get()), const_cast<time_t*>(&now)), 0);
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(x509_.get()), const_cast<time_t*>(&now)), 0);
}

TEST_F(ServerCertificateTest, SerialIsRandomAndPositive) {
  auto other = GenerateServerCertificate();
  ASSERT_TRUE(other.ok());
  X509Ptr x2 = ParseDer(other->cert_der);
  ASSERT_NE(x2, nullptr);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(x509_.get()), X509_get0_serialNumber(x2.get())), 0);
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509_.get()), nullptr);
  ASSERT_NE(bn, nullptr);
  EXPECT_FALSE(BN_is_negative(bn));
  EXPECT_LE(BN_num_bits(bn), 128);
  BN_free(bn);
}

TEST_F(ServerCertificateTest, PemMatchesDerAndKey) {
  BIO* bio = BIO_new_mem_buf(cert_.cert_pem.data(), static_cast<int>(cert_.cert_pem.size()));
  X509Ptr from_pem(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  ASSERT_NE(from_pem, nullptr);
  EXPECT_EQ(X509_cmp(from_pem.get(), x509_.get()), 0);
  BIO* kbio = BIO_new_mem_buf(cert_.key_pem.data(), static_cast<int>(cert_.key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kbio, nullptr, nullptr, nullptr);
  BIO_free(kbio);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_check_private_key(x509_.get(), key), 1);
  EVP_PKEY_free(key);
}

TEST_F(ServerCertificateTest, HandshakeEncodingIsUnpaddedStandardBase64) {
  std::string b64 = Base64NoPad(cert_.cert_der);
  EXPECT_EQ(b64.find('='), std::string::npos);
  EXPECT_EQ(b64.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
            std::string::npos);
  // Decoding (after re-adding padding) gives the DER back.
  std::string padded = b64 + std::string((4 - b64.size() % 4) % 4, '=');
  std::string decoded(padded.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                          reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
  ASSERT_GT(n, 0);
  decoded.resize(static_cast<size_t>(n) - (padded.size() - b64.size()));
  EXPECT_EQ(decoded, cert_.cert_der);
}

TEST(CheckCertificatePemTest, AcceptsCertRejectsGarbage) {
  auto c = GenerateServerCertificate();
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(CheckCertificatePem(c->cert_pem).ok());
  Status bad = CheckCertificatePem("not a certificate");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("PLUGIN_CLIENT_CERT"), std::string::npos);
}

}  // namespace
}  // namespace adbjit::plugin
