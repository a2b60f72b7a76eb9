// msgpack encoding of tf::Value following go-cty 1.16 (DynamicValue.msgpack).
#include <cassert>
#include <cmath>
#include <cstring>
#include <utility>

#include "provider/framework/codec.h"

namespace adbjit::tf {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxRefinementBytes = 1024;
constexpr int8_t kRefinedUnknownExt = 12;

std::string QuoteKey(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------------------------
// Reading

enum class Tok { kNil, kBool, kInt, kUint, kFloat, kStr, kBin, kArray, kMap, kExt };

const char* TokName(Tok t) {
  switch (t) {
    case Tok::kNil:
      return "null";
    case Tok::kBool:
      return "bool";
    case Tok::kInt:
    case Tok::kUint:
      return "integer";
    case Tok::kFloat:
      return "float";
    case Tok::kStr:
      return "string";
    case Tok::kBin:
      return "binary";
    case Tok::kArray:
      return "array";
    case Tok::kMap:
      return "map";
    case Tok::kExt:
      return "extension (unknown value)";
  }
  return "?";
}

struct Token {
  Tok kind = Tok::kNil;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  std::string_view bytes;  // str, bin, ext payload
  uint64_t count = 0;      // array elements, map entries
  int8_t ext_type = 0;
};

// A bounds-checked cursor. Every read fails cleanly at the end of the input.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  size_t pos() const { return pos_; }

  bool Take(size_t n, std::string_view* out) {
    if (n > remaining()) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool BigEndian(size_t n, uint64_t* out) {
    std::string_view b;
    if (!Take(n, &b)) return false;
    uint64_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
    *out = v;
    return true;
  }

  // Reads one token header (and the payload of str/bin/ext). Containers leave their contents.
  // Returns an empty string on success, else a description of what is wrong.
  std::string Next(Token* t) {
    uint64_t c;
    if (!BigEndian(1, &c)) return "unexpected end of input";
    *t = Token();
    if (c <= 0x7f) return Int(static_cast<int64_t>(c), t);
    if (c >= 0xe0) return Int(static_cast<int8_t>(c), t);
    if (c >= 0x80 && c <= 0x8f) return Container(Tok::kMap, c & 0x0f, t);
    if (c >= 0x90 && c <= 0x9f) return Container(Tok::kArray, c & 0x0f, t);
    if (c >= 0xa0 && c <= 0xbf) return Payload(Tok::kStr, c & 0x1f, t);
    uint64_t n = 0;
    switch (c) {
      case 0xc0:
        t->kind = Tok::kNil;
        return "";
      case 0xc2:
      case 0xc3:
        t->kind = Tok::kBool;
        t->b = c == 0xc3;
        return "";
      case 0xc4:
      case 0xc5:
      case 0xc6:
        if (!BigEndian(size_t{1} << (c - 0xc4), &n)) return "truncated binary length";
        return Payload(Tok::kBin, n, t);
      case 0xc7:
      case 0xc8:
      case 0xc9:
        if (!BigEndian(size_t{1} << (c - 0xc7), &n)) return "truncated extension length";
        return Ext(n, t);
      case 0xca: {
        uint64_t bits;
        if (!BigEndian(4, &bits)) return "truncated float32";
        float f;
        uint32_t b32 = static_cast<uint32_t>(bits);
        std::memcpy(&f, &b32, 4);
        t->kind = Tok::kFloat;
        t->f = f;
        return "";
      }
      case 0xcb: {
        uint64_t bits;
        if (!BigEndian(8, &bits)) return "truncated float64";
        std::memcpy(&t->f, &bits, 8);
        t->kind = Tok::kFloat;
        return "";
      }
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf:
        if (!BigEndian(size_t{1} << (c - 0xcc), &n)) return "truncated integer";
        t->kind = Tok::kUint;
        t->u = n;
        return "";
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3: {
        size_t width = size_t{1} << (c - 0xd0);
        if (!BigEndian(width, &n)) return "truncated integer";
        if (width < 8 && (n >> (width * 8 - 1)) != 0) n |= ~uint64_t{0} << (width * 8);  // sign
        return Int(static_cast<int64_t>(n), t);
      }
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return Ext(uint64_t{1} << (c - 0xd4), t);
      case 0xd9:
      case 0xda:
      case 0xdb:
        if (!BigEndian(size_t{1} << (c - 0xd9), &n)) return "truncated string length";
        return Payload(Tok::kStr, n, t);
      case 0xdc:
      case 0xdd:
        if (!BigEndian(c == 0xdc ? 2 : 4, &n)) return "truncated array length";
        return Container(Tok::kArray, n, t);
      case 0xde:
      case 0xdf:
        if (!BigEndian(c == 0xde ? 2 : 4, &n)) return "truncated map length";
        return Container(Tok::kMap, n, t);
      default:
        return "invalid msgpack code 0xc1";
    }
  }

 private:
  std::string Int(int64_t v, Token* t) {
    t->kind = Tok::kInt;
    t->i = v;
    return "";
  }
  std::string Payload(Tok kind, uint64_t n, Token* t) {
    t->kind = kind;
    if (n > remaining() || !Take(n, &t->bytes)) {
      return std::string(TokName(kind)) + " of " + std::to_string(n) + " bytes is truncated";
    }
    return "";
  }
  std::string Ext(uint64_t n, Token* t) {
    uint64_t type;
    if (!BigEndian(1, &type)) return "truncated extension";
    t->ext_type = static_cast<int8_t>(type);
    return Payload(Tok::kExt, n, t);
  }
  std::string Container(Tok kind, uint64_t n, Token* t) {
    t->kind = kind;
    t->count = n;
    // Each element takes at least one byte (two per map entry): reject absurd lengths up front.
    uint64_t min_bytes = kind == Tok::kMap ? n * 2 : n;
    if (min_bytes > remaining()) {
      return std::string(TokName(kind)) + " declares " + std::to_string(n) + " elements but only " +
             std::to_string(remaining()) + " bytes remain";
    }
    return "";
  }

  std::string_view data_;
  size_t pos_ = 0;
};

// Skips one complete value (used for refinement keys we do not know).
std::string Skip(Reader& r, int depth) {
  if (depth > kMaxDepth) return "nesting too deep";
  Token t;
  std::string err = r.Next(&t);
  if (!err.empty()) return err;
  uint64_t n = t.kind == Tok::kArray ? t.count : (t.kind == Tok::kMap ? t.count * 2 : 0);
  for (uint64_t i = 0; i < n; ++i) {
    err = Skip(r, depth + 1);
    if (!err.empty()) return err;
  }
  return "";
}

StatusOr<tf::Number> NumberFromToken(const Token& t) {
  switch (t.kind) {
    case Tok::kInt:
      return tf::Number::FromInt64(t.i);
    case Tok::kUint:
      return tf::Number::FromUint64(t.u);
    case Tok::kFloat:
      if (!std::isfinite(t.f))
        return InvalidArgumentError("infinite or NaN numbers are not supported");
      return tf::Number::FromDouble(t.f);
    case Tok::kStr:
      return tf::Number::Parse(t.bytes);
    default:
      return InvalidArgumentError(std::string("expected number, got ") + TokName(t.kind));
  }
}

class Decoder {
 public:
  explicit Decoder(std::string_view data) : r_(data) {}

  StatusOr<Value> DecodeAll(const Type& type) {
    ADBJIT_ASSIGN_OR_RETURN(Value v, Decode(type));
    if (r_.remaining() != 0) {
      return Error(std::to_string(r_.remaining()) + " unexpected bytes after the value");
    }
    return v;
  }

 private:
  Status Error(const std::string& msg) const {
    std::string where;
    for (const std::string& p : path_) where += p;
    return InvalidArgumentError("msgpack: at " + (where.empty() ? std::string("root") : where) +
                                ": " + msg);
  }
  Status Mismatch(const Type& type, const Token& t) const {
    return Error("expected " + type.FriendlyName() + ", got " + TokName(t.kind));
  }

  StatusOr<Value> Decode(const Type& type) {
    if (depth_ >= kMaxDepth) return Error("value nested too deeply");
    ++depth_;
    StatusOr<Value> v = DecodeInner(type);
    --depth_;
    return v;
  }

  StatusOr<Value> DecodeInner(const Type& type) {
    Token t;
    std::string err = r_.Next(&t);
    if (!err.empty()) return Error(err);
    if (t.kind == Tok::kNil) return Value::Null(type);
    if (t.kind == Tok::kExt) return DecodeUnknown(t, type);
    switch (type.kind()) {
      case Type::Kind::kDynamic:
        return DecodeDynamic(t);
      case Type::Kind::kString:
        if (t.kind != Tok::kStr && t.kind != Tok::kBin) return Mismatch(type, t);
        return Value::String(std::string(t.bytes));
      case Type::Kind::kNumber: {
        StatusOr<tf::Number> n = NumberFromToken(t);
        if (!n.ok()) return Error(n.status().message());
        return Value::Number(*std::move(n));
      }
      case Type::Kind::kBool:
        if (t.kind != Tok::kBool) return Mismatch(type, t);
        return Value::Bool(t.b);
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple:
        return DecodeSequence(t, type);
      case Type::Kind::kMap:
        return DecodeMap(t, type);
      case Type::Kind::kObject:
        return DecodeObject(t, type);
    }
    return Mismatch(type, t);
  }

  StatusOr<Value> DecodeSequence(const Token& t, const Type& type) {
    if (t.kind != Tok::kArray) return Mismatch(type, t);
    const bool tuple = type.kind() == Type::Kind::kTuple;
    if (tuple && t.count != type.TupleTypes().size()) {
      return Error("a tuple of length " + std::to_string(type.TupleTypes().size()) +
                   " is required (" + std::to_string(t.count) + " given)");
    }
    std::vector<Value> elements;
    elements.reserve(t.count);  // bounded by the remaining input
    for (uint64_t i = 0; i < t.count; ++i) {
      path_.push_back("[" + std::to_string(i) + "]");
      StatusOr<Value> e = Decode(tuple ? type.TupleTypes()[i] : type.ElementType());
      if (!e.ok()) return e.status();
      path_.pop_back();
      elements.push_back(*std::move(e));
    }
    switch (type.kind()) {
      case Type::Kind::kList:
        return Value::List(type.ElementType(), std::move(elements));
      case Type::Kind::kSet:
        return Value::Set(type.ElementType(), std::move(elements));
      default:
        return Value::Tuple(std::move(elements));
    }
  }

  StatusOr<std::string> Key() {
    Token k;
    std::string err = r_.Next(&k);
    if (!err.empty()) return Error(err);
    if (k.kind != Tok::kStr && k.kind != Tok::kBin) {
      return Error(std::string("map key must be a string, got ") + TokName(k.kind));
    }
    return std::string(k.bytes);
  }

  StatusOr<Value> DecodeMap(const Token& t, const Type& type) {
    if (t.kind != Tok::kMap) return Mismatch(type, t);
    std::map<std::string, Value> entries;
    for (uint64_t i = 0; i < t.count; ++i) {
      ADBJIT_ASSIGN_OR_RETURN(std::string key, Key());
      path_.push_back("[" + QuoteKey(key) + "]");
      if (entries.contains(key)) return Error("duplicate map key");
      ADBJIT_ASSIGN_OR_RETURN(Value v, Decode(type.ElementType()));
      path_.pop_back();
      entries.emplace(std::move(key), std::move(v));
    }
    return Value::Map(type.ElementType(), std::move(entries));
  }

  StatusOr<Value> DecodeObject(const Token& t, const Type& type) {
    if (t.kind != Tok::kMap) return Mismatch(type, t);
    const auto& attr_types = type.AttributeTypes();
    std::map<std::string, Value> attrs;
    for (uint64_t i = 0; i < t.count; ++i) {
      ADBJIT_ASSIGN_OR_RETURN(std::string name, Key());
      auto it = attr_types.find(name);
      if (it == attr_types.end()) return Error("unsupported attribute " + QuoteKey(name));
      if (attrs.contains(name)) return Error("duplicate attribute " + QuoteKey(name));
      path_.push_back("." + name);
      ADBJIT_ASSIGN_OR_RETURN(Value v, Decode(it->second));
      path_.pop_back();
      attrs.emplace(std::move(name), std::move(v));
    }
    for (const auto& [name, unused] : attr_types) {
      if (!attrs.contains(name)) {
        return Error("missing attribute " + QuoteKey(name) + " (an object with " +
                     std::to_string(attr_types.size()) + " attributes is required, " +
                     std::to_string(t.count) + " given)");
      }
    }
    return Value::Object(type, std::move(attrs));
  }

  // A known or typed-null value in a dynamic slot: [type JSON (bin or str), value].
  StatusOr<Value> DecodeDynamic(const Token& t) {
    if (t.kind != Tok::kArray || t.count != 2) {
      return Error(std::string("a dynamic value must be a [type, value] array, got ") +
                   (t.kind == Tok::kArray ? "an array of " + std::to_string(t.count)
                                          : std::string(TokName(t.kind))));
    }
    Token tj;
    std::string err = r_.Next(&tj);
    if (!err.empty()) return Error(err);
    if (tj.kind != Tok::kStr && tj.kind != Tok::kBin) {
      return Error(std::string("dynamic value type must be JSON bytes, got ") + TokName(tj.kind));
    }
    nlohmann::json j = nlohmann::json::parse(tj.bytes.begin(), tj.bytes.end(), nullptr, false);
    if (j.is_discarded()) return Error("dynamic value type is not valid JSON");
    StatusOr<Type> type = Type::FromJson(j);
    if (!type.ok()) return Error(type.status().message());
    return Decode(*type);
  }

  StatusOr<Value> DecodeUnknown(const Token& t, const Type& type) {
    if (t.bytes.size() <= 1) return Value::Unknown(type);
    if (t.ext_type != kRefinedUnknownExt) {
      return Error("unsupported msgpack extension type " + std::to_string(t.ext_type));
    }
    if (t.bytes.size() > kMaxRefinementBytes) return Error("unknown value refinements too long");
    Refinements ref;
    std::string err = ParseRefinements(t.bytes, type, &ref);
    if (!err.empty()) return Error("invalid unknown value refinements: " + err);
    return Value::Unknown(type, std::move(ref));
  }

  static std::string ParseBound(Reader& r, std::optional<tf::Number>* bound, bool* inclusive) {
    Token arr, num, inc;
    std::string err = r.Next(&arr);
    if (!err.empty()) return err;
    if (arr.kind != Tok::kArray || arr.count != 2) return "number bound must be [number, bool]";
    if (!(err = r.Next(&num)).empty() || !(err = r.Next(&inc)).empty()) return err;
    if (inc.kind != Tok::kBool) return "number bound inclusiveness must be a bool";
    if (num.kind == Tok::kFloat && !std::isfinite(num.f)) return "";  // infinite: no bound
    StatusOr<tf::Number> n = NumberFromToken(num);
    if (!n.ok()) return n.status().message();
    *bound = *std::move(n);
    *inclusive = inc.b;
    return "";
  }

  static std::string ParseLength(Reader& r, std::optional<int64_t>* out) {
    Token t;
    std::string err = r.Next(&t);
    if (!err.empty()) return err;
    if (t.kind == Tok::kInt && t.i >= 0) {
      *out = t.i;
    } else if (t.kind == Tok::kUint && t.u <= static_cast<uint64_t>(INT64_MAX)) {
      *out = static_cast<int64_t>(t.u);
    } else {
      return "collection length bound must be a non-negative integer";
    }
    return "";
  }

  // The ext 12 payload: a map with integer keys. Refinements that do not apply to `type` are
  // dropped (cty only refines strings by prefix, numbers by bounds, collections by length).
  static std::string ParseRefinements(std::string_view payload, const Type& type,
                                      Refinements* out) {
    Reader r(payload);
    Token m;
    std::string err = r.Next(&m);
    if (!err.empty()) return err;
    if (m.kind != Tok::kMap) return std::string("expected a map, got ") + TokName(m.kind);
    Refinements ref;
    for (uint64_t i = 0; i < m.count; ++i) {
      Token k;
      if (!(err = r.Next(&k)).empty()) return err;
      if (k.kind != Tok::kInt && k.kind != Tok::kUint) return "keys must be integers";
      int64_t key = k.kind == Tok::kInt ? k.i : (k.u > 100 ? 100 : static_cast<int64_t>(k.u));
      switch (key) {
        case 1: {
          Token b;
          if (!(err = r.Next(&b)).empty()) return err;
          if (b.kind != Tok::kBool) return "nullness must be a bool";
          ref.nullable = b.b;
          break;
        }
        case 2: {
          Token s;
          if (!(err = r.Next(&s)).empty()) return err;
          if (s.kind != Tok::kStr && s.kind != Tok::kBin) return "string prefix must be a string";
          ref.string_prefix = std::string(s.bytes);
          break;
        }
        case 3:
          err = ParseBound(r, &ref.number_lower, &ref.number_lower_inclusive);
          break;
        case 4:
          err = ParseBound(r, &ref.number_upper, &ref.number_upper_inclusive);
          break;
        case 5:
          err = ParseLength(r, &ref.length_min);
          break;
        case 6:
          err = ParseLength(r, &ref.length_max);
          break;
        default:
          err = Skip(r, 1);
          break;
      }
      if (!err.empty()) return err;
    }
    if (type.kind() != Type::Kind::kString) ref.string_prefix.reset();
    if (type.kind() != Type::Kind::kNumber) ref.number_lower.reset(), ref.number_upper.reset();
    if (!type.IsCollection()) ref.length_min.reset(), ref.length_max.reset();
    *out = std::move(ref);
    return "";
  }

  Reader r_;
  std::vector<std::string> path_;
  int depth_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Writing

class Writer {
 public:
  std::string& out() { return out_; }

  void Byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void BigEndian(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) Byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Int(int64_t v) {
    if (v >= 0) {
      if (v <= 0x7f) return Byte(static_cast<uint8_t>(v));
      if (v <= 0xff) return Byte(0xcc), BigEndian(v, 1);
      if (v <= 0xffff) return Byte(0xcd), BigEndian(v, 2);
      if (v <= 0xffffffffLL) return Byte(0xce), BigEndian(v, 4);
      return Byte(0xcf), BigEndian(v, 8);
    }
    if (v >= -32) return Byte(static_cast<uint8_t>(v));
    uint64_t u = static_cast<uint64_t>(v);
    if (v >= INT8_MIN) return Byte(0xd0), BigEndian(u, 1);
    if (v >= INT16_MIN) return Byte(0xd1), BigEndian(u, 2);
    if (v >= INT32_MIN) return Byte(0xd2), BigEndian(u, 4);
    return Byte(0xd3), BigEndian(u, 8);
  }
  void Float64(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    Byte(0xcb);
    BigEndian(bits, 8);
  }
  void Str(std::string_view s) {
    size_t n = s.size();
    if (n <= 31) {
      Byte(static_cast<uint8_t>(0xa0 | n));
    } else if (n <= 0xff) {
      Byte(0xd9), BigEndian(n, 1);
    } else if (n <= 0xffff) {
      Byte(0xda), BigEndian(n, 2);
    } else {
      Byte(0xdb), BigEndian(n, 4);
    }
    out_.append(s);
  }
  void Bin(std::string_view s) {
    size_t n = s.size();
    if (n <= 0xff) {
      Byte(0xc4), BigEndian(n, 1);
    } else if (n <= 0xffff) {
      Byte(0xc5), BigEndian(n, 2);
    } else {
      Byte(0xc6), BigEndian(n, 4);
    }
    out_.append(s);
  }
  void Header(size_t n, uint8_t fix, uint8_t c16) {
    if (n <= 15) return Byte(static_cast<uint8_t>(fix | n));
    if (n <= 0xffff) return Byte(c16), BigEndian(n, 2);
    Byte(c16 + 1), BigEndian(n, 4);
  }
  void ArrayHeader(size_t n) { Header(n, 0x90, 0xdc); }
  void MapHeader(size_t n) { Header(n, 0x80, 0xde); }

  void Number(const tf::Number& n) {
    if (auto i = n.ToInt64()) return Int(*i);
    if (!n.IsInteger()) {
      if (auto d = n.ToExactDouble()) return Float64(*d);
    }
    Str(n.ToString());
  }

  void Encode(const Value& v, const Type& type) {
    // A dynamic slot carries its value's type, null and unknown included, unless the value has no
    // type either (go-cty's rule): tostring(null) there is ["string", nil], not nil.
    if (type.IsDynamic() && !v.type().IsDynamic()) {
      Type concrete = ConcreteTypeOf(v);
      ArrayHeader(2);
      Bin(concrete.ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return Encode(v, concrete);
    }
    if (v.IsNull()) return Byte(0xc0);
    if (!v.IsKnown()) return Byte(0xd4), Byte(0), Byte(0);
    if (v.type().kind() != type.kind()) {
      assert(false && "EncodeMsgpack: value does not match the type");
      return Encode(v, v.type());
    }
    switch (type.kind()) {
      case Type::Kind::kString:
        return Str(v.AsString());
      case Type::Kind::kNumber:
        return Number(v.AsNumber());
      case Type::Kind::kBool:
        return Byte(v.AsBool() ? 0xc3 : 0xc2);
      case Type::Kind::kList:
      case Type::Kind::kSet: {
        ArrayHeader(v.AsElements().size());
        for (const Value& e : v.AsElements()) Encode(e, type.ElementType());
        return;
      }
      case Type::Kind::kTuple: {
        const auto& types = type.TupleTypes();
        ArrayHeader(v.AsElements().size());
        for (size_t i = 0; i < v.AsElements().size(); ++i) {
          Encode(v.AsElements()[i], i < types.size() ? types[i] : v.AsElements()[i].type());
        }
        return;
      }
      case Type::Kind::kMap: {
        MapHeader(v.AsEntries().size());
        for (const auto& [k, e] : v.AsEntries()) {
          Str(k);
          Encode(e, type.ElementType());
        }
        return;
      }
      case Type::Kind::kObject: {
        MapHeader(type.AttributeTypes().size());
        for (const auto& [name, t] : type.AttributeTypes()) {
          Str(name);
          Encode(v.Attr(name), t);
        }
        return;
      }
      case Type::Kind::kDynamic:
        return;
    }
  }

 private:
  std::string out_;
};


// One concrete element type shared by every known element, else `declared`.
template <typename Range, typename Get>
Type UnifiedElementType(const Range& range, Get get, const Type& declared) {
  std::optional<Type> found;
  for (const auto& item : range) {
    const Value& e = get(item);
    if (e.IsNull() && e.type().IsDynamic()) continue;
    Type t = ConcreteTypeOf(e);
    if (found && *found != t) return declared;
    found = std::move(t);
  }
  return found ? *found : declared;
}

}  // namespace

Type ConcreteTypeOf(const Value& v) {
  const Type& t = v.type();
  if (v.IsNull() || !v.IsKnown() || !t.ContainsDynamic()) return t;
  switch (t.kind()) {
    case Type::Kind::kList:
    case Type::Kind::kSet: {
      Type et = UnifiedElementType(
          v.AsElements(), [](const Value& e) -> const Value& { return e; }, t.ElementType());
      return t.kind() == Type::Kind::kList ? Type::List(et) : Type::Set(et);
    }
    case Type::Kind::kMap:
      return Type::Map(UnifiedElementType(
          v.AsEntries(), [](const auto& kv) -> const Value& { return kv.second; },
          t.ElementType()));
    case Type::Kind::kObject: {
      std::map<std::string, Type> attrs;
      for (const auto& [name, at] : t.AttributeTypes()) {
        attrs.emplace(name, at.ContainsDynamic() ? ConcreteTypeOf(v.Attr(name)) : at);
      }
      return Type::Object(std::move(attrs));
    }
    case Type::Kind::kTuple: {
      std::vector<Type> elems;
      for (const Value& e : v.AsElements()) elems.push_back(ConcreteTypeOf(e));
      return Type::Tuple(std::move(elems));
    }
    default:
      return t;
  }
}

StatusOr<Value> DecodeMsgpack(std::string_view data, const Type& type) {
  return Decoder(data).DecodeAll(type);
}

std::string EncodeMsgpack(const Value& value, const Type& type) {
  Writer w;
  w.Encode(value, type);
  return std::move(w.out());
}

}  // namespace adbjit::tf
