// ProviderServer: decodes each RPC's DynamicValues by schema, runs validation, the plan engine and
// the resource hooks, enforces Terraform's rules on what comes back, and turns every exception into
// an "Internal provider error" diagnostic.
#include "provider/framework/server.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "provider/framework/codec.h"
#include "provider/framework/plan.h"
#include "provider/util/log.h"

namespace adbjit::tf {
namespace {

constexpr char kInternalError[] = "Internal provider error";

// --- exception guard ---

Diagnostics& DiagnosticsOf(Diagnostics& d) { return d; }
template <typename R>
Diagnostics& DiagnosticsOf(R& r) {
  return r.diagnostics;
}

// Runs `body`: what an escaping exception said, or nullopt when none escaped.
template <typename Body>
std::optional<std::string> Escaped(Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
  return std::nullopt;
}

// Runs `body`; an escaping exception becomes a fresh result holding one error diagnostic.
template <typename R, typename Body>
R Guarded(const char* rpc, Body&& body) {
  R result{};
  if (auto what = Escaped([&] { result = body(); })) {
    result = R{};
    DiagnosticsOf(result).AddError(kInternalError, std::string("The provider failed unexpectedly in ") + rpc +
                                                       ": " + *what + ". This is a bug in the provider.");
  }
  return result;
}

// --- values ---

bool Present(const Value& v) { return v.IsKnown() && !v.IsNull(); }

// Empty DynamicValues (an absent field) decode as null.
bool Decode(const DynamicValue& dv, const Type& type, const char* what, Value& out, Diagnostics& diags) {
  if (dv.empty()) {
    out = Value::Null(type);
    return true;
  }
  StatusOr<Value> v = !dv.msgpack.empty() ? DecodeMsgpack(dv.msgpack, type) : DecodeJson(dv.json, type);
  if (!v.ok()) {
    diags.AddError("Invalid " + std::string(what),
                   "Terraform sent a " + std::string(what) + " that does not match the schema: " +
                       v.status().message());
    return false;
  }
  out = std::move(v).value();
  return true;
}

DynamicValue Encode(const Value& v, const Type& type) { return DynamicValue{EncodeMsgpack(v, type), ""}; }

DynamicValue EncodeNull(const Type& type) { return Encode(Value::Null(type), type); }

Value ReplaceUnknowns(const Value& v, const AttributePath& path, std::vector<AttributePath>& found) {
  if (!v.IsKnown()) {
    found.push_back(path);
    return Value::Null(v.type());
  }
  if (v.IsNull() || v.IsWhollyKnown()) return v;
  const Type& t = v.type();
  switch (t.kind()) {
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kTuple: {
      std::vector<Value> out;
      const auto& elements = v.AsElements();
      for (size_t i = 0; i < elements.size(); ++i) {
        // Set elements have no path of their own; report the set.
        out.push_back(ReplaceUnknowns(
            elements[i], t.kind() == Type::Kind::kSet ? path : path.Index(static_cast<int64_t>(i)), found));
      }
      if (t.kind() == Type::Kind::kList) return Value::List(t.ElementType(), std::move(out));
      if (t.kind() == Type::Kind::kSet) return Value::Set(t.ElementType(), std::move(out));
      return Value::Tuple(std::move(out));
    }
    case Type::Kind::kMap:
    case Type::Kind::kObject: {
      std::map<std::string, Value> out;
      for (const auto& [k, e] : v.AsEntries()) {
        out.emplace(k, ReplaceUnknowns(e, t.kind() == Type::Kind::kMap ? path.Key(k) : path.Attr(k), found));
      }
      if (t.kind() == Type::Kind::kMap) return Value::Map(t.ElementType(), std::move(out));
      return Value::Object(t, std::move(out));
    }
    default:
      return v;
  }
}

bool HasWriteOnly(const Block& block) {
  for (const Attribute& a : block.attributes) {
    if (a.write_only) return true;
  }
  for (const NestedBlock& nb : block.block_types) {
    if (HasWriteOnly(nb.block)) return true;
  }
  return false;
}

// A copy of the block object `v` with every write-only attribute null (SET blocks cannot hold any).
Value NullWriteOnly(const Block& block, const Value& v) {
  if (!Present(v) || !HasWriteOnly(block)) return v;
  std::map<std::string, Value> out = v.AsEntries();
  for (const Attribute& a : block.attributes) {
    if (a.write_only) out[a.name] = Value::Null(a.type);
  }
  for (const NestedBlock& nb : block.block_types) {
    Value& c = out[nb.type_name];
    if (!Present(c) || !HasWriteOnly(nb.block)) continue;
    const Type ct = c.type();
    switch (nb.nesting) {
      case Nesting::kSingle:
      case Nesting::kGroup:
        c = NullWriteOnly(nb.block, c);
        break;
      case Nesting::kList: {
        std::vector<Value> elements;
        for (const Value& e : c.AsElements()) elements.push_back(NullWriteOnly(nb.block, e));
        c = ct.kind() == Type::Kind::kTuple ? Value::Tuple(std::move(elements))
                                            : Value::List(ct.ElementType(), std::move(elements));
        break;
      }
      case Nesting::kMap: {
        std::map<std::string, Value> entries;
        for (const auto& [k, e] : c.AsEntries()) entries.emplace(k, NullWriteOnly(nb.block, e));
        c = ct.kind() == Type::Kind::kObject ? Value::Object(ct, std::move(entries))
                                             : Value::Map(ct.ElementType(), std::move(entries));
        break;
      }
      case Nesting::kSet:
        break;
    }
  }
  return Value::Object(v.type(), std::move(out));
}

// Makes a non-null object returned by a hook safe to hand to Terraform: it must have the schema's
// type (else false), write-only attributes become null, and unknowns become null with an error
// unless `allow_unknown` (an ephemeral resource's result follows the plan-validity rules, so its
// computed attributes may stay unknown while planning).
bool SanitizeState(const Schema& schema, Value& state, Diagnostics& diags, bool allow_unknown = false) {
  const Type type = schema.ImpliedType();
  if (!TypeConforms(state.type(), type)) {
    diags.AddError("Provider produced invalid object",
                   "The provider returned a " + state.type().FriendlyName() +
                       " that does not match the schema. This is a bug in the provider.");
    return false;
  }
  state = NullWriteOnly(schema.block, state);
  if (allow_unknown) return true;
  std::vector<AttributePath> unknown;
  state = ReplaceUnknowns(state, AttributePath(), unknown);
  for (const AttributePath& p : unknown) {
    diags.AddError("Provider returned an unknown value",
                   "The provider left " + (p.empty() ? std::string("the object") : p.ToString()) +
                       " unknown after the operation; it is stored as null. This is a bug in the provider.",
                   p.empty() ? std::nullopt : std::optional<AttributePath>(p));
  }
  return true;
}

template <typename Map>
const typename Map::mapped_type* Find(const Map& map, const std::string& name, const char* kind,
                                      Diagnostics& diags) {
  auto it = map.find(name);
  if (it != map.end()) return &it->second;
  diags.AddError(std::string("Unknown ") + kind + " type",
                 "This provider has no " + std::string(kind) + " type \"" + name +
                     "\". Check the spelling, or upgrade the provider.");
  return nullptr;
}

void Dedupe(std::vector<AttributePath>& paths) {
  std::vector<AttributePath> out;
  for (AttributePath& p : paths) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
  }
  paths = std::move(out);
}

}  // namespace

