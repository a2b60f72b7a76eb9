// Markdown rendering of schemas in the registry's page shape (front matter, example usage, schema
// grouped into Required / Optional / Read-Only, nested blocks, import).
#include "tools/docgen/docgen.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace adbjit::docgen {
namespace {

using tf::Attribute;
using tf::Block;
using tf::NestedBlock;
using tf::Nesting;
using tf::Type;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::string TypeLabel(const Type& t) {
  switch (t.kind()) {
    case Type::Kind::kString: return "String";
    case Type::Kind::kNumber: return "Number";
    case Type::Kind::kBool: return "Boolean";
    case Type::Kind::kDynamic: return "Dynamic";
    case Type::Kind::kList: return "List of " + TypeLabel(t.ElementType());
    case Type::Kind::kSet: return "Set of " + TypeLabel(t.ElementType());
    case Type::Kind::kMap: return "Map of " + TypeLabel(t.ElementType());
    case Type::Kind::kObject: return "Object";
    case Type::Kind::kTuple: return "Tuple";
  }
  return "Dynamic";
}

std::string Anchor(const std::string& prefix, const std::string& path) {
  std::string a = prefix + "--" + path;
  for (char& c : a) {
    if (c == '.') c = '-';
  }
  return a;
}

// The first sentence of a description, for the front matter.
std::string FirstSentence(const std::string& text) {
  size_t end = text.find(". ");
  return end == std::string::npos ? text : text.substr(0, end + 1);
}

std::string AttributeLine(const Attribute& a) {
  std::string flags = TypeLabel(a.type);
  if (a.sensitive) flags += ", Sensitive";
  if (a.write_only) flags += ", Write-only";
  if (!a.deprecation_message.empty()) flags += ", Deprecated";
  std::string line = "- `" + a.name + "` (" + flags + ") " + a.description;
  if (a.requires_replace && a.description.find("forces a new") == std::string::npos &&
      a.description.find("Forces") == std::string::npos) {
    line += " Changing this forces a new resource.";
  }
  return line + "\n";
}

struct Group {
  std::vector<std::string> required, optional, read_only;
};

void RenderBlock(const Block& block, const std::string& path, std::string& out, std::string& nested_out);

void AddNested(const NestedBlock& nb, const std::string& path, Group& g, std::string& nested_out) {
  std::string full = path.empty() ? nb.type_name : path + "." + nb.type_name;
  std::string anchor = Anchor("nestedblock", full);
  std::string kind = nb.nesting == Nesting::kSingle || nb.nesting == Nesting::kGroup ? "Block" : "Block List";
  if (nb.nesting == Nesting::kSet) kind = "Block Set";
  if (nb.max_items > 0 && nb.nesting != Nesting::kSingle) kind += ", Max: " + std::to_string(nb.max_items);
  std::string line = "- `" + nb.type_name + "` (" + kind + ") " + nb.block.description;
  if (nb.requires_replace && nb.block.description.find("forces a new") == std::string::npos) {
    line += " Changing this forces a new resource.";
  }
  line += " (see [below for nested schema](#" + anchor + "))\n";
  if (nb.min_items > 0) {
    g.required.push_back(line);
  } else {
    g.optional.push_back(line);
  }
  std::string body;
  std::string deeper;
  RenderBlock(nb.block, full, body, deeper);
  nested_out += "\n<a id=\"" + anchor + "\"></a>\n### Nested Schema for `" + full + "`\n" + body + deeper;
}

void RenderBlock(const Block& block, const std::string& path, std::string& out, std::string& nested_out) {
  Group g;
  for (const auto& a : block.attributes) {
    std::string line = AttributeLine(a);
    if (a.required) {
      g.required.push_back(line);
    } else if (a.optional) {
      g.optional.push_back(line);
    } else {
      g.read_only.push_back(line);
    }
  }
  for (const auto& nb : block.block_types) AddNested(nb, path, g, nested_out);
  const char* heading = path.empty() ? "\n### " : "\n";
  const char* colon = path.empty() ? "\n\n" : ":\n\n";
  auto emit = [&](const char* title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    out += std::string(heading) + title + colon;
    for (const auto& l : lines) out += l;
  };
  emit("Required", g.required);
  emit("Optional", g.optional);
  emit("Read-Only", g.read_only);
}

std::string Fenced(const std::string& lang, const std::string& body) {
  std::string b = body;
  while (!b.empty() && b.back() == '\n') b.pop_back();
  return "```" + lang + "\n" + b + "\n```\n";
}

std::string RenderPage(const std::string& type_name, const std::string& kind_label, const tf::Schema& schema,
                       const std::string& example, const std::string& import_example,
                       const std::string& moved_example, const std::string& provider_name) {
  std::string out;
  out += "---\n";
  out += "page_title: \"" + type_name + " " + kind_label + " - " + provider_name + "\"\n";
  out += "subcategory: \"\"\n";
  out += "description: |-\n  " + FirstSentence(schema.block.description) + "\n";
  out += "---\n\n";
  out += "# " + type_name + " (" + kind_label + ")\n\n";
  out += schema.block.description + "\n";
  if (!example.empty()) out += "\n## Example Usage\n\n" + Fenced("terraform", example);
  out += "\n" + RenderSchemaSection(schema);
  if (!import_example.empty()) {
    out += "\n## Import\n\nImport is supported using the following syntax:\n\n" + Fenced("shell", import_example);
  }
  if (!moved_example.empty()) {
    out += "\n## Moving from another provider\n\nTerraform 1.8 and later can hand an object another provider manages "
           "to this resource with a `moved` block: the object is kept as it is, and when the arguments say what it "
           "is, the plan shows the move and no change. See the "
           "[migration guide](../guides/migrate-from-go-providers.md).\n\n" +
           Fenced("terraform", moved_example);
  }
  return out;
}

std::string ShortName(const std::string& type_name, const std::string& provider_name) {
  std::string prefix = provider_name + "_";
  return type_name.rfind(prefix, 0) == 0 ? type_name.substr(prefix.size()) : type_name;
}

}  // namespace

