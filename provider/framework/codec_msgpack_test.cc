// Tests of the msgpack codec against go-cty 1.16 rules and bytes observed from Terraform 1.11.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "provider/framework/codec.h"

namespace adbjit::tf {
namespace {

// "87 a7" -> bytes. Spaces are ignored.
std::string Hex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    int v = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1);
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

Value Num(const char* s) { return Value::Number(*Number::Parse(s)); }

// The resource of the spec's observed 7-attribute vector.
const Type kResource = Type::Object({{"created", Type::String()},
                                     {"dyn", Type::Dynamic()},
                                     {"id", Type::String()},
                                     {"name", Type::String()},
                                     {"secret", Type::String()},
                                     {"size", Type::Number()},
                                     {"tags", Type::Map(Type::String())}});
const Type kDynObject = Type::Object({{"a", Type::Number()}, {"b", Type::Tuple({Type::String()})}});

std::string SevenAttributeBytes() {
  return Hex("87 a7") + "created" + Hex("c0 a3") + "dyn" + Hex("92 c4 32") +
         R"(["object",{"a":"number","b":["tuple",["string"]]}])" + Hex("82 a1") + "a" +
         Hex("01 a1") + "b" + Hex("91 a1") + "x" + Hex("a2") + "id" + Hex("c0 a4") + "name" +
         Hex("a1") + "x" + Hex("a6") + "secret" + Hex("c0 a4") + "size" + Hex("03 a4") + "tags" +
         Hex("81 a1") + "k" + Hex("a1") + "v";
}

Value SevenAttributeValue() {
  return Value::Object(
      kResource, {{"dyn", Value::Object(kDynObject, {{"a", Value::Int(1)},
                                                     {"b", Value::Tuple({Value::String("x")})}})},
                  {"name", Value::String("x")},
                  {"size", Value::Int(3)},
                  {"tags", Value::Map(Type::String(), {{"k", Value::String("v")}})}});
}

TEST(MsgpackTest, SpecVectorProviderConfig) {
  Type t = Type::Object({{"endpoint", Type::String()}});
  std::string bytes = Hex("81 a8") + "endpoint" + Hex("b2") + "http://127.0.0.1:1";
  auto v = DecodeMsgpack(bytes, t);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->Attr("endpoint").GetString(), "http://127.0.0.1:1");
  EXPECT_EQ(EncodeMsgpack(*v, t), bytes);
}

TEST(MsgpackTest, SpecVectorSevenAttributeObjectWithDynamic) {
  auto v = DecodeMsgpack(SevenAttributeBytes(), kResource);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(*v, SevenAttributeValue()) << v->DebugString();
  EXPECT_EQ(v->Attr("dyn").type(), kDynObject);
  EXPECT_EQ(ToHex(EncodeMsgpack(SevenAttributeValue(), kResource)), ToHex(SevenAttributeBytes()));
}

TEST(MsgpackTest, SpecVectorFloatAndBigDynamicNumber) {
  Type t = Type::Object({{"size", Type::Number()}});
  std::string f = Hex("81 a4") + "size" + Hex("cb 3f f8 00 00 00 00 00 00");
  auto v = DecodeMsgpack(f, t);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->Attr("size").AsNumber().ToString(), "1.5");
  EXPECT_EQ(EncodeMsgpack(*v, t), f);

  std::string big = Hex("92 c4 08") + "\"number\"" + Hex("b4") + "12345678901234567890";
  auto d = DecodeMsgpack(big, Type::Dynamic());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->type(), Type::Number());
  EXPECT_EQ(d->AsNumber().ToString(), "12345678901234567890");
  EXPECT_EQ(EncodeMsgpack(*d, Type::Dynamic()), big);

  // A typed null or unknown in a dynamic slot keeps its type (tostring(null) is ["string", nil]);
  // only a value without a type is a plain nil or unknown.
  const std::string typed_null = Hex("92 c4 08") + "\"string\"" + Hex("c0");
  EXPECT_EQ(ToHex(EncodeMsgpack(Value::Null(Type::String()), Type::Dynamic())), ToHex(typed_null));
  auto back = DecodeMsgpack(typed_null, Type::Dynamic());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->IsNull());
  EXPECT_EQ(back->type(), Type::String());
  const std::string typed_unknown = Hex("92 c4 08") + "\"number\"" + Hex("d4 00 00");
  EXPECT_EQ(ToHex(EncodeMsgpack(Value::Unknown(Type::Number()), Type::Dynamic())), ToHex(typed_unknown));
  EXPECT_EQ(DecodeMsgpack(typed_unknown, Type::Dynamic())->type(), Type::Number());
  EXPECT_EQ(ToHex(EncodeMsgpack(Value(), Type::Dynamic())), "c0");
  EXPECT_EQ(ToHex(EncodeMsgpack(Value::Unknown(Type::Dynamic()), Type::Dynamic())), "d4 00 00");
}

