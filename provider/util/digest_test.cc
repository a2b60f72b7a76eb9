#include "provider/util/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace adbjit {
namespace {

TEST(DigestTest, HexLowerWritesTwoLowerCaseDigitsPerByte) {
  EXPECT_EQ(HexLower(std::string("\x00\x0f\xa5\xff", 4)), "000fa5ff");
  EXPECT_EQ(HexLower(""), "");
}

TEST(DigestTest, RandomHexGivesTwoDigitsPerByteAndDiffersBetweenCalls) {
  const std::string a = RandomHex(8);
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, RandomHex(8));  // 2^-64 to fail by chance
  EXPECT_EQ(RandomHex(0), "");
}

TEST(DigestTest, Sha256HexMatchesTheStandardTestVectors) {
  // FIPS 180-2 examples.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace adbjit
