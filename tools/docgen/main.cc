// adbjit-docgen: writes (or with --check, verifies) the registry pages under docs/.
//   adbjit-docgen <repo root>          regenerate docs/index.md, resources/, ephemeral-resources/, data-sources/
//   adbjit-docgen --check <repo root>  exit 1 and list the pages that differ
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "provider/adbjit_provider.h"
#include "tools/docgen/docgen.h"

int main(int argc, char** argv) {
  bool check = argc > 1 && std::strcmp(argv[1], "--check") == 0;
  if (argc != (check ? 3 : 2)) {
    std::cerr << "usage: adbjit-docgen [--check] <repository root>\n";
    return 2;
  }
  std::string root = argv[check ? 2 : 1];
  std::string error;
  auto pages = adbjit::docgen::RenderAll(*adbjit::NewAdbjitProvider(), root, &error);
  if (!error.empty()) {
    std::cerr << "adbjit-docgen: " << error << "\n";
    return 1;
  }
  int stale = 0;
  for (const auto& [rel, content] : pages) {
    std::filesystem::path path = std::filesystem::path(root) / "docs" / rel;
    if (check) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      if (!in || ss.str() != content) {
        std::cerr << "stale: docs/" << rel << "\n";
        ++stale;
      }
      continue;
    }
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    std::cout << "wrote docs/" << rel << "\n";
  }
  if (stale > 0) std::cerr << stale << " page(s) differ from the schema: run `cmake --build build --target docs`\n";
  return stale > 0 ? 1 : 0;
}
