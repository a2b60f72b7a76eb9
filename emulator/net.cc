// Socket-level helpers for cpp-httplib: a growing worker pool that counts accepted connections,
// dropping one request's connection, and closing idle keep-alive connections on shutdown.
#include "emulator/net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>

namespace adbjit::emulator {

ConnectionPool::ConnectionPool(size_t max_threads, std::function<void()> on_connection)
    : max_threads_(max_threads), on_connection_(std::move(on_connection)) {}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::enqueue(std::function<void()> fn) {
  if (on_connection_) on_connection_();
  std::lock_guard<std::mutex> lock(mu_);
  jobs_.push_back(std::move(fn));
  size_t idle = threads_.size() - busy_;
  if (idle < jobs_.size() && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { Work(); });
  }
  cv_.notify_one();
}

void ConnectionPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (std::thread& t : threads) t.join();
}

void ConnectionPool::Work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return shutdown_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // shutting down and nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
      ++busy_;
    }
    job();
    std::lock_guard<std::mutex> lock(mu_);
    --busy_;
  }
}

namespace {
int PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Calls fn(fd, local_port, peer_port) for every connected TCP socket of this process.
template <typename Fn>
void ForEachConnectedSocket(Fn fn) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  std::vector<int> fds;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    fds.push_back(std::atoi(e->d_name));
  }
  closedir(dir);
  for (int fd : fds) {
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    if (fn(fd, PortOf(local), PortOf(peer))) return;
  }
}
}  // namespace

int ConnectionOf(const httplib::Request& req) {
  int found = -1;
  ForEachConnectedSocket([&](int fd, int local, int peer) {
    if (local != req.local_port || peer != req.remote_port) return false;
    found = fd;
    return true;
  });
  return found;
}

void DropConnection(int fd) {
  linger l{1, 0};  // reset rather than linger on close
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::shutdown(fd, SHUT_RDWR);
}

void ShutdownAcceptedSockets(const std::set<int>& ports) {
  ForEachConnectedSocket([&](int fd, int local, int) {
    if (ports.count(local)) ::shutdown(fd, SHUT_RDWR);
    return false;
  });
}

}  // namespace adbjit::emulator
