// Generates (or reuses) a local CA and a server certificate for 127.0.0.1 / localhost.
#ifndef ADBJIT_EMULATOR_TLS_H_
#define ADBJIT_EMULATOR_TLS_H_

#include <string>

namespace adbjit::emulator {

struct TlsFiles {
  std::string ca_pem;      // <dir>/ca.pem
  std::string cert_pem;    // <dir>/server.pem
  std::string key_pem;     // <dir>/server-key.pem
};

// Reuses the three files when they exist in `dir` (so a CA trusted by a CI job stays valid across
// restarts), otherwise creates them (EC P-256; CA valid 10 years, server certificate 1 year).
bool EnsureTlsFiles(const std::string& dir, TlsFiles* files, std::string* error);

}  // namespace adbjit::emulator

#endif  // ADBJIT_EMULATOR_TLS_H_
