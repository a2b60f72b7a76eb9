// Logging the way Terraform reads it: one hclog-style JSON object per line on stderr
// ({"@level","@message","@timestamp","@module", key: value ...}), so `TF_LOG=DEBUG terraform plan`
// shows our lines under the provider's name. stdout is never written (it belongs to the handshake).
//
// The level comes from the environment Terraform passes down: TF_LOG_PROVIDER_ADBJIT, else
// TF_LOG_PROVIDER, else TF_LOG (trace/debug/info/warn/error/off; "json" and "1" mean trace).
// Below the level nothing is formatted. Every line passes through Redact() before it is written, so
// values registered as secrets (secret.h) come out as "***". Thread-safe.
#ifndef ADBJIT_UTIL_LOG_H_
#define ADBJIT_UTIL_LOG_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adbjit::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };

using Fields = std::vector<std::pair<std::string, std::string>>;

// Reads the level from the environment (see above). Called once at start-up; safe to call again.
void InitFromEnv();
void SetLevel(Level level);
Level GetLevel();
bool Enabled(Level level);

// Parses "trace", "DEBUG", ... ; unknown text gives kOff for "off"/"" and kTrace otherwise
// (Terraform treats any other non-empty TF_LOG as trace).
Level ParseLevel(std::string_view text);

// Writes one line if `level` is enabled. `module` becomes "@module" (e.g. "provider", "http", "auth").
void Write(Level level, std::string_view module, std::string_view message, const Fields& fields = {});

inline void Trace(std::string_view m, std::string_view msg, const Fields& f = {}) { Write(Level::kTrace, m, msg, f); }
inline void Debug(std::string_view m, std::string_view msg, const Fields& f = {}) { Write(Level::kDebug, m, msg, f); }
inline void Info(std::string_view m, std::string_view msg, const Fields& f = {}) { Write(Level::kInfo, m, msg, f); }
inline void Warn(std::string_view m, std::string_view msg, const Fields& f = {}) { Write(Level::kWarn, m, msg, f); }
inline void Error(std::string_view m, std::string_view msg, const Fields& f = {}) { Write(Level::kError, m, msg, f); }

// Secret registry: every registered value (at least 4 characters) is replaced by "***" in log
// output and in Redact()'s result. Secret's constructor calls RegisterSecret.
void RegisterSecret(std::string_view value);
std::string Redact(std::string_view text);
// `url` with any user information before its host ("https://user:password@host/…", or
// "user:password@host" without a scheme) shown as "***@", for error text that quotes a URL.
std::string HideUserInfo(std::string_view url);

// Replaces where lines go (default: stderr). For tests; pass nullptr to restore stderr.
void SetSinkForTesting(std::function<void(std::string_view line)> sink);

// Formats a timestamp as hclog expects: YYYY-MM-DDTHH:MM:SS.ffffffZ (exactly six fraction digits).
std::string NowTimestamp();

}  // namespace adbjit::log

#endif  // ADBJIT_UTIL_LOG_H_
