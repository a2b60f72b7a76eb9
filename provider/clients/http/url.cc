// URL parsing via libcurl's URL API, plus encoding helpers.
#include "provider/clients/http/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "provider/clients/http/libcurl.h"
#include "provider/util/ascii.h"
#include "provider/util/log.h"

namespace adbjit::http {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::string GetPart(CURLU* u, CURLUPart part) {
  char* v = nullptr;
  if (curl_url_get(u, part, &v, 0) != CURLUE_OK || v == nullptr) return "";
  std::string out(v);
  curl_free(v);
  return out;
}

}  // namespace

std::string Url::Origin() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string out = scheme + "://" + h;
  if (port != 0) out += ":" + std::to_string(port);
  return out;
}

StatusOr<Url> ParseUrl(std::string_view text) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (u == nullptr) return FailedPreconditionError("cannot parse a URL: " + LibcurlLoadError());
  std::string s(text);
  // Error text quotes the URL without any user information (a password) before its host.
  const std::string shown = log::HideUserInfo(s);
  if (curl_url_set(u.get(), CURLUPART_URL, s.c_str(), 0) != CURLUE_OK) {
    return InvalidArgumentError("malformed URL \"" + shown + "\"");
  }
  Url out;
  out.scheme = AsciiLower(GetPart(u.get(), CURLUPART_SCHEME));
  if (out.scheme != "http" && out.scheme != "https") {
    return InvalidArgumentError("URL \"" + shown + "\" must use https://");
  }
  if (!GetPart(u.get(), CURLUPART_USER).empty() || !GetPart(u.get(), CURLUPART_PASSWORD).empty()) {
    return InvalidArgumentError("URL \"" + shown + "\" must not contain user information before the host");
  }
  out.host = AsciiLower(GetPart(u.get(), CURLUPART_HOST));
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.host.empty()) return InvalidArgumentError("URL \"" + shown + "\" has no host");
  std::string port = GetPart(u.get(), CURLUPART_PORT);
  if (!port.empty()) out.port = std::atoi(port.c_str());
  // A scheme's own port is no port: Key Vault's nextLink names :443, the vault URL given does not.
  if ((out.scheme == "https" && out.port == 443) || (out.scheme == "http" && out.port == 80)) out.port = 0;
  out.path = GetPart(u.get(), CURLUPART_PATH);
  if (out.path.empty()) out.path = "/";
  out.query = GetPart(u.get(), CURLUPART_QUERY);
  return out;
}

bool IsLoopbackHost(std::string_view host_in) {
  std::string host = AsciiLower(host_in);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1") return true;
  if (host.size() > 10 && host.ends_with(".localhost")) return true;
  // 127.0.0.0/8 as a dotted quad.
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

Status CheckUrlAllowed(std::string_view url, bool imds) {
  auto parsed = ParseUrl(url);
  if (!parsed.ok()) return parsed.status();
  if (parsed->scheme == "https") return Status::OK();
  if (IsLoopbackHost(parsed->host)) return Status::OK();
  if (imds && parsed->host == "169.254.169.254") return Status::OK();
  return InvalidArgumentError("refusing plain http:// to " + parsed->host +
                              ": only loopback hosts (127.0.0.0/8, localhost, *.localhost, [::1]) may use http; "
                              "use https://");
}

std::string PercentEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(k) + "=" + PercentEncode(v);
  }
  return out;
}

std::string AppendQuery(std::string url, std::string_view key, std::string_view value) {
  url.push_back(url.find('?') == std::string::npos ? '?' : '&');
  url += PercentEncode(key) + "=" + PercentEncode(value);
  return url;
}

std::string NormalizeBaseUrl(std::string_view url) {
  std::string s(url);
  while (!s.empty() && (s.back() == '/' || std::isspace(static_cast<unsigned char>(s.back())))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  if (!s.empty() && s.find("://") == std::string::npos) s = "https://" + s;
  return s;
}

std::string WorkspaceOrigin(std::string_view url) {
  std::string normalized = NormalizeBaseUrl(url);
  StatusOr<Url> parsed = ParseUrl(normalized);
  return parsed.ok() ? parsed->Origin() : normalized;
}

}  // namespace adbjit::http
