// Status formatting.
#include "provider/util/status.h"

namespace adbjit {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kCancelled: return "CANCELLED";
    case StatusCode::kUnknown: return "UNKNOWN";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kAborted: return "ABORTED";
    case StatusCode::kUnimplemented: return "UNIMPLEMENTED";
    case StatusCode::kInternal: return "INTERNAL";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

Status& Status::Annotate(const std::string& context) {
  if (!ok()) message_ = context + ": " + message_;
  return *this;
}

Status& Status::Explain(const std::string& more) {
  if (!ok()) message_ += more;
  return *this;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = std::string(StatusCodeName(code_)) + ": " + message_;
  if (!service_code_.empty() || http_status_ != 0) {
    out += " [";
    if (!service_code_.empty()) out += "service code " + service_code_;
    if (http_status_ != 0) {
      if (!service_code_.empty()) out += ", ";
      out += "HTTP " + std::to_string(http_status_);
    }
    if (!request_id_.empty()) out += ", request id " + request_id_;
    out += "]";
  }
  return out;
}

}  // namespace adbjit
