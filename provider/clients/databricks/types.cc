// JSON conversion for Databricks types and the token-comment marker.
#include "provider/clients/databricks/types.h"

#include <cctype>
#include <cstdlib>

#include "provider/clients/internal/json_util.h"
#include "provider/util/digest.h"

namespace adbjit::databricks {
namespace {

using nlohmann::json;

constexpr char kMarkerPrefix[] = "[adbjit:";
constexpr size_t kMarkerHex = 12;

std::optional<int> OptInt(const json& j, const char* key) {
  auto v = internal::GetInt64(j, key);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<double> OptDouble(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    char* end = nullptr;
    const std::string& s = it->get_ref<const std::string&>();
    double d = std::strtod(s.c_str(), &end);
    if (end != nullptr && *end == '\0' && !s.empty()) return d;
  }
  return std::nullopt;
}

std::map<std::string, std::string> StringMap(const json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (auto& [k, v] : it->items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}

std::vector<std::string> StringList(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool IsMarker(const std::string& s, size_t pos) {
  if (s.compare(pos, sizeof(kMarkerPrefix) - 1, kMarkerPrefix) != 0) return false;
  size_t hex = pos + sizeof(kMarkerPrefix) - 1;
  if (s.size() != hex + kMarkerHex + 1 || s.back() != ']') return false;
  for (size_t i = hex; i < hex + kMarkerHex; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

std::string MakeMarker() { return kMarkerPrefix + RandomHex(kMarkerHex / 2) + "]"; }

std::string CommentWithMarker(const std::string& comment, const std::string& marker) {
  return comment.empty() ? marker : comment + " " + marker;
}

std::string FindMarker(const std::string& raw) {
  const size_t len = sizeof(kMarkerPrefix) - 1 + kMarkerHex + 1;
  if (raw.size() < len) return "";
  size_t pos = raw.size() - len;
  if (!IsMarker(raw, pos)) return "";
  return raw.substr(pos);
}

std::string StripMarker(const std::string& raw) {
  std::string marker = FindMarker(raw);
  if (marker.empty()) return raw;
  std::string out = raw.substr(0, raw.size() - marker.size());
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool SameCreate(const TokenInfo& a, const TokenInfo& b) {
  const std::string marker = FindMarker(a.raw_comment);
  if (marker.empty() || a.token_id == b.token_id || FindMarker(b.raw_comment) != marker) return false;
  constexpr int64_t kHourMs = 3600 * 1000;
  if (std::llabs(a.creation_time - b.creation_time) > kHourMs) return false;
  if ((a.expiry_time < 0) != (b.expiry_time < 0)) return false;
  if (a.expiry_time < 0) return true;
  // Databricks sets the expiry from the request's lifetime_seconds: allow for rounding.
  constexpr int64_t kSlackMs = 5000;
  return std::llabs((a.expiry_time - a.creation_time) - (b.expiry_time - b.creation_time)) <= kSlackMs;
}

void from_json(const json& j, TokenInfo& t) {
  t.token_id = internal::GetString(j, "token_id");
  t.creation_time = internal::GetInt64(j, "creation_time").value_or(0);
  t.expiry_time = internal::GetInt64(j, "expiry_time").value_or(-1);
  t.raw_comment = internal::GetString(j, "comment");
  t.comment = StripMarker(t.raw_comment);
}

namespace {

// The fields that create and edit both send (the edit API takes the name and node type too).
json PoolSizingJson(const InstancePool& p) {
  json j = json::object();
  j["instance_pool_name"] = p.instance_pool_name;
  j["node_type_id"] = p.node_type_id;
  if (p.min_idle_instances) j["min_idle_instances"] = *p.min_idle_instances;
  if (p.max_capacity) j["max_capacity"] = *p.max_capacity;
  if (p.idle_instance_autotermination_minutes) {
    j["idle_instance_autotermination_minutes"] = *p.idle_instance_autotermination_minutes;
  }
  return j;
}

}  // namespace

json PoolCreateJson(const InstancePool& p) {
  json j = PoolSizingJson(p);
  if (p.custom_tags) j["custom_tags"] = *p.custom_tags;
  if (p.enable_elastic_disk.has_value()) j["enable_elastic_disk"] = *p.enable_elastic_disk;
  if (p.disk_spec) {
    json d = json::object();
    if (p.disk_spec->disk_count) d["disk_count"] = *p.disk_spec->disk_count;
    if (p.disk_spec->disk_size) d["disk_size"] = *p.disk_spec->disk_size;
    if (p.disk_spec->azure_disk_volume_type) {
      d["disk_type"] = {{"azure_disk_volume_type", *p.disk_spec->azure_disk_volume_type}};
    }
    j["disk_spec"] = d;
  }
  if (p.azure_attributes) {
    json a = json::object();
    if (p.azure_attributes->availability) a["availability"] = *p.azure_attributes->availability;
    if (p.azure_attributes->spot_bid_max_price) a["spot_bid_max_price"] = *p.azure_attributes->spot_bid_max_price;
    j["azure_attributes"] = a;
  }
  if (!p.preloaded_spark_versions.empty()) j["preloaded_spark_versions"] = p.preloaded_spark_versions;
  if (!p.preloaded_docker_images.empty()) {
    json images = json::array();
    for (const auto& img : p.preloaded_docker_images) {
      json i = {{"url", img.url}};
      if (img.username || !img.password.empty()) {
        i["basic_auth"] = {{"username", img.username.value_or("")}, {"password", img.password.Reveal()}};
      }
      images.push_back(i);
    }
    j["preloaded_docker_images"] = images;
  }
  if (!p.alternate_node_type_ids.empty()) {
    j["node_type_flexibility"] = {{"alternate_node_type_ids", p.alternate_node_type_ids}};
  }
  return j;
}

json PoolEditJson(const InstancePool& p) {
  json j = PoolSizingJson(p);
  j["instance_pool_id"] = p.instance_pool_id;
  j["custom_tags"] = p.custom_tags.value_or(std::map<std::string, std::string>{});
  return j;
}

void from_json(const json& j, InstancePool& p) {
  p = InstancePool{};
  if (!j.is_object()) return;
  p.instance_pool_id = internal::GetString(j, "instance_pool_id");
  p.instance_pool_name = internal::GetString(j, "instance_pool_name");
  p.node_type_id = internal::GetString(j, "node_type_id");
  p.min_idle_instances = OptInt(j, "min_idle_instances");
  p.max_capacity = OptInt(j, "max_capacity");
  p.idle_instance_autotermination_minutes = OptInt(j, "idle_instance_autotermination_minutes");
  if (j.contains("custom_tags")) p.custom_tags = StringMap(j, "custom_tags");
  if (auto it = j.find("enable_elastic_disk"); it != j.end() && it->is_boolean()) p.enable_elastic_disk = it->get<bool>();
  if (auto it = j.find("disk_spec"); it != j.end() && it->is_object()) {
    DiskSpec d;
    d.disk_count = OptInt(*it, "disk_count");
    d.disk_size = OptInt(*it, "disk_size");
    if (auto t = it->find("disk_type"); t != it->end() && t->is_object()) {
      std::string v = internal::GetString(*t, "azure_disk_volume_type");
      if (!v.empty()) d.azure_disk_volume_type = v;
    }
    p.disk_spec = d;
  }
  if (auto it = j.find("azure_attributes"); it != j.end() && it->is_object()) {
    AzureAttributes a;
    std::string av = internal::GetString(*it, "availability");
    if (!av.empty()) a.availability = av;
    a.spot_bid_max_price = OptDouble(*it, "spot_bid_max_price");
    p.azure_attributes = a;
  }
  p.preloaded_spark_versions = StringList(j, "preloaded_spark_versions");
  if (auto it = j.find("preloaded_docker_images"); it != j.end() && it->is_array()) {
    for (const auto& i : *it) {
      DockerImage img;
      img.url = internal::GetString(i, "url");
      if (auto b = i.find("basic_auth"); b != i.end() && b->is_object()) {
        img.username = internal::GetString(*b, "username");
      }
      p.preloaded_docker_images.push_back(std::move(img));
    }
  }
  if (auto it = j.find("node_type_flexibility"); it != j.end() && it->is_object()) {
    p.alternate_node_type_ids = StringList(*it, "alternate_node_type_ids");
  }
  p.default_tags = StringMap(j, "default_tags");
  p.state = internal::GetString(j, "state");
  if (auto it = j.find("stats"); it != j.end() && it->is_object()) {
    PoolStats s;
    s.used_count = OptInt(*it, "used_count").value_or(0);
    s.idle_count = OptInt(*it, "idle_count").value_or(0);
    s.pending_used_count = OptInt(*it, "pending_used_count").value_or(0);
    s.pending_idle_count = OptInt(*it, "pending_idle_count").value_or(0);
    p.stats = s;
  }
  if (auto st = j.find("status"); st != j.end() && st->is_object()) {
    if (auto e = st->find("pending_instance_errors"); e != st->end() && e->is_array()) {
      for (const auto& x : *e) {
        p.pending_instance_errors.push_back({internal::GetString(x, "instance_id"), internal::GetString(x, "message")});
      }
    }
  }
}

std::string WorkspaceUrlOf(const std::string& resource_body) {
  auto j = internal::ParseJson(resource_body);
  if (!j || !j->is_object()) return "";
  auto p = j->find("properties");
  return p != j->end() && p->is_object() ? internal::GetString(*p, "workspaceUrl") : "";
}

}  // namespace adbjit::databricks
