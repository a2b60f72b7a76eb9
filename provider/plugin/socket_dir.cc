// Private socket directory creation, permissions and removal.
#include "provider/plugin/socket_dir.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

namespace adbjit::plugin {
namespace {

StatusOr<long> ResolveGroup(const std::string& group) {
  if (group.find_first_not_of("0123456789") == std::string::npos) {
    // Numeric: a gid. std::from_chars (not std::stol, which throws on overflow) and gid_t's range.
    unsigned long gid = 0;
    auto [end, ec] = std::from_chars(group.data(), group.data() + group.size(), gid);
    if (ec != std::errc() || end != group.data() + group.size() || gid >= static_cast<gid_t>(-1)) {
      return InvalidArgumentError("PLUGIN_UNIX_SOCKET_GROUP is not a valid group id: " + group);
    }
    return static_cast<long>(gid);
  }
  std::vector<char> buf(16384);
  struct group grp;
  struct group* result = nullptr;
  if (getgrnam_r(group.c_str(), &grp, buf.data(), buf.size(), &result) != 0 || result == nullptr) {
    return InvalidArgumentError("PLUGIN_UNIX_SOCKET_GROUP names an unknown group: " + group);
  }
  return static_cast<long>(result->gr_gid);
}

}  // namespace

StatusOr<std::unique_ptr<SocketDir>> SocketDir::Create(const std::string& base_dir, const std::string& group) {
  std::unique_ptr<SocketDir> sd(new SocketDir());
  if (!group.empty()) {
    ADBJIT_ASSIGN_OR_RETURN(sd->gid_, ResolveGroup(group));
  }
  std::string base = base_dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string tmpl = base + "/adbjit-plugin-XXXXXX";
  if (tmpl.size() + sizeof("/provider.sock") > sizeof(sockaddr_un{}.sun_path)) {
    return InvalidArgumentError("socket directory path too long for a unix socket: " + base +
                                " (set PLUGIN_UNIX_SOCKET_DIR or TMPDIR to a shorter directory)");
  }
  if (mkdtemp(tmpl.data()) == nullptr) {
    return InternalError("cannot create a socket directory in " + base + ": " + std::strerror(errno));
  }
  sd->dir_ = tmpl;
  sd->socket_path_ = tmpl + "/provider.sock";
  if (sd->gid_ >= 0) {
    if (chown(sd->dir_.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(sd->gid_)) != 0 ||
        chmod(sd->dir_.c_str(), 0750) != 0) {
      Status s = InternalError("cannot give " + sd->dir_ + " to group " + group + ": " + std::strerror(errno));
      sd->Remove();
      return s;
    }
  }
  return sd;
}

Status SocketDir::SecureSocket() const {
  if (gid_ >= 0) {
    if (chown(socket_path_.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(gid_)) != 0 ||
        chmod(socket_path_.c_str(), 0660) != 0) {
      return InternalError("cannot make " + socket_path_ + " group-writable: " + std::strerror(errno));
    }
    return Status::OK();
  }
  if (chmod(socket_path_.c_str(), 0600) != 0) {
    return InternalError("cannot restrict " + socket_path_ + ": " + std::strerror(errno));
  }
  return Status::OK();
}

void SocketDir::Remove() {
  if (removed_ || dir_.empty()) return;
  removed_ = true;
  unlink(socket_path_.c_str());
  rmdir(dir_.c_str());
}

}  // namespace adbjit::plugin
