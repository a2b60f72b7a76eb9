// SingleFlight: concurrent callers asking for the same key share one in-flight computation.
//
// The first caller for a key runs `fn`; callers arriving while it runs wait and receive a copy of
// the same result (success or error). Nothing is cached after the flight lands: caching policy
// belongs to the caller. Thread-safe; `fn` runs without any internal lock held.
#ifndef ADBJIT_CLIENTS_INTERNAL_SINGLEFLIGHT_H_
#define ADBJIT_CLIENTS_INTERNAL_SINGLEFLIGHT_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "provider/util/status.h"

namespace adbjit::internal {

template <typename Key, typename Value>
class SingleFlight {
 public:
  // Runs fn() or joins the flight already running for `key`. `joined` (optional) reports which.
  template <typename Fn>
  StatusOr<Value> Do(const Key& key, Fn&& fn, bool* joined = nullptr) {
    std::shared_ptr<Flight> flight;
    bool leader = false;
    {
      std::lock_guard lock(mu_);
      auto it = flights_.find(key);
      if (it != flights_.end()) {
        flight = it->second;
      } else {
        flight = std::make_shared<Flight>();
        flights_.emplace(key, flight);
        leader = true;
      }
    }
    if (joined != nullptr) *joined = !leader;
    if (!leader) {
      std::unique_lock lock(flight->mu);
      flight->cv.wait(lock, [&] { return flight->result.has_value(); });
      return *flight->result;
    }
    StatusOr<Value> result = fn();
    {
      std::lock_guard lock(mu_);
      flights_.erase(key);
    }
    {
      std::lock_guard lock(flight->mu);
      flight->result.emplace(result);
    }
    flight->cv.notify_all();
    return result;
  }

 private:
  struct Flight {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<StatusOr<Value>> result;
  };
  std::mutex mu_;
  std::map<Key, std::shared_ptr<Flight>> flights_;
};

}  // namespace adbjit::internal

#endif  // ADBJIT_CLIENTS_INTERNAL_SINGLEFLIGHT_H_
