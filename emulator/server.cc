// Server: starts and stops the emulated services and runs each request through faults and logging.
#include "emulator/server.h"

#include <csignal>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "emulator/common.h"
#include "emulator/net.h"
#include "emulator/server_impl.h"
#include "emulator/tls.h"

namespace adbjit::emulator {

namespace {
constexpr size_t kServiceThreads = 128;
constexpr size_t kAdminThreads = 16;
constexpr size_t kKeepAliveMax = 100000;
constexpr time_t kKeepAliveSec = 30;
constexpr int kBacklog = 512;

// Error bodies in each service's own shape, for status faults without an explicit body.
nlohmann::json DefaultFaultBody(int service, int status) {
  if (service == kDatabricks) {
    std::string code = status == 429   ? "REQUEST_LIMIT_EXCEEDED"
                       : status == 503 ? "TEMPORARILY_UNAVAILABLE"
                       : status == 500 ? "INTERNAL_ERROR"
                       : status == 401 ? "UNAUTHENTICATED"
                       : status == 403 ? "PERMISSION_DENIED"
                       : status == 404 ? "RESOURCE_DOES_NOT_EXIST"
                       : status == 409 ? "RESOURCE_CONFLICT"
                       : status == 504 ? "DEADLINE_EXCEEDED"
                       : status == 400 ? "INVALID_PARAMETER_VALUE"
                                       : "UNKNOWN";
    return {{"error_code", code}, {"message", "Injected fault: HTTP " + std::to_string(status)}};
  }
  if (service == kKeyVault) {
    std::string code = status == 429   ? "Throttled"
                       : status == 401 ? "Unauthorized"
                       : status == 403 ? "Forbidden"
                       : status == 503 ? "ServiceUnavailable"
                       : status >= 500 ? "InternalServerError"
                                       : "BadParameter";
    std::string message = status == 429 ? "Request was not processed because too many requests were received. "
                                          "Reason: VaultRequestTypeLimitReached"
                                        : "Injected fault: HTTP " + std::to_string(status);
    return {{"error", {{"code", code}, {"message", message}}}};
  }
  std::string error = status == 401 ? "invalid_client" : status == 400 ? "invalid_request" : "temporarily_unavailable";
  return {{"error", error},
          {"error_description", "AADSTS50196: Injected fault: HTTP " + std::to_string(status)},
          {"error_codes", {50196}}};
}
}  // namespace

const char* ServiceName(int id) {
  static const char* kNames[] = {"entra", "databricks", "keyvault", "admin"};
  return kNames[id];
}

Server::Impl::Impl(Options opts)
    : options(std::move(opts)),
      faults(options.seed),
      entra(options, signer),
      arm(options, signer),
      databricks(options, signer),
      keyvault(options, signer) {
  faults.SetLatencyMs(options.latency_ms);
}

bool Server::Impl::Sleep(int64_t ms) {
  std::unique_lock<std::mutex> lock(stop_mu);
  return !stop_cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping; });
}

std::string Server::Impl::Url(int service) const {
  if (ports[service] == 0) return "";
  return scheme + "://" + url_host + ":" + std::to_string(ports[service]);
}

void Server::Impl::FaultReply(int service, const FaultHit& hit, httplib::Response& res) {
  res.headers.clear();
  res.status = hit.status;
  if (hit.body) {
    res.set_content(*hit.body, "application/json; charset=utf-8");
  } else {
    res.set_content(DefaultFaultBody(service, hit.status).dump(), "application/json; charset=utf-8");
  }
  if (service == kKeyVault && hit.status == 401 && !hit.headers.count("WWW-Authenticate")) {
    std::string tenant = options.principals.empty() ? "" : options.principals.front().tenant_id;
    res.set_header("WWW-Authenticate", "Bearer authorization=\"" + Url(kEntra) + "/" + tenant +
                                           "\", resource=\"https://vault.azure.net\"");
  }
  for (const auto& [k, v] : hit.headers) res.set_header(k, v);
}