ProviderServer::ProviderServer(std::shared_ptr<const Provider> provider) : provider_(std::move(provider)) {
  for (auto& r : provider_->Resources()) {
    if (r) resources_.emplace(r->TypeName(), r);
  }
  for (auto& d : provider_->DataSources()) {
    if (d) data_sources_.emplace(d->TypeName(), d);
  }
  for (auto& e : provider_->EphemeralResources()) {
    if (e) ephemeral_.emplace(e->TypeName(), e);
  }
}

ProviderServer::Schemas ProviderServer::GetSchemas() const {
  Schemas s;
  s.provider = &provider_->GetSchema();
  for (const auto& [name, r] : resources_) s.resources[name] = &r->GetSchema();
  for (const auto& [name, d] : data_sources_) s.data_sources[name] = &d->GetSchema();
  for (const auto& [name, e] : ephemeral_) s.ephemeral_resources[name] = &e->GetSchema();
  return s;
}

CallContext ProviderServer::Context(const ClientCapabilities& caps) const {
  std::lock_guard<std::mutex> lock(mu_);
  return CallContext{data_, caps};
}

CallContext ProviderServer::ConfiguredContext() const {
  std::lock_guard<std::mutex> lock(mu_);
  return CallContext{data_, configured_caps_};
}

// --- provider ---

