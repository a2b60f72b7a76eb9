// The interfaces a provider implements: Provider, Resource, EphemeralResource and DataSource.
// They speak Terraform semantics (Values, Schemas, Diagnostics) and know nothing of gRPC; the
// ProviderServer (server.h) maps the protocol's RPCs onto them.
//
// Contracts every implementation keeps:
// - Methods are const and may be called concurrently from many threads; per-provider state lives in
//   the ProviderData created by Provider::Configure.
// - Failures are diagnostics, never exceptions (the server still catches any that escape and turns
//   them into an "internal error" diagnostic).
// - Create returns new_state as soon as the remote object exists, even if a later step fails (then
//   with an error diagnostic): Terraform stores it as tainted and nothing is orphaned.
// - Read sets new_state to null when the remote object is gone; the state entry is then dropped and
//   the next plan re-creates it.
// - Returned states are wholly known and conform to the schema; write-only attributes are null.
#ifndef ADBJIT_FRAMEWORK_RESOURCE_H_
#define ADBJIT_FRAMEWORK_RESOURCE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "provider/framework/diagnostics.h"
#include "provider/framework/schema.h"
#include "provider/framework/value.h"

namespace adbjit::tf {

struct ClientCapabilities {
  bool deferral_allowed = false;
  bool write_only_attributes_allowed = false;
};

// The configured provider as resources see it (API clients, guard rails). The adbjit provider
// derives its own type from this and resources static_cast to it.
class ProviderData {
 public:
  virtual ~ProviderData() = default;
  // Whether Provider::Shutdown still has work to do for this data once a later ConfigureProvider
  // replaces it: one process serves every command in Terraform's -debug (reattach) mode, and one
  // command can configure it more than once (an apply's plan and apply walks). Such data is kept,
  // and Shutdown runs for it as well (so does the data replaced last, whatever this says: a call
  // still running on it can add work).
  virtual bool NeedsShutdown() const { return false; }
};

// Passed to every call.
struct CallContext {
  // Null until ConfigureProvider ran (validation calls), so validators must not need it.
  std::shared_ptr<ProviderData> provider;
  ClientCapabilities capabilities;
};

// --- managed resources ---

struct PlanRequest {
  Value config;
  Value prior_state;         // null on create
  Value proposed_new_state;  // null on destroy
  std::string prior_private;
};

struct PlanResponse {
  Value planned_state;       // starts as PlanFromSchema's result; hooks may refine it
  std::vector<AttributePath> requires_replace;
  std::string planned_private;
  Diagnostics diagnostics;
};

struct ApplyRequest {
  Value config;         // the only place write-only values can be read at apply time
  Value prior_state;    // null on create
  Value planned_state;  // null on delete
  std::string planned_private;
};

struct ApplyResponse {
  Value new_state;  // delete: leave null
  std::string private_data;
  Diagnostics diagnostics;
};

struct ReadRequest {
  Value current_state;
  std::string private_data;
};

struct ReadResponse {
  Value new_state;  // null = the remote object is gone
  std::string private_data;  // starts as the request's; "" clears it
  Diagnostics diagnostics;
};

struct ImportRequest {
  std::string id;
};

struct ImportResponse {
  Value state;  // at least the identifying attributes; Read fills the rest
  std::string private_data;
  Diagnostics diagnostics;
};

// A `moved` block from another provider's resource type (Terraform >= 1.8). Terraform calls this
// before the provider is configured: only the source's stored state is available, no API.
struct MoveRequest {
  std::string source_provider_address;  // "registry.terraform.io/databricks/databricks"
  std::string source_type_name;         // "databricks_token"
  int64_t source_schema_version = 0;
  std::string source_state_json;  // the source's attributes object as Terraform stored it
  std::string source_private;
};

struct MoveResponse {
  Value state;  // conforming to this resource's schema; the next refresh reads the rest
  std::string private_data;
  Diagnostics diagnostics;
};

struct UpgradeRequest {
  int64_t version = 0;   // the schema_version recorded in state
  std::string raw_json;  // the state's attributes object as Terraform stored it
};

struct UpgradeResponse {
  Value state;  // conforming to the current schema
  Diagnostics diagnostics;
};

class Resource {
 public:
  virtual ~Resource() = default;

  virtual std::string TypeName() const = 0;  // "adbjit_token"
  virtual const Schema& GetSchema() const = 0;

