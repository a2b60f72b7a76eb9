#include "provider/util/ascii.h"

#include <gtest/gtest.h>

#include <string>

namespace adbjit {
namespace {

TEST(AsciiTest, LowersOnlyAsciiLettersAndLeavesOtherBytesAlone) {
  EXPECT_EQ(AsciiLower("Content-Type"), "content-type");
  EXPECT_EQ(AsciiLower("HTTPS://Vault.Azure.NET/"), "https://vault.azure.net/");
  EXPECT_EQ(AsciiLower(""), "");
  // UTF-8 bytes (here "ÄÖ") and the characters next to 'A' and 'Z' pass through unchanged.
  EXPECT_EQ(AsciiLower("\xC3\x84\xC3\x96@[`{"), "\xC3\x84\xC3\x96@[`{");
  EXPECT_EQ(AsciiLower(std::string("A\0Z", 3)), std::string("a\0z", 3));
}

}  // namespace
}  // namespace adbjit
