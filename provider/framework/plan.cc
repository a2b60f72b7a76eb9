// The schema-driven plan engine: defaults, write-only nulls, "known after apply", the no-op rule
// and requires_replace paths, recursing through nested blocks.
#include "provider/framework/plan.h"

#include <algorithm>
#include <map>
#include <utility>

namespace adbjit::tf {
namespace {

bool Present(const Value& v) { return v.IsKnown() && !v.IsNull(); }

// The attribute of an object value, or null of `type` when the object is null or unknown.
Value Child(const Value& object, const std::string& name, const Type& type) {
  if (!Present(object)) return Value::Null(type);
  const Value& v = object.Attr(name);
  // A missing name comes back as a null dynamic; keep the schema type for it.
  return v.IsNull() ? Value::Null(type) : v;
}

const Value& NullValue() {
  static const Value kNull;
  return kNull;
}

const Value& Element(const Value& list, size_t i) {
  if (!Present(list) || i >= list.AsElements().size()) return NullValue();
  return list.AsElements()[i];
}

const Value& Entry(const Value& map, const std::string& key) {
  if (!Present(map)) return NullValue();
  const auto& entries = map.AsEntries();
  auto it = entries.find(key);
  return it == entries.end() ? NullValue() : it->second;
}

// Rebuilds a collection of nested block objects, transforming each element with
// fn(element, index or key). LIST elements are matched by index, MAP elements by key; SET elements
// stay as they are, because set elements cannot be matched between prior and proposed.
template <typename Fn>
Value MapBlockElements(const NestedBlock& nb, const Value& v, Fn&& fn) {
  if (!Present(v)) return v;
  switch (nb.nesting) {
    case Nesting::kSingle:
    case Nesting::kGroup:
      return fn(v, 0, std::string());
    case Nesting::kList: {
      std::vector<Value> out;
      const auto& elements = v.AsElements();
      for (size_t i = 0; i < elements.size(); ++i) out.push_back(fn(elements[i], i, std::string()));
      if (v.type().kind() == Type::Kind::kTuple) return Value::Tuple(std::move(out));
      return Value::List(v.type().ElementType(), std::move(out));
    }
    case Nesting::kMap: {
      std::map<std::string, Value> out;
      for (const auto& [key, element] : v.AsEntries()) out.emplace(key, fn(element, 0, key));
      if (v.type().kind() == Type::Kind::kObject) return Value::Object(v.type(), std::move(out));
      return Value::Map(v.type().ElementType(), std::move(out));
    }
    case Nesting::kSet:
      return v;
  }
  return v;
}

// The prior / config counterpart of a nested element (see MapBlockElements).
const Value& Counterpart(const NestedBlock& nb, const Value& collection, size_t index, const std::string& key) {
  switch (nb.nesting) {
    case Nesting::kSingle:
    case Nesting::kGroup:
      return Present(collection) ? collection : NullValue();
    case Nesting::kList:
      return Element(collection, index);
    case Nesting::kMap:
      return Entry(collection, key);
    case Nesting::kSet:
      break;
  }
  return NullValue();
}

// First pass: write-only attributes null, defaults where the config is null, and on a new object
// (no prior counterpart) computed attributes without config unknown.
Value ApplyConfigRules(const Block& block, const Value& prior, const Value& proposed, const Value& config) {
  if (!Present(proposed)) return proposed;
  const bool creating = !Present(prior);
  std::map<std::string, Value> out = proposed.AsEntries();
  for (const Attribute& a : block.attributes) {
    const Value cfg = Child(config, a.name, a.type);
    Value& planned = out[a.name];
    if (a.write_only) {
      planned = Value::Null(a.type);
    } else if (a.computed && cfg.IsNull()) {
      if (a.default_value.has_value()) {
        planned = *a.default_value;
      } else if (creating) {
        planned = Value::Unknown(a.type);
      }
    }
  }
  for (const NestedBlock& nb : block.block_types) {
    const Value prior_c = Child(prior, nb.type_name, Type::Dynamic());
    const Value config_c = Child(config, nb.type_name, Type::Dynamic());
    Value& planned = out[nb.type_name];
    planned = MapBlockElements(nb, planned, [&](const Value& element, size_t i, const std::string& key) {
      return ApplyConfigRules(nb.block, Counterpart(nb, prior_c, i, key), element,
                              Counterpart(nb, config_c, i, key));
    });
  }
  return Value::Object(proposed.type(), std::move(out));
}

// Second pass (a real change, or a replacement when prior is null): computed attributes without
// config and without a default become unknown, unless use_state_for_unknown and a prior object
// exists to take the value from.
Value MarkUnknown(const Block& block, const Value& prior, const Value& planned, const Value& config) {
  if (!Present(planned)) return planned;
  std::map<std::string, Value> out = planned.AsEntries();
  for (const Attribute& a : block.attributes) {
    if (!a.computed || a.write_only || a.default_value.has_value()) continue;
    if (!Child(config, a.name, a.type).IsNull()) continue;
    if (a.use_state_for_unknown && Present(prior)) {
      out[a.name] = Child(prior, a.name, a.type);
    } else {
      out[a.name] = Value::Unknown(a.type);
    }
  }
  for (const NestedBlock& nb : block.block_types) {
    const Value prior_c = Child(prior, nb.type_name, Type::Dynamic());
    const Value config_c = Child(config, nb.type_name, Type::Dynamic());
    Value& v = out[nb.type_name];
    v = MapBlockElements(nb, v, [&](const Value& element, size_t i, const std::string& key) {
      return MarkUnknown(nb.block, Counterpart(nb, prior_c, i, key), element, Counterpart(nb, config_c, i, key));
    });
  }
  return Value::Object(planned.type(), std::move(out));
}

bool BlockHasReplace(const Block& block) {
  for (const Attribute& a : block.attributes) {
    if (a.requires_replace) return true;
  }
  for (const NestedBlock& nb : block.block_types) {
    if (nb.requires_replace || BlockHasReplace(nb.block)) return true;
  }
  return false;
}

// Lists the requires_replace paths whose planned value differs from prior. A path that exists on
// one side only (a new list element) counts as changed, as Terraform does.
void CollectReplace(const Block& block, const Value& prior, const Value& planned, const AttributePath& path,
                    std::vector<AttributePath>& out) {
  for (const Attribute& a : block.attributes) {
    if (a.requires_replace && Child(planned, a.name, a.type) != Child(prior, a.name, a.type)) {
      out.push_back(path.Attr(a.name));
    }
  }
  for (const NestedBlock& nb : block.block_types) {
    const Value p = Child(prior, nb.type_name, Type::Dynamic());
    const Value n = Child(planned, nb.type_name, Type::Dynamic());
    const AttributePath bp = path.Attr(nb.type_name);
    if (p == n || (p.IsNull() && n.IsNull())) continue;
    if (nb.requires_replace || (nb.nesting == Nesting::kSet && BlockHasReplace(nb.block))) {
      out.push_back(bp);
      continue;
    }
    if (!Present(n) || !Present(p)) {
      // Added or removed as a whole: inner attributes changed from / to nothing.
      if (BlockHasReplace(nb.block)) out.push_back(bp);
      continue;
    }
    switch (nb.nesting) {
      case Nesting::kSingle:
      case Nesting::kGroup:
        CollectReplace(nb.block, p, n, bp, out);
        break;
      case Nesting::kList: {
        size_t count = std::max(p.AsElements().size(), n.AsElements().size());
        for (size_t i = 0; i < count; ++i) {
          CollectReplace(nb.block, Element(p, i), Element(n, i), bp.Index(static_cast<int64_t>(i)), out);
        }
        break;
      }
      case Nesting::kMap: {
        std::map<std::string, bool> keys;
        for (const auto& [k, unused] : p.AsEntries()) keys[k] = true;
        for (const auto& [k, unused] : n.AsEntries()) keys[k] = true;
        for (const auto& [k, unused] : keys) CollectReplace(nb.block, Entry(p, k), Entry(n, k), bp.Key(k), out);
        break;
      }
      case Nesting::kSet:
        break;
    }
  }
}

}  // namespace

PlanResult PlanFromSchema(const Schema& schema, const Value& prior_state, const Value& proposed_new_state,
                          const Value& config) {
  PlanResult result;
  if (proposed_new_state.IsNull()) {
    result.planned_state = Value::Null(schema.ImpliedType());
    return result;
  }
  Value planned = ApplyConfigRules(schema.block, prior_state, proposed_new_state, config);
  if (!Present(prior_state)) {
    result.planned_state = std::move(planned);
    return result;
  }
  if (planned == prior_state) {
    result.planned_state = prior_state;
    return result;
  }
  // Compared before computed attributes turn unknown, so that "known after apply" inside a block
  // marked requires_replace does not by itself force a replacement.
  CollectReplace(schema.block, prior_state, planned, AttributePath(), result.requires_replace);
  result.planned_state = MarkUnknown(schema.block, prior_state, planned, config);
  return result;
}

Value MarkComputedUnknown(const Schema& schema, const Value& planned, const Value& config) {
  return MarkUnknown(schema.block, Value(), planned, config);
}

}  // namespace adbjit::tf
