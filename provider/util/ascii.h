// ASCII case folding and trimming. Azure compares header names, URL schemes and hosts, cloud names
// and Key Vault object names without regard to ASCII case; nothing here is locale-dependent.
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

// `s` without leading and trailing ASCII white space (space, \t, \n, \v, \f, \r).
inline std::string AsciiTrim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace adbjit

#endif  // ADBJIT_UTIL_ASCII_H_