void Server::Impl::Dispatch(int service, const httplib::Request& req, httplib::Response& res) {
  auto start = std::chrono::steady_clock::now();
  RequestRecord rec;
  rec.service = ServiceName(service);
  rec.method = req.method;
  rec.path = req.path;
  rec.route = req.path;
  rec.time_ms = NowMs();
  int drop_fd = -1;
  auto handle = [&] {
    if (service == kEntra) {
      if (ResourceManager::Owns(req.path)) {
        arm.Handle(req, res, &rec.route);
      } else {
        entra.Handle(req, res, &rec.route);
      }
    }
    if (service == kDatabricks) databricks.Handle(req, res, &rec.route);
    if (service == kKeyVault) keyvault.Handle(req, res, &rec.route);
  };
  if (int latency = faults.latency_ms(); latency > 0) Sleep(latency);
  std::optional<FaultHit> hit = faults.Match(rec.service, req.method, req.path);
  if (!hit) {
    handle();
  } else {
    rec.fault = hit->action;
    rec.fault_rule = hit->rule_id;
    bool after = hit->phase == "after";
    if (after) handle();
    if (hit->action == "delay") {
      Sleep(hit->delay_ms);
      if (!after) handle();
    } else if (hit->action == "status") {
      FaultReply(service, *hit, res);
    } else if (hit->action == "malformed") {
      std::string body = hit->body ? *hit->body
                         : after && res.body.size() > 1 ? res.body.substr(0, res.body.size() / 2)
                                                        : std::string("{\"error_code\": \"TEMPORAR");
      res.headers.clear();
      res.status = 200;
      res.set_content(body, "application/json; charset=utf-8");
    } else {  // drop, timeout
      if (hit->action == "timeout") Sleep(hit->delay_ms);
      drop_fd = ConnectionOf(req);
      res.status = 500;
      res.set_content("", "text/plain");
    }
  }
  // Every answer is dated, as the real services' are (a fault rule may set its own Date).
  if (drop_fd < 0 && !res.has_header("Date")) res.set_header("Date", HttpDate(NowMs()));
  rec.status = drop_fd >= 0 ? 0 : res.status;
  rec.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // Recorded before the client can learn the outcome: an answer is written after Dispatch returns,
  // and a dropped connection is reset only once the log and counters show the request.
  metrics.Record(std::move(rec));
  if (drop_fd >= 0) DropConnection(drop_fd);
}

nlohmann::json Server::Impl::Objects() const {
  return {{"tokens", databricks.TokensJson()},
          {"pools", databricks.PoolsJson()},
          {"secrets", keyvault.ObjectsJson()},
          {"admitted_principals", databricks.AdmittedJson()}};
}

void Server::Impl::ResetObjects() {
  databricks.Reset();
  keyvault.Reset();
}

bool Server::Impl::LoadState() {
  if (options.state_file.empty() || !std::filesystem::exists(options.state_file)) return true;
  std::ifstream in(options.state_file);
  nlohmann::json state = nlohmann::json::parse(in, nullptr, false);
  if (!state.is_object() || state.value("format", "") != "adbjit-emulator-state/1") {
    error = "state file " + options.state_file + " is not an adbjit-emulator state file";
    return false;
  }
  if (state.contains("signing_key")) signer.SetKeyBase64(state["signing_key"].get<std::string>());
  databricks.Load(state.value("databricks", nlohmann::json::object()));
  keyvault.Load(state.value("keyvault", nlohmann::json::array()));
  return true;
}

bool Server::Impl::SaveState() {
  if (options.state_file.empty()) return true;
  nlohmann::json state = {{"format", "adbjit-emulator-state/1"},
                          {"saved_at", Rfc3339(NowMs())},
                          {"signing_key", signer.KeyBase64()},
                          {"databricks", databricks.Save()},
                          {"keyvault", keyvault.Save()}};
  return WriteOwnerOnlyFile(options.state_file, state.dump(2) + "\n");
}

