// Tests of the cty JSON codec: lossless numbers, dynamic values, leniency and hostile input.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "provider/framework/codec.h"

namespace adbjit::tf {
namespace {

Value Num(const char* s) { return Value::Number(*Number::Parse(s)); }

std::string ErrorOf(std::string_view json, const Type& t) {
  auto v = DecodeJson(json, t);
  return v.ok() ? "OK: " + v->DebugString() : v.status().message();
}

const Type kState = Type::Object({{"created", Type::String()},
                                  {"dyn", Type::Dynamic()},
                                  {"id", Type::String()},
                                  {"name", Type::String()},
                                  {"secret", Type::String()},
                                  {"size", Type::Number()},
                                  {"tags", Type::Map(Type::String())}});

TEST(JsonTest, BigNumbersAreLossless) {
  Type t = Type::Object({{"n", Type::Number()}});
  for (const char* lit : {"100000000000000000000000000001", "-100000000000000000000000000001.5",
                          "12345678901234567890", "0.1", "3.141592653589793238462643383279",
                          "0.000000000000000000000000000001"}) {
    std::string json = std::string(R"({"n":)") + lit + "}";
    auto v = DecodeJson(json, t);
    ASSERT_TRUE(v.ok()) << v.status().message();
    EXPECT_EQ(v->Attr("n").AsNumber().ToString(), lit);
    EXPECT_EQ(*EncodeJson(*v, t), json);
  }
  EXPECT_EQ(DecodeJson("1e30", Type::Number())->AsNumber().ToString(),
            "1000000000000000000000000000000");
  EXPECT_EQ(DecodeJson("-1.5E-3", Type::Number())->AsNumber().ToString(), "-0.0015");
  EXPECT_EQ(DecodeJson("2.50", Type::Number())->AsNumber().ToString(), "2.5");
}

TEST(JsonTest, DynamicValueTypeObjects) {
  const char* json =
      R"({"created":null,"dyn":{"value":{"a":1,"b":["x"]},"type":["object",{"a":"number","b":["tuple",["string"]]}]},)"
      R"("id":null,"name":"x","secret":null,"size":3,"tags":{"k":"v"}})";
  auto v = DecodeJson(json, kState);
  ASSERT_TRUE(v.ok()) << v.status().message();
  const Value& dyn = v->Attr("dyn");
  EXPECT_EQ(dyn.type(),
            Type::Object({{"a", Type::Number()}, {"b", Type::Tuple({Type::String()})}}));
  EXPECT_EQ(dyn.Attr("a").GetInt(), 1);
  EXPECT_EQ(*EncodeJson(*v, kState), json);

  // The same state as msgpack is exactly what Terraform sent for it (UpgradeResourceState path).
  std::string msgpack = EncodeMsgpack(*v, kState);
  EXPECT_NE(msgpack.find(R"(["object",{"a":"number","b":["tuple",["string"]]}])"),
            std::string::npos);
  EXPECT_EQ(*DecodeMsgpack(msgpack, kState), *v);

  // "type" before "value", typed null, a big number inside.
  auto rev = DecodeJson(R"({"type":"number","value":12345678901234567890})", Type::Dynamic());
  ASSERT_TRUE(rev.ok());
  EXPECT_EQ(*rev, Num("12345678901234567890"));
  EXPECT_EQ(*EncodeJson(*rev, Type::Dynamic()),
            R"({"value":12345678901234567890,"type":"number"})");
  auto typed_null = DecodeJson(R"({"value":null,"type":["list","string"]})", Type::Dynamic());
  ASSERT_TRUE(typed_null.ok());
  EXPECT_TRUE(typed_null->IsNull());
  EXPECT_EQ(typed_null->type(), Type::List(Type::String()));
  // A typed null keeps its type on the way out too (go-cty writes it so).
  EXPECT_EQ(*EncodeJson(*typed_null, Type::Dynamic()), R"({"value":null,"type":["list","string"]})");
  EXPECT_TRUE(DecodeJson("null", Type::Dynamic())->IsNull());
  EXPECT_EQ(*EncodeJson(Value(), Type::Dynamic()), "null");

  for (const char* bad : {R"({"value":1})", R"({"type":"number"})",
                          R"({"value":1,"type":"number","x":2})", R"({"value":1,"type":"numbr"})",
                          R"({"value":"x","type":"number"})", "[1]", R"({"value":1,"type":5})"}) {
    EXPECT_FALSE(DecodeJson(bad, Type::Dynamic()).ok()) << bad;
  }
}

TEST(JsonTest, MissingAttributesAreNullExtraOnesAreErrors) {
  auto v = DecodeJson(R"({"name":"x"})", kState);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->Attr("size").IsNull());
  EXPECT_EQ(v->Attr("size").type(), Type::Number());
  EXPECT_EQ(
      *EncodeJson(*v, kState),
      R"({"created":null,"dyn":null,"id":null,"name":"x","secret":null,"size":null,"tags":null})");
  EXPECT_EQ(ErrorOf(R"({"name":"x","bogus":1})", kState),
            "json: at root: unsupported attribute \"bogus\"");
  EXPECT_NE(ErrorOf(R"({"name":"x","name":"y"})", kState).find("duplicate attribute"),
            std::string::npos);
}

TEST(JsonTest, CollectionsAndPaths) {
  Type t = Type::Object({{"l", Type::List(Type::Number())},
                         {"s", Type::Set(Type::String())},
                         {"t", Type::Tuple({Type::String(), Type::Bool()})},
                         {"m", Type::Map(Type::List(Type::String()))}});
  const char* json =
      R"({"l":[1,2.5,-3],"m":{"a b":["x"],"e":[]},"s":["b","a","b"],"t":["x",true]})";
  auto v = DecodeJson(json, t);
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->Attr("s").Length(), 2u);
  EXPECT_EQ(*EncodeJson(*v, t),
            R"({"l":[1,2.5,-3],"m":{"a b":["x"],"e":[]},"s":["a","b"],"t":["x",true]})");
  EXPECT_EQ(ErrorOf(R"({"m":{"k":[1,{}]}})", t),
            "json: at .m[\"k\"][1]: expected string, got object");
  EXPECT_EQ(ErrorOf(R"({"t":["x"]})", t), "json: at .t: a tuple of length 2 is required (1 given)");
  EXPECT_EQ(ErrorOf(R"({"l":{}})", t), "json: at .l: expected list of number, got object");
  EXPECT_EQ(ErrorOf(R"({"l":["x"]})", t).substr(0, 21), "json: at .l[0]: inval");
}

