// adbjit-emulator: serves the emulated Entra ID, Databricks and Key Vault until SIGINT/SIGTERM.
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/common.h"
#include "emulator/server.h"

namespace {

using adbjit::emulator::Options;

struct Flag {
  std::string help;
  bool takes_value;
  std::function<bool(const std::string&)> set;
};

bool ToInt(const std::string& s, int64_t* out) {
  try {
    size_t used = 0;
    *out = std::stoll(s, &used);
    return used == s.size();
  } catch (...) {
    return false;
  }
}

std::map<std::string, Flag> MakeFlags(Options& o, std::string& urls_file) {
  auto str = [](std::string* field) { return [field](const std::string& v) { *field = v; return true; }; };
  auto num = [](auto* field) {
    return [field](const std::string& v) {
      int64_t n = 0;
      if (!ToInt(v, &n)) return false;
      *field = static_cast<std::remove_pointer_t<decltype(field)>>(n);
      return true;
    };
  };
  // A number within [lo, hi], as the service it imitates allows.
  auto num_in = [](auto* field, int64_t lo, int64_t hi) {
    return [field, lo, hi](const std::string& v) {
      int64_t n = 0;
      if (!ToInt(v, &n) || n < lo || n > hi) return false;
      *field = static_cast<std::remove_pointer_t<decltype(field)>>(n);
      return true;
    };
  };
  // A switch alone sets its effect; --switch=true / =false (or 1 / 0) sets it or its opposite.
  auto on = [](bool* field, bool value) {
    return [field, value](const std::string& v) {
      if (v.empty() || v == "true" || v == "1") {
        *field = value;
      } else if (v == "false" || v == "0") {
        *field = !value;
      } else {
        return false;
      }
      return true;
    };
  };
  auto& p = o.principals.front();
  return {
      {"--host", {"loopback address to listen on (default 127.0.0.1)", true, str(&o.host)}},
      {"--entra-port", {"port of the Entra ID endpoints (0 = free port)", true, num(&o.entra_port)}},
      {"--databricks-port", {"port of the Databricks workspace (0 = free port)", true, num(&o.databricks_port)}},
      {"--keyvault-port", {"port of the Key Vault (0 = free port)", true, num(&o.keyvault_port)}},
      {"--admin-port", {"port of the admin API (0 = free port)", true, num(&o.admin_port)}},
      {"--tls-dir", {"serve HTTPS with a CA + certificate generated into (or reused from) DIR", true, str(&o.tls_dir)}},
      {"--state-file", {"load objects from FILE at start, save them there on exit", true, str(&o.state_file)}},
      {"--faults-file", {"fault rules (JSON, as POST /admin/faults) to load at start", true, str(&o.faults_file)}},
      {"--seed", {"seed for probabilistic fault rules (default 1)", true, num(&o.seed)}},
      {"--latency-ms", {"latency added to every request (default 0)", true, num(&o.latency_ms)}},
      {"--access-token-lifetime-seconds", {"expires_in of Entra access tokens (default 3599)", true,
                                           num(&o.access_token_lifetime_seconds)}},
      {"--entra-numbers-as-strings", {"v2 token replies carry numbers as strings", false, on(&o.entra_numbers_as_strings, true)}},
      {"--token-quota", {"non-expired PATs per principal (default 600)", true, num(&o.token_quota)}},
      {"--max-token-lifetime-days", {"maximum PAT lifetime, 0 = none (default 730)", true, num(&o.max_token_lifetime_days)}},
      {"--token-list-newest-first", {"token/list answers newest first (the API promises no order)", false,
                                     on(&o.token_list_newest_first, true)}},
      {"--pool-deleted-form", {"get on a deleted pool answers 200 with state DELETED", false, on(&o.pool_deleted_form, true)}},
      {"--kv-delete-delay-ms", {"delay until a deleted secret shows under /deletedsecrets", true, num(&o.kv_delete_delay_ms)}},
      {"--kv-purge-delay-ms", {"delay until a purged name is free again", true, num(&o.kv_purge_delay_ms)}},
      {"--kv-recover-delay-ms", {"delay until a recovered secret is live again", true, num(&o.kv_recover_delay_ms)}},
      {"--kv-purge-protection", {"purge is refused with 403", false, on(&o.kv_purge_protection, true)}},
      {"--kv-retention-days", {"soft-delete retention (7-90, default 90)", true, num_in(&o.kv_retention_days, 7, 90)}},
      {"--workspace-resource-id", {"the workspace's Azure resource ID, which the ARM endpoint resolves to its URL",
                                   true, str(&o.workspace_resource_id)}},
      {"--tenant-id", {"tenant of the default principal", true, str(&p.tenant_id)}},
      {"--tenant-domain", {"verified domain of that tenant, which names it too", true, str(&p.tenant_domain)}},
      {"--client-id", {"client id of the default principal", true, str(&p.client_id)}},
      {"--client-secret", {"client secret of the default principal", true, str(&p.client_secret)}},
      {"--object-id", {"object id of the default principal", true, str(&p.object_id)}},
      {"--federated-issuer", {"issuer accepted in client assertions", true, str(&p.federated_issuer)}},
      {"--federated-subject", {"subject accepted in client assertions", true, str(&p.federated_subject)}},
      {"--no-managed-identity", {"the IMDS endpoint answers 'Identity not found'", false, on(&p.managed_identity, false)}},
      {"--not-a-member", {"the default principal is no workspace user: the workspace refuses it (403) until the SP "
                          "management headers admit it", false, on(&p.workspace_member, false)}},
      {"--urls-file", {"write the URLs, credentials and CA path as JSON to FILE", true, str(&urls_file)}},
  };
}

void Usage(const std::map<std::string, Flag>& flags) {
  std::cout << "usage: adbjit-emulator [flags]\n\n"
               "Local emulator of Microsoft Entra ID, the Azure Databricks Token and Instance Pools APIs and\n"
               "Azure Key Vault secrets, with fault and latency injection. See docs/emulator.md.\n\nflags:\n";
  for (const auto& [name, f] : flags) {
    std::string left = name + (f.takes_value ? " VALUE" : "");
    std::cout << "  " << left << std::string(left.size() < 36 ? 36 - left.size() : 1, ' ') << f.help << "\n";
  }
  std::cout << "  --help                              this text\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  std::string urls_file;
  auto flags = MakeFlags(options, urls_file);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    if (arg == "--help" || arg == "-h") {
      Usage(flags);
      return 0;
    }
    size_t eq = arg.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto it = flags.find(arg);
    if (it == flags.end()) {
      std::cerr << "adbjit-emulator: unknown flag " << arg << " (see --help)\n";
      return 2;
    }
    if (it->second.takes_value && !inline_value) {
      if (i + 1 >= argc) {
        std::cerr << "adbjit-emulator: " << arg << " needs a value\n";
        return 2;
      }
      value = argv[++i];
    }
    if (!it->second.set(value)) {
      std::cerr << "adbjit-emulator: bad value '" << value << "' for " << arg << "\n";
      return 2;
    }
  }

  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  adbjit::emulator::Server server(options);
  if (!server.Start()) {
    std::cerr << "adbjit-emulator: " << server.error() << "\n";
    return 1;
  }
  const auto& p = options.principals.front();
  std::cout << "entra      " << server.entra_url() << "\n"
            << "databricks " << server.databricks_url() << "\n"
            << "keyvault   " << server.keyvault_url() << "\n"
            << "admin      " << server.admin_url() << "\n"
            << "imds       " << server.imds_url() << "\n"
            << "arm        " << server.resource_manager_url() << options.workspace_resource_id << "\n";
  if (!server.ca_file().empty()) std::cout << "ca         " << server.ca_file() << "\n";
  std::cout << std::flush;
  if (!urls_file.empty()) {
    nlohmann::json urls = {{"entra", server.entra_url()},
                           {"databricks", server.databricks_url()},
                           {"keyvault", server.keyvault_url()},
                           {"admin", server.admin_url()},
                           {"imds", server.imds_url()},
                           {"resource_manager", server.resource_manager_url()},
                           {"workspace_resource_id", options.workspace_resource_id},
                           {"github_oidc_url", server.github_oidc_url()},
                           {"github_oidc_request_token", server.github_oidc_request_token()},
                           {"tenant_id", p.tenant_id},
                           {"client_id", p.client_id},
                           {"client_secret", p.client_secret},
                           {"object_id", p.object_id},
                           {"ca_file", server.ca_file()}};
    if (!adbjit::emulator::WriteOwnerOnlyFile(urls_file, urls.dump(2) + "\n")) {
      std::cerr << "adbjit-emulator: cannot write " << urls_file << "\n";
    }
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cout << "adbjit-emulator: signal " << sig << ", stopping\n" << std::flush;
  server.Stop();
  return 0;
}
