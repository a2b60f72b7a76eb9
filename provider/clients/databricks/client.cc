// databricks::Client: authenticated calls, error mapping, safe creates, the shared token list.
#include "provider/clients/databricks/client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>

#include "provider/clients/databricks/errors.h"
#include "provider/clients/http/url.h"
#include "provider/clients/internal/json_util.h"
#include "provider/util/log.h"

namespace adbjit::databricks {
namespace {

using nlohmann::json;

constexpr char kTokenCreate[] = "/api/2.0/token/create";
constexpr char kTokenList[] = "/api/2.0/token/list";
constexpr char kTokenDelete[] = "/api/2.0/token/delete";
constexpr char kPoolCreate[] = "/api/2.0/instance-pools/create";
constexpr char kPoolGet[] = "/api/2.0/instance-pools/get";
constexpr char kPoolEdit[] = "/api/2.0/instance-pools/edit";
constexpr char kPoolDelete[] = "/api/2.0/instance-pools/delete";
constexpr char kPoolList[] = "/api/2.0/instance-pools/list";

// How a failed create attempt may be followed up.
enum class Outcome { kDefinite, kRetryClean, kRetryAmbiguous };

std::string WithoutPrefix(const std::string& message, const std::string& op) {
  std::string prefix = op + ": ";
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

bool LooksMissing(const std::string& message) {
  return message.find("does not exist") != std::string::npos || message.find("Can't find") != std::string::npos ||
         message.find("not found") != std::string::npos;
}

// Maps a non-2xx response; `missing_means_not_found` also maps 400 "does not exist" texts.
Status ErrorFor(const http::Response& r, const std::string& op, bool missing_means_not_found) {
  Status s = DatabricksError(r, op);
  if (missing_means_not_found && s.code() == StatusCode::kInvalidArgument && LooksMissing(s.message())) {
    Status nf(StatusCode::kNotFound, s.message());
    nf.WithHttpStatus(s.http_status()).WithServiceCode(s.service_code()).WithRequestId(s.request_id());
    return nf;
  }
  return s;
}

// A create attempt that did not succeed: the error, how it may be followed up and the wait the
// service asked for.
struct FailedCreate {
  Status error;
  Outcome outcome = Outcome::kDefinite;
  std::optional<std::chrono::milliseconds> hint;
};

// A create that failed in transport or with a non-200 answer. A 429 was refused before anything
// happened; a 5xx or a transport failure after the request may have left (see
// http::IsAmbiguousTransportError) may have created the object.
FailedCreate FailureOf(const StatusOr<http::Response>& r, const std::string& op, http::Clock* clock) {
  FailedCreate f;
  if (!r.ok()) {
    f.error = r.status();
    if (http::IsAmbiguousTransportError(f.error)) f.outcome = Outcome::kRetryAmbiguous;
    return f;
  }
  f.error = ErrorFor(*r, op, false);
  if (std::string ra = r->Header("retry-after"); !ra.empty()) f.hint = http::ParseRetryAfter(ra, clock->WallNow());
  if (r->status == 429) f.outcome = Outcome::kRetryClean;
  if (r->status >= 500) f.outcome = Outcome::kRetryAmbiguous;
  return f;
}

// Waits before another create attempt: OK to try again, else the error to report (the last
// failure with what the attempts spent, or the cancellation).
Status WaitToCreateAgain(http::RetryBudget& budget, int max_attempts, const FailedCreate& f, const std::string& op) {
  Status wait = budget.attempts() >= max_attempts ? DeadlineExceededError("attempt limit reached")
                                                  : budget.WaitBeforeRetry(f.hint);
  if (wait.ok()) return wait;
  const Status& last = f.error;
  if (wait.code() == StatusCode::kCancelled) {
    return CancelledError(op + ": cancelled while waiting to retry (" + WithoutPrefix(last.message(), op) + ")");
  }
  Status out(last.code(), op + ": " + budget.GaveUpSummary() + ": " + WithoutPrefix(last.message(), op));
  out.WithHttpStatus(last.http_status()).WithServiceCode(last.service_code()).WithRequestId(last.request_id());
  return out;
}

// The check that follows an ambiguous create (`ambiguity`) is what keeps a lost token or pool from
// being left alive untracked, so a server error, a malformed reply or a dropped connection on it is
// tried again within the create's budget instead of ending the create at once; a refusal (4xx) is
// final. When it still fails, the error says that the outcome is unknown and what may exist.
Status Reconcile(http::RetryBudget& budget, const std::string& op, const Status& ambiguity, const std::string& what,
                 const std::string& may_exist, const std::function<Status()>& check) {
  for (;;) {
    Status s = check();
    if (s.ok()) return s;
    const bool final = s.code() == StatusCode::kCancelled || (s.http_status() != 0 && s.http_status() < 500);
    if (final || !budget.WaitBeforeRetry().ok()) {
      return Status(s.code(), op + ": the outcome of the create is unknown (" +
                                  WithoutPrefix(ambiguity.message(), op) + ") and checking for the " + what +
                                  " failed: " + s.message() + "; " + may_exist + " may exist");
    }
    log::Debug("databricks", "the check after an ambiguous create failed; checking again",
               {{"operation", op}, {"error", s.message()}});
  }
}

std::atomic<uint64_t> g_seed{0x2545F4914F6CDD1DULL};

// A live pool named `name` in `pools`, or nullptr.
const InstancePool* LivePoolNamed(const std::vector<InstancePool>& pools, const std::string& name) {
  for (const auto& p : pools) {
    if (p.instance_pool_name == name && p.state != "DELETED") return &p;
  }
  return nullptr;
}

// The ARM API version of the workspace read (remote-apis.md §2.1).
constexpr char kWorkspaceApiVersion[] = "2018-04-01";

}  // namespace

Client::Client(std::shared_ptr<http::Transport> transport, std::shared_ptr<auth::TokenSource> tokens,
               ClientOptions options, http::Clock* clock, std::shared_ptr<http::StopSignal> stop)
    : transport_(std::move(transport)),
      tokens_(std::move(tokens)),
      options_(std::move(options)),
      clock_(clock != nullptr ? clock : http::Clock::Real()),
      stop_(stop != nullptr ? std::move(stop) : std::make_shared<http::StopSignal>()) {
  options_.host = http::WorkspaceOrigin(options_.host);
}

StatusOr<std::string> Client::Host() {
  if (!options_.host.empty()) return options_.host;
  if (options_.workspace_resource_id.empty()) {
    return FailedPreconditionError(
        "the Databricks workspace host is not configured: set `host` (DATABRICKS_HOST), or "
        "azure_workspace_resource_id (DATABRICKS_AZURE_RESOURCE_ID) to look it up");
  }
  std::lock_guard lock(host_mu_);
  if (looked_up_host_.empty()) {
    ADBJIT_ASSIGN_OR_RETURN(looked_up_host_, LookUpHost());
  }
  return looked_up_host_;
}

StatusOr<std::string> Client::LookUpHost() {
  const std::string op = "look up the workspace URL of " + options_.workspace_resource_id;
  for (int attempt = 0;; ++attempt) {
    StatusOr<auth::AccessToken> token = tokens_->Token(options_.resource_manager_scope);
    if (!token.ok()) return Status(token.status()).Annotate(op);
    http::Request req;
    req.method = "GET";
    req.url = http::AppendQuery(options_.resource_manager + options_.workspace_resource_id, "api-version",
                                kWorkspaceApiVersion);
    req.headers = {{"Authorization", "Bearer " + token->token.Reveal()}, {"Accept", "application/json"}};
    req.timeout = options_.timeout;
    req.idempotent = true;
    req.operation = op;
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, transport_->Send(req));
    if (r.status == 401 && attempt == 0) {
      tokens_->Invalidate(options_.resource_manager_scope, "", token->token);
      continue;
    }
    if (r.status != 200) return ResourceManagerError(r, op);
    const std::string url = WorkspaceUrlOf(r.body);
    if (url.empty()) {
      return Status(StatusCode::kInternal, op + ": the reply has no properties.workspaceUrl")
          .WithHttpStatus(r.status)
          .WithRequestId(r.RequestId());
    }
    // Azure gives the host name alone ("adb-1.2.azuredatabricks.net"), which means https://.
    std::string host = http::WorkspaceOrigin(url);
    if (Status allowed = http::CheckUrlAllowed(host, false); !allowed.ok()) {
      return Status(StatusCode::kInternal, op + ": the workspace URL in the reply is not usable: " + allowed.message());
    }
    log::Debug("databricks", "workspace URL looked up through Azure Resource Manager",
               {{"workspace_resource_id", options_.workspace_resource_id}, {"host", host}});
    return host;
  }
}

StatusOr<http::Response> Client::Call(const std::string& method, const std::string& path, const json* body,
                                      const std::string& op, bool idempotent) {
  StatusOr<std::string> host = Host();
  if (!host.ok()) return Status(host.status()).Annotate(op);
  for (int attempt = 0;; ++attempt) {
    StatusOr<auth::AccessToken> token = tokens_->Token(options_.databricks_scope);
    if (!token.ok()) return Status(token.status()).Annotate(op);
    std::optional<auth::AccessToken> management;
    if (!options_.workspace_resource_id.empty()) {
      StatusOr<auth::AccessToken> m = tokens_->Token(options_.management_scope);
      if (!m.ok()) return Status(m.status()).Annotate(op + " (management token)");
      management = *m;
    }
    http::Request req;
    req.method = method;
    req.url = *host + path;
    req.headers = {{"Authorization", "Bearer " + token->token.Reveal()}, {"Accept", "application/json"}};
    if (body != nullptr) {
      req.headers.emplace_back("Content-Type", "application/json");
      req.body = body->dump();
    }
    if (management) {
      req.headers.emplace_back("X-Databricks-Azure-Workspace-Resource-Id", options_.workspace_resource_id);
      req.headers.emplace_back("X-Databricks-Azure-SP-Management-Token", management->token.Reveal());
    }
    req.timeout = options_.timeout;
    req.idempotent = idempotent;
    req.operation = op;
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, transport_->Send(req));
    const bool rejected_token =
        r.status == 401 || (r.status == 403 && (r.body.find("Invalid access token") != std::string::npos ||
                                                r.body.find("Token is expiring") != std::string::npos));
    if (rejected_token && attempt == 0) {
      // The token may have been revoked or be about to expire: fetch a new one once.
      log::Debug("databricks", "workspace rejected the access token; refreshing it once", {{"operation", op}});
      tokens_->Invalidate(options_.databricks_scope, "", token->token);
      if (management) tokens_->Invalidate(options_.management_scope, "", management->token);
      continue;
    }
    return r;
  }
}

