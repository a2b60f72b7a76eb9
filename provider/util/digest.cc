// Lower-case hex, and random bytes and message digests (OpenSSL) in it.
#include "provider/util/digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <random>
#include <vector>

namespace adbjit {

std::string HexLower(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

std::string RandomHex(size_t n) {
  std::vector<unsigned char> bytes(n);
  if (n > 0 && RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<unsigned char>(rd());
  }
  return HexLower(std::string_view(reinterpret_cast<const char*>(bytes.data()), n));
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return HexLower(std::string_view(reinterpret_cast<const char*>(md), len));
}

}  // namespace adbjit
