// Subprocess: start a program with pipes on stdout/stderr (stdin from /dev/null) in its own
// process group, and wait on it with deadlines — never with sleeps. Used by the plugin tests
// (the provider binary) and the e2e harness (terraform). Not thread-safe; one owner.
#ifndef ADBJIT_TESTS_SUPPORT_SUBPROCESS_H_
#define ADBJIT_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "provider/util/status.h"

namespace adbjit::testing {

using Environment = std::map<std::string, std::string>;

// The calling process's environment as a map.
Environment CurrentEnvironment();

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the program path (no PATH lookup)
  Environment env;                // the complete environment of the child
  std::string cwd;                // empty: inherit
};

class Subprocess {
 public:
  static StatusOr<std::unique_ptr<Subprocess>> Start(const SpawnOptions& options);
  // Kills the process group (SIGKILL) if still running and reaps it.
  ~Subprocess();

  pid_t pid() const { return pid_; }

  // Reads stdout until a newline; returns the line without it. DeadlineExceeded after `timeout`,
  // FailedPrecondition if stdout closed first. Stderr is drained meanwhile.
  StatusOr<std::string> ReadStdoutLine(std::chrono::milliseconds timeout);

  // Waits for the process to exit within `timeout`, draining its output. Returns the exit code
  // (128 + signal number when killed by a signal), or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // True once Wait() has seen the exit.
  bool exited() const { return exit_code_.has_value(); }
  // The signal that ended the process, or 0.
  int term_signal() const { return term_signal_; }

  void Signal(int sig);     // to the process only
  void KillGroup();         // SIGKILL to the whole process group

  // Everything read so far (stdout includes lines returned by ReadStdoutLine).
  const std::string& stdout_text() const { return out_; }
  const std::string& stderr_text() const { return err_; }

 private:
  Subprocess() = default;
  // Reads what is available from the pipes, waiting at most `timeout` for something to happen
  // (output or exit). Returns false when there is nothing left to wait for.
  bool Pump(std::chrono::milliseconds timeout);
  bool Reap();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int pid_fd_ = -1;  // pidfd when the kernel has it, for waiting on exit with poll()
  std::string out_;
  std::string err_;
  size_t out_consumed_ = 0;  // bytes of out_ already returned as lines
  std::optional<int> exit_code_;
  int term_signal_ = 0;
};

struct RunResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
  std::chrono::milliseconds duration{0};
};

// Runs to completion; on timeout kills the process group and reports timed_out.
RunResult Run(const SpawnOptions& options, std::chrono::milliseconds timeout);

}  // namespace adbjit::testing

#endif  // ADBJIT_TESTS_SUPPORT_SUBPROCESS_H_
