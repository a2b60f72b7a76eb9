// Tests for the reusable attribute validators, including edge cases of each rule.
#include "provider/framework/validators.h"

#include <gtest/gtest.h>

#include "provider/util/log.h"

namespace adbjit::tf::validators {
namespace {

// The detail of the single error `v` reports for `value`, or "" when it accepts it.
std::string Check(const Validator& v, const Value& value) {
  Diagnostics d;
  v.check(value, AttributePath("attr"), d);
  if (d.empty()) return "";
  EXPECT_EQ(d.items().size(), 1u);
  EXPECT_TRUE(d.HasError());
  EXPECT_EQ(d.items()[0].attribute, AttributePath("attr"));
  return d.items()[0].detail;
}

Value Num(const char* text) { return Value::Number(*Number::Parse(text)); }

TEST(ValidatorsTest, IntAtLeast) {
  Validator v = IntAtLeast(1);
  EXPECT_EQ(v.description, "must be at least 1");
  EXPECT_EQ(Check(v, Value::Int(1)), "");
  EXPECT_EQ(Check(v, Value::Int(1000000)), "");
  EXPECT_EQ(Check(v, Value::Int(INT64_MAX)), "");
  // Read as an int64_t, so a larger number is refused rather than read as unset.
  EXPECT_EQ(Check(v, Num("9223372036854775808")),
            "attr must be at most 9223372036854775807, got 9223372036854775808.");
  EXPECT_EQ(Check(v, Num("1e20")), "attr must be at most 9223372036854775807, got 100000000000000000000.");
  EXPECT_EQ(Check(v, Value::Int(0)), "attr must be at least 1, got 0.");
  EXPECT_EQ(Check(v, Value::Int(-5)), "attr must be at least 1, got -5.");
  EXPECT_EQ(Check(v, Num("-123456789012345678901234567890")),
            "attr must be at least 1, got -123456789012345678901234567890.");
  EXPECT_EQ(Check(v, Num("1.5")), "attr must be a whole number, got 1.5.");
  EXPECT_EQ(Check(v, Value::String("3")), "attr must be a number, got a string.");
}

TEST(ValidatorsTest, PositiveOr) {
  Validator v = PositiveOr(-1);
  EXPECT_EQ(v.description, "must be -1 or a positive number");
  for (const char* ok : {"-1", "-1.0", "0.0001", "0.5", "12", "1e3"}) EXPECT_EQ(Check(v, Num(ok)), "") << ok;
  EXPECT_EQ(Check(v, Value::Int(0)), "attr must be -1 or a positive number, got 0.");
  EXPECT_EQ(Check(v, Num("-0.5")), "attr must be -1 or a positive number, got -0.5.");
  EXPECT_EQ(Check(v, Value::Int(-2)), "attr must be -1 or a positive number, got -2.");
  EXPECT_EQ(Check(v, Value::String("1")), "attr must be a number, got a string.");
}

TEST(ValidatorsTest, IntBetween) {
  Validator v = IntBetween(1, 1023);
  EXPECT_EQ(v.description, "must be between 1 and 1023");
  for (int64_t ok : {1, 512, 1023}) EXPECT_EQ(Check(v, Value::Int(ok)), "") << ok;
  EXPECT_EQ(Check(v, Value::Int(0)), "attr must be between 1 and 1023, got 0.");
  EXPECT_EQ(Check(v, Value::Int(1024)), "attr must be between 1 and 1023, got 1024.");
  EXPECT_EQ(Check(v, Num("0.5")), "attr must be a whole number, got 0.5.");
  EXPECT_EQ(Check(IntBetween(INT64_MIN, INT64_MAX), Value::Int(INT64_MIN)), "");
}

TEST(ValidatorsTest, StringLengthBetweenCountsCharacters) {
  Validator v = StringLengthBetween(1, 3);
  EXPECT_EQ(v.description, "must be 1 to 3 characters long");
  EXPECT_EQ(Check(v, Value::String("a")), "");
  EXPECT_EQ(Check(v, Value::String("abc")), "");
  EXPECT_EQ(Check(v, Value::String("\xC3\xA9\xC3\xA9\xC3\xA9")), "");  // three é, six bytes
  EXPECT_EQ(Check(v, Value::String("")), "attr must be 1 to 3 characters long, got 0.");
  EXPECT_EQ(Check(v, Value::String("abcd")), "attr must be 1 to 3 characters long, got 4.");
  EXPECT_EQ(Check(v, Value::Int(1)), "attr must be a string, got a number.");
}

TEST(ValidatorsTest, StringBytesAtMostCountsBytes) {
  Validator v = StringBytesAtMost(4, "the limit");
  EXPECT_EQ(Check(v, Value::String("abcd")), "");
  EXPECT_EQ(Check(v, Value::String("\xc3\xa9\xc3\xa9")), "");  // two characters, four bytes
  EXPECT_EQ(Check(v, Value::String("\xc3\xa9\xc3\xa9" "a")), "attr must be at most the limit (4 bytes), got 5.");
}

TEST(ValidatorsTest, ListOfNonEmptyStrings) {
  auto list = [](std::vector<std::string> items) {
    std::vector<Value> values;
    for (auto& i : items) values.push_back(Value::String(i));
    return Value::List(Type::String(), std::move(values));
  };
  EXPECT_EQ(Check(ListOfNonEmptyStrings(1), list({"a"})), "");
  EXPECT_EQ(Check(ListOfNonEmptyStrings(0), list({})), "");
  EXPECT_EQ(Check(ListOfNonEmptyStrings(1), list({})),
            "attr must list at least 1 entry, none of them empty, got an empty list.");
  Diagnostics d;
  ListOfNonEmptyStrings(0).check(list({"a", ""}), AttributePath("attr"), d);
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].attribute, AttributePath("attr").Index(1));
  EXPECT_EQ(d.items()[0].detail, "attr[1] must not be empty.");
}

