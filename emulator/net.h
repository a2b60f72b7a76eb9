// Socket-level helpers for cpp-httplib: a growing worker pool that counts accepted connections,
// dropping one request's connection, and closing idle keep-alive connections on shutdown.
#ifndef ADBJIT_EMULATOR_NET_H_
#define ADBJIT_EMULATOR_NET_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <sys/socket.h>

#include <httplib.h>

namespace adbjit::emulator {

// httplib hands every accepted TCP connection to TaskQueue::enqueue exactly once, so counting
// there counts connections. Threads are started on demand up to `max_threads`.
class ConnectionPool : public httplib::TaskQueue {
 public:
  ConnectionPool(size_t max_threads, std::function<void()> on_connection);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

 private:
  void Work();

  const size_t max_threads_;
  std::function<void()> on_connection_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t busy_ = 0;
  bool shutdown_ = false;
};

// httplib 0.11.4 listens with a backlog of 5, so a burst of parallel connects waits for SYN
// retries (~1 s). Re-calling listen() on the bound socket raises the backlog.
template <typename Base>
class Listener : public Base {
 public:
  using Base::Base;
  void RaiseBacklog(int backlog) { ::listen(this->svr_sock_, backlog); }
};

// The server-side descriptor of the connection that carries `req`, or -1 when it cannot be found.
int ConnectionOf(const httplib::Request& req);

// Resets (without closing: httplib owns the descriptor) a connection found by ConnectionOf, so the
// client sees it end without an HTTP response.
void DropConnection(int fd);

// Shuts down every accepted (connected) socket of this process whose local port is in `ports`.
void ShutdownAcceptedSockets(const std::set<int>& ports);

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_NET_H_
