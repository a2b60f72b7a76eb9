// Tests for the plan engine: create, no-op, update, requires_replace, write-only and defaults.
#include "provider/framework/plan.h"

#include <gtest/gtest.h>

namespace adbjit::tf {
namespace {

const Type S = Type::String();
const Type N = Type::Number();

Schema TestSchema() {
  return Schema{
      .block = {
          .attributes = {{.name = "id", .type = S, .computed = true, .use_state_for_unknown = true},
                         {.name = "name", .type = S, .required = true, .requires_replace = true},
                         {.name = "comment", .type = S, .optional = true},
                         {.name = "size", .type = N, .optional = true, .computed = true,
                          .default_value = Value::Int(3)},
                         {.name = "etag", .type = S, .computed = true},
                         {.name = "region", .type = S, .optional = true, .computed = true},
                         {.name = "secret", .type = S, .optional = true, .write_only = true}},
          .block_types = {{.type_name = "disk",
                           .nesting = Nesting::kList,
                           .block = {.attributes = {{.name = "disk_size", .type = N, .optional = true,
                                                     .requires_replace = true},
                                                    {.name = "disk_id", .type = S, .computed = true}}}},
                          {.type_name = "kv",
                           .nesting = Nesting::kSingle,
                           .block = {.attributes = {{.name = "vault", .type = S, .optional = true},
                                                    {.name = "secret_id", .type = S, .computed = true}}},
                           .requires_replace = true},
                          {.type_name = "rule",
                           .nesting = Nesting::kSet,
                           .block = {.attributes = {{.name = "port", .type = N, .optional = true},
                                                    {.name = "rule_id", .type = S, .computed = true}}}}}}};
}

const Type kType = TestSchema().ImpliedType();
const Type kDiskT = kType.AttributeTypes().at("disk").ElementType();
const Type kKvT = kType.AttributeTypes().at("kv");
const Type kRuleT = kType.AttributeTypes().at("rule").ElementType();

Value Disk(Value size, Value id) { return Value::Object(kDiskT, {{"disk_size", size}, {"disk_id", id}}); }
Value Kv(Value vault, Value id) { return Value::Object(kKvT, {{"vault", vault}, {"secret_id", id}}); }

// An object of the test schema: unspecified attributes are null, unspecified blocks empty.
Value Obj(std::map<std::string, Value> attrs) {
  if (!attrs.count("disk")) attrs["disk"] = Value::List(kDiskT, {});
  if (!attrs.count("rule")) attrs["rule"] = Value::Set(kRuleT, {});
  return Value::Object(kType, std::move(attrs));
}

Value Str(const char* s) { return Value::String(s); }
Value Unk(const Type& t) { return Value::Unknown(t); }
Value Null(const Type& t) { return Value::Null(t); }

std::vector<std::string> Paths(const std::vector<AttributePath>& paths) {
  std::vector<std::string> out;
  for (const AttributePath& p : paths) out.push_back(p.ToString());
  return out;
}

// A state as apply would have produced it from the config {name, disk[10], kv{vault}}.
Value PriorState() {
  return Obj({{"id", Str("i-1")},
              {"name", Str("n")},
              {"size", Value::Int(3)},
              {"etag", Str("e1")},
              {"region", Str("westeurope")},
              {"disk", Value::List(kDiskT, {Disk(Value::Int(10), Str("d-1"))})},
              {"kv", Kv(Str("https://v"), Str("s-1"))}});
}

Value BaseConfig(std::map<std::string, Value> overrides = {}) {
  std::map<std::string, Value> attrs = {{"name", Str("n")},
                                        {"disk", Value::List(kDiskT, {Disk(Value::Int(10), Null(S))})},
                                        {"kv", Kv(Str("https://v"), Null(S))}};
  for (auto& [k, v] : overrides) attrs[k] = v;
  return Obj(std::move(attrs));
}

// What Terraform proposes: the config, with prior values for computed attributes left null.
Value Propose(const Value& prior, const Value& config) {
  std::map<std::string, Value> out = config.AsEntries();
  for (const char* computed : {"id", "size", "etag", "region"}) {
    if (out[computed].IsNull() && !prior.IsNull()) out[computed] = prior.Attr(computed);
  }
  if (!prior.IsNull()) {
    std::vector<Value> disks;
    const auto& cd = config.Attr("disk").AsElements();
    const auto& pd = prior.Attr("disk").AsElements();
    for (size_t i = 0; i < cd.size(); ++i) {
      disks.push_back(i < pd.size() ? cd[i].WithAttr("disk_id", pd[i].Attr("disk_id")) : cd[i]);
    }
    out["disk"] = Value::List(kDiskT, disks);
    const Value& ckv = config.Attr("kv");
    if (!ckv.IsNull() && !prior.Attr("kv").IsNull()) {
      out["kv"] = ckv.WithAttr("secret_id", prior.Attr("kv").Attr("secret_id"));
    }
  }
  return Value::Object(kType, out);
}

TEST(PlanTest, CreateMarksComputedUnknownAndAppliesDefaults) {
  Value config = BaseConfig({{"secret", Str("pw")}});
  PlanResult r = PlanFromSchema(TestSchema(), Null(kType), Propose(Null(kType), config), config);
  Value want = Obj({{"id", Unk(S)},
                    {"name", Str("n")},
                    {"size", Value::Int(3)},
                    {"etag", Unk(S)},
                    {"region", Unk(S)},
                    {"secret", Null(S)},
                    {"disk", Value::List(kDiskT, {Disk(Value::Int(10), Unk(S))})},
                    {"kv", Kv(Str("https://v"), Unk(S))}});
  EXPECT_EQ(r.planned_state, want) << r.planned_state.DebugString();
  EXPECT_TRUE(r.requires_replace.empty());
}

TEST(PlanTest, CreateKeepsConfiguredComputedValuesAndUnknownConfig) {
  Value config = BaseConfig({{"size", Value::Int(7)}, {"region", Unk(S)}});
  PlanResult r = PlanFromSchema(TestSchema(), Null(kType), Propose(Null(kType), config), config);
  EXPECT_EQ(r.planned_state.Attr("size"), Value::Int(7));
  EXPECT_FALSE(r.planned_state.Attr("region").IsKnown());
}

TEST(PlanTest, SetBlockElementsAreLeftAsProposed) {
  Value rule = Value::Object(kRuleT, {{"port", Value::Int(443)}});
  Value config = BaseConfig({{"rule", Value::Set(kRuleT, {rule})}});
  PlanResult r = PlanFromSchema(TestSchema(), Null(kType), Propose(Null(kType), config), config);
  EXPECT_EQ(r.planned_state.Attr("rule"), Value::Set(kRuleT, {rule}));
}

TEST(PlanTest, NoOpUpdateReturnsPriorExactly) {
  const Value prior = PriorState();
  for (const Value& config : {BaseConfig(), BaseConfig({{"secret", Str("write-only value")}})}) {
    PlanResult r = PlanFromSchema(TestSchema(), prior, Propose(prior, config), config);
    EXPECT_EQ(r.planned_state, prior) << r.planned_state.DebugString();
    EXPECT_TRUE(r.planned_state.IsWhollyKnown());
    EXPECT_TRUE(r.requires_replace.empty());
  }
}

TEST(PlanTest, UpdateMarksComputedUnknownExceptUseStateForUnknown) {
  const Value prior = PriorState();
  Value config = BaseConfig({{"comment", Str("new")}});
  PlanResult r = PlanFromSchema(TestSchema(), prior, Propose(prior, config), config);
  Value want = Obj({{"id", Str("i-1")},
                    {"name", Str("n")},
                    {"comment", Str("new")},
                    {"size", Value::Int(3)},
                    {"etag", Unk(S)},
                    {"region", Unk(S)},
                    {"disk", Value::List(kDiskT, {Disk(Value::Int(10), Unk(S))})},
                    {"kv", Kv(Str("https://v"), Unk(S))}});
  EXPECT_EQ(r.planned_state, want) << r.planned_state.DebugString();
  EXPECT_TRUE(r.requires_replace.empty());
}

TEST(PlanTest, RequiresReplacePaths) {
  struct Case {
    std::string name;
    Value config;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"top-level attribute", BaseConfig({{"name", Str("other")}}), {"name"}},
      {"attribute in list block",
       BaseConfig({{"disk", Value::List(kDiskT, {Disk(Value::Int(20), Null(S))})}}), {"disk[0].disk_size"}},
      {"new list element",
       BaseConfig({{"disk", Value::List(kDiskT, {Disk(Value::Int(10), Null(S)), Disk(Value::Int(5), Null(S))})}}),
       {"disk[1].disk_size"}},
      {"new list element without the attribute",
       BaseConfig({{"disk", Value::List(kDiskT, {Disk(Value::Int(10), Null(S)), Disk(Null(N), Null(S))})}}), {}},
      {"block-level", BaseConfig({{"kv", Kv(Str("https://other"), Null(S))}}), {"kv"}},
      {"block removed", BaseConfig({{"kv", Null(kKvT)}}), {"kv"}},
      {"non-forcing change", BaseConfig({{"comment", Str("c")}}), {}},
      {"several", BaseConfig({{"name", Str("x")}, {"kv", Kv(Str("https://o"), Null(S))}}), {"name", "kv"}},
  };
  const Value prior = PriorState();
  for (const Case& c : cases) {
    PlanResult r = PlanFromSchema(TestSchema(), prior, Propose(prior, c.config), c.config);
    EXPECT_EQ(Paths(r.requires_replace), c.want) << c.name;
  }
}

TEST(PlanTest, NewListElementPlansComputedUnknownEvenWithUseState) {
  const Value prior = PriorState();
  Value config =
      BaseConfig({{"disk", Value::List(kDiskT, {Disk(Value::Int(10), Null(S)), Disk(Value::Int(5), Null(S))})}});
  PlanResult r = PlanFromSchema(TestSchema(), prior, Propose(prior, config), config);
  const auto& disks = r.planned_state.Attr("disk").AsElements();
  ASSERT_EQ(disks.size(), 2u);
  EXPECT_FALSE(disks[0].Attr("disk_id").IsKnown());
  EXPECT_FALSE(disks[1].Attr("disk_id").IsKnown());
  EXPECT_EQ(r.planned_state.Attr("id"), Str("i-1"));
}

TEST(PlanTest, WriteOnlyIsPlannedNull) {
  const Value prior = PriorState();
  Value config = BaseConfig({{"secret", Str("pw")}, {"comment", Str("c")}});
  PlanResult r = PlanFromSchema(TestSchema(), prior, Propose(prior, config), config);
  EXPECT_EQ(r.planned_state.Attr("secret"), Null(S));
}

TEST(PlanTest, DefaultReappliedWhenConfigRemovesValue) {
  Value prior = PriorState().WithAttr("size", Value::Int(5));
  Value config = BaseConfig();
  PlanResult r = PlanFromSchema(TestSchema(), prior, Propose(prior, config), config);
  EXPECT_EQ(r.planned_state.Attr("size"), Value::Int(3));
  EXPECT_FALSE(r.planned_state.Attr("etag").IsKnown());
  // Explicitly configured: the config wins over the default.
  config = BaseConfig({{"size", Value::Int(9)}});
  r = PlanFromSchema(TestSchema(), prior, Propose(prior, config), config);
  EXPECT_EQ(r.planned_state.Attr("size"), Value::Int(9));
}

TEST(PlanTest, DestroyPlansNull) {
  PlanResult r = PlanFromSchema(TestSchema(), PriorState(), Null(kType), Null(kType));
  EXPECT_TRUE(r.planned_state.IsNull());
  EXPECT_EQ(r.planned_state.type(), kType);
  EXPECT_TRUE(r.requires_replace.empty());
}

TEST(PlanTest, MarkComputedUnknownForReplacement) {
  Value config = BaseConfig({{"region", Str("northeurope")}});
  Value planned = PriorState().WithAttr("region", Str("northeurope"));
  Value got = MarkComputedUnknown(TestSchema(), planned, config);
  Value want = Obj({{"id", Unk(S)},
                    {"name", Str("n")},
                    {"size", Value::Int(3)},
                    {"etag", Unk(S)},
                    {"region", Str("northeurope")},
                    {"disk", Value::List(kDiskT, {Disk(Value::Int(10), Unk(S))})},
                    {"kv", Kv(Str("https://v"), Unk(S))}});
  EXPECT_EQ(got, want) << got.DebugString();
}

TEST(PlanTest, AttrOrNull) {
  EXPECT_TRUE(AttrOrNull(Null(kType), "id").IsNull());
  EXPECT_TRUE(AttrOrNull(Unk(kType), "id").IsNull());
  EXPECT_EQ(AttrOrNull(PriorState(), "id"), Str("i-1"));
}

}  // namespace
}  // namespace adbjit::tf
