// adbjit_instance_pool: a Databricks instance pool. The edit API's fields (name, idle instances,
// capacity, auto-termination, tags) update in place; the rest force a new pool (schema flags).
// Refresh compares only what the user declared, so server-filled values (azure_attributes, default
// tags, elastic disk) never show as perpetual diffs.
#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "provider/util/ascii.h"
#include "resources/common.h"
#include "resources/resources.h"
#include "resources/schemas.h"

namespace adbjit::resources {
namespace {

using tf::AttributePath;
using tf::Type;
using tf::Value;

const Type& AzureAttributesType() {
  static const Type* t = new Type(InstancePoolSchema().block.FindBlock("azure_attributes")->block.ImpliedType());
  return *t;
}
const Type& DiskSpecType() {
  static const Type* t = new Type(InstancePoolSchema().block.FindBlock("disk_spec")->block.ImpliedType());
  return *t;
}
const Type& DiskTypeType() {
  static const Type* t =
      new Type(InstancePoolSchema().block.FindBlock("disk_spec")->block.FindBlock("disk_type")->block.ImpliedType());
  return *t;
}

std::optional<int> OptInt(const Value& o, std::string_view a) {
  auto v = GetInt(o, a);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

// The API request for a planned state.
databricks::InstancePool SpecFrom(const Value& planned) {
  databricks::InstancePool p;
  p.instance_pool_id = GetStr(planned, "instance_pool_id").value_or("");
  p.instance_pool_name = GetStr(planned, "instance_pool_name").value_or("");
  p.node_type_id = GetStr(planned, "node_type_id").value_or("");
  p.min_idle_instances = OptInt(planned, "min_idle_instances");
  p.max_capacity = OptInt(planned, "max_capacity");
  p.idle_instance_autotermination_minutes = OptInt(planned, "idle_instance_autotermination_minutes");
  p.custom_tags = GetStrMap(planned, "custom_tags");
  p.enable_elastic_disk = GetBool(planned, "enable_elastic_disk");
  p.preloaded_spark_versions = GetStrList(planned, "preloaded_spark_versions").value_or(std::vector<std::string>{});
  const Value& az = Get(planned, "azure_attributes");
  if (!az.IsNull() && az.IsKnown()) {
    p.azure_attributes = databricks::AzureAttributes{GetStr(az, "availability"), GetDouble(az, "spot_bid_max_price")};
  }
  const Value& disk = Get(planned, "disk_spec");
  if (!disk.IsNull() && disk.IsKnown()) {
    databricks::DiskSpec d{OptInt(disk, "disk_count"), OptInt(disk, "disk_size"), std::nullopt};
    d.azure_disk_volume_type = GetStr(Get(disk, "disk_type"), "azure_disk_volume_type");
    p.disk_spec = d;
  }
  return p;
}

// A map attribute as the user wrote it: an empty remote map stays null when the prior was null.
Value MapLike(const std::map<std::string, std::string>& remote, const Value& prior) {
  if (remote.empty() && prior.IsNull()) return prior;
  return StrMap(remote);
}

// Refreshes `state` from the remote pool. `declared` is the state we compare against: blocks the
// user never declared stay null, whatever the server filled in.
Value FromRemote(const Value& state, const databricks::InstancePool& pool) {
  Value s = state.WithAttr("id", Value::String(pool.instance_pool_id))
                .WithAttr("instance_pool_id", Value::String(pool.instance_pool_id))
                .WithAttr("instance_pool_name", Value::String(pool.instance_pool_name))
                .WithAttr("node_type_id", Value::String(pool.node_type_id))
                .WithAttr("min_idle_instances", Value::Int(pool.min_idle_instances.value_or(0)))
                .WithAttr("max_capacity", Int(pool.max_capacity ? std::optional<int64_t>(*pool.max_capacity) : std::nullopt))
                .WithAttr("idle_instance_autotermination_minutes",
                          Int(pool.idle_instance_autotermination_minutes
                                  ? std::optional<int64_t>(*pool.idle_instance_autotermination_minutes)
                                  : std::nullopt))
                .WithAttr("custom_tags", MapLike(pool.custom_tags.value_or(std::map<std::string, std::string>{}),
                                                 Get(state, "custom_tags")))
                .WithAttr("enable_elastic_disk", Value::Bool(pool.enable_elastic_disk.value_or(true)))
                .WithAttr("state", Value::String(pool.state))
                .WithAttr("default_tags", StrMap(pool.default_tags));
  const Value& prior_versions = Get(state, "preloaded_spark_versions");
  s = s.WithAttr("preloaded_spark_versions", pool.preloaded_spark_versions.empty() && prior_versions.IsNull()
                                                 ? prior_versions
                                                 : StrList(pool.preloaded_spark_versions));
  if (const Value& prior_az = Get(state, "azure_attributes"); !prior_az.IsNull() && pool.azure_attributes) {
    // A price with more digits than a double holds (1/3, a price computed from a budget) comes back
    // rounded: the same double keeps the state's own digits, which the configuration has.
    const std::optional<double> price = pool.azure_attributes->spot_bid_max_price;
    Value price_value = Double(price);
    if (price && GetDouble(prior_az, "spot_bid_max_price") == price) price_value = Get(prior_az, "spot_bid_max_price");
    s = s.WithAttr("azure_attributes",
                   Value::Object(AzureAttributesType(), {{"availability", Str(pool.azure_attributes->availability)},
                                                         {"spot_bid_max_price", price_value}}));
  }
  // A disk_spec that says nothing ({} or a count of 0 alone) is kept out of a state without one
  // (an import); one that names a count, a size or a type is the pool's.
  const auto says_something = [](const databricks::DiskSpec& d) {
    return d.disk_count.value_or(0) > 0 || d.disk_size || d.azure_disk_volume_type;
  };
  if (pool.disk_spec && (!Get(state, "disk_spec").IsNull() || says_something(*pool.disk_spec))) {
    const auto& d = *pool.disk_spec;
    // An empty disk_type block (`disk_type {}`) is what the pool has when it names no type.
    const Value& prior_type = Get(Get(state, "disk_spec"), "disk_type");
    const bool prior_empty = !prior_type.IsNull() && !GetStr(prior_type, "azure_disk_volume_type");
    Value disk_type = d.azure_disk_volume_type
                          ? Value::Object(DiskTypeType(), {{"azure_disk_volume_type", Str(d.azure_disk_volume_type)}})
                          : (prior_empty ? prior_type : Value::Null(DiskTypeType()));
    s = s.WithAttr("disk_spec", Value::Object(DiskSpecType(),
                                              {{"disk_count", Int(d.disk_count ? std::optional<int64_t>(*d.disk_count) : std::nullopt)},
                                               {"disk_size", Int(d.disk_size ? std::optional<int64_t>(*d.disk_size) : std::nullopt)},
                                               {"disk_type", disk_type}}));
  }
  return s;
}

// --- azure_attributes the configuration leaves out ---
// Databricks fills in a placement for a pool created without one (quirk (c): on demand, never
// evicted on price). The state then keeps the block null, as the configuration has it, and the
// private data records what Databricks reported. Declaring the block later with that placement, or
// dropping a block that only said what Databricks chooses anyway, is then an update of the state
// alone, not a new pool (the placement of a pool cannot be edited, so a real change still replaces
// it). Without this, importing a pool into a configuration that declares the on-demand placement
// planned to replace it.
const databricks::AzureAttributes& DatabricksDefaultPlacement() {
  static const databricks::AzureAttributes* p = new databricks::AzureAttributes{"ON_DEMAND_AZURE", -1};
  return *p;
}

// Whether a placement says only what Databricks chooses for a pool without one (a field left out
// takes Databricks' value).
bool IsDefaultPlacement(const databricks::AzureAttributes& az) {
  const databricks::AzureAttributes& dflt = DatabricksDefaultPlacement();
  return az.availability.value_or(*dflt.availability) == *dflt.availability &&
         az.spot_bid_max_price.value_or(*dflt.spot_bid_max_price) == *dflt.spot_bid_max_price;
}

// The private data that records a placement the state leaves out.
std::string RecordUndeclared(const databricks::AzureAttributes& placement) {
  nlohmann::json az = nlohmann::json::object();
  if (placement.availability) az["availability"] = *placement.availability;
  if (placement.spot_bid_max_price) az["spot_bid_max_price"] = *placement.spot_bid_max_price;
  return nlohmann::json{{"undeclared_azure_attributes", az}}.dump();
}

// The private data of a pool whose state is `state`: the remote placement when the block is null.
std::string PrivateFor(const Value& state, const databricks::InstancePool& pool) {
  if (!Get(state, "azure_attributes").IsNull() || !pool.azure_attributes) return "";
  return RecordUndeclared(*pool.azure_attributes);
}

// What PrivateFor recorded; Databricks' default placement when nothing was (a state written before
// the private data existed, or a pool whose get carried no placement).
databricks::AzureAttributes UndeclaredPlacement(const std::string& private_data) {
  databricks::AzureAttributes az = DatabricksDefaultPlacement();
  auto j = nlohmann::json::parse(private_data, nullptr, false);
  if (!j.is_object() || !j.contains("undeclared_azure_attributes")) return az;
  const auto& recorded = j["undeclared_azure_attributes"];
  if (!recorded.is_object()) return az;
  az.availability = recorded.contains("availability") && recorded["availability"].is_string()
                        ? std::optional<std::string>(recorded["availability"].get<std::string>())
                        : std::nullopt;
  az.spot_bid_max_price = recorded.contains("spot_bid_max_price") && recorded["spot_bid_max_price"].is_number()
                              ? std::optional<double>(recorded["spot_bid_max_price"].get<double>())
                              : std::nullopt;
  return az;
}

// Takes the replacement off a plan that only declares or drops azure_attributes without changing
// the placement the pool has.
void KeepPlacementInPlace(const tf::PlanRequest& req, tf::PlanResponse& resp) {
  const Value& prior_az = Get(req.prior_state, "azure_attributes");
  Value planned_az = Get(resp.planned_state, "azure_attributes");
  if (prior_az.IsNull() == planned_az.IsNull() || !planned_az.IsKnown()) return;
  if (prior_az.IsNull()) {
    // Declared now: the same availability and bid price, or either left out (to the server).
    const databricks::AzureAttributes remote = UndeclaredPlacement(req.prior_private);
    if (!remote.availability || !remote.spot_bid_max_price) return;
    const Value& config_az = Get(req.config, "azure_attributes");
    // Unknown because the configuration leaves it to the server, not because of an unknown value.
    auto left_to_server = [&](const char* name) {
      return IsUnknown(planned_az, name) && Get(config_az, name).IsNull();
    };
    if (left_to_server("availability")) {
      planned_az = planned_az.WithAttr("availability", Str(remote.availability));
    } else if (IsUnknown(planned_az, "availability") || GetStr(planned_az, "availability") != remote.availability) {
      return;
    }
    if (left_to_server("spot_bid_max_price")) {
      planned_az = planned_az.WithAttr("spot_bid_max_price", Double(remote.spot_bid_max_price));
    } else if (IsUnknown(planned_az, "spot_bid_max_price") ||
               GetDouble(planned_az, "spot_bid_max_price") != remote.spot_bid_max_price) {
      return;
    }
    resp.planned_state = resp.planned_state.WithAttr("azure_attributes", planned_az);
    resp.planned_private = "";
  } else {
    // Dropped: the block said what Databricks chooses for a pool without one.
    databricks::AzureAttributes declared{GetStr(prior_az, "availability"), GetDouble(prior_az, "spot_bid_max_price")};
    if (!IsDefaultPlacement(declared)) return;
    resp.planned_private = RecordUndeclared(declared);
  }
  DropRequiresReplace(resp, AttributePath("azure_attributes"));
}

// A bid price that differs from the state's only in digits a double cannot hold (an imported pool
// whose configuration says 1/3) is the same price: the plan records the configuration's digits
// without replacing the pool.
void KeepRoundedPriceInPlace(const tf::PlanRequest& req, tf::PlanResponse& resp) {
  const Value& prior_az = Get(req.prior_state, "azure_attributes");
  const Value& planned_az = Get(resp.planned_state, "azure_attributes");
  if (prior_az.IsNull() || !planned_az.IsWhollyKnown() || planned_az.IsNull() || prior_az == planned_az) return;
  if (Get(prior_az, "availability") != Get(planned_az, "availability")) return;
  const auto prior_price = GetDouble(prior_az, "spot_bid_max_price");
  if (!prior_price || prior_price != GetDouble(planned_az, "spot_bid_max_price")) return;
  DropRequiresReplace(resp, AttributePath("azure_attributes"));
}

// Going between an empty preloaded_spark_versions and none (as an import into a configuration
// that writes `[]` does) changes Terraform's record, not the pool.
void KeepEmptyVersionsInPlace(const tf::PlanRequest& req, tf::PlanResponse& resp) {
  if (!IsEmptyOrNull(req.prior_state, "preloaded_spark_versions") ||
      !IsEmptyOrNull(resp.planned_state, "preloaded_spark_versions")) {
    return;
  }
  DropRequiresReplace(resp, AttributePath("preloaded_spark_versions"));
}

// Whether a disk_spec asks for no extra disks: none, or an empty block (`disk_spec {}`, or a disk
// count of 0 and nothing else).
bool NoExtraDisks(const Value& disk) {
  if (disk.IsNull()) return true;
  if (!disk.IsWhollyKnown()) return false;
  return GetInt(disk, "disk_count").value_or(0) == 0 && Get(disk, "disk_size").IsNull() &&
         !GetStr(Get(disk, "disk_type"), "azure_disk_volume_type");
}

// A disk_spec with an empty disk_type block (`disk_type {}`, no volume type) read as one without.
Value WithoutEmptyDiskType(const Value& disk) {
  if (disk.IsNull() || !disk.IsWhollyKnown()) return disk;
  const Value& type = Get(disk, "disk_type");
  if (type.IsNull() || GetStr(type, "azure_disk_volume_type")) return disk;
  return disk.WithAttr("disk_type", Value::Null(type.type()));
}

// Going between an empty disk_spec block and none, or between an empty disk_type block and none,
// changes Terraform's record, not the pool.
void KeepNoDisksInPlace(const tf::PlanRequest& req, tf::PlanResponse& resp) {
  const Value& prior = Get(req.prior_state, "disk_spec");
  const Value& planned = Get(resp.planned_state, "disk_spec");
  if ((NoExtraDisks(prior) && NoExtraDisks(planned)) ||
      (!prior.IsNull() && !planned.IsNull() && WithoutEmptyDiskType(prior) == WithoutEmptyDiskType(planned))) {
    DropRequiresReplace(resp, AttributePath("disk_spec"));
  }
}

// Where Databricks' refusal of a pool create or edit points: the attribute its text names (an
// unsupported node type, a capacity, a tag), else nowhere. Only the service's text after the
// status is read: the operation before it quotes the pool's name.
std::optional<AttributePath> PoolErrorPath(const Status& s) {
  if (s.code() != StatusCode::kInvalidArgument) return std::nullopt;
  const std::string text = ServiceWords(s);
  const auto has = [&](std::string_view word) { return text.find(word) != std::string::npos; };
  if (has("node type") || has("node_type_id")) return AttributePath("node_type_id");
  for (const char* attr : {"min_idle_instances", "max_capacity", "idle_instance_autotermination_minutes",
                           "custom_tags", "enable_elastic_disk", "preloaded_spark_versions", "azure_attributes",
                           "disk_spec"}) {
    if (has(attr)) return AttributePath(attr);
  }
  if (has("custom tag")) return AttributePath("custom_tags");
  if (has("spark version")) return AttributePath("preloaded_spark_versions");
  return std::nullopt;
}

// Pool names are unique in a workspace: a create or rename to a name another pool has is refused.
// Reports that on instance_pool_name with what to do; false when `s` is another error.
bool ReportNameInUse(const Status& s, bool creating, tf::Diagnostics& diags) {
  if (s.code() != StatusCode::kAlreadyExists &&
      !(s.http_status() == 400 && s.message().find("already exists") != std::string::npos)) {
    return false;
  }
  std::string message = s.message();
  if (!message.empty() && message.back() == '.') message.pop_back();
  Status hinted(s.code(), message + ". Pool names are unique in a workspace: " +
                              (creating ? "import that pool, or give this one another instance_pool_name (a "
                                          "replacement created before the old pool is destroyed, with "
                                          "create_before_destroy, needs a name of its own)."
                                        : "rename or remove that pool first, or choose another instance_pool_name."));
  hinted.WithHttpStatus(s.http_status()).WithServiceCode(s.service_code()).WithRequestId(s.request_id());
  AddApiError(diags, hinted, "Instance pool name already in use", AttributePath("instance_pool_name"));
  return true;
}

// The fields the edit endpoint takes; a plan that changes none of them needs no edit.
bool EditableFieldsChange(const Value& prior, const Value& planned) {
  for (const char* name :
       {"instance_pool_name", "min_idle_instances", "max_capacity", "idle_instance_autotermination_minutes"}) {
    if (Get(prior, name) != Get(planned, name)) return true;
  }
  return Get(prior, "custom_tags") != Get(planned, "custom_tags") &&
         !(IsEmptyOrNull(prior, "custom_tags") && IsEmptyOrNull(planned, "custom_tags"));
}

void CheckGuardrails(const ApiProviderData* api, const Value& config, const GuardrailBreaches& breaches,
                     tf::Diagnostics& diags) {
  if (api == nullptr || !api->guardrails.known) return;
  const Guardrails& g = api->guardrails;
  if (g.allowed_node_types && !IsUnknown(config, "node_type_id")) {
    auto node = GetStr(config, "node_type_id").value_or("");
    const auto& allowed = *g.allowed_node_types;
    if (std::find(allowed.begin(), allowed.end(), node) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      breaches.Add(diags, "node_type_id", "Node type not allowed by guard rail",
                   "node_type_id = \"" + node + "\" is not in the provider's guardrails.allowed_node_types (" + list +
                       ").");
    }
  }
  if (g.max_pool_capacity && !IsUnknown(config, "max_capacity")) {
    auto cap = GetInt(config, "max_capacity");
    if (!cap) {
      breaches.Add(diags, "max_capacity", "Pool capacity required by guard rail",
                   "The provider's guardrails set max_pool_capacity = " + std::to_string(*g.max_pool_capacity) +
                       ", so every pool must set max_capacity.");
    } else if (*cap > *g.max_pool_capacity) {
      breaches.Add(diags, "max_capacity", "Pool capacity exceeds guard rail",
                   "max_capacity = " + std::to_string(*cap) + " is above the provider's guardrails.max_pool_capacity = " +
                       std::to_string(*g.max_pool_capacity) + ".");
    }
  }
  // The keys are all the check needs (GetMapKeys).
  if (auto keys = GetMapKeys(config, "custom_tags"); keys && !g.required_pool_tags.empty()) {
    for (const auto& key : g.required_pool_tags) {
      if (!keys->contains(key)) {
        breaches.Add(diags, "custom_tags", "Pool tag required by guard rail",
                     "The provider's guardrails.required_pool_tags requires custom_tags to contain the key \"" + key +
                         "\".");
      }
    }
  }
}

class InstancePoolResource final : public tf::Resource {
 public:
  std::string TypeName() const override { return "adbjit_instance_pool"; }
  const tf::Schema& GetSchema() const override { return InstancePoolSchema(); }

  void ValidateConfig(const tf::CallContext&, const Value& config, tf::Diagnostics& diags) const override {
    auto min_idle = GetInt(config, "min_idle_instances");
    auto max_cap = GetInt(config, "max_capacity");
    // Only between sizes that are valid themselves (each attribute's own check says what is not).
    if (min_idle && max_cap && *min_idle >= 0 && *max_cap >= 1 && *min_idle > *max_cap) {
      diags.AddError("Invalid pool size",
                     "min_idle_instances (" + std::to_string(*min_idle) + ") cannot exceed max_capacity (" +
                         std::to_string(*max_cap) + ").",
                     AttributePath("min_idle_instances"));
    }
    auto versions = GetStrList(config, "preloaded_spark_versions");
    if (versions && versions->size() > 1) {
      diags.AddError("Too many preloaded Spark versions",
                     "Databricks preloads at most one runtime version per pool.",
                     AttributePath("preloaded_spark_versions"));
    }
    // Keys Databricks puts on every pool itself (its default_tags): a custom tag with one of them
    // is refused only when the pool is created. These checks need the keys only (GetMapKeys).
    static constexpr std::string_view kDefaultTagKeys[] = {"Vendor", "DatabricksInstancePoolCreatorId",
                                                           "DatabricksInstancePoolId", "DatabricksInstanceGroupId"};
    if (auto keys = GetMapKeys(config, "custom_tags")) {
      if (keys->size() > 45) {
        diags.AddError("Too many custom tags",
                       "Databricks allows at most 45 custom tags on a pool, got " + std::to_string(keys->size()) + ".",
                       AttributePath("custom_tags"));
      }
      for (const std::string& key : *keys) {
        if (std::find(std::begin(kDefaultTagKeys), std::end(kDefaultTagKeys), key) == std::end(kDefaultTagKeys)) continue;
        diags.AddError("Reserved custom tag",
                       "Databricks sets the tag \"" + key + "\" on every pool itself (see default_tags) and "
                       "refuses a custom tag with that key. Use another key.",
                       AttributePath("custom_tags").Key(key));
      }
    }
  }

  void ModifyPlan(const tf::CallContext& ctx, const tf::PlanRequest& req, tf::PlanResponse& resp) const override {
    RequireWorkspace(Api(ctx), "An instance pool", resp.diagnostics);
    PlanChange(req, resp);
    CheckGuardrails(Api(ctx), req.config, GuardrailBreaches(req, resp), resp.diagnostics);
  }

  // The plan of an existing pool: what Databricks keeps or fills in is no change, and what an edit
  // cannot do replaces the pool.
  static void PlanChange(const tf::PlanRequest& req, tf::PlanResponse& resp) {
    if (req.prior_state.IsNull()) return;
    KeepPlacementInPlace(req, resp);
    KeepRoundedPriceInPlace(req, resp);
    KeepEmptyVersionsInPlace(req, resp);
    KeepNoDisksInPlace(req, resp);
    // Databricks cannot remove every tag of a pool through edit (an empty map keeps the old tags),
    // so going from some tags to none needs a new pool.
    // A map whose keys are known is not "none" because a value is unknown (a tag from a resource
    // created in the same run): that is an edit.
    auto prior_tags = GetStrMap(req.prior_state, "custom_tags");
    auto planned_keys = GetMapKeys(resp.planned_state, "custom_tags");
    if (planned_keys && planned_keys->empty() && prior_tags && !prior_tags->empty()) {
      resp.requires_replace.push_back(AttributePath("custom_tags"));
    }
    // A whole map known only at apply cannot be told apart now: an edit is planned, and if the map
    // turns out empty then, the pool needs replacing, which Terraform refuses to take on in the
    // middle of an apply ("Provider produced inconsistent final plan", once per computed
    // attribute). Say so while the plan can still be changed. A map Terraform knows not to be
    // empty (a length refinement) is an edit whatever its keys.
    const Value& planned_tags = Get(resp.planned_state, "custom_tags");
    if (!planned_keys && prior_tags && !prior_tags->empty() && planned_tags.refinements().length_min.value_or(0) < 1) {
      resp.diagnostics.AddWarning(
          "Pool tags known only at apply",
          "custom_tags is known only at apply, and this pool has tags. If the new map is empty, the pool must be "
          "replaced (Databricks keeps a pool's tags when an edit sends none), which Terraform cannot take on during "
          "the apply: it stops with \"Provider produced inconsistent final plan\" and leaves the pool as it is. To remove "
          "every tag, set custom_tags to {} in a configuration where it is known at plan, or replace the pool with "
          "`terraform apply -replace=<address>`.",
          AttributePath("custom_tags"));
    }
  }

  void Create(const tf::CallContext& ctx, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    auto id = api->databricks().CreateInstancePoolSafely(SpecFrom(req.planned_state));
    if (!id.ok()) {
      if (!ReportNameInUse(id.status(), /*creating=*/true, resp.diagnostics)) {
        AddApiError(resp.diagnostics, id.status(), "Cannot create instance pool", PoolErrorPath(id.status()));
      }
      return;
    }
    // create answers only the id; the computed fields (state, default tags, server defaults) need a get.
    auto pool = api->databricks().GetInstancePool(*id);
    if (!pool.ok()) {
      // The pool exists as planned; only its computed fields are missing. Failing here would
      // taint it, and the next apply would delete it and create another (Ctrl-C cancels this
      // read). Record it from the plan, and let the next refresh fill in the rest.
      resp.diagnostics.AddWarning(
          "Instance pool created, but not read back",
          "Instance pool " + *id + " was created, but reading it back failed: " + pool.status().message() +
              ". Its computed attributes (state, default tags and server defaults) are unset until the next "
              "refresh fills them in.");
      resp.new_state = NullUnknowns(req.planned_state.WithAttr("id", Value::String(*id))
                                        .WithAttr("instance_pool_id", Value::String(*id)));
      return;
    }
    resp.new_state = Settle(req.planned_state, FromRemote(req.planned_state, *pool));
    resp.private_data = PrivateFor(resp.new_state, *pool);
  }

  void Read(const tf::CallContext& ctx, const tf::ReadRequest& req, tf::ReadResponse& resp) const override {
    resp.new_state = req.current_state;
    resp.private_data = req.private_data;
    const ApiProviderData* api = Api(ctx);
    if (api == nullptr || !api->api_ready()) return;
    auto pool = api->databricks().GetInstancePool(GetStr(req.current_state, "id").value_or(""));
    if (!pool.ok()) {
      if (pool.status().IsNotFound()) {
        resp.new_state = Value::Null(GetSchema().ImpliedType());
      } else {
        AddApiError(resp.diagnostics, pool.status(), "Cannot read instance pool");
      }
      return;
    }
    resp.new_state = FromRemote(req.current_state, *pool);
    resp.private_data = PrivateFor(resp.new_state, *pool);
  }

  void Update(const tf::CallContext& ctx, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    if (!EditableFieldsChange(req.prior_state, req.planned_state) && req.planned_state.IsWhollyKnown()) {
      // Only Terraform's record changes: a placement declared or dropped, an empty list, map or
      // disk_spec for none.
      resp.new_state = req.planned_state;
      return;
    }
    Status edited = api->databricks().EditInstancePool(SpecFrom(req.planned_state));
    if (!edited.ok()) {
      if (!ReportNameInUse(edited, /*creating=*/false, resp.diagnostics)) {
        AddApiError(resp.diagnostics, edited, "Cannot edit instance pool", PoolErrorPath(edited));
      }
      return;
    }
    if (req.planned_state.IsWhollyKnown()) {
      resp.new_state = req.planned_state;  // edit answers {}; nothing computed changed
      return;
    }
    auto pool = api->databricks().GetInstancePool(GetStr(req.planned_state, "id").value_or(""));
    if (!pool.ok()) {
      AddApiError(resp.diagnostics, pool.status(), "Cannot read the edited instance pool");
      resp.new_state = NullUnknowns(req.planned_state);
      return;
    }
    resp.new_state = Settle(req.planned_state, FromRemote(req.planned_state, *pool));
    resp.private_data = PrivateFor(resp.new_state, *pool);
  }

  void Delete(const tf::CallContext& ctx, const tf::ApplyRequest& req, tf::ApplyResponse& resp) const override {
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    Status deleted = api->databricks().DeleteInstancePool(GetStr(req.prior_state, "id").value_or(""));
    if (!deleted.ok() && !deleted.IsNotFound()) {
      AddApiError(resp.diagnostics, deleted, "Cannot delete instance pool");
      resp.new_state = req.prior_state;
    }
  }

  void Import(const tf::CallContext& ctx, const tf::ImportRequest& req, tf::ImportResponse& resp) const override {
    // A pool id copied with the white space around it is the same pool; one with white space or
    // a slash inside, or none at all, is no pool id: no call is made.
    const std::string id = AsciiTrim(req.id);
    if (id.empty() || id.find_first_of(" \t\n\v\f\r/?#&") != std::string::npos) {
      resp.diagnostics.AddError("Invalid import id",
                                "Import an adbjit_instance_pool by its instance_pool_id, as Databricks shows it "
                                "(such as 0101-120000-abcd12-pool-AbCdEfGh); got \"" + req.id + "\".");
      return;
    }
    const ApiProviderData* api = RequireApi(ctx, resp.diagnostics);
    if (api == nullptr) return;
    auto pool = api->databricks().GetInstancePool(id);
    if (!pool.ok()) {
      AddApiError(resp.diagnostics, pool.status(),
                  pool.status().IsNotFound() ? "Instance pool not found" : "Cannot read instance pool");
      return;
    }
    resp.state = AdoptedState(*pool);
    resp.private_data = PrivateFor(resp.state, *pool);
  }

  // `moved` from databricks_instance_pool (databricks/databricks): the same pool, kept as it is. Its
  // stored state holds the pool's API fields under their API names (blocks as one-element lists),
  // so it reads as the pool an import would have fetched; the next refresh reads the live one.
  void MoveState(const tf::CallContext&, const tf::MoveRequest& req, tf::MoveResponse& resp) const override {
    auto source = MovedSourceState(req, TypeName(), "databricks_instance_pool", "databricks", resp.diagnostics);
    if (!source) return;
    nlohmann::json j = *source;
    j["azure_attributes"] = SourceBlock(j, "azure_attributes");
    j["disk_spec"] = SourceBlock(j, "disk_spec");
    if (j["disk_spec"].is_object()) j["disk_spec"]["disk_type"] = SourceBlock(j["disk_spec"], "disk_type");
    // The SDK stores an unset spot_bid_max_price as 0; Databricks' own default is -1.
    if (auto& az = j["azure_attributes"]; az.is_object() && az.contains("spot_bid_max_price") &&
                                           az["spot_bid_max_price"].is_number() && az["spot_bid_max_price"] == 0) {
      az.erase("spot_bid_max_price");
    }
    if (!SourceStr(j, "instance_pool_id")) j["instance_pool_id"] = SourceStr(j, "id").value_or("");
    databricks::InstancePool pool = j.get<databricks::InstancePool>();
    if (pool.instance_pool_id.empty()) {
      resp.diagnostics.AddError("Cannot move databricks_instance_pool to adbjit_instance_pool",
                                "The stored databricks_instance_pool has no instance_pool_id. Remove the moved "
                                "block, then import the pool by its id instead.");
      return;
    }
    resp.state = AdoptedState(pool);
    resp.private_data = PrivateFor(resp.state, pool);
  }

 private:
  // The state of a pool Terraform takes over (import, move). Databricks fills azure_attributes with
  // its defaults when none were sent; the block shows only when it says something else, so a
  // configuration without the block adopts the pool without a diff.
  Value AdoptedState(const databricks::InstancePool& pool) const {
    Value state = FromRemote(Value::Object(GetSchema().ImpliedType(), {}), pool);
    const auto& az = pool.azure_attributes;
    if (az && !IsDefaultPlacement(*az)) {
      state = state.WithAttr("azure_attributes",
                             Value::Object(AzureAttributesType(), {{"availability", Str(az->availability)},
                                                                   {"spot_bid_max_price", Double(az->spot_bid_max_price)}}));
    }
    return state;
  }

  // Every known planned value must come back unchanged; only unknowns take the remote value.
  static Value Settle(const Value& planned, const Value& remote) {
    if (!planned.IsKnown()) return remote;
    if (planned.IsNull()) return planned;
    if (planned.type().kind() != Type::Kind::kObject) return planned;
    Value out = planned;
    for (const auto& [name, pv] : planned.AsEntries()) {
      const Value& rv = remote.Attr(name);
      if (!pv.IsKnown()) {
        out = out.WithAttr(name, rv);
      } else if (!pv.IsWhollyKnown() && pv.type().kind() == Type::Kind::kObject && !rv.IsNull()) {
        out = out.WithAttr(name, Settle(pv, rv));
      }
    }
    return out;
  }

  // Unknowns that cannot be resolved become null (a state must be wholly known).
  static Value NullUnknowns(const Value& v) {
    if (!v.IsKnown()) return Value::Null(v.type());
    if (v.IsNull() || v.type().kind() != Type::Kind::kObject) return v;
    Value out = v;
    for (const auto& [name, e] : v.AsEntries()) out = out.WithAttr(name, NullUnknowns(e));
    return out;
  }
};

}  // namespace

std::shared_ptr<const tf::Resource> NewInstancePoolResource() { return std::make_shared<InstancePoolResource>(); }

}  // namespace adbjit::resources