TEST(ValidatorsTest, MapKeysNotEmpty) {
  EXPECT_EQ(Check(MapKeysNotEmpty(), Value::Map(Type::String(), {{"k", Value::String("")}})), "");
  EXPECT_EQ(Check(MapKeysNotEmpty(), Value::Map(Type::String(), {{"", Value::String("x")}})),
            "attr must not have an empty key.");
}

TEST(ValidatorsTest, StringOneOf) {
  Validator v = StringOneOf({"PREMIUM_LRS", "STANDARD_LRS"});
  EXPECT_EQ(v.description, "must be one of \"PREMIUM_LRS\" or \"STANDARD_LRS\"");
  EXPECT_EQ(Check(v, Value::String("PREMIUM_LRS")), "");
  EXPECT_EQ(Check(v, Value::String("premium_lrs")),
            "attr must be one of \"PREMIUM_LRS\" or \"STANDARD_LRS\", got \"premium_lrs\".");
  EXPECT_EQ(StringOneOf({"a", "b", "c"}).description, "must be one of \"a\", \"b\" or \"c\"");
}

TEST(ValidatorsTest, StringMatches) {
  Validator v = StringMatches("^[0-9a-zA-Z-]{1,127}$", "1 to 127 letters, digits and dashes");
  EXPECT_EQ(v.description, "must be 1 to 127 letters, digits and dashes");
  EXPECT_EQ(Check(v, Value::String("my-secret-1")), "");
  EXPECT_EQ(Check(v, Value::String("a_b")), "attr must be 1 to 127 letters, digits and dashes, got \"a_b\".");
  EXPECT_NE(Check(v, Value::String("")), "");
  EXPECT_NE(Check(v, Value::String(std::string(128, 'a'))), "");
  // A huge string (a file() read into the attribute) is refused before std::regex, whose matcher
  // would overflow the stack on it, and without quoting it back.
  Validator any = StringMatches("^[a-z]*$", "lower-case letters");
  EXPECT_EQ(Check(any, Value::String(std::string(200000, 'a'))),
            "attr must be lower-case letters, got a string of 200000 characters.");
  // An invalid pattern is reported when used, never thrown.
  Validator bad = StringMatches("([", "broken");
  EXPECT_NE(Check(bad, Value::String("x")).find("not a valid regular expression"), std::string::npos);
}

