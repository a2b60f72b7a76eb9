// Key Vault error parsing and mapping.
#include "provider/clients/keyvault/errors.h"

#include "provider/clients/internal/azure_error.h"
#include "provider/clients/internal/service_text.h"
#include "provider/util/log.h"

namespace adbjit::keyvault {
namespace {

std::string Hint(const std::string& code) {
  if (code == "AccessDenied") {
    return "the vault uses access policies: grant this principal the missing secret permission "
           "(get, list, set, delete, recover or purge) in the vault's access policy";
  }
  if (code == "ForbiddenByRbac") {
    return "the vault uses Azure RBAC: assign this principal a role that includes the action named above "
           "(for example Key Vault Secrets Officer) on the vault";
  }
  if (code == "ForbiddenByFirewall" || code == "ForbiddenByConnection") {
    return "the vault's network rules reject this client: allow its address in the vault firewall, "
           "or reach the vault through a private endpoint";
  }
  if (code == kSecretDisabled) return "the secret exists but is disabled (enabled = false); enable it to read it";
  if (code == kPurgeProtectionEnabled) {
    return "purge protection is on for this vault: the deleted secret will be purged automatically after the "
           "retention period; turn purge_on_destroy off or recover the secret instead";
  }
  return "";
}

}  // namespace

Status KeyVaultError(const http::Response& r, const std::string& operation) {
  const internal::AzureError parsed = internal::ParseAzureError(r.body);
  const std::string& message = parsed.message;
  const std::string& inner = parsed.inner_code;
  const std::string code = parsed.code.empty() ? r.Header("x-ms-error-code") : parsed.code;
  std::string specific = !inner.empty() ? inner : code;
  if (r.status == 403 && message.find("purge protection") != std::string::npos) specific = kPurgeProtectionEnabled;

  StatusCode sc;
  switch (r.status) {
    case 400: sc = StatusCode::kInvalidArgument; break;
    case 401: sc = StatusCode::kUnauthenticated; break;
    case 403: sc = StatusCode::kPermissionDenied; break;
    case 404:
      // Only Key Vault's own "no such secret" means gone (callers drop the object from state);
      // a 404 from something else at that address is a configuration problem.
      sc = code.ends_with("SecretNotFound") ? StatusCode::kNotFound : StatusCode::kFailedPrecondition;
      break;
    case 409:
      if (specific == kObjectIsDeletedButRecoverable) {
        sc = StatusCode::kAlreadyExists;
      } else if (specific == kObjectIsBeingDeleted) {
        sc = StatusCode::kUnavailable;
      } else {
        sc = StatusCode::kAborted;
      }
      break;
    case 429: sc = StatusCode::kResourceExhausted; break;
    default: sc = r.status >= 500 ? StatusCode::kUnavailable : StatusCode::kUnknown;
  }
  std::string msg = r.FailureHeading(operation);
  if (!code.empty()) msg += " " + code;
  if (!inner.empty() && inner != code) msg += "/" + inner;
  if (!message.empty()) {
    msg += ": " + message;
  } else if (std::string words = internal::PageWords(r.body); !words.empty()) {
    msg += ": " + internal::ShortServiceText(words);  // a page: its words
  }
  std::string hint = Hint(specific);
  if (r.status == 404 && sc != StatusCode::kNotFound) {
    hint = "not Key Vault's answer about a secret: check vault_url, or a proxy answering in its place";
  }
  // Key Vault names its refusals (Unauthorized, Forbidden/AccessDenied, ...); one without any code
  // came from something else at that address.
  if ((r.status == 401 || r.status == 403) && code.empty() && hint.empty()) {
    hint = "not Key Vault's answer, which names its error code: check vault_url, or a proxy answering in its place";
  }
  if (!hint.empty()) msg += " (" + hint + ")";
  Status s(sc, log::Redact(msg));
  s.WithHttpStatus(r.status).WithRequestId(r.RequestId());
  if (!specific.empty()) s.WithServiceCode(specific);
  return s;
}

}  // namespace adbjit::keyvault