Diagnostics ProviderServer::ValidateProviderConfig(const DynamicValue& config) {
  return Guarded<Diagnostics>("ValidateProviderConfig", [&] {
    Diagnostics diags;
    const Schema& schema = provider_->GetSchema();
    Value cfg;
    if (!Decode(config, schema.ImpliedType(), "provider configuration", cfg, diags)) return diags;
    ValidateConfig(schema, cfg, true, diags);
    provider_->ValidateConfig(cfg, diags);
    return diags;
  });
}

Diagnostics ProviderServer::ConfigureProvider(const std::string& terraform_version, const DynamicValue& config,
                                              const ClientCapabilities& caps) {
  return Guarded<Diagnostics>("ConfigureProvider", [&] {
    Diagnostics diags;
    ConfigureRequest req{terraform_version, Value(), caps};
    if (!Decode(config, provider_->GetSchema().ImpliedType(), "provider configuration", req.config, diags)) {
      return diags;
    }
    ConfigureResponse resp;
    provider_->Configure(req, resp);
    if (!resp.diagnostics.HasError()) {
      std::lock_guard<std::mutex> lock(mu_);
      // The data replaced now is kept whatever it holds: a call still running on it (an ephemeral
      // Open) may add what Shutdown must undo. Older data is kept only while it needs Shutdown.
      std::erase_if(retired_, [](const std::shared_ptr<ProviderData>& d) { return !d->NeedsShutdown(); });
      if (data_ != nullptr && data_ != resp.data) retired_.push_back(data_);
      data_ = resp.data;
      configured_caps_ = caps;
    }
    return resp.diagnostics;
  });
}

std::string ProviderServer::StopProvider() {
  const std::shared_ptr<ProviderData> data = ConfiguredContext().provider;
  if (auto what = Escaped([&] { provider_->Stop(data); })) return std::string(kInternalError) + ": " + *what;
  return "";
}

void ProviderServer::Shutdown() {
  std::vector<std::shared_ptr<ProviderData>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all = std::exchange(retired_, {});
    all.push_back(data_);
  }
  for (const std::shared_ptr<ProviderData>& data : all) {
    if (auto what = Escaped([&] { provider_->Shutdown(data); })) {
      log::Error("sdk", "provider shutdown failed", {{"error", *what}});
    }
  }
}

// --- managed resources ---

Diagnostics ProviderServer::ValidateResourceConfig(const std::string& type_name, const DynamicValue& config,
                                                   const ClientCapabilities& caps) {
  return Guarded<Diagnostics>("ValidateResourceConfig", [&] {
    Diagnostics diags;
    const auto* r = Find(resources_, type_name, "resource", diags);
    if (r == nullptr) return diags;
    const Schema& schema = (*r)->GetSchema();
    Value cfg;
    if (!Decode(config, schema.ImpliedType(), "resource configuration", cfg, diags)) return diags;
    ValidateConfig(schema, cfg, caps.write_only_attributes_allowed, diags);
    (*r)->ValidateConfig(Context(caps), cfg, diags);
    return diags;
  });
}

