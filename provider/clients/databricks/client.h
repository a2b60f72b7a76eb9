// databricks::Client: typed calls to one Azure Databricks workspace (Token API, Instance Pools API).
//
// Every method is one logical operation; HTTP and JSON stay inside. Errors are Status values made
// by DatabricksError (errors.h): kNotFound for a missing token/pool (including HTTP 400 +
// RESOURCE_DOES_NOT_EXIST, and a pool that answers 200 with state DELETED), kResourceExhausted for
// QUOTA_EXCEEDED, kPermissionDenied, kInvalidArgument, ... with service code, HTTP status and
// request id kept. Authentication: an Entra token for the AzureDatabricks scope on every request;
// when a workspace resource id is configured also X-Databricks-Azure-Workspace-Resource-Id and
// X-Databricks-Azure-SP-Management-Token. A 401 (or a gateway 403 "Invalid access token." /
// "Token is expiring") invalidates the cached tokens and retries once.
//
// Thread-safe; one instance serves every resource of a provider process.
#ifndef ADBJIT_CLIENTS_DATABRICKS_CLIENT_H_
#define ADBJIT_CLIENTS_DATABRICKS_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider/clients/auth/token_source.h"
#include "provider/clients/databricks/types.h"
#include "provider/clients/http/clock.h"
#include "provider/clients/http/retry.h"
#include "provider/clients/http/transport.h"
#include "provider/clients/internal/singleflight.h"

namespace adbjit::databricks {

struct ClientOptions {
  // "https://adb-….azuredatabricks.net". Empty: looked up from workspace_resource_id through ARM,
  // else calls fail.
  std::string host;
  std::string workspace_resource_id;  // enables the SP management headers
  std::string databricks_scope;       // "2ff814a6-…/.default"
  std::string management_scope;       // "https://management.core.windows.net//.default"
  std::string resource_manager;       // "https://management.azure.com" (the host lookup)
  std::string resource_manager_scope; // "https://management.azure.com/.default"
  std::chrono::milliseconds timeout{60000};
  // Bounds the reconcile-and-retry loop of the Safely creates (the transport has its own).
  http::RetryPolicy retry;
  int max_create_attempts = 6;
  // How long a token list may serve GetToken/ListTokens callers (invalidated by create/delete).
  std::chrono::milliseconds list_freshness{2000};
};

class Client {
 public:
  // `transport` should be the retrying one. `clock` null = real. `stop` may be null.
  Client(std::shared_ptr<http::Transport> transport, std::shared_ptr<auth::TokenSource> tokens,
         ClientOptions options, http::Clock* clock = nullptr, std::shared_ptr<http::StopSignal> stop = nullptr);

  // The workspace URL every call goes to: the configured one, else the one Azure Resource Manager
  // gives for the workspace resource ID (looked up once; a failed lookup is tried again on the next
  // call). kFailedPrecondition when neither is configured or ARM does not know the resource;
  // kPermissionDenied from ARM.
  StatusOr<std::string> Host();
  // Whether a workspace is named at all (host or workspace resource ID), without any request.
  bool WorkspaceConfigured() const { return !options_.host.empty() || !options_.workspace_resource_id.empty(); }

  // ---- Tokens (PATs of the calling principal) ----

  // Creates a token whose comment is `comment` + " [adbjit:<12 hex>]" (see types.h; the returned
  // info.comment is the user's comment, info.raw_comment has the marker). Never leaves a token
  // alive and untracked: after an ambiguous failure (connection dropped, timeout, 5xx) it lists
  // tokens, revokes any carrying this call's marker (its value is lost), and creates again within
  // the retry budget; after a success that followed an ambiguity it sweeps once more (a request
  // that lands later still makes a twin: see CreatedToken::after_ambiguity). Definite
  // errors (QUOTA_EXCEEDED, PERMISSION_DENIED, INVALID_PARAMETER_VALUE) return at once.
  // `lifetime_seconds` nullopt = server default. When it fails after an ambiguous attempt (whose
  // request may still land later, or whose token the list or the revoke could not rule out),
  // `lost_marker` (if given) receives that marker, so that the caller can record it and revoke
  // the lost token later (RevokeMarked). `marker`, when given, is the marker to use (from
  // MakeMarker), so that a caller can record it before the request goes out.
  StatusOr<CreatedToken> CreateTokenSafely(std::optional<int64_t> lifetime_seconds, const std::string& comment,
                                           std::string* lost_marker = nullptr, std::string marker = "");
  // Revokes every listed token whose raw comment carries `marker`, except `keep_id`; counts them
  // in `*revoked`.
  Status RevokeMarked(const std::string& marker, const std::string& keep_id, int* revoked);
  // How long after a create of unknown outcome gave up a request of it may still make a token: as
  // long again as the request was waited for (the request timeout), and at least 10 s.
  std::chrono::seconds LateCreateWindow() const;
  // RevokeMarked, looked again every 2 s until `until` has passed (the last look comes after it),
  // for a token a create of unknown outcome may still make. kCancelled when stopped first.
  Status RevokeMarkedUntil(const std::string& marker, std::chrono::system_clock::time_point until, int* revoked);

