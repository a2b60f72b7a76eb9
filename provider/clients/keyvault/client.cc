// keyvault::Client: vault URL checks, authenticated calls with the bearer challenge, secrets ops
// and the polling waits.
#include "provider/clients/keyvault/client.h"

#include <algorithm>
#include <atomic>
#include <cctype>

#include "provider/clients/auth/challenge.h"
#include "provider/clients/http/url.h"
#include "provider/clients/internal/json_util.h"
#include "provider/clients/keyvault/errors.h"
#include "provider/util/ascii.h"
#include "provider/util/log.h"

namespace adbjit::keyvault {
namespace {

using nlohmann::json;

std::atomic<uint64_t> g_seed{0x3C6EF372FE94F82BULL};

bool ValidVersion(const std::string& v) {
  return std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isalnum(c); });
}

Status GiveUp(const http::RetryBudget& b, const Status& wait, const Status& last, const std::string& op) {
  if (wait.code() == StatusCode::kCancelled) return CancelledError(op + ": cancelled while waiting");
  std::string cause = last.ok() ? "the transition never became visible" : last.message();
  if (cause.starts_with(op + ": ")) cause.erase(0, op.size() + 2);  // named once
  Status s(StatusCode::kDeadlineExceeded, op + ": " + b.GaveUpSummary() + " (retry_timeout_seconds): " + cause);
  s.WithHttpStatus(last.http_status()).WithServiceCode(last.service_code()).WithRequestId(last.request_id());
  return s;
}

}  // namespace

Client::Client(std::shared_ptr<http::Transport> transport, std::shared_ptr<auth::TokenSource> tokens,
               ClientOptions options, http::Clock* clock, std::shared_ptr<http::StopSignal> stop)
    : transport_(std::move(transport)),
      tokens_(std::move(tokens)),
      options_(std::move(options)),
      clock_(clock != nullptr ? clock : http::Clock::Real()),
      stop_(stop != nullptr ? std::move(stop) : std::make_shared<http::StopSignal>()) {}

StatusOr<Client::Vault> Client::ParseVault(const std::string& vault_url) const {
  const std::string what = "invalid Key Vault URL \"" + vault_url + "\": ";
  auto u = http::ParseUrl(vault_url);
  if (!u.ok()) return InvalidArgumentError(what + "expected https://<vault-name>" + options_.dns_suffix + "/");
  Vault v;
  v.host = u->host;
  v.loopback = http::IsLoopbackHost(u->host);
  if (u->scheme != "https" && !v.loopback) {
    return InvalidArgumentError(what + "must use https:// (plain http is accepted only for loopback hosts)");
  }
  if (!v.loopback) {
    const std::string& suffix = options_.dns_suffix;
    if (u->host.size() <= suffix.size() || !u->host.ends_with(suffix)) {
      return InvalidArgumentError(what + "the host must end in " + suffix + " for this azure_environment");
    }
  }
  if (u->path != "/" || !u->query.empty()) {
    return InvalidArgumentError(what + "give the vault's base URL only (https://<vault-name>" + options_.dns_suffix +
                                "/), without a path");
  }
  v.base = u->Origin();
  return v;
}

Status Client::ValidateVaultUrl(const std::string& vault_url) const { return ParseVault(vault_url).status(); }

