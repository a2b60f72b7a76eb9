// Terraform's type system (cty) as C++ values: tf::Type, tf::Number and tf::Value.
//
// A Value is a Type plus one of three states — null, unknown, known — plus a payload. Values are
// immutable and cheap to copy (shared payloads). "Known" is shallow: a known list may hold unknown
// elements; IsWhollyKnown() checks the whole tree. A known value in a `dynamic` slot carries its
// concrete type; the codecs (codec.h) wrap and unwrap it using the schema type.
//
// Numbers are arbitrary precision (tf::Number keeps a canonical decimal), so values beyond 64 bits
// survive a round trip through the state unchanged.
//
// Accessors such as AsString() on a value of the wrong kind or state are programming errors
// (asserted in debug builds, and return an empty/zero value in release); user input is always checked
// with the Get*() helpers or by the schema validators first.
#ifndef ADBJIT_FRAMEWORK_VALUE_H_
#define ADBJIT_FRAMEWORK_VALUE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider/util/status.h"

namespace adbjit::tf {

class Type {
 public:
  enum class Kind { kDynamic, kString, kNumber, kBool, kList, kSet, kMap, kObject, kTuple };

  Type();  // dynamic
  static Type Dynamic();
  static Type String();
  static Type Number();
  static Type Bool();
  static Type List(Type element);
  static Type Set(Type element);
  static Type Map(Type element);
  static Type Object(std::map<std::string, Type> attributes);
  static Type Tuple(std::vector<Type> elements);

  Kind kind() const;
  bool IsPrimitive() const;   // string, number, bool
  bool IsCollection() const;  // list, set, map
  bool IsDynamic() const { return kind() == Kind::kDynamic; }
  // True when `dynamic` appears anywhere in this type (such values need [type, value] wrapping).
  bool ContainsDynamic() const;

  // Element type of a list, set or map.
  const Type& ElementType() const&;
  // Attribute types of an object (sorted by name).
  const std::map<std::string, Type>& AttributeTypes() const&;
  // Element types of a tuple.
  const std::vector<Type>& TupleTypes() const&;
  // On a temporary these return copies, so `const auto& a = MakeType().AttributeTypes();` and
  // range-for over them stay valid (the temporary's shared representation may be freed).
  Type ElementType() const&& { return ElementType(); }
  std::map<std::string, Type> AttributeTypes() const&& { return AttributeTypes(); }
  std::vector<Type> TupleTypes() const&& { return TupleTypes(); }

  // cty's JSON type form: "string", ["list","string"], ["object",{"a":"number"}], ...
  nlohmann::json ToJson() const;
  static StatusOr<Type> FromJson(const nlohmann::json& j);
  // "string", "list of string", "map of number", "object", ...
  std::string FriendlyName() const;

  bool operator==(const Type& other) const;
  bool operator!=(const Type& other) const { return !(*this == other); }

 private:
  struct Rep;
  explicit Type(std::shared_ptr<const Rep> rep);
  std::shared_ptr<const Rep> rep_;
};

class Number {
 public:
  Number();  // 0
  static Number FromInt64(int64_t v);
  static Number FromUint64(uint64_t v);
  // Non-finite doubles are not representable in state; FromDouble of NaN gives 0.
  static Number FromDouble(double v);
  // Accepts JSON number syntax and plain decimals ("-12", "1.50", "1e30", "12345678901234567890").
  static StatusOr<Number> Parse(std::string_view text);

  // Canonical plain decimal without exponent and without trailing fraction zeros:
  // "0", "-12.5", "100000000000000000000000000001".
  const std::string& ToString() const { return text_; }
  bool IsInteger() const;
  // The exact value if it is an integer that fits int64_t.
  std::optional<int64_t> ToInt64() const;
  // The exact value if it is an integer that fits uint64_t.
  std::optional<uint64_t> ToUint64() const;
  // The nearest double (may lose precision).
  double ToDouble() const;
  // The double if converting loses nothing (what Terraform sends as msgpack float64).
  std::optional<double> ToExactDouble() const;

  bool operator==(const Number& o) const { return text_ == o.text_; }
  bool operator!=(const Number& o) const { return text_ != o.text_; }
  bool operator<(const Number& o) const;

 private:
  explicit Number(std::string canonical) : text_(std::move(canonical)) {}
  std::string text_ = "0";
};

// What Terraform (>= 1.6) may tell us about an unknown value. Kept when decoded, never required.
struct Refinements {
  std::optional<bool> nullable;          // false: definitely not null
  std::optional<std::string> string_prefix;
  std::optional<Number> number_lower, number_upper;
  bool number_lower_inclusive = true, number_upper_inclusive = true;
  std::optional<int64_t> length_min, length_max;
  bool empty() const;
};

class Value {
 public:
  Value();  // null of type dynamic

  static Value Null(Type type);
  static Value Unknown(Type type, Refinements refinements = {});
  static Value String(std::string s);
  static Value Number(tf::Number n);
  static Value Int(int64_t v) { return Number(tf::Number::FromInt64(v)); }
  static Value Bool(bool b);
  static Value List(Type element_type, std::vector<Value> elements);
  // Duplicates (by operator==) collapse; order is normalised.
  static Value Set(Type element_type, std::vector<Value> elements);
  static Value Map(Type element_type, std::map<std::string, Value> entries);
  // Every attribute of `object_type` must end up present: missing ones become Null of their type.
  // Extra names are a programming error (asserted).
  static Value Object(Type object_type, std::map<std::string, Value> attributes);
  static Value Tuple(std::vector<Value> elements);

  const Type& type() const&;
  Type type() const&& { return type(); }  // copies on temporaries, as Type's accessors do
  bool IsNull() const;
  bool IsKnown() const;       // not unknown (null counts as known)
  bool IsWhollyKnown() const; // known here and in every nested value
  const Refinements& refinements() const&;  // of an unknown value
  Refinements refinements() const&& { return refinements(); }

  // Payload accessors for known, non-null values of the matching kind. On a temporary they return
  // copies, so binding the result to a reference or iterating over it stays valid.
  const std::string& AsString() const&;
  const tf::Number& AsNumber() const&;
  bool AsBool() const;
  const std::vector<Value>& AsElements() const&;          // list, set, tuple
  const std::map<std::string, Value>& AsEntries() const&; // map, object
  std::string AsString() const&& { return AsString(); }
  tf::Number AsNumber() const&& { return AsNumber(); }
  std::vector<Value> AsElements() const&& { return AsElements(); }
  std::map<std::string, Value> AsEntries() const&& { return AsEntries(); }
  size_t Length() const;                                  // collections, tuple, object

  // Object attribute (the object must be known and non-null). Unknown names return a null dynamic.
  const Value& Attr(std::string_view name) const&;
  Value Attr(std::string_view name) const&& { return Attr(name); }
  // A copy of this object with one attribute replaced (type unchanged).
  Value WithAttr(std::string_view name, Value v) const;

  // Convenience for known, non-null values; std::nullopt for null, unknown or another kind.
  std::optional<std::string> GetString() const;
  std::optional<int64_t> GetInt() const;
  std::optional<bool> GetBool() const;

  // Deep equality of type, state and payload (sets compare as sets). Refinements are ignored.
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // For tests and debugging only: renders the whole value, including sensitive data.
  std::string DebugString() const;

 private:
  struct Rep;
  explicit Value(std::shared_ptr<const Rep> rep);
  std::shared_ptr<const Rep> rep_;
};

}  // namespace adbjit::tf

#endif  // ADBJIT_FRAMEWORK_VALUE_H_