  // The caller's valid tokens. Concurrent callers (and GetToken callers) share one token/list
  // call, and its answer serves for ClientOptions::list_freshness unless a create/delete happened.
  StatusOr<std::vector<TokenInfo>> ListTokens();
  // One token from the shared list; kNotFound when it is not listed (revoked or expired). `twins`,
  // if given, receives the other listed tokens the same create made (SameCreate).
  StatusOr<TokenInfo> GetToken(const std::string& token_id, std::vector<TokenInfo>* twins = nullptr);
  // Revokes; kNotFound when the token is unknown / already revoked (callers treat it as done).
  Status DeleteToken(const std::string& token_id);
  // The Entra object id of the principal the calls authenticate as (the `oid` of the workspace
  // token, lower-cased): the owner of the tokens this client creates and lists. "" when it cannot
  // be told (no token could be had, or the token is not a JWT). After a call has succeeded, the
  // token comes from the cache: no request.
  std::string CallerObjectId();

  // ---- Instance pools ----

  // Creates a pool and returns its id. Lists pools first: a live pool with this (workspace-unique)
  // instance_pool_name is refused as kAlreadyExists, naming its id. After an ambiguous failure lists
  // again and adopts the pool that now has the name instead of creating a duplicate.
  StatusOr<std::string> CreateInstancePoolSafely(const InstancePool& spec);
  // kNotFound for RESOURCE_DOES_NOT_EXIST (404 or 400) and for a 200 answer with state DELETED.
  StatusOr<InstancePool> GetInstancePool(const std::string& pool_id);
  // Sends id, name, node type and the full editable set (PoolEditJson).
  Status EditInstancePool(const InstancePool& pool);
  // kNotFound when the pool is unknown (callers treat it as done).
  Status DeleteInstancePool(const std::string& pool_id);
  StatusOr<std::vector<InstancePool>> ListInstancePools();

  // Calls made to token/list so far (diagnostics, tests).
  int token_list_calls() const;

 private:
  // One authenticated request. `body` null = no body. Returns the raw response (any status).
  StatusOr<http::Response> Call(const std::string& method, const std::string& path, const nlohmann::json* body,
                                const std::string& operation, bool idempotent);
  // An idempotent mutation whose reply must be JSON: a 200 with a body that is not JSON did not
  // come from the API (proxy, cut reply) and may mean nothing happened, so the call is repeated
  // within the retry budget; when the budget runs out, an error. Other statuses come back as-is.
  StatusOr<http::Response> CallIdempotentMutation(const std::string& path, const nlohmann::json& body,
                                                  const std::string& operation);
  // GET {resource_manager}{workspace_resource_id}: properties.workspaceUrl, with https:// in front.
  StatusOr<std::string> LookUpHost();
  StatusOr<std::vector<TokenInfo>> FetchTokenList();
  void InvalidateTokenList();

  std::shared_ptr<http::Transport> transport_;
  std::shared_ptr<auth::TokenSource> tokens_;
  ClientOptions options_;
  http::Clock* clock_;
  std::shared_ptr<http::StopSignal> stop_;

  std::mutex host_mu_;  // held across the lookup: concurrent first calls wait for one ARM request
  std::string looked_up_host_;

  mutable std::mutex list_mu_;
  uint64_t list_generation_ = 0;
  std::optional<std::vector<TokenInfo>> list_cache_;
  uint64_t list_cache_generation_ = 0;
  http::Clock::TimePoint list_cache_time_;
  int token_list_calls_ = 0;
  internal::SingleFlight<uint64_t, std::vector<TokenInfo>> list_flights_;
};

}  // namespace adbjit::databricks

#endif  // ADBJIT_CLIENTS_DATABRICKS_CLIENT_H_
