// hclog-compatible JSON logging on stderr with secret redaction.
#include "provider/util/log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <shared_mutex>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "provider/util/ascii.h"

namespace adbjit::log {
namespace {

std::atomic<Level> g_level{Level::kOff};

struct Registry {
  std::shared_mutex mu;
  std::unordered_set<std::string> secrets;
};
Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

std::mutex g_sink_mu;
std::function<void(std::string_view)>& sink() {
  static auto* s = new std::function<void(std::string_view)>();
  return *s;
}

// A value as application/x-www-form-urlencoded carries it (a client secret in a token request
// body, which a service may echo in its error). Encoders differ in the case of their hex digits
// and in whether they escape '~' (.NET writes lower case; older encoders write %7E).
std::string FormEncoded(std::string_view v, bool lower_hex, bool escape_tilde) {
  const char* hex = lower_hex ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || (c == '~' && !escape_tilde)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool IsHexLower(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsBase64Url(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_'; }

// The length of a Databricks personal access token at `pos` ("dapi", 32 hex digits, an optional
// "-<digits>"), or 0.
size_t PatAt(std::string_view text, size_t pos) {
  constexpr size_t kLen = 4 + 32;
  if (text.compare(pos, 4, "dapi") != 0 || text.size() - pos < kLen) return 0;
  for (size_t i = pos + 4; i < pos + kLen; ++i) {
    if (!IsHexLower(text[i])) return 0;
  }
  size_t end = pos + kLen;
  if (end + 1 < text.size() && text[end] == '-' && std::isdigit(static_cast<unsigned char>(text[end + 1])) != 0) {
    ++end;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) ++end;
  }
  return end - pos;
}

// The length of a JWT at `pos` (an Entra access token or a federated assertion: three base64url
// parts, the first a JSON header, so "eyJ"), or 0.
size_t JwtAt(std::string_view text, size_t pos) {
  if (text.compare(pos, 3, "eyJ") != 0) return 0;
  size_t end = pos;
  for (int part = 0; part < 3; ++part) {
    const size_t start = end;
    while (end < text.size() && IsBase64Url(text[end])) ++end;
    if (part < 2 && (end - start < 8 || end >= text.size() || text[end] != '.')) return 0;
    if (part < 2) ++end;
  }
  return end - pos;
}

// Credentials of a known shape, masked even when this process never held them: a service may
// echo a request, or another credential, in an error body.
// Adds the [begin, end) spans of such credentials in `text` to `spans`.
void FindCredentialShapes(std::string_view text, std::vector<std::pair<size_t, size_t>>& spans) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (text[pos] != 'd' && text[pos] != 'e') continue;
    if (pos > 0 && IsBase64Url(text[pos - 1])) continue;  // inside a longer word
    const size_t len = text[pos] == 'd' ? PatAt(text, pos) : JwtAt(text, pos);
    if (len > 0) {
      spans.emplace_back(pos, pos + len);
      pos += len - 1;
    }
  }
}

const char* LevelName(Level l) {
  switch (l) {
    case Level::kTrace: return "trace";
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
    case Level::kOff: return "off";
  }
  return "trace";
}

}  // namespace

Level ParseLevel(std::string_view text) {
  const std::string t = AsciiLower(text);
  if (t.empty() || t == "off") return Level::kOff;
  if (t == "debug") return Level::kDebug;
  if (t == "info") return Level::kInfo;
  if (t == "warn") return Level::kWarn;
  if (t == "error") return Level::kError;
  return Level::kTrace;  // "trace", "json", "1", anything else
}

void InitFromEnv() {
  for (const char* name : {"TF_LOG_PROVIDER_ADBJIT", "TF_LOG_PROVIDER", "TF_LOG"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') {
      SetLevel(ParseLevel(v));
      return;
    }
  }
  SetLevel(Level::kOff);
}

void SetLevel(Level level) { g_level.store(level, std::memory_order_relaxed); }
Level GetLevel() { return g_level.load(std::memory_order_relaxed); }
bool Enabled(Level level) { return level != Level::kOff && level >= GetLevel(); }

void RegisterSecret(std::string_view value) {
  if (value.size() < 4) return;
  auto& r = registry();
  std::unique_lock lock(r.mu);
  r.secrets.emplace(value);
  for (bool lower_hex : {false, true}) {
    for (bool escape_tilde : {false, true}) r.secrets.emplace(FormEncoded(value, lower_hex, escape_tilde));
  }
}

std::string Redact(std::string_view text) {
  // Every span is found in the original text and their union is masked: masking one value first
  // could cut into another (a short secret inside a token) and leave the rest of it readable.
  std::vector<std::pair<size_t, size_t>> spans;
  {
    auto& r = registry();
    std::shared_lock lock(r.mu);
    for (const auto& s : r.secrets) {
      for (size_t pos = text.find(s); pos != std::string_view::npos; pos = text.find(s, pos + 1)) {
        spans.emplace_back(pos, pos + s.size());
      }
    }
  }
  FindCredentialShapes(text, spans);
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end());
  std::string out;
  out.reserve(text.size());
  size_t done = 0;
  for (size_t i = 0; i < spans.size();) {
    size_t begin = spans[i].first, end = spans[i].second;
    for (++i; i < spans.size() && spans[i].first <= end; ++i) end = std::max(end, spans[i].second);
    out.append(text.substr(done, begin - done)).append("***");
    done = end;
  }
  out.append(text.substr(done));
  return out;
}

std::string HideUserInfo(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const std::string_view authority = url.substr(start, url.find_first_of("/?#", start) - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    // A password with '?' or '#' in it (unencoded, so not a valid URL) ends the authority early:
    // take the last '@' before the first '/'. That can hide a query's '@' and what comes before
    // it too, which an error message can spare.
    const size_t last = url.substr(0, url.find('/', start)).rfind('@');
    if (last == std::string_view::npos || last < start) return std::string(url);
    at = last - start;
  }
  return std::string(url.substr(0, start)) + "***" + std::string(url.substr(start + at));
}

std::string NowTimestamp() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return buf;
}

void SetSinkForTesting(std::function<void(std::string_view line)> s) {
  std::lock_guard lock(g_sink_mu);
  sink() = std::move(s);
}

void Write(Level level, std::string_view module, std::string_view message, const Fields& fields) {
  if (!Enabled(level)) return;
  nlohmann::ordered_json j;
  j["@level"] = LevelName(level);
  // Redacted before JSON escapes them too (a value with a quote, a backslash or a line break
  // appears escaped in the line), and the line once more.
  j["@message"] = Redact(message);
  j["@timestamp"] = NowTimestamp();
  j["@module"] = "provider." + std::string(module);
  for (const auto& [k, v] : fields) j[k] = Redact(v);
  // Invalid UTF-8 must not throw: replace it.
  std::string line = Redact(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  line.push_back('\n');
  std::lock_guard lock(g_sink_mu);
  if (sink()) {
    sink()(line);
    return;
  }
  // One write(2) per line so concurrent lines never interleave.
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace adbjit::log
