// The error envelope Azure's REST APIs share (Key Vault, Resource Manager), parsed without throwing:
//
//   {"error": {"code": "Forbidden", "message": "…", "innererror": {"code": "ForbiddenByRbac", …}}}
#ifndef ADBJIT_CLIENTS_INTERNAL_AZURE_ERROR_H_
#define ADBJIT_CLIENTS_INTERNAL_AZURE_ERROR_H_

#include <string>
#include <string_view>

#include "provider/clients/internal/json_util.h"
#include "provider/clients/internal/service_text.h"

namespace adbjit::internal {

struct AzureError {
  std::string code;        // error.code; "" when the body is not the envelope
  std::string message;     // error.message
  std::string inner_code;  // the code of the innermost innererror that has one (8 levels at most)
};

inline AzureError ParseAzureError(std::string_view body) {
  AzureError out;
  auto j = ParseJson(body);
  if (!j || !j->is_object()) return out;
  auto e = j->find("error");
  if (e == j->end() || !e->is_object()) return out;
  out.code = ShortServiceText(GetString(*e, "code"));
  out.message = ShortServiceText(GetString(*e, "message"));
  const nlohmann::json* cur = &*e;
  for (int depth = 0; depth < 8; ++depth) {
    auto it = cur->find("innererror");
    if (it == cur->end() || !it->is_object()) break;
    std::string c = ShortServiceText(GetString(*it, "code"));
    if (!c.empty()) out.inner_code = c;
    cur = &*it;
  }
  return out;
}

}  // namespace adbjit::internal

#endif  // ADBJIT_CLIENTS_INTERNAL_AZURE_ERROR_H_
