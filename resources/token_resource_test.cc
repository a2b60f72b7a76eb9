// adbjit_token's configuration checks that need no API: the rotation window warning at its bounds.
// The end-to-end suite shows the warning through the CLI; these pin where it starts.
#include <gtest/gtest.h>

#include <string>

#include "provider/framework/codec.h"
#include "resources/resources.h"

namespace adbjit::resources {
namespace {

// The diagnostics ValidateConfig gives for a configuration written as cty JSON (absent = null).
tf::Diagnostics Validate(const std::string& config_json) {
  auto token = NewTokenResource();
  auto config = tf::DecodeJson(config_json, token->GetSchema().ImpliedType());
  EXPECT_TRUE(config.ok()) << config.status().message();
  tf::Diagnostics diags;
  if (config.ok()) token->ValidateConfig(tf::CallContext{}, *config, diags);
  return diags;
}

TEST(TokenResourceTest, RotationWindowNotBelowTheLifetimeWarnsOnTheWindow) {
  for (const char* config : {R"({"lifetime_seconds":3600,"renew_before_seconds":3600})",
                             R"({"lifetime_seconds":3600,"renew_before_seconds":86400})"}) {
    tf::Diagnostics diags = Validate(config);
    ASSERT_EQ(diags.items().size(), 1u) << config;
    const auto& d = diags.items()[0];
    EXPECT_FALSE(diags.HasError()) << config;
    EXPECT_EQ(d.summary, "Token replaced on every plan");
    ASSERT_TRUE(d.attribute.has_value());
    EXPECT_EQ(d.attribute->ToString(), "renew_before_seconds");
  }
}

TEST(TokenResourceTest, ShorterOrUnsetWindowOrLifetimeGivesNoWarning) {
  for (const char* config : {R"({"lifetime_seconds":3600,"renew_before_seconds":3599})",
                             R"({"lifetime_seconds":3600,"renew_before_seconds":0})",
                             R"({"lifetime_seconds":3600})", R"({"renew_before_seconds":86400})", "{}"}) {
    EXPECT_TRUE(Validate(config).items().empty()) << config;
  }
}

}  // namespace
}  // namespace adbjit::resources
