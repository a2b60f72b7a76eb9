// Real clock and the stop signal.
#include "provider/clients/http/clock.h"

#include <thread>

namespace adbjit::http {

void StopSignal::Stop() {
  {
    std::lock_guard lock(mu_);
    stopped_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

bool StopSignal::WaitFor(std::chrono::milliseconds d) const {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopped_.load(std::memory_order_acquire); });
}

namespace {

class RealClock final : public Clock {
 public:
  TimePoint Now() override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point WallNow() override { return std::chrono::system_clock::now(); }
  bool SleepFor(std::chrono::milliseconds d, const StopSignal* stop) override {
    if (stop != nullptr) return stop->WaitFor(d);
    std::this_thread::sleep_for(d);
    return true;
  }
};

}  // namespace

Clock* Clock::Real() {
  static RealClock* clock = new RealClock();
  return clock;
}

}  // namespace adbjit::http
