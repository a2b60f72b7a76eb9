// The generated pages document exactly the schema: every attribute of every type appears, and the
// pages name no attribute that the schema lacks.
#include "tools/docgen/docgen.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "provider/adbjit_provider.h"

namespace adbjit::docgen {
namespace {

void CollectNames(const tf::Block& block, std::set<std::string>& names) {
  for (const auto& a : block.attributes) names.insert(a.name);
  for (const auto& b : block.block_types) {
    names.insert(b.type_name);
    CollectNames(b.block, names);
  }
}

// Names documented as schema entries: lines "- `name` (...".
std::set<std::string> DocumentedNames(const std::string& page) {
  std::set<std::string> out;
  std::regex entry("^- `([a-z0-9_]+)` \\(", std::regex::multiline);
  for (std::sregex_iterator it(page.begin(), page.end(), entry), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

TEST(DocgenTest, PagesDocumentExactlyTheSchema) {
  auto provider = NewAdbjitProvider();
  std::string error;
  Pages pages = RenderAll(*provider, ADBJIT_SOURCE_DIR, &error);
  ASSERT_TRUE(error.empty()) << error;
  auto check = [&](const std::string& page_name, const tf::Schema& schema) {
    ASSERT_TRUE(pages.count(page_name)) << page_name;
    std::set<std::string> expected;
    CollectNames(schema.block, expected);
    EXPECT_EQ(DocumentedNames(pages[page_name]), expected) << page_name;
  };
  check("index.md", provider->GetSchema());
  for (const auto& r : provider->Resources()) check("resources/" + r->TypeName().substr(7) + ".md", r->GetSchema());
  for (const auto& e : provider->EphemeralResources()) {
    check("ephemeral-resources/" + e->TypeName().substr(7) + ".md", e->GetSchema());
  }
  for (const auto& d : provider->DataSources()) check("data-sources/" + d->TypeName().substr(7) + ".md", d->GetSchema());
}

TEST(DocgenTest, MarksSensitiveAndWriteOnly) {
  tf::Schema s{.block = {.attributes = {{.name = "secret", .type = tf::Type::String(), .description = "S.",
                                         .optional = true, .sensitive = true, .write_only = true}}}};
  std::string section = RenderSchemaSection(s);
  EXPECT_NE(section.find("- `secret` (String, Sensitive, Write-only) S."), std::string::npos) << section;
}

}  // namespace
}  // namespace adbjit::docgen
