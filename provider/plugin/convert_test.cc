// Tests for the protobuf <-> framework translation.
#include "provider/plugin/convert.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace adbjit::plugin {
namespace {

namespace pb = ::tfplugin6;

TEST(ConvertTest, DiagnosticsKeepSeverityAndPathSteps) {
  tf::Diagnostics diags;
  diags.AddError("Bad Value", "detail", tf::AttributePath("keyvault_secret").Index(0).Attr("name"));
  diags.AddWarning("Careful", "w", tf::AttributePath("custom_tags").Key("team"));
  diags.AddError("No Path", "d");
  DiagnosticList out;
  AppendDiagnostics(diags, &out);
  ASSERT_EQ(out.size(), 3);
  EXPECT_EQ(out[0].severity(), pb::Diagnostic::ERROR);
  EXPECT_EQ(out[0].summary(), "Bad Value");
  EXPECT_EQ(out[0].detail(), "detail");
  ASSERT_EQ(out[0].attribute().steps_size(), 3);
  EXPECT_EQ(out[0].attribute().steps(0).attribute_name(), "keyvault_secret");
  EXPECT_EQ(out[0].attribute().steps(1).element_key_int(), 0);
  EXPECT_EQ(out[0].attribute().steps(1).selector_case(), pb::AttributePath::Step::kElementKeyInt);
  EXPECT_EQ(out[0].attribute().steps(2).attribute_name(), "name");
  EXPECT_EQ(out[1].severity(), pb::Diagnostic::WARNING);
  EXPECT_EQ(out[1].attribute().steps(1).element_key_string(), "team");
  EXPECT_FALSE(out[2].has_attribute());
  for (const auto& d : out) EXPECT_NE(d.severity(), pb::Diagnostic::INVALID);
}

TEST(ConvertTest, DynamicValuesPassThroughAndEmptyStaysAbsent) {
  pb::DynamicValue in;
  in.set_msgpack(std::string("\x81\xa1x\xc0", 4));
  tf::DynamicValue v = FromProto(in);
  EXPECT_EQ(v.msgpack, in.msgpack());
  EXPECT_TRUE(v.json.empty());
  pb::ReadResource::Response resp;
  ToProto(tf::DynamicValue{}, resp.mutable_new_state());
  EXPECT_TRUE(resp.new_state().msgpack().empty());
  EXPECT_TRUE(resp.new_state().json().empty());
  ToProto(v, resp.mutable_new_state());
  EXPECT_EQ(resp.new_state().msgpack(), in.msgpack());
}

TEST(ConvertTest, ClientCapabilities) {
  pb::ClientCapabilities caps;
  caps.set_write_only_attributes_allowed(true);
  tf::ClientCapabilities c = FromProto(caps);
  EXPECT_TRUE(c.write_only_attributes_allowed);
  EXPECT_FALSE(c.deferral_allowed);
}

TEST(ConvertTest, TimestampsRoundTrip) {
  auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000) + std::chrono::microseconds(250));
  google::protobuf::Timestamp ts;
  ToProto(t, &ts);
  EXPECT_EQ(ts.seconds(), 1700000000);
  EXPECT_EQ(ts.nanos(), 250000);
  EXPECT_EQ(FromProto(ts), t);
}

TEST(ConvertTest, SchemaWithNestedBlock) {
  tf::Schema s{.version = 2,
               .block = {.description = "A *thing*.",
                         .attributes = {{.name = "id", .type = tf::Type::String(), .description = "Id.", .computed = true},
                                        {.name = "secret",
                                         .type = tf::Type::String(),
                                         .description = "S.",
                                         .optional = true,
                                         .sensitive = true,
                                         .write_only = true},
                                        {.name = "old",
                                         .type = tf::Type::List(tf::Type::Number()),
                                         .description = "Old.",
                                         .optional = true,
                                         .deprecation_message = "use new"}},
                         .block_types = {{.type_name = "disk",
                                          .nesting = tf::Nesting::kList,
                                          .block = {.description = "Disk."},
                                          .min_items = 0,
                                          .max_items = 1}}}};
  pb::Schema out;
  ToProto(s, &out);
  EXPECT_EQ(out.version(), 2);
  ASSERT_TRUE(out.has_block());
  EXPECT_EQ(out.block().description(), "A *thing*.");
  EXPECT_EQ(out.block().description_kind(), pb::MARKDOWN);
  ASSERT_EQ(out.block().attributes_size(), 3);
  EXPECT_EQ(nlohmann::json::parse(out.block().attributes(0).type()), "string");
  EXPECT_TRUE(out.block().attributes(0).computed());
  EXPECT_TRUE(out.block().attributes(1).sensitive());
  EXPECT_TRUE(out.block().attributes(1).write_only());
  EXPECT_EQ(nlohmann::json::parse(out.block().attributes(2).type()), nlohmann::json::parse(R"(["list","number"])"));
  EXPECT_TRUE(out.block().attributes(2).deprecated());
  ASSERT_EQ(out.block().block_types_size(), 1);
  EXPECT_EQ(out.block().block_types(0).type_name(), "disk");
  EXPECT_EQ(out.block().block_types(0).nesting(), pb::Schema::NestedBlock::LIST);
  EXPECT_EQ(out.block().block_types(0).max_items(), 1);
  EXPECT_TRUE(out.block().block_types(0).has_block());
}

TEST(ConvertTest, ServerCapabilities) {
  pb::ServerCapabilities caps;
  SetServerCapabilities(&caps);
  EXPECT_TRUE(caps.get_provider_schema_optional());
  EXPECT_TRUE(caps.move_resource_state());
}

}  // namespace
}  // namespace adbjit::plugin
