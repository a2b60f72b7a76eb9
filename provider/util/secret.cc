// Secret registers its value with the log redactor.
#include "provider/util/secret.h"

#include "provider/util/log.h"

namespace adbjit {

Secret::Secret(std::string value) : value_(std::move(value)) {
  if (!value_.empty()) log::RegisterSecret(value_);
}

}  // namespace adbjit
