// Request log and counters (per service, per route and status, TCP connections accepted).
#include "emulator/metrics.h"

#include "emulator/common.h"

namespace adbjit::emulator {

void Metrics::Record(RequestRecord r) {
  std::lock_guard<std::mutex> lock(mu_);
  ServiceCounts& s = services_[r.service];
  ++s.requests;
  if (!r.fault.empty()) ++s.faults;
  ++routes_[{r.service, r.method, r.path, r.route, r.status}];
  log_.emplace_back(next_seq_++, std::move(r));
  while (log_.size() > kMaxLog) log_.pop_front();
}

void Metrics::CountConnection(const std::string& service) {
  std::lock_guard<std::mutex> lock(mu_);
  ++services_[service].connections;
}

void Metrics::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  log_.clear();
  services_.clear();
  routes_.clear();
}

nlohmann::json Metrics::Requests(const std::string& service_filter) const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [seq, r] : log_) {
    if (!service_filter.empty() && r.service != service_filter) continue;
    nlohmann::json j = {{"seq", seq},
                        {"time", Rfc3339(r.time_ms)},
                        {"service", r.service},
                        {"method", r.method},
                        {"path", r.path},
                        {"route", r.route},
                        {"status", r.status},
                        {"duration_ms", r.duration_ms}};
    if (!r.fault.empty()) {
      j["fault"] = r.fault;
      j["fault_rule"] = r.fault_rule;
    }
    list.push_back(std::move(j));
  }
  return {{"requests", list}};
}

nlohmann::json Metrics::Counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json by_service = nlohmann::json::object();
  for (const char* name : {"entra", "databricks", "keyvault"}) {
    by_service[name] = {{"requests", 0}, {"connections", 0}, {"faults", 0}};
  }
  for (const auto& [name, c] : services_) {
    by_service[name] = {{"requests", c.requests}, {"connections", c.connections}, {"faults", c.faults}};
  }
  nlohmann::json by_route = nlohmann::json::array();
  for (const auto& [key, count] : routes_) {
    const auto& [service, method, path, route, status] = key;
    by_route.push_back({{"service", service},
                        {"method", method},
                        {"path", path},
                        {"route", route},
                        {"status", status},
                        {"count", count}});
  }
  return {{"by_service", by_service}, {"by_route", by_route}};
}

}  // namespace adbjit::emulator
