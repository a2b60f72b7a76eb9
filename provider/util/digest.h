// Message digests (OpenSSL) as lower-case hex strings.
#ifndef ADBJIT_PROVIDER_UTIL_DIGEST_H_
#define ADBJIT_PROVIDER_UTIL_DIGEST_H_

#include <string>
#include <string_view>

namespace adbjit {

// The SHA-256 of `data`, 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace adbjit

#endif  // ADBJIT_PROVIDER_UTIL_DIGEST_H_
