// Secret: a string that never prints. Client secrets, assertions, access tokens, PATs and Key Vault
// secret values travel as Secret from the moment they are read until the one place that must send
// them (an HTTP body or header). Streaming or formatting a Secret gives "***"; the value is only
// reachable through Reveal(), which makes every use greppable.
//
// Constructing a non-empty Secret also registers the value with the log redactor (log.h), so that a
// value which leaks into a message by another route (an echoed request body, a URL) is still masked
// in every log line. Thread-safe.
#ifndef ADBJIT_UTIL_SECRET_H_
#define ADBJIT_UTIL_SECRET_H_

#include <ostream>
#include <string>

namespace adbjit {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value);

  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  bool operator==(const Secret& o) const { return value_ == o.value_; }

  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  std::string value_;
};

}  // namespace adbjit

#endif  // ADBJIT_UTIL_SECRET_H_
