// Emulated Azure Databricks workspace: bearer auth, Token API, Instance Pools API, node types.
#ifndef ADBJIT_EMULATOR_DATABRICKS_H_
#define ADBJIT_EMULATOR_DATABRICKS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulator/jwt.h"
#include "emulator/router.h"
#include "emulator/server.h"

namespace adbjit::emulator {

class Databricks {
 public:
  Databricks(const Options& options, const JwtSigner& signer);

  void Handle(const httplib::Request& req, httplib::Response& res, std::string* route);

  nlohmann::json TokensJson() const;  // admin view: no values
  nlohmann::json PoolsJson() const;   // admin view: every pool incl. deleted
  nlohmann::json AdmittedJson() const;
  nlohmann::json Save() const;  // state file section
  void Load(const nlohmann::json& state);
  void Reset();

 private:
  struct Caller {
    std::string principal;  // Entra object id (for PATs: the owner's)
    std::string via;        // "aad" | "pat"
  };
  struct Token {
    std::string token_id;  // SHA-256 of the value; the value itself is never stored
    std::string owner;
    std::string comment;
    int64_t creation_time = 0;  // epoch ms
    int64_t expiry_time = -1;   // epoch ms, -1 = never
    bool Valid(int64_t now_ms) const { return expiry_time == -1 || expiry_time > now_ms; }
    nlohmann::json Public() const;
  };
  struct Pool {
    int64_t seq = 0;
    std::string id;
    std::string creator;
    nlohmann::json spec;  // user-settable fields as stored
    bool deleted = false;
    nlohmann::json Public() const;
  };

  // Authenticates the request or writes the gateway error and returns false.
  bool Authenticate(const httplib::Request& req, httplib::Response& res, Caller* caller);
  bool ParseBody(const httplib::Request& req, httplib::Response& res, nlohmann::json* body);

  void CreateToken(const httplib::Request& req, httplib::Response& res, const Caller& caller);
  void ListTokens(const httplib::Request& req, httplib::Response& res, const Caller& caller);
  void DeleteToken(const httplib::Request& req, httplib::Response& res, const Caller& caller);

  void CreatePool(const httplib::Request& req, httplib::Response& res, const Caller& caller);
  void EditPool(const httplib::Request& req, httplib::Response& res, const Caller& caller);
  void GetPool(const httplib::Request& req, httplib::Response& res, const Caller& caller);
  void ListPools(const httplib::Request& req, httplib::Response& res, const Caller& caller);
  void DeletePool(const httplib::Request& req, httplib::Response& res, const Caller& caller);
  // Checks the create/edit fields present in `body`; writes a 400 and returns false on a problem.
  bool ValidatePoolFields(const nlohmann::json& body, httplib::Response& res);
  Pool* FindLivePool(const std::string& id);  // requires mu_

  const Options& options_;
  const JwtSigner& signer_;
  Router router_;

  mutable std::mutex mu_;
  std::map<std::string, Token> tokens_;  // by token_id
  std::map<std::string, Pool> pools_;    // by id
  std::set<std::string> admitted_;       // principals admitted through the SP management headers
  int64_t next_pool_seq_ = 1;
};

// Standard Databricks error body {"error_code","message"}.
void DatabricksError(httplib::Response& res, int status, const std::string& code,
                     const std::string& message);

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_DATABRICKS_H_
