// ASCII case folding. Azure compares header names, URL schemes and hosts, cloud names and Key Vault
// object names without regard to ASCII case; no comparison here is locale-dependent.
#ifndef ADBJIT_UTIL_ASCII_H_
#define ADBJIT_UTIL_ASCII_H_

#include <string>
#include <string_view>

namespace adbjit {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace adbjit

#endif  // ADBJIT_UTIL_ASCII_H_
