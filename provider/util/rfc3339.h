// RFC 3339 date-times: the one parser and formatter of the provider (validation, Key Vault's epoch
// seconds, token times).
#ifndef ADBJIT_PROVIDER_UTIL_RFC3339_H_
#define ADBJIT_PROVIDER_UTIL_RFC3339_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace adbjit {

// Epoch seconds of a strict RFC 3339 date-time, YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM): upper-case
// T and Z, a real calendar date, hours 00-23, seconds 00-59 (as Go's time.RFC3339 parser). A
// fraction is dropped (the second it falls in). nullopt for anything else.
std::optional<int64_t> ParseRfc3339(std::string_view text);

// "2023-11-14T22:13:20Z": epoch seconds as UTC, whole seconds.
std::string FormatRfc3339(int64_t epoch_seconds);

}  // namespace adbjit

#endif  // ADBJIT_PROVIDER_UTIL_RFC3339_H_
