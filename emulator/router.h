// A tiny method + regex router that also reports the normalised route of each request.
#ifndef ADBJIT_EMULATOR_ROUTER_H_
#define ADBJIT_EMULATOR_ROUTER_H_

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>

namespace adbjit::emulator {

class Router {
 public:
  using Fn = std::function<void(const httplib::Request&, httplib::Response&, const std::smatch&)>;

  // `pattern` must match the whole path; `route` is what counters show (e.g. /secrets/{name}).
  void Add(const std::string& method, const std::string& pattern, const std::string& route, Fn fn) {
    entries_.push_back({method, std::regex(pattern), route, std::move(fn)});
  }

  // Runs the matching handler. Returns false (route untouched) when no entry matches; sets
  // *method_mismatch when the path is known under another method.
  bool Dispatch(const httplib::Request& req, httplib::Response& res, std::string* route,
                bool* method_mismatch = nullptr) const {
    bool mismatch = false;
    for (const Entry& e : entries_) {
      std::smatch m;
      if (!std::regex_match(req.path, m, e.pattern)) continue;
      if (e.method != req.method) {
        mismatch = true;
        continue;
      }
      *route = e.route;
      e.fn(req, res, m);
      return true;
    }
    if (method_mismatch) *method_mismatch = mismatch;
    return false;
  }

 private:
  struct Entry {
    std::string method;
    std::regex pattern;
    std::string route;
    Fn fn;
  };
  std::vector<Entry> entries_;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_ROUTER_H_
