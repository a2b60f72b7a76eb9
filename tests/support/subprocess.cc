// Subprocess: posix_spawn with pipes, poll-based waiting with deadlines, pidfd for exits.
#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace adbjit::testing {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

int PidfdOpen(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

}  // namespace

Environment CurrentEnvironment() {
  Environment env;
  for (char** e = environ; *e != nullptr; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq == nullptr) continue;
    env.emplace(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
  }
  return env;
}

StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(const SpawnOptions& options) {
  if (options.argv.empty()) return InvalidArgumentError("empty argv");
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return InternalError(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return InternalError(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, options.cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  // Children start with default dispositions and an empty mask, whatever the test runner set.
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env_strings;
  for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0].c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    return InternalError("cannot start " + args[0] + ": " + std::strerror(rc));
  }
  std::unique_ptr<Subprocess> p(new Subprocess());
  p->pid_ = pid;
  p->out_fd_ = out[0];
  p->err_fd_ = err[0];
  p->pid_fd_ = PidfdOpen(pid);
  return p;
}

Subprocess::~Subprocess() {
  if (!exited() && pid_ > 0) {
    KillGroup();
    Wait(std::chrono::seconds(10));
  }
  for (int fd : {out_fd_, err_fd_, pid_fd_}) {
    if (fd >= 0) close(fd);
  }
}

void Subprocess::Signal(int sig) {
  if (!exited()) kill(pid_, sig);
}

void Subprocess::KillGroup() {
  if (pid_ > 0) kill(-pid_, SIGKILL);
}

bool Subprocess::Reap() {
  if (exited()) return true;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r != pid_) return false;
  if (WIFEXITED(status)) {
    exit_code_ = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    term_signal_ = WTERMSIG(status);
    exit_code_ = 128 + term_signal_;
  } else {
    exit_code_ = -1;
  }
  return true;
}

bool Subprocess::Pump(std::chrono::milliseconds timeout) {
  pollfd fds[3];
  int n = 0;
  int out_i = -1, err_i = -1;
  if (out_fd_ >= 0) { out_i = n; fds[n++] = {out_fd_, POLLIN, 0}; }
  if (err_fd_ >= 0) { err_i = n; fds[n++] = {err_fd_, POLLIN, 0}; }
  bool waiting_for_exit = !exited();
  if (waiting_for_exit && pid_fd_ >= 0) fds[n++] = {pid_fd_, POLLIN, 0};
  if (n == 0 && !waiting_for_exit) return false;
  // Without a pidfd and with both pipes closed, fall back to short polls for the exit.
  int ms = static_cast<int>(timeout.count());
  if (n == 0 || (pid_fd_ < 0 && waiting_for_exit && out_fd_ < 0 && err_fd_ < 0)) ms = std::min(ms, 5);
  int r = poll(fds, static_cast<nfds_t>(n), ms);
  if (r < 0 && errno != EINTR) return false;
  char buf[65536];
  auto drain = [&](int& fd, std::string& sink, int idx) {
    if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
    ssize_t got = read(fd, buf, sizeof buf);
    if (got > 0) {
      sink.append(buf, static_cast<size_t>(got));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
      close(fd);
      fd = -1;
    }
  };
  drain(out_fd_, out_, out_i);
  drain(err_fd_, err_, err_i);
  Reap();
  return true;
}

StatusOr<std::string> Subprocess::ReadStdoutLine(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    size_t nl = out_.find('\n', out_consumed_);
    if (nl != std::string::npos) {
      std::string line = out_.substr(out_consumed_, nl - out_consumed_);
      out_consumed_ = nl + 1;
      return line;
    }
    if (out_fd_ < 0) return FailedPreconditionError("stdout closed without a complete line");
    if (Clock::now() >= deadline) return DeadlineExceededError("no stdout line within the deadline");
    Pump(std::chrono::milliseconds(RemainingMs(deadline)));
  }
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  bool drain_capped = false;
  for (;;) {
    Reap();
    // Done when the process has exited and both pipes reached EOF (or a grandchild holds them:
    // give up on the pipes a few seconds after the exit, or at the deadline, but still report it).
    if (exited() && out_fd_ < 0 && err_fd_ < 0) return exit_code_;
    if (exited() && !drain_capped) {
      drain_capped = true;
      deadline = std::min(deadline, Clock::now() + std::chrono::seconds(5));
    }
    if (Clock::now() >= deadline) return exit_code_;
    Pump(std::chrono::milliseconds(RemainingMs(deadline)));
  }
}

RunResult Run(const SpawnOptions& options, std::chrono::milliseconds timeout) {
  RunResult result;
  const auto start = Clock::now();
  auto p = Subprocess::Start(options);
  if (!p.ok()) {
    result.stderr_text = p.status().ToString();
    return result;
  }
  auto code = (*p)->Wait(timeout);
  if (!code) {
    result.timed_out = true;
    (*p)->KillGroup();
    code = (*p)->Wait(std::chrono::seconds(10));
  } else {
    (*p)->KillGroup();  // whatever it left behind in its process group (a plugin that did not exit)
  }
  result.exit_code = code.value_or(-1);
  result.stdout_text = (*p)->stdout_text();
  result.stderr_text = (*p)->stderr_text();
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return result;
}

}  // namespace adbjit::testing
