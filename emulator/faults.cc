// Fault rules (status, delay, drop, malformed, timeout) matched per request, plus global latency.
#include "emulator/faults.h"

#include <set>
#include <string>

#include "emulator/common.h"

namespace adbjit::emulator {

namespace {
constexpr int64_t kDefaultTimeoutMs = 120000;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

bool FaultEngine::ParseRule(const nlohmann::json& j, Rule* rule, std::string* error) {
  if (!j.is_object()) {
    *error = "a fault rule must be a JSON object";
    return false;
  }
  auto str = [&](const char* key, std::string* out) {
    if (!j.contains(key)) return true;
    if (!j[key].is_string()) {
      *error = std::string("fault rule field '") + key + "' must be a string";
      return false;
    }
    *out = j[key].get<std::string>();
    return true;
  };
  auto num = [&](const char* key, int64_t* out) {
    if (!j.contains(key)) return true;
    if (!JsonInt64(j[key], out)) {
      *error = std::string("fault rule field '") + key + "' must be an integer";
      return false;
    }
    return true;
  };
  // A misspelt field would otherwise leave a rule wider than meant ("fail everything").
  static const std::set<std::string> kFields = {"service", "method", "path",        "action",  "phase", "status",
                                                "delay_ms", "skip",  "count", "probability", "headers", "body"};
  for (const auto& [key, value] : j.items()) {
    if (!kFields.contains(key)) {
      *error = "unknown fault rule field '" + key + "'";
      return false;
    }
  }
  if (!j.contains("action")) {
    *error = "a fault rule needs an action (status, delay, drop, malformed, timeout)";
    return false;
  }
  FaultHit& hit = rule->hit;
  hit.phase = "before";
  if (!str("service", &rule->service) || !str("method", &rule->method) ||
      !str("path", &rule->path_text) || !str("action", &hit.action) || !str("phase", &hit.phase)) {
    return false;
  }
  static const char* kServices[] = {"*", "entra", "databricks", "keyvault"};
  if (std::find(std::begin(kServices), std::end(kServices), rule->service) == std::end(kServices)) {
    *error = "unknown service '" + rule->service + "' (entra, databricks, keyvault or *)";
    return false;
  }
  rule->method = Upper(rule->method);
  if (hit.action != "status" && hit.action != "delay" && hit.action != "drop" &&
      hit.action != "malformed" && hit.action != "timeout") {
    *error = "unknown action '" + hit.action + "' (status, delay, drop, malformed, timeout)";
    return false;
  }
  if (hit.phase != "before" && hit.phase != "after") {
    *error = "phase must be 'before' or 'after'";
    return false;
  }
  try {
    rule->path = std::regex(rule->path_text, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    *error = "bad path regex '" + rule->path_text + "': " + e.what();
    return false;
  }
  int64_t status = 500;
  hit.delay_ms = hit.action == "timeout" ? kDefaultTimeoutMs : 0;
  if (!num("status", &status) || !num("delay_ms", &hit.delay_ms) || !num("skip", &rule->skip) ||
      !num("count", &rule->count)) {
    return false;
  }
  if (status < 100 || status > 599) {
    *error = "status must be 100..599";
    return false;
  }
  hit.status = static_cast<int>(status);
  if (rule->skip < 0 || hit.delay_ms < 0 || (j.contains("count") && rule->count < 0)) {
    *error = "skip, count and delay_ms must not be negative";
    return false;
  }
  if (j.contains("probability")) {
    if (!j["probability"].is_number() || j["probability"].get<double>() < 0 ||
        j["probability"].get<double>() > 1) {
      *error = "probability must be a number in [0, 1]";
      return false;
    }
    rule->probability = j["probability"].get<double>();
  }
  if (j.contains("headers")) {
    if (!j["headers"].is_object()) {
      *error = "headers must be an object of strings";
      return false;
    }
    for (auto& [k, v] : j["headers"].items()) {
      hit.headers[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  if (j.contains("body")) {
    hit.body = j["body"].is_string() ? j["body"].get<std::string>() : j["body"].dump();
  }
  return true;
}

nlohmann::json FaultEngine::Rule::ToJson() const {
  nlohmann::json j = {{"id", hit.rule_id},     {"service", service},    {"method", method},
                      {"path", path_text},     {"action", hit.action},  {"phase", hit.phase},
                      {"skip", skip},          {"probability", probability},
                      {"matched", matched},    {"applied", applied}};
  if (count >= 0) j["count"] = count;  // applications left
  if (hit.action == "status") j["status"] = hit.status;
  if (hit.action == "delay" || hit.action == "timeout") j["delay_ms"] = hit.delay_ms;
  if (!hit.headers.empty()) j["headers"] = hit.headers;
  if (hit.body) j["body"] = *hit.body;
  j["expired"] = count == 0;
  return j;
}

bool FaultEngine::Apply(const nlohmann::json& spec, std::string* error) {
  const nlohmann::json* list = &spec;
  nlohmann::json single;
  bool replace = false;
  std::optional<int64_t> latency;
  static const std::set<std::string> kEnvelope = {"replace", "rules", "latency_ms"};
  bool envelope = spec.is_object() && !spec.empty();
  for (const auto& [key, value] : spec.items()) {
    if (!kEnvelope.contains(key)) envelope = false;
  }
  if (envelope) {
    replace = spec.value("replace", false);
    if (spec.contains("latency_ms")) {
      int64_t ms = 0;
      if (!JsonInt64(spec["latency_ms"], &ms) || ms < 0) {
        *error = "latency_ms must be a non-negative integer";
        return false;
      }
      latency = ms;
    }
    static const nlohmann::json kEmpty = nlohmann::json::array();
    list = spec.contains("rules") ? &spec["rules"] : &kEmpty;
  } else if (spec.is_object()) {
    single = nlohmann::json::array({spec});
    list = &single;
  }
  if (!list->is_array()) {
    *error = "expected an array of fault rules, a rule, or {\"replace\":bool,\"rules\":[...]}";
    return false;
  }
  std::vector<Rule> parsed;
  for (const auto& j : *list) {
    Rule r;
    if (!ParseRule(j, &r, error)) return false;
    parsed.push_back(std::move(r));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (replace) rules_.clear();
  for (Rule& r : parsed) {
    r.hit.rule_id = next_id_++;
    rules_.push_back(std::move(r));
  }
  if (latency) latency_ms_ = static_cast<int>(*latency);
  return true;
}

void FaultEngine::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
}

nlohmann::json FaultEngine::Rules() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const Rule& r : rules_) out.push_back(r.ToJson());
  return {{"rules", out}, {"latency_ms", latency_ms_}};
}

std::optional<FaultHit> FaultEngine::Match(const std::string& service, const std::string& method,
                                           const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Rule& r : rules_) {
    if (r.count == 0) continue;
    if (r.service != "*" && r.service != service) continue;
    if (r.method != "*" && r.method != method) continue;
    if (!std::regex_search(path, r.path)) continue;
    ++r.matched;
    if (r.skip > 0) {
      --r.skip;
      continue;
    }
    if (r.probability < 1.0) {
      double draw = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
      if (draw >= r.probability) continue;
    }
    if (r.count > 0) --r.count;
    ++r.applied;
    return r.hit;
  }
  return std::nullopt;
}

void FaultEngine::SetLatencyMs(int ms) {
  std::lock_guard<std::mutex> lock(mu_);
  latency_ms_ = ms < 0 ? 0 : ms;
}

int FaultEngine::latency_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latency_ms_;
}

}  // namespace adbjit::emulator
