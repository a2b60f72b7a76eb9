// tf::Type, tf::Number and tf::Value: cty's type system with shared immutable representations.
#include "provider/framework/value.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "provider/framework/codec.h"

namespace adbjit::tf {

// ---------------------------------------------------------------------------------------------
// Type

struct Type::Rep {
  Kind kind = Kind::kDynamic;
  std::vector<Type> elements;  // list/set/map: exactly one; tuple: all of them
  std::map<std::string, Type> attributes;
};

namespace {

constexpr int kMaxTypeDepth = 64;

const std::vector<Type>& EmptyTypes() {
  static const auto* const kEmpty = new std::vector<Type>();
  return *kEmpty;
}

const std::map<std::string, Type>& EmptyAttributes() {
  static const auto* const kEmpty = new std::map<std::string, Type>();
  return *kEmpty;
}

const Type& DynamicType() {
  static const auto* const kDynamic = new Type();
  return *kDynamic;
}

}  // namespace

Type::Type(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

Type::Type() {
  static const auto* const kRep = new std::shared_ptr<const Rep>(std::make_shared<Rep>());
  rep_ = *kRep;
}

Type Type::Dynamic() { return Type(); }

#define ADBJIT_PRIMITIVE_TYPE_(Name)                                                       \
  Type Type::Name() {                                                                      \
    static const auto* const kRep =                                                        \
        new std::shared_ptr<const Rep>(std::make_shared<Rep>(Rep{Kind::k##Name, {}, {}})); \
    return Type(*kRep);                                                                    \
  }
ADBJIT_PRIMITIVE_TYPE_(String)
ADBJIT_PRIMITIVE_TYPE_(Number)
ADBJIT_PRIMITIVE_TYPE_(Bool)
#undef ADBJIT_PRIMITIVE_TYPE_

Type Type::List(Type element) {
  return Type(std::make_shared<Rep>(Rep{Kind::kList, {std::move(element)}, {}}));
}
Type Type::Set(Type element) {
  return Type(std::make_shared<Rep>(Rep{Kind::kSet, {std::move(element)}, {}}));
}
Type Type::Map(Type element) {
  return Type(std::make_shared<Rep>(Rep{Kind::kMap, {std::move(element)}, {}}));
}
Type Type::Object(std::map<std::string, Type> attributes) {
  return Type(std::make_shared<Rep>(Rep{Kind::kObject, {}, std::move(attributes)}));
}
Type Type::Tuple(std::vector<Type> elements) {
  return Type(std::make_shared<Rep>(Rep{Kind::kTuple, std::move(elements), {}}));
}

Type::Kind Type::kind() const { return rep_->kind; }

bool Type::IsPrimitive() const {
  Kind k = kind();
  return k == Kind::kString || k == Kind::kNumber || k == Kind::kBool;
}

bool Type::IsCollection() const {
  Kind k = kind();
  return k == Kind::kList || k == Kind::kSet || k == Kind::kMap;
}

const Type& Type::ElementType() const& {
  assert(IsCollection());
  return IsCollection() ? rep_->elements[0] : DynamicType();
}

const std::map<std::string, Type>& Type::AttributeTypes() const& {
  assert(kind() == Kind::kObject);
  return kind() == Kind::kObject ? rep_->attributes : EmptyAttributes();
}

const std::vector<Type>& Type::TupleTypes() const& {
  assert(kind() == Kind::kTuple);
  return kind() == Kind::kTuple ? rep_->elements : EmptyTypes();
}

nlohmann::json Type::ToJson() const {
  switch (kind()) {
    case Kind::kDynamic:
      return "dynamic";
    case Kind::kString:
      return "string";
    case Kind::kNumber:
      return "number";
    case Kind::kBool:
      return "bool";
    case Kind::kList:
      return nlohmann::json::array({"list", ElementType().ToJson()});
    case Kind::kSet:
      return nlohmann::json::array({"set", ElementType().ToJson()});
    case Kind::kMap:
      return nlohmann::json::array({"map", ElementType().ToJson()});
    case Kind::kObject: {
      nlohmann::json attrs = nlohmann::json::object();
      for (const auto& [name, t] : rep_->attributes) attrs[name] = t.ToJson();
      return nlohmann::json::array({"object", std::move(attrs)});
    }
    case Kind::kTuple: {
      nlohmann::json elems = nlohmann::json::array();
      for (const Type& t : rep_->elements) elems.push_back(t.ToJson());
      return nlohmann::json::array({"tuple", std::move(elems)});
    }
  }
  return "dynamic";
}

namespace {

StatusOr<Type> TypeFromJson(const nlohmann::json& j, int depth) {
  if (depth > kMaxTypeDepth) return InvalidArgumentError("type JSON nested too deeply");
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "string") return Type::String();
    if (s == "number") return Type::Number();
    if (s == "bool") return Type::Bool();
    if (s == "dynamic") return Type::Dynamic();
    return InvalidArgumentError("invalid type JSON: unknown primitive type " +
                                j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  if (!j.is_array() || j.size() < 2 || !j[0].is_string()) {
    return InvalidArgumentError("invalid type JSON: expected a type name or [kind, ...]");
  }
  const std::string& k = j[0].get_ref<const std::string&>();
  if (k == "list" || k == "set" || k == "map") {
    if (j.size() != 2)
      return InvalidArgumentError("invalid type JSON: " + k + " takes one element type");
    ADBJIT_ASSIGN_OR_RETURN(Type element, TypeFromJson(j[1], depth + 1));
    if (k == "list") return Type::List(std::move(element));
    if (k == "set") return Type::Set(std::move(element));
    return Type::Map(std::move(element));
  }
  if (k == "object") {
    // An optional third element lists optional attribute names (function parameters only).
    if (j.size() > 3 || !j[1].is_object()) {
      return InvalidArgumentError("invalid type JSON: object needs an attribute map");
    }
    std::map<std::string, Type> attrs;
    for (const auto& [name, sub] : j[1].items()) {
      ADBJIT_ASSIGN_OR_RETURN(Type t, TypeFromJson(sub, depth + 1));
      attrs.emplace(name, std::move(t));
    }
    if (j.size() == 3) {
      if (!j[2].is_array())
        return InvalidArgumentError("invalid type JSON: optional attributes must be a list");
      for (const auto& opt : j[2]) {
        if (!opt.is_string() || !attrs.contains(opt.get<std::string>())) {
          return InvalidArgumentError("invalid type JSON: bad optional attribute name");
        }
      }
    }
    return Type::Object(std::move(attrs));
  }
  if (k == "tuple") {
    if (j.size() != 2 || !j[1].is_array()) {
      return InvalidArgumentError("invalid type JSON: tuple needs a list of element types");
    }
    std::vector<Type> elems;
    for (const auto& sub : j[1]) {
      ADBJIT_ASSIGN_OR_RETURN(Type t, TypeFromJson(sub, depth + 1));
      elems.push_back(std::move(t));
    }
    return Type::Tuple(std::move(elems));
  }
  return InvalidArgumentError("invalid type JSON: unknown type kind \"" + k + "\"");
}

}  // namespace

StatusOr<Type> Type::FromJson(const nlohmann::json& j) { return TypeFromJson(j, 0); }

bool Type::ContainsDynamic() const {
  switch (kind()) {
    case Kind::kDynamic:
      return true;
    case Kind::kList:
    case Kind::kSet:
    case Kind::kMap:
      return ElementType().ContainsDynamic();
    case Kind::kObject:
      for (const auto& [name, attr] : AttributeTypes()) {
        if (attr.ContainsDynamic()) return true;
      }
      return false;
    case Kind::kTuple:
      for (const Type& e : TupleTypes()) {
        if (e.ContainsDynamic()) return true;
      }
      return false;
    default:
      return false;
  }
}

std::string Type::FriendlyName() const {
  switch (kind()) {
    case Kind::kDynamic:
      return "dynamic";
    case Kind::kString:
      return "string";
    case Kind::kNumber:
      return "number";
    case Kind::kBool:
      return "bool";
    case Kind::kList:
      return "list of " + ElementType().FriendlyName();
    case Kind::kSet:
      return "set of " + ElementType().FriendlyName();
    case Kind::kMap:
      return "map of " + ElementType().FriendlyName();
    case Kind::kObject:
      return "object";
    case Kind::kTuple:
      return "tuple";
  }
  return "dynamic";
}

bool Type::operator==(const Type& other) const {
  if (rep_ == other.rep_) return true;
  return rep_->kind == other.rep_->kind && rep_->elements == other.rep_->elements &&
         rep_->attributes == other.rep_->attributes;
}

// ---------------------------------------------------------------------------------------------
// Number

namespace {

// Upper bound on the canonical text, so "1e999999999" cannot allocate a gigabyte.
constexpr int64_t kMaxNumberDigits = 4096;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Number::Number() = default;

Number Number::FromInt64(int64_t v) { return Number(std::to_string(v)); }
Number Number::FromUint64(uint64_t v) { return Number(std::to_string(v)); }

Number Number::FromDouble(double v) {
  if (!std::isfinite(v)) return Number();
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);  // shortest round-trip form
  auto parsed = Parse(std::string_view(buf, res.ptr - buf));
  return parsed.ok() ? *parsed : Number();
}

StatusOr<Number> Number::Parse(std::string_view text) {
  auto invalid = [&] {
    std::string shown(text.substr(0, 64));
    return InvalidArgumentError("invalid number \"" + shown + (text.size() > 64 ? "...\"" : "\""));
  };
  size_t i = 0;
  const size_t n = text.size();
  bool negative = false;
  if (i < n && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits;
  int64_t scale = 0;  // value = digits * 10^scale
  bool any_digit = false;
  while (i < n && IsDigit(text[i])) {
    if (!digits.empty() || text[i] != '0') digits.push_back(text[i]);
    any_digit = true;
    ++i;
  }
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && IsDigit(text[i])) {
      if (!digits.empty() || text[i] != '0') digits.push_back(text[i]);
      --scale;
      any_digit = true;
      ++i;
    }
  }
  if (!any_digit) return invalid();
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
    if (i >= n || !IsDigit(text[i])) return invalid();
    int64_t exp = 0;
    while (i < n && IsDigit(text[i])) {
      exp = std::min<int64_t>(exp * 10 + (text[i] - '0'), int64_t{1} << 40);
      ++i;
    }
    scale += exp_negative ? -exp : exp;
  }
  if (i != n) return invalid();
  if (digits.empty()) return Number();
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    ++scale;
  }
  const int64_t len = static_cast<int64_t>(digits.size());
  if (len + std::abs(scale) > kMaxNumberDigits) {
    return InvalidArgumentError("number out of supported range (more than 4096 digits)");
  }
  std::string out = negative ? "-" : "";
  if (scale >= 0) {
    out += digits;
    out.append(static_cast<size_t>(scale), '0');
  } else if (len + scale > 0) {
    out += digits.substr(0, static_cast<size_t>(len + scale));
    out += '.';
    out += digits.substr(static_cast<size_t>(len + scale));
  } else {
    out += "0.";
    out.append(static_cast<size_t>(-(len + scale)), '0');
    out += digits;
  }
  return Number(std::move(out));
}

bool Number::IsInteger() const { return text_.find('.') == std::string::npos; }

std::optional<int64_t> Number::ToInt64() const {
  if (!IsInteger()) return std::nullopt;
  int64_t v = 0;
  auto res = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (res.ec != std::errc() || res.ptr != text_.data() + text_.size()) return std::nullopt;
  return v;
}

std::optional<uint64_t> Number::ToUint64() const {
  if (!IsInteger() || text_[0] == '-') return std::nullopt;
  uint64_t v = 0;
  auto res = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (res.ec != std::errc() || res.ptr != text_.data() + text_.size()) return std::nullopt;
  return v;
}

double Number::ToDouble() const {
  double v = 0;
  const char* begin = text_.data();
  const char* end = begin + text_.size();
  auto res = std::from_chars(begin, end, v);
  if (res.ec == std::errc::result_out_of_range) {
    // Too large (integer part longer than one digit or not zero) or too small.
    bool negative = text_[0] == '-';
    bool large = !(text_.size() > 1 && text_[negative ? 1 : 0] == '0');
    double inf = std::numeric_limits<double>::infinity();
    return large ? (negative ? -inf : inf) : (negative ? -0.0 : 0.0);
  }
  return v;
}

std::optional<double> Number::ToExactDouble() const {
  double d = ToDouble();
  if (!std::isfinite(d)) return std::nullopt;
  if (FromDouble(d) != *this) return std::nullopt;
  return d;
}

bool Number::operator<(const Number& o) const {
  bool neg_a = text_[0] == '-', neg_b = o.text_[0] == '-';
  if (neg_a != neg_b) return neg_a;
  std::string_view a(text_), b(o.text_);
  if (neg_a) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  size_t pa = std::min(a.find('.'), a.size()), pb = std::min(b.find('.'), b.size());
  int cmp;  // magnitude comparison
  if (pa != pb) {
    cmp = pa < pb ? -1 : 1;
  } else {
    int c = a.substr(0, pa).compare(b.substr(0, pb));
    if (c == 0) c = a.substr(pa).compare(b.substr(pb));  // ".5" vs ".51": prefix is smaller
    cmp = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return neg_a ? cmp > 0 : cmp < 0;
}

bool Refinements::empty() const {
  return !nullable && !string_prefix && !number_lower && !number_upper && !length_min &&
         !length_max;
}

// ---------------------------------------------------------------------------------------------
// Value

enum class ValueState : uint8_t { kNull, kUnknown, kKnown };

struct Value::Rep {
  Type type;
  ValueState state = ValueState::kNull;
  bool wholly_known = true;
  std::shared_ptr<const Refinements> refinements;  // unknown values only; null when empty
  std::string str;
  tf::Number num;
  bool b = false;
  std::vector<Value> elements;           // list, set, tuple
  std::map<std::string, Value> entries;  // map, object
};

namespace {

const Value& NullDynamic() {
  static const auto* const kNull = new Value();
  return *kNull;
}

const Refinements& NoRefinements() {
  static const auto* const kNone = new Refinements();
  return *kNone;
}

}  // namespace

Value::Value(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

Value::Value() {
  static const auto* const kRep = new std::shared_ptr<const Rep>(std::make_shared<Rep>());
  rep_ = *kRep;
}

namespace {

// A null or unknown `dynamic` placed in a slot of a concrete type takes that type, so that
// Object({"a", Value()}) equals Object({"a", Value::Null(Type::String())}).
Value Fit(Value v, const Type& slot) {
  if (slot.IsDynamic() || !v.type().IsDynamic() || (v.IsKnown() && !v.IsNull())) return v;
  return v.IsNull() ? Value::Null(slot) : Value::Unknown(slot, v.refinements());
}

bool AllWhollyKnown(const std::vector<Value>& values) {
  return std::all_of(values.begin(), values.end(),
                     [](const Value& v) { return v.IsWhollyKnown(); });
}

}  // namespace

Value Value::Null(Type type) {
  auto rep = std::make_shared<Rep>();
  rep->type = std::move(type);
  return Value(std::move(rep));
}

Value Value::Unknown(Type type, Refinements refinements) {
  auto rep = std::make_shared<Rep>();
  rep->type = std::move(type);
  rep->state = ValueState::kUnknown;
  rep->wholly_known = false;
  if (!refinements.empty())
    rep->refinements = std::make_shared<Refinements>(std::move(refinements));
  return Value(std::move(rep));
}

Value Value::String(std::string s) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::String();
  rep->state = ValueState::kKnown;
  rep->str = std::move(s);
  return Value(std::move(rep));
}

Value Value::Number(tf::Number n) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Number();
  rep->state = ValueState::kKnown;
  rep->num = std::move(n);
  return Value(std::move(rep));
}

Value Value::Bool(bool b) {
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Bool();
  rep->state = ValueState::kKnown;
  rep->b = b;
  return Value(std::move(rep));
}

Value Value::List(Type element_type, std::vector<Value> elements) {
  auto rep = std::make_shared<Rep>();
  for (Value& e : elements) e = Fit(std::move(e), element_type);
  rep->type = Type::List(std::move(element_type));
  rep->state = ValueState::kKnown;
  rep->wholly_known = AllWhollyKnown(elements);
  rep->elements = std::move(elements);
  return Value(std::move(rep));
}

Value Value::Set(Type element_type, std::vector<Value> elements) {
  // Canonical order: by msgpack encoding. Wholly known equal elements collapse; elements with
  // unknowns never do (cty: two unknowns are not the same set member).
  std::vector<std::pair<std::string, Value>> keyed;
  keyed.reserve(elements.size());
  for (Value& e : elements) {
    Value fitted = Fit(std::move(e), element_type);
    std::string key = EncodeMsgpack(fitted, element_type);
    keyed.emplace_back(std::move(key), std::move(fitted));
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Value> out;
  out.reserve(keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (i > 0 && keyed[i].first == keyed[i - 1].first && keyed[i].second.IsWhollyKnown() &&
        keyed[i].second == out.back()) {
      continue;
    }
    out.push_back(std::move(keyed[i].second));
  }
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Set(std::move(element_type));
  rep->state = ValueState::kKnown;
  rep->wholly_known = AllWhollyKnown(out);
  rep->elements = std::move(out);
  return Value(std::move(rep));
}

Value Value::Map(Type element_type, std::map<std::string, Value> entries) {
  auto rep = std::make_shared<Rep>();
  for (auto& [k, v] : entries) {
    v = Fit(std::move(v), element_type);
    rep->wholly_known = rep->wholly_known && v.IsWhollyKnown();
  }
  rep->type = Type::Map(std::move(element_type));
  rep->state = ValueState::kKnown;
  rep->entries = std::move(entries);
  return Value(std::move(rep));
}

Value Value::Object(Type object_type, std::map<std::string, Value> attributes) {
  assert(object_type.kind() == Type::Kind::kObject);
  auto rep = std::make_shared<Rep>();
  for (const auto& [name, t] : object_type.AttributeTypes()) {
    auto it = attributes.find(name);
    Value v = it == attributes.end() ? Value::Null(t) : Fit(std::move(it->second), t);
    rep->wholly_known = rep->wholly_known && v.IsWhollyKnown();
    rep->entries.emplace(name, std::move(v));
  }
  for ([[maybe_unused]] const auto& [name, v] : attributes) {
    assert(object_type.AttributeTypes().contains(name) && "attribute not in the object type");
  }
  rep->type = std::move(object_type);
  rep->state = ValueState::kKnown;
  return Value(std::move(rep));
}

Value Value::Tuple(std::vector<Value> elements) {
  std::vector<Type> types;
  types.reserve(elements.size());
  for (const Value& e : elements) types.push_back(e.type());
  auto rep = std::make_shared<Rep>();
  rep->type = Type::Tuple(std::move(types));
  rep->state = ValueState::kKnown;
  rep->wholly_known = AllWhollyKnown(elements);
  rep->elements = std::move(elements);
  return Value(std::move(rep));
}

const Type& Value::type() const& { return rep_->type; }
bool Value::IsNull() const { return rep_->state == ValueState::kNull; }
bool Value::IsKnown() const { return rep_->state != ValueState::kUnknown; }
bool Value::IsWhollyKnown() const { return rep_->wholly_known; }

const Refinements& Value::refinements() const& {
  return rep_->refinements ? *rep_->refinements : NoRefinements();
}

namespace {
bool IsKnownOf(const Value& v, Type::Kind kind) {
  return v.IsKnown() && !v.IsNull() && v.type().kind() == kind;
}
bool HasElements(const Value& v) {
  Type::Kind k = v.type().kind();
  return v.IsKnown() && !v.IsNull() &&
         (k == Type::Kind::kList || k == Type::Kind::kSet || k == Type::Kind::kTuple);
}
bool HasEntries(const Value& v) {
  Type::Kind k = v.type().kind();
  return v.IsKnown() && !v.IsNull() && (k == Type::Kind::kMap || k == Type::Kind::kObject);
}
}  // namespace

const std::string& Value::AsString() const& {
  assert(IsKnownOf(*this, Type::Kind::kString));
  return rep_->str;
}

const tf::Number& Value::AsNumber() const& {
  assert(IsKnownOf(*this, Type::Kind::kNumber));
  return rep_->num;
}

bool Value::AsBool() const {
  assert(IsKnownOf(*this, Type::Kind::kBool));
  return rep_->b;
}

const std::vector<Value>& Value::AsElements() const& {
  assert(HasElements(*this));
  return rep_->elements;
}

const std::map<std::string, Value>& Value::AsEntries() const& {
  assert(HasEntries(*this));
  return rep_->entries;
}

size_t Value::Length() const {
  if (HasElements(*this)) return rep_->elements.size();
  if (HasEntries(*this)) return rep_->entries.size();
  assert(false && "Length() of a value without elements");
  return 0;
}

const Value& Value::Attr(std::string_view name) const& {
  assert(IsKnownOf(*this, Type::Kind::kObject));
  auto it = rep_->entries.find(std::string(name));
  return it == rep_->entries.end() ? NullDynamic() : it->second;
}

Value Value::WithAttr(std::string_view name, Value v) const {
  assert(IsKnownOf(*this, Type::Kind::kObject));
  const auto& types = type().AttributeTypes();
  auto t = types.find(std::string(name));
  if (!IsKnownOf(*this, Type::Kind::kObject) || t == types.end()) {
    assert(false && "WithAttr: no such attribute");
    return *this;
  }
  auto entries = rep_->entries;
  entries[t->first] = std::move(v);
  return Object(type(), std::move(entries));
}

std::optional<std::string> Value::GetString() const {
  if (!IsKnownOf(*this, Type::Kind::kString)) return std::nullopt;
  return rep_->str;
}

std::optional<int64_t> Value::GetInt() const {
  if (!IsKnownOf(*this, Type::Kind::kNumber)) return std::nullopt;
  return rep_->num.ToInt64();
}

std::optional<bool> Value::GetBool() const {
  if (!IsKnownOf(*this, Type::Kind::kBool)) return std::nullopt;
  return rep_->b;
}

bool Value::operator==(const Value& other) const {
  if (rep_ == other.rep_) return true;
  const Rep& a = *rep_;
  const Rep& b = *other.rep_;
  if (a.state != b.state || a.type != b.type) return false;
  if (a.state != ValueState::kKnown) return true;  // refinements are ignored
  switch (a.type.kind()) {
    case Type::Kind::kString:
      return a.str == b.str;
    case Type::Kind::kNumber:
      return a.num == b.num;
    case Type::Kind::kBool:
      return a.b == b.b;
    case Type::Kind::kList:
    case Type::Kind::kSet:  // sets are kept in canonical order
    case Type::Kind::kTuple:
      return a.elements == b.elements;
    case Type::Kind::kMap:
    case Type::Kind::kObject:
      return a.entries == b.entries;
    case Type::Kind::kDynamic:
      return true;
  }
  return false;
}

namespace {

std::string Quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Render(const Value& v, std::string* out) {
  if (v.IsNull()) {
    *out += v.type().IsDynamic() ? "null" : "null(" + v.type().FriendlyName() + ")";
    return;
  }
  if (!v.IsKnown()) {
    *out += "unknown(" + v.type().FriendlyName();
    const Refinements& r = v.refinements();
    if (r.nullable.has_value()) *out += *r.nullable ? ", nullable" : ", not null";
    if (r.string_prefix) *out += ", prefix " + Quote(*r.string_prefix);
    if (r.number_lower) {
      *out += std::string(r.number_lower_inclusive ? ", >= " : ", > ") + r.number_lower->ToString();
    }
    if (r.number_upper) {
      *out += std::string(r.number_upper_inclusive ? ", <= " : ", < ") + r.number_upper->ToString();
    }
    if (r.length_min) *out += ", length >= " + std::to_string(*r.length_min);
    if (r.length_max) *out += ", length <= " + std::to_string(*r.length_max);
    *out += ")";
    return;
  }
  switch (v.type().kind()) {
    case Type::Kind::kString:
      *out += Quote(v.AsString());
      return;
    case Type::Kind::kNumber:
      *out += v.AsNumber().ToString();
      return;
    case Type::Kind::kBool:
      *out += v.AsBool() ? "true" : "false";
      return;
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kTuple: {
      Type::Kind k = v.type().kind();
      *out += k == Type::Kind::kSet ? "set[" : (k == Type::Kind::kTuple ? "tuple[" : "[");
      const char* sep = "";
      for (const Value& e : v.AsElements()) {
        *out += sep;
        Render(e, out);
        sep = ", ";
      }
      *out += "]";
      return;
    }
    case Type::Kind::kMap:
    case Type::Kind::kObject: {
      *out += v.type().kind() == Type::Kind::kMap ? "map{" : "{";
      const char* sep = "";
      for (const auto& [k, e] : v.AsEntries()) {
        *out += sep;
        *out += v.type().kind() == Type::Kind::kMap ? Quote(k) : k;
        *out += "=";
        Render(e, out);
        sep = ", ";
      }
      *out += "}";
      return;
    }
    case Type::Kind::kDynamic:
      *out += "?";
      return;
  }
}

}  // namespace

std::string Value::DebugString() const {
  std::string out;
  Render(*this, &out);
  return out;
}

}  // namespace adbjit::tf