ProviderServer::UpgradeResult ProviderServer::UpgradeResourceState(const std::string& type_name, int64_t version,
                                                                   const std::string& raw_json) {
  return Guarded<UpgradeResult>("UpgradeResourceState", [&] {
    UpgradeResult result;
    const auto* r = Find(resources_, type_name, "resource", result.diagnostics);
    if (r == nullptr) return result;
    const Schema& schema = (*r)->GetSchema();
    if (version > schema.version) {
      result.diagnostics.AddError(
          "Resource Managed by a Newer Provider Version",
          "This " + type_name + " state was written by a newer provider version (schema version " +
              std::to_string(version) + "; this provider knows up to " + std::to_string(schema.version) +
              "). Upgrade the provider to use this state.");
      return result;
    }
    UpgradeResponse resp;
    (*r)->UpgradeState(ConfiguredContext(), UpgradeRequest{version, raw_json}, resp);
    result.diagnostics = std::move(resp.diagnostics);
    if (result.diagnostics.HasError()) return result;
    if (resp.state.IsNull()) {
      result.diagnostics.AddError("Provider returned no state",
                                  "Upgrading the stored state of this " + type_name +
                                      " produced no object. This is a bug in the provider.");
      return result;
    }
    if (SanitizeState(schema, resp.state, result.diagnostics)) {
      result.upgraded_state = Encode(resp.state, schema.ImpliedType());
    }
    return result;
  });
}

ProviderServer::ReadResult ProviderServer::ReadResource(const std::string& type_name,
                                                        const DynamicValue& current_state,
                                                        const std::string& private_data,
                                                        const ClientCapabilities& caps) {
  return Guarded<ReadResult>("ReadResource", [&] {
    ReadResult result;
    result.private_data = private_data;
    const auto* r = Find(resources_, type_name, "resource", result.diagnostics);
    if (r == nullptr) return result;
    const Schema& schema = (*r)->GetSchema();
    const Type type = schema.ImpliedType();
    ReadRequest req;
    req.private_data = private_data;
    if (!Decode(current_state, type, "current state", req.current_state, result.diagnostics)) return result;
    if (req.current_state.IsNull()) {
      result.new_state = EncodeNull(type);
      return result;
    }
    ReadResponse resp;
    resp.private_data = private_data;
    (*r)->Read(Context(caps), req, resp);
    result.diagnostics.Append(resp.diagnostics);
    result.private_data = resp.private_data;
    if (resp.new_state.IsNull()) {
      // Gone, unless the read failed: then keep the state rather than let Terraform drop it.
      result.new_state = result.diagnostics.HasError() ? current_state : EncodeNull(type);
      return result;
    }
    if (!SanitizeState(schema, resp.new_state, result.diagnostics)) {
      result.new_state = current_state;
      result.private_data = private_data;
      return result;
    }
    result.new_state = Encode(resp.new_state, type);
    return result;
  });
}