// ---------------------------------------------------------------------------------------------
// Unknowns and refinements

TEST(MsgpackTest, RefinedUnknownStringPrefix) {
  auto v = DecodeMsgpack(Hex("c7 09 0c 82 01 c2 02 a4") + "pre-", Type::String());
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_FALSE(v->IsKnown());
  EXPECT_EQ(v->refinements().nullable, false);
  EXPECT_EQ(v->refinements().string_prefix, "pre-");
  EXPECT_EQ(ToHex(EncodeMsgpack(*v, Type::String())), "d4 00 00");
}

TEST(MsgpackTest, RefinedUnknownNumberBound) {
  // length(unknown): {1: false, 3: [0, true]}
  auto v = DecodeMsgpack(Hex("c7 07 0c 82 01 c2 03 92 00 c3"), Type::Number());
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->refinements().nullable, false);
  ASSERT_TRUE(v->refinements().number_lower.has_value());
  EXPECT_EQ(v->refinements().number_lower->ToString(), "0");
  EXPECT_TRUE(v->refinements().number_lower_inclusive);
  EXPECT_FALSE(v->refinements().number_upper.has_value());
}

TEST(MsgpackTest, RefinedUnknownCollectionAndUnknownKeys) {
  auto m = DecodeMsgpack(Hex("c7 03 0c 81 01 c2"), Type::Map(Type::String()));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->refinements().nullable, false);
  // Length bounds, an upper bound with a float, and an unknown key 9 holding a nested array.
  auto l = DecodeMsgpack(Hex("c7 0e 0c 84 05 01 06 cc c8 09 92 91 01 a1 7a 01 c3"),
                         Type::List(Type::String()));
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->refinements().length_min, 1);
  EXPECT_EQ(l->refinements().length_max, 200);
  EXPECT_EQ(l->refinements().nullable, true);
  auto n = DecodeMsgpack(Hex("c7 0d 0c 81 04 92 cb 3f f8 00 00 00 00 00 00 c2"), Type::Number());
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(n->refinements().number_upper->ToString(), "1.5");
  EXPECT_FALSE(n->refinements().number_upper_inclusive);
  // Refinements that do not apply to the type are dropped.
  auto s = DecodeMsgpack(Hex("c7 03 0c 81 05 01"), Type::String());
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->refinements().empty());
}

TEST(MsgpackTest, PlainUnknownForms) {
  for (const char* hex : {"d4 00 00", "d4 05 07", "c7 00 00", "c7 01 0c 00", "c7 00 03"}) {
    for (const Type& t : {Type::String(), Type::Dynamic(), kResource, Type::List(Type::Bool())}) {
      auto v = DecodeMsgpack(Hex(hex), t);
      ASSERT_TRUE(v.ok()) << hex << ": " << v.status().message();
      EXPECT_FALSE(v->IsKnown());
      EXPECT_EQ(v->type(), t);
      EXPECT_TRUE(v->refinements().empty());
    }
  }
}

TEST(MsgpackTest, BadUnknownForms) {
  // Longer than one byte but not ext 12; a refinement payload that is not a map; bad values.
  for (const char* hex :
       {"d5 00 00 00", "c7 02 01 81 01", "c7 02 0c 91 01", "c7 02 0c 81 01", "c7 03 0c 81 01 01",
        "c7 03 0c 81 02 01", "c7 03 0c 81 05 ff", "c7 03 0c 81 03 01", "c7 03 0c 81 a1 61"}) {
    EXPECT_FALSE(DecodeMsgpack(Hex(hex), Type::String()).ok()) << hex;
  }
  std::string big = Hex("c9 00 00 04 01 0c") + std::string(1025, '\x01');
  EXPECT_FALSE(DecodeMsgpack(big, Type::String()).ok());
}

