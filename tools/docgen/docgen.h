// docgen: renders the Terraform registry pages under docs/ from the provider's schemas (the single
// source of truth) plus the examples/ snippets and the hand-written templates/ intros. The docs test
// renders everything in memory and fails when a committed page differs, so an attribute can be
// neither undocumented nor documented without existing.
#ifndef ADBJIT_TOOLS_DOCGEN_DOCGEN_H_
#define ADBJIT_TOOLS_DOCGEN_DOCGEN_H_

#include <map>
#include <string>

#include "provider/framework/resource.h"

namespace adbjit::docgen {

// Relative path under docs/ ("resources/token.md") -> page content.
using Pages = std::map<std::string, std::string>;

// `source_root` is the repository root: examples/ and templates/ are read from there. Missing
// example files are simply left out of the page; a missing template is an error (returned in
// `error`, with Pages empty).
Pages RenderAll(const tf::Provider& provider, const std::string& source_root, std::string* error);

// The "## Schema" section of one block (exposed for tests).
std::string RenderSchemaSection(const tf::Schema& schema);

}  // namespace adbjit::docgen

#endif  // ADBJIT_TOOLS_DOCGEN_DOCGEN_H_
