// The schema-driven part of PlanResourceChange, shared by every resource. Given the prior state,
// Terraform's proposed new state and the config, PlanFromSchema produces the planned state that a
// resource's ModifyPlan hook then refines:
//   - create (prior null): computed attributes the config leaves null become their default_value or
//     unknown ("known after apply"), recursively in nested blocks;
//   - update: if nothing differs from prior, planned == prior exactly (a no-op); otherwise computed
//     attributes without config become unknown unless use_state_for_unknown or a default applies;
//   - requires_replace: every attribute / nested block marked requires_replace whose planned value
//     differs from prior (unknown counts as different) is listed; values are compared before
//     computed attributes become unknown on update, so "known after apply" alone never forces a
//     replacement;
//   - write-only attributes are planned null.
// Destroy (proposed null) plans null.
#ifndef ADBJIT_FRAMEWORK_PLAN_H_
#define ADBJIT_FRAMEWORK_PLAN_H_

#include <vector>

#include "provider/framework/diagnostics.h"
#include "provider/framework/schema.h"
#include "provider/framework/value.h"

namespace adbjit::tf {

struct PlanResult {
  Value planned_state;
  std::vector<AttributePath> requires_replace;
};

PlanResult PlanFromSchema(const Schema& schema, const Value& prior_state, const Value& proposed_new_state,
                          const Value& config);

// Helpers for ModifyPlan hooks: the value at a top-level attribute of an object, or null.
inline const Value& AttrOrNull(const Value& object, std::string_view name) {
  static const Value kNull;
  if (object.IsNull() || !object.IsKnown()) return kNull;
  return object.Attr(name);
}

// Marks every computed attribute that is not set in config unknown (used when ModifyPlan decides a
// replacement is needed, e.g. an expired token).
Value MarkComputedUnknown(const Schema& schema, const Value& planned, const Value& config);

}  // namespace adbjit::tf

#endif  // ADBJIT_FRAMEWORK_PLAN_H_