// ---------------------------------------------------------------------------------------------
// Numbers

struct NumCase {
  std::string hex;
  std::string number;
};

// How googletest shows a case (by default the struct's bytes, heap addresses included, which made
// ctest names that changed per build and collided).
void PrintTo(const NumCase& c, std::ostream* os) { *os << c.hex << " = " << c.number; }

// Names each case by its bytes ("d0 80" -> "d0_80"), unique in each list.
std::string NumCaseName(const testing::TestParamInfo<NumCase>& info) {
  std::string name = info.param.hex;
  std::replace(name.begin(), name.end(), ' ', '_');
  return name;
}

class MsgpackNumberDecodeTest : public testing::TestWithParam<NumCase> {};

TEST_P(MsgpackNumberDecodeTest, DecodesEveryWidth) {
  auto v = DecodeMsgpack(Hex(GetParam().hex), Type::Number());
  ASSERT_TRUE(v.ok()) << GetParam().hex << ": " << v.status().message();
  EXPECT_EQ(v->AsNumber().ToString(), GetParam().number);
}

INSTANTIATE_TEST_SUITE_P(
    All, MsgpackNumberDecodeTest,
    testing::Values(NumCase{"00", "0"}, NumCase{"7f", "127"}, NumCase{"cc ff", "255"},
                    NumCase{"cd ff ff", "65535"}, NumCase{"ce ff ff ff ff", "4294967295"},
                    NumCase{"cf ff ff ff ff ff ff ff ff", "18446744073709551615"},
                    NumCase{"e0", "-32"}, NumCase{"ff", "-1"}, NumCase{"d0 80", "-128"},
                    NumCase{"d0 7f", "127"}, NumCase{"d1 80 00", "-32768"},
                    NumCase{"d1 00 05", "5"}, NumCase{"d2 80 00 00 00", "-2147483648"},
                    NumCase{"d2 ff ff ff fe", "-2"},
                    NumCase{"d3 80 00 00 00 00 00 00 00", "-9223372036854775808"},
                    NumCase{"d3 ff ff ff ff ff ff ff ff", "-1"}, NumCase{"ca 3f c0 00 00", "1.5"},
                    NumCase{"ca bf 80 00 00", "-1"}, NumCase{"cb 3f b9 99 99 99 99 99 9a", "0.1"},
                    NumCase{"cb c0 5e dd 2f 1a 9f be 77", "-123.456"},
                    NumCase{"a3 31 65 33", "1000"},  // "1e3"
                    NumCase{"a4 2d 31 2e 35", "-1.5"}),
    NumCaseName);

class MsgpackNumberEncodeTest : public testing::TestWithParam<NumCase> {};

TEST_P(MsgpackNumberEncodeTest, EncodesMostCompactForm) {
  Value v = Num(GetParam().number.c_str());
  EXPECT_EQ(ToHex(EncodeMsgpack(v, Type::Number())), ToHex(Hex(GetParam().hex)))
      << GetParam().number;
  auto back = DecodeMsgpack(Hex(GetParam().hex), Type::Number());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, v);
}

INSTANTIATE_TEST_SUITE_P(
    All, MsgpackNumberEncodeTest,
    testing::Values(
        NumCase{"00", "0"}, NumCase{"7f", "127"}, NumCase{"cc 80", "128"}, NumCase{"cc ff", "255"},
        NumCase{"cd 01 00", "256"}, NumCase{"ce 00 01 00 00", "65536"},
        NumCase{"cf 00 00 00 01 00 00 00 00", "4294967296"},
        NumCase{"cf 7f ff ff ff ff ff ff ff", "9223372036854775807"}, NumCase{"ff", "-1"},
        NumCase{"e0", "-32"}, NumCase{"d0 df", "-33"}, NumCase{"d0 80", "-128"},
        NumCase{"d1 ff 7f", "-129"}, NumCase{"d1 80 00", "-32768"},
        NumCase{"d2 ff ff 7f ff", "-32769"}, NumCase{"d2 80 00 00 00", "-2147483648"},
        NumCase{"d3 ff ff ff ff 7f ff ff ff", "-2147483649"},
        NumCase{"d3 80 00 00 00 00 00 00 00", "-9223372036854775808"},
        NumCase{"cb 3f f8 00 00 00 00 00 00", "1.5"}, NumCase{"cb 3f b9 99 99 99 99 99 9a", "0.1"},
        NumCase{"b4 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36 37 38 39 30",
                "12345678901234567890"},
        NumCase{"b4 2d 39 32 32 33 33 37 32 30 33 36 38 35 34 37 37 35 38 30 39",
                "-9223372036854775809"},
        NumCase{"b6 30 2e 31 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 31",
                "0.10000000000000000001"}),
    NumCaseName);

