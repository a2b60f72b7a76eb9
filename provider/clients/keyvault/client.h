// keyvault::Client: Azure Key Vault secrets data plane (api-version 7.4) for any number of vaults.
//
// Each call names its vault URL ("https://myvault.vault.azure.net/"), validated by
// ValidateVaultUrl: https with the cloud's DNS suffix, or a loopback host (the emulator; http ok).
// Tokens are for the cloud's Key Vault scope; a 401 bearer challenge makes the client re-acquire
// once for the challenge's tenant/scope (after checking that the challenge's resource host is a
// suffix of the vault host) and remember it for that vault; a second 401 is kUnauthenticated.
// Error mapping: errors.h. The *AndWait calls poll until the service's asynchronous transition is
// visible, bounded by the retry budget, with short intervals for loopback vaults.
//
// Thread-safe; one instance serves every resource of a provider process.
#ifndef ADBJIT_CLIENTS_KEYVAULT_CLIENT_H_
#define ADBJIT_CLIENTS_KEYVAULT_CLIENT_H_

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider/clients/auth/token_source.h"
#include "provider/clients/http/clock.h"
#include "provider/clients/http/retry.h"
#include "provider/clients/http/transport.h"
#include "provider/clients/keyvault/types.h"

namespace adbjit::keyvault {

inline constexpr char kApiVersion[] = "7.4";

struct ClientOptions {
  std::string keyvault_scope = "https://vault.azure.net/.default";
  std::string dns_suffix = ".vault.azure.net";
  std::string tenant_id;  // the configured tenant (a challenge naming it reuses the cached token)
  std::chrono::milliseconds timeout{60000};
  http::RetryPolicy retry;  // bounds waits and ObjectIsBeingDeleted retries
  // Poll intervals: loopback vaults poll fast (emulator transitions are immediate by default).
  std::chrono::milliseconds poll_initial{1000};
  std::chrono::milliseconds poll_max{10000};
  std::chrono::milliseconds loopback_poll_initial{20};
  std::chrono::milliseconds loopback_poll_max{200};
};

class Client {
 public:
  Client(std::shared_ptr<http::Transport> transport, std::shared_ptr<auth::TokenSource> tokens,
         ClientOptions options, http::Clock* clock = nullptr, std::shared_ptr<http::StopSignal> stop = nullptr);

  // InvalidArgument with the reason (scheme, host suffix, path) when the URL is not a vault URL.
  Status ValidateVaultUrl(const std::string& vault_url) const;

  // PUT: a new version. Retries 409 ObjectIsBeingDeleted (name still being purged) on the poll
  // pace, and a 500 or a 200 whose reply is not JSON (both may come after the write) on the retry
  // backoff, within the budget; 409 ObjectIsDeletedButRecoverable comes back as kAlreadyExists.
  // When the retries end after such an answer, the latest version is read: if it holds what was
  // written, that is the result; if not, the error says the secret may hold a version.
  StatusOr<SecretBundle> SetSecret(const std::string& vault_url, const std::string& name, const SetSecretParams& p);
  // The latest version when `version` is empty. kNotFound when absent (or only soft-deleted);
  // kPermissionDenied with service code SecretDisabled for a disabled secret.
  StatusOr<SecretBundle> GetSecret(const std::string& vault_url, const std::string& name,
                                   const std::string& version = "");
  // Every version (no values), following nextLink on the same vault.
  StatusOr<std::vector<SecretBundle>> ListSecretVersions(const std::string& vault_url, const std::string& name);
  // PATCH one version (empty = latest).
  StatusOr<SecretBundle> UpdateSecret(const std::string& vault_url, const std::string& name,
                                      const std::string& version, const UpdateSecretParams& p);
  // Soft delete (all versions). kNotFound when there is no live secret. A delete already under way
  // (409 ObjectIsBeingDeleted) is waited for, up to kDeletedEntryWait, for the deleted entry that
  // names the version it took; the id is "" when that cannot be told (the delete took place).
  // `joined`, if given, tells whether that was so: the delete that took the secret may then be
  // someone else's (or this call's own first attempt, whose answer was lost).
  StatusOr<SecretBundle> DeleteSecret(const std::string& vault_url, const std::string& name, bool* joined = nullptr);
  // kNotFound when there is no soft-deleted secret of that name.
  StatusOr<SecretBundle> GetDeletedSecret(const std::string& vault_url, const std::string& name);
  // Purges the soft-deleted secret and waits until the deleted entry is gone: waits out a delete
  // still in progress and ObjectIsBeingDeleted; OK when there is nothing to purge.
  // kPermissionDenied/PurgeProtectionEnabled when purge protection forbids it. With `deleted_id`
  // (the versioned id of the latest version deleted), a live secret whose latest version is another
  // means someone has recovered and rewritten the name meanwhile: nothing is left to purge, OK.
  // The name may stay blocked a little longer (a PUT gets ObjectIsBeingDeleted): SetSecret waits
  // that out, as only a write can tell.
  Status PurgeDeletedSecretAndWait(const std::string& vault_url, const std::string& name,
                                   const std::string& deleted_id = "");
  // Recovers the soft-deleted secret and waits until the live secret answers; returns it (its
  // name and enabled = false alone when its latest version is disabled, as it cannot be read).
  StatusOr<SecretBundle> RecoverDeletedSecretAndWait(const std::string& vault_url, const std::string& name);

