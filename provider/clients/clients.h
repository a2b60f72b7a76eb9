// Clients: the provider process's remote side, wired once from a ClientsConfig and shared by
// every resource: one connection pool, one retry policy, one token cache, one client per service.
//
//   ADBJIT_ASSIGN_OR_RETURN(auto clients, clients::Clients::Create(config));
//   auto token = clients->databricks().CreateTokenSafely(3600, "ci");
//
// Construction validates the configuration and does no network I/O; the first API call fetches
// tokens. Cancel() (Terraform's StopProvider) aborts in-flight transfers and retry/poll waits
// promptly, and every later call fails with kCancelled; CleanUp() is the one way past it. Thread-safe.
#ifndef ADBJIT_CLIENTS_CLIENTS_H_
#define ADBJIT_CLIENTS_CLIENTS_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "provider/clients/auth/cloud.h"
#include "provider/clients/auth/token_source.h"
#include "provider/clients/config.h"
#include "provider/clients/databricks/client.h"
#include "provider/clients/http/clock.h"
#include "provider/clients/http/transport.h"
#include "provider/clients/keyvault/client.h"

namespace adbjit::clients {

class Clients {
 public:
  // Validates `config` (after the caller applied ApplyEnvironment, if wanted) and wires the layers.
  static StatusOr<std::unique_ptr<Clients>> Create(ClientsConfig config);

  databricks::Client& databricks() { return *databricks_; }
  keyvault::Client& keyvault() { return *keyvault_; }
  // The caching token source every client uses (e.g. for a custom call).
  auth::TokenSource& tokens() { return *tokens_; }
  const auth::Cloud& cloud() const { return cloud_; }
  const ClientsConfig& config() const { return config_; }

  void Cancel() { stop_->Stop(); }
  bool cancelled() const { return stop_->stopped(); }

  // A Databricks client that Cancel() does not reach, for the clean-ups nothing else would do: the
  // revoke of a token no state records (an ephemeral token) when Terraform has already stopped the
  // provider. Its own connections; the cached access tokens first, fetched anew only when none is
  // cached; each call bounded by kCleanUpBudget (retries) and the configured timeout (at most
  // kCleanUpBudget too), so a stopped run still ends promptly. Built on first use.
  static constexpr std::chrono::seconds kCleanUpBudget{20};
  databricks::Client& CleanUp();

 private:
  Clients() = default;
  // `timeout`: of each token request (the configured http_timeout_seconds when not given).
  std::shared_ptr<auth::TokenSource> MakeTokenSource(std::shared_ptr<http::Transport> transport,
                                                     std::optional<std::chrono::milliseconds> timeout = {}) const;

  ClientsConfig config_;
  auth::Cloud cloud_;
  std::shared_ptr<http::StopSignal> stop_;
  std::shared_ptr<http::Transport> transport_;  // retrying, over curl
  std::shared_ptr<auth::TokenSource> tokens_;   // caching
  std::unique_ptr<databricks::Client> databricks_;
  std::unique_ptr<keyvault::Client> keyvault_;
  databricks::ClientOptions databricks_options_;
  std::once_flag cleanup_once_;
  std::unique_ptr<databricks::Client> cleanup_;
};

}  // namespace adbjit::clients

#endif  // ADBJIT_CLIENTS_CLIENTS_H_