TEST(MsgpackTest, NumbersBeyond64BitsUseStrings) {
  Value big = Num("100000000000000000000000000001");
  std::string bytes = EncodeMsgpack(big, Type::Number());
  EXPECT_EQ(ToHex(bytes.substr(0, 1)), "be");  // fixstr of 30
  auto back = DecodeMsgpack(bytes, Type::Number());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, big);
  EXPECT_EQ(ToHex(EncodeMsgpack(Num("1e30"), Type::Number()).substr(0, 1)), "bf");
  EXPECT_FALSE(DecodeMsgpack(Hex("a3 31 65 78"), Type::Number()).ok());                 // "1ex"
  EXPECT_FALSE(DecodeMsgpack(Hex("cb 7f f0 00 00 00 00 00 00"), Type::Number()).ok());  // +Inf
  EXPECT_FALSE(DecodeMsgpack(Hex("c3"), Type::Number()).ok());
}

// ---------------------------------------------------------------------------------------------
// Round trips

const Type kDeep = Type::Object({
    {"s", Type::String()},
    {"n", Type::Number()},
    {"b", Type::Bool()},
    {"l", Type::List(Type::Object({{"x", Type::String()}, {"y", Type::Set(Type::Number())}}))},
    {"m", Type::Map(Type::List(Type::Bool()))},
    {"t", Type::Tuple({Type::String(), Type::Dynamic(), Type::Map(Type::Dynamic())})},
    {"d", Type::Dynamic()},
    {"ld", Type::List(Type::Dynamic())},
});

std::vector<Value> DeepValues(bool with_unknowns) {
  auto maybe_unknown = [&](const Type& t, Value known) {
    return with_unknowns ? Value::Unknown(t) : known;
  };
  Type lx = kDeep.AttributeTypes().at("l").ElementType();
  Value full = Value::Object(
      kDeep,
      {{"s", Value::String("héllo \"world\"\n")},
       {"n", Num("-12345678901234567890123.25")},
       {"b", Value::Bool(false)},
       {"l",
        Value::List(
            lx,
            {Value::Object(lx, {{"x", Value::String("a")},
                                {"y", Value::Set(Type::Number(),
                                                 {Value::Int(3), Num("0.5"), Value::Int(-7)})}}),
             Value::Object(lx, {{"x", maybe_unknown(Type::String(), Value::Null(Type::String()))},
                                {"y", Value::Null(Type::Set(Type::Number()))}})})},
       {"m", Value::Map(Type::List(Type::Bool()),
                        {{"", Value::List(Type::Bool(), {})},
                         {"k", Value::List(Type::Bool(),
                                           {Value::Bool(true),
                                            maybe_unknown(Type::Bool(), Value::Bool(false))})}})},
       {"t",
        Value::Tuple({Value::String(std::string(300, 'z')),
                      Value::List(Type::Number(), {Value::Int(1)}),
                      Value::Map(Type::Dynamic(), {{"q", Value::Bool(true)}, {"r", Value()}})})},
       {"d", Value::Object(Type::Object({{"inner", Type::Set(Type::String())}}),
                           {{"inner", Value::Set(Type::String(),
                                                 {Value::String("b"), Value::String("a")})}})},
       {"ld", Value::List(Type::Dynamic(), {Value::String("x"), Value::Int(2), Value()})}});
  std::vector<Value> out = {full, Value::Null(kDeep), Value::Object(kDeep, {})};
  if (with_unknowns) {
    out.push_back(Value::Unknown(kDeep));
    for (const auto& [name, t] : kDeep.AttributeTypes()) {
      out.push_back(full.WithAttr(name, Value::Unknown(t)));
      out.push_back(full.WithAttr(name, Value::Null(t)));
    }
  }
  return out;
}