 private:
  struct Vault {
    std::string base;  // scheme://host[:port]
    std::string host;
    bool loopback = false;
  };
  StatusOr<Vault> ParseVault(const std::string& vault_url) const;
  // One authenticated request (handles the 401 challenge). `path` starts with '/', no query.
  StatusOr<http::Response> Call(const Vault& vault, const std::string& method, const std::string& path,
                                const nlohmann::json* body, const std::string& op, bool idempotent = true);
  http::RetryPolicy PollPolicy(const Vault& v) const;
  // Polls GET `path` until it answers `want_status` `needed` times in a row.
  Status WaitFor(const Vault& v, const std::string& path, int want_status, const std::string& op);
  // DeleteSecret after 409 ObjectIsBeingDeleted: the deleted entry, polled for until it shows (at
  // most kDeletedEntryWait, within the poll budget); an empty bundle when it does not or cannot be
  // read; kCancelled on a stop.
  StatusOr<SecretBundle> DeletedEntryOnceShown(const Vault& v, const std::string& name, const std::string& op);
  static constexpr std::chrono::milliseconds kDeletedEntryWait{60000};
  // A 403 SecretDisabled: the secret is there, its latest version disabled.
  static bool IsDisabledAnswer(const http::Response& r, const std::string& op);
  // What RecoverDeletedSecretAndWait returns for a secret it cannot read for being disabled.
  static SecretBundle DisabledBundle(const std::string& name);
  // After a write whose outcome is unknown: the latest version when it holds exactly what `p`
  // wrote (value, content type, tags, enabled, dates) and was created after `started` (less a
  // margin for clock skew), so the write took place; nullopt when its latest version holds
  // something else or is older (the write did not take effect: a version that was the latest
  // before, with the same contents, is not this write's); the read's error otherwise (NotFound: no
  // secret, so nothing was written).
  StatusOr<std::optional<SecretBundle>> WrittenAfterAll(const std::string& vault_url, const std::string& name,
                                                        const SetSecretParams& p, const std::string& op,
                                                        std::chrono::system_clock::time_point started);

  std::shared_ptr<http::Transport> transport_;
  std::shared_ptr<auth::TokenSource> tokens_;
  ClientOptions options_;
  http::Clock* clock_;
  std::shared_ptr<http::StopSignal> stop_;
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, std::string>> challenged_;  // host -> (scope, tenant)
};

}  // namespace adbjit::keyvault

#endif  // ADBJIT_CLIENTS_KEYVAULT_CLIENT_H_
