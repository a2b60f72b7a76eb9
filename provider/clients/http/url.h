// URL helpers: parsing, the loopback / https policy, percent-encoding and form bodies.
#ifndef ADBJIT_CLIENTS_HTTP_URL_H_
#define ADBJIT_CLIENTS_HTTP_URL_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "provider/util/status.h"

namespace adbjit::http {

struct Url {
  std::string scheme;  // lower case: "https"
  std::string host;    // lower case, IPv6 without brackets: "::1"
  int port = 0;        // 0 when the URL names none
  std::string path;    // "/api/2.0/token/list" ("/" when empty)
  std::string query;   // without '?'

  // scheme://host[:port] (IPv6 hosts bracketed).
  std::string Origin() const;
};

// Parses an absolute http(s) URL. InvalidArgument for anything else.
StatusOr<Url> ParseUrl(std::string_view url);

// 127.0.0.0/8, "localhost" (and *.localhost), ::1.
bool IsLoopbackHost(std::string_view host);

// The transport policy: https always; http only to a loopback host, or to the IMDS address
// 169.254.169.254 when `imds` is set. InvalidArgument with a clear message otherwise.
Status CheckUrlAllowed(std::string_view url, bool imds);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view s);
// application/x-www-form-urlencoded body / query string from ordered pairs.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);
// Appends "k=v" to a URL with '?' or '&' as appropriate (value percent-encoded).
std::string AppendQuery(std::string url, std::string_view key, std::string_view value);

// "https://adb-1.2.azuredatabricks.net/" -> "https://adb-1.2.azuredatabricks.net"; a bare host
// gets "https://". Does not validate.
std::string NormalizeBaseUrl(std::string_view url);

// The origin a workspace URL names, as the Databricks SDKs take it: NormalizeBaseUrl, then only
// scheme://host[:port], so that "adb-1.2.azuredatabricks.net" (azurerm's workspace_url) and a URL
// copied from the browser ("https://adb-1.2.azuredatabricks.net/?o=1#job/7") both give
// "https://adb-1.2.azuredatabricks.net". A URL that does not parse is returned normalized, for the
// caller's validation to reject.
std::string WorkspaceOrigin(std::string_view url);

}  // namespace adbjit::http

#endif  // ADBJIT_CLIENTS_HTTP_URL_H_
