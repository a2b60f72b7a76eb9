// Entra ID token requests: client credentials (secret / assertion) and managed identity.
#include "provider/clients/auth/entra.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <map>
#include <optional>
#include <string_view>

#include "provider/clients/auth/cloud.h"
#include "provider/clients/http/url.h"
#include "provider/clients/internal/json_util.h"
#include "provider/clients/internal/service_text.h"
#include "provider/util/ascii.h"
#include "provider/util/log.h"

namespace adbjit::auth {
namespace {

constexpr char kFederatedAudience[] = "api://AzureADTokenExchange";

std::string CutDescription(std::string d) {
  for (const char* marker : {"\r\n", "\n", " Trace ID:"}) {
    size_t pos = d.find(marker);
    if (pos != std::string::npos) d = d.substr(0, pos);
  }
  return internal::ShortServiceText(std::move(d));
}

// What to check for the Entra ID errors a configuration causes, by AADSTS code ("" for others).
std::string HintFor(const std::string& aadsts) {
  static const std::map<std::string, std::string> kHints = {
      {"AADSTS7000215", "check azure_client_secret (ARM_CLIENT_SECRET): the secret's value, not its ID"},
      {"AADSTS7000222", "the client secret has expired: create a new one and set azure_client_secret "
                        "(ARM_CLIENT_SECRET)"},
      {"AADSTS700016", "check azure_client_id (ARM_CLIENT_ID) and azure_tenant_id (ARM_TENANT_ID): the application "
                       "is not in that tenant"},
      {"AADSTS90002", "check azure_tenant_id (ARM_TENANT_ID)"},
      {"AADSTS900023", "check azure_tenant_id (ARM_TENANT_ID)"},
      {"AADSTS70021", "no federated credential of the application matches the OIDC token's issuer, subject and "
                      "audience (api://AzureADTokenExchange)"},
      {"AADSTS700213", "no federated credential of the application matches the OIDC token's subject: the "
                       "repository, branch, environment or pull request the CI job runs for"},
      {"AADSTS700024", "the OIDC token is expired or not yet valid: the CI job must hand over a fresh one"},
  };
  auto it = kHints.find(aadsts);
  return it == kHints.end() ? "" : it->second;
}

// Base64url without padding (a JWT segment) to bytes; nullopt on any other character.
std::optional<std::string> DecodeBase64Url(std::string_view in) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xffu));
    }
  }
  return out;
}

}  // namespace

std::string ObjectIdOf(const std::string& jwt) {
  const size_t first = jwt.find('.');
  const size_t second = first == std::string::npos ? first : jwt.find('.', first + 1);
  if (second == std::string::npos) return "";
  auto payload = DecodeBase64Url(std::string_view(jwt).substr(first + 1, second - first - 1));
  if (!payload) return "";
  auto claims = internal::ParseJson(*payload);
  if (!claims || !claims->is_object()) return "";
  return AsciiLower(internal::GetString(*claims, "oid"));
}

StatusOr<AccessToken> ParseTokenResponse(const std::string& body, std::chrono::system_clock::time_point now,
                                         const std::string& operation) {
  auto j = internal::ParseJson(body);
  if (!j || !j->is_object()) {
    return UnauthenticatedError(operation + ": token endpoint answered 200 with a body that is not JSON");
  }
  std::string token = internal::GetString(*j, "access_token");
  if (token.empty()) return UnauthenticatedError(operation + ": token reply has no access_token");
  std::string object_id = ObjectIdOf(token);
  AccessToken out{Secret(std::move(token)), now + std::chrono::minutes(5), std::move(object_id)};
  // A lifetime that is negative or ends more than ten years from now is ignored (the 5-minute
  // default stands). The bound also keeps the arithmetic safe: the clock counts nanoseconds in an
  // int64, which runs out in 2262, so an arbitrary number of seconds would overflow.
  constexpr int64_t kMaxLifetime = int64_t{10} * 365 * 24 * 3600;  // ten years
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto in = internal::GetInt64(*j, "expires_in");
  auto on = internal::GetInt64(*j, "expires_on");
  if (in && *in >= 0 && *in <= kMaxLifetime) {
    out.expires_at = now + std::chrono::seconds(*in);
  } else if (on && *on >= 0 && *on - now_s <= kMaxLifetime) {
    out.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(*on));
  }
  return out;
}