  // Cross-attribute checks after the schema validators ran. `config` may contain unknowns.
  virtual void ValidateConfig(const CallContext& ctx, const Value& config, Diagnostics& diags) const {}
  // Runs after PlanFromSchema (not on destroy). May change planned_state (only where the planning
  // rules allow), add requires_replace paths, and set planned_private.
  virtual void ModifyPlan(const CallContext& ctx, const PlanRequest& req, PlanResponse& resp) const {}

  virtual void Create(const CallContext& ctx, const ApplyRequest& req, ApplyResponse& resp) const = 0;
  virtual void Read(const CallContext& ctx, const ReadRequest& req, ReadResponse& resp) const = 0;
  virtual void Update(const CallContext& ctx, const ApplyRequest& req, ApplyResponse& resp) const = 0;
  // An object already gone is success.
  virtual void Delete(const CallContext& ctx, const ApplyRequest& req, ApplyResponse& resp) const = 0;

  // Default: an error saying the resource does not support import.
  virtual void Import(const CallContext& ctx, const ImportRequest& req, ImportResponse& resp) const;
  // Default: an error saying the resource cannot take state moved from the source type.
  virtual void MoveState(const CallContext& ctx, const MoveRequest& req, MoveResponse& resp) const;
  // Default: decodes raw_json with the current schema when version == GetSchema().version,
  // otherwise an error.
  virtual void UpgradeState(const CallContext& ctx, const UpgradeRequest& req, UpgradeResponse& resp) const;
};

// --- ephemeral resources (Terraform >= 1.10) ---

struct OpenRequest {
  Value config;
};

struct OpenResponse {
  Value result;
  std::string private_data;
  std::optional<std::chrono::system_clock::time_point> renew_at;
  Diagnostics diagnostics;
};

struct RenewRequest {
  std::string private_data;
};

struct RenewResponse {
  std::string private_data;
  std::optional<std::chrono::system_clock::time_point> renew_at;
  Diagnostics diagnostics;
};

struct CloseRequest {
  std::string private_data;  // from Open (Terraform passes Open's, not Renew's)
};

struct CloseResponse {
  Diagnostics diagnostics;
};

class EphemeralResource {
 public:
  virtual ~EphemeralResource() = default;
  virtual std::string TypeName() const = 0;
  virtual const Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const CallContext& ctx, const Value& config, Diagnostics& diags) const {}
  virtual void Open(const CallContext& ctx, const OpenRequest& req, OpenResponse& resp) const = 0;
  virtual void Renew(const CallContext& ctx, const RenewRequest& req, RenewResponse& resp) const {}
  virtual void Close(const CallContext& ctx, const CloseRequest& req, CloseResponse& resp) const = 0;
};

// --- data sources ---

struct DataReadRequest {
  Value config;
};

struct DataReadResponse {
  Value state;
  Diagnostics diagnostics;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual std::string TypeName() const = 0;
  virtual const Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const CallContext& ctx, const Value& config, Diagnostics& diags) const {}
  virtual void Read(const CallContext& ctx, const DataReadRequest& req, DataReadResponse& resp) const = 0;
};

// --- the provider ---

struct ConfigureRequest {
  std::string terraform_version;
  Value config;  // may contain unknowns during plan: configure without calling any API
  ClientCapabilities capabilities;
};

struct ConfigureResponse {
  std::shared_ptr<ProviderData> data;
  Diagnostics diagnostics;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string TypeName() const = 0;  // "adbjit"
  virtual std::string Version() const = 0;
  virtual const Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const Value& config, Diagnostics& diags) const {}
  virtual void Configure(const ConfigureRequest& req, ConfigureResponse& resp) const = 0;
  // StopProvider: abort outstanding remote calls and waits promptly. May be called concurrently.
  virtual void Stop(const std::shared_ptr<ProviderData>& data) const {}
  // The process is about to end (plugin.GRPCController/Shutdown, SIGTERM): undo what only this
  // process knows of and Terraform will not end (ephemeral resources whose Close it skipped). Runs
  // after Stop, with no other call in flight; Terraform waits for it. May be called twice.
  virtual void Shutdown(const std::shared_ptr<ProviderData>& data) const {}

  virtual std::vector<std::shared_ptr<const Resource>> Resources() const = 0;
  virtual std::vector<std::shared_ptr<const EphemeralResource>> EphemeralResources() const { return {}; }
  virtual std::vector<std::shared_ptr<const DataSource>> DataSources() const { return {}; }
};

}  // namespace adbjit::tf

#endif  // ADBJIT_FRAMEWORK_RESOURCE_H_
