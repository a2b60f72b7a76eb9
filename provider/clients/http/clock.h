// Clock and StopSignal: time and interruptible waiting, injectable so retry math is testable.
#ifndef ADBJIT_CLIENTS_HTTP_CLOCK_H_
#define ADBJIT_CLIENTS_HTTP_CLOCK_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace adbjit::http {

// A one-way "stop now" flag (Terraform's StopProvider). Once stopped it stays stopped; every
// wait on it returns at once. Thread-safe.
class StopSignal {
 public:
  void Stop();
  bool stopped() const { return stopped_.load(std::memory_order_acquire); }
  // Waits up to `d`; returns false if the signal fired (before or during the wait).
  bool WaitFor(std::chrono::milliseconds d) const;

 private:
  std::atomic<bool> stopped_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
};

// Monotonic time plus sleeping. Thread-safe.
class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() = 0;
  // Wall-clock time, for HTTP-date Retry-After values and token expiry.
  virtual std::chrono::system_clock::time_point WallNow() = 0;
  // Sleeps `d` unless `stop` (may be null) fires first; returns false when stopped.
  virtual bool SleepFor(std::chrono::milliseconds d, const StopSignal* stop) = 0;

  // The process-wide real clock (never null, never destroyed).
  static Clock* Real();
};

}  // namespace adbjit::http

#endif  // ADBJIT_CLIENTS_HTTP_CLOCK_H_
