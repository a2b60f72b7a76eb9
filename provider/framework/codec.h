// Wire encodings of tf::Value: msgpack (DynamicValue.msgpack, what Terraform sends and expects) and
// cty JSON (RawState.json in UpgradeResourceState, and the state file).
//
// Both are driven by the schema type, because the bytes alone cannot tell a list from a set or an
// object from a map, and `dynamic` slots are encoded as [type JSON, value] (msgpack) or
// {"value","type"} (JSON). Decoding never throws and never crashes on hostile input: it returns a
// Status whose message names the attribute path ("at .tags["k"]: ...").
//
// msgpack follows go-cty 1.16: null = nil, unknown = any ext (ext 12 with a refinement map is
// decoded into Refinements), numbers as int / uint / float32 / float64 / decimal string, objects
// must contain exactly the type's attributes. Encoding emits the most compact number form, sorted
// object keys, and plain `d4 00 00` for every unknown.
#ifndef ADBJIT_FRAMEWORK_CODEC_H_
#define ADBJIT_FRAMEWORK_CODEC_H_

#include <string>
#include <string_view>

#include "provider/framework/value.h"
#include "provider/util/status.h"

namespace adbjit::tf {

StatusOr<Value> DecodeMsgpack(std::string_view data, const Type& type);
std::string EncodeMsgpack(const Value& value, const Type& type);

// JSON: numbers are parsed losslessly; a missing object attribute decodes as null, an extra one is
// an error. Encoding fails on unknown values (state is always wholly known).
StatusOr<Value> DecodeJson(std::string_view json, const Type& type);
StatusOr<std::string> EncodeJson(const Value& value, const Type& type);

// The type recorded for `value` in a `dynamic` slot: its own type with any dynamic parts resolved
// from its contents (e.g. a list(dynamic) of strings is list(string)).
Type ConcreteTypeOf(const Value& value);

}  // namespace adbjit::tf

#endif  // ADBJIT_FRAMEWORK_CODEC_H_