TEST(JsonTest, CtyConversionsOfPrimitives) {
  EXPECT_EQ(*DecodeJson("12.50", Type::String()), Value::String("12.50"));
  EXPECT_EQ(*DecodeJson("true", Type::String()), Value::String("true"));
  EXPECT_EQ(*DecodeJson(R"("1e2")", Type::Number()), Num("100"));
  EXPECT_EQ(*DecodeJson(R"("true")", Type::Bool()), Value::Bool(true));
  EXPECT_EQ(*DecodeJson(R"("0")", Type::Bool()), Value::Bool(false));
  EXPECT_FALSE(DecodeJson(R"("yes")", Type::Bool()).ok());
  EXPECT_FALSE(DecodeJson("1", Type::Bool()).ok());
  EXPECT_FALSE(DecodeJson("[]", Type::String()).ok());
}

TEST(JsonTest, StringEscapes) {
  EXPECT_EQ(*DecodeJson(R"("a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00")", Type::String()),
            Value::String("a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80"));
  EXPECT_EQ(*DecodeJson(R"("\ud800x")", Type::String()), Value::String("\xef\xbf\xbdx"));
  EXPECT_EQ(*DecodeJson(R"("\udc00")", Type::String()), Value::String("\xef\xbf\xbd"));
  EXPECT_EQ(*DecodeJson(R"("\ud800\u0041")", Type::String()), Value::String("\xef\xbf\xbd"
                                                                            "A"));
  EXPECT_EQ(*EncodeJson(Value::String("q\"\n\x01<é"), Type::String()), "\"q\\\"\\n\\u0001<é\"");
  // Invalid UTF-8 never throws; it becomes U+FFFD.
  EXPECT_EQ(*EncodeJson(Value::String("\xff"), Type::String()), "\"\xef\xbf\xbd\"");
}

