// ProviderServer: the meaning of every tfplugin6 RPC, independent of gRPC. The plugin layer
// (provider/plugin) copies protobuf fields into these calls and the results back, nothing more.
// Here live: decoding DynamicValues with the right schema type, config validation, write-only
// gating, mapping PlanResourceChange / ApplyResourceChange onto plan hooks and create / update /
// delete, import, moves across resource types, state upgrade, ephemeral resources, data sources,
// and the guarantee that no exception or bad input escapes as anything but an error diagnostic.
//
// Thread-safe: RPCs may arrive concurrently (Terraform runs -parallelism operations at once).
#ifndef ADBJIT_FRAMEWORK_SERVER_H_
#define ADBJIT_FRAMEWORK_SERVER_H_

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "provider/framework/diagnostics.h"
#include "provider/framework/resource.h"
#include "provider/framework/schema.h"

namespace adbjit::tf {

// The protocol's DynamicValue: msgpack (preferred) or JSON bytes.
struct DynamicValue {
  std::string msgpack;
  std::string json;
  bool empty() const { return msgpack.empty() && json.empty(); }
};

class ProviderServer {
 public:
  explicit ProviderServer(std::shared_ptr<const Provider> provider);

  struct Schemas {
    const Schema* provider = nullptr;
    std::map<std::string, const Schema*> resources;
    std::map<std::string, const Schema*> data_sources;
    std::map<std::string, const Schema*> ephemeral_resources;
  };
  Schemas GetSchemas() const;
  const Provider& provider() const { return *provider_; }

  Diagnostics ValidateProviderConfig(const DynamicValue& config);
  // On success stores the returned ProviderData (replacing an earlier one; on failure the earlier one
  // stays) and `caps`, which ApplyResourceChange, UpgradeResourceState, Renew and Close then use.
  Diagnostics ConfigureProvider(const std::string& terraform_version, const DynamicValue& config,
                                const ClientCapabilities& caps);
  // Cancels outstanding work; returns an error text or "".
  std::string StopProvider();
  // The process is about to end: Provider::Shutdown for the configured data and for any that a later
  // configure replaced while it still needed it (exceptions logged, never thrown).
  void Shutdown();

  Diagnostics ValidateResourceConfig(const std::string& type_name, const DynamicValue& config,
                                     const ClientCapabilities& caps);

  struct UpgradeResult {
    DynamicValue upgraded_state;
    Diagnostics diagnostics;
  };
  UpgradeResult UpgradeResourceState(const std::string& type_name, int64_t version, const std::string& raw_json);

  struct ReadResult {
    DynamicValue new_state;
    std::string private_data;
    Diagnostics diagnostics;
  };
  // new_state is a typed null when the object is gone; when the hook fails and returns no state, the
  // current state is echoed so a failed refresh never drops it. private_data is what the hook leaves
  // in its response, which starts as the request's: a hook that sets it to "" clears it.
  ReadResult ReadResource(const std::string& type_name, const DynamicValue& current_state,
                          const std::string& private_data, const ClientCapabilities& caps);

  struct PlanResult {
    DynamicValue planned_state;
    std::vector<AttributePath> requires_replace;
    std::string planned_private;
    Diagnostics diagnostics;
  };
  PlanResult PlanResourceChange(const std::string& type_name, const DynamicValue& prior_state,
                                const DynamicValue& proposed_new_state, const DynamicValue& config,
                                const std::string& prior_private, const ClientCapabilities& caps);

  struct ApplyResult {
    DynamicValue new_state;
    std::string private_data;
    Diagnostics diagnostics;
  };
  ApplyResult ApplyResourceChange(const std::string& type_name, const DynamicValue& prior_state,
                                  const DynamicValue& planned_state, const DynamicValue& config,
                                  const std::string& planned_private);

  struct ImportResult {
    std::string type_name;
    DynamicValue state;
    std::string private_data;
    Diagnostics diagnostics;
  };
  ImportResult ImportResourceState(const std::string& type_name, const std::string& id,
                                   const ClientCapabilities& caps);

  struct MoveResult {
    DynamicValue target_state;
    std::string target_private;
    Diagnostics diagnostics;
  };
  // Runs before ConfigureProvider, so the resource sees no API clients.
  MoveResult MoveResourceState(const std::string& target_type_name, const MoveRequest& req);

  Diagnostics ValidateDataResourceConfig(const std::string& type_name, const DynamicValue& config);
  struct DataResult {
    DynamicValue state;
    Diagnostics diagnostics;
  };
  DataResult ReadDataSource(const std::string& type_name, const DynamicValue& config,
                            const ClientCapabilities& caps);

  Diagnostics ValidateEphemeralResourceConfig(const std::string& type_name, const DynamicValue& config);
  struct OpenResult {
    DynamicValue result;
    std::optional<std::string> private_data;
    std::optional<std::chrono::system_clock::time_point> renew_at;
    Diagnostics diagnostics;
  };
  OpenResult OpenEphemeralResource(const std::string& type_name, const DynamicValue& config,
                                   const ClientCapabilities& caps);
  struct RenewResult {
    std::optional<std::string> private_data;
    std::optional<std::chrono::system_clock::time_point> renew_at;
    Diagnostics diagnostics;
  };
  RenewResult RenewEphemeralResource(const std::string& type_name, const std::optional<std::string>& private_data);
  Diagnostics CloseEphemeralResource(const std::string& type_name, const std::optional<std::string>& private_data);

 private:
  CallContext Context(const ClientCapabilities& caps) const;
  // For RPCs without client_capabilities (apply, upgrade, renew, close): those of ConfigureProvider.
  CallContext ConfiguredContext() const;

  std::shared_ptr<const Provider> provider_;
  std::map<std::string, std::shared_ptr<const Resource>> resources_;
  std::map<std::string, std::shared_ptr<const DataSource>> data_sources_;
  std::map<std::string, std::shared_ptr<const EphemeralResource>> ephemeral_;
  mutable std::mutex mu_;
  std::shared_ptr<ProviderData> data_;  // set by ConfigureProvider
  // Data a later ConfigureProvider replaced: the last one, and older ones while they still need
  // Shutdown (NeedsShutdown).
  std::vector<std::shared_ptr<ProviderData>> retired_;
  ClientCapabilities configured_caps_;  // set by ConfigureProvider
};

}  // namespace adbjit::tf

#endif  // ADBJIT_FRAMEWORK_SERVER_H_