StatusOr<http::Response> Client::Call(const Vault& vault, const std::string& method, const std::string& path,
                                      const json* body, const std::string& op, bool idempotent) {
  std::string scope = options_.keyvault_scope;
  std::string tenant;
  {
    std::lock_guard lock(mu_);
    if (auto it = challenged_.find(vault.host); it != challenged_.end()) std::tie(scope, tenant) = it->second;
  }
  std::string url = vault.base + path;
  if (url.find("api-version=") == std::string::npos) url = http::AppendQuery(url, "api-version", kApiVersion);
  for (int attempt = 0;; ++attempt) {
    StatusOr<auth::AccessToken> token = tokens_->Token(scope, tenant);
    if (!token.ok()) return Status(token.status()).Annotate(op);
    http::Request req;
    req.method = method;
    req.url = url;
    req.headers = {{"Authorization", "Bearer " + token->token.Reveal()}, {"Accept", "application/json"}};
    if (body != nullptr) {
      req.headers.emplace_back("Content-Type", "application/json");
      req.body = body->dump();
    }
    req.timeout = options_.timeout;
    req.idempotent = idempotent;
    req.operation = op;
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, transport_->Send(req));
    if (r.status != 401) return r;
    auto challenge = auth::ParseBearerChallenge(r.Header("www-authenticate"));
    if (attempt > 0 || !challenge) {
      Status s = KeyVaultError(r, op);
      if (attempt > 0) {
        return Status(StatusCode::kUnauthenticated, s.message() + " (rejected again after answering the bearer challenge)")
            .WithHttpStatus(401)
            .WithServiceCode(s.service_code())
            .WithRequestId(s.request_id());
      }
      return s;
    }
    ADBJIT_RETURN_IF_ERROR(Status(auth::CheckChallengeResource(*challenge, vault.host)).Annotate(op));
    tokens_->Invalidate(scope, tenant, token->token);
    scope = challenge->ScopeToRequest();
    tenant = AsciiLower(challenge->tenant) == AsciiLower(options_.tenant_id) ? "" : challenge->tenant;
    log::Debug("keyvault", "answering bearer challenge",
               {{"operation", op}, {"scope", scope}, {"tenant", challenge->tenant}});
    std::lock_guard lock(mu_);
    challenged_[vault.host] = {scope, tenant};
  }
}

http::RetryPolicy Client::PollPolicy(const Vault& v) const {
  http::RetryPolicy p = options_.retry;
  p.initial_backoff = v.loopback ? options_.loopback_poll_initial : options_.poll_initial;
  p.max_backoff = v.loopback ? options_.loopback_poll_max : options_.poll_max;
  p.max_attempts = 0;
  return p;
}

bool Client::IsDisabledAnswer(const http::Response& r, const std::string& op) {
  return r.status == 403 && KeyVaultError(r, op).service_code() == kSecretDisabled;
}

SecretBundle Client::DisabledBundle(const std::string& name) {
  SecretBundle b;
  b.name = name;
  b.attributes.enabled = false;
  return b;
}

Status Client::WaitFor(const Vault& v, const std::string& path, int want_status, const std::string& op) {
  const int needed = v.loopback ? 1 : 3;  // Azure is eventually consistent: insist a little
  http::RetryBudget b(PollPolicy(v), clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  int streak = 0;
  for (;;) {
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call(v, "GET", path, nullptr, op));
    b.RecordAttempt();
    // A disabled secret is there, only unreadable: as live as a 200.
    if (IsDisabledAnswer(r, op)) r.status = 200;
    if (r.status == want_status) {
      if (++streak >= needed) return Status::OK();
    } else if (r.status == 200 || r.status == 404) {
      streak = 0;
    } else {
      return KeyVaultError(r, op);
    }
    Status w = b.WaitBeforeRetry();
    if (!w.ok()) return GiveUp(b, w, Status(), op);
  }
}