StatusOr<http::Response> Client::CallIdempotentMutation(const std::string& path, const json& body,
                                                         const std::string& op) {
  http::RetryBudget budget(options_.retry, clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  for (;;) {
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call("POST", path, &body, op, /*idempotent=*/true));
    budget.RecordAttempt();
    if (r.status != 200 || r.body.empty() || internal::ParseJson(r.body)) return r;
    ADBJIT_RETURN_IF_ERROR(WebPageInsteadOfApi(r, op));
    log::Debug("databricks", "the reply is not JSON; sending the request again", {{"operation", op}});
    Status wait = budget.WaitBeforeRetry();
    if (wait.code() == StatusCode::kCancelled) return CancelledError(op + ": cancelled while waiting to retry");
    if (!wait.ok()) {
      return Status(StatusCode::kInternal, op + ": " + budget.GaveUpSummary() + ": HTTP 200 with a reply that is not JSON")
          .WithHttpStatus(200)
          .WithRequestId(r.RequestId());
    }
  }
}

// ---- Tokens ---------------------------------------------------------------------------------------

StatusOr<std::vector<TokenInfo>> Client::FetchTokenList() {
  {
    std::lock_guard lock(list_mu_);
    ++token_list_calls_;
  }
  const std::string op = "list tokens";
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call("GET", kTokenList, nullptr, op, true));
  if (r.status != 200) return ErrorFor(r, op, false);
  auto j = internal::ParseJson(r.body);
  ADBJIT_RETURN_IF_ERROR(WebPageInsteadOfApi(r, op));
  if (!j || !j->is_object()) return InternalError(op + ": the reply is not a JSON object");
  // Only a well-formed list that lacks a token says it is gone: a list of another shape, or an entry
  // that cannot be read, is an error (taking it as "revoked" would drop a live token from state).
  std::vector<TokenInfo> out;
  auto it = j->find("token_infos");
  if (it == j->end() || it->is_null()) return out;  // no tokens
  if (!it->is_array()) return InternalError(op + ": token_infos in the reply is not a list");
  const auto time_ok = [](const json& t, const char* key) {
    return !t.contains(key) || t[key].is_null() || internal::GetInt64(t, key).has_value();
  };
  for (const auto& t : *it) {
    if (!t.is_object() || internal::GetString(t, "token_id").empty() || !time_ok(t, "creation_time") ||
        !time_ok(t, "expiry_time")) {
      return InternalError(op + ": the reply lists a token entry that cannot be read (no token_id, or a time "
                                "that is not a number)");
    }
    out.push_back(t.get<TokenInfo>());
  }
  return out;
}

