// Databricks request/response types (Token API 2.0, Instance Pools API 2.0) and their JSON forms.
//
// Optional fields are std::optional and are sent only when set — so `enable_elastic_disk = false`
// is sent explicitly whenever the caller sets it. Parsing is lenient: unknown fields are ignored,
// missing arrays are empty, numbers may arrive as strings.
#ifndef ADBJIT_CLIENTS_DATABRICKS_TYPES_H_
#define ADBJIT_CLIENTS_DATABRICKS_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider/util/secret.h"

namespace adbjit::databricks {

// ---- Tokens -------------------------------------------------------------------------------------

// The marker CreateTokenSafely appends to a comment: " [adbjit:<12 hex>]" (or "[adbjit:…]" alone
// for an empty comment). It lets the client find a token whose create answer was lost.
std::string MakeMarker();                                   // "[adbjit:0123456789ab]"
std::string CommentWithMarker(const std::string& comment, const std::string& marker);
// The user's comment: the raw comment without a trailing marker (unchanged when there is none).
std::string StripMarker(const std::string& raw_comment);
// The marker at the end of a raw comment, or "".
std::string FindMarker(const std::string& raw_comment);

struct TokenInfo {
  std::string token_id;      // 64 hex chars
  int64_t creation_time = 0; // epoch ms
  int64_t expiry_time = -1;  // epoch ms; -1 = never expires
  std::string comment;       // as the user wrote it (marker stripped)
  std::string raw_comment;   // as stored by Databricks (may end in the marker)
};

// Whether two listed tokens were made by one CreateTokenSafely call: the same marker, the same
// lifetime, created within an hour of each other. A create request that reaches Databricks only
// after the client gave up on it (timed out, then found no token with the marker and created
// again) makes such a twin, whose value nobody received.
bool SameCreate(const TokenInfo& a, const TokenInfo& b);

struct CreatedToken {
  Secret token_value;  // only ever returned by create
  TokenInfo info;
  // The create was repeated after an answer it could not tell (see CreateTokenSafely): a request
  // still on its way may yet make a twin with the same marker (SameCreate).
  bool after_ambiguity = false;
};

void from_json(const nlohmann::json& j, TokenInfo& t);

// ---- Instance pools -----------------------------------------------------------------------------

struct AzureAttributes {
  std::optional<std::string> availability;        // ON_DEMAND_AZURE | SPOT_AZURE
  std::optional<double> spot_bid_max_price;       // -1 = never evict on price
  bool operator==(const AzureAttributes&) const = default;
};

struct DiskSpec {
  std::optional<int> disk_count;
  std::optional<int> disk_size;                    // GiB
  std::optional<std::string> azure_disk_volume_type;  // disk_type.azure_disk_volume_type
  bool operator==(const DiskSpec&) const = default;
};

struct DockerImage {
  std::string url;
  std::optional<std::string> username;  // basic_auth.username
  Secret password;                      // basic_auth.password (never read back)
};

struct PoolStats {
  int used_count = 0;
  int idle_count = 0;
  int pending_used_count = 0;
  int pending_idle_count = 0;
};

struct PendingInstanceError {
  std::string instance_id;
  std::string message;
};

struct InstancePool {
  // Identity.
  std::string instance_pool_id;  // empty on create
  // Configuration (create; the editable subset goes in edit).
  std::string instance_pool_name;
  std::string node_type_id;
  std::optional<int> min_idle_instances;
  std::optional<int> max_capacity;
  std::optional<int> idle_instance_autotermination_minutes;
  std::optional<std::map<std::string, std::string>> custom_tags;
  std::optional<bool> enable_elastic_disk;
  std::optional<DiskSpec> disk_spec;
  std::optional<AzureAttributes> azure_attributes;
  std::vector<std::string> preloaded_spark_versions;
  std::vector<DockerImage> preloaded_docker_images;
  std::vector<std::string> alternate_node_type_ids;  // node_type_flexibility
  // Computed by the service.
  std::map<std::string, std::string> default_tags;
  std::string state;  // ACTIVE | STOPPED | DELETED
  std::optional<PoolStats> stats;
  std::vector<PendingInstanceError> pending_instance_errors;  // status.pending_instance_errors
};

// Body of instance-pools/create: every set configuration field.
nlohmann::json PoolCreateJson(const InstancePool& p);
// Body of instance-pools/edit: id, name, node type and the full editable set (custom_tags always,
// possibly {}).
nlohmann::json PoolEditJson(const InstancePool& p);
void from_json(const nlohmann::json& j, InstancePool& p);

// ---- The workspace's Azure resource (ARM) -------------------------------------------------------

// properties.workspaceUrl of a Microsoft.Databricks/workspaces resource as ARM returns it (a bare
// host name, "adb-1.2.azuredatabricks.net"); "" when the body has none.
std::string WorkspaceUrlOf(const std::string& resource_body);

}  // namespace adbjit::databricks

#endif  // ADBJIT_CLIENTS_DATABRICKS_TYPES_H_