StatusOr<SecretBundle> Client::SetSecret(const std::string& vault_url, const std::string& name,
                                         const SetSecretParams& p) {
  ADBJIT_ASSIGN_OR_RETURN(Vault v, ParseVault(vault_url));
  ADBJIT_RETURN_IF_ERROR(ValidateSecretName(name));
  const std::string op = "set secret " + name;
  json body = SetJson(p);
  // When the write began, on Key Vault's clock once an answer's Date header tells it (versions'
  // `created` are on that clock; this machine's may be off by minutes), else on this machine's.
  auto started = clock_->WallNow();
  const auto started_mono = clock_->Now();
  bool started_on_server_clock = false;
  // Two paces: a name still being purged is polled (it clears in seconds); a write answered 500
  // is repeated on the retry backoff, since every attempt may add a version.
  http::RetryBudget poll(PollPolicy(v), clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  http::RetryPolicy again_policy = options_.retry;
  again_policy.max_attempts = 0;
  http::RetryBudget again(again_policy, clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  bool ambiguous = false;  // an attempt may have written a version that no answer named
  // An attempt whose answer never came (timed out, or dropped and repeated by the transport) may
  // still be handled after the read below: only finding the version tells.
  bool cut_off = false;
  auto fail = [&](Status s) -> StatusOr<SecretBundle> {
    if (!ambiguous) return s;
    auto held = WrittenAfterAll(vault_url, name, p, op, started);
    if (held.ok() && *held) return **std::move(held);
    const std::string unsure = " (an earlier attempt was answered in a way that left open whether it wrote a version";
    if (cut_off) {
      return s.Explain(" (an earlier attempt got no answer, and the server may still handle it after the read "
                       "that looked for its version, so the secret \"" + name + "\" may yet hold a version with "
                       "adbjit's tag: the next apply takes it over; if the resource is removed from the "
                       "configuration instead, delete that secret in the vault)");
    }
    if (held.ok()) {
      return s.Explain(unsure + "; the secret \"" + name + "\" was read afterwards and its latest version holds "
                       "something else, so the write did not take effect)");
    }
    if (held.status().IsNotFound()) {
      return s.Explain(unsure + "; the vault was read afterwards and has no secret \"" + name +
                       "\", so nothing was written)");
    }
    return s.Explain(unsure + ", and it could not be read afterwards, so the secret \"" + name +
                     "\" may now exist with adbjit's tag: the next apply takes it over; if the resource is removed "
                     "from the configuration instead, delete that secret in the vault)");
  };
  // The transport counts only the attempts of its own call: when it gives up, add the earlier ones.
  auto counted = [&](Status s) {
    const int earlier = again.attempts();
    if (earlier == 0 || s.message().find("gave up after") == std::string::npos) return s;
    return s.Explain(" (after " + std::to_string(earlier) + (earlier == 1 ? " earlier attempt" : " earlier attempts") +
                     " of this write)");
  };
  for (;;) {
    auto called = Call(v, "PUT", "/secrets/" + name, &body, op);
    if (!called.ok()) {
      // A timeout may have cut off the answer to a write that took place.
      if (called.status().code() == StatusCode::kDeadlineExceeded) ambiguous = cut_off = true;
      return fail(counted(called.status()));
    }
    const http::Response& r = *called;
    if (!started_on_server_clock) {
      if (auto date = http::ParseHttpDate(r.Header("date"))) {
        started = *date - std::chrono::duration_cast<std::chrono::system_clock::duration>(clock_->Now() - started_mono);
        started_on_server_clock = true;
      }
    }
    // The transport repeats a PUT whose answer was lost (dropped, timed out): an earlier attempt
    // may have written a version whatever this answer says.
    if (r.earlier_attempt_unanswered) ambiguous = cut_off = true;
    if (!r.retry_summary.empty()) return fail(counted(KeyVaultError(r, op)));  // throttled or unavailable
    poll.RecordAttempt();
    again.RecordAttempt();
    Status s;
    if (r.status == 200) {
      auto j = internal::ParseJson(r.body);
      if (j && j->is_object()) return j->get<SecretBundle>();
      // The write may or may not have happened and the new version's id is unknown. A PUT is
      // idempotent for the value (it only adds a version), so write again rather than leave a
      // secret that no state records.
      s = Status(StatusCode::kInternal, op + ": HTTP 200 with a reply that is not JSON").WithRequestId(r.RequestId());
      ambiguous = true;
    } else {
      s = KeyVaultError(r, op);
      // A 500 may come after the version was written (the transport retries 502-504 itself): write
      // again for the same reason as above.
      if (r.status == 500) {
        ambiguous = true;
      } else if (s.service_code() != kObjectIsBeingDeleted) {
        return fail(s);
      }
    }
    http::RetryBudget& b = r.status == 409 ? poll : again;
    Status w = b.WaitBeforeRetry();
    if (!w.ok()) return fail(GiveUp(b, w, s, op));
  }
}

StatusOr<std::optional<SecretBundle>> Client::WrittenAfterAll(const std::string& vault_url, const std::string& name,
                                                              const SetSecretParams& p, const std::string& op,
                                                              std::chrono::system_clock::time_point started) {
  // A version the write could have made is never older than this before it began (`started` is
  // on Key Vault's clock when an answer said it, to the second; else this machine's may be off).
  constexpr std::chrono::seconds kClockSkew{30};
  auto b = GetSecret(vault_url, name);
  if (!b.ok()) return b.status();
  if (!(b->value == p.value) || b->content_type != p.content_type) return std::optional<SecretBundle>();
  if (b->attributes.exp != p.exp || b->attributes.nbf != p.nbf ||
      b->attributes.enabled.value_or(true) != p.enabled.value_or(true)) {
    return std::optional<SecretBundle>();
  }
  const int64_t earliest =
      std::chrono::duration_cast<std::chrono::seconds>((started - kClockSkew).time_since_epoch()).count();
  if (b->attributes.created && *b->attributes.created < earliest) return std::optional<SecretBundle>();
  for (const auto& [k, val] : p.tags) {
    auto it = b->tags.find(k);
    if (it == b->tags.end() || it->second != val) return std::optional<SecretBundle>();
  }
  log::Info("keyvault", "a write that was not confirmed had happened: the latest version holds it",
            {{"operation", op}, {"version", b->version}});
  return std::optional<SecretBundle>(*std::move(b));
}

StatusOr<SecretBundle> Client::GetSecret(const std::string& vault_url, const std::string& name,
                                         const std::string& version) {
  ADBJIT_ASSIGN_OR_RETURN(Vault v, ParseVault(vault_url));
  ADBJIT_RETURN_IF_ERROR(ValidateSecretName(name));
  if (!ValidVersion(version)) return InvalidArgumentError("invalid Key Vault secret version \"" + version + "\"");
  const std::string op = "get secret " + name;
  std::string path = "/secrets/" + name + (version.empty() ? "" : "/" + version);
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call(v, "GET", path, nullptr, op));
  if (r.status != 200) return KeyVaultError(r, op);
  auto j = internal::ParseJson(r.body);
  if (!j) return InternalError(op + ": the reply is not JSON");
  return j->get<SecretBundle>();
}

StatusOr<std::vector<SecretBundle>> Client::ListSecretVersions(const std::string& vault_url, const std::string& name) {
  ADBJIT_ASSIGN_OR_RETURN(Vault v, ParseVault(vault_url));
  ADBJIT_RETURN_IF_ERROR(ValidateSecretName(name));
  const std::string op = "list versions of secret " + name;
  std::vector<SecretBundle> out;
  std::string next = "/secrets/" + name + "/versions?maxresults=25";
  for (int page = 0; page < 1000 && !next.empty(); ++page) {
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call(v, "GET", next, nullptr, op));
    if (r.status != 200) return KeyVaultError(r, op);
    auto j = internal::ParseJson(r.body);
    if (!j || !j->is_object()) return InternalError(op + ": the reply is not a JSON object");
    if (auto it = j->find("value"); it != j->end() && it->is_array()) {
      for (const auto& item : *it) out.push_back(item.get<SecretBundle>());
    }
    next.clear();
    std::string link = internal::GetString(*j, "nextLink");
    if (!link.empty()) {
      auto u = http::ParseUrl(link);
      if (!u.ok() || u->Origin() != v.base) {
        return InternalError(op + ": nextLink points outside the vault; refusing to follow it");
      }
      next = u->path + (u->query.empty() ? "" : "?" + u->query);
    }
  }
  return out;
}