ProviderServer::PlanResult ProviderServer::PlanResourceChange(const std::string& type_name,
                                                              const DynamicValue& prior_state,
                                                              const DynamicValue& proposed_new_state,
                                                              const DynamicValue& config,
                                                              const std::string& prior_private,
                                                              const ClientCapabilities& caps) {
  return Guarded<PlanResult>("PlanResourceChange", [&] {
    PlanResult result;
    const auto* r = Find(resources_, type_name, "resource", result.diagnostics);
    if (r == nullptr) return result;
    const Schema& schema = (*r)->GetSchema();
    const Type type = schema.ImpliedType();
    PlanRequest req;
    if (!Decode(prior_state, type, "prior state", req.prior_state, result.diagnostics) ||
        !Decode(proposed_new_state, type, "proposed new state", req.proposed_new_state, result.diagnostics) ||
        !Decode(config, type, "configuration", req.config, result.diagnostics)) {
      return result;
    }
    if (req.proposed_new_state.IsNull()) {
      result.planned_state = EncodeNull(type);
      return result;
    }
    // A new object starts with no private data: the create half of a replacement is planned with
    // the replaced object's (Terraform passes the first plan's private on), whose marks (a revoked
    // token, a disabled secret) are not the new object's.
    req.prior_private = req.prior_state.IsNull() ? std::string() : prior_private;
    tf::PlanResult base = PlanFromSchema(schema, req.prior_state, req.proposed_new_state, req.config);
    PlanResponse resp;
    resp.planned_state = std::move(base.planned_state);
    resp.requires_replace = std::move(base.requires_replace);
    resp.planned_private = req.prior_private;
    (*r)->ModifyPlan(Context(caps), req, resp);
    result.diagnostics.Append(resp.diagnostics);
    if (resp.planned_state.IsNull()) {
      result.diagnostics.AddError("Provider planned a null object",
                                  "The plan for this " + type_name + " is empty although it is not being "
                                  "destroyed. This is a bug in the provider.");
      return result;
    }
    if (!TypeConforms(resp.planned_state.type(), type)) {
      result.diagnostics.AddError("Provider produced invalid plan",
                                  "The planned " + type_name + " does not match the schema. This is a bug "
                                  "in the provider.");
      return result;
    }
    Dedupe(resp.requires_replace);
    result.planned_state = Encode(NullWriteOnly(schema.block, resp.planned_state), type);
    result.requires_replace = std::move(resp.requires_replace);
    result.planned_private = std::move(resp.planned_private);
    return result;
  });
}

ProviderServer::ApplyResult ProviderServer::ApplyResourceChange(const std::string& type_name,
                                                                const DynamicValue& prior_state,
                                                                const DynamicValue& planned_state,
                                                                const DynamicValue& config,
                                                                const std::string& planned_private) {
  return Guarded<ApplyResult>("ApplyResourceChange", [&] {
    ApplyResult result;
    const auto* r = Find(resources_, type_name, "resource", result.diagnostics);
    if (r == nullptr) return result;
    const Schema& schema = (*r)->GetSchema();
    const Type type = schema.ImpliedType();
    ApplyRequest req;
    req.planned_private = planned_private;
    if (!Decode(prior_state, type, "prior state", req.prior_state, result.diagnostics) ||
        !Decode(planned_state, type, "planned state", req.planned_state, result.diagnostics) ||
        !Decode(config, type, "configuration", req.config, result.diagnostics)) {
      return result;
    }
    const CallContext ctx = ConfiguredContext();
    ApplyResponse resp;
    resp.private_data = planned_private;
    if (req.planned_state.IsNull()) {
      (*r)->Delete(ctx, req, resp);
      result.diagnostics = std::move(resp.diagnostics);
      if (result.diagnostics.HasError() && !resp.new_state.IsNull() &&
          SanitizeState(schema, resp.new_state, result.diagnostics)) {
        // A failed delete that keeps the object: Terraform stores this state and private data
        // (e.g. a note that the next destroy must finish the job).
        result.new_state = Encode(resp.new_state, type);
        result.private_data = std::move(resp.private_data);
        return result;
      }
      result.new_state = EncodeNull(type);
      result.private_data = planned_private;  // Terraform keeps the prior state if the delete failed
      return result;
    }
    const bool create = req.prior_state.IsNull();
    if (create) {
      (*r)->Create(ctx, req, resp);
    } else {
      (*r)->Update(ctx, req, resp);
    }
    result.diagnostics = std::move(resp.diagnostics);
    result.private_data = std::move(resp.private_data);
    if (resp.new_state.IsNull()) {
      if (!result.diagnostics.HasError()) {
        result.diagnostics.AddError("Provider returned no state",
                                    std::string(create ? "Creating" : "Updating") + " this " + type_name +
                                        " succeeded but returned no object. This is a bug in the provider.");
      }
      result.new_state = EncodeNull(type);
      return result;
    }
    // On a failed create a non-null state is kept: Terraform saves it tainted, nothing is orphaned.
    result.new_state =
        SanitizeState(schema, resp.new_state, result.diagnostics) ? Encode(resp.new_state, type) : EncodeNull(type);
    return result;
  });
}

