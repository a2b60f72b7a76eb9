// Signal policy: ignored SIGINT, SIGTERM -> shutdown via sigwait, and the "panic: " crash line.
#include "provider/plugin/signals.h"

#include <execinfo.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <thread>

namespace adbjit::plugin {
namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};

// Fixed buffers: the crash handler may not allocate.
char g_crash_socket[256];
char g_crash_dir[256];

void WriteAll(const char* s) {
  size_t n = std::strlen(s);
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

void OnFatalSignal(int sig) {
  const char* name = sig == SIGSEGV ? "SIGSEGV"
                     : sig == SIGABRT ? "SIGABRT"
                     : sig == SIGBUS  ? "SIGBUS"
                     : sig == SIGFPE  ? "SIGFPE"
                                      : "SIGILL";
  WriteAll("panic: terraform-provider-adbjit received fatal signal ");
  WriteAll(name);
  WriteAll("\n\nbacktrace:\n");
  void* frames[64];
  int n = backtrace(frames, 64);
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
  if (g_crash_socket[0] != '\0') unlink(g_crash_socket);
  if (g_crash_dir[0] != '\0') rmdir(g_crash_dir);
  // SA_RESETHAND restored the default action; re-raise to die with the original signal.
  raise(sig);
}

void CopyPath(char* dst, size_t size, const std::string& src) {
  if (src.size() >= size) {
    dst[0] = '\0';
    return;
  }
  std::memcpy(dst, src.c_str(), src.size() + 1);
}

}  // namespace

void InstallCrashHandler() {
  // Make backtrace() load libgcc now, not inside the handler.
  void* warm[1];
  backtrace(warm, 1);
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnFatalSignal;
  sa.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : kFatalSignals) sigaction(sig, &sa, nullptr);
}

void SetCrashCleanupPaths(const std::string& socket_path, const std::string& dir) {
  CopyPath(g_crash_socket, sizeof g_crash_socket, socket_path);
  CopyPath(g_crash_dir, sizeof g_crash_dir, dir);
}

void StartSignalThread(ShutdownSignal* shutdown, bool debug) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  if (debug) {
    sigaddset(&set, SIGINT);
  } else {
    signal(SIGINT, SIG_IGN);
  }
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set, shutdown] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      shutdown->Request(sig == SIGTERM ? "SIGTERM" : "SIGINT");
    }
  }).detach();
}

}  // namespace adbjit::plugin