TEST(MsgpackTest, RoundTripsEveryTypeWithNullsAndUnknownsAtEveryDepth) {
  for (const Value& v : DeepValues(true)) {
    std::string bytes = EncodeMsgpack(v, kDeep);
    auto back = DecodeMsgpack(bytes, kDeep);
    ASSERT_TRUE(back.ok()) << v.DebugString() << ": " << back.status().message();
    EXPECT_EQ(*back, v) << v.DebugString() << "\nvs\n" << back->DebugString();
    EXPECT_EQ(EncodeMsgpack(*back, kDeep), bytes);
  }
}

TEST(MsgpackTest, DynamicSlots) {
  // Null and unknown dynamic are plain nil / ext; a typed null is [type, nil].
  EXPECT_EQ(ToHex(EncodeMsgpack(Value(), Type::Dynamic())), "c0");
  EXPECT_EQ(ToHex(EncodeMsgpack(Value::Unknown(Type::Dynamic()), Type::Dynamic())), "d4 00 00");
  auto typed_null = DecodeMsgpack(Hex("92 c4 08") + "\"string\"" + Hex("c0"), Type::Dynamic());
  ASSERT_TRUE(typed_null.ok());
  EXPECT_TRUE(typed_null->IsNull());
  EXPECT_EQ(typed_null->type(), Type::String());
  // The type JSON may come as str as well as bin.
  auto str_type = DecodeMsgpack(Hex("92 a6") + "\"bool\"" + Hex("c3"), Type::Dynamic());
  ASSERT_TRUE(str_type.ok());
  EXPECT_EQ(*str_type, Value::Bool(true));
  // A list(dynamic) value is recorded with its concrete type.
  Value lst = Value::List(Type::Dynamic(), {Value::String("a")});
  EXPECT_EQ(ConcreteTypeOf(lst), Type::List(Type::String()));
  EXPECT_EQ(EncodeMsgpack(lst, Type::Dynamic()),
            Hex("92 c4 11") + R"(["list","string"])" + Hex("91 a1") + "a");
  for (std::string bad :
       {Hex("91 c0"), Hex("93 c0 c0 c0"), Hex("a1") + "x", Hex("92 c4 03") + "bad" + Hex("c0"),
        Hex("92 c3 c0"), Hex("92 c4 06") + "\"list\"" + Hex("c0"),
        Hex("92 c4 08") + "\"number\"" + Hex("a1") + "x"}) {
    EXPECT_FALSE(DecodeMsgpack(bad, Type::Dynamic()).ok()) << ToHex(bad);
  }
}

TEST(MsgpackTest, SetsWithDuplicatesCollapse) {
  auto v = DecodeMsgpack(Hex("94 a1 62 a1 61 a1 62 a1 61"), Type::Set(Type::String()));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->Length(), 2u);
  EXPECT_EQ(ToHex(EncodeMsgpack(*v, Type::Set(Type::String()))), "92 a1 61 a1 62");
}

TEST(MsgpackTest, StringsAcceptBinAndEncodeAsStr) {
  auto v = DecodeMsgpack(Hex("c4 02 68 69"), Type::String());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->GetString(), "hi");
  EXPECT_EQ(ToHex(EncodeMsgpack(*v, Type::String())), "a2 68 69");
  std::string s(70000, 'q');
  EXPECT_EQ(ToHex(EncodeMsgpack(Value::String(std::string(40, 'q')), Type::String()).substr(0, 2)),
            "d9 28");
  EXPECT_EQ(ToHex(EncodeMsgpack(Value::String(std::string(300, 'q')), Type::String()).substr(0, 3)),
            "da 01 2c");
  std::string enc = EncodeMsgpack(Value::String(s), Type::String());
  EXPECT_EQ(ToHex(enc.substr(0, 5)), "db 00 01 11 70");
  EXPECT_EQ(*DecodeMsgpack(enc, Type::String()), Value::String(s));
}