Status EntraError(const http::Response& r, const std::string& operation, const std::string& challenge_tenant,
                  bool managed_identity) {
  std::string error, description, aadsts;
  const auto j = internal::ParseJson(r.body);
  // OAuth's error shape: "error" is a string. Another service's JSON ({"error":{...}} from Key
  // Vault or Databricks behind a wrong login host) is not Entra's answer.
  const bool entra_shaped = j && j->is_object() && j->contains("error") && (*j)["error"].is_string();
  if (entra_shaped) {
    error = internal::ShortServiceText(internal::GetString(*j, "error"));
    description = internal::GetString(*j, "error_description");
    auto codes = j->find("error_codes");
    if (codes != j->end() && codes->is_array() && !codes->empty() && codes->front().is_number_integer()) {
      aadsts = "AADSTS" + std::to_string(codes->front().get<int64_t>());
    }
  }
  // Else the first "AADSTS<digits>" in the description (found by hand: std::regex recurses per
  // character matched, and the description is the server's).
  for (size_t at = description.find("AADSTS"); aadsts.empty() && at != std::string::npos;
       at = description.find("AADSTS", at + 1)) {
    size_t end = at + 6;
    while (end < description.size() && std::isdigit(static_cast<unsigned char>(description[end]))) ++end;
    if (end > at + 6) aadsts = description.substr(at, std::min<size_t>(end - at, 16));
  }
  StatusCode code;
  if (r.status == 429) {
    code = StatusCode::kResourceExhausted;
  } else if (r.status >= 500) {
    code = StatusCode::kUnavailable;
  } else if (r.status == 401 || error == "invalid_client" || error == "unauthorized_client" ||
             error == "invalid_grant" || aadsts == "AADSTS70021" || aadsts == "AADSTS700213" ||
             aadsts == "AADSTS700024") {
    code = StatusCode::kUnauthenticated;
  } else if (r.status == 403) {
    code = StatusCode::kPermissionDenied;
  } else {
    code = StatusCode::kInvalidArgument;
  }
  std::string msg = r.FailureHeading(operation);
  if (!error.empty()) msg += " " + error;
  description = CutDescription(description);
  if (!aadsts.empty() && !description.starts_with(aadsts)) msg += " " + aadsts;
  if (!description.empty()) msg += ": " + description;
  std::string hint = HintFor(aadsts);
  if (!entra_shaped) {
    // Entra ID and IMDS answer JSON: a page is a proxy's or another server's, whose words are shown.
    if (std::string words = internal::PageWords(r.body); !words.empty()) {
      msg += ": " + internal::ShortServiceText(words);
    }
    if (r.status != 429 && r.status < 500) {
      // Managed identity requests go straight to the endpoint, never through a proxy.
      hint = managed_identity ? "not the managed identity endpoint's answer, which is JSON: check ARM_MSI_ENDPOINT, "
                                "or whether this machine has a managed identity"
                              : "not Entra ID's answer, which is JSON: a proxy answering in its place (HTTPS_PROXY, "
                                "NO_PROXY), or a wrong login host (azure_authority_host)";
    }
  }
  if (!challenge_tenant.empty() && hint.find("azure_tenant_id") != std::string::npos) {
    hint = "the service's bearer challenge named tenant " + challenge_tenant +
           ", not the configured azure_tenant_id: the resource belongs to another tenant, which this principal "
           "must be able to sign in to";
  }
  if (!hint.empty()) msg += " (" + hint + ")";
  Status s(code, log::Redact(msg));
  s.WithHttpStatus(r.status).WithRequestId(r.RequestId());
  if (!aadsts.empty()) {
    s.WithServiceCode(aadsts);
  } else if (!error.empty()) {
    s.WithServiceCode(error);
  }
  return s;
}

AssertionProvider StaticAssertion(Secret token) {
  return [token = std::move(token)]() -> StatusOr<Secret> {
    if (token.empty()) return UnauthenticatedError("federated credential: the OIDC token is empty");
    return token;
  };
}

AssertionProvider FileAssertion(std::string path) {
  return [path = std::move(path)]() -> StatusOr<Secret> {
    const std::string what = "federated credential: the OIDC token file " + path;
    // Non-blocking, so that a pipe with no writer is refused rather than waited on for ever.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return UnauthenticatedError("federated credential: cannot read the OIDC token file " + path);
    struct stat st {};
    std::string token;
    Status read = Status::OK();
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      read = UnauthenticatedError(what + " is not a regular file (a directory, a device or a pipe)");
    } else {
      // An ID token is a few kilobytes; a larger file is not one (and is not sent to Entra ID).
      char buf[4096];
      for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          read = UnauthenticatedError("federated credential: cannot read the OIDC token file " + path);
          break;
        }
        if (n == 0) break;
        token.append(buf, static_cast<size_t>(n));
        if (token.size() > kMaxOidcTokenFileBytes) {
          read = UnauthenticatedError(what + " is larger than " + std::to_string(kMaxOidcTokenFileBytes / 1024) +
                                      " KiB, so it does not hold an ID token");
          break;
        }
      }
    }
    ::close(fd);
    if (!read.ok()) return read;
    token = AsciiTrim(token);
    if (token.empty()) return UnauthenticatedError(what + " is empty");
    return Secret(std::move(token));
  };
}

