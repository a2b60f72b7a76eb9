// Lower-case hex, and message digests (OpenSSL) in it.
#ifndef ADBJIT_PROVIDER_UTIL_DIGEST_H_
#define ADBJIT_PROVIDER_UTIL_DIGEST_H_

#include <string>
#include <string_view>

namespace adbjit {

// `bytes` as lower-case hex, two digits a byte.
std::string HexLower(std::string_view bytes);

// The SHA-256 of `data`, 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace adbjit

#endif  // ADBJIT_PROVIDER_UTIL_DIGEST_H_
