// JWT-shaped tokens: HS256 minting with a per-process key, and parsing/verification.
#ifndef ADBJIT_EMULATOR_JWT_H_
#define ADBJIT_EMULATOR_JWT_H_

#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace adbjit::emulator {

// Splits "header.payload.signature" and decodes the payload without checking the signature.
bool DecodeJwtPayload(const std::string& jwt, nlohmann::json* claims);

class JwtSigner {
 public:
  JwtSigner();  // random 32-byte key

  std::string Mint(const nlohmann::json& claims) const;
  // True when the token is well formed and signed with this key; fills the claims. Expiry is not
  // checked here: callers decide what "expired" means for them.
  bool Verify(const std::string& jwt, nlohmann::json* claims) const;

  // For the state file, so tokens minted before a restart stay valid.
  std::string KeyBase64() const;
  void SetKeyBase64(const std::string& b64);

 private:
  mutable std::mutex mu_;
  std::string key_;
};

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_JWT_H_