ProviderServer::ImportResult ProviderServer::ImportResourceState(const std::string& type_name,
                                                                 const std::string& id,
                                                                 const ClientCapabilities& caps) {
  return Guarded<ImportResult>("ImportResourceState", [&] {
    ImportResult result;
    result.type_name = type_name;
    const auto* r = Find(resources_, type_name, "resource", result.diagnostics);
    if (r == nullptr) return result;
    const Schema& schema = (*r)->GetSchema();
    ImportResponse resp;
    (*r)->Import(Context(caps), ImportRequest{id}, resp);
    result.diagnostics = std::move(resp.diagnostics);
    if (result.diagnostics.HasError()) return result;
    if (resp.state.IsNull()) {
      result.diagnostics.AddError("Import returned no state",
                                  "Importing " + type_name + " \"" + id +
                                      "\" produced no object. This is a bug in the provider.");
      return result;
    }
    if (SanitizeState(schema, resp.state, result.diagnostics)) {
      result.state = Encode(resp.state, schema.ImpliedType());
      result.private_data = std::move(resp.private_data);
    }
    return result;
  });
}

ProviderServer::MoveResult ProviderServer::MoveResourceState(const std::string& target_type_name,
                                                             const MoveRequest& req) {
  return Guarded<MoveResult>("MoveResourceState", [&] {
    MoveResult result;
    const auto* r = Find(resources_, target_type_name, "resource", result.diagnostics);
    if (r == nullptr) return result;
    const Schema& schema = (*r)->GetSchema();
    MoveResponse resp;
    (*r)->MoveState(ConfiguredContext(), req, resp);
    result.diagnostics = std::move(resp.diagnostics);
    if (result.diagnostics.HasError()) return result;
    if (resp.state.IsNull()) {
      result.diagnostics.AddError("Move returned no state",
                                  "Moving " + req.source_type_name + " to " + target_type_name +
                                      " produced no object. This is a bug in the provider.");
      return result;
    }
    if (SanitizeState(schema, resp.state, result.diagnostics)) {
      result.target_state = Encode(resp.state, schema.ImpliedType());
      result.target_private = std::move(resp.private_data);
    }
    return result;
  });
}

// --- data sources ---

Diagnostics ProviderServer::ValidateDataResourceConfig(const std::string& type_name, const DynamicValue& config) {
  return Guarded<Diagnostics>("ValidateDataResourceConfig", [&] {
    Diagnostics diags;
    const auto* d = Find(data_sources_, type_name, "data source", diags);
    if (d == nullptr) return diags;
    const Schema& schema = (*d)->GetSchema();
    Value cfg;
    if (!Decode(config, schema.ImpliedType(), "data source configuration", cfg, diags)) return diags;
    ValidateConfig(schema, cfg, true, diags);
    (*d)->ValidateConfig(ConfiguredContext(), cfg, diags);
    return diags;
  });
}

ProviderServer::DataResult ProviderServer::ReadDataSource(const std::string& type_name,
                                                          const DynamicValue& config,
                                                          const ClientCapabilities& caps) {
  return Guarded<DataResult>("ReadDataSource", [&] {
    DataResult result;
    const auto* d = Find(data_sources_, type_name, "data source", result.diagnostics);
    if (d == nullptr) return result;
    const Schema& schema = (*d)->GetSchema();
    DataReadRequest req;
    if (!Decode(config, schema.ImpliedType(), "data source configuration", req.config, result.diagnostics)) {
      return result;
    }
    DataReadResponse resp;
    (*d)->Read(Context(caps), req, resp);
    result.diagnostics = std::move(resp.diagnostics);
    if (result.diagnostics.HasError()) return result;
    if (resp.state.IsNull()) {
      result.diagnostics.AddError("Provider returned no state", "Reading the data source " + type_name +
                                                                    " produced no object. This is a bug in "
                                                                    "the provider.");
      return result;
    }
    if (SanitizeState(schema, resp.state, result.diagnostics)) {
      result.state = Encode(resp.state, schema.ImpliedType());
    }
    return result;
  });
}

