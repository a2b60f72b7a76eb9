// Protobuf <-> framework translation for tfplugin6.
#include "provider/plugin/convert.h"

#include <type_traits>

namespace adbjit::plugin {

namespace pb = ::tfplugin6;

tf::DynamicValue FromProto(const pb::DynamicValue& in) { return tf::DynamicValue{in.msgpack(), in.json()}; }

tf::ClientCapabilities FromProto(const pb::ClientCapabilities& in) {
  return tf::ClientCapabilities{.deferral_allowed = in.deferral_allowed(),
                                .write_only_attributes_allowed = in.write_only_attributes_allowed()};
}

std::chrono::system_clock::time_point FromProto(const google::protobuf::Timestamp& in) {
  auto d = std::chrono::seconds(in.seconds()) + std::chrono::nanoseconds(in.nanos());
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(d));
}

void ToProto(const tf::DynamicValue& in, pb::DynamicValue* out) {
  if (in.empty()) return;
  if (!in.msgpack.empty()) out->set_msgpack(in.msgpack);
  if (!in.json.empty()) out->set_json(in.json);
}

void ToProto(const tf::AttributePath& in, pb::AttributePath* out) {
  for (const auto& step : in.steps()) {
    auto* s = out->add_steps();
    std::visit(
        [s](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, tf::AttributePath::AttributeName>) {
            s->set_attribute_name(v.name);
          } else if constexpr (std::is_same_v<T, tf::AttributePath::StringKey>) {
            s->set_element_key_string(v.key);
          } else {
            s->set_element_key_int(v.index);
          }
        },
        step);
  }
}

void ToProto(std::chrono::system_clock::time_point in, google::protobuf::Timestamp* out) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(in.time_since_epoch()).count();
  int64_t secs = ns / 1000000000;
  int64_t nanos = ns % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    secs -= 1;
  }
  out->set_seconds(secs);
  out->set_nanos(static_cast<int32_t>(nanos));
}

void ToProto(const tf::Diagnostic& in, pb::Diagnostic* out) {
  out->set_severity(in.severity == tf::Diagnostic::Severity::kWarning ? pb::Diagnostic::WARNING
                                                                      : pb::Diagnostic::ERROR);
  out->set_summary(in.summary);
  out->set_detail(in.detail);
  if (in.attribute && !in.attribute->empty()) ToProto(*in.attribute, out->mutable_attribute());
}

void AppendDiagnostics(const tf::Diagnostics& in, DiagnosticList* out) {
  for (const auto& d : in.items()) ToProto(d, out->Add());
}

void AppendError(DiagnosticList* out, std::string summary, std::string detail) {
  auto* d = out->Add();
  d->set_severity(pb::Diagnostic::ERROR);
  d->set_summary(std::move(summary));
  d->set_detail(std::move(detail));
}

pb::Schema::NestedBlock::NestingMode ToProto(tf::Nesting in) {
  switch (in) {
    case tf::Nesting::kSingle: return pb::Schema::NestedBlock::SINGLE;
    case tf::Nesting::kList: return pb::Schema::NestedBlock::LIST;
    case tf::Nesting::kSet: return pb::Schema::NestedBlock::SET;
    case tf::Nesting::kMap: return pb::Schema::NestedBlock::MAP;
    case tf::Nesting::kGroup: return pb::Schema::NestedBlock::GROUP;
  }
  return pb::Schema::NestedBlock::INVALID;
}

void ToProto(const tf::Attribute& in, pb::Schema::Attribute* out) {
  out->set_name(in.name);
  out->set_type(in.type.ToJson().dump());
  out->set_description(in.description);
  out->set_description_kind(pb::MARKDOWN);
  out->set_required(in.required);
  out->set_optional(in.optional);
  out->set_computed(in.computed);
  out->set_sensitive(in.sensitive);
  out->set_deprecated(!in.deprecation_message.empty());
  out->set_write_only(in.write_only);
}

void ToProto(const tf::Block& in, pb::Schema::Block* out) {
  out->set_description(in.description);
  out->set_description_kind(pb::MARKDOWN);
  out->set_deprecated(in.deprecated);
  for (const auto& a : in.attributes) ToProto(a, out->add_attributes());
  for (const auto& nb : in.block_types) {
    auto* b = out->add_block_types();
    b->set_type_name(nb.type_name);
    b->set_nesting(ToProto(nb.nesting));
    b->set_min_items(nb.min_items);
    b->set_max_items(nb.max_items);
    ToProto(nb.block, b->mutable_block());
  }
}

void ToProto(const tf::Schema& in, pb::Schema* out) {
  out->set_version(in.version);
  ToProto(in.block, out->mutable_block());
}

void SetServerCapabilities(pb::ServerCapabilities* out) {
  // Schemas are static, so Terraform may cache them instead of asking every process.
  out->set_get_provider_schema_optional(true);
  // Terraform plans destroys itself; the framework has nothing to add to them.
  out->set_plan_destroy(false);
  // `moved` blocks from databricks_token, databricks_instance_pool and azurerm_key_vault_secret.
  out->set_move_resource_state(true);
}

}  // namespace adbjit::plugin
