// Fault rules (status, delay, drop, malformed, timeout) matched per request, plus global latency.
#ifndef ADBJIT_EMULATOR_FAULTS_H_
#define ADBJIT_EMULATOR_FAULTS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace adbjit::emulator {

// What a matching rule asks the dispatcher to do with one request.
struct FaultHit {
  int rule_id = 0;
  std::string action;  // status | delay | drop | malformed | timeout
  std::string phase;   // before | after
  int status = 500;
  std::map<std::string, std::string> headers;
  std::optional<std::string> body;
  int64_t delay_ms = 0;
};

class FaultEngine {
 public:
  explicit FaultEngine(uint64_t seed) : rng_(seed) {}

  // Accepts a rule array (appended), a single rule object (appended), or an object
  // {"replace": bool, "rules": [...], "latency_ms": N}. All-or-nothing: on a bad rule nothing
  // changes and *error says why.
  bool Apply(const nlohmann::json& spec, std::string* error);
  void Clear();
  nlohmann::json Rules() const;  // {"rules":[...], "latency_ms": N}

  // Finds the first live rule for this request, consuming its skip/count/probability state.
  std::optional<FaultHit> Match(const std::string& service, const std::string& method,
                                const std::string& path);

  void SetLatencyMs(int ms);
  int latency_ms() const;

 private:
  struct Rule {
    FaultHit hit;
    std::string service = "*";
    std::string method = "*";
    std::string path_text = ".*";
    std::regex path;
    int64_t skip = 0;    // matches still to let through
    int64_t count = -1;  // applications left; -1 = unlimited
    double probability = 1.0;
    int64_t matched = 0;
    int64_t applied = 0;
    nlohmann::json ToJson() const;
  };
  static bool ParseRule(const nlohmann::json& j, Rule* rule, std::string* error);

  mutable std::mutex mu_;
  std::vector<Rule> rules_;
  std::mt19937_64 rng_;
  int next_id_ = 1;
  int latency_ms_ = 0;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_FAULTS_H_