// --- ephemeral resources ---

Diagnostics ProviderServer::ValidateEphemeralResourceConfig(const std::string& type_name,
                                                            const DynamicValue& config) {
  return Guarded<Diagnostics>("ValidateEphemeralResourceConfig", [&] {
    Diagnostics diags;
    const auto* e = Find(ephemeral_, type_name, "ephemeral resource", diags);
    if (e == nullptr) return diags;
    const Schema& schema = (*e)->GetSchema();
    Value cfg;
    if (!Decode(config, schema.ImpliedType(), "ephemeral resource configuration", cfg, diags)) return diags;
    ValidateConfig(schema, cfg, true, diags);
    (*e)->ValidateConfig(ConfiguredContext(), cfg, diags);
    return diags;
  });
}

ProviderServer::OpenResult ProviderServer::OpenEphemeralResource(const std::string& type_name,
                                                                 const DynamicValue& config,
                                                                 const ClientCapabilities& caps) {
  return Guarded<OpenResult>("OpenEphemeralResource", [&] {
    OpenResult result;
    const auto* e = Find(ephemeral_, type_name, "ephemeral resource", result.diagnostics);
    if (e == nullptr) return result;
    const Schema& schema = (*e)->GetSchema();
    OpenRequest req;
    if (!Decode(config, schema.ImpliedType(), "ephemeral resource configuration", req.config,
                result.diagnostics)) {
      return result;
    }
    OpenResponse resp;
    (*e)->Open(Context(caps), req, resp);
    result.diagnostics = std::move(resp.diagnostics);
    if (result.diagnostics.HasError()) return result;
    if (resp.result.IsNull()) {
      result.diagnostics.AddError("Provider returned no result", "Opening the ephemeral resource " + type_name +
                                                                     " produced no object. This is a bug in "
                                                                     "the provider.");
      return result;
    }
    if (!SanitizeState(schema, resp.result, result.diagnostics, /*allow_unknown=*/true)) return result;
    result.result = Encode(resp.result, schema.ImpliedType());
    if (!resp.private_data.empty()) result.private_data = std::move(resp.private_data);
    result.renew_at = resp.renew_at;
    return result;
  });
}

ProviderServer::RenewResult ProviderServer::RenewEphemeralResource(const std::string& type_name,
                                                                   const std::optional<std::string>& private_data) {
  return Guarded<RenewResult>("RenewEphemeralResource", [&] {
    RenewResult result;
    const auto* e = Find(ephemeral_, type_name, "ephemeral resource", result.diagnostics);
    if (e == nullptr) return result;
    RenewRequest req{private_data.value_or("")};
    RenewResponse resp;
    resp.private_data = req.private_data;  // kept unless the hook replaces it
    (*e)->Renew(ConfiguredContext(), req, resp);
    result.diagnostics = std::move(resp.diagnostics);
    if (!resp.private_data.empty()) result.private_data = std::move(resp.private_data);
    result.renew_at = resp.renew_at;
    return result;
  });
}

Diagnostics ProviderServer::CloseEphemeralResource(const std::string& type_name,
                                                   const std::optional<std::string>& private_data) {
  return Guarded<Diagnostics>("CloseEphemeralResource", [&] {
    Diagnostics diags;
    const auto* e = Find(ephemeral_, type_name, "ephemeral resource", diags);
    if (e == nullptr) return diags;
    CloseResponse resp;
    (*e)->Close(ConfiguredContext(), CloseRequest{private_data.value_or("")}, resp);
    return resp.diagnostics;
  });
}

}  // namespace adbjit::tf
