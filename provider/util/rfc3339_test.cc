#include "provider/util/rfc3339.h"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace adbjit {
namespace {

TEST(Rfc3339Test, ParsesUtcOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339("2023-11-14T22:13:20Z"), 1700000000);
  EXPECT_EQ(ParseRfc3339("2023-11-14t22:13:20z"), 1700000000);  // RFC 3339 allows lower case
  EXPECT_EQ(ParseRfc3339("2023-11-14T22:13:20.999999999Z"), 1700000000);  // the second it falls in
  EXPECT_EQ(ParseRfc3339("2023-11-15T00:13:20+02:00"), 1700000000);
  EXPECT_EQ(ParseRfc3339("2023-11-14T16:43:20-05:30"), 1700000000);
  EXPECT_EQ(ParseRfc3339("2023-11-14T22:13:20-00:00"), 1700000000);
  EXPECT_EQ(ParseRfc3339("2030-01-01T01:00:00+01:00"), 1893456000);
  EXPECT_EQ(ParseRfc3339("2024-02-29T00:00:00Z"), 1709164800);
  EXPECT_EQ(ParseRfc3339("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(ParseRfc3339("0000-01-01T00:00:00Z"), -62167219200);
  EXPECT_EQ(ParseRfc3339("9999-12-31T23:59:59Z"), 253402300799);
  EXPECT_EQ(ParseRfc3339("0000-01-01T00:00:00+01:00"), -62167219200 - 3600);  // an offset may leave year 0
}

TEST(Rfc3339Test, RejectsAnythingButTheStrictForm) {
  for (const char* bad : {"", "yesterday", "2026-01-02", "2026-01-02 03:04:05Z", "2026-01-02x03:04:05Z",
                          "2026-01-02T03:04:05y", "2026-01-02T03:04:05", "2026-13-01T00:00:00Z",
                          "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
                          "2026-04-31T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-02T24:00:00Z",
                          "2026-01-02T23:60:00Z", "2026-01-02T23:59:60Z", "2026-01-02T03:04:05.Z",
                          "2026-01-02T03:04:05+0530", "2026-01-02T03:04:05+24:00", "2026-01-02T03:04:05+05:60",
                          "2026-01-02T03:04:05+05:30:00", "2026-01-02T03:04:05Z ", " 2026-01-02T03:04:05Z",
                          "26-01-02T03:04:05Z", "2026-1-02T03:04:05Z", "+026-01-02T03:04:05Z",
                          "2026-+1-02T03:04:05Z", "2026-01-02T03:04:05+ab:cd", "2026-01-02T03:04:05+5:30"}) {
    EXPECT_EQ(ParseRfc3339(bad), std::nullopt) << bad;
  }
}

TEST(Rfc3339Test, FormatsUtcWholeSeconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(FormatRfc3339(1709164800), "2024-02-29T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(253402300799), "9999-12-31T23:59:59Z");
  // Whatever a remote service sends, formatting is defined (no time_t or int overflow).
  EXPECT_FALSE(FormatRfc3339(std::numeric_limits<int64_t>::max()).empty());
  EXPECT_FALSE(FormatRfc3339(std::numeric_limits<int64_t>::min()).empty());
}

TEST(Rfc3339Test, AgreesWithTheCLibraryAndRoundTrips) {
  std::mt19937_64 rng(20261203);
  std::uniform_int_distribution<int64_t> epoch(-62167219200, 253402300799);  // years 0000 to 9999
  for (int i = 0; i < 20000; ++i) {
    const int64_t t = epoch(rng);
    const std::string text = FormatRfc3339(t);
    ASSERT_EQ(ParseRfc3339(text), t) << text;
    const time_t tt = static_cast<time_t>(t);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    ASSERT_EQ(text, expected) << t;
  }
}

}  // namespace
}  // namespace adbjit
