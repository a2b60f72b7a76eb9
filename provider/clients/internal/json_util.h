// Non-throwing JSON access helpers for reply bodies (numbers may arrive as strings).
#ifndef ADBJIT_CLIENTS_INTERNAL_JSON_UTIL_H_
#define ADBJIT_CLIENTS_INTERNAL_JSON_UTIL_H_

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace adbjit::internal {

// Parses without throwing; nullopt for invalid JSON.
inline std::optional<nlohmann::json> ParseJson(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// j[key] as a string; "" when absent or not a string.
inline std::string GetString(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// j[key] as an integer from a JSON number or a numeric string.
inline std::optional<int64_t> GetInt64(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_float()) {
    // Casting a double outside int64's range (1e300, inf) is undefined behaviour: refuse it.
    const double d = it->get<double>();
    if (!(d >= -9.2e18 && d <= 9.2e18)) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return v;
  }
  return std::nullopt;
}

}  // namespace adbjit::internal

#endif  // ADBJIT_CLIENTS_INTERNAL_JSON_UTIL_H_