TEST(MsgpackTest, LargeCollectionsUseWideHeaders) {
  std::vector<Value> elems;
  for (int i = 0; i < 70000; ++i) elems.push_back(Value::Bool(i % 2 == 0));
  Value v = Value::List(Type::Bool(), elems);
  std::string enc = EncodeMsgpack(v, Type::List(Type::Bool()));
  EXPECT_EQ(ToHex(enc.substr(0, 5)), "dd 00 01 11 70");
  EXPECT_EQ(*DecodeMsgpack(enc, Type::List(Type::Bool())), v);
  std::map<std::string, Value> entries;
  for (int i = 0; i < 20; ++i) entries["k" + std::to_string(i)] = Value::Int(i);
  Value m = Value::Map(Type::Number(), entries);
  std::string menc = EncodeMsgpack(m, Type::Map(Type::Number()));
  EXPECT_EQ(ToHex(menc.substr(0, 3)), "de 00 14");
  EXPECT_EQ(*DecodeMsgpack(menc, Type::Map(Type::Number())), m);
}

// ---------------------------------------------------------------------------------------------
// Errors

std::string ErrorOf(std::string_view bytes, const Type& t) {
  auto v = DecodeMsgpack(bytes, t);
  return v.ok() ? "OK: " + v->DebugString() : v.status().message();
}

TEST(MsgpackTest, ObjectArityErrorsNameTheAttribute) {
  Type t = Type::Object({{"a", Type::String()}, {"b", Type::String()}});
  std::string missing = ErrorOf(Hex("81 a1 61 c0"), t);
  EXPECT_NE(missing.find("missing attribute \"b\""), std::string::npos) << missing;
  EXPECT_NE(missing.find("2 attributes is required, 1 given"), std::string::npos) << missing;
  std::string extra = ErrorOf(Hex("83 a1 61 c0 a1 62 c0 a1 63 c0"), t);
  EXPECT_NE(extra.find("unsupported attribute \"c\""), std::string::npos) << extra;
  EXPECT_NE(ErrorOf(Hex("80"), t).find("missing attribute \"a\""), std::string::npos);
  EXPECT_NE(ErrorOf(Hex("82 a1 61 c0 a1 61 c0"), t).find("duplicate attribute"), std::string::npos);
  EXPECT_TRUE(DecodeMsgpack(Hex("80"), Type::Object({})).ok());
  std::string tuple = ErrorOf(Hex("91 a1 61"), Type::Tuple({Type::String(), Type::String()}));
  EXPECT_NE(tuple.find("a tuple of length 2 is required (1 given)"), std::string::npos) << tuple;
}

TEST(MsgpackTest, ErrorsNameThePath) {
  Type t = Type::Object({{"tags", Type::Map(Type::String())},
                         {"l", Type::List(Type::Object({{"n", Type::Number()}}))}});
  EXPECT_EQ(ErrorOf(Hex("82 a1 6c 90 a4") + "tags" + Hex("81 a1 6b 90"), t),
            "msgpack: at .tags[\"k\"]: expected string, got array");
  EXPECT_EQ(ErrorOf(Hex("82 a1 6c 92 81 a1 6e 01 81 a1 6e c3 a4") + "tags" + Hex("80"), t),
            "msgpack: at .l[1].n: expected number, got bool");
  EXPECT_EQ(ErrorOf(Hex("a1 78"), t), "msgpack: at root: expected object, got string");
  EXPECT_EQ(ErrorOf(Hex("81 01 c0"), Type::Map(Type::String())),
            "msgpack: at root: map key must be a string, got integer");
  EXPECT_NE(ErrorOf(Hex("c0 c0"), t).find("unexpected bytes"), std::string::npos);
  EXPECT_NE(ErrorOf("", t).find("unexpected end of input"), std::string::npos);
  EXPECT_NE(ErrorOf(Hex("c1"), t).find("0xc1"), std::string::npos);
}

TEST(MsgpackTest, TruncationAtEveryOffsetFails) {
  std::vector<std::pair<std::string, Type>> cases = {
      {SevenAttributeBytes(), kResource},
      {Hex("c7 09 0c 82 01 c2 02 a4") + "pre-", Type::String()},
      {Hex("cf ff ff ff ff ff ff ff ff"), Type::Number()},
      {Hex("cb 3f f8 00 00 00 00 00 00"), Type::Number()},
  };
  for (const Value& v : DeepValues(true)) cases.emplace_back(EncodeMsgpack(v, kDeep), kDeep);
  for (const auto& [bytes, type] : cases) {
    ASSERT_TRUE(DecodeMsgpack(bytes, type).ok());
    for (size_t len = 0; len < bytes.size(); ++len) {
      EXPECT_FALSE(DecodeMsgpack(std::string_view(bytes).substr(0, len), type).ok())
          << "prefix of " << len << " of " << ToHex(bytes);
    }
  }
}

