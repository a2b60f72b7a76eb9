// Tests for handshake environment parsing, version negotiation and line formatting.
#include "provider/plugin/handshake.h"

#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace adbjit::plugin {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::map<std::string, std::string> WithCookie(std::map<std::string, std::string> vars) {
  vars[std::string(kMagicCookieKey)] = std::string(kMagicCookieValue);
  return vars;
}

TEST(HandshakeEnvTest, MissingCookieExplainsThisIsAPlugin) {
  auto cfg = ParseHandshakeEnv(FakeEnv({}));
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(cfg.status().message(), kNotAPluginMessage);
  EXPECT_NE(cfg.status().message().find("Terraform provider plugin"), std::string::npos);
}

TEST(HandshakeEnvTest, WrongCookieIsRejected) {
  auto cfg = ParseHandshakeEnv(FakeEnv({{"TF_PLUGIN_MAGIC_COOKIE", "nope"}}));
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kFailedPrecondition);
}

TEST(HandshakeEnvTest, DefaultsWithOnlyTheCookie) {
  auto cfg = ParseHandshakeEnv(FakeEnv(WithCookie({})));
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_TRUE(cfg->offered_versions.empty());
  EXPECT_EQ(cfg->socket_base_dir, "/tmp");
  EXPECT_EQ(cfg->socket_group, "");
  EXPECT_EQ(cfg->client_cert_pem, "");
}

TEST(HandshakeEnvTest, VersionsAreASetInAnyOrder) {
  for (const char* offered : {"5,6", "6,5", " 6 ", "6", "4, 5 ,6"}) {
    auto cfg = ParseHandshakeEnv(FakeEnv(WithCookie({{"PLUGIN_PROTOCOL_VERSIONS", offered}})));
    ASSERT_TRUE(cfg.ok()) << offered << ": " << cfg.status().ToString();
    EXPECT_TRUE(cfg->offered_versions.contains(6)) << offered;
  }
}

TEST(HandshakeEnvTest, VersionSixMissingIsAClearError) {
  auto cfg = ParseHandshakeEnv(FakeEnv(WithCookie({{"PLUGIN_PROTOCOL_VERSIONS", "4,5"}})));
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cfg.status().message().find("4, 5"), std::string::npos) << cfg.status().message();
  EXPECT_NE(cfg.status().message().find("only protocol 6"), std::string::npos) << cfg.status().message();
}

TEST(HandshakeEnvTest, MalformedVersions) {
  for (const char* bad : {"6,", ",6", "six", "6;5", "6,,5", "-6", "1234567"}) {
    auto v = ParseProtocolVersions(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto v = ParseProtocolVersions("6,5,6");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, (std::set<int>{5, 6}));
}

TEST(HandshakeEnvTest, SocketDirPrecedence) {
  auto both = ParseHandshakeEnv(FakeEnv(WithCookie({{"PLUGIN_UNIX_SOCKET_DIR", "/a"}, {"TMPDIR", "/b"}})));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->socket_base_dir, "/a");
  auto tmp = ParseHandshakeEnv(FakeEnv(WithCookie({{"PLUGIN_UNIX_SOCKET_DIR", ""}, {"TMPDIR", "/b"}})));
  ASSERT_TRUE(tmp.ok());
  EXPECT_EQ(tmp->socket_base_dir, "/b");
}

TEST(HandshakeEnvTest, GroupAndClientCertArePassedThrough) {
  auto cfg = ParseHandshakeEnv(
      FakeEnv(WithCookie({{"PLUGIN_UNIX_SOCKET_GROUP", "staff"}, {"PLUGIN_CLIENT_CERT", "-----BEGIN..."}})));
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->socket_group, "staff");
  EXPECT_EQ(cfg->client_cert_pem, "-----BEGIN...");
}

TEST(Base64NoPadTest, Rfc4648VectorsWithoutPadding) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(Base64NoPad(in), want) << "input \"" << in << "\"";
}

TEST(Base64NoPadTest, StandardAlphabetForHighBytes) {
  // 0xfb 0xff -> "+/8" in the standard alphabet ("-_8" would be URL-safe).
  EXPECT_EQ(Base64NoPad(std::string("\xfb\xff", 2)), "+/8");
  EXPECT_EQ(Base64NoPad(std::string("\x00\x00\x00", 3)), "AAAA");
}

TEST(HandshakeLineTest, TlsAndPlaintext) {
  EXPECT_EQ(HandshakeLine("/tmp/d/provider.sock", "foo"), "1|6|unix|/tmp/d/provider.sock|grpc|Zm9v\n");
  EXPECT_EQ(HandshakeLine("/tmp/d/provider.sock", ""), "1|6|unix|/tmp/d/provider.sock|grpc|\n");
}

TEST(ReattachTest, JsonShape) {
  auto j = nlohmann::json::parse(ReattachJson("/tmp/x/provider.sock", 4242));
  const auto& e = j.at("registry.terraform.io/adbjit/adbjit");
  EXPECT_EQ(e.at("Protocol"), "grpc");
  EXPECT_EQ(e.at("ProtocolVersion"), 6);
  EXPECT_EQ(e.at("Pid"), 4242);
  EXPECT_EQ(e.at("Test"), true);
  EXPECT_EQ(e.at("Addr").at("Network"), "unix");
  EXPECT_EQ(e.at("Addr").at("String"), "/tmp/x/provider.sock");
}

}  // namespace
}  // namespace adbjit::plugin
