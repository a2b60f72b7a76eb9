// Schemas as data. A resource, data source, ephemeral resource or the provider itself declares a
// Schema literal (designated initializers); GetProviderSchema, config validation, planning
// (defaults, "known after apply", forces-replacement) and the generated docs all derive from it.
//
//   Schema{.version = 1,
//          .block = {.description = "A Databricks personal access token.",
//                    .attributes = {{.name = "comment", .type = Type::String(), .optional = true,
//                                    .requires_replace = true, .description = "..."}}}}
//
// Invariants (checked by ValidateSchema, which every schema's unit test calls): names match
// ^[a-z0-9_]+$; an attribute is exactly one of required / optional / computed / optional+computed;
// write_only excludes computed and requires Terraform >= 1.11; defaults only on optional+computed;
// use_state_for_unknown only on computed attributes.
#ifndef ADBJIT_FRAMEWORK_SCHEMA_H_
#define ADBJIT_FRAMEWORK_SCHEMA_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "provider/framework/diagnostics.h"
#include "provider/framework/value.h"
#include "provider/util/status.h"

namespace adbjit::tf {

// A check on one attribute value. `check` is called only for known, non-null values; it adds
// diagnostics against `path`. `description` is a sentence fragment for the docs ("must be at least 1").
struct Validator {
  std::string description;
  std::function<void(const Value& value, const AttributePath& path, Diagnostics& diags)> check;
};

struct Attribute {
  std::string name;
  Type type;
  std::string description;  // markdown; shown in `terraform providers schema` and the docs
  bool required = false;
  bool optional = false;
  bool computed = false;
  bool sensitive = false;
  bool write_only = false;
  std::string deprecation_message;

  // Planning behaviour (applied by the plan engine, plan.h):
  bool requires_replace = false;       // a change to this attribute forces a new object
  bool use_state_for_unknown = false;  // computed: on update keep the prior value, not "(known after apply)"
  std::optional<Value> default_value;  // optional+computed: planned when the config leaves it null

  std::vector<Validator> validators;
};

enum class Nesting { kSingle, kList, kSet, kMap, kGroup };

struct NestedBlock;

struct Block {
  std::string description;  // markdown
  bool deprecated = false;
  std::vector<Attribute> attributes;
  std::vector<NestedBlock> block_types;

  const Attribute* FindAttribute(std::string_view name) const;
  const NestedBlock* FindBlock(std::string_view name) const;
  // The object type Terraform uses for values of this block (attributes + nested blocks).
  Type ImpliedType() const;
};

struct NestedBlock {
  std::string type_name;
  Nesting nesting = Nesting::kList;
  Block block;
  int64_t min_items = 0;
  int64_t max_items = 0;            // 0 = unlimited
  bool requires_replace = false;    // any change inside forces a new object
};

struct Schema {
  int64_t version = 0;  // state schema version (UpgradeResourceState)
  Block block;
  Type ImpliedType() const { return block.ImpliedType(); }
};

// Returns the first violation of the invariants above, naming the attribute.
Status ValidateSchema(const Schema& schema);

// Schema-driven validation of a configuration value: every known, non-null attribute's validators,
// nested block counts (when known), required attributes that are null (when the block is known),
// and write-only attributes when the client cannot handle them. Diagnostics carry attribute paths.
void ValidateConfig(const Schema& schema, const Value& config, bool write_only_allowed, Diagnostics& diags);

// Whether a value of type `actual` fits a slot of type `expected`: equal types, where any dynamic
// part of `expected` accepts every type.
bool TypeConforms(const Type& actual, const Type& expected);

}  // namespace adbjit::tf

#endif  // ADBJIT_FRAMEWORK_SCHEMA_H_
