// The reusable attribute validators: integer ranges, string lengths, enums, regexes, RFC 3339
// date-times and https URLs (http only for loopback).
#include "provider/framework/validators.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <string_view>
#include <utility>

#include "provider/util/ascii.h"
#include "provider/util/log.h"
#include "provider/util/rfc3339.h"

namespace adbjit::tf::validators {
namespace {

constexpr char kSummary[] = "Invalid Attribute Value";

std::string Subject(const AttributePath& path) { return path.empty() ? "The value" : path.ToString(); }

void Fail(const AttributePath& path, Diagnostics& diags, const std::string& problem) {
  diags.AddError(kSummary, Subject(path) + " " + problem + ".", path);
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Longest string StringMatches hands to std::regex (see there).
constexpr size_t kMaxMatchedLength = 4096;

// The integer in `v`, or an error diagnostic saying why there is none.
std::optional<Number> WholeNumber(const Value& v, const AttributePath& path, Diagnostics& diags) {
  if (v.type().kind() != Type::Kind::kNumber) {
    Fail(path, diags, "must be a number, got a " + v.type().FriendlyName());
    return std::nullopt;
  }
  if (!v.AsNumber().IsInteger()) {
    Fail(path, diags, "must be a whole number, got " + v.AsNumber().ToString());
    return std::nullopt;
  }
  return v.AsNumber();
}

std::optional<std::string> StringOf(const Value& v, const AttributePath& path, Diagnostics& diags) {
  std::optional<std::string> s = v.GetString();
  if (!s.has_value()) Fail(path, diags, "must be a string, got a " + v.type().FriendlyName());
  return s;
}

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The value of `s` when it is one to `max_digits` (at most 9) decimal digits and nothing else.
std::optional<int> DecimalValue(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits || s[0] < '0' || s[0] > '9') return std::nullopt;
  int v = 0;
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (error != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool IsLoopbackIpv4(std::string_view host) {
  int parts = 0;
  size_t pos = 0;
  int first = -1;
  while (true) {
    size_t end = host.find('.', pos);
    std::string_view octet = host.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (octet.size() > 1 && octet[0] == '0') return false;
    auto value = DecimalValue(octet, 3);
    if (!value || *value > 255) return false;
    if (first < 0) first = *value;
    ++parts;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return parts == 4 && first == 127;
}

constexpr char kNotABaseUrl[] = "must be a base URL, with nothing after the host but a trailing /";

// Checks an absolute URL; returns the problem or "". With `base_only`, nothing may follow the host
// and port but one "/".
std::string UrlProblem(std::string_view url, bool base_only) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return "must not contain spaces or control characters";
  }
  size_t colon = url.find("://");
  if (colon == std::string_view::npos) return "must be an absolute URL starting with https://";
  const std::string scheme = AsciiLower(url.substr(0, colon));
  if (scheme != "https" && scheme != "http") return "must use https://, not " + scheme + "://";
  std::string_view rest = url.substr(colon + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    return "must not contain user information before the host";
  }
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return "has an unterminated [IPv6] host";
    port = host.substr(close + 1);
    host = host.substr(0, close + 1);
    if (!port.empty() && port[0] != ':') return "has characters after the [IPv6] host";
  } else if (size_t c = host.find(':'); c != std::string_view::npos) {
    port = host.substr(c);
    host = host.substr(0, c);
  }
  if (host.empty()) return "must name a host";
  if (!port.empty()) {
    port.remove_prefix(1);
    auto number = DecimalValue(port, 5);
    if (!number || *number > 65535) return "has an invalid port";
  }
  if (scheme != "https") {
    const std::string lower = AsciiLower(host);
    // RFC 6761: names under .localhost are loopback (libcurl resolves them so itself).
    const bool sub_localhost = lower.size() > 10 && lower.ends_with(".localhost");
    if (lower != "localhost" && !sub_localhost && lower != "[::1]" && !IsLoopbackIpv4(lower)) {
      return "must use https:// (http:// is allowed only for 127.0.0.0/8, localhost, *.localhost and [::1])";
    }
  }
  if (const std::string_view tail = rest.substr(authority.size()); base_only && !tail.empty() && tail != "/") {
    return kNotABaseUrl;
  }
  return "";
}

// An Azure resource ID where a URL belongs (the `id` of azurerm_key_vault, say, in place of its
// vault_uri): refused with what to give instead, when the attribute says. True when refused.
bool RefusedResourceId(const std::string& s, const std::string& instead, const AttributePath& path,
                       Diagnostics& diags) {
  if (instead.empty()) return false;
  if (AsciiLower(s.substr(0, 15)) != "/subscriptions/") return false;
  Fail(path, diags, "must be a URL, not an Azure resource ID (got " + Quote(s) + "): " + instead);
  return true;
}

// HttpsUrlOrLoopback and HostOrHttpsUrl: `instead` as for RefusedResourceId; with
// `bare_host_means_https`, a value without "://" ("adb-1.2.azuredatabricks.net",
// "localhost:8443") is checked as https://<value>; `base_only` as for UrlProblem.
Validator UrlValidator(std::string description, std::string instead, bool bare_host_means_https,
                       bool base_only = false) {
  return Validator{std::move(description), [instead = std::move(instead), bare_host_means_https, base_only](
                                               const Value& v, const AttributePath& path, Diagnostics& diags) {
                     std::optional<std::string> s = StringOf(v, path, diags);
                     if (!s || RefusedResourceId(*s, instead, path, diags)) return;
                     const bool bare = bare_host_means_https && !s->empty() && s->find("://") == std::string::npos;
                     std::string problem = UrlProblem(bare ? "https://" + *s : *s, base_only);
                     if (bare_host_means_https && s->empty()) problem = "must be a host name or an https:// URL";
                     if (problem == kNotABaseUrl && !instead.empty()) problem += " (" + instead + ")";
                     // A password before the host is not repeated in the diagnostic.
                     if (!problem.empty()) Fail(path, diags, problem + ", got " + Quote(log::HideUserInfo(*s)));
                   }};
}

}  // namespace

Validator IntAtLeast(int64_t min) {
  std::string description = "must be at least " + std::to_string(min);
  return Validator{description, [min, description](const Value& v, const AttributePath& path, Diagnostics& diags) {
                     std::optional<Number> n = WholeNumber(v, path, diags);
                     if (!n) return;
                     if (*n < Number::FromInt64(min)) {
                       Fail(path, diags, description + ", got " + n->ToString());
                     } else if (!n->ToInt64()) {  // read as an int64_t: beyond it must not read as unset
                       Fail(path, diags,
                            "must be at most " + std::to_string(std::numeric_limits<int64_t>::max()) + ", got " +
                                n->ToString());
                     }
                   }};
}

Validator IntBetween(int64_t min, int64_t max) {
  std::string description = "must be between " + std::to_string(min) + " and " + std::to_string(max);
  return Validator{description,
                   [min, max, description](const Value& v, const AttributePath& path, Diagnostics& diags) {
                     std::optional<Number> n = WholeNumber(v, path, diags);
                     if (n && (*n < Number::FromInt64(min) || Number::FromInt64(max) < *n)) {
                       Fail(path, diags, description + ", got " + n->ToString());
                     }
                   }};
}

Validator PositiveOr(int64_t sentinel) {
  std::string description = "must be " + std::to_string(sentinel) + " or a positive number";
  return Validator{description,
                   [sentinel, description](const Value& v, const AttributePath& path, Diagnostics& diags) {
                     if (v.type().kind() != Type::Kind::kNumber) {
                       Fail(path, diags, "must be a number, got a " + v.type().FriendlyName());
                       return;
                     }
                     const Number n = v.AsNumber();
                     const Number s = Number::FromInt64(sentinel);
                     const bool is_sentinel = !(n < s) && !(s < n);
                     if (!is_sentinel && !(Number::FromInt64(0) < n)) {
                       Fail(path, diags, description + ", got " + n.ToString());
                     }
                   }};
}

Validator StringLengthBetween(size_t min, size_t max) {
  std::string description =
      "must be " + std::to_string(min) + " to " + std::to_string(max) + " characters long";
  return Validator{description,
                   [min, max, description](const Value& v, const AttributePath& path, Diagnostics& diags) {
                     std::optional<std::string> s = StringOf(v, path, diags);
                     if (!s) return;
                     size_t n = Utf8Length(*s);
                     if (n < min || n > max) Fail(path, diags, description + ", got " + std::to_string(n));
                   }};
}

Validator StringBytesAtMost(size_t max, std::string limit_name) {
  std::string description = "must be at most " + limit_name + " (" + std::to_string(max) + " bytes)";
  return Validator{description, [max, description](const Value& v, const AttributePath& path, Diagnostics& diags) {
                     std::optional<std::string> s = StringOf(v, path, diags);
                     if (s && s->size() > max) Fail(path, diags, description + ", got " + std::to_string(s->size()));
                   }};
}

Validator ListOfNonEmptyStrings(size_t min_entries) {
  std::string description = min_entries == 0 ? std::string("entries must not be empty")
                                              : "must list at least " + std::to_string(min_entries) +
                                                    (min_entries == 1 ? " entry" : " entries") + ", none of them empty";
  return Validator{description,
                   [min_entries, description](const Value& v, const AttributePath& path, Diagnostics& diags) {
                     const Type::Kind kind = v.type().kind();
                     if (kind != Type::Kind::kList && kind != Type::Kind::kSet) return;
                     const std::vector<Value>& entries = v.AsElements();
                     if (entries.size() < min_entries) {
                       Fail(path, diags, description + ", got an empty list");
                       return;
                     }
                     for (size_t i = 0; i < entries.size(); ++i) {
                       if (entries[i].IsKnown() && !entries[i].IsNull() && entries[i].GetString() == std::string()) {
                         Fail(path.Index(static_cast<int64_t>(i)), diags, "must not be empty");
                       }
                     }
                   }};
}

Validator MapKeysNotEmpty() {
  return Validator{"keys must not be empty", [](const Value& v, const AttributePath& path, Diagnostics& diags) {
                     if (v.type().kind() != Type::Kind::kMap) return;
                     if (v.AsEntries().contains("")) Fail(path, diags, "must not have an empty key");
                   }};
}

Validator StringOneOf(std::vector<std::string> allowed) {
  std::string list;
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) list += i + 1 == allowed.size() ? " or " : ", ";
    list += Quote(allowed[i]);
  }
  std::string description = "must be one of " + list;
  return Validator{description, [allowed = std::move(allowed), description](
                                    const Value& v, const AttributePath& path, Diagnostics& diags) {
                     std::optional<std::string> s = StringOf(v, path, diags);
                     if (s && std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
                       Fail(path, diags, description + ", got " + Quote(*s));
                     }
                   }};
}

