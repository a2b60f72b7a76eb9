// Emulated Azure Databricks workspace: routing, bearer auth, the Token API and node types.
#include "emulator/databricks.h"

#include <algorithm>
#include <limits>
#include <regex>

#include "emulator/common.h"
#include "emulator/entra.h"

namespace adbjit::emulator {

namespace {
constexpr int64_t kExpiryMarginSec = 30;

// The HTML page the workspace gateway answers with for authentication failures.
void GatewayError(httplib::Response& res, int status, const std::string& reason,
                  const std::string& path, const std::string& message) {
  std::string html = "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
                     "<title>Error " + std::to_string(status) + " " + reason + "</title>\n</head>\n"
                     "<body><h2>HTTP ERROR " + std::to_string(status) + "</h2>\n"
                     "<p>Problem accessing " + path + ". Reason:\n<pre>    " + message +
                     "</pre></p>\n</body>\n</html>\n";
  res.status = status;
  res.set_content(html, "text/html;charset=utf-8");
}

nlohmann::json NodeTypes() {
  auto node = [](const char* id, int cores, int mem_gb, const char* category) {
    return nlohmann::json{{"node_type_id", id},
                          {"instance_type_id", id},
                          {"memory_mb", mem_gb * 1024},
                          {"num_cores", cores},
                          {"description", id},
                          {"category", category},
                          {"is_deprecated", false},
                          {"node_info", {{"status", nlohmann::json::array()}}}};
  };
  return {{"node_types",
           {node("Standard_DS3_v2", 4, 14, "General Purpose"),
            node("Standard_DS4_v2", 8, 28, "General Purpose"),
            node("Standard_D4ds_v5", 4, 16, "General Purpose"),
            node("Standard_E8ds_v4", 8, 64, "Memory Optimized"),
            node("Standard_F4s", 4, 8, "Compute Optimized")}}};
}

nlohmann::json SparkVersions() {
  return {{"versions",
           {{{"key", "15.4.x-scala2.12"}, {"name", "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"}},
            {{"key", "14.3.x-scala2.12"}, {"name", "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)"}},
            {{"key", "13.3.x-scala2.12"}, {"name", "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)"}}}}};
}
}  // namespace

void DatabricksError(httplib::Response& res, int status, const std::string& code,
                     const std::string& message) {
  ReplyJson(res, status, {{"error_code", code}, {"message", message}});
}

Databricks::Databricks(const Options& options, const JwtSigner& signer)
    : options_(options), signer_(signer) {
  router_.Add("GET", "/api/2\\.[01]/clusters/list-node-types", "/api/2.x/clusters/list-node-types",
              [](auto&, auto& res, auto&) { ReplyJson(res, 200, NodeTypes()); });
  router_.Add("GET", "/api/2\\.[01]/clusters/spark-versions", "/api/2.x/clusters/spark-versions",
              [](auto&, auto& res, auto&) { ReplyJson(res, 200, SparkVersions()); });
}

void Databricks::Handle(const httplib::Request& req, httplib::Response& res, std::string* route) {
  *route = req.path;
  Caller caller;
  if (!Authenticate(req, res, &caller)) return;
  using Op = void (Databricks::*)(const httplib::Request&, httplib::Response&, const Caller&);
  static const std::map<std::string, std::pair<std::string, Op>> kOps = {
      {"/api/2.0/token/create", {"POST", &Databricks::CreateToken}},
      {"/api/2.0/token/list", {"GET", &Databricks::ListTokens}},
      {"/api/2.0/token/delete", {"POST", &Databricks::DeleteToken}},
      {"/api/2.0/instance-pools/create", {"POST", &Databricks::CreatePool}},
      {"/api/2.0/instance-pools/edit", {"POST", &Databricks::EditPool}},
      {"/api/2.0/instance-pools/get", {"GET", &Databricks::GetPool}},
      {"/api/2.0/instance-pools/list", {"GET", &Databricks::ListPools}},
      {"/api/2.0/instance-pools/delete", {"POST", &Databricks::DeletePool}},
  };
  auto op = kOps.find(req.path);
  if (op != kOps.end() && op->second.first == req.method) return (this->*op->second.second)(req, res, caller);
  bool mismatch = false;
  if (op == kOps.end() && router_.Dispatch(req, res, route, &mismatch)) return;
  *route = "(unknown)";
  DatabricksError(res, mismatch || op != kOps.end() ? 405 : 404, "ENDPOINT_NOT_FOUND",
                  "No API found for '" + req.method + " " + req.path + "'");
}

bool Databricks::Authenticate(const httplib::Request& req, httplib::Response& res, Caller* caller) {
  std::string token = BearerToken(req);
  if (token.empty()) {
    GatewayError(res, 401, "Unauthorized", req.path, "Unauthorized");
    return false;
  }
  int64_t now_ms = NowMs();
  if (token.rfind("dapi", 0) == 0) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tokens_.find(Sha256Hex(token));
    if (it == tokens_.end() || !it->second.Valid(now_ms)) {
      GatewayError(res, 403, "Invalid access token.", req.path, "Invalid access token.");
      return false;
    }
    caller->principal = it->second.owner;
    caller->via = "pat";
    return true;
  }
  nlohmann::json claims;
  if (!signer_.Verify(token, &claims) || claims.value("aud", "") != kDatabricksAppId) {
    GatewayError(res, 403, "Invalid access token.", req.path, "Invalid access token.");
    return false;
  }
  int64_t exp = 0;
  JsonInt64(claims.value("exp", nlohmann::json(0)), &exp);
  if (exp * 1000 <= now_ms) {
    GatewayError(res, 403, "Invalid access token.", req.path, "Invalid access token.");
    return false;
  }
  if (exp * 1000 - now_ms <= kExpiryMarginSec * 1000) {
    DatabricksError(res, 403, "PERMISSION_DENIED", "Token is expiring within 30 seconds.");
    return false;
  }
  caller->principal = claims.value("oid", "");
  caller->via = "aad";
  std::string resource_id = req.get_header_value("X-Databricks-Azure-Workspace-Resource-Id");
  std::string mgmt = req.get_header_value("X-Databricks-Azure-SP-Management-Token");
  if (!resource_id.empty() || !mgmt.empty()) {
    if (!std::regex_match(resource_id, WorkspaceResourceIdPattern())) {
      DatabricksError(res, 400, "INVALID_PARAMETER_VALUE",
                      "Invalid X-Databricks-Azure-Workspace-Resource-Id header: '" + resource_id + "'");
      return false;
    }
    nlohmann::json mclaims;
    int64_t mexp = 0;
    if (mgmt.empty() || !signer_.Verify(mgmt, &mclaims) ||
        mclaims.value("aud", "") != kManagementAudience ||
        !JsonInt64(mclaims.value("exp", nlohmann::json(0)), &mexp) || mexp * 1000 <= now_ms ||
        mclaims.value("oid", "") != caller->principal) {
      DatabricksError(res, 403, "PERMISSION_DENIED",
                      "Invalid X-Databricks-Azure-SP-Management-Token: a valid Entra ID token for "
                      "https://management.core.windows.net/ of the same principal is required.");
      return false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    admitted_.insert(caller->principal);
    return true;
  }
  // Without the headers only a workspace user, or a principal they admitted earlier, gets in.
  const bool member = std::any_of(options_.principals.begin(), options_.principals.end(), [&](const Principal& p) {
    return p.workspace_member && Lower(p.object_id) == Lower(caller->principal);
  });
  std::lock_guard<std::mutex> lock(mu_);
  if (!member && !admitted_.count(caller->principal)) {
    GatewayError(res, 403, "User not authorized.", req.path, "User not authorized.");
    return false;
  }
  return true;
}

bool Databricks::ParseBody(const httplib::Request& req, httplib::Response& res, nlohmann::json* body) {
  if (req.body.empty()) {
    *body = nlohmann::json::object();
    return true;
  }
  *body = ParseJsonBody(req.body);
  if (!body->is_object()) {
    DatabricksError(res, 400, "MALFORMED_REQUEST", "Invalid JSON given in the body of the request - expected a map");
    return false;
  }
  return true;
}

nlohmann::json Databricks::Token::Public() const {
  nlohmann::json j = {{"token_id", token_id}, {"creation_time", creation_time}, {"expiry_time", expiry_time}};
  if (!comment.empty()) j["comment"] = comment;
  return j;
}

void Databricks::CreateToken(const httplib::Request& req, httplib::Response& res, const Caller& caller) {
  nlohmann::json body;
  if (!ParseBody(req, res, &body)) return;
  int64_t now = NowMs();
  int64_t max_sec = options_.max_token_lifetime_days * 86400;
  int64_t lifetime = max_sec > 0 ? max_sec : -1;
  if (body.contains("lifetime_seconds") && !body["lifetime_seconds"].is_null()) {
    if (!JsonInt64(body["lifetime_seconds"], &lifetime)) {
      DatabricksError(res, 400, "INVALID_PARAMETER_VALUE",
                      "Invalid value for field lifetime_seconds: expected an integer");
      return;
    }
    // An expiry beyond what epoch milliseconds hold (about 292 million years) is no timeout either.
    if (lifetime == 0 || lifetime < -1 || lifetime > (std::numeric_limits<int64_t>::max() - now) / 1000) {
      DatabricksError(res, 400, "INVALID_PARAMETER_VALUE",
                      "requirement failed: Invalid timeout: " + std::to_string(lifetime));
      return;
    }
    if (max_sec > 0 && (lifetime == -1 || lifetime > max_sec)) {
      DatabricksError(res, 400, "INVALID_PARAMETER_VALUE",
                      "Token lifetime exceeds the maximum allowed lifetime of " +
                          std::to_string(options_.max_token_lifetime_days) +
                          " days (maxTokenLifetimeDays) for this workspace.");
      return;
    }
  }
  if (body.contains("comment") && !body["comment"].is_string() && !body["comment"].is_null()) {
    DatabricksError(res, 400, "INVALID_PARAMETER_VALUE", "Invalid value for field comment: expected a string");
    return;
  }
  Token t;
  t.owner = caller.principal;
  t.comment = StringField(body, "comment");
  t.creation_time = now;
  t.expiry_time = lifetime == -1 ? -1 : now + lifetime * 1000;
  std::string value = "dapi" + RandomHex(32) + "-2";
  t.token_id = Sha256Hex(value);
  std::lock_guard<std::mutex> lock(mu_);
  int live = 0;
  for (const auto& [id, other] : tokens_) live += other.owner == caller.principal && other.Valid(now);
  if (live >= options_.token_quota) {
    DatabricksError(res, 400, "QUOTA_EXCEEDED",
                    "Cannot create more than " + std::to_string(options_.token_quota) + " tokens.");
    return;
  }
  tokens_[t.token_id] = t;
  ReplyJson(res, 200, {{"token_value", value}, {"token_info", t.Public()}});
}

void Databricks::ListTokens(const httplib::Request&, httplib::Response& res, const Caller& caller) {
  int64_t now = NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const Token*> mine;
  for (const auto& [id, t] : tokens_) {
    if (t.owner == caller.principal && t.Valid(now)) mine.push_back(&t);
  }
  std::sort(mine.begin(), mine.end(), [](const Token* a, const Token* b) {
    return a->creation_time != b->creation_time ? a->creation_time < b->creation_time : a->token_id < b->token_id;
  });
  if (options_.token_list_newest_first) std::reverse(mine.begin(), mine.end());
  nlohmann::json out = nlohmann::json::object();
  for (const Token* t : mine) out["token_infos"].push_back(t->Public());
  ReplyJson(res, 200, out);
}

void Databricks::DeleteToken(const httplib::Request& req, httplib::Response& res, const Caller& caller) {
  nlohmann::json body;
  if (!ParseBody(req, res, &body)) return;
  if (!body.contains("token_id") || !body["token_id"].is_string() || body["token_id"].get<std::string>().empty()) {
    DatabricksError(res, 400, "INVALID_PARAMETER_VALUE", "Missing required field: token_id");
    return;
  }
  std::string id = body["token_id"];
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tokens_.find(id);
  if (it == tokens_.end() || it->second.owner != caller.principal || !it->second.Valid(NowMs())) {
    DatabricksError(res, 404, "RESOURCE_DOES_NOT_EXIST", "No valid token with ID " + id + " found.");
    return;
  }
  tokens_.erase(it);
  ReplyJson(res, 200, nlohmann::json::object());
}

nlohmann::json Databricks::TokensJson() const {
  int64_t now = NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, t] : tokens_) {
    nlohmann::json j = t.Public();
    j["owner"] = t.owner;
    j["expired"] = !t.Valid(now);
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json Databricks::AdmittedJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  return nlohmann::json(admitted_);
}