AssertionProvider GitHubActionsAssertion(std::shared_ptr<http::Transport> transport, std::string request_url,
                                         Secret request_token, std::chrono::milliseconds timeout) {
  return [transport = std::move(transport), request_url = std::move(request_url),
          request_token = std::move(request_token), timeout]() -> StatusOr<Secret> {
    const std::string op = "GitHub Actions OIDC token request";
    http::Request req;
    req.method = "GET";
    req.url = http::AppendQuery(request_url, "audience", kFederatedAudience);
    req.headers = {{"Authorization", "Bearer " + request_token.Reveal()}, {"Accept", "application/json"}};
    req.timeout = timeout;
    req.operation = op;
    ADBJIT_ASSIGN_OR_RETURN(http::Response r, transport->Send(req));
    if (r.status != 200) {
      const std::string msg =
          r.FailureHeading(op) +
          " (does the workflow have `permissions: id-token: write`, and is the request token current?)";
      return Status(StatusCode::kUnauthenticated, msg).WithHttpStatus(r.status).WithRequestId(r.RequestId());
    }
    auto j = internal::ParseJson(r.body);
    std::string value = j ? internal::GetString(*j, "value") : "";
    if (value.empty()) return UnauthenticatedError(op + ": the reply has no `value`");
    return Secret(std::move(value));
  };
}

ClientCredentialsTokenSource::ClientCredentialsTokenSource(std::shared_ptr<http::Transport> transport,
                                                           Options options)
    : transport_(std::move(transport)), options_(std::move(options)) {}

StatusOr<AccessToken> ClientCredentialsTokenSource::Token(const std::string& scope, const std::string& tenant_in) {
  const std::string tenant = tenant_in.empty() ? options_.tenant_id : tenant_in;
  const std::string op = "Entra ID token for " + scope + " (" + options_.description + ")";
  std::vector<std::pair<std::string, std::string>> form = {
      {"grant_type", "client_credentials"}, {"client_id", options_.client_id}, {"scope", scope}};
  if (options_.assertion) {
    ADBJIT_ASSIGN_OR_RETURN(Secret assertion, options_.assertion());
    form.emplace_back("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    form.emplace_back("client_assertion", assertion.Reveal());
  } else {
    form.emplace_back("client_secret", options_.client_secret.Reveal());
  }
  http::Request req;
  req.method = "POST";
  req.url = http::NormalizeBaseUrl(options_.authority_host) + "/" + http::PercentEncode(tenant) +
            "/oauth2/v2.0/token";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  req.body = http::FormEncode(form);
  req.timeout = options_.timeout;
  req.operation = op;
  req.idempotent = true;
  req.retry_internal_error = true;
  req.changes_nothing = true;
  auto sent = std::chrono::system_clock::now();
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, transport_->Send(req));
  if (r.status != 200) {
    const bool challenged = AsciiLower(tenant) != AsciiLower(options_.tenant_id);
    return EntraError(r, op, challenged ? tenant : "");
  }
  ADBJIT_ASSIGN_OR_RETURN(AccessToken t, ParseTokenResponse(r.body, sent, op));
  log::Debug("auth", "access token acquired",
             {{"credential", options_.description}, {"scope", scope}, {"tenant", tenant},
              {"expires_in_s", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                  t.expires_at - sent).count())}});
  return t;
}

ManagedIdentityTokenSource::ManagedIdentityTokenSource(std::shared_ptr<http::Transport> transport, Options options)
    : transport_(std::move(transport)), options_(std::move(options)) {}

StatusOr<AccessToken> ManagedIdentityTokenSource::Token(const std::string& scope, const std::string&) {
  const std::string op = "managed identity token for " + scope;
  const std::string resource = ResourceForScope(scope);
  http::Request req;
  req.method = "GET";
  req.url = http::AppendQuery(options_.endpoint, "api-version", options_.api_version);
  req.url = http::AppendQuery(req.url, "resource", resource);
  if (!options_.client_id.empty()) req.url = http::AppendQuery(req.url, "client_id", options_.client_id);
  req.headers = {{"Metadata", "true"}, {"Accept", "application/json"}};
  req.timeout = options_.timeout;
  req.operation = op;
  req.imds = true;
  req.retry_internal_error = true;
  auto sent = std::chrono::system_clock::now();
  ADBJIT_ASSIGN_OR_RETURN(http::Response r, transport_->Send(req));
  if (r.status != 200) {
    Status s = EntraError(r, op, "", /*managed_identity=*/true);
    // IMDS answers 400 for "no such identity": a credential problem, not a bad argument.
    if (s.code() == StatusCode::kInvalidArgument) return Status(StatusCode::kUnauthenticated, s.message())
        .WithHttpStatus(s.http_status()).WithServiceCode(s.service_code()).WithRequestId(s.request_id());
    return s;
  }
  ADBJIT_ASSIGN_OR_RETURN(AccessToken t, ParseTokenResponse(r.body, sent, op));
  log::Debug("auth", "access token acquired", {{"credential", "managed identity"}, {"scope", scope}});
  return t;
}

}  // namespace adbjit::auth
