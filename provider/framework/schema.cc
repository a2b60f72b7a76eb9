// Schema lookups, implied types, schema invariants (ValidateSchema) and config validation.
#include "provider/framework/schema.h"

#include <set>
#include <utility>

namespace adbjit::tf {
namespace {


bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool Conforms(const Type& actual, const Type& expected) {
  if (expected.IsDynamic()) return true;
  if (actual.kind() != expected.kind()) return false;
  switch (expected.kind()) {
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kMap:
      return Conforms(actual.ElementType(), expected.ElementType());
    case Type::Kind::kObject: {
      const auto& a = actual.AttributeTypes();
      const auto& e = expected.AttributeTypes();
      if (a.size() != e.size()) return false;
      for (const auto& [name, et] : e) {
        auto it = a.find(name);
        if (it == a.end() || !Conforms(it->second, et)) return false;
      }
      return true;
    }
    case Type::Kind::kTuple: {
      const auto& a = actual.TupleTypes();
      const auto& e = expected.TupleTypes();
      if (a.size() != e.size()) return false;
      for (size_t i = 0; i < e.size(); ++i) {
        if (!Conforms(a[i], e[i])) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

Status Invalid(const std::string& where, const std::string& what) {
  return InvalidArgumentError(where + ": " + what);
}

Status ValidateAttribute(const Attribute& a, const std::string& where, bool in_set) {
  if (!ValidName(a.name)) return Invalid(where, "name must match ^[a-z0-9_]+$");
  if (!a.required && !a.optional && !a.computed) {
    return Invalid(where, "must be required, optional or computed");
  }
  if (a.required && (a.optional || a.computed)) {
    return Invalid(where, "required excludes optional and computed");
  }
  if (a.write_only && a.computed) return Invalid(where, "write_only cannot be computed");
  if (a.write_only && a.requires_replace) {
    return Invalid(where, "requires_replace has no effect on a write_only attribute (it is always planned null)");
  }
  if (in_set && a.write_only) return Invalid(where, "write_only attributes are not allowed inside SET blocks");
  if (in_set && a.type.ContainsDynamic()) return Invalid(where, "dynamic types are not allowed inside SET blocks");
  if (a.use_state_for_unknown && !a.computed) return Invalid(where, "use_state_for_unknown needs computed");
  if (a.default_value.has_value()) {
    if (!a.optional || !a.computed) return Invalid(where, "a default needs optional and computed");
    const Value& d = *a.default_value;
    if (d.IsNull() || !d.IsWhollyKnown()) return Invalid(where, "the default must be a known, non-null value");
    if (!Conforms(d.type(), a.type)) {
      return Invalid(where, "the default is a " + d.type().FriendlyName() + ", not a " + a.type.FriendlyName());
    }
  }
  return Status::OK();
}

Status ValidateBlock(const Block& block, const std::string& prefix, bool in_set) {
  std::set<std::string> names;
  for (const Attribute& a : block.attributes) {
    const std::string where = "attribute " + prefix + a.name;
    if (!names.insert(a.name).second) return Invalid(where, "duplicate name");
    ADBJIT_RETURN_IF_ERROR(ValidateAttribute(a, where, in_set));
  }
  for (const NestedBlock& nb : block.block_types) {
    const std::string where = "block " + prefix + nb.type_name;
    if (!ValidName(nb.type_name)) return Invalid(where, "name must match ^[a-z0-9_]+$");
    if (!names.insert(nb.type_name).second) return Invalid(where, "duplicate name");
    if (nb.min_items < 0 || nb.max_items < 0) return Invalid(where, "min_items and max_items must be >= 0");
    switch (nb.nesting) {
      case Nesting::kSingle:
        if (nb.min_items > 1 || nb.max_items > 1 || nb.min_items != nb.max_items) {
          return Invalid(where, "SINGLE nesting needs min_items and max_items both 0 or both 1");
        }
        break;
      case Nesting::kGroup:
      case Nesting::kMap:
        if (nb.min_items != 0 || nb.max_items != 0) {
          return Invalid(where, "GROUP and MAP nesting cannot set min_items or max_items");
        }
        break;
      case Nesting::kList:
      case Nesting::kSet:
        if (nb.max_items != 0 && nb.min_items > nb.max_items) {
          return Invalid(where, "min_items exceeds max_items");
        }
        break;
    }
    ADBJIT_RETURN_IF_ERROR(
        ValidateBlock(nb.block, prefix + nb.type_name + ".", in_set || nb.nesting == Nesting::kSet));
  }
  return Status::OK();
}

// --- ValidateConfig ---

// Runs `a`'s validators on `v`, hiding the value of a sensitive attribute in the messages.
void RunValidators(const Attribute& a, const Value& v, const AttributePath& path, Diagnostics& diags) {
  Diagnostics local;
  for (const Validator& validator : a.validators) {
    if (validator.check) validator.check(v, path, local);
  }
  if (a.sensitive) {
    std::optional<std::string> secret = v.GetString();
    if (!secret.has_value() && v.type().kind() == Type::Kind::kNumber) secret = v.AsNumber().ToString();
    if (secret.has_value() && !secret->empty()) {
      for (const Diagnostic& d : local.items()) {
        Diagnostic copy = d;
        for (std::string* text : {&copy.summary, &copy.detail}) {
          for (size_t pos = text->find(*secret); pos != std::string::npos; pos = text->find(*secret, pos)) {
            text->replace(pos, secret->size(), "(sensitive value)");
            pos += 17;
          }
        }
        if (d.severity == Diagnostic::Severity::kError) {
          diags.AddError(copy.summary, copy.detail, copy.attribute);
        } else {
          diags.AddWarning(copy.summary, copy.detail, copy.attribute);
        }
      }
      return;
    }
  }
  diags.Append(local);
}

// Inside SET blocks (`in_set`), elements have no path of their own: diagnostics point at the set.
void ValidateBlockConfig(const Block& block, const Value& obj, const AttributePath& path, bool in_set,
                         bool wo_allowed, Diagnostics& diags);

void ValidateAttributeConfig(const Attribute& a, const Value& v, const AttributePath& path, bool wo_allowed,
                             Diagnostics& diags) {
  if (a.write_only && !v.IsNull() && !wo_allowed) {
    diags.AddError("Write-only Attribute Not Allowed",
                   "\"" + a.name + "\" is a write-only attribute, which requires Terraform 1.11 or later. "
                   "Upgrade Terraform or remove this argument.",
                   path);
    return;
  }
  if (!v.IsKnown()) return;
  if (v.IsNull()) {
    if (a.required) {
      diags.AddError("Missing Required Argument",
                     "The argument \"" + a.name + "\" is required, but no value was given.", path);
    }
    return;
  }
  if (!a.deprecation_message.empty()) {
    diags.AddWarning("Argument is Deprecated", a.deprecation_message, path);
  }
  RunValidators(a, v, path, diags);
}

void CheckCount(const NestedBlock& nb, size_t count, const AttributePath& path, Diagnostics& diags) {
  auto n = static_cast<int64_t>(count);
  const std::string plural = nb.min_items == 1 ? " block is" : " blocks are";
  if (nb.min_items > 0 && n < nb.min_items) {
    diags.AddError("Insufficient " + nb.type_name + " blocks",
                   "At least " + std::to_string(nb.min_items) + " \"" + nb.type_name + "\"" + plural +
                       " required, got " + std::to_string(n) + ".",
                   path);
  }
  if (nb.max_items > 0 && n > nb.max_items) {
    diags.AddError("Too many " + nb.type_name + " blocks",
                   "No more than " + std::to_string(nb.max_items) + " \"" + nb.type_name + "\" " +
                       (nb.max_items == 1 ? "block is" : "blocks are") + " allowed, got " + std::to_string(n) +
                       ".",
                   path);
  }
}

void ValidateNestedConfig(const NestedBlock& nb, const Value& v, const AttributePath& path, bool in_set,
                          bool wo_allowed, Diagnostics& diags) {
  if (!v.IsKnown()) return;
  switch (nb.nesting) {
    case Nesting::kSingle:
    case Nesting::kGroup:
      if (v.IsNull()) {
        CheckCount(nb, 0, path, diags);
      } else {
        ValidateBlockConfig(nb.block, v, path, in_set, wo_allowed, diags);
      }
      return;
    case Nesting::kList:
    case Nesting::kSet: {
      if (v.IsNull()) {
        CheckCount(nb, 0, path, diags);
        return;
      }
      const auto& elements = v.AsElements();
      CheckCount(nb, elements.size(), path, diags);
      for (size_t i = 0; i < elements.size(); ++i) {
        const bool set = in_set || nb.nesting == Nesting::kSet;
        AttributePath ep = set ? path : path.Index(static_cast<int64_t>(i));
        ValidateBlockConfig(nb.block, elements[i], ep, set, wo_allowed, diags);
      }
      return;
    }
    case Nesting::kMap:
      if (v.IsNull()) return;
      for (const auto& [key, element] : v.AsEntries()) {
        ValidateBlockConfig(nb.block, element, in_set ? path : path.Key(key), in_set, wo_allowed, diags);
      }
      return;
  }
}

void ValidateBlockConfig(const Block& block, const Value& obj, const AttributePath& path, bool in_set,
                         bool wo_allowed, Diagnostics& diags) {
  if (!obj.IsKnown() || obj.IsNull()) return;
  for (const Attribute& a : block.attributes) {
    ValidateAttributeConfig(a, obj.Attr(a.name), in_set ? path : path.Attr(a.name), wo_allowed, diags);
  }
  for (const NestedBlock& nb : block.block_types) {
    ValidateNestedConfig(nb, obj.Attr(nb.type_name), in_set ? path : path.Attr(nb.type_name), in_set,
                         wo_allowed, diags);
  }
}

}  // namespace

const Attribute* Block::FindAttribute(std::string_view name) const {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const NestedBlock* Block::FindBlock(std::string_view name) const {
  for (const NestedBlock& nb : block_types) {
    if (nb.type_name == name) return &nb;
  }
  return nullptr;
}

// Like Terraform, a LIST or MAP block whose element type holds a dynamic part is typed dynamic
// (its value is then a tuple or an object), because elements could differ in type.
Type Block::ImpliedType() const {
  std::map<std::string, Type> types;
  for (const Attribute& a : attributes) types[a.name] = a.type;
  for (const NestedBlock& nb : block_types) {
    Type element = nb.block.ImpliedType();
    switch (nb.nesting) {
      case Nesting::kSingle:
      case Nesting::kGroup:
        types[nb.type_name] = element;
        break;
      case Nesting::kList:
        types[nb.type_name] = element.ContainsDynamic() ? Type::Dynamic() : Type::List(element);
        break;
      case Nesting::kSet:
        types[nb.type_name] = Type::Set(element);
        break;
      case Nesting::kMap:
        types[nb.type_name] = element.ContainsDynamic() ? Type::Dynamic() : Type::Map(element);
        break;
    }
  }
  return Type::Object(std::move(types));
}

bool TypeConforms(const Type& actual, const Type& expected) { return Conforms(actual, expected); }

Status ValidateSchema(const Schema& schema) {
  if (schema.version < 0) return InvalidArgumentError("schema version must be >= 0");
  return ValidateBlock(schema.block, "", false);
}

void ValidateConfig(const Schema& schema, const Value& config, bool write_only_allowed, Diagnostics& diags) {
  ValidateBlockConfig(schema.block, config, AttributePath(), false, write_only_allowed, diags);
}

}  // namespace adbjit::tf
