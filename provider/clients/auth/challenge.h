// Bearer challenges (WWW-Authenticate on a Key Vault 401): parsing and the anti-token-theft check.
#ifndef ADBJIT_CLIENTS_AUTH_CHALLENGE_H_
#define ADBJIT_CLIENTS_AUTH_CHALLENGE_H_

#include <optional>
#include <string>
#include <string_view>

#include "provider/util/status.h"

namespace adbjit::auth {

struct BearerChallenge {
  std::string authorization;  // "https://login.windows.net/{tenant}" (or authorization_uri)
  std::string resource;       // "https://vault.azure.net"
  std::string scope;          // "https://vault.azure.net/.default" when sent
  std::string tenant;         // first path segment of authorization

  // scope, else resource + "/.default".
  std::string ScopeToRequest() const;
};

// Parses `Bearer authorization="…", resource="…"[, scope="…"]` (quoted or bare values; the
// authorization_uri alias accepted). nullopt when it is not a Bearer challenge naming a resource
// or scope.
std::optional<BearerChallenge> ParseBearerChallenge(std::string_view header);

// The host of the audience the challenge makes us request (its scope, else its resource) must be
// a DNS suffix of the vault's host, so a rogue endpoint cannot make us mint a token for another
// audience; a loopback vault host (the emulator) passes. PermissionDenied otherwise.
Status CheckChallengeResource(const BearerChallenge& challenge, std::string_view vault_host);

}  // namespace adbjit::auth

#endif  // ADBJIT_CLIENTS_AUTH_CHALLENGE_H_
