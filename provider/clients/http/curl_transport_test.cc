// CurlTransport failure mapping that needs no server: refused URLs, refused connections, timeouts.
#include "provider/clients/http/curl_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace adbjit::http {
namespace {

// A loopback socket bound (and optionally listening but never answering). Returns the port.
int BindLoopback(int* fd_out, bool listen_too) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  if (listen_too) {
    EXPECT_EQ(::listen(fd, 16), 0);
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *fd_out = fd;
  return ntohs(addr.sin_port);
}

// Reads one request's head (up to the blank line) from the connection `c`.
void ReadHead(int c) {
  std::string head;
  char buf[4096];
  while (head.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = ::recv(c, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
}

TEST(CurlTransportTest, RefusesPlainHttpToRemoteHosts) {
  CurlTransport t;
  Request r;
  r.url = "http://adb-123.4.azuredatabricks.net/api/2.0/token/list";
  r.operation = "list tokens";
  auto resp = t.Send(r);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(resp.status().service_code(), kTransportRefusedUrl);
  EXPECT_EQ(resp.status().message().rfind("list tokens: refusing plain http:// to adb-123.4.azuredatabricks.net", 0),
            0u)
      << resp.status().message();
}

TEST(CurlTransportTest, ConnectionRefusedIsUnavailableAndNeverSent) {
  int fd = -1;
  int port = BindLoopback(&fd, /*listen_too=*/false);  // bound, not listening: connect is refused
  CurlTransport t;
  Request r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/api/2.0/token/list";
  r.operation = "list tokens";
  auto resp = t.Send(r);
  ::close(fd);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(WasNeverSent(resp.status()));
  EXPECT_EQ(resp.status().message().rfind("list tokens: GET http://127.0.0.1:" + std::to_string(port) +
                                              "/api/2.0/token/list: connection refused",
                                          0),
            0u)
      << resp.status().message();
}

TEST(CurlTransportTest, SilentServerTimesOutAsDeadlineExceeded) {
  int fd = -1;
  int port = BindLoopback(&fd, /*listen_too=*/true);  // the kernel accepts; nobody answers
  CurlTransport t;
  Request r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/api/2.0/token/create";
  r.body = "{}";
  r.idempotent = false;
  r.operation = "create token";
  r.timeout = std::chrono::milliseconds(300);
  auto resp = t.Send(r);
  ::close(fd);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(IsAmbiguousTransportError(resp.status()));
  EXPECT_EQ(resp.status().message().rfind("create token: POST", 0), 0u) << resp.status().message();
}

// A request on a connection kept from an earlier call makes no connect of its own. Its timeout
// must still count as ambiguous (the request was written; the server may have acted), never as
// "not sent", which would let a create be repeated blindly.
TEST(CurlTransportTest, ATimeoutOnAReusedConnectionIsAmbiguous) {
  int fd = -1;
  int port = BindLoopback(&fd, /*listen_too=*/true);
  std::thread server([fd] {
    int c = ::accept(fd, nullptr, nullptr);
    ReadHead(c);
    const std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    ::send(c, reply.data(), reply.size(), 0);
    char buf[4096];
    while (::recv(c, buf, sizeof buf, 0) > 0) {
    }  // the next request gets no answer; the client closes the connection when it gives up
    ::close(c);
  });
  auto t = std::make_unique<CurlTransport>();
  Request list;
  list.url = "http://127.0.0.1:" + std::to_string(port) + "/api/2.0/instance-pools/list";
  list.operation = "list instance pools";
  list.timeout = std::chrono::seconds(10);
  auto first = t->Send(list);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->status, 200);

  Request create;
  create.method = "POST";
  create.url = "http://127.0.0.1:" + std::to_string(port) + "/api/2.0/instance-pools/create";
  create.body = "{}";
  create.idempotent = false;
  create.operation = "create instance pool";
  create.timeout = std::chrono::milliseconds(300);
  auto resp = t->Send(create);
  t.reset();  // closes any connection still open, so the server's last read ends
  server.join();
  ::close(fd);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(IsAmbiguousTransportError(resp.status())) << resp.status().message();
  EXPECT_NE(resp.status().message().find("timed out waiting for the answer"), std::string::npos)
      << resp.status().message();
}

// The proxy variables libcurl reads, set for one test and restored after it.
class ProxyEnvironment {
 public:
  explicit ProxyEnvironment(const std::string& https_proxy) {
    for (const char* name : kNames) {
      const char* v = std::getenv(name);
      saved_.emplace_back(name, v != nullptr ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name);
    }
    ::setenv("HTTPS_PROXY", https_proxy.c_str(), 1);
  }
  ~ProxyEnvironment() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name, value->c_str(), 1);
      } else {
        ::unsetenv(name);
      }
    }
  }

 private:
  static constexpr const char* kNames[] = {"HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY",
                                           "all_proxy"};
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

