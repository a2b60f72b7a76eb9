// Emulated Microsoft Entra ID: v1/v2 token endpoints, IMDS and a GitHub-Actions-style OIDC issuer.
#include "emulator/entra.h"

#include <regex>

#include "emulator/common.h"

namespace adbjit::emulator {

namespace {
constexpr char kJwtBearer[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

bool LooksLikeGuid(const std::string& s) {
  static const std::regex kGuid("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return std::regex_match(s, kGuid);
}

std::string EntraTimestamp() {
  std::string t = Rfc3339(NowMs());  // 2024-05-21T14:50:02.123Z
  return t.substr(0, 10) + " " + t.substr(11, 8) + "Z";
}

bool AudienceContains(const nlohmann::json& aud, const std::string& want) {
  if (aud.is_string()) return aud.get<std::string>() == want;
  if (aud.is_array()) {
    for (const auto& a : aud) {
      if (a.is_string() && a.get<std::string>() == want) return true;
    }
  }
  return false;
}
}  // namespace

Entra::Entra(const Options& options, const JwtSigner& signer)
    : options_(options), signer_(signer), github_request_token_("ghs_emulator_" + RandomHex(32)) {
  router_.Add("POST", "/([^/]+)/oauth2/v2\\.0/token", "/{tenant}/oauth2/v2.0/token",
              [this](auto& req, auto& res, auto& m) { Token(req, res, m[1].str(), false); });
  router_.Add("POST", "/([^/]+)/oauth2/token", "/{tenant}/oauth2/token",
              [this](auto& req, auto& res, auto& m) { Token(req, res, m[1].str(), true); });
  router_.Add("GET", "/metadata/identity/oauth2/token", "/metadata/identity/oauth2/token",
              [this](auto& req, auto& res, auto&) { Imds(req, res); });
  router_.Add("GET", "/github/oidc/token", "/github/oidc/token",
              [this](auto& req, auto& res, auto&) { GithubOidc(req, res); });
}

void Entra::Handle(const httplib::Request& req, httplib::Response& res, std::string* route) {
  bool mismatch = false;
  if (router_.Dispatch(req, res, route, &mismatch)) return;
  *route = "(unknown)";
  if (mismatch) {
    Error(res, 405, "invalid_request", 900561,
          "The endpoint only accepts " + std::string(req.method == "GET" ? "POST" : "GET") +
              " requests. Received a " + req.method + " request.");
    return;
  }
  ReplyJson(res, 404, {{"error", "not_found"}, {"error_description", "No such endpoint: " + req.path}});
}

nlohmann::json Entra::Num(int64_t v) const {
  if (options_.entra_numbers_as_strings) return std::to_string(v);
  return v;
}

void Entra::Error(httplib::Response& res, int status, const std::string& error, int code,
                  const std::string& text) const {
  std::string trace = NewGuid(), correlation = NewGuid(), ts = EntraTimestamp();
  nlohmann::json body = {
      {"error", error},
      {"error_description", "AADSTS" + std::to_string(code) + ": " + text + "\r\nTrace ID: " + trace +
                                "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + ts},
      {"error_codes", {code}},
      {"timestamp", ts},
      {"trace_id", trace},
      {"correlation_id", correlation},
      {"error_uri", base_url_ + "/error?code=" + std::to_string(code)}};
  ReplyJson(res, status, body);
  res.set_header("Cache-Control", "no-store, no-cache");
}

bool Entra::KnownResource(const std::string& r) const {
  static const char* kKnown[] = {
      kDatabricksAppId,
      "https://management.core.windows.net/",
      "https://management.core.usgovcloudapi.net/",
      "https://management.core.chinacloudapi.cn/",
      "https://management.azure.com/",
      "https://management.azure.com",
      "https://management.usgovcloudapi.net/",
      "https://management.usgovcloudapi.net",
      "https://management.chinacloudapi.cn/",
      "https://management.chinacloudapi.cn",
      "https://vault.azure.net",
      "https://vault.usgovcloudapi.net",
      "https://vault.azure.cn",
      "https://graph.microsoft.com",
  };
  for (const char* k : kKnown) {
    if (r == k) return true;
  }
  return false;
}

std::string Entra::MintAccessToken(const Principal& p, const std::string& resource,
                                   int64_t* exp) const {
  int64_t now = NowSec();
  *exp = now + options_.access_token_lifetime_seconds;
  nlohmann::json claims = {{"aud", resource},
                           {"iss", "https://sts.windows.net/" + p.tenant_id + "/"},
                           {"iat", now},
                           {"nbf", now},
                           {"exp", *exp},
                           {"appid", p.client_id},
                           {"azp", p.client_id},
                           {"appidacr", "1"},
                           {"idtyp", "app"},
                           {"oid", p.object_id},
                           {"sub", p.object_id},
                           {"tid", p.tenant_id},
                           {"ver", "1.0"},
                           {"uti", RandomAlnum(22)}};
  return signer_.Mint(claims);
}

namespace {
// Whether `tenant` (a path segment) names the principal's tenant: its id or its verified domain,
// ignoring case as Entra ID does.
bool InTenant(const Principal& p, const std::string& tenant) {
  const std::string t = Lower(tenant);
  return t == Lower(p.tenant_id) || (!p.tenant_domain.empty() && t == Lower(p.tenant_domain));
}
}  // namespace

void Entra::Token(const httplib::Request& req, httplib::Response& res, const std::string& tenant,
                  bool v1) {
  bool tenant_known = false;
  for (const Principal& p : options_.principals) tenant_known |= InTenant(p, tenant);
  if (!tenant_known) {
    if (!LooksLikeGuid(tenant) && tenant.find('.') == std::string::npos) {
      Error(res, 400, "invalid_request", 900023,
            "Specified tenant identifier '" + tenant +
                "' is neither a valid DNS name, nor a valid external domain.");
    } else {
      Error(res, 400, "invalid_request", 90002,
            "Tenant '" + tenant +
                "' not found. Check to make sure you have the correct tenant ID and are signing into "
                "the correct cloud.");
    }
    return;
  }
  auto form = ParseForm(req.body);
  auto field = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  auto missing = [&](const char* name) {
    Error(res, 400, "invalid_request", 90014,
          std::string("The request body must contain the following parameter: '") + name + "'.");
  };
  std::string grant = field("grant_type");
  if (grant.empty()) return missing("grant_type");
  if (grant != "client_credentials") {
    Error(res, 400, "unsupported_grant_type", 70003,
          "The app requested an unsupported grant type '" + grant + "'.");
    return;
  }
  std::string client_id = field("client_id");
  if (client_id.empty()) return missing("client_id");
  std::string resource;
  if (v1) {
    resource = field("resource");
    if (resource.empty()) return missing("resource");
  } else {
    std::string scope = field("scope");
    if (scope.empty()) return missing("scope");
    const std::string suffix = "/.default";
    if (scope.find(' ') != std::string::npos || scope.size() <= suffix.size() ||
        scope.compare(scope.size() - suffix.size(), suffix.size(), suffix) != 0) {
      Error(res, 400, "invalid_scope", 70011,
            "The provided request must include a 'scope' input parameter. The provided value for "
            "the input parameter 'scope' is not valid. The scope " + scope +
                " is not valid. Client credential flows must have a scope value with /.default "
                "suffixed to the resource identifier (application ID URI).");
      return;
    }
    resource = scope.substr(0, scope.size() - suffix.size());
  }
  const Principal* principal = nullptr;
  for (const Principal& p : options_.principals) {
    if (InTenant(p, tenant) && Lower(p.client_id) == Lower(client_id)) principal = &p;
  }
  if (principal == nullptr) {
    Error(res, 400, "unauthorized_client", 700016,
          "Application with identifier '" + client_id + "' was not found in the directory '" +
              tenant +
              "'. This can happen if the application has not been installed by the administrator "
              "of the tenant or consented to by any user in the tenant.");
    return;
  }
  std::string secret = field("client_secret");
  std::string assertion = field("client_assertion");
  if (!secret.empty()) {
    if (secret != principal->client_secret) {
      Error(res, 401, "invalid_client", 7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the "
            "client secret value, not the client secret ID, for a secret added to app '" +
                client_id + "'.");
      return;
    }
  } else if (!assertion.empty()) {
    std::string type = field("client_assertion_type");
    if (type.empty()) return missing("client_assertion_type");
    if (type != kJwtBearer) {
      Error(res, 400, "invalid_request", 700003,
            "The client_assertion_type '" + type + "' is not supported.");
      return;
    }
    nlohmann::json claims;
    if (!DecodeJwtPayload(assertion, &claims)) {
      Error(res, 400, "invalid_client", 50027, "JWT token is invalid or malformed.");
      return;
    }
    int64_t exp = 0, nbf = 0, now = NowSec();
    if (!claims.contains("exp") || !JsonInt64(claims["exp"], &exp) || exp <= now ||
        (claims.contains("nbf") && JsonInt64(claims["nbf"], &nbf) && nbf > now + 300)) {
      Error(res, 400, "invalid_client", 700024,
            "Client assertion is not within its valid time range. Current time: " + Rfc3339(now * 1000) +
                ", assertion valid until " + Rfc3339(exp * 1000) + ".");
      return;
    }
    std::string iss = StringField(claims, "iss"), sub = StringField(claims, "sub");
    nlohmann::json aud = claims.contains("aud") ? claims["aud"] : nlohmann::json();
    if (principal->federated_issuer.empty() || iss != principal->federated_issuer ||
        sub != principal->federated_subject || !AudienceContains(aud, kTokenExchangeAudience)) {
      Error(res, 400, "invalid_request", 70021,
            "No matching federated identity record found for presented assertion. Assertion "
            "Issuer: '" + iss + "'. Assertion Subject: '" + sub + "'. Assertion Audience: '" +
                (aud.is_string() ? aud.get<std::string>() : aud.dump()) + "'.");
      return;
    }
  } else {
    Error(res, 401, "invalid_client", 7000218,
          "The request body must contain the following parameter: 'client_assertion' or "
          "'client_secret'.");
    return;
  }
  if (!KnownResource(resource)) {
    Error(res, 400, "invalid_resource", 500011,
          "The resource principal named " + resource + " was not found in the tenant named " +
              tenant + ". This can happen if the application has not been installed by the "
              "administrator of the tenant or consented to by any user in the tenant.");
    return;
  }
  int64_t exp = 0;
  std::string token = MintAccessToken(*principal, resource, &exp);
  int64_t life = options_.access_token_lifetime_seconds;
  nlohmann::json body = {{"token_type", "Bearer"}, {"access_token", token}};
  if (v1) {  // the v1 endpoint sends every number as a string
    body["expires_in"] = std::to_string(life);
    body["ext_expires_in"] = std::to_string(life);
    body["expires_on"] = std::to_string(exp);
    body["not_before"] = std::to_string(exp - life);
    body["resource"] = resource;
  } else {
    body["expires_in"] = Num(life);
    body["ext_expires_in"] = Num(life);
  }
  ReplyJson(res, 200, body);
  res.set_header("Cache-Control", "no-store, no-cache");
}

void Entra::Imds(const httplib::Request& req, httplib::Response& res) {
  auto bad = [&](const std::string& text) {
    ReplyJson(res, 400, {{"error", "invalid_request"}, {"error_description", text}});
  };
  if (req.get_header_value("Metadata") != "true") return bad("Required metadata header not specified");
  if (!req.has_param("api-version")) return bad("Required query variable 'api-version' is missing");
  std::string resource = req.get_param_value("resource");
  if (resource.empty()) return bad("Required query variable 'resource' is missing");
  const Principal* principal = nullptr;
  for (const Principal& p : options_.principals) {
    if (!p.managed_identity) continue;
    if (req.has_param("client_id") && Lower(req.get_param_value("client_id")) != Lower(p.client_id)) continue;
    if (req.has_param("object_id") && Lower(req.get_param_value("object_id")) != Lower(p.object_id)) continue;
    principal = &p;
    break;
  }
  if (principal == nullptr) return bad("Identity not found");
  if (!KnownResource(resource)) {
    ReplyJson(res, 400, {{"error", "invalid_resource"},
                         {"error_description", "AADSTS500011: The resource principal named " + resource +
                                                   " was not found in the tenant named " + principal->tenant_id + "."}});
    return;
  }
  int64_t exp = 0;
  std::string token = MintAccessToken(*principal, resource, &exp);
  int64_t life = options_.access_token_lifetime_seconds;
  ReplyJson(res, 200,
            {{"access_token", token},
             {"client_id", principal->client_id},
             {"expires_in", std::to_string(life)},
             {"expires_on", std::to_string(exp)},
             {"ext_expires_in", std::to_string(life)},
             {"not_before", std::to_string(exp - life)},
             {"resource", resource},
             {"token_type", "Bearer"}});
}

void Entra::GithubOidc(const httplib::Request& req, httplib::Response& res) {
  if (BearerToken(req) != github_request_token_) {
    ReplyJson(res, 401, {{"message", "Bad credentials"}});
    return;
  }
  const Principal* principal = nullptr;
  for (const Principal& p : options_.principals) {
    if (!p.federated_issuer.empty()) {
      principal = &p;
      break;
    }
  }
  if (principal == nullptr) {
    ReplyJson(res, 404, {{"message", "No principal has a federated credential"}});
    return;
  }
  std::string audience = req.get_param_value("audience");
  if (audience.empty()) audience = "https://github.com/adbjit";
  int64_t now = NowSec();
  nlohmann::json claims = {{"iss", principal->federated_issuer},
                           {"sub", principal->federated_subject},
                           {"aud", audience},
                           {"iat", now},
                           {"nbf", now},
                           {"exp", now + 300},
                           {"jti", NewGuid()},
                           {"repository", "adbjit/demo"},
                           {"ref", "refs/heads/main"}};
  std::string jwt = signer_.Mint(claims);
  ReplyJson(res, 200, {{"value", jwt}});
}

}  // namespace adbjit::emulator