void Client::InvalidateTokenList() {
  std::lock_guard lock(list_mu_);
  ++list_generation_;
  list_cache_.reset();
}

StatusOr<std::vector<TokenInfo>> Client::ListTokens() {
  auto fresh = [this](uint64_t gen) {
    return list_cache_ && list_cache_generation_ == gen && list_generation_ == gen &&
           clock_->Now() - list_cache_time_ < options_.list_freshness;
  };
  uint64_t gen;
  {
    std::lock_guard lock(list_mu_);
    gen = list_generation_;
    if (fresh(gen)) return *list_cache_;
  }
  return list_flights_.Do(gen, [&]() -> StatusOr<std::vector<TokenInfo>> {
    {
      std::lock_guard lock(list_mu_);
      if (fresh(gen)) return *list_cache_;
    }
    auto started = clock_->Now();
    StatusOr<std::vector<TokenInfo>> r = FetchTokenList();
    if (r.ok()) {
      std::lock_guard lock(list_mu_);
      if (list_generation_ == gen) {
        list_cache_ = *r;
        list_cache_generation_ = gen;
        list_cache_time_ = started;
      }
    }
    return r;
  });
}

std::string Client::CallerObjectId() {
  StatusOr<auth::AccessToken> token = tokens_->Token(options_.databricks_scope);
  return token.ok() ? token->object_id : std::string();
}