nlohmann::json Databricks::Save() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json tokens = nlohmann::json::array(), pools = nlohmann::json::array();
  for (const auto& [id, t] : tokens_) {
    nlohmann::json j = t.Public();
    j["owner"] = t.owner;
    tokens.push_back(std::move(j));
  }
  for (const auto& [id, p] : pools_) {
    pools.push_back({{"seq", p.seq}, {"id", p.id}, {"creator", p.creator}, {"spec", p.spec}, {"deleted", p.deleted}});
  }
  return {{"tokens", tokens}, {"pools", pools}, {"admitted", admitted_}, {"next_pool_seq", next_pool_seq_}};
}

void Databricks::Load(const nlohmann::json& state) {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_.clear();
  pools_.clear();
  admitted_.clear();
  for (const auto& j : state.value("tokens", nlohmann::json::array())) {
    Token t;
    t.token_id = j.value("token_id", "");
    t.owner = j.value("owner", "");
    t.comment = j.value("comment", "");
    t.creation_time = j.value("creation_time", int64_t{0});
    t.expiry_time = j.value("expiry_time", int64_t{-1});
    if (!t.token_id.empty()) tokens_[t.token_id] = t;
  }
  for (const auto& j : state.value("pools", nlohmann::json::array())) {
    Pool p;
    p.seq = j.value("seq", int64_t{0});
    p.id = j.value("id", "");
    p.creator = j.value("creator", "");
    p.spec = j.value("spec", nlohmann::json::object());
    p.deleted = j.value("deleted", false);
    if (!p.id.empty()) pools_[p.id] = p;
  }
  for (const auto& a : state.value("admitted", nlohmann::json::array())) admitted_.insert(a.get<std::string>());
  next_pool_seq_ = state.value("next_pool_seq", int64_t{1});
}

void Databricks::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  tokens_.clear();
  pools_.clear();
  admitted_.clear();
}

}  // namespace adbjit::emulator