Server::Server(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { Stop(); }

const std::string& Server::error() const { return impl_->error; }

bool Server::Start() {
  Impl& d = *impl_;
  if (d.running) return true;
  const std::string& host = d.options.host;
  if (!IsLoopbackHost(host)) {
    d.error = "refusing to listen on non-loopback host '" + host + "'";
    return false;
  }
  if (d.options.principals.empty()) {
    d.error = "at least one principal is required";
    return false;
  }
  std::string bind_host = host == "localhost" ? "127.0.0.1" : host == "[::1]" ? "::1" : host;
  d.url_host = bind_host == "::1" ? "[::1]" : bind_host;
  std::signal(SIGPIPE, SIG_IGN);  // writes to dropped connections must not kill the process

  if (!d.options.faults_file.empty()) {
    std::ifstream in(d.options.faults_file);
    nlohmann::json spec = nlohmann::json::parse(in, nullptr, false);
    std::string why;
    if (spec.is_discarded()) {
      why = "missing or not valid JSON";
    } else {
      d.faults.Apply(spec, &why);
    }
    if (!why.empty()) {
      d.error = "faults file " + d.options.faults_file + ": " + why;
      return false;
    }
  }
  if (!d.LoadState()) return false;

  TlsFiles tls;
  if (!d.options.tls_dir.empty()) {
    if (!EnsureTlsFiles(d.options.tls_dir, &tls, &d.error)) return false;
    d.scheme = "https";
    d.ca_file = tls.ca_pem;
  }
  int wanted[kServiceCount] = {d.options.entra_port, d.options.databricks_port, d.options.keyvault_port,
                               d.options.admin_port};
  {
    std::lock_guard<std::mutex> lock(d.stop_mu);
    d.stopping = false;
  }
  for (int s = 0; s < kServiceCount; ++s) {
    std::unique_ptr<httplib::Server> svr;
    if (d.scheme == "https") {
      svr = std::make_unique<Listener<httplib::SSLServer>>(tls.cert_pem.c_str(), tls.key_pem.c_str());
    } else {
      svr = std::make_unique<Listener<httplib::Server>>();
    }
    if (!svr->is_valid()) {
      d.error = "cannot set up the TLS server (certificate files in " + d.options.tls_dir + ")";
      return false;
    }
    size_t threads = s == kAdmin ? kAdminThreads : kServiceThreads;
    svr->new_task_queue = [this, s, threads] {
      std::function<void()> count;
      if (s != kAdmin) count = [this, s] { impl_->metrics.CountConnection(ServiceName(s)); };
      return new ConnectionPool(threads, count);
    };
    svr->set_keep_alive_max_count(kKeepAliveMax);
    svr->set_keep_alive_timeout(kKeepAliveSec);
    svr->set_tcp_nodelay(true);
    // httplib's default also sets SO_REUSEPORT, which lets a second emulator silently share a port.
    svr->set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    if (s == kAdmin) {
      d.InstallAdmin(*svr);
    } else {
      auto handler = [this, s](const httplib::Request& req, httplib::Response& res) {
        impl_->Dispatch(s, req, res);
      };
      svr->Get(".*", handler).Post(".*", handler).Put(".*", handler).Patch(".*", handler);
      svr->Delete(".*", handler).Options(".*", handler);
    }
    int port = wanted[s] == 0 ? svr->bind_to_any_port(bind_host) : (svr->bind_to_port(bind_host, wanted[s]) ? wanted[s] : -1);
    if (port <= 0) {
      d.error = std::string("cannot bind ") + ServiceName(s) + " to " + bind_host + ":" + std::to_string(wanted[s]);
      for (auto& other : d.servers) other.reset();
      return false;
    }
    if (d.scheme == "https") {
      static_cast<Listener<httplib::SSLServer>*>(svr.get())->RaiseBacklog(kBacklog);
    } else {
      static_cast<Listener<httplib::Server>*>(svr.get())->RaiseBacklog(kBacklog);
    }
    d.ports[s] = port;
    d.servers[s] = std::move(svr);
  }
  d.entra.set_base_url(d.Url(kEntra));
  // Azure gives the workspace URL as a bare host name, to be used with https://.
  const std::string workspace = d.Url(kDatabricks);
  d.arm.set_workspace_url(d.scheme == "https" ? workspace.substr(workspace.find("://") + 3) : workspace);
  d.keyvault.set_entra_url(d.Url(kEntra));
  d.keyvault.set_scheme(d.scheme);
  for (int s = 0; s < kServiceCount; ++s) {
    httplib::Server* svr = d.servers[s].get();
    d.threads[s] = std::thread([svr] { svr->listen_after_bind(); });
  }
  // httplib's stop() is a no-op until the listener runs, so make sure it does before returning.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool all_running = true;
  for (int s = 0; s < kServiceCount; ++s) {
    while (!d.servers[s]->is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    all_running &= d.servers[s]->is_running();
  }
  d.running = true;  // Stop() stops and joins what did start
  if (!all_running) {
    d.error = "a listener did not start within 10 s";
    return false;
  }
  return true;
}

void Server::Stop() {
  Impl& d = *impl_;
  if (!d.running) return;
  {
    std::lock_guard<std::mutex> lock(d.stop_mu);
    d.stopping = true;
  }
  d.stop_cv.notify_all();
  std::set<int> ports;
  for (int s = 0; s < kServiceCount; ++s) {
    d.servers[s]->stop();
    ports.insert(d.ports[s]);
  }
  // Idle keep-alive connections would otherwise hold their worker (and this call) for up to 30 s.
  for (int s = 0; s < kServiceCount; ++s) {
    ShutdownAcceptedSockets(ports);
    d.threads[s].join();
  }
  for (auto& svr : d.servers) svr.reset();
  d.SaveState();
  d.running = false;
}

std::string Server::entra_url() const { return impl_->Url(kEntra); }
std::string Server::databricks_url() const { return impl_->Url(kDatabricks); }
std::string Server::keyvault_url() const { return impl_->Url(kKeyVault); }
std::string Server::admin_url() const { return impl_->Url(kAdmin); }
std::string Server::resource_manager_url() const { return impl_->Url(kEntra); }
std::string Server::imds_url() const { return impl_->Url(kEntra) + "/metadata/identity/oauth2/token"; }
std::string Server::github_oidc_url() const { return impl_->Url(kEntra) + "/github/oidc/token?api-version=2.0"; }
std::string Server::github_oidc_request_token() const { return impl_->entra.github_request_token(); }
std::string Server::ca_file() const { return impl_->ca_file; }

nlohmann::json Server::Objects() const { return impl_->Objects(); }
nlohmann::json Server::Counters() const { return impl_->metrics.Counters(); }
nlohmann::json Server::Requests() const { return impl_->metrics.Requests(""); }
nlohmann::json Server::FaultRules() const { return impl_->faults.Rules(); }

void Server::SetFaults(const nlohmann::json& rules) {
  std::string why;
  if (!impl_->faults.Apply(rules, &why)) throw std::invalid_argument(why);
}

void Server::ClearFaults() { impl_->faults.Clear(); }
void Server::SetLatencyMs(int ms) { impl_->faults.SetLatencyMs(ms); }
void Server::ResetCounters() { impl_->metrics.Reset(); }

}  // namespace adbjit::emulator
