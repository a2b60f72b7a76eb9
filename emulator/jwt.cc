// JWT-shaped tokens: HS256 minting with a per-process key, and parsing/verification.
#include "emulator/jwt.h"

#include <openssl/crypto.h>

#include "emulator/common.h"

namespace adbjit::emulator {

namespace {
bool Split(const std::string& jwt, std::string* head, std::string* payload, std::string* sig) {
  size_t a = jwt.find('.');
  if (a == std::string::npos) return false;
  size_t b = jwt.find('.', a + 1);
  if (b == std::string::npos || jwt.find('.', b + 1) != std::string::npos) return false;
  *head = jwt.substr(0, a);
  *payload = jwt.substr(a + 1, b - a - 1);
  *sig = jwt.substr(b + 1);
  return !head->empty() && !payload->empty();
}
}  // namespace

bool DecodeJwtPayload(const std::string& jwt, nlohmann::json* claims) {
  std::string head, payload, sig, raw;
  if (!Split(jwt, &head, &payload, &sig) || !Base64UrlDecode(payload, &raw)) return false;
  nlohmann::json parsed = ParseJsonBody(raw);
  if (!parsed.is_object()) return false;
  *claims = std::move(parsed);
  return true;
}

JwtSigner::JwtSigner() : key_(RandomBytes(32)) {}

std::string JwtSigner::Mint(const nlohmann::json& claims) const {
  nlohmann::json header = {{"typ", "JWT"}, {"alg", "HS256"}, {"kid", "adbjit-emulator"}};
  std::string signing_input =
      Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  std::lock_guard<std::mutex> lock(mu_);
  return signing_input + "." + Base64UrlEncode(HmacSha256(key_, signing_input));
}

bool JwtSigner::Verify(const std::string& jwt, nlohmann::json* claims) const {
  std::string head, payload, sig, raw_sig;
  if (!Split(jwt, &head, &payload, &sig) || !Base64UrlDecode(sig, &raw_sig)) return false;
  std::string expected;
  {
    std::lock_guard<std::mutex> lock(mu_);
    expected = HmacSha256(key_, head + "." + payload);
  }
  if (raw_sig.size() != expected.size() ||
      CRYPTO_memcmp(raw_sig.data(), expected.data(), expected.size()) != 0) {
    return false;
  }
  return DecodeJwtPayload(jwt, claims);
}

std::string JwtSigner::KeyBase64() const {
  std::lock_guard<std::mutex> lock(mu_);
  return Base64Encode(key_);
}

void JwtSigner::SetKeyBase64(const std::string& b64) {
  std::string key;
  if (!Base64Decode(b64, &key) || key.size() < 16) return;
  std::lock_guard<std::mutex> lock(mu_);
  key_ = std::move(key);
}

}  // namespace adbjit::emulator
