// Key Vault error replies -> Status (remote-apis.md §5.4), with actionable messages for 403s.
//
//   404 SecretNotFound / DeletedSecretNotFound          -> kNotFound
//   409 ObjectIsDeletedButRecoverable                   -> kAlreadyExists (service code kept)
//   409 ObjectIsBeingDeleted                            -> kUnavailable (transient; waits retry it)
//   403 AccessDenied / ForbiddenByRbac / ForbiddenByFirewall / ForbiddenByConnection /
//       SecretDisabled                                  -> kPermissionDenied, inner code as service code
//   403 purge with purge protection on                  -> kPermissionDenied, "PurgeProtectionEnabled"
//   400 BadParameter -> kInvalidArgument; 401 -> kUnauthenticated; 429 -> kResourceExhausted;
//   5xx -> kUnavailable.
#ifndef ADBJIT_CLIENTS_KEYVAULT_ERRORS_H_
#define ADBJIT_CLIENTS_KEYVAULT_ERRORS_H_

#include <string>

#include "provider/clients/http/transport.h"
#include "provider/util/status.h"

namespace adbjit::keyvault {

inline constexpr char kObjectIsDeletedButRecoverable[] = "ObjectIsDeletedButRecoverable";
inline constexpr char kObjectIsBeingDeleted[] = "ObjectIsBeingDeleted";
inline constexpr char kSecretDisabled[] = "SecretDisabled";
inline constexpr char kPurgeProtectionEnabled[] = "PurgeProtectionEnabled";

// "<operation>: [retry summary: ]HTTP 403 Forbidden/ForbiddenByRbac: <message> (<hint>)". A 404 is
// kNotFound only with Key Vault's SecretNotFound code; any other 404 is kFailedPrecondition.
Status KeyVaultError(const http::Response& response, const std::string& operation);

}  // namespace adbjit::keyvault

#endif  // ADBJIT_CLIENTS_KEYVAULT_ERRORS_H_
