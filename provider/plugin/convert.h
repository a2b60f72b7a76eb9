// Protobuf <-> framework translation for tfplugin6: DynamicValue, ClientCapabilities, AttributePath,
// Diagnostics, Schema and timestamps. Mechanical copies only; the meaning lives in
// provider/framework (ProviderServer). Thread-safe (no state).
#ifndef ADBJIT_PROVIDER_PLUGIN_CONVERT_H_
#define ADBJIT_PROVIDER_PLUGIN_CONVERT_H_

#include <chrono>

#include <google/protobuf/repeated_ptr_field.h>
#include <google/protobuf/timestamp.pb.h>

#include "proto/tfplugin6/tfplugin6.pb.h"
#include "provider/framework/diagnostics.h"
#include "provider/framework/resource.h"
#include "provider/framework/schema.h"
#include "provider/framework/server.h"

namespace adbjit::plugin {

using DiagnosticList = google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>;

tf::DynamicValue FromProto(const tfplugin6::DynamicValue& in);
tf::ClientCapabilities FromProto(const tfplugin6::ClientCapabilities& in);
std::chrono::system_clock::time_point FromProto(const google::protobuf::Timestamp& in);

// Leaves `out` untouched (absent on the wire) when `in` has no bytes.
void ToProto(const tf::DynamicValue& in, tfplugin6::DynamicValue* out);
void ToProto(const tf::AttributePath& in, tfplugin6::AttributePath* out);
void ToProto(std::chrono::system_clock::time_point in, google::protobuf::Timestamp* out);
// Severity is always ERROR (1) or WARNING (2), never INVALID.
void ToProto(const tf::Diagnostic& in, tfplugin6::Diagnostic* out);
void AppendDiagnostics(const tf::Diagnostics& in, DiagnosticList* out);
// An error diagnostic without attribute path.
void AppendError(DiagnosticList* out, std::string summary, std::string detail);

// Always sets `block` (Terraform dereferences it unconditionally). Descriptions are markdown.
void ToProto(const tf::Schema& in, tfplugin6::Schema* out);
void ToProto(const tf::Block& in, tfplugin6::Schema::Block* out);
void ToProto(const tf::Attribute& in, tfplugin6::Schema::Attribute* out);
tfplugin6::Schema::NestedBlock::NestingMode ToProto(tf::Nesting in);

// What this provider supports beyond the protocol's baseline.
void SetServerCapabilities(tfplugin6::ServerCapabilities* out);

}  // namespace adbjit::plugin

#endif  // ADBJIT_PROVIDER_PLUGIN_CONVERT_H_
