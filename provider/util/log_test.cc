#include "provider/util/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "provider/util/secret.h"

namespace adbjit::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetSinkForTesting([this](std::string_view l) { lines_.emplace_back(l); });
    SetLevel(Level::kTrace);
  }
  void TearDown() override {
    SetSinkForTesting(nullptr);
    SetLevel(Level::kOff);
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, WritesHclogJson) {
  Info("http", "request done", {{"status", "200"}});
  ASSERT_EQ(lines_.size(), 1u);
  auto j = nlohmann::json::parse(lines_[0]);
  EXPECT_EQ(j["@level"], "info");
  EXPECT_EQ(j["@message"], "request done");
  EXPECT_EQ(j["@module"], "provider.http");
  EXPECT_EQ(j["status"], "200");
  std::regex ts(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  EXPECT_TRUE(std::regex_match(j["@timestamp"].get<std::string>(), ts)) << j["@timestamp"];
}

TEST_F(LogTest, BelowLevelWritesNothing) {
  SetLevel(Level::kWarn);
  Debug("x", "quiet");
  Warn("x", "loud");
  EXPECT_EQ(lines_.size(), 1u);
}

TEST_F(LogTest, SecretsAreRedactedWherever_TheyAppear) {
  Secret s("dapi0123456789abcdef-2");
  Debug("x", "body was {\"token_value\":\"dapi0123456789abcdef-2\"}", {{"echo", s.Reveal()}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find("dapi0123456789abcdef-2"), std::string::npos) << lines_[0];
  EXPECT_NE(lines_[0].find("***"), std::string::npos);
}

// A client secret goes out form-encoded in a token request; a service that echoes the request
// shows it that way.
TEST_F(LogTest, SecretsAreRedactedFormEncodedToo) {
  Secret s("Zq8~Abc+/d=e&f%g.SECRETX");
  EXPECT_EQ(Redact("client_secret=Zq8~Abc%2B%2Fd%3De%26f%25g.SECRETX&scope=x"), "client_secret=***&scope=x");
  // Lower-case hex digits (.NET), and '~' escaped as well.
  EXPECT_EQ(Redact("client_secret=Zq8~Abc%2b%2fd%3de%26f%25g.SECRETX&scope=x"), "client_secret=***&scope=x");
  EXPECT_EQ(Redact("client_secret=Zq8%7EAbc%2B%2Fd%3De%26f%25g.SECRETX&scope=x"), "client_secret=***&scope=x");
  EXPECT_EQ(Redact("client_secret=Zq8%7eAbc%2b%2fd%3de%26f%25g.SECRETX&scope=x"), "client_secret=***&scope=x");
  EXPECT_EQ(Redact("raw Zq8~Abc+/d=e&f%g.SECRETX"), "raw ***");
}

// Spans are masked as one: a short secret inside a token, or two secrets that overlap, leave
// nothing of either readable.
TEST_F(LogTest, OverlappingSecretsAreMaskedAsOne) {
  Secret short_one("c0ffee");
  EXPECT_EQ(Redact("token dapi00112233c0ffee4455667788990abcde end"), "token *** end");
  Secret first("overlap-AAAA-BBBB");
  Secret second("BBBB-CCCC");
  EXPECT_EQ(Redact("x overlap-AAAA-BBBB-CCCC y c0ffee"), "x *** y ***");
}

// A secret with characters JSON escapes (a PEM body, a JSON document) is redacted in a log line,
// where it appears escaped.
TEST_F(LogTest, SecretsThatJsonEscapesAreRedactedInTheLine) {
  Secret pem("-----BEGIN KEY-----\nMIIsecretbody\"quoted\"\n-----END KEY-----");
  Warn("x", "echo: " + pem.Reveal(), {{"body", pem.Reveal()}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find("MIIsecretbody"), std::string::npos) << lines_[0];
}

TEST(LogRedactTest, UserInformationInAUrlIsHidden) {
  EXPECT_EQ(HideUserInfo("https://token:p%40ss@adb-1.2.azuredatabricks.net/x?y=@z"),
            "https://***@adb-1.2.azuredatabricks.net/x?y=@z");
  EXPECT_EQ(HideUserInfo("user:pw@adb-1.2.azuredatabricks.net"), "***@adb-1.2.azuredatabricks.net");
  EXPECT_EQ(HideUserInfo("https://adb-1.2.azuredatabricks.net/?o=1@2"), "https://adb-1.2.azuredatabricks.net/?o=1@2");
  EXPECT_EQ(HideUserInfo("not a url"), "not a url");
  EXPECT_EQ(HideUserInfo("https://token:ab#cd?e@adb-1.2.azuredatabricks.net/x"), "https://***@adb-1.2.azuredatabricks.net/x");
  EXPECT_EQ(HideUserInfo("https://adb-1.2.azuredatabricks.net/x@y"), "https://adb-1.2.azuredatabricks.net/x@y");
  EXPECT_EQ(HideUserInfo("https://tok:a#b@adb-1.2.azuredatabricks.net/?o=1@2"), "https://***@adb-1.2.azuredatabricks.net/?o=1@2");
}

// Databricks tokens and JWTs this process never held (a service echoing another credential in an
// error body) are masked by their shape; words that only look alike stay.
TEST(LogRedactTest, CredentialShapesAreMaskedWithoutBeingRegistered) {
  EXPECT_EQ(Redact("token dapia1cb68a67e39bc5704e22c03483f0c41-2 other"), "token *** other");
  EXPECT_EQ(Redact("\"dapi00112233445566778899aabbccddeeff\""), "\"***\"");
  EXPECT_EQ(Redact("Bearer eyJ0eXAiOiJKV1Qi.eyJhdWQiOiJ4In0.c2lnbmF0dXJl, then"), "Bearer ***, then");
  EXPECT_EQ(Redact("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. end"), "unsigned *** end");
  for (const char* kept : {"dapi0123", "mydapi00112233445566778899aabbccddeeff", "dapi00112233445566778899AABBCCDDEEFF",
                           "eyJshort.x.y", "keyJ0eXAiOiJKV1Qi.eyJhdWQiOiJ4In0.c2ln", "token_id 0123abcd"}) {
    EXPECT_EQ(Redact(kept), kept);
  }
}

TEST(LogLevelTest, ParsesTerraformLevels) {
  EXPECT_EQ(ParseLevel("TRACE"), Level::kTrace);
  EXPECT_EQ(ParseLevel("debug"), Level::kDebug);
  EXPECT_EQ(ParseLevel("json"), Level::kTrace);
  EXPECT_EQ(ParseLevel(""), Level::kOff);
  EXPECT_EQ(ParseLevel("off"), Level::kOff);
}

}  // namespace
}  // namespace adbjit::log
