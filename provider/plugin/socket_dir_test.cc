// Tests for the private socket directory.
#include "provider/plugin/socket_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <gtest/gtest.h>

namespace adbjit::plugin {
namespace {

std::string TestBase() {
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && *t != '\0' ? t : "/tmp";
}

TEST(SocketDirTest, FreshPrivateDirectoryRemovedOnDestruction) {
  std::string dir;
  {
    auto sd = SocketDir::Create(TestBase(), "");
    ASSERT_TRUE(sd.ok()) << sd.status().ToString();
    dir = (*sd)->dir();
    struct stat st;
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_EQ((*sd)->socket_path(), dir + "/provider.sock");
    EXPECT_EQ(dir.rfind(TestBase() + "/adbjit-plugin-", 0), 0u) << dir;
  }
  EXPECT_NE(access(dir.c_str(), F_OK), 0);
}

TEST(SocketDirTest, TwoDirectoriesDiffer) {
  auto a = SocketDir::Create(TestBase(), "");
  auto b = SocketDir::Create(TestBase(), "");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->dir(), (*b)->dir());
}

TEST(SocketDirTest, TooLongPathIsAnError) {
  auto sd = SocketDir::Create("/" + std::string(120, 'x'), "");
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(sd.status().message().find("PLUGIN_UNIX_SOCKET_DIR"), std::string::npos);
}

TEST(SocketDirTest, UnknownGroupIsAnError) {
  auto sd = SocketDir::Create(TestBase(), "no-such-group-adbjit");
  ASSERT_FALSE(sd.ok());
  EXPECT_EQ(sd.status().code(), StatusCode::kInvalidArgument);
}

// Found by fuzz/handshake_fuzz: std::stol threw std::out_of_range (terminating the plugin) on a
// numeric PLUGIN_UNIX_SOCKET_GROUP beyond long's range.
TEST(SocketDirTest, OutOfRangeNumericGroupIsAnError) {
  for (const char* group : {"99999999999999999999999", "4294967295", "4294967296"}) {
    auto sd = SocketDir::Create(TestBase(), group);
    ASSERT_FALSE(sd.ok()) << group;
    EXPECT_EQ(sd.status().code(), StatusCode::kInvalidArgument) << group;
  }
}

TEST(SocketDirTest, NumericGroupMakesDirectoryGroupReadable) {
  auto sd = SocketDir::Create(TestBase(), std::to_string(getgid()));
  ASSERT_TRUE(sd.ok()) << sd.status().ToString();
  struct stat st;
  ASSERT_EQ(stat((*sd)->dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
  EXPECT_EQ(st.st_gid, getgid());
}

}  // namespace
}  // namespace adbjit::plugin