// A proxy on `fd` that answers the first CONNECT with `status_line` and closes; gives up waiting
// for it after 10 s (so a request that bypassed the proxy fails the test instead of hanging it).
std::thread OneShotProxy(int fd, std::string status_line) {
  return std::thread([fd, status_line] {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return;
    int c = ::accept(fd, nullptr, nullptr);
    ReadHead(c);
    const std::string reply = "HTTP/1.1 " + status_line + "\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n"
                              "Content-Length: 0\r\nConnection: close\r\n\r\n";
    ::send(c, reply.data(), reply.size(), 0);
    ::close(c);
  });
}

// A token create through an HTTPS_PROXY whose answer to CONNECT is `status_line`.
StatusOr<Response> CreateThroughProxy(const std::string& status_line) {
  int fd = -1;
  int port = BindLoopback(&fd, /*listen_too=*/true);
  std::thread proxy = OneShotProxy(fd, status_line);
  StatusOr<Response> resp = InternalError("not sent");
  {
    ProxyEnvironment env("http://127.0.0.1:" + std::to_string(port));
    CurlTransport t;
    Request r;
    r.method = "POST";
    r.url = "https://adb-123.4.azuredatabricks.net/api/2.0/token/create";
    r.body = "{}";
    r.idempotent = false;
    r.operation = "create token";
    r.timeout = std::chrono::seconds(10);
    resp = t.Send(r);
  }
  proxy.join();
  ::close(fd);
  return resp;
}

// An HTTPS_PROXY that refuses the tunnel (407: it wants credentials) is no dropped connection to
// retry for the whole budget: the request never left, and the error says what the proxy answered.
// A proxy that could not reach the host just now (5xx) is worth another try, and nothing was sent.
TEST(CurlTransportTest, AProxyRefusingTheTunnelIsADefiniteErrorNamingIt) {
  auto refused = CreateThroughProxy("407 Proxy Authentication Required");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(WasNeverSent(refused.status()));
  EXPECT_FALSE(IsTransientTransportError(refused.status()));
  EXPECT_EQ(refused.status().message(),
            "create token: POST https://adb-123.4.azuredatabricks.net/api/2.0/token/create: the proxy (HTTPS_PROXY) "
            "refused to connect to adb-123.4.azuredatabricks.net: HTTP 407 (it wants credentials: give them in the "
            "proxy URL, or set NO_PROXY for this host if it needs no proxy)");

  auto unreachable = CreateThroughProxy("502 Bad Gateway");
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(WasNeverSent(unreachable.status()));
  EXPECT_TRUE(IsTransientTransportError(unreachable.status()));
  EXPECT_NE(unreachable.status().message().find("the proxy (HTTPS_PROXY) could not connect to "
                                                "adb-123.4.azuredatabricks.net: HTTP 502"),
            std::string::npos)
      << unreachable.status().message();
}

TEST(CurlTransportTest, StoppedTransportRefusesNewCalls) {
  StopSignal stop;
  stop.Stop();
  CurlOptions options;
  options.stop = &stop;
  CurlTransport t(options);
  Request r;
  r.url = "http://127.0.0.1:1/x";
  r.operation = "get pool";
  EXPECT_EQ(t.Send(r).status().code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace adbjit::http