TEST(MsgpackTest, HostileLengthsAndDepth) {
  // Declared lengths far beyond the input are rejected before allocating.
  for (const char* hex : {"dd ff ff ff ff", "df ff ff ff ff", "db ff ff ff ff 61", "c6 ff ff ff ff",
                          "c9 ff ff ff ff 0c", "dc ff ff c0", "de 00 02 a1 61 c0"}) {
    for (const Type& t : {Type::List(Type::String()), Type::Map(Type::String()), Type::String(),
                          Type::Dynamic(), kResource}) {
      EXPECT_FALSE(DecodeMsgpack(Hex(hex), t).ok()) << hex;
    }
  }
  // Deep types: nesting is capped instead of recursing without bound.
  Type deep = Type::String();
  for (int i = 0; i < 200; ++i) deep = Type::List(deep);
  std::string arrays(200, '\x91');
  arrays += Hex("a1 78");
  EXPECT_NE(ErrorOf(arrays, deep).find("nested too deeply"), std::string::npos);
  // Dynamic values wrapping dynamic values.
  std::string dyn;
  for (int i = 0; i < 500; ++i) dyn += Hex("92 c4 09") + "\"dynamic\"";
  dyn += Hex("c0");
  EXPECT_NE(ErrorOf(dyn, Type::Dynamic()).find("nested too deeply"), std::string::npos);
}

TEST(MsgpackTest, DeepTypeJsonInDynamicSlot) {
  std::string json = std::string(60000, '[') + std::string(60000, ']');
  std::string bytes = Hex("92 c5") + static_cast<char>(json.size() >> 8) +
                      static_cast<char>(json.size() & 0xff) + json + Hex("c0");
  EXPECT_FALSE(DecodeMsgpack(bytes, Type::Dynamic()).ok());
  std::string type = R"("string")";
  for (int i = 0; i < 100; ++i) type = R"(["list",)" + type + "]";
  bytes = Hex("92 c5") + static_cast<char>(type.size() >> 8) +
          static_cast<char>(type.size() & 0xff) + type + Hex("c0");
  EXPECT_NE(ErrorOf(bytes, Type::Dynamic()).find("too deep"), std::string::npos);
}

TEST(MsgpackTest, ConcreteTypesOfDynamicContents) {
  Type lm = Type::Map(Type::Dynamic());
  EXPECT_EQ(ConcreteTypeOf(Value::Map(Type::Dynamic(), {{"a", Value::Int(1)}, {"b", Value()}})),
            Type::Map(Type::Number()));
  // Mixed element types cannot be unified: the declared type stays.
  EXPECT_EQ(ConcreteTypeOf(Value::Map(Type::Dynamic(), {{"a", Value::Int(1)}, {"b", Value::Bool(true)}})),
            lm);
  EXPECT_EQ(ConcreteTypeOf(Value::List(Type::Dynamic(), {})), Type::List(Type::Dynamic()));
  Type ot = Type::Object({{"d", Type::Dynamic()}, {"s", Type::String()}});
  EXPECT_EQ(ConcreteTypeOf(Value::Object(ot, {{"d", Value::Bool(true)}})),
            Type::Object({{"d", Type::Bool()}, {"s", Type::String()}}));
  EXPECT_EQ(ConcreteTypeOf(Value::Unknown(ot)), ot);
}

TEST(MsgpackTest, RandomAndMutatedInputNeverCrash) {
  std::mt19937 rng(12345);
  std::vector<std::string> seeds = {SevenAttributeBytes()};
  for (const Value& v : DeepValues(true)) seeds.push_back(EncodeMsgpack(v, kDeep));
  int decoded = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string input = seeds[iter % seeds.size()];
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) input[rng() % input.size()] = static_cast<char>(rng());
    if (iter % 5 == 0) {
      input.resize(rng() % 40);
      for (char& c : input) c = static_cast<char>(rng());
    }
    for (const Type* t : {&kDeep, &kResource}) {
      auto v = DecodeMsgpack(input, *t);
      if (v.ok()) {
        ++decoded;
        (void)EncodeMsgpack(*v, *t);
      }
    }
  }
  EXPECT_GT(decoded, 0) << "no mutated input decoded, so the encoder was never run on one";
}

}  // namespace
}  // namespace adbjit::tf
