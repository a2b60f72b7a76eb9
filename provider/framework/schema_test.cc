// Tests for schema invariants (ValidateSchema), implied types and schema-driven config validation.
#include "provider/framework/schema.h"

#include <gtest/gtest.h>

#include "provider/framework/validators.h"

namespace adbjit::tf {
namespace {

Attribute Opt(std::string name, Type t = Type::String()) {
  return Attribute{.name = std::move(name), .type = std::move(t), .optional = true};
}

Schema WithAttr(Attribute a) { return Schema{.block = {.attributes = {std::move(a)}}}; }

Schema WithBlock(NestedBlock nb) { return Schema{.block = {.block_types = {std::move(nb)}}}; }

TEST(ValidateSchemaTest, AcceptsValidSchemas) {
  Schema s{.version = 2,
           .block = {.attributes = {{.name = "id", .type = Type::String(), .computed = true,
                                     .use_state_for_unknown = true},
                                    {.name = "size", .type = Type::Number(), .required = true},
                                    {.name = "enabled", .type = Type::Bool(), .optional = true, .computed = true,
                                     .default_value = Value::Bool(true)},
                                    {.name = "secret", .type = Type::String(), .optional = true,
                                     .sensitive = true, .write_only = true},
                                    {.name = "anything", .type = Type::Dynamic(), .optional = true}},
                     .block_types = {{.type_name = "one", .nesting = Nesting::kSingle, .block = {}},
                                     {.type_name = "req_one", .nesting = Nesting::kSingle,
                                      .min_items = 1, .max_items = 1},
                                     {.type_name = "many", .nesting = Nesting::kList,
                                      .block = {.attributes = {Opt("x")}}, .min_items = 1, .max_items = 3},
                                     {.type_name = "grp", .nesting = Nesting::kGroup},
                                     {.type_name = "by_key", .nesting = Nesting::kMap},
                                     {.type_name = "set_of", .nesting = Nesting::kSet,
                                      .block = {.attributes = {Opt("y")}}}}}};
  EXPECT_TRUE(ValidateSchema(s).ok()) << ValidateSchema(s).message();
}

TEST(ValidateSchemaTest, RejectsEachViolation) {
  struct Case {
    std::string name;
    Schema schema;
    std::string want;  // substring of the message
  };
  auto in_set = [](Attribute a) {
    return WithBlock({.type_name = "s", .nesting = Nesting::kSet, .block = {.attributes = {std::move(a)}}});
  };
  const std::vector<Case> cases = {
      {"negative version", Schema{.version = -1}, "version"},
      {"upper-case name", WithAttr(Opt("Name")), "attribute Name: name must match"},
      {"dash in name", WithAttr(Opt("a-b")), "name must match"},
      {"empty name", WithAttr(Opt("")), "name must match"},
      {"no flags", WithAttr({.name = "a", .type = Type::String()}), "required, optional or computed"},
      {"required+optional", WithAttr({.name = "a", .type = Type::String(), .required = true, .optional = true}),
       "required excludes"},
      {"required+computed", WithAttr({.name = "a", .type = Type::String(), .required = true, .computed = true}),
       "required excludes"},
      {"write-only computed",
       WithAttr({.name = "a", .type = Type::String(), .optional = true, .computed = true, .write_only = true}),
       "write_only cannot be computed"},
      {"write-only requires_replace",
       WithAttr({.name = "a", .type = Type::String(), .optional = true, .write_only = true,
                 .requires_replace = true}),
       "requires_replace"},
      {"default on optional only",
       WithAttr({.name = "a", .type = Type::String(), .optional = true, .default_value = Value::String("x")}),
       "default needs optional and computed"},
      {"default on computed only",
       WithAttr({.name = "a", .type = Type::String(), .computed = true, .default_value = Value::String("x")}),
       "default needs optional and computed"},
      {"default of wrong type",
       WithAttr({.name = "a", .type = Type::String(), .optional = true, .computed = true,
                 .default_value = Value::Int(1)}),
       "the default is a number"},
      {"null default",
       WithAttr({.name = "a", .type = Type::String(), .optional = true, .computed = true,
                 .default_value = Value::Null(Type::String())}),
       "known, non-null"},
      {"use_state_for_unknown without computed",
       WithAttr({.name = "a", .type = Type::String(), .optional = true, .use_state_for_unknown = true}),
       "use_state_for_unknown needs computed"},
      {"duplicate attribute", Schema{.block = {.attributes = {Opt("a"), Opt("a")}}}, "duplicate name"},
      {"attribute and block share a name",
       Schema{.block = {.attributes = {Opt("a")}, .block_types = {{.type_name = "a"}}}}, "block a: duplicate"},
      {"bad block name", WithBlock({.type_name = "Disk"}), "block Disk: name must match"},
      {"single min 2", WithBlock({.type_name = "b", .nesting = Nesting::kSingle, .min_items = 2, .max_items = 2}),
       "SINGLE"},
      {"single min != max", WithBlock({.type_name = "b", .nesting = Nesting::kSingle, .min_items = 1}),
       "SINGLE"},
      {"group with max", WithBlock({.type_name = "b", .nesting = Nesting::kGroup, .max_items = 1}), "GROUP"},
      {"map with min", WithBlock({.type_name = "b", .nesting = Nesting::kMap, .min_items = 1}), "MAP"},
      {"list min > max", WithBlock({.type_name = "b", .nesting = Nesting::kList, .min_items = 3, .max_items = 2}),
       "min_items exceeds max_items"},
      {"negative max", WithBlock({.type_name = "b", .nesting = Nesting::kList, .max_items = -1}), ">= 0"},
      {"write-only inside SET", in_set({.name = "w", .type = Type::String(), .optional = true, .write_only = true}),
       "attribute s.w: write_only attributes are not allowed inside SET"},
      {"dynamic inside SET", in_set(Opt("d", Type::List(Type::Dynamic()))), "dynamic types are not allowed"},
      {"nested violation path",
       WithBlock({.type_name = "outer",
                  .block = {.block_types = {{.type_name = "inner", .block = {.attributes = {Opt("BAD")}}}}}}),
       "attribute outer.inner.BAD"},
      {"write-only deep inside SET",
       WithBlock({.type_name = "s",
                  .nesting = Nesting::kSet,
                  .block = {.block_types = {{.type_name = "l",
                                             .block = {.attributes = {{.name = "w", .type = Type::String(),
                                                                       .optional = true, .write_only = true}}}}}}}),
       "not allowed inside SET"},
  };
  for (const Case& c : cases) {
    Status s = ValidateSchema(c.schema);
    EXPECT_FALSE(s.ok()) << c.name;
    EXPECT_NE(s.message().find(c.want), std::string::npos) << c.name << ": " << s.message();
  }
}

TEST(ImpliedTypeTest, MapsNestingModes) {
  Block inner{.attributes = {Opt("x", Type::Number())}};
  Type inner_t = Type::Object({{"x", Type::Number()}});
  Block b{.attributes = {Opt("a"), Opt("m", Type::Map(Type::String()))},
          .block_types = {{.type_name = "single", .nesting = Nesting::kSingle, .block = inner},
                          {.type_name = "group", .nesting = Nesting::kGroup, .block = inner},
                          {.type_name = "list", .nesting = Nesting::kList, .block = inner},
                          {.type_name = "set", .nesting = Nesting::kSet, .block = inner},
                          {.type_name = "map", .nesting = Nesting::kMap, .block = inner}}};
  Type want = Type::Object({{"a", Type::String()},
                            {"m", Type::Map(Type::String())},
                            {"single", inner_t},
                            {"group", inner_t},
                            {"list", Type::List(inner_t)},
                            {"set", Type::Set(inner_t)},
                            {"map", Type::Map(inner_t)}});
  EXPECT_EQ(b.ImpliedType(), want);
  EXPECT_EQ(Schema{.block = b}.ImpliedType(), want);
  EXPECT_EQ(Block{}.ImpliedType(), Type::Object({}));
}

TEST(ImpliedTypeTest, ListOrMapBlockWithDynamicInsideIsDynamic) {
  Block inner{.attributes = {Opt("d", Type::Dynamic())}};
  Block b{.block_types = {{.type_name = "l", .nesting = Nesting::kList, .block = inner},
                          {.type_name = "m", .nesting = Nesting::kMap, .block = inner},
                          {.type_name = "s", .nesting = Nesting::kSingle, .block = inner}}};
  const Type t = b.ImpliedType();
  const auto& attrs = t.AttributeTypes();
  EXPECT_TRUE(attrs.at("l").IsDynamic());
  EXPECT_TRUE(attrs.at("m").IsDynamic());
  EXPECT_EQ(attrs.at("s"), Type::Object({{"d", Type::Dynamic()}}));
}

TEST(BlockTest, FindAttributeAndBlock) {
  Block b{.attributes = {Opt("a")}, .block_types = {{.type_name = "nb"}}};
  ASSERT_NE(b.FindAttribute("a"), nullptr);
  EXPECT_EQ(b.FindAttribute("a")->name, "a");
  EXPECT_EQ(b.FindAttribute("nb"), nullptr);
  ASSERT_NE(b.FindBlock("nb"), nullptr);
  EXPECT_EQ(b.FindBlock("a"), nullptr);
}

TEST(TypeConformsTest, DynamicPartsAcceptAnything) {
  EXPECT_TRUE(TypeConforms(Type::String(), Type::Dynamic()));
  EXPECT_TRUE(TypeConforms(Type::List(Type::Number()), Type::List(Type::Dynamic())));
  EXPECT_FALSE(TypeConforms(Type::List(Type::Number()), Type::Set(Type::Number())));
  EXPECT_FALSE(TypeConforms(Type::Object({{"a", Type::String()}}), Type::Object({})));
  EXPECT_TRUE(TypeConforms(Type::Object({{"a", Type::Bool()}}), Type::Object({{"a", Type::Dynamic()}})));
}

// --- ValidateConfig ---

const Type kDiskT = Type::Object({{"disk_size", Type::Number()}, {"disk_type", Type::String()}});
const Type kTagsT = Type::Map(Type::String());
const Type kKvT = Type::Object({{"name", Type::String()}});

Schema PoolSchema() {
  return Schema{
      .block = {.attributes = {{.name = "name", .type = Type::String(), .required = true},
                               {.name = "min_idle", .type = Type::Number(), .optional = true,
                                .validators = {validators::IntAtLeast(0)}},
                               {.name = "password", .type = Type::String(), .optional = true,
                                .sensitive = true, .write_only = true,
                                .validators = {validators::StringLengthBetween(8, 64)}},
                               {.name = "old", .type = Type::String(), .optional = true,
                                .deprecation_message = "Use name instead."},
                               {.name = "tags", .type = kTagsT, .optional = true}},
                .block_types = {{.type_name = "disk_spec",
                                 .nesting = Nesting::kList,
                                 .block = {.attributes = {{.name = "disk_size", .type = Type::Number(),
                                                           .required = true,
                                                           .validators = {validators::IntBetween(1, 1023)}},
                                                          {.name = "disk_type", .type = Type::String(),
                                                           .optional = true}}},
                                 .max_items = 2},
                                {.type_name = "keyvault_secret",
                                 .nesting = Nesting::kSingle,
                                 .block = {.attributes = {{.name = "name", .type = Type::String(),
                                                           .required = true,
                                                           .validators = {validators::StringOneOf({"a"})}}}}}}}};
}

Value Disk(Value size) { return Value::Object(kDiskT, {{"disk_size", std::move(size)}}); }

Value PoolConfig(std::map<std::string, Value> attrs) {
  Schema s = PoolSchema();
  if (!attrs.count("disk_spec")) attrs["disk_spec"] = Value::List(kDiskT, {});
  if (!attrs.count("name")) attrs["name"] = Value::String("pool");
  return Value::Object(s.ImpliedType(), std::move(attrs));
}

std::vector<std::string> Render(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const Diagnostic& x : d.items()) {
    out.push_back((x.attribute ? x.attribute->ToString() : std::string("-")) + ": " + x.detail);
  }
  return out;
}

TEST(ValidateConfigTest, ReportsWithAttributePaths) {
  struct Case {
    std::string name;
    Value config;
    bool write_only_allowed;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"valid", PoolConfig({{"disk_spec", Value::List(kDiskT, {Disk(Value::Int(10))})}}), false, {}},
      {"null config", Value::Null(PoolSchema().ImpliedType()), false, {}},
      {"unknown config", Value::Unknown(PoolSchema().ImpliedType()), false, {}},
      {"top-level validator", PoolConfig({{"min_idle", Value::Int(-1)}}), false,
       {"min_idle: min_idle must be at least 0, got -1."}},
      {"list block element validator",
       PoolConfig({{"disk_spec", Value::List(kDiskT, {Disk(Value::Int(5)), Disk(Value::Int(0))})}}), false,
       {"disk_spec[1].disk_size: disk_spec[1].disk_size must be between 1 and 1023, got 0."}},
      {"single block validator uses Attr only",
       PoolConfig({{"keyvault_secret", Value::Object(kKvT, {{"name", Value::String("b")}})}}), false,
       {"keyvault_secret.name: keyvault_secret.name must be one of \"a\", got \"b\"."}},
      {"required null", PoolConfig({{"name", Value::Null(Type::String())}}), false,
       {"name: The argument \"name\" is required, but no value was given."}},
      {"required unknown is fine", PoolConfig({{"name", Value::Unknown(Type::String())}}), false, {}},
      {"required inside block",
       PoolConfig({{"disk_spec", Value::List(kDiskT, {Disk(Value::Null(Type::Number()))})}}), false,
       {"disk_spec[0].disk_size: The argument \"disk_size\" is required, but no value was given."}},
      {"unknown validator input skipped", PoolConfig({{"min_idle", Value::Unknown(Type::Number())}}), false, {}},
      {"too many blocks",
       PoolConfig({{"disk_spec", Value::List(kDiskT, {Disk(Value::Int(1)), Disk(Value::Int(2)),
                                                       Disk(Value::Int(3))})}}),
       false, {"disk_spec: No more than 2 \"disk_spec\" blocks are allowed, got 3."}},
      {"unknown block list skips counts", PoolConfig({{"disk_spec", Value::Unknown(Type::List(kDiskT))}}), false,
       {}},
      {"write-only not allowed", PoolConfig({{"password", Value::String("hunter22")}}), false,
       {"password: \"password\" is a write-only attribute, which requires Terraform 1.11 or later. Upgrade "
        "Terraform or remove this argument."}},
      {"write-only unknown not allowed", PoolConfig({{"password", Value::Unknown(Type::String())}}), false,
       {"password: \"password\" is a write-only attribute, which requires Terraform 1.11 or later. Upgrade "
        "Terraform or remove this argument."}},
      {"write-only allowed", PoolConfig({{"password", Value::String("hunter22")}}), true, {}},
      {"deprecated", PoolConfig({{"old", Value::String("x")}}), true, {"old: Use name instead."}},
  };
  for (const Case& c : cases) {
    Diagnostics d;
    ValidateConfig(PoolSchema(), c.config, c.write_only_allowed, d);
    EXPECT_EQ(Render(d), c.want) << c.name;
  }
}

