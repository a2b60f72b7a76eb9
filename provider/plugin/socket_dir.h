// The private directory holding our unix socket. Created fresh per process (mkdtemp, mode 0700,
// or 0750 with the group of PLUGIN_UNIX_SOCKET_GROUP) so no other user can reach the socket even
// in the moment before its own mode is tightened; removed with the socket on exit.
#ifndef ADBJIT_PROVIDER_PLUGIN_SOCKET_DIR_H_
#define ADBJIT_PROVIDER_PLUGIN_SOCKET_DIR_H_

#include <memory>
#include <string>

#include "provider/util/status.h"

namespace adbjit::plugin {

class SocketDir {
 public:
  // Makes "<base_dir>/adbjit-plugin-XXXXXX" and names the socket "<dir>/provider.sock". `group`
  // (a group name or numeric gid, may be empty) makes directory and socket group-accessible.
  // Errors: the directory cannot be created, the group is unknown, or the socket path is longer
  // than a unix socket address allows.
  static StatusOr<std::unique_ptr<SocketDir>> Create(const std::string& base_dir, const std::string& group);

  SocketDir(const SocketDir&) = delete;
  SocketDir& operator=(const SocketDir&) = delete;
  ~SocketDir() { Remove(); }

  const std::string& dir() const { return dir_; }
  const std::string& socket_path() const { return socket_path_; }

  // Once the server listens: socket mode 0600 (0660 and the group when one was given).
  Status SecureSocket() const;
  // Unlinks the socket and removes the directory. Idempotent.
  void Remove();

 private:
  SocketDir() = default;
  std::string dir_;
  std::string socket_path_;
  long gid_ = -1;  // -1: no group
  bool removed_ = false;
};

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_SOCKET_DIR_H_