StatusOr<TokenInfo> Client::GetToken(const std::string& token_id, std::vector<TokenInfo>* twins) {
  ADBJIT_ASSIGN_OR_RETURN(std::vector<TokenInfo> all, ListTokens());
  for (auto& t : all) {
    if (t.token_id != token_id) continue;
    if (twins != nullptr) {
      for (const auto& other : all) {
        if (SameCreate(t, other)) twins->push_back(other);
      }
    }
    return t;
  }
  return Status(StatusCode::kNotFound, "get token: no valid token with id " + token_id +
                                           " (revoked, expired, or created by another principal)")
      .WithServiceCode("RESOURCE_DOES_NOT_EXIST");
}

Status Client::DeleteToken(const std::string& token_id) {
  const std::string op = "revoke token " + token_id;
  json body = {{"token_id", token_id}};
  auto r = CallIdempotentMutation(kTokenDelete, body, op);
  InvalidateTokenList();
  if (!r.ok()) return r.status();
  if (r->status == 200) return Status::OK();
  return ErrorFor(*r, op, true);
}

Status Client::RevokeMarked(const std::string& marker, const std::string& keep_id, int* revoked) {
  InvalidateTokenList();
  ADBJIT_ASSIGN_OR_RETURN(std::vector<TokenInfo> all, FetchTokenList());
  for (const auto& t : all) {
    if (t.token_id == keep_id || FindMarker(t.raw_comment) != marker) continue;
    Status s = DeleteToken(t.token_id);
    if (!s.ok() && !s.IsNotFound()) return s;
    ++*revoked;
    log::Info("databricks", "revoked a token whose create answer was lost",
              {{"token_id", t.token_id}, {"marker", marker}});
  }
  return Status::OK();
}

std::chrono::seconds Client::LateCreateWindow() const {
  return std::max<std::chrono::seconds>(std::chrono::seconds(10),
                                        std::chrono::duration_cast<std::chrono::seconds>(options_.timeout));
}

Status Client::RevokeMarkedUntil(const std::string& marker, std::chrono::system_clock::time_point until,
                                 int* revoked) {
  for (;;) {
    const auto now = clock_->WallNow();
    const bool last = now >= until;
    ADBJIT_RETURN_IF_ERROR(RevokeMarked(marker, "", revoked));
    if (last) return Status::OK();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now) + std::chrono::milliseconds(1);
    if (!clock_->SleepFor(std::min<std::chrono::milliseconds>(left, std::chrono::seconds(2)), stop_.get())) {
      return CancelledError("revoke the token a create of unknown outcome may make (comment ending in " + marker +
                            "): cancelled while waiting for it");
    }
  }
}

