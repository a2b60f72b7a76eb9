// cty JSON encoding of tf::Value (state, RawState.json) with a lossless, depth-limited reader.
#include <cassert>
#include <utility>

#include "provider/framework/codec.h"

namespace adbjit::tf {
namespace {

constexpr int kMaxJsonDepth = 128;  // the document (dynamic values add a level per wrapper)
constexpr int kMaxValueDepth = 64;  // values decoded against the type

std::string Quote(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------------------------
// A JSON document tree whose numbers stay as their literal text.

struct JNode {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  bool b = false;
  std::string text;               // string contents, or the number literal
  std::vector<std::string> keys;  // object member names, parallel to items
  std::vector<JNode> items;       // array elements or object member values
};

const char* KindName(JNode::Kind k) {
  switch (k) {
    case JNode::Kind::kNull:
      return "null";
    case JNode::Kind::kBool:
      return "bool";
    case JNode::Kind::kNumber:
      return "number";
    case JNode::Kind::kString:
      return "string";
    case JNode::Kind::kArray:
      return "array";
    case JNode::Kind::kObject:
      return "object";
  }
  return "?";
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Status Parse(JNode* root) {
    SkipSpace();
    if (!Value(root, 0)) return Failure();
    SkipSpace();
    if (pos_ != s_.size()) {
      error_ = "unexpected trailing data";
      return Failure();
    }
    return Status::OK();
  }

 private:
  Status Failure() const {
    return InvalidArgumentError("invalid JSON at offset " + std::to_string(pos_) + ": " + error_);
  }
  bool Fail(const char* msg) {
    error_ = msg;
    return false;
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return Fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool Value(JNode* n, int depth) {
    if (depth > kMaxJsonDepth) return Fail("nesting too deep");
    if (pos_ >= s_.size()) return Fail("unexpected end of input");
    switch (s_[pos_]) {
      case '{':
        return Object(n, depth);
      case '[':
        return Array(n, depth);
      case '"':
        n->kind = JNode::Kind::kString;
        return String(&n->text);
      case 't':
        n->kind = JNode::Kind::kBool;
        n->b = true;
        return Literal("true");
      case 'f':
        n->kind = JNode::Kind::kBool;
        return Literal("false");
      case 'n':
        n->kind = JNode::Kind::kNull;
        return Literal("null");
      default:
        n->kind = JNode::Kind::kNumber;
        return NumberLiteral(&n->text);
    }
  }

  bool Array(JNode* n, int depth) {
    n->kind = JNode::Kind::kArray;
    ++pos_;
    SkipSpace();
    if (Eat(']')) return true;
    while (true) {
      SkipSpace();
      n->items.emplace_back();
      if (!Value(&n->items.back(), depth + 1)) return false;
      SkipSpace();
      if (Eat(']')) return true;
      if (!Eat(',')) return Fail("expected ',' or ']'");
    }
  }

  bool Object(JNode* n, int depth) {
    n->kind = JNode::Kind::kObject;
    ++pos_;
    SkipSpace();
    if (Eat('}')) return true;
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Fail("expected a member name");
      n->keys.emplace_back();
      if (!String(&n->keys.back())) return false;
      SkipSpace();
      if (!Eat(':')) return Fail("expected ':'");
      SkipSpace();
      n->items.emplace_back();
      if (!Value(&n->items.back(), depth + 1)) return false;
      SkipSpace();
      if (Eat('}')) return true;
      if (!Eat(',')) return Fail("expected ',' or '}'");
    }
  }

  bool NumberLiteral(std::string* out) {
    size_t start = pos_;
    auto digit = [&] { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; };
    Eat('-');
    if (Eat('0')) {
      // no leading zeros
    } else if (digit()) {
      while (digit()) ++pos_;
    } else {
      return Fail("invalid value");
    }
    if (Eat('.')) {
      if (!digit()) return Fail("invalid number");
      while (digit()) ++pos_;
    }
    if (Eat('e') || Eat('E')) {
      if (!Eat('+')) Eat('-');
      if (!digit()) return Fail("invalid number");
      while (digit()) ++pos_;
    }
    *out = std::string(s_.substr(start, pos_ - start));
    return true;
  }

  bool Hex4(uint32_t* out) {
    if (s_.size() - pos_ < 4) return Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return Fail("invalid \\u escape");
    }
    *out = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  // The length of the well-formed UTF-8 sequence that `s` starts with (RFC 3629: no overlong
  // forms, no surrogates, nothing above U+10FFFF), or 0 if it starts with none.
  static size_t Utf8SequenceLength(std::string_view s) {
    auto at = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
    auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xbf) { return at(i) >= lo && at(i) <= hi; };
    unsigned b = at(0);
    if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
    if (b >= 0xe0 && b <= 0xef) {
      unsigned lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
      return cont(1, lo, hi) && cont(2) ? 3 : 0;
    }
    if (b >= 0xf0 && b <= 0xf4) {
      unsigned lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
      return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
  }

  bool String(std::string* out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return Fail("unterminated string");
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return Fail("control character in string");
      if (static_cast<unsigned char>(c) >= 0x80) {
        // Each byte that does not begin a well-formed sequence becomes U+FFFD, as in Go's
        // encoding/json, which reads the state Terraform writes: decoded strings are always valid
        // UTF-8, so they encode back unchanged.
        size_t n = Utf8SequenceLength(s_.substr(pos_ - 1));
        if (n == 0) {
          AppendUtf8(0xfffd, out);
        } else {
          out->append(s_.substr(pos_ - 1, n));
          pos_ += n - 1;
        }
        continue;
      }
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return Fail("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xd800 && cp <= 0xdbff) {
            // A high surrogate pairs with a following low one; unpaired ones become U+FFFD, as
            // Go's decoder does, and a non-matching escape after it is read on its own.
            size_t after = pos_;
            uint32_t lo = 0;
            if (s_.substr(pos_, 2) == "\\u") {
              pos_ += 2;
              if (!Hex4(&lo)) return false;
            }
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else {
              cp = 0xfffd;
              pos_ = after;
            }
          } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            cp = 0xfffd;
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Fail("invalid escape");
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string error_;
};

nlohmann::json ToNlohmann(const JNode& n) {
  switch (n.kind) {
    case JNode::Kind::kNull:
      return nullptr;
    case JNode::Kind::kBool:
      return n.b;
    case JNode::Kind::kNumber:
      return n.text;  // never valid in a type; FromJson rejects it
    case JNode::Kind::kString:
      return n.text;
    case JNode::Kind::kArray: {
      nlohmann::json a = nlohmann::json::array();
      for (const JNode& i : n.items) a.push_back(ToNlohmann(i));
      return a;
    }
    case JNode::Kind::kObject: {
      nlohmann::json o = nlohmann::json::object();
      for (size_t i = 0; i < n.items.size(); ++i) o[n.keys[i]] = ToNlohmann(n.items[i]);
      return o;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Decoding a tree against a type

class Decoder {
 public:
  StatusOr<Value> Decode(const JNode& n, const Type& type) {
    if (depth_ >= kMaxValueDepth) return Error("value nested too deeply");
    ++depth_;
    StatusOr<Value> v = DecodeInner(n, type);
    --depth_;
    return v;
  }

 private:
  Status Error(const std::string& msg) const {
    std::string where;
    for (const std::string& p : path_) where += p;
    return InvalidArgumentError("json: at " + (where.empty() ? std::string("root") : where) + ": " +
                                msg);
  }
  Status Mismatch(const Type& type, const JNode& n) const {
    return Error("expected " + type.FriendlyName() + ", got " + KindName(n.kind));
  }

  StatusOr<Value> DecodeInner(const JNode& n, const Type& type) {
    using K = JNode::Kind;
    if (n.kind == K::kNull) return Value::Null(type);
    switch (type.kind()) {
      case Type::Kind::kDynamic:
        return DecodeDynamic(n);
      case Type::Kind::kString:
        // cty accepts number and bool tokens for strings.
        if (n.kind == K::kString || n.kind == K::kNumber) return Value::String(n.text);
        if (n.kind == K::kBool) return Value::String(n.b ? "true" : "false");
        return Mismatch(type, n);
      case Type::Kind::kNumber: {
        if (n.kind != K::kNumber && n.kind != K::kString) return Mismatch(type, n);
        StatusOr<tf::Number> num = tf::Number::Parse(n.text);
        if (!num.ok()) return Error(num.status().message());
        return Value::Number(*std::move(num));
      }
      case Type::Kind::kBool:
        if (n.kind == K::kBool) return Value::Bool(n.b);
        if (n.kind == K::kString && (n.text == "true" || n.text == "1")) return Value::Bool(true);
        if (n.kind == K::kString && (n.text == "false" || n.text == "0")) return Value::Bool(false);
        return Mismatch(type, n);
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple:
        return DecodeSequence(n, type);
      case Type::Kind::kMap:
      case Type::Kind::kObject:
        return DecodeMembers(n, type);
    }
    return Mismatch(type, n);
  }

  StatusOr<Value> DecodeSequence(const JNode& n, const Type& type) {
    if (n.kind != JNode::Kind::kArray) return Mismatch(type, n);
    const bool tuple = type.kind() == Type::Kind::kTuple;
    if (tuple && n.items.size() != type.TupleTypes().size()) {
      return Error("a tuple of length " + std::to_string(type.TupleTypes().size()) +
                   " is required (" + std::to_string(n.items.size()) + " given)");
    }
    std::vector<Value> elements;
    elements.reserve(n.items.size());
    for (size_t i = 0; i < n.items.size(); ++i) {
      path_.push_back("[" + std::to_string(i) + "]");
      ADBJIT_ASSIGN_OR_RETURN(
          Value e, Decode(n.items[i], tuple ? type.TupleTypes()[i] : type.ElementType()));
      path_.pop_back();
      elements.push_back(std::move(e));
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

  // Maps take any member names; objects reject unknown names and fill missing ones with null.
  StatusOr<Value> DecodeMembers(const JNode& n, const Type& type) {
    if (n.kind != JNode::Kind::kObject) return Mismatch(type, n);
    const bool object = type.kind() == Type::Kind::kObject;
    std::map<std::string, Value> out;
    for (size_t i = 0; i < n.items.size(); ++i) {
      const std::string& key = n.keys[i];
      const Type* t = &type;
      if (object) {
        auto it = type.AttributeTypes().find(key);
        if (it == type.AttributeTypes().end()) return Error("unsupported attribute " + Quote(key));
        t = &it->second;
      } else {
        t = &type.ElementType();
      }
      if (out.contains(key))
        return Error("duplicate " + std::string(object ? "attribute " : "key ") + Quote(key));
      path_.push_back(object ? "." + key : "[" + Quote(key) + "]");
      ADBJIT_ASSIGN_OR_RETURN(Value v, Decode(n.items[i], *t));
      path_.pop_back();
      out.emplace(key, std::move(v));
    }
    if (object) return Value::Object(type, std::move(out));
    return Value::Map(type.ElementType(), std::move(out));
  }

  StatusOr<Value> DecodeDynamic(const JNode& n) {
    if (n.kind != JNode::Kind::kObject) {
      return Error(std::string("a dynamic value must be a {\"value\",\"type\"} object, got ") +
                   KindName(n.kind));
    }
    const JNode* value = nullptr;
    const JNode* type_json = nullptr;
    for (size_t i = 0; i < n.items.size(); ++i) {
      if (n.keys[i] == "value") {
        value = &n.items[i];
      } else if (n.keys[i] == "type") {
        type_json = &n.items[i];
      } else {
        return Error("invalid key " + Quote(n.keys[i]) + " in dynamically-typed value");
      }
    }
    if (type_json == nullptr) return Error("missing type in dynamically-typed value");
    if (value == nullptr) return Error("missing value in dynamically-typed value");
    StatusOr<Type> type = Type::FromJson(ToNlohmann(*type_json));
    if (!type.ok()) return Error(type.status().message());
    return Decode(*value, *type);
  }

  std::vector<std::string> path_;
  int depth_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Encoding

class Encoder {
 public:
  Status Encode(const Value& v, const Type& type, std::string* out) {
    if (!v.IsKnown()) return Error("cannot encode an unknown value as JSON");
    // A dynamic slot carries its value's type, null included, unless the value has no type either
    // (go-cty's rule): tostring(null) there is {"value":null,"type":"string"}.
    if (type.IsDynamic() && !v.type().IsDynamic()) {
      Type concrete = ConcreteTypeOf(v);
      *out += "{\"value\":";
      ADBJIT_RETURN_IF_ERROR(Encode(v, concrete, out));
      *out += ",\"type\":";
      *out += concrete.ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      *out += "}";
      return Status::OK();
    }
    if (v.IsNull()) {
      *out += "null";
      return Status::OK();
    }
    if (v.type().kind() != type.kind()) {
      return Error("expected " + type.FriendlyName() + ", got a " + v.type().FriendlyName() +
                   " value");
    }
    switch (type.kind()) {
      case Type::Kind::kString:
        *out += Quote(v.AsString());
        break;
      case Type::Kind::kNumber:
        *out += v.AsNumber().ToString();
        break;
      case Type::Kind::kBool:
        *out += v.AsBool() ? "true" : "false";
        break;
      case Type::Kind::kList:
      case Type::Kind::kSet:
      case Type::Kind::kTuple: {
        const auto& elems = v.AsElements();
        const bool tuple = type.kind() == Type::Kind::kTuple;
        if (tuple && elems.size() != type.TupleTypes().size())
          return Error("tuple length mismatch");
        *out += "[";
        for (size_t i = 0; i < elems.size(); ++i) {
          if (i > 0) *out += ",";
          path_.push_back("[" + std::to_string(i) + "]");
          ADBJIT_RETURN_IF_ERROR(
              Encode(elems[i], tuple ? type.TupleTypes()[i] : type.ElementType(), out));
          path_.pop_back();
        }
        *out += "]";
        break;
      }
      case Type::Kind::kMap:
      case Type::Kind::kObject: {
        const bool object = type.kind() == Type::Kind::kObject;
        *out += "{";
        const char* sep = "";
        auto member = [&](const std::string& key, const Value& e, const Type& t) -> Status {
          *out += sep;
          sep = ",";
          *out += Quote(key);
          *out += ":";
          path_.push_back(object ? "." + key : "[" + Quote(key) + "]");
          ADBJIT_RETURN_IF_ERROR(Encode(e, t, out));
          path_.pop_back();
          return Status::OK();
        };
        if (object) {
          for (const auto& [name, t] : type.AttributeTypes()) {
            ADBJIT_RETURN_IF_ERROR(member(name, v.Attr(name), t));
          }
        } else {
          for (const auto& [k, e] : v.AsEntries()) {
            ADBJIT_RETURN_IF_ERROR(member(k, e, type.ElementType()));
          }
        }
        *out += "}";
        break;
      }
      case Type::Kind::kDynamic:
        break;
    }
    return Status::OK();
  }

 private:
  Status Error(const std::string& msg) const {
    std::string where;
    for (const std::string& p : path_) where += p;
    return InvalidArgumentError("json: at " + (where.empty() ? std::string("root") : where) + ": " +
                                msg);
  }

  std::vector<std::string> path_;
};

}  // namespace

StatusOr<Value> DecodeJson(std::string_view json, const Type& type) {
  JNode root;
  ADBJIT_RETURN_IF_ERROR(Parser(json).Parse(&root));
  return Decoder().Decode(root, type);
}

StatusOr<std::string> EncodeJson(const Value& value, const Type& type) {
  std::string out;
  ADBJIT_RETURN_IF_ERROR(Encoder().Encode(value, type, &out));
  return out;
}

}  // namespace adbjit::tf