TEST(JsonTest, RawBytesThatAreNotUtf8DecodeToReplacementCharactersAsInGo) {
  const std::string r = "\xef\xbf\xbd";  // U+FFFD
  auto decoded = [](const std::string& body) {
    auto v = DecodeJson("\"" + body + "\"", Type::String());
    return v.ok() ? *v->GetString() : "error: " + v.status().message();
  };
  // Well-formed sequences of every length stay as they are.
  EXPECT_EQ(decoded("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"), "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z");
  EXPECT_EQ(decoded("\xed\x9f\xbf\xf4\x8f\xbf\xbf"), "\xed\x9f\xbf\xf4\x8f\xbf\xbf");  // U+D7FF, U+10FFFF
  // Otherwise one U+FFFD per byte that begins no well-formed sequence (Go's utf8.DecodeRune).
  EXPECT_EQ(decoded("a\x80" "b"), "a" + r + "b");         // a stray continuation byte
  EXPECT_EQ(decoded("\xe2\x82x"), r + r + "x");           // a truncated sequence
  EXPECT_EQ(decoded("\xc0\xaf"), r + r);                  // '/' in two bytes (overlong)
  EXPECT_EQ(decoded("\xe0\x80\xaf"), r + r + r);          // '/' in three bytes
  EXPECT_EQ(decoded("\xed\xa0\x80"), r + r + r);          // the surrogate U+D800
  EXPECT_EQ(decoded("\xf4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(decoded("\xf5\xff"), r + r);                  // bytes that never start one
  EXPECT_EQ(decoded("\xf0\x9f\x98"), r + r + r);          // truncated by the closing quote

  // Map keys too. Found by codec_fuzz: a map was ordered by its raw keys but written with U+FFFD
  // in place of their invalid bytes, so reading what it wrote gave another order ("\xf0x" sorts
  // before "\xfe", but U+FFFD "x" after U+FFFD).
  Type t = Type::Map(Type::String());
  auto m = DecodeJson("{\"\xfe\":\"a\",\"\xf0x\":\"b\"}", t);
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto first = EncodeJson(*m, t);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "{\"" + r + "\":\"a\",\"" + r + "x\":\"b\"}");
  EXPECT_EQ(*EncodeJson(*DecodeJson(*first, t), t), *first);
  // Keys that differ only in their invalid bytes are the same key.
  auto dup = DecodeJson("{\"k\x80\":\"a\",\"k\x81\":\"b\"}", t);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("duplicate key"), std::string::npos) << dup.status().message();
}

TEST(JsonTest, EncodeFailsOnUnknownsNamingThePath) {
  Value v = Value::Object(
      kState, {{"tags", Value::Map(Type::String(), {{"k", Value::Unknown(Type::String())}})}});
  auto s = EncodeJson(v, kState);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "json: at .tags[\"k\"]: cannot encode an unknown value as JSON");
  EXPECT_FALSE(EncodeJson(Value::Unknown(Type::Dynamic()), Type::Dynamic()).ok());
}