TEST(ValidatorsTest, Rfc3339IsStrict) {
  Validator v = Rfc3339();
  for (const char* ok : {"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123456789Z", "2026-01-02T03:04:05+05:30",
                         "2026-01-02T03:04:05-00:00", "2024-02-29T00:00:00Z", "2000-02-29T23:59:59Z", "2026-01-02t03:04:05z"}) {
    EXPECT_EQ(Check(v, Value::String(ok)), "") << ok;
  }
  for (const char* bad : {"", "2026-01-02", "2026-01-02 03:04:05Z", "2026-01-02x03:04:05Z", "2026-01-02T03:04:05y",
                          "2026-01-02T03:04:05", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
                          "2026-01-02T24:00:00Z", "2026-01-02T23:60:00Z", "2026-01-02T23:59:60Z",
                          "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05+0530", "2026-01-02T03:04:05+24:00",
                          "2026-01-02T03:04:05Z ", "26-01-02T03:04:05Z", "2026-1-02T03:04:05Z"}) {
    EXPECT_EQ(Check(v, Value::String(bad)),
              std::string("attr must be an RFC 3339 date-time such as 2026-01-02T03:04:05Z, got \"") + bad + "\".")
        << bad;
  }
}

TEST(ValidatorsTest, HostOrHttpsUrlTakesABareHostAsHttps) {
  Validator v = HostOrHttpsUrl();
  for (const char* ok : {"adb-1234567890123456.7.azuredatabricks.net", "adb-1.2.azuredatabricks.net/",
                         "https://adb-1.2.azuredatabricks.net/?o=1234", "localhost:8443", "127.0.0.1:9",
                         "http://127.0.0.1:8080", "[::1]:443"}) {
    EXPECT_EQ(Check(v, Value::String(ok)), "") << ok;
  }
  struct Case {
    const char* url;
    const char* problem;
  };
  const Case bad[] = {
      {"http://adb-1.2.azuredatabricks.net", "must use https:// (http:// is allowed only for"},
      {"ftp://adb-1.2.azuredatabricks.net", "must use https://, not ftp://, got"},
      {"adb-1.2.azuredatabricks.net:99999", "invalid port"},
      {"adb 1.azuredatabricks.net", "spaces or control characters"},
      {"", "must be a host name or an https:// URL, got \"\""},
  };
  for (const Case& c : bad) {
    std::string got = Check(v, Value::String(c.url));
    EXPECT_NE(got.find(c.problem), std::string::npos) << c.url << " -> " << got;
    EXPECT_NE(got.find(std::string("got \"") + c.url + "\""), std::string::npos) << got;
  }
  // User information is refused, and a password in it is not repeated.
  for (const char* url : {"token:hunter2@adb-1.2.azuredatabricks.net", "https://token:hunter2@adb-1.2.azuredatabricks.net/"}) {
    std::string got = Check(v, Value::String(url));
    EXPECT_NE(got.find("must not contain user information"), std::string::npos) << got;
    EXPECT_EQ(got.find("hunter2"), std::string::npos) << got;
    EXPECT_NE(got.find("***@adb-1.2.azuredatabricks.net"), std::string::npos) << got;
  }
}

TEST(ValidatorsTest, AnAzureResourceIdInPlaceOfAUrlSaysWhatToGiveInstead) {
  const std::string id = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
  for (const Validator& v : {HttpsUrlOrLoopback("give the vault's URI"), HostOrHttpsUrl("give the vault's URI")}) {
    EXPECT_EQ(Check(v, Value::String(id)),
              "attr must be a URL, not an Azure resource ID (got \"" + id + "\"): give the vault's URI.");
    EXPECT_NE(Check(v, Value::String("/SUBSCRIPTIONS/0/x")).find("not an Azure resource ID"), std::string::npos);
    EXPECT_EQ(Check(v, Value::String("https://kv.vault.azure.net/subscriptions/")), "");
  }
  // Without the hint, the plain URL error.
  EXPECT_NE(Check(HttpsUrlOrLoopback(), Value::String(id)).find("must be an absolute URL"), std::string::npos);
}

