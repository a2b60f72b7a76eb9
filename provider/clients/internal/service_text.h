// A service's own words in an error (a message, a description), kept short enough that a runaway
// reply cannot flood Terraform's output with one diagnostic per resource.
#ifndef ADBJIT_CLIENTS_INTERNAL_SERVICE_TEXT_H_
#define ADBJIT_CLIENTS_INTERNAL_SERVICE_TEXT_H_

#include <cstddef>
#include <string>

#include "provider/util/ascii.h"
#include "provider/util/log.h"

namespace adbjit::internal {

inline constexpr size_t kMaxServiceText = 500;

// `text` when it is at most kMaxServiceText bytes; else its start, redacted (log::Redact) before
// the cut, which could leave the start of a secret that straddles it, cut at a UTF-8 character
// boundary, and how much was left out: "… (1234 more bytes)".
inline std::string ShortServiceText(std::string text) {
  if (text.size() <= kMaxServiceText) return text;
  text = log::Redact(text);
  if (text.size() <= kMaxServiceText) return text;
  size_t cut = kMaxServiceText;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  const size_t left_out = text.size() - cut;
  text.resize(cut);
  return text + "… (" + std::to_string(left_out) + " more bytes)";
}

// The text of the first <tag ...>…</tag> element of an HTML page ("pre", "title"), trimmed; ""
// when there is none. For the error pages of gateways and proxies, whose words sit there.
inline std::string HtmlElementText(const std::string& page, const std::string& tag) {
  size_t a = page.find("<" + tag);
  if (a == std::string::npos) return "";
  a = page.find('>', a);
  if (a == std::string::npos) return "";
  const size_t b = page.find("</" + tag + ">", a + 1);
  if (b == std::string::npos) return "";
  return AsciiTrim(page.substr(a + 1, b - a - 1));
}

// What an error page says: its <pre> block (where gateways put the message), else its <title>; ""
// when `page` has neither.
inline std::string PageWords(const std::string& page) {
  std::string words = HtmlElementText(page, "pre");
  return words.empty() ? HtmlElementText(page, "title") : words;
}

}  // namespace adbjit::internal

#endif  // ADBJIT_CLIENTS_INTERNAL_SERVICE_TEXT_H_