StatusOr<SecretBundle> Client::UpdateSecret(const std::string& vault_url, const std::string& name,
                                            const std::string& version, const UpdateSecretParams& p) {
  ADBJIT_ASSIGN_OR_RETURN(Vault v, ParseVault(vault_url));
  ADBJIT_RETURN_IF_ERROR(ValidateSecretName(name));
  if (!ValidVersion(version)) return InvalidArgumentError("invalid Key Vault secret version \"" + version + "\"");
  const std::string op = "update secret " + name;
  json body = UpdateJson(p);
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call(v, "PATCH", "/secrets/" + name + "/" + version, &body, op));
  if (r.status != 200) return KeyVaultError(r, op);
  auto j = internal::ParseJson(r.body);
  if (!j) return InternalError(op + ": the reply is not JSON");
  return j->get<SecretBundle>();
}

StatusOr<SecretBundle> Client::DeleteSecret(const std::string& vault_url, const std::string& name, bool* joined) {
  if (joined != nullptr) *joined = false;
  ADBJIT_ASSIGN_OR_RETURN(Vault v, ParseVault(vault_url));
  ADBJIT_RETURN_IF_ERROR(ValidateSecretName(name));
  const std::string op = "delete secret " + name;
  http::RetryBudget b(PollPolicy(v), clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  for (;;) {
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call(v, "DELETE", "/secrets/" + name, nullptr, op));
    b.RecordAttempt();
    if (r.status == 409 && KeyVaultError(r, op).service_code() == kObjectIsBeingDeleted) {
      // A delete is under way: an earlier attempt whose answer was lost (the transport sends a
      // DELETE again), or someone else's. The deleted entry, once it shows, names the version that
      // went with it (one written since the caller's last look may not be the caller's).
      if (joined != nullptr) *joined = true;
      return DeletedEntryOnceShown(v, name, op);
    }
    if (r.status != 200) return KeyVaultError(r, op);
    if (r.body.empty()) return SecretBundle{};
    if (auto j = internal::ParseJson(r.body); j && j->is_object()) return j->get<SecretBundle>();
    // Not the vault's answer (a proxy, a cut reply): the delete may not have happened. Deleting
    // again is safe (404 once it has).
    Status s = Status(StatusCode::kInternal, op + ": HTTP 200 with a reply that is not JSON").WithRequestId(r.RequestId());
    Status w = b.WaitBeforeRetry();
    if (!w.ok()) return GiveUp(b, w, s, op);
  }
}