TEST(ValidateConfigTest, MinItemsAndSetAndMapPaths) {
  Block inner{.attributes = {{.name = "v", .type = Type::Number(), .optional = true,
                              .validators = {validators::IntAtLeast(1)}}}};
  Type inner_t = inner.ImpliedType();
  Schema s{.block = {.block_types = {{.type_name = "l", .nesting = Nesting::kList, .block = inner, .min_items = 1},
                                     {.type_name = "s", .nesting = Nesting::kSet, .block = inner},
                                     {.type_name = "m", .nesting = Nesting::kMap, .block = inner},
                                     {.type_name = "one", .nesting = Nesting::kSingle, .block = inner,
                                      .min_items = 1, .max_items = 1}}}};
  Value bad = Value::Object(inner_t, {{"v", Value::Int(0)}});
  Value config = Value::Object(s.ImpliedType(), {{"l", Value::List(inner_t, {})},
                                                 {"s", Value::Set(inner_t, {bad})},
                                                 {"m", Value::Map(inner_t, {{"k", bad}})}});
  Diagnostics d;
  ValidateConfig(s, config, true, d);
  EXPECT_EQ(Render(d), (std::vector<std::string>{"l: At least 1 \"l\" block is required, got 0.",
                                                  "s: s must be at least 1, got 0.",
                                                  "m[\"k\"].v: m[\"k\"].v must be at least 1, got 0.",
                                                  "one: At least 1 \"one\" block is required, got 0."}));
}

TEST(ValidateConfigTest, HidesSensitiveValuesInValidatorMessages) {
  Schema s{.block = {.attributes = {{.name = "key", .type = Type::String(), .optional = true, .sensitive = true,
                                     .validators = {validators::StringOneOf({"alpha"})}}}}};
  Diagnostics d;
  ValidateConfig(s, Value::Object(s.ImpliedType(), {{"key", Value::String("s3cr3t")}}), true, d);
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].detail.find("s3cr3t"), std::string::npos);
  EXPECT_NE(d.items()[0].detail.find("(sensitive value)"), std::string::npos);
}

}  // namespace
}  // namespace adbjit::tf
