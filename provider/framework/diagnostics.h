// Diagnostics: what the user sees. A diagnostic is a severity, a one-line summary (a title), a
// detail the user can act on, and optionally the path of the attribute it is about (Terraform then
// points at that line of the configuration). Diagnostics accumulate; HasError() decides the outcome.
#ifndef ADBJIT_FRAMEWORK_DIAGNOSTICS_H_
#define ADBJIT_FRAMEWORK_DIAGNOSTICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "provider/util/status.h"

namespace adbjit::tf {

class AttributePath {
 public:
  struct AttributeName { std::string name; };
  struct StringKey { std::string key; };
  struct IntKey { int64_t index; };
  using Step = std::variant<AttributeName, StringKey, IntKey>;

  AttributePath() = default;
  explicit AttributePath(std::string attribute) { steps_.push_back(AttributeName{std::move(attribute)}); }

  AttributePath Attr(std::string name) const;   // .name (attributes and nested blocks)
  AttributePath Key(std::string key) const;     // ["key"] (map elements)
  AttributePath Index(int64_t index) const;     // [0] (list elements)

  const std::vector<Step>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }
  // "keyvault_secret[0].name", "custom_tags[\"team\"]"
  std::string ToString() const;
  bool operator==(const AttributePath& o) const;

 private:
  std::vector<Step> steps_;
};

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string summary;
  std::string detail;
  std::optional<AttributePath> attribute;
};

class Diagnostics {
 public:
  void AddError(std::string summary, std::string detail, std::optional<AttributePath> path = std::nullopt);
  void AddWarning(std::string summary, std::string detail, std::optional<AttributePath> path = std::nullopt);
  // Turns a failed Status into an error: `summary` is the title ("Cannot Revoke Token"); the detail
  // gives the status message, the service's error code and HTTP status when present.
  void AddStatus(const Status& status, std::string summary, std::optional<AttributePath> path = std::nullopt);
  void Append(const Diagnostics& other);
  // Appends `sentence` (with its leading space) to the detail of each error from the `from`-th
  // diagnostic on, after a full stop if the detail has none: what the caller knows that the step
  // which reported them did not.
  void ExplainErrorsFrom(size_t from, const std::string& sentence);

  bool HasError() const;
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace adbjit::tf

#endif  // ADBJIT_FRAMEWORK_DIAGNOSTICS_H_