StatusOr<CreatedToken> Client::CreateTokenSafely(std::optional<int64_t> lifetime_seconds, const std::string& comment,
                                                 std::string* lost_marker, std::string marker) {
  const std::string op = "create token";
  if (marker.empty()) marker = MakeMarker();
  json body = {{"comment", CommentWithMarker(comment, marker)}};
  if (lifetime_seconds) body["lifetime_seconds"] = *lifetime_seconds;

  http::RetryBudget budget(options_.retry, clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  bool ambiguity = false;
  for (;;) {
    StatusOr<http::Response> r = Call("POST", kTokenCreate, &body, op, /*idempotent=*/false);
    budget.RecordAttempt();
    FailedCreate failed;
    if (r.ok() && r->status == 200) {
      auto j = internal::ParseJson(r->body);
      std::string value = j ? internal::GetString(*j, "token_value") : "";
      if (!value.empty() && j->contains("token_info")) {
        CreatedToken created{Secret(std::move(value)), (*j)["token_info"].get<TokenInfo>(), ambiguity};
        InvalidateTokenList();
        if (ambiguity) {
          int revoked = 0;
          Status sweep = RevokeMarked(marker, created.info.token_id, &revoked);
          if (!sweep.ok()) {
            log::Warn("databricks", "could not verify that no duplicate token exists",
                      {{"marker", marker}, {"error", sweep.message()}});
          }
        }
        log::Debug("databricks", "token created",
                   {{"token_id", created.info.token_id}, {"attempts", std::to_string(budget.attempts())}});
        return created;
      }
      if (Status page = WebPageInsteadOfApi(*r, op); !page.ok()) {
        failed = {page, Outcome::kDefinite};  // not the API: nothing was created
      } else {
        failed = {InternalError(op + (j ? ": HTTP 200 without token_value/token_info"
                                        : ": HTTP 200 with a reply that is not JSON")),
                  Outcome::kRetryAmbiguous};
      }
    } else {
      failed = FailureOf(r, op, clock_);
    }
    // Giving up after an ambiguity: the lost request may still land (a request that timed out here
    // can reach Databricks later), so the caller gets the marker to record, whatever a sweep found.
    auto give_up = [&](Status error) {
      if (ambiguity && lost_marker != nullptr) *lost_marker = marker;
      return error;
    };
    if (failed.outcome == Outcome::kDefinite) {
      if (!ambiguity) return failed.error;
      // A failure after an ambiguity: revoke what the lost one made, if it landed, before reporting.
      int revoked = 0;
      (void)RevokeMarked(marker, "", &revoked);
      return give_up(failed.error);
    }
    if (failed.outcome == Outcome::kRetryAmbiguous) {
      ambiguity = true;
      int revoked = 0;
      Status reconciled = Reconcile(budget, op, failed.error, "token", "a token whose comment ends in " + marker,
                                    [&] { return RevokeMarked(marker, "", &revoked); });
      if (!reconciled.ok()) return give_up(reconciled);
      log::Debug("databricks", "reconciled an ambiguous token create",
                 {{"marker", marker}, {"revoked", std::to_string(revoked)}, {"error", failed.error.message()}});
    }
    if (Status wait = WaitToCreateAgain(budget, options_.max_create_attempts, failed, op); !wait.ok()) {
      return give_up(wait);
    }
  }
}

int Client::token_list_calls() const {
  std::lock_guard lock(list_mu_);
  return token_list_calls_;
}

// ---- Instance pools ---------------------------------------------------------------------------------

StatusOr<std::vector<InstancePool>> Client::ListInstancePools() {
  const std::string op = "list instance pools";
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call("GET", kPoolList, nullptr, op, true));
  if (r.status != 200) return ErrorFor(r, op, false);
  auto j = internal::ParseJson(r.body);
  ADBJIT_RETURN_IF_ERROR(WebPageInsteadOfApi(r, op));
  if (!j || !j->is_object()) return InternalError(op + ": the reply is not a JSON object");
  std::vector<InstancePool> out;
  if (auto it = j->find("instance_pools"); it != j->end() && it->is_array()) {
    for (const auto& p : *it) out.push_back(p.get<InstancePool>());
  }
  return out;
}