TEST(JsonTest, RoundTripsEveryType) {
  Type inner = Type::Object({{"x", Type::String()}, {"y", Type::Set(Type::Number())}});
  Type t = Type::Object({{"l", Type::List(inner)},
                         {"m", Type::Map(Type::Bool())},
                         {"t", Type::Tuple({Type::Dynamic(), Type::Number()})},
                         {"d", Type::Dynamic()},
                         {"ld", Type::List(Type::Dynamic())}});
  Value full = Value::Object(
      t, {{"l", Value::List(inner,
                            {Value::Object(inner, {{"x", Value::String("a")},
                                                   {"y", Value::Set(Type::Number(),
                                                                    {Num("1e40"), Num("-0.5")})}}),
                             Value::Object(inner, {})})},
          {"m",
           Value::Map(Type::Bool(), {{"k", Value::Bool(false)}, {"n", Value::Null(Type::Bool())}})},
          {"t", Value::Tuple({Value::Map(Type::String(), {{"z", Value::String("")}}), Num("7")})},
          {"d", Value::List(Type::Set(Type::String()), {Value::Set(Type::String(), {})})},
          {"ld", Value::List(Type::Dynamic(), {Value::Bool(true), Value()})}});
  for (const Value& v : {full, Value::Null(t), Value::Object(t, {}), full.WithAttr("d", Value())}) {
    auto json = EncodeJson(v, t);
    ASSERT_TRUE(json.ok()) << json.status().message();
    auto back = DecodeJson(*json, t);
    ASSERT_TRUE(back.ok()) << *json << ": " << back.status().message();
    EXPECT_EQ(*back, v) << *json;
    EXPECT_EQ(*EncodeJson(*back, t), *json);
  }
}

TEST(JsonTest, MalformedDocuments) {
  for (const char* bad :
       {"",         " ",       "{",         "[1,]",    "[1 2]",     R"({"a" 1})", R"({"a":1,})",
        "01",       "1.",      ".5",        "+1",      "-",         "1e",         "tru",
        "nul",      R"("abc)", "\"a\x01\"", R"("\x")", R"("\u12")", "{} {}",      "[1]]",
        R"({1:2})", "NaN",     "Infinity"}) {
    EXPECT_FALSE(DecodeJson(bad, Type::Dynamic()).ok()) << bad;
    EXPECT_FALSE(DecodeJson(bad, Type::List(Type::Number())).ok()) << bad;
  }
  EXPECT_NE(ErrorOf("[1,]", Type::List(Type::Number())).find("invalid JSON at offset 3"),
            std::string::npos);
}

TEST(JsonTest, TruncationAtEveryOffsetFails) {
  const std::string json =
      R"({"created":null,"dyn":{"value":{"a":1,"b":["x"]},"type":["object",{"a":"number","b":["tuple",["string"]]}]},)"
      R"("id":"\u00e9","name":"x","secret":null,"size":3.25e1,"tags":{"k":"v"}})";
  ASSERT_TRUE(DecodeJson(json, kState).ok());
  for (size_t len = 0; len < json.size(); ++len) {
    EXPECT_FALSE(DecodeJson(std::string_view(json).substr(0, len), kState).ok()) << len;
  }
}

TEST(JsonTest, DeepNestingIsCapped) {
  std::string deep(100000, '[');
  EXPECT_NE(ErrorOf(deep, Type::Dynamic()).find("nesting too deep"), std::string::npos);
  std::string dyn;
  for (int i = 0; i < 100; ++i) dyn += R"({"type":"dynamic","value":)";
  dyn += "null" + std::string(100, '}');
  EXPECT_FALSE(DecodeJson(dyn, Type::Dynamic()).ok());
  Type t = Type::String();
  for (int i = 0; i < 100; ++i) t = Type::List(t);
  EXPECT_NE(ErrorOf(std::string(100, '[') + std::string(100, ']'), t).find("nested too deeply"),
            std::string::npos);
}

TEST(JsonTest, RandomMutationsNeverCrash) {
  std::string seed = *EncodeJson(
      *DecodeJson(
          R"({"dyn":{"value":{"a":[1,2,{"q":null}]},"type":["object",{"a":["tuple",["number","number",["map","dynamic"]]]}]},"tags":{"k":"v"}})",
          kState),
      kState);
  std::mt19937 rng(7);
  const char alphabet[] = "{}[]\",:0123456789.eE-+tfnul\\ ";
  for (int iter = 0; iter < 20000; ++iter) {
    std::string input = seed;
    for (int f = 0; f < 3; ++f)
      input[rng() % input.size()] = alphabet[rng() % (sizeof(alphabet) - 1)];
    auto v = DecodeJson(input, kState);
    if (v.ok()) (void)EncodeJson(*v, kState);
  }
}

}  // namespace
}  // namespace adbjit::tf
