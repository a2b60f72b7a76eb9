// AttributePath rendering and the Diagnostics accumulator, including Status → diagnostic.
#include "provider/framework/diagnostics.h"

#include <utility>

namespace adbjit::tf {
namespace {

// Quotes a map key the way Terraform prints it: ["team"], with \" and \\ escaped.
std::string QuoteKey(const std::string& key) {
  std::string out = "\"";
  for (char c : key) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

AttributePath AttributePath::Attr(std::string name) const {
  AttributePath p = *this;
  p.steps_.push_back(AttributeName{std::move(name)});
  return p;
}

AttributePath AttributePath::Key(std::string key) const {
  AttributePath p = *this;
  p.steps_.push_back(StringKey{std::move(key)});
  return p;
}

AttributePath AttributePath::Index(int64_t index) const {
  AttributePath p = *this;
  p.steps_.push_back(IntKey{index});
  return p;
}

std::string AttributePath::ToString() const {
  std::string out;
  for (const Step& step : steps_) {
    if (const auto* a = std::get_if<AttributeName>(&step)) {
      if (!out.empty()) out += '.';
      out += a->name;
    } else if (const auto* k = std::get_if<StringKey>(&step)) {
      out += '[' + QuoteKey(k->key) + ']';
    } else {
      out += '[' + std::to_string(std::get<IntKey>(step).index) + ']';
    }
  }
  return out;
}

bool AttributePath::operator==(const AttributePath& o) const {
  if (steps_.size() != o.steps_.size()) return false;
  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& a = steps_[i];
    const Step& b = o.steps_[i];
    if (a.index() != b.index()) return false;
    if (const auto* x = std::get_if<AttributeName>(&a)) {
      if (x->name != std::get<AttributeName>(b).name) return false;
    } else if (const auto* y = std::get_if<StringKey>(&a)) {
      if (y->key != std::get<StringKey>(b).key) return false;
    } else if (std::get<IntKey>(a).index != std::get<IntKey>(b).index) {
      return false;
    }
  }
  return true;
}

void Diagnostics::AddError(std::string summary, std::string detail, std::optional<AttributePath> path) {
  items_.push_back(Diagnostic{Diagnostic::Severity::kError, std::move(summary), std::move(detail), std::move(path)});
}

void Diagnostics::AddWarning(std::string summary, std::string detail, std::optional<AttributePath> path) {
  items_.push_back(
      Diagnostic{Diagnostic::Severity::kWarning, std::move(summary), std::move(detail), std::move(path)});
}

void Diagnostics::AddStatus(const Status& status, std::string summary, std::optional<AttributePath> path) {
  std::string detail = status.message().empty() ? StatusCodeName(status.code()) : status.message();
  std::string facts;
  auto add_fact = [&facts](const std::string& fact) { facts += (facts.empty() ? "" : "; ") + fact; };
  // The clients' messages already read "HTTP 403 PERMISSION_DENIED: ...": only what they leave out.
  const std::string http = "HTTP " + std::to_string(status.http_status());
  const bool says_http = status.http_status() != 0 && detail.find(http) != std::string::npos;
  if (!status.service_code().empty() && !(says_http && detail.find(status.service_code()) != std::string::npos)) {
    add_fact("service error code " + status.service_code());
  }
  if (status.http_status() != 0 && !says_http) add_fact("HTTP status " + std::to_string(status.http_status()));
  if (!status.request_id().empty() && detail.find(status.request_id()) == std::string::npos) {
    add_fact("request id " + status.request_id());
  }
  if (!facts.empty()) detail += " (" + facts + ")";
  AddError(std::move(summary), std::move(detail), std::move(path));
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Diagnostics::ExplainErrorsFrom(size_t from, const std::string& sentence) {
  for (size_t i = from; i < items_.size(); ++i) {
    if (items_[i].severity != Diagnostic::Severity::kError) continue;
    std::string& detail = items_[i].detail;
    // The detail is often a status message, which ends without a full stop.
    if (!detail.empty() && detail.back() != '.' && detail.back() != '!' && detail.back() != '?') detail += '.';
    detail += sentence;
  }
}

bool Diagnostics::HasError() const {
  for (const Diagnostic& d : items_) {
    if (d.severity == Diagnostic::Severity::kError) return true;
  }
  return false;
}

}  // namespace adbjit::tf
