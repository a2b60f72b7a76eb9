// libFuzzer target: every parser of a remote reply, fed the same bytes the way the clients feed
// them — Databricks errors, TokenInfo (list and create answers) and InstancePool; Azure Resource
// Manager errors and the workspace resource's URL; Key Vault SecretBundle (single, list, deleted)
// and errors; Entra / IMDS token replies and errors; Key Vault bearer challenges (WWW-Authenticate)
// and the challenge resource check. Nothing may crash, throw, leak or hit undefined behaviour,
// whatever the body or header.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "provider/clients/auth/challenge.h"
#include "provider/clients/auth/entra.h"
#include "provider/clients/databricks/errors.h"
#include "provider/clients/databricks/types.h"
#include "provider/clients/internal/json_util.h"
#include "provider/clients/keyvault/errors.h"
#include "provider/clients/keyvault/types.h"
#include "provider/util/rfc3339.h"

namespace {

using adbjit::http::Response;

// A few statuses the error mappers treat differently (the body is parsed once per call, so more
// would only slow the run down).
constexpr int kStatuses[] = {0, 401, 403, 409};

void ParseJsonReplies(const std::string& body) {
  auto j = adbjit::internal::ParseJson(body);
  if (!j) return;
  // Single objects (pool get, secret get/set/delete/recover) and arrays of them (lists).
  (void)j->get<adbjit::databricks::InstancePool>();
  (void)j->get<adbjit::databricks::TokenInfo>();
  if (j->is_object()) {
    auto bundle = j->get<adbjit::keyvault::SecretBundle>();
    (void)bundle.VersionlessId();
    (void)bundle.value.Reveal();
    if (auto it = j->find("token_info"); it != j->end()) (void)it->get<adbjit::databricks::TokenInfo>();
    for (const char* key : {"token_infos", "instance_pools", "value"}) {
      auto it = j->find(key);
      if (it == j->end() || !it->is_array()) continue;
      for (const auto& e : *it) {
        (void)e.get<adbjit::databricks::TokenInfo>();
        (void)e.get<adbjit::databricks::InstancePool>();
        if (e.is_object()) (void)e.get<adbjit::keyvault::SecretBundle>();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  ParseJsonReplies(body);

  const auto now = std::chrono::system_clock::now();
  (void)adbjit::auth::ParseTokenResponse(body, now, "fetch token");

  for (int status : kStatuses) {
    Response r;
    r.status = status;
    r.body = body;
    r.headers["x-ms-request-id"] = "req-1";
    (void)adbjit::databricks::ParseApiError(status, body);
    (void)adbjit::databricks::DatabricksError(r, "create token");
    (void)adbjit::keyvault::KeyVaultError(r, "set secret");
    (void)adbjit::auth::EntraError(r, "fetch token");
    (void)adbjit::databricks::ResourceManagerError(r, "look up the workspace URL");
  }
  (void)adbjit::databricks::WorkspaceUrlOf(body);

  // The same bytes as a WWW-Authenticate header, and as an RFC 3339 time.
  if (auto challenge = adbjit::auth::ParseBearerChallenge(body)) {
    (void)challenge->ScopeToRequest();
    (void)adbjit::auth::CheckChallengeResource(*challenge, "myvault.vault.azure.net");
    (void)adbjit::auth::CheckChallengeResource(*challenge, "127.0.0.1");
  }
  // A time that parses formats back to the same instant (the form a refresh writes to state), within
  // years 0000-9999: an offset can move an instant just outside them, where RFC 3339 has no spelling.
  constexpr int64_t kYear0 = -62167219200, kYear10000 = 253402300800;
  if (auto t = adbjit::ParseRfc3339(body); t && *t >= kYear0 && *t < kYear10000 &&
                                           adbjit::ParseRfc3339(adbjit::FormatRfc3339(*t)) != t) {
    __builtin_trap();
  }
  return 0;
}
