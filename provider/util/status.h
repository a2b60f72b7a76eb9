// Status and StatusOr<T>: how every layer below the Terraform framework reports failure.
//
// The codes follow the canonical gRPC / abseil set so they map cleanly onto HTTP statuses.
// A remote failure also keeps what the service said: its HTTP status, its own error code
// ("RESOURCE_DOES_NOT_EXIST", "SecretNotFound", "ObjectIsDeletedButRecoverable"), and the
// request id. Messages never contain secret values (see secret.h).
#ifndef ADBJIT_UTIL_STATUS_H_
#define ADBJIT_UTIL_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace adbjit {

enum class StatusCode {
  kOk = 0,
  kCancelled,
  kUnknown,
  kInvalidArgument,
  kDeadlineExceeded,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,
  kFailedPrecondition,
  kAborted,
  kUnimplemented,
  kInternal,
  kUnavailable,
  kUnauthenticated,
};

// "NOT_FOUND", "UNAVAILABLE", ...
const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // What the remote service said, when the failure came from one. 0 / empty when not.
  int http_status() const { return http_status_; }
  const std::string& service_code() const { return service_code_; }
  const std::string& request_id() const { return request_id_; }
  Status& WithHttpStatus(int s) { http_status_ = s; return *this; }
  Status& WithServiceCode(std::string c) { service_code_ = std::move(c); return *this; }
  Status& WithRequestId(std::string id) { request_id_ = std::move(id); return *this; }

  // Prefixes the message with context: "create token: " + message.
  Status& Annotate(const std::string& context);
  // Appends to the message what the caller knows beyond it: message + " (a token id is …)".
  Status& Explain(const std::string& more);

  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }

  // "NOT_FOUND: message [service code RESOURCE_DOES_NOT_EXIST, HTTP 404]".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  int http_status_ = 0;
  std::string service_code_;
  std::string request_id_;
};

inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status UnknownError(std::string m) { return {StatusCode::kUnknown, std::move(m)}; }
inline Status CancelledError(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status AbortedError(std::string m) { return {StatusCode::kAborted, std::move(m)}; }

// A value or a non-OK Status. Accessing value() of an error is a programming error.
template <typename T>
class StatusOr {
 public:
  StatusOr(const Status& s) : v_(s) { assert(!s.ok()); }     // NOLINT: implicit by design
  StatusOr(Status&& s) : v_(std::move(s)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT
  StatusOr(const T& v) : v_(v) {}                              // NOLINT
  StatusOr(T&& v) : v_(std::move(v)) {}                        // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace adbjit

#define ADBJIT_STATUS_CONCAT_INNER_(a, b) a##b
#define ADBJIT_STATUS_CONCAT_(a, b) ADBJIT_STATUS_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define ADBJIT_RETURN_IF_ERROR(expr)                  \
  do {                                                \
    ::adbjit::Status adbjit_status_ = (expr);         \
    if (!adbjit_status_.ok()) return adbjit_status_;  \
  } while (0)

// ADBJIT_ASSIGN_OR_RETURN(auto x, MakeX()); returns the error Status when MakeX() fails.
#define ADBJIT_ASSIGN_OR_RETURN(lhs, expr) \
  ADBJIT_ASSIGN_OR_RETURN_IMPL_(ADBJIT_STATUS_CONCAT_(adbjit_statusor_, __LINE__), lhs, expr)
#define ADBJIT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // ADBJIT_UTIL_STATUS_H_