std::string RenderSchemaSection(const tf::Schema& schema) {
  std::string out = "## Schema\n";
  std::string nested;
  RenderBlock(schema.block, "", out, nested);
  return out + nested;
}

Pages RenderAll(const tf::Provider& provider, const std::string& root, std::string* error) {
  Pages pages;
  const std::string name = provider.TypeName();
  auto example = [&](const std::string& rel) {
    std::string s;
    ReadFile(root + "/examples/" + rel, &s);
    return s;
  };

  // index.md: the hand-written template with the provider schema and example spliced in.
  std::string tmpl;
  if (!ReadFile(root + "/templates/index.md.tmpl", &tmpl)) {
    if (error) *error = "missing template " + root + "/templates/index.md.tmpl";
    return {};
  }
  auto splice = [&](const std::string& marker, const std::string& content) {
    size_t pos = tmpl.find(marker);
    if (pos != std::string::npos) tmpl.replace(pos, marker.size(), content);
  };
  splice("{{example}}", Fenced("terraform", example("provider/provider.tf")));
  splice("{{schema}}", RenderSchemaSection(provider.GetSchema()));
  pages["index.md"] = tmpl;

  for (const auto& r : provider.Resources()) {
    std::string t = r->TypeName();
    pages["resources/" + ShortName(t, name) + ".md"] =
        RenderPage(t, "Resource", r->GetSchema(), example("resources/" + t + "/resource.tf"),
                   example("resources/" + t + "/import.sh"), example("resources/" + t + "/moved.tf"), name);
  }
  for (const auto& e : provider.EphemeralResources()) {
    std::string t = e->TypeName();
    pages["ephemeral-resources/" + ShortName(t, name) + ".md"] =
        RenderPage(t, "Ephemeral Resource", e->GetSchema(),
                   example("ephemeral-resources/" + t + "/ephemeral-resource.tf"), "", "", name);
  }
  for (const auto& d : provider.DataSources()) {
    std::string t = d->TypeName();
    pages["data-sources/" + ShortName(t, name) + ".md"] =
        RenderPage(t, "Data Source", d->GetSchema(), example("data-sources/" + t + "/data-source.tf"), "", "", name);
  }
  return pages;
}

}  // namespace adbjit::docgen