StatusOr<std::string> Client::CreateInstancePoolSafely(const InstancePool& spec) {
  const std::string op = "create instance pool " + spec.instance_pool_name;
  // Pool names are unique in a workspace, and the name is the only thing that finds a pool whose
  // create answer was lost. So look first: a pool that already has the name is someone else's, is
  // refused here as Databricks would refuse it, and can never be taken for ours after an ambiguity.
  {
    ADBJIT_ASSIGN_OR_RETURN(std::vector<InstancePool> before, ListInstancePools());
    if (const InstancePool* taken = LivePoolNamed(before, spec.instance_pool_name)) {
      return AlreadyExistsError(op + ": Instance pool with name '" + spec.instance_pool_name +
                                "' already exists (" + taken->instance_pool_id + ").");
    }
  }
  json body = PoolCreateJson(spec);
  http::RetryBudget budget(options_.retry, clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  bool ambiguity = false;  // an earlier attempt may have made the pool
  // The name was free before the first attempt, so a pool that has it now is the one an attempt
  // whose answer was lost made: its id, or "" when there is none.
  auto find_lost = [&](const Status& why) -> StatusOr<std::string> {
    std::vector<InstancePool> pools;
    ADBJIT_RETURN_IF_ERROR(Reconcile(budget, op, why, "pool", "a pool named '" + spec.instance_pool_name + "'",
                                     [&]() -> Status {
                                       ADBJIT_ASSIGN_OR_RETURN(pools, ListInstancePools());
                                       return Status::OK();
                                     }));
    const InstancePool* p = LivePoolNamed(pools, spec.instance_pool_name);
    if (p == nullptr) return std::string();
    log::Info("databricks", "adopted an instance pool whose create answer was lost",
              {{"instance_pool_id", p->instance_pool_id}, {"then", why.message()}});
    return p->instance_pool_id;
  };
  for (;;) {
    StatusOr<http::Response> r = Call("POST", kPoolCreate, &body, op, /*idempotent=*/false);
    budget.RecordAttempt();
    FailedCreate failed;
    if (r.ok() && r->status == 200) {
      auto j = internal::ParseJson(r->body);
      std::string id = j ? internal::GetString(*j, "instance_pool_id") : "";
      if (!id.empty()) return id;
      if (Status page = WebPageInsteadOfApi(*r, op); !page.ok()) {
        failed = {page, Outcome::kDefinite};  // not the API: nothing was created
      } else {
        failed = {InternalError(op + ": HTTP 200 without instance_pool_id"), Outcome::kRetryAmbiguous};
      }
    } else {
      failed = FailureOf(r, op, clock_);
    }
    if (failed.outcome == Outcome::kDefinite) {
      if (!ambiguity) return failed.error;
      // A refusal after an ambiguity ("already exists", most likely) may be the earlier attempt
      // landing late, after the check that did not find it: look once more before reporting.
      ADBJIT_ASSIGN_OR_RETURN(std::string lost, find_lost(failed.error));
      if (!lost.empty()) return lost;
      return failed.error;
    }
    if (failed.outcome == Outcome::kRetryAmbiguous) {
      ambiguity = true;
      ADBJIT_ASSIGN_OR_RETURN(std::string lost, find_lost(failed.error));
      if (!lost.empty()) return lost;
    }
    ADBJIT_RETURN_IF_ERROR(WaitToCreateAgain(budget, options_.max_create_attempts, failed, op));
  }
}

StatusOr<InstancePool> Client::GetInstancePool(const std::string& pool_id) {
  const std::string op = "get instance pool " + pool_id;
  ADBJIT_ASSIGN_OR_RETURN(http::Response r,
                          Call("GET", http::AppendQuery(kPoolGet, "instance_pool_id", pool_id), nullptr, op, true));
  if (r.status != 200) return ErrorFor(r, op, true);
  auto j = internal::ParseJson(r.body);
  ADBJIT_RETURN_IF_ERROR(WebPageInsteadOfApi(r, op));
  if (!j || !j->is_object()) return InternalError(op + ": the reply is not a JSON object");
  InstancePool p = j->get<InstancePool>();
  if (p.state == "DELETED") {
    return Status(StatusCode::kNotFound, op + ": the pool is deleted (state DELETED)")
        .WithHttpStatus(200)
        .WithRequestId(r.RequestId());
  }
  if (p.instance_pool_id.empty()) p.instance_pool_id = pool_id;
  return p;
}

Status Client::EditInstancePool(const InstancePool& pool) {
  const std::string op = "edit instance pool " + pool.instance_pool_id;
  json body = PoolEditJson(pool);
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, CallIdempotentMutation(kPoolEdit, body, op));
  if (r.status != 200) return ErrorFor(r, op, true);
  return Status::OK();
}

Status Client::DeleteInstancePool(const std::string& pool_id) {
  const std::string op = "delete instance pool " + pool_id;
  json body = {{"instance_pool_id", pool_id}};
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, CallIdempotentMutation(kPoolDelete, body, op));
  if (r.status != 200) return ErrorFor(r, op, true);
  return Status::OK();
}

}  // namespace adbjit::databricks
