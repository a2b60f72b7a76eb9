// Tests of tf::Type, tf::Number and tf::Value.
#include "provider/framework/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>

namespace adbjit::tf {

// How googletest shows a Type (found by argument-dependent lookup, so in Type's namespace):
// its JSON form, rather than its bytes.
[[maybe_unused]] static void PrintTo(const Type& t, std::ostream* os) { *os << t.ToJson().dump(); }

namespace {

// ---------------------------------------------------------------------------------------------
// Number

struct ParseCase {
  std::string in;
  std::string canonical;
};
// How googletest shows a case (by default the struct's bytes, heap addresses included).
void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.in; }

class NumberParseTest : public testing::TestWithParam<ParseCase> {};

TEST_P(NumberParseTest, Canonicalises) {
  auto n = Number::Parse(GetParam().in);
  ASSERT_TRUE(n.ok()) << GetParam().in << ": " << n.status().message();
  EXPECT_EQ(n->ToString(), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(
    All, NumberParseTest,
    testing::Values(ParseCase{"0", "0"}, ParseCase{"-0", "0"}, ParseCase{"-0.000", "0"},
                    ParseCase{"0e999999999999", "0"}, ParseCase{"1.50", "1.5"},
                    ParseCase{"-12", "-12"}, ParseCase{"+7", "7"}, ParseCase{"007", "7"},
                    ParseCase{"1e30", "1000000000000000000000000000000"},
                    ParseCase{"1.5E-3", "0.0015"}, ParseCase{"1E+2", "100"},
                    ParseCase{"12.5e1", "125"}, ParseCase{"1250e-2", "12.5"},
                    ParseCase{"-0.5", "-0.5"}, ParseCase{".5", "0.5"}, ParseCase{"5.", "5"},
                    ParseCase{"12345678901234567890", "12345678901234567890"},
                    ParseCase{"100000000000000000000000000001", "100000000000000000000000000001"},
                    ParseCase{"0.000000000000000000000000000001",
                              "0.000000000000000000000000000001"},
                    ParseCase{"123456789012345678901234567890.123456789",
                              "123456789012345678901234567890.123456789"}));

class NumberParseErrorTest : public testing::TestWithParam<std::string> {};

TEST_P(NumberParseErrorTest, Rejects) {
  EXPECT_FALSE(Number::Parse(GetParam()).ok()) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(All, NumberParseErrorTest,
                         testing::Values("", "-", "+", ".", "abc", "1e", "1e+", "1.2.3", " 1", "1 ",
                                         "0x10", "inf", "-Inf", "NaN", "--1", "1,5", "1e5x",
                                         "1e99999999999", "1e-99999", "e5"));

TEST(NumberTest, IntegerConversions) {
  EXPECT_EQ(Number::Parse("9223372036854775807")->ToInt64(), INT64_MAX);
  EXPECT_EQ(Number::Parse("-9223372036854775808")->ToInt64(), INT64_MIN);
  EXPECT_EQ(Number::Parse("9223372036854775808")->ToInt64(), std::nullopt);
  EXPECT_EQ(Number::Parse("1.5")->ToInt64(), std::nullopt);
  EXPECT_EQ(Number::Parse("1.0")->ToInt64(), 1);
  EXPECT_EQ(Number::Parse("18446744073709551615")->ToUint64(), UINT64_MAX);
  EXPECT_EQ(Number::Parse("18446744073709551616")->ToUint64(), std::nullopt);
  EXPECT_EQ(Number::Parse("-1")->ToUint64(), std::nullopt);
  EXPECT_EQ(Number::FromInt64(INT64_MIN).ToString(), "-9223372036854775808");
  EXPECT_EQ(Number::FromUint64(UINT64_MAX).ToString(), "18446744073709551615");
  EXPECT_TRUE(Number::Parse("1e3")->IsInteger());
  EXPECT_FALSE(Number::Parse("0.5")->IsInteger());
  EXPECT_EQ(Number().ToString(), "0");
}

TEST(NumberTest, Doubles) {
  EXPECT_EQ(Number::FromDouble(1.5).ToString(), "1.5");
  EXPECT_EQ(Number::FromDouble(0.1).ToString(), "0.1");
  EXPECT_EQ(Number::FromDouble(-0.0).ToString(), "0");
  EXPECT_EQ(Number::FromDouble(1e21).ToString(), "1000000000000000000000");
  EXPECT_EQ(Number::FromDouble(1e-7).ToString(), "0.0000001");
  EXPECT_EQ(Number::FromDouble(std::nan("")).ToString(), "0");
  EXPECT_EQ(Number::FromDouble(std::numeric_limits<double>::infinity()).ToString(), "0");
  EXPECT_EQ(Number::Parse("1.5")->ToDouble(), 1.5);
  EXPECT_EQ(Number::Parse("1e400")->ToDouble(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(Number::Parse("-1e400")->ToDouble(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(Number::Parse("1e-400")->ToDouble(), 0.0);
  EXPECT_EQ(Number::Parse("1.5")->ToExactDouble(), 1.5);
  EXPECT_EQ(Number::Parse("0.1")->ToExactDouble(), 0.1);
  EXPECT_EQ(Number::Parse("12345678901234567890")->ToExactDouble(), std::nullopt);
  EXPECT_EQ(Number::Parse("0.10000000000000000001")->ToExactDouble(), std::nullopt);
  EXPECT_EQ(Number::Parse("1e400")->ToExactDouble(), std::nullopt);
  for (double d : {3.141592653589793, 1e-300, 6.02214076e23, -2.5e-5, 0.30000000000000004}) {
    EXPECT_EQ(Number::FromDouble(d).ToExactDouble(), d) << d;
  }
}

TEST(NumberTest, ExtremeDoubles) {
  for (double d : {5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -4.9406564584124654e-324}) {
    Number n = Number::FromDouble(d);
    EXPECT_EQ(n.ToDouble(), d) << n.ToString();
    EXPECT_EQ(n.ToExactDouble(), d) << n.ToString();
  }
  EXPECT_EQ(Number::FromDouble(1.7976931348623157e308).ToString().size(), 309u);
}

TEST(NumberTest, Ordering) {
  const std::pair<const char*, const char*> less[] = {
      {"-1", "0"},
      {"0", "0.5"},
      {"0.5", "0.51"},
      {"-0.51", "-0.5"},
      {"9", "10"},
      {"-10", "-9"},
      {"1.05", "1.5"},
      {"-1", "1"},
      {"-0.1", "0"},
      {"99999999999999999999", "100000000000000000000"},
      {"100000000000000000000000000000", "100000000000000000000000000001"}};
  for (const auto& [a, b] : less) {
    Number na = *Number::Parse(a), nb = *Number::Parse(b);
    EXPECT_TRUE(na < nb) << a << " < " << b;
    EXPECT_FALSE(nb < na) << b << " < " << a;
  }
  EXPECT_FALSE(*Number::Parse("1.50") < *Number::Parse("1.5"));
  EXPECT_EQ(*Number::Parse("1.50"), *Number::Parse("1.5"));
}

// ---------------------------------------------------------------------------------------------
// Type

class TypeJsonTest : public testing::TestWithParam<std::pair<Type, std::string>> {};

TEST_P(TypeJsonTest, RoundTrips) {
  const auto& [type, json] = GetParam();
  EXPECT_EQ(type.ToJson().dump(), json);
  auto parsed = Type::FromJson(nlohmann::json::parse(json));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, type);
}

INSTANTIATE_TEST_SUITE_P(
    All, TypeJsonTest,
    testing::Values(std::pair{Type::String(), std::string(R"("string")")},
                    std::pair{Type::Number(), std::string(R"("number")")},
                    std::pair{Type::Bool(), std::string(R"("bool")")},
                    std::pair{Type::Dynamic(), std::string(R"("dynamic")")},
                    std::pair{Type::List(Type::String()), std::string(R"(["list","string"])")},
                    std::pair{Type::Set(Type::Number()), std::string(R"(["set","number"])")},
                    std::pair{Type::Map(Type::Dynamic()), std::string(R"(["map","dynamic"])")},
                    std::pair{Type::Object({}), std::string(R"(["object",{}])")},
                    std::pair{Type::Tuple({}), std::string(R"(["tuple",[]])")},
                    std::pair{
                        Type::Object({{"b", Type::Tuple({Type::String()})}, {"a", Type::Number()}}),
                        std::string(R"(["object",{"a":"number","b":["tuple",["string"]]}])")},
                    std::pair{Type::List(Type::Object({{"x", Type::Set(Type::Bool())}})),
                              std::string(R"(["list",["object",{"x":["set","bool"]}]])")}));

TEST(TypeTest, FromJsonRejectsMalformed) {
  for (const char* bad :
       {R"("strin")", "5", "null", R"(["list"])", R"(["list","string","x"])", R"(["object",[]])",
        R"(["tuple",{}])", R"(["foo","string"])", "[]", R"(["object",{"a":"bad"}])",
        R"(["object",{"a":"string"},["b"]])", R"(["object",{"a":"string"},"a"])", R"([5,"string"])",
        R"({"list":"string"})"}) {
    EXPECT_FALSE(Type::FromJson(nlohmann::json::parse(bad)).ok()) << bad;
  }
  std::string deep = R"("string")";
  for (int i = 0; i < 200; ++i) deep = R"(["list",)" + deep + "]";
  auto status = Type::FromJson(nlohmann::json::parse(deep)).status();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("deep"), std::string::npos);
}

TEST(TypeTest, ObjectWithOptionalAttributesList) {
  auto t = Type::FromJson(nlohmann::json::parse(R"(["object",{"a":"string","b":"number"},["b"]])"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, Type::Object({{"a", Type::String()}, {"b", Type::Number()}}));
}

TEST(TypeTest, FriendlyNamesAndEquality) {
  EXPECT_EQ(Type::String().FriendlyName(), "string");
  EXPECT_EQ(Type::List(Type::String()).FriendlyName(), "list of string");
  EXPECT_EQ(Type::Map(Type::Set(Type::Number())).FriendlyName(), "map of set of number");
  EXPECT_EQ(Type::Object({}).FriendlyName(), "object");
  EXPECT_EQ(Type::Tuple({}).FriendlyName(), "tuple");
  EXPECT_EQ(Type().FriendlyName(), "dynamic");
  EXPECT_EQ(Type::List(Type::String()), Type::List(Type::String()));
  EXPECT_NE(Type::List(Type::String()), Type::Set(Type::String()));
  EXPECT_NE(Type::Object({{"a", Type::String()}}), Type::Object({{"b", Type::String()}}));
  EXPECT_TRUE(Type::String().IsPrimitive());
  EXPECT_TRUE(Type::Map(Type::String()).IsCollection());
  EXPECT_FALSE(Type::Tuple({}).IsCollection());
  EXPECT_TRUE(Type().IsDynamic());
}

// ---------------------------------------------------------------------------------------------
// Value

const Type kObj = Type::Object(
    {{"name", Type::String()}, {"size", Type::Number()}, {"tags", Type::Map(Type::String())}});

TEST(ValueTest, States) {
  Value null = Value::Null(Type::String());
  EXPECT_TRUE(null.IsNull());
  EXPECT_TRUE(null.IsKnown());
  EXPECT_TRUE(null.IsWhollyKnown());
  Value unknown = Value::Unknown(Type::String());
  EXPECT_FALSE(unknown.IsNull());
  EXPECT_FALSE(unknown.IsKnown());
  EXPECT_FALSE(unknown.IsWhollyKnown());
  EXPECT_TRUE(Value().IsNull());
  EXPECT_TRUE(Value().type().IsDynamic());

  Value list = Value::List(Type::String(), {Value::String("a"), unknown});
  EXPECT_TRUE(list.IsKnown());
  EXPECT_FALSE(list.IsWhollyKnown());
  Value obj = Value::Object(kObj, {{"tags", Value::Map(Type::String(), {{"k", unknown}})}});
  EXPECT_FALSE(obj.IsWhollyKnown());
  EXPECT_TRUE(Value::Object(kObj, {}).IsWhollyKnown());
}

TEST(ValueTest, Accessors) {
  EXPECT_EQ(Value::String("x").AsString(), "x");
  EXPECT_EQ(Value::String("x").GetString(), "x");
  EXPECT_EQ(Value::Int(-5).GetInt(), -5);
  EXPECT_EQ(Value::Number(*Number::Parse("1.5")).GetInt(), std::nullopt);
  EXPECT_EQ(Value::Bool(true).GetBool(), true);
  EXPECT_EQ(Value::Null(Type::String()).GetString(), std::nullopt);
  EXPECT_EQ(Value::Unknown(Type::Bool()).GetBool(), std::nullopt);
  EXPECT_EQ(Value::Int(1).GetString(), std::nullopt);
  EXPECT_EQ(Value::List(Type::Bool(), {Value::Bool(true)}).Length(), 1u);
  EXPECT_EQ(Value::Object(kObj, {}).Length(), 3u);
}

TEST(ValueTest, ObjectFillsMissingAttributesWithTypedNulls) {
  Value obj = Value::Object(kObj, {{"name", Value::String("n")}});
  EXPECT_EQ(obj.Attr("name").GetString(), "n");
  EXPECT_TRUE(obj.Attr("size").IsNull());
  EXPECT_EQ(obj.Attr("size").type(), Type::Number());
  EXPECT_EQ(obj.Attr("tags").type(), Type::Map(Type::String()));
  EXPECT_TRUE(obj.Attr("nope").IsNull());
  EXPECT_TRUE(obj.Attr("nope").type().IsDynamic());
  // A null dynamic in a typed slot takes the slot's type.
  EXPECT_EQ(Value::Object(kObj, {{"size", Value()}}), Value::Object(kObj, {}));
}

TEST(ValueTest, WithAttrReplacesOneAttribute) {
  Value a = Value::Object(kObj, {{"name", Value::String("a")}, {"size", Value::Int(1)}});
  Value b = a.WithAttr("name", Value::String("b"));
  EXPECT_EQ(a.Attr("name").GetString(), "a");
  EXPECT_EQ(b.Attr("name").GetString(), "b");
  EXPECT_EQ(b.Attr("size").GetInt(), 1);
  EXPECT_EQ(b.type(), kObj);
  EXPECT_EQ(a.WithAttr("name", Value::String("a")), a);
}

TEST(ValueTest, SetsDedupAndNormaliseOrder) {
  Value s1 =
      Value::Set(Type::String(), {Value::String("b"), Value::String("a"), Value::String("b")});
  Value s2 = Value::Set(Type::String(), {Value::String("a"), Value::String("b")});
  EXPECT_EQ(s1.Length(), 2u);
  EXPECT_EQ(s1, s2);
  EXPECT_NE(s1, Value::Set(Type::String(), {Value::String("a")}));
  Value nums = Value::Set(Type::Number(),
                          {Value::Number(*Number::Parse("1.0")), Value::Int(1), Value::Int(2)});
  EXPECT_EQ(nums.Length(), 2u);
  // Unknown elements never collapse (two unknowns are not the same member).
  Value unk =
      Value::Set(Type::String(), {Value::Unknown(Type::String()), Value::Unknown(Type::String())});
  EXPECT_EQ(unk.Length(), 2u);
  EXPECT_FALSE(unk.IsWhollyKnown());
  // Nested sets and objects.
  Type ot = Type::Object({{"k", Type::Set(Type::Number())}});
  auto obj = [&](std::vector<int> ks) {
    std::vector<Value> vs;
    for (int k : ks) vs.push_back(Value::Int(k));
    return Value::Object(ot, {{"k", Value::Set(Type::Number(), vs)}});
  };
  Value nested = Value::Set(ot, {obj({1, 2}), obj({2, 1}), obj({3})});
  EXPECT_EQ(nested.Length(), 2u);
  EXPECT_EQ(nested, Value::Set(ot, {obj({3}), obj({1, 2})}));
}

TEST(ValueTest, DeepEquality) {
  Refinements not_null;
  not_null.nullable = false;
  EXPECT_EQ(Value::Unknown(Type::String()), Value::Unknown(Type::String(), not_null));
  EXPECT_NE(Value::Unknown(Type::String()), Value::Unknown(Type::Number()));
  EXPECT_NE(Value::Unknown(Type::String()), Value::Null(Type::String()));
  EXPECT_NE(Value::Null(Type::String()), Value::Null(Type::Number()));
  EXPECT_NE(Value::String(""), Value::Null(Type::String()));
  EXPECT_EQ(Value::List(Type::Number(), {Value::Int(1), Value::Int(2)}),
            Value::List(Type::Number(), {Value::Int(1), Value::Int(2)}));
  EXPECT_NE(Value::List(Type::Number(), {Value::Int(1), Value::Int(2)}),
            Value::List(Type::Number(), {Value::Int(2), Value::Int(1)}));
  EXPECT_NE(Value::List(Type::Number(), {}), Value::Set(Type::Number(), {}));
  EXPECT_EQ(Value::Map(Type::String(), {{"a", Value::String("x")}}),
            Value::Map(Type::String(), {{"a", Value::String("x")}}));
  EXPECT_NE(Value::Map(Type::String(), {{"a", Value::String("x")}}),
            Value::Map(Type::String(), {{"b", Value::String("x")}}));
  EXPECT_EQ(Value::Tuple({Value::String("a"), Value::Int(1)}).type(),
            Type::Tuple({Type::String(), Type::Number()}));
}

TEST(ValueTest, Refinements) {
  Refinements r;
  EXPECT_TRUE(r.empty());
  r.string_prefix = "pre-";
  r.nullable = false;
  Value v = Value::Unknown(Type::String(), r);
  EXPECT_EQ(v.refinements().string_prefix, "pre-");
  EXPECT_EQ(v.refinements().nullable, false);
  EXPECT_TRUE(Value::Unknown(Type::String()).refinements().empty());
  EXPECT_EQ(v.DebugString(), R"(unknown(string, not null, prefix "pre-"))");
}

TEST(ValueTest, DebugString) {
  Value obj = Value::Object(
      kObj, {{"name", Value::String("a\"b")},
             {"tags", Value::Map(Type::String(), {{"k", Value::Unknown(Type::String())}})}});
  EXPECT_EQ(obj.DebugString(),
            R"({name="a\"b", size=null(number), tags=map{"k"=unknown(string)}})");
  EXPECT_EQ(Value::Set(Type::Bool(), {Value::Bool(true), Value::Bool(false)}).DebugString(),
            "set[false, true]");
  EXPECT_EQ(Value::Tuple({Value::Int(1), Value()}).DebugString(), "tuple[1, null]");
  EXPECT_EQ(Value::List(Type::Number(), {Value::Number(*Number::Parse("1e30"))}).DebugString(),
            "[1000000000000000000000000000000]");
}

TEST(ValueTest, CopiesShareAndStayImmutable) {
  Value a = Value::List(Type::String(), {Value::String("x")});
  Value b = a;
  EXPECT_EQ(&a.AsElements(), &b.AsElements());  // shared representation
  Value c = Value::Object(kObj, {{"name", Value::String("a")}});
  Value d = c.WithAttr("name", Value::String("z"));
  EXPECT_EQ(c.Attr("name").GetString(), "a");
  EXPECT_NE(c, d);
}

TEST(ValueTest, AccessorsOnTemporariesReturnCopies) {
  // Binding a reference to an accessor of a temporary must not dangle (the rep may be freed).
  const auto& attrs = Type::Object({{"a", Type::String()}}).AttributeTypes();
  EXPECT_EQ(attrs.at("a"), Type::String());
  const auto& elem = Type::List(Type::Map(Type::Bool())).ElementType();
  EXPECT_EQ(elem, Type::Map(Type::Bool()));
  const auto& s = Value::String(std::string(100, 'x')).AsString();
  EXPECT_EQ(s.size(), 100u);
  const auto& attr = Value::Object(kObj, {{"name", Value::String("n")}}).Attr("name");
  EXPECT_EQ(attr.GetString(), "n");
  int count = 0;
  for (const Value& e : Value::List(Type::Number(), {Value::Int(1), Value::Int(2)}).AsElements()) {
    count += static_cast<int>(*e.GetInt());
  }
  EXPECT_EQ(count, 3);
}

}  // namespace
}  // namespace adbjit::tf