Validator StringMatches(std::string regex, std::string what, bool ignore_case, bool show_value) {
  std::string description = "must be " + what;
  std::shared_ptr<const std::regex> re;
  try {
    re = std::make_shared<const std::regex>(
        regex, ignore_case ? std::regex::ECMAScript | std::regex::icase : std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    // A bad pattern is a programming error; report it on use rather than crash at start-up.
  }
  return Validator{description, [re, regex, description, show_value](const Value& v, const AttributePath& path,
                                                                     Diagnostics& diags) {
                     std::optional<std::string> s = StringOf(v, path, diags);
                     if (!s) return;
                     if (!re) {
                       diags.AddError("Invalid Validator", "The provider's pattern " + regex +
                                                               " is not a valid regular expression. This is a "
                                                               "bug in the provider.",
                                      path);
                     } else if (s->size() > kMaxMatchedLength) {
                       // libstdc++'s matcher recurses per character: a huge string would overflow
                       // the stack. None of the patterns' shapes is anywhere near this long.
                       Fail(path, diags, description + ", got a string of " + std::to_string(s->size()) +
                                             " characters");
                     } else if (!std::regex_search(*s, *re)) {
                       Fail(path, diags, description + ", got " +
                                             (show_value ? Quote(*s)
                                                         : "a string of " + std::to_string(s->size()) +
                                                               " characters (not shown: it may be a secret given "
                                                               "in the wrong place)"));
                     }
                   }};
}

Validator Rfc3339() {
  std::string description = "must be an RFC 3339 date-time such as 2026-01-02T03:04:05Z";
  return Validator{description, [description](const Value& v, const AttributePath& path, Diagnostics& diags) {
                     std::optional<std::string> s = StringOf(v, path, diags);
                     if (s && !ParseRfc3339(*s)) Fail(path, diags, description + ", got " + Quote(*s));
                   }};
}

Validator HttpsUrlOrLoopback(std::string instead_of_resource_id) {
  return UrlValidator("must be an https:// URL (http:// only for a loopback host)",
                      std::move(instead_of_resource_id), /*bare_host_means_https=*/false);
}

Validator HttpsBaseUrlOrLoopback(std::string instead_of_resource_id) {
  return UrlValidator("must be an https:// base URL (http:// only for a loopback host)",
                      std::move(instead_of_resource_id), /*bare_host_means_https=*/false, /*base_only=*/true);
}

Validator HostOrHttpsUrl(std::string instead_of_resource_id) {
  return UrlValidator("must be a host name or an https:// URL (http:// only for a loopback host)",
                      std::move(instead_of_resource_id), /*bare_host_means_https=*/true);
}

}  // namespace adbjit::tf::validators
