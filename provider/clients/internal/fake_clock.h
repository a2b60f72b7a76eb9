// FakeClock for tests: time moves only when someone sleeps; every sleep is recorded.
#ifndef ADBJIT_CLIENTS_INTERNAL_FAKE_CLOCK_H_
#define ADBJIT_CLIENTS_INTERNAL_FAKE_CLOCK_H_

#include <mutex>
#include <vector>

#include "provider/clients/http/clock.h"

namespace adbjit::internal {

class FakeClock final : public http::Clock {
 public:
  TimePoint Now() override {
    std::lock_guard lock(mu_);
    return TimePoint() + std::chrono::hours(1) + offset_;
  }
  std::chrono::system_clock::time_point WallNow() override {
    std::lock_guard lock(mu_);
    return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)) + offset_;
  }
  bool SleepFor(std::chrono::milliseconds d, const http::StopSignal* stop) override {
    if (stop != nullptr && stop->stopped()) return false;
    std::lock_guard lock(mu_);
    offset_ += d;
    sleeps_.push_back(d);
    return true;
  }
  void Advance(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    offset_ += d;
  }
  std::vector<std::chrono::milliseconds> sleeps() {
    std::lock_guard lock(mu_);
    return sleeps_;
  }

 private:
  std::mutex mu_;
  std::chrono::milliseconds offset_{0};
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace adbjit::internal

#endif  // ADBJIT_CLIENTS_INTERNAL_FAKE_CLOCK_H_
