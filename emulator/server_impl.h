// Server::Impl: owns the four HTTP listeners, the shared state and the request pipeline.
#ifndef ADBJIT_EMULATOR_SERVER_IMPL_H_
#define ADBJIT_EMULATOR_SERVER_IMPL_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator/arm.h"
#include "emulator/databricks.h"
#include "emulator/entra.h"
#include "emulator/faults.h"
#include "emulator/jwt.h"
#include "emulator/keyvault.h"
#include "emulator/metrics.h"
#include "emulator/server.h"

namespace adbjit::emulator {

enum ServiceId { kEntra = 0, kDatabricks = 1, kKeyVault = 2, kAdmin = 3, kServiceCount = 4 };
const char* ServiceName(int id);

struct Server::Impl {
  explicit Impl(Options opts);

  // The pipeline every service request goes through: latency, fault rules, handler, log.
  void Dispatch(int service, const httplib::Request& req, httplib::Response& res);
  void FaultReply(int service, const FaultHit& hit, httplib::Response& res);
  // Sleeps up to `ms`; returns early (false) when the server is stopping.
  bool Sleep(int64_t ms);

  void InstallAdmin(httplib::Server& svr);  // admin.cc
  nlohmann::json Objects() const;
  void ResetObjects();

  bool LoadState();
  bool SaveState();
  std::string Url(int service) const;

  Options options;
  std::string error;
  JwtSigner signer;
  FaultEngine faults;
  Metrics metrics;
  Entra entra;
  ResourceManager arm;
  Databricks databricks;
  KeyVault keyvault;

  std::unique_ptr<httplib::Server> servers[kServiceCount];
  std::thread threads[kServiceCount];
  int ports[kServiceCount] = {0, 0, 0, 0};
  std::string scheme = "http";
  std::string url_host;  // host part of URLs, e.g. 127.0.0.1 or [::1]
  std::string ca_file;

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  bool running = false;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_SERVER_IMPL_H_