StatusOr<SecretBundle> Client::DeletedEntryOnceShown(const Vault& v, const std::string& name, const std::string& op) {
  http::RetryPolicy policy = PollPolicy(v);
  policy.budget = std::min<std::chrono::milliseconds>(policy.budget, kDeletedEntryWait);
  http::RetryBudget b(policy, clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  for (;;) {
    auto r = Call(v, "GET", "/deletedsecrets/" + name, nullptr, op + " (reading the deleted entry)");
    b.RecordAttempt();
    if (!r.ok() && r.status().code() == StatusCode::kCancelled) return r.status();
    if (r.ok() && r->status == 200) {
      if (auto j = internal::ParseJson(r->body); j && j->is_object()) return j->get<SecretBundle>();
    }
    // A 404 while the delete is carried out; anything else, or no entry in time (purged at once by
    // whoever deleted it): which version went stays unknown.
    if (!r.ok() || (r->status != 404 && r->status != 200)) return SecretBundle{};
    Status w = b.WaitBeforeRetry();
    if (w.code() == StatusCode::kCancelled) return w;
    if (!w.ok()) return SecretBundle{};
  }
}

StatusOr<SecretBundle> Client::GetDeletedSecret(const std::string& vault_url, const std::string& name) {
  ADBJIT_ASSIGN_OR_RETURN(Vault v, ParseVault(vault_url));
  ADBJIT_RETURN_IF_ERROR(ValidateSecretName(name));
  const std::string op = "get deleted secret " + name;
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call(v, "GET", "/deletedsecrets/" + name, nullptr, op));
  if (r.status != 200) return KeyVaultError(r, op);
  auto j = internal::ParseJson(r.body);
  if (!j) return InternalError(op + ": the reply is not JSON");
  return j->get<SecretBundle>();
}

