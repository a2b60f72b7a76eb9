// Lower-case hex, and random bytes and message digests (OpenSSL) in it.
#ifndef ADBJIT_PROVIDER_UTIL_DIGEST_H_
#define ADBJIT_PROVIDER_UTIL_DIGEST_H_

#include <string>
#include <string_view>

namespace adbjit {

// `bytes` as lower-case hex, two digits a byte.
std::string HexLower(std::string_view bytes);

// `n` random bytes (OpenSSL's generator; std::random_device should it fail) as lower-case hex.
std::string RandomHex(size_t n);

// The SHA-256 of `data`, 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace adbjit

#endif  // ADBJIT_PROVIDER_UTIL_DIGEST_H_
