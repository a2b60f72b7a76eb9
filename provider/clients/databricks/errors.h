// Databricks error replies -> Status: every body shape of remote-apis.md §2.3, keyed on error_code.
#ifndef ADBJIT_CLIENTS_DATABRICKS_ERRORS_H_
#define ADBJIT_CLIENTS_DATABRICKS_ERRORS_H_

#include <string>

#include "provider/clients/http/transport.h"
#include "provider/util/status.h"

namespace adbjit::databricks {

struct ApiError {
  std::string error_code;  // "RESOURCE_DOES_NOT_EXIST"; "" when the body named none
  std::string message;     // service text, or the reason phrase for an empty body
};

// Reads {"error_code","message"}, legacy {"error": "..."}, a bare "CODE: message" string, an HTML
// page (message from <pre>…</pre>, else <title>), or an empty body (HTTP reason phrase).
ApiError ParseApiError(int http_status, const std::string& body);

// The canonical code for an error: error_code first (RESOURCE_DOES_NOT_EXIST -> kNotFound even
// with HTTP 400, QUOTA_EXCEEDED -> kResourceExhausted, PERMISSION_DENIED -> kPermissionDenied,
// INVALID_PARAMETER_VALUE -> kInvalidArgument, ...), else the HTTP status. kNotFound is kept for
// answers that name a missing object: a 404 without such a code (ENDPOINT_NOT_FOUND, a page from
// a server that is not the workspace) is kFailedPrecondition, since callers read kNotFound as
// "the object is gone" and drop it from state.
StatusCode CodeFor(const ApiError& e, int http_status);

// "<operation>: [gave up after …: ]HTTP 404 RESOURCE_DOES_NOT_EXIST: <message>" with the HTTP
// status, service code and request id attached; a 404 that names no missing object says to check
// host. Secrets registered with the redactor are masked.
Status DatabricksError(const http::Response& response, const std::string& operation);

// A 200 whose body is a web page (HTML) did not come from the workspace API: a host that is not
// the workspace (a portal, a login page, another web server) or a proxy answering in its place.
// Nothing was done, and asking again changes nothing: kFailedPrecondition with HTTP status 200,
// the page's title and what to check. OK for any other body.
Status WebPageInsteadOfApi(const http::Response& response, const std::string& operation);

// The same for Azure Resource Manager's {"error": {"code", "message"}} replies to the workspace
// lookup, with what to do for the two a user can fix: 404 (check azure_workspace_resource_id, or
// set host) and 403 (read access to the workspace resource, or set host). A 404 is
// kFailedPrecondition: the configuration is wrong, no Databricks object is known to be gone.
Status ResourceManagerError(const http::Response& response, const std::string& operation);

}  // namespace adbjit::databricks

#endif  // ADBJIT_CLIENTS_DATABRICKS_ERRORS_H_