Status Client::PurgeDeletedSecretAndWait(const std::string& vault_url, const std::string& name,
                                         const std::string& deleted_id) {
  ADBJIT_ASSIGN_OR_RETURN(Vault v, ParseVault(vault_url));
  ADBJIT_RETURN_IF_ERROR(ValidateSecretName(name));
  const std::string op = "purge deleted secret " + name;
  http::RetryBudget b(PollPolicy(v), clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  for (;;) {
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call(v, "DELETE", "/deletedsecrets/" + name, nullptr, op));
    b.RecordAttempt();
    Status s;
    if (r.status == 204 || (r.status == 200 && (r.body.empty() || internal::ParseJson(r.body)))) break;
    if (r.status == 200) {
      // Not the vault's answer (purge replies 204 without a body): purge again (404 once done).
      s = Status(StatusCode::kInternal, op + ": HTTP 200 with a reply that is not JSON").WithRequestId(r.RequestId());
      Status w = b.WaitBeforeRetry();
      if (!w.ok()) return GiveUp(b, w, s, op);
      continue;
    }
    s = KeyVaultError(r, op);
    if (r.status == 404) {
      // Nothing soft-deleted (yet). If the live secret still answers, a delete is in progress, or
      // the secret was recovered; once a newer version is written there, it is no longer ours.
      ADBJIT_ASSIGN_OR_RETURN(http::Response live, Call(v, "GET", "/secrets/" + name, nullptr, op));
      // Nothing to purge, or a purge already under way (an earlier attempt whose answer was lost):
      // the deleted entry may still show for a while, and the name is free only once it is gone.
      if (live.status == 404) break;
      const bool disabled = IsDisabledAnswer(live, op);  // still live, only unreadable
      if (live.status != 200 && !disabled) return KeyVaultError(live, op);
      if (auto j = internal::ParseJson(live.body); !disabled && !deleted_id.empty() && j && j->is_object() &&
                                                     internal::GetString(*j, "id") != deleted_id) {
        log::Debug("keyvault", "not purging: the secret was recovered and written again", {{"name", name}});
        return Status::OK();
      }
      s = Status(StatusCode::kFailedPrecondition, op + ": the secret is still live (delete it first)");
    } else if (s.service_code() != kObjectIsBeingDeleted) {
      return s;
    }
    Status w = b.WaitBeforeRetry();
    if (!w.ok()) return GiveUp(b, w, s, op);
  }
  return WaitFor(v, "/deletedsecrets/" + name, 404, op + " (waiting until the deleted entry is gone)");
}

StatusOr<SecretBundle> Client::RecoverDeletedSecretAndWait(const std::string& vault_url, const std::string& name) {
  ADBJIT_ASSIGN_OR_RETURN(Vault v, ParseVault(vault_url));
  ADBJIT_RETURN_IF_ERROR(ValidateSecretName(name));
  const std::string op = "recover deleted secret " + name;
  http::RetryBudget b(PollPolicy(v), clock_, stop_.get(), g_seed.fetch_add(0x9E3779B97F4A7C15ULL));
  for (;;) {
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, Call(v, "POST", "/deletedsecrets/" + name + "/recover", nullptr, op));
    b.RecordAttempt();
    if (r.status == 200) break;
    Status s = KeyVaultError(r, op);
    if (r.status == 404) {
      // Already live again (someone recovered it), or a delete still in progress.
      ADBJIT_ASSIGN_OR_RETURN(http::Response live, Call(v, "GET", "/secrets/" + name, nullptr, op));
      if (live.status == 200) {
        auto j = internal::ParseJson(live.body);
        if (j) return j->get<SecretBundle>();
      }
      if (IsDisabledAnswer(live, op)) return DisabledBundle(name);
      if (live.status != 404) return s;
      // Neither live nor soft-deleted, moments after the vault said it was soft-deleted (a recover
      // follows a 409 ObjectIsDeletedButRecoverable, or a delete): either a recover is being
      // carried out, most likely an earlier attempt of this one whose answer was lost (sent again
      // by the transport, or by libcurl on a dead keep-alive connection, unseen), and the secret
      // answers 404 until it is live; or a delete has not reached /deletedsecrets yet. Ask again
      // on the poll pace (a recover under way answers 404 again, harmlessly) until one of them
      // settles; a secret purged meanwhile runs the budget out.
      ADBJIT_ASSIGN_OR_RETURN(http::Response deleted, Call(v, "GET", "/deletedsecrets/" + name, nullptr, op));
      if (deleted.status != 404) return s;
      Status w = b.WaitBeforeRetry();
      if (!w.ok()) return GiveUp(b, w, s, op);
      continue;
    }
    if (s.service_code() != kObjectIsBeingDeleted) return s;
    Status w = b.WaitBeforeRetry();
    if (!w.ok()) return GiveUp(b, w, s, op);
  }
  ADBJIT_RETURN_IF_ERROR(WaitFor(v, "/secrets/" + name, 200, op + " (waiting until it is live)"));
  auto live = GetSecret(vault_url, name);
  if (!live.ok() && live.status().service_code() == kSecretDisabled) return DisabledBundle(name);
  return live;
}

}  // namespace adbjit::keyvault
