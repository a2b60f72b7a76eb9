// Request log and counters (per service, per route and status, TCP connections accepted).
#ifndef ADBJIT_EMULATOR_METRICS_H_
#define ADBJIT_EMULATOR_METRICS_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

namespace adbjit::emulator {

struct RequestRecord {
  std::string service;
  std::string method;
  std::string path;   // without the query string
  std::string route;  // normalised, e.g. /secrets/{name}/{version}
  int status = 0;     // 0 = no HTTP response (dropped connection)
  double duration_ms = 0;
  int64_t time_ms = 0;  // epoch ms when the request arrived
  std::string fault;    // action of the fault rule applied, or ""
  int fault_rule = 0;
};

class Metrics {
 public:
  static constexpr size_t kMaxLog = 20000;

  void Record(RequestRecord r);
  void CountConnection(const std::string& service);
  void Reset();

  nlohmann::json Requests(const std::string& service_filter) const;  // {"requests":[...]}
  nlohmann::json Counters() const;

 private:
  struct ServiceCounts {
    int64_t requests = 0;
    int64_t connections = 0;
    int64_t faults = 0;
  };
  mutable std::mutex mu_;
  int64_t next_seq_ = 1;
  std::deque<std::pair<int64_t, RequestRecord>> log_;
  std::map<std::string, ServiceCounts> services_;
  // (service, method, path, route, status) -> count
  std::map<std::tuple<std::string, std::string, std::string, std::string, int>, int64_t> routes_;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_METRICS_H_