TEST(ValidatorsTest, HttpsBaseUrlOrLoopbackRefusesAPathQueryOrFragment) {
  Validator v = HttpsBaseUrlOrLoopback("give the vault's URI");
  for (const char* ok : {"https://my-vault.vault.azure.net/", "https://my-vault.vault.azure.net",
                         "http://127.0.0.1:8080/", "https://[2001:db8::1]:443/"}) {
    EXPECT_EQ(Check(v, Value::String(ok)), "") << ok;
  }
  for (const char* bad : {"https://my-vault.vault.azure.net/secrets/x", "http://127.0.0.1:8080/foo/",
                          "https://my-vault.vault.azure.net//", "https://my-vault.vault.azure.net/?api-version=7.4",
                          "https://my-vault.vault.azure.net#f"}) {
    EXPECT_EQ(Check(v, Value::String(bad)),
              std::string("attr must be a base URL, with nothing after the host but a trailing / (give the vault's "
                          "URI), got \"") + bad + "\".");
  }
  // The checks of any URL still come first.
  EXPECT_NE(Check(v, Value::String("http://example.com/x")).find("must use https://"), std::string::npos);
}

TEST(ValidatorsTest, HttpsUrlOrLoopback) {
  Validator v = HttpsUrlOrLoopback();
  for (const char* ok : {"https://my-vault.vault.azure.net/", "HTTPS://adb-1.azuredatabricks.net",
                         "https://host:8443/path?q=1", "http://127.0.0.1:8080", "http://127.255.0.9/",
                         "http://localhost", "http://myvault.localhost:8080/", "http://LOCALHOST:1/x", "http://[::1]:9000/", "https://[2001:db8::1]/"}) {
    EXPECT_EQ(Check(v, Value::String(ok)), "") << ok;
  }
  struct Case {
    const char* url;
    const char* problem;
  };
  const Case bad[] = {
      {"http://example.com", "must use https:// (http:// is allowed only for 127.0.0.0/8, localhost, *.localhost and [::1])"},
      {"http://128.0.0.1", "must use https://"},
      {"http://127.0.0.1.evil.com", "must use https://"},
      {"http://localhost.evil.com/", "must use https://"},
      {"http://.localhost/", "must use https://"},
      {"http://127.0.0.256", "must use https://"},
      {"http://0127.0.0.1", "must use https://"},
      {"http://[::2]", "must use https://"},
      {"http://127.0.0.1@evil.com/", "must not contain user information"},
      {"ftp://host", "must use https://, not ftp://, got"},
      {"my-vault.vault.azure.net", "must be an absolute URL"},
      {"https://", "must name a host"},
      {"https://:443", "must name a host"},
      {"https://host:99999", "invalid port"},
      {"https://host:", "invalid port"},
      {"https://host:+443", "invalid port"},
      {"https://host:-1", "invalid port"},
      {"https://host:443a", "invalid port"},
      {"http://127.0.0.-1", "must use https://"},
      {"http://127..0.1", "must use https://"},
      {"http://127.0.0.0001", "must use https://"},
      {"https://ho st", "spaces or control characters"},
      {"https://[::1", "unterminated"},
  };
  for (const Case& c : bad) {
    std::string got = Check(v, Value::String(c.url));
    EXPECT_NE(got.find(c.problem), std::string::npos) << c.url << " -> " << got;
    EXPECT_NE(got.find(std::string("got \"") + log::HideUserInfo(c.url) + "\""), std::string::npos) << got;
  }
}

}  // namespace
}  // namespace adbjit::tf::validators
