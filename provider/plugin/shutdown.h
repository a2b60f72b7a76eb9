// ShutdownSignal: the one-shot "stop serving" event. Requested by plugin.GRPCController/Shutdown,
// SIGTERM (and SIGINT in debug mode); awaited by Serve and by the idle GRPCStdio stream.
// Thread-safe.
#ifndef ADBJIT_PROVIDER_PLUGIN_SHUTDOWN_H_
#define ADBJIT_PROVIDER_PLUGIN_SHUTDOWN_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace adbjit::plugin {

class ShutdownSignal {
 public:
  // The first request wins; its reason is kept for the log.
  void Request(std::string reason) {
    // Notified under the lock: a waiter returns only after notify_all() is done, so it may then
    // destroy this object (e.g. at exit) while the requesting thread no longer touches it.
    std::lock_guard lock(mu_);
    if (requested_) return;
    requested_ = true;
    reason_ = std::move(reason);
    cv_.notify_all();
  }
  bool requested() const {
    std::lock_guard lock(mu_);
    return requested_;
  }
  std::string reason() const {
    std::lock_guard lock(mu_);
    return reason_;
  }
  void Wait() const {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return requested_; });
  }
  // True when requested within `timeout`.
  bool WaitFor(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return requested_; });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool requested_ = false;
  std::string reason_;
};

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_SHUTDOWN_H_
