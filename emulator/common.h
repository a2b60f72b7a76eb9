// Small helpers shared by the emulated services: clocks, randomness, hashing, encodings, replies.
#ifndef ADBJIT_EMULATOR_COMMON_H_
#define ADBJIT_EMULATOR_COMMON_H_

#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <string_view>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace adbjit::emulator {

int64_t NowMs();   // wall clock, epoch milliseconds
int64_t NowSec();  // wall clock, epoch seconds
std::string Rfc3339(int64_t epoch_ms);  // 2024-05-21T14:50:02.123Z
std::string HttpDate(int64_t epoch_ms);  // Tue, 21 May 2024 14:50:02 GMT (RFC 9110 IMF-fixdate)

// Cryptographically random bytes / lowercase hex / [A-Za-z0-9] text.
std::string RandomBytes(size_t n);
std::string RandomHex(size_t chars);
std::string RandomAlnum(size_t chars);
std::string NewGuid();

std::string HexEncode(std::string_view bytes);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string Base64UrlEncode(std::string_view data);                   // no padding
bool Base64UrlDecode(std::string_view in, std::string* out);
std::string Base64Encode(std::string_view data);
bool Base64Decode(std::string_view in, std::string* out);

// ASCII lower case: for names Azure compares without case (resource IDs, Key Vault object names).
std::string Lower(std::string s);

// application/x-www-form-urlencoded (also query strings).
std::string UrlDecode(std::string_view s);
std::map<std::string, std::string> ParseForm(std::string_view body);

// The bearer token of an Authorization header, or "" when absent / not a bearer.
std::string BearerToken(const httplib::Request& req);

// Sets a JSON body (dumped compactly) and status.
void ReplyJson(httplib::Response& res, int status, const nlohmann::json& body);

// Parses a request body (or a token's claims): a discarded value when it is not JSON or nests
// deeper than 64 levels, since copying or printing a deeper value recurses once per level and a
// hostile body could overflow the stack.
nlohmann::json ParseJsonBody(std::string_view text);

// obj[key] when obj is an object holding a string there, else "" (json::value throws on a
// value of another type, which would answer a client's malformed field with a bare 500).
std::string StringField(const nlohmann::json& obj, const char* key);

// Parses an int64 that JSON may carry as a number or as a decimal string.
bool JsonInt64(const nlohmann::json& v, int64_t* out);

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

// A Microsoft.Databricks/workspaces resource ID, matched whole and ignoring case as ARM does;
// groups 1, 2 and 3 are the subscription, the resource group and the workspace name.
const std::regex& WorkspaceResourceIdPattern();

// Opens `path` for writing, created or truncated, readable by its owner only (mode 0600, also when
// it existed with another mode) and never through a symbolic link: the files the emulator writes
// hold credentials (its signing key, a client secret, secret values, a TLS key). -1 on failure.
int OpenOwnerOnly(const std::string& path);
// Writes `content` to `path` through `path`.tmp and a rename, with OpenOwnerOnly's protection.
bool WriteOwnerOnlyFile(const std::string& path, std::string_view content);

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_COMMON_H_
