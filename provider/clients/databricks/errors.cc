// Databricks (and Azure Resource Manager) error body parsing and code mapping.
#include "provider/clients/databricks/errors.h"

#include <cctype>
#include <map>

#include "provider/clients/internal/azure_error.h"
#include "provider/clients/internal/json_util.h"
#include "provider/clients/internal/service_text.h"
#include "provider/util/ascii.h"
#include "provider/util/log.h"

namespace adbjit::databricks {
namespace {

std::string ReasonPhrase(int status) {
  static const std::map<int, std::string> kPhrases = {
      {400, "Bad Request"},          {401, "Unauthorized"},        {403, "Forbidden"},
      {404, "Not Found"},            {409, "Conflict"},            {429, "Too Many Requests"},
      {499, "Client Closed Request"}, {500, "Internal Server Error"}, {501, "Not Implemented"},
      {502, "Bad Gateway"},          {503, "Service Unavailable"}, {504, "Gateway Timeout"}};
  auto it = kPhrases.find(status);
  return it == kPhrases.end() ? "HTTP error" : it->second;
}

bool LooksLikeCode(const std::string& s) {
  if (s.size() < 3) return false;
  for (char c : s) {
    if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

// The error as the body gives it, however long.
ApiError ParseWholeApiError(int http_status, const std::string& body_in) {
  std::string body = AsciiTrim(body_in);
  ApiError e;
  if (body.empty()) {
    e.message = ReasonPhrase(http_status);
    return e;
  }
  if (auto j = internal::ParseJson(body)) {
    if (j->is_object()) {
      e.error_code = internal::GetString(*j, "error_code");
      e.message = internal::GetString(*j, "message");
      if (e.message.empty()) e.message = internal::GetString(*j, "error");
      if (e.message.empty()) e.message = ReasonPhrase(http_status);
      return e;
    }
    if (j->is_string()) body = j->get<std::string>();
  }
  if (body.front() == '<') {
    std::string pre = internal::PageWords(body);
    e.message = pre.empty() ? ReasonPhrase(http_status) : pre;
    return e;
  }
  size_t colon = body.find(':');
  if (colon != std::string::npos && LooksLikeCode(body.substr(0, colon))) {
    e.error_code = body.substr(0, colon);
    e.message = AsciiTrim(body.substr(colon + 1));
    return e;
  }
  e.message = body;
  return e;
}

}  // namespace

ApiError ParseApiError(int http_status, const std::string& body) {
  ApiError e = ParseWholeApiError(http_status, body);
  e.error_code = internal::ShortServiceText(std::move(e.error_code));
  e.message = internal::ShortServiceText(std::move(e.message));
  return e;
}

StatusCode CodeFor(const ApiError& e, int status) {
  static const std::map<std::string, StatusCode> kByCode = {
      {"RESOURCE_DOES_NOT_EXIST", StatusCode::kNotFound},
      {"NOT_FOUND", StatusCode::kNotFound},
      {"INVALID_PARAMETER_VALUE", StatusCode::kInvalidArgument},
      {"BAD_REQUEST", StatusCode::kInvalidArgument},
      {"MALFORMED_REQUEST", StatusCode::kInvalidArgument},
      {"INVALID_STATE", StatusCode::kFailedPrecondition},
      {"RESOURCE_ALREADY_EXISTS", StatusCode::kAlreadyExists},
      {"ALREADY_EXISTS", StatusCode::kAlreadyExists},
      {"ABORTED", StatusCode::kAborted},
      {"RESOURCE_CONFLICT", StatusCode::kAborted},
      {"QUOTA_EXCEEDED", StatusCode::kResourceExhausted},
      {"RESOURCE_EXHAUSTED", StatusCode::kResourceExhausted},
      {"REQUEST_LIMIT_EXCEEDED", StatusCode::kResourceExhausted},
      {"PERMISSION_DENIED", StatusCode::kPermissionDenied},
      {"UNAUTHENTICATED", StatusCode::kUnauthenticated},
      {"TEMPORARILY_UNAVAILABLE", StatusCode::kUnavailable},
      {"DEADLINE_EXCEEDED", StatusCode::kDeadlineExceeded},
      {"CANCELLED", StatusCode::kCancelled},
      {"NOT_IMPLEMENTED", StatusCode::kUnimplemented},
      {"INTERNAL_ERROR", StatusCode::kInternal},
      {"DATA_LOSS", StatusCode::kInternal},
      {"UNKNOWN", StatusCode::kUnknown},
  };
  if (auto it = kByCode.find(e.error_code); it != kByCode.end()) return it->second;
  switch (status) {
    case 400: return StatusCode::kInvalidArgument;
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kFailedPrecondition;  // names no missing object: see errors.h
    case 409: return StatusCode::kAlreadyExists;
    case 429: return StatusCode::kResourceExhausted;
    case 499: return StatusCode::kCancelled;
    case 501: return StatusCode::kUnimplemented;
    case 503: return StatusCode::kUnavailable;
    case 504: return StatusCode::kDeadlineExceeded;
    default: return status >= 500 ? StatusCode::kInternal : StatusCode::kUnknown;
  }
}

Status DatabricksError(const http::Response& r, const std::string& operation) {
  ApiError e = ParseApiError(r.status, r.body);
  std::string msg = r.FailureHeading(operation);
  if (!e.error_code.empty()) msg += " " + e.error_code;
  if (!e.message.empty()) msg += ": " + e.message;
  const StatusCode code = CodeFor(e, r.status);
  if (r.status == 404 && code != StatusCode::kNotFound) {
    msg += " (the workspace API does not know this request: check that host is the workspace URL)";
  } else if ((r.status == 401 || r.status == 403) && e.error_code.empty()) {
    // The gateway's own refusal ("User not authorized.", "Invalid access token."), before any API:
    // the workspace does not take this principal's Entra token.
    msg += " (the workspace does not admit this principal: add the service principal to the workspace, or set "
           "azure_workspace_resource_id and give the principal Contributor on the workspace resource so that "
           "Databricks admits it; check also that the workspace is in the tenant of azure_tenant_id";
    if (AsciiTrim(r.body).starts_with('<')) msg += ", and that no proxy answers in its place";
    msg += ")";
  }
  Status s(code, log::Redact(msg));
  s.WithHttpStatus(r.status).WithRequestId(r.RequestId());
  if (!e.error_code.empty()) s.WithServiceCode(e.error_code);
  return s;
}

Status WebPageInsteadOfApi(const http::Response& r, const std::string& operation) {
  const std::string body = AsciiTrim(r.body);
  if (body.empty() || body.front() != '<') return Status::OK();
  std::string title = internal::ShortServiceText(internal::HtmlElementText(body, "title"));
  std::string msg = r.FailureHeading(operation) + " with a web page" + (title.empty() ? "" : " (\"" + title + "\")") +
                    " instead of the workspace API's JSON: check that host is the workspace URL "
                    "(https://adb-<workspace id>.<n>.azuredatabricks.net), and that no proxy answers in its place";
  return Status(StatusCode::kFailedPrecondition, log::Redact(msg)).WithHttpStatus(r.status).WithRequestId(r.RequestId());
}

Status ResourceManagerError(const http::Response& r, const std::string& operation) {
  const internal::AzureError parsed = internal::ParseAzureError(r.body);
  const std::string& code = parsed.code;
  const std::string message = parsed.message.empty() ? ParseApiError(r.status, r.body).message : parsed.message;
  std::string msg = r.FailureHeading(operation);
  if (!code.empty()) msg += " " + code;
  msg += ": " + message;
  if (r.status == 404) {
    msg += " (check azure_workspace_resource_id, or set host to the workspace URL)";
  } else if (r.status == 403) {
    msg += " (reading the workspace URL needs read access to the workspace resource, such as the Reader role "
           "on it; or set host to the workspace URL)";
  }
  Status s(CodeFor(ApiError{}, r.status), log::Redact(msg));  // 404: kFailedPrecondition
  s.WithHttpStatus(r.status).WithRequestId(r.RequestId());
  if (!code.empty()) s.WithServiceCode(code);
  return s;
}

}  // namespace adbjit::databricks
