// Emulated Databricks Instance Pools API 2.0: validation, server defaults and the known quirks.
#include <ctime>
#include <regex>

#include "emulator/common.h"
#include "emulator/databricks.h"

namespace adbjit::emulator {

namespace {
constexpr int64_t kDefaultAutoterminationMinutes = 60;
constexpr size_t kMaxTags = 45;

// MMDD-HHMMSS-<word>-pool-<8 alnum>, e.g. 0521-145002-meet10-pool-EP6iFpfl.
std::string NewPoolId() {
  static const char* kWords[] = {"meet", "calm", "bold", "zinc", "fern", "oak", "sky", "tide", "moss", "reef"};
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%m%d-%H%M%S", &tm);
  std::string r = RandomBytes(2);
  std::string word = kWords[uint8_t(r[0]) % 10] + std::to_string(uint8_t(r[1]) % 100);
  return std::string(stamp) + "-" + word + "-pool-" + RandomAlnum(8);
}

bool IsInt(const nlohmann::json& v) { return v.is_number_integer(); }
}  // namespace

nlohmann::json Databricks::Pool::Public() const {
  nlohmann::json j = spec;
  j["instance_pool_id"] = id;
  j["default_tags"] = {{"Vendor", "Databricks"},
                       {"DatabricksInstancePoolCreatorId", creator},
                       {"DatabricksInstancePoolId", id}};
  j["state"] = deleted ? "DELETED" : "ACTIVE";
  int64_t min_idle = spec.value("min_idle_instances", int64_t{0});
  j["stats"] = {{"used_count", 0}, {"idle_count", deleted ? 0 : min_idle}, {"pending_used_count", 0},
                {"pending_idle_count", 0}};
  j["status"] = nlohmann::json::object();
  return j;
}

bool Databricks::ValidatePoolFields(const nlohmann::json& b, httplib::Response& res) {
  auto bad = [&](const std::string& msg) {
    DatabricksError(res, 400, "INVALID_PARAMETER_VALUE", msg);
    return false;
  };
  if (b.contains("instance_pool_name")) {
    if (!b["instance_pool_name"].is_string()) return bad("instance_pool_name must be a string");
    size_t n = b["instance_pool_name"].get_ref<const std::string&>().size();
    if (n == 0 || n > 100) return bad("Instance pool name must be between 1 and 100 characters long.");
  }
  if (b.contains("node_type_id")) {
    static const std::regex kNode("^Standard_[A-Za-z0-9_]+$");
    // Length first: std::regex recurses per character, and a huge name would overflow the stack.
    if (!b["node_type_id"].is_string() || b["node_type_id"].get_ref<const std::string&>().size() > 128 ||
        !std::regex_match(b["node_type_id"].get<std::string>(), kNode)) {
      return bad("Node type " + (b["node_type_id"].is_string() ? b["node_type_id"].get<std::string>()
                                                                 : b["node_type_id"].dump()) +
                 " is not supported.");
    }
  }
  if (b.contains("min_idle_instances") &&
      (!IsInt(b["min_idle_instances"]) || b["min_idle_instances"].get<int64_t>() < 0)) {
    return bad("min_idle_instances must be a non-negative integer.");
  }
  if (b.contains("max_capacity")) {
    if (!IsInt(b["max_capacity"]) || b["max_capacity"].get<int64_t>() < 1) {
      return bad("max_capacity must be a positive integer.");
    }
    if (b.value("min_idle_instances", int64_t{0}) > b["max_capacity"].get<int64_t>()) {
      return bad("min_idle_instances must not exceed max_capacity.");
    }
  }
  if (b.contains("idle_instance_autotermination_minutes")) {
    const auto& v = b["idle_instance_autotermination_minutes"];
    if (!IsInt(v) || v.get<int64_t>() < 0 || v.get<int64_t>() > 10000) {
      return bad("idle_instance_autotermination_minutes must be between 0 and 10000.");
    }
  }
  if (b.contains("custom_tags")) {
    const auto& t = b["custom_tags"];
    if (!t.is_object()) return bad("custom_tags must be a map of strings.");
    if (t.size() > kMaxTags) return bad("custom_tags must not have more than 45 tags.");
    for (const auto& [k, v] : t.items()) {
      if (!v.is_string() || k.empty()) return bad("custom_tags must be a map of strings.");
      if (k == "Vendor" || k.rfind("DatabricksInstance", 0) == 0) {
        return bad("Custom tag key " + k + " is reserved.");
      }
    }
  }
  if (b.contains("enable_elastic_disk") && !b["enable_elastic_disk"].is_boolean()) {
    return bad("enable_elastic_disk must be a boolean.");
  }
  if (b.contains("azure_attributes")) {
    const auto& a = b["azure_attributes"];
    if (!a.is_object()) return bad("azure_attributes must be an object.");
    if (a.contains("availability")) {
      std::string av = StringField(a, "availability");
      if (av != "ON_DEMAND_AZURE" && av != "SPOT_AZURE" && av != "SPOT_WITH_FALLBACK_AZURE") {
        return bad("Invalid azure_attributes.availability: " + a["availability"].dump());
      }
    }
    if (a.contains("spot_bid_max_price")) {
      const auto& p = a["spot_bid_max_price"];
      if (!p.is_number() || (p.get<double>() != -1 && p.get<double>() <= 0)) {
        return bad("azure_attributes.spot_bid_max_price must be -1 or a positive number.");
      }
    }
  }
  if (b.contains("disk_spec")) {
    const auto& d = b["disk_spec"];
    if (!d.is_object()) return bad("disk_spec must be an object.");
    if (d.contains("disk_count") && (!IsInt(d["disk_count"]) || d["disk_count"].get<int64_t>() < 0)) {
      return bad("disk_spec.disk_count must be a non-negative integer.");
    }
    if (d.contains("disk_size") &&
        (!IsInt(d["disk_size"]) || d["disk_size"].get<int64_t>() < 1 || d["disk_size"].get<int64_t>() > 1023)) {
      return bad("disk_spec.disk_size must be between 1 and 1023 GiB on Azure.");
    }
    if (d.contains("disk_type")) {
      std::string vt = StringField(d["disk_type"], "azure_disk_volume_type");
      if (vt != "PREMIUM_LRS" && vt != "STANDARD_LRS") {
        return bad("disk_spec.disk_type.azure_disk_volume_type must be PREMIUM_LRS or STANDARD_LRS.");
      }
    }
  }
  if (b.contains("preloaded_spark_versions")) {
    const auto& v = b["preloaded_spark_versions"];
    if (!v.is_array() || v.size() > 1) return bad("preloaded_spark_versions may hold at most one runtime version.");
    for (const auto& e : v) {
      if (!e.is_string()) return bad("preloaded_spark_versions must be a list of strings.");
    }
  }
  if (b.contains("preloaded_docker_images") && !b["preloaded_docker_images"].is_array()) {
    return bad("preloaded_docker_images must be a list.");
  }
  return true;
}

Databricks::Pool* Databricks::FindLivePool(const std::string& id) {
  auto it = pools_.find(id);
  return it == pools_.end() || it->second.deleted ? nullptr : &it->second;
}

void Databricks::CreatePool(const httplib::Request& req, httplib::Response& res, const Caller& caller) {
  nlohmann::json body;
  if (!ParseBody(req, res, &body)) return;
  for (const char* field : {"instance_pool_name", "node_type_id"}) {
    if (!body.contains(field) || body[field].is_null()) {
      DatabricksError(res, 400, "INVALID_PARAMETER_VALUE", std::string("Missing required field: ") + field);
      return;
    }
  }
  if (!ValidatePoolFields(body, res)) return;
  static const char* kFields[] = {"instance_pool_name", "node_type_id", "min_idle_instances", "max_capacity",
                                  "idle_instance_autotermination_minutes", "custom_tags", "enable_elastic_disk",
                                  "disk_spec", "azure_attributes", "preloaded_spark_versions",
                                  "preloaded_docker_images", "node_type_flexibility"};
  nlohmann::json spec = nlohmann::json::object();
  for (const char* f : kFields) {
    if (body.contains(f) && !body[f].is_null()) spec[f] = body[f];
  }
  // Server defaults: the quirks (b) and (c) of the spec.
  if (!spec.contains("min_idle_instances")) spec["min_idle_instances"] = 0;
  if (!spec.contains("idle_instance_autotermination_minutes")) {
    spec["idle_instance_autotermination_minutes"] = kDefaultAutoterminationMinutes;
  }
  if (!spec.contains("enable_elastic_disk")) spec["enable_elastic_disk"] = true;
  nlohmann::json& az = spec["azure_attributes"];
  if (!az.is_object()) az = nlohmann::json::object();
  if (!az.contains("availability")) az["availability"] = "ON_DEMAND_AZURE";
  if (!az.contains("spot_bid_max_price")) az["spot_bid_max_price"] = -1;
  if (spec.contains("custom_tags") && spec["custom_tags"].empty()) spec.erase("custom_tags");

  std::lock_guard<std::mutex> lock(mu_);
  const std::string& name = spec["instance_pool_name"].get_ref<const std::string&>();
  for (const auto& [id, p] : pools_) {
    if (!p.deleted && p.spec.value("instance_pool_name", "") == name) {
      DatabricksError(res, 400, "INVALID_PARAMETER_VALUE",
                      "Instance pool with name '" + name + "' already exists (" + id + ").");
      return;
    }
  }
  Pool p;
  p.seq = next_pool_seq_++;
  do p.id = NewPoolId(); while (pools_.count(p.id));
  p.creator = caller.principal;
  p.spec = std::move(spec);
  pools_[p.id] = p;
  ReplyJson(res, 200, {{"instance_pool_id", p.id}});
}

void Databricks::EditPool(const httplib::Request& req, httplib::Response& res, const Caller&) {
  nlohmann::json body;
  if (!ParseBody(req, res, &body)) return;
  for (const char* field : {"instance_pool_id", "instance_pool_name", "node_type_id"}) {
    if (!body.contains(field) || body[field].is_null()) {
      DatabricksError(res, 400, "INVALID_PARAMETER_VALUE", std::string("Missing required field: ") + field);
      return;
    }
  }
  if (!body["instance_pool_id"].is_string()) {
    DatabricksError(res, 400, "INVALID_PARAMETER_VALUE", "instance_pool_id must be a string");
    return;
  }
  // Only the editable fields are looked at; everything else in the body is ignored.
  nlohmann::json editable = nlohmann::json::object();
  for (const char* f : {"instance_pool_name", "node_type_id", "min_idle_instances", "max_capacity",
                        "idle_instance_autotermination_minutes", "custom_tags"}) {
    if (body.contains(f) && !body[f].is_null()) editable[f] = body[f];
  }
  if (!ValidatePoolFields(editable, res)) return;
  std::string id = body["instance_pool_id"];
  std::lock_guard<std::mutex> lock(mu_);
  Pool* pool = FindLivePool(id);
  if (pool == nullptr) {
    DatabricksError(res, 404, "RESOURCE_DOES_NOT_EXIST", "Can't find an instance pool with id: " + id);
    return;
  }
  if (editable["node_type_id"] != pool->spec["node_type_id"]) {
    DatabricksError(res, 400, "INVALID_PARAMETER_VALUE",
                    "Node type cannot be changed for an existing instance pool (current: " +
                        pool->spec["node_type_id"].get<std::string>() + ").");
    return;
  }
  const std::string& name = editable["instance_pool_name"].get_ref<const std::string&>();
  for (const auto& [other_id, p] : pools_) {
    if (other_id != id && !p.deleted && p.spec.value("instance_pool_name", "") == name) {
      DatabricksError(res, 400, "INVALID_PARAMETER_VALUE",
                      "Instance pool with name '" + name + "' already exists (" + other_id + ").");
      return;
    }
  }
  nlohmann::json& spec = pool->spec;
  spec["instance_pool_name"] = name;
  // Omitted editable fields fall back to the server defaults.
  spec["min_idle_instances"] = editable.value("min_idle_instances", int64_t{0});
  if (editable.contains("max_capacity")) {
    spec["max_capacity"] = editable["max_capacity"];
  } else {
    spec.erase("max_capacity");
  }
  spec["idle_instance_autotermination_minutes"] =
      editable.value("idle_instance_autotermination_minutes", kDefaultAutoterminationMinutes);
  // Quirk (a): an absent or empty map leaves the old tags in place.
  if (editable.contains("custom_tags") && !editable["custom_tags"].empty()) {
    spec["custom_tags"] = editable["custom_tags"];
  }
  ReplyJson(res, 200, nlohmann::json::object());
}

void Databricks::GetPool(const httplib::Request& req, httplib::Response& res, const Caller&) {
  std::string id = req.get_param_value("instance_pool_id");
  if (id.empty()) {
    DatabricksError(res, 400, "INVALID_PARAMETER_VALUE", "Missing required field: instance_pool_id");
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pools_.find(id);
  if (it != pools_.end() && it->second.deleted && options_.pool_deleted_form) {
    ReplyJson(res, 200, {{"instance_pool_id", id}, {"instance_pool_name", ""}, {"state", "DELETED"},
                         {"default_tags", {{"Vendor", "Databricks"}, {"DatabricksInstancePoolId", id}}},
                         {"stats", {{"used_count", 0}, {"idle_count", 0}, {"pending_used_count", 0},
                                    {"pending_idle_count", 0}}}});
    return;
  }
  if (it == pools_.end() || it->second.deleted) {
    DatabricksError(res, 404, "RESOURCE_DOES_NOT_EXIST", "Can't find an instance pool with id: " + id);
    return;
  }
  ReplyJson(res, 200, it->second.Public());
}

void Databricks::ListPools(const httplib::Request&, httplib::Response& res, const Caller&) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const Pool*> live;
  for (const auto& [id, p] : pools_) {
    if (!p.deleted) live.push_back(&p);
  }
  std::sort(live.begin(), live.end(), [](const Pool* a, const Pool* b) { return a->seq < b->seq; });
  nlohmann::json out = nlohmann::json::object();
  for (const Pool* p : live) out["instance_pools"].push_back(p->Public());
  ReplyJson(res, 200, out);
}

void Databricks::DeletePool(const httplib::Request& req, httplib::Response& res, const Caller&) {
  nlohmann::json body;
  if (!ParseBody(req, res, &body)) return;
  if (!body.contains("instance_pool_id") || !body["instance_pool_id"].is_string()) {
    DatabricksError(res, 400, "INVALID_PARAMETER_VALUE", "Missing required field: instance_pool_id");
    return;
  }
  std::string id = body["instance_pool_id"];
  std::lock_guard<std::mutex> lock(mu_);
  Pool* pool = FindLivePool(id);
  if (pool == nullptr) {
    DatabricksError(res, 404, "RESOURCE_DOES_NOT_EXIST", "Can't find an instance pool with id: " + id);
    return;
  }
  pool->deleted = true;
  ReplyJson(res, 200, nlohmann::json::object());
}

nlohmann::json Databricks::PoolsJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const Pool*> all;
  for (const auto& [id, p] : pools_) all.push_back(&p);
  std::sort(all.begin(), all.end(), [](const Pool* a, const Pool* b) { return a->seq < b->seq; });
  nlohmann::json out = nlohmann::json::array();
  for (const Pool* p : all) out.push_back(p->Public());
  return out;
}

}  // namespace adbjit::emulator
