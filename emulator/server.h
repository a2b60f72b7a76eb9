// adbjit::emulator::Server — an in-process stand-in for Microsoft Entra ID, an Azure Databricks
// workspace and Azure Key Vault, served on loopback. The `adbjit-emulator` binary is a thin main()
// around this class; tests and benchmarks embed it directly.
//
// Each service listens on its own port (0 = pick a free one); an admin API on a fourth port exposes
// the request log, counters, live objects, fault rules and latency. All methods are thread-safe.
// Wire behaviour follows shared/spec/remote-apis.md (docs/emulator.md documents it for users).
#ifndef ADBJIT_EMULATOR_SERVER_H_
#define ADBJIT_EMULATOR_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace adbjit::emulator {

// The identities the emulated tenant knows. Defaults are what docs, examples and tests use.
struct Principal {
  std::string tenant_id = "00000000-0000-4000-8000-000000000001";
  // The tenant's verified domain, which names it as well as its id does (remote-apis.md 1.2).
  std::string tenant_domain = "adbjit-emulator.onmicrosoft.com";
  std::string client_id = "00000000-0000-4000-8000-000000000002";
  std::string client_secret = "emulator-client-secret";
  std::string object_id = "00000000-0000-4000-8000-000000000003";
  // Federated credential accepted as client_assertion: a JWT with this issuer and subject
  // and audience api://AzureADTokenExchange (the emulator's GitHub-style OIDC endpoint mints them).
  std::string federated_issuer = "https://token.actions.githubusercontent.com";
  std::string federated_subject = "repo:adbjit/demo:ref:refs/heads/main";
  // Managed identity: requests to the IMDS path get tokens for this principal.
  bool managed_identity = true;
  // A user of the workspace. One that is not is refused by the workspace's gateway (403 "User not
  // authorized.") until the service-principal management headers admit it (remote-apis.md 2.2).
  bool workspace_member = true;
};

struct Options {
  std::string host = "127.0.0.1";  // loopback only; anything else is refused by Start()
  int entra_port = 0;
  int databricks_port = 0;
  int keyvault_port = 0;
  int admin_port = 0;

  std::vector<Principal> principals{Principal{}};

  // HTTPS: when tls_dir is non-empty the emulator generates a CA and a server certificate for
  // 127.0.0.1/localhost into that directory (ca.pem, server.pem, server-key.pem) and serves TLS.
  std::string tls_dir;

  // Persist objects across restarts (JSON). Empty = memory only.
  std::string state_file;
  // Fault rules loaded at start (same JSON as POST /admin/faults).
  std::string faults_file;
  uint64_t seed = 1;            // for probabilistic fault rules
  int latency_ms = 0;           // added to every request of every service

  // Entra behaviour.
  int64_t access_token_lifetime_seconds = 3599;  // expires_in of issued access tokens
  bool entra_numbers_as_strings = false;         // v2 replies carry expires_in etc. as strings

  // Databricks behaviour.
  int token_quota = 600;                  // non-expired tokens per principal
  int64_t max_token_lifetime_days = 730;  // 0 = no maximum
  bool pool_deleted_form = false;         // get on a deleted pool: 200 + state DELETED instead of 404
  bool token_list_newest_first = false;   // token/list newest first (the API does not promise an order)

  // Azure Resource Manager: the workspace resource that GET {entra_url}{id}?api-version=… describes.
  std::string workspace_resource_id =
      "/subscriptions/00000000-0000-4000-8000-00000000000a/resourceGroups/adbjit-emulator/providers/"
      "Microsoft.Databricks/workspaces/adbjit-emulator";

  // Key Vault behaviour (transition delays in ms; 0 = immediate).
  int kv_delete_delay_ms = 0;   // DELETE -> visible under /deletedsecrets
  int kv_purge_delay_ms = 0;    // purge -> name free again (ObjectIsBeingDeleted meanwhile)
  int kv_recover_delay_ms = 0;  // recover -> live again
  bool kv_purge_protection = false;
  int kv_retention_days = 90;
};

class Server {
 public:
  explicit Server(Options options = {});
  ~Server();  // stops if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds all ports and starts serving; returns false (with a message in error()) on failure.
  bool Start();
  void Stop();
  const std::string& error() const;

  // Base URLs without a trailing slash, e.g. "http://127.0.0.1:41234".
  std::string entra_url() const;       // authority host: {url}/{tenant}/oauth2/v2.0/token
  std::string databricks_url() const;  // workspace host: {url}/api/2.0/...
  std::string keyvault_url() const;    // vault URL: {url}/secrets/{name}?api-version=7.4
  std::string admin_url() const;
  std::string resource_manager_url() const;  // ARM endpoint (the Entra listener): {url}{resource id}
  std::string imds_url() const;        // managed identity endpoint (full path to .../oauth2/token)
  std::string github_oidc_url() const; // ACTIONS_ID_TOKEN_REQUEST_URL equivalent (already has a query)
  std::string github_oidc_request_token() const;  // ACTIONS_ID_TOKEN_REQUEST_TOKEN equivalent
  std::string ca_file() const;         // PEM of the generated CA when TLS is on, else ""

  // The same JSON the admin API serves (GET /admin/objects, /admin/counters, /admin/requests).
  nlohmann::json Objects() const;
  nlohmann::json Counters() const;
  nlohmann::json Requests() const;
  // GET /admin/faults: the rules with their matched and applied counts (applied is counted when a
  // rule is applied, before a delay or timeout it adds).
  nlohmann::json FaultRules() const;
  // Replaces / appends fault rules (POST /admin/faults semantics) and sets latency.
  void SetFaults(const nlohmann::json& rules);
  void ClearFaults();
  void SetLatencyMs(int ms);
  // Clears the request log and counters (objects stay).
  void ResetCounters();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_SERVER_H_
