// libcurl is loaded on first use (dlopen "libcurl.so.4"), not linked.
//
// Why: Terraform starts the provider several times per command, and most of those processes only
// serve the schema or validate configuration; they never send an HTTP request. Debian's libcurl
// brings ~28 shared libraries (GnuTLS, Kerberos, LDAP, SSH, RTMP, IDN, ...) whose mapping and
// relocation were about 14 ms of a ~34 ms start-up. libcurl.cc defines the handful of libcurl
// entry points the clients call (same names and signatures as <curl/curl.h>) and forwards them to
// the library loaded the first time any of them is called, so the callers are plain libcurl code.
//
// If the library cannot be loaded, the forwarding functions fail the way libcurl reports a
// failure (NULL handles, CURLE_FAILED_INIT, CURLUE_OUT_OF_MEMORY, ...) and LibcurlLoadError() says why.
// The release zip bundles libcurl.so.4 and its non-base dependencies beside the executable; the
// executable's DT_RPATH $ORIGIN applies to dlopen too (cmake/MakeReleaseZip.cmake).
#ifndef ADBJIT_PROVIDER_CLIENTS_HTTP_LIBCURL_H_
#define ADBJIT_PROVIDER_CLIENTS_HTTP_LIBCURL_H_

#include <string>

namespace adbjit::http {

// Loads libcurl if it is not loaded yet. Empty when it is usable, else a sentence naming the
// library and the loader's reason (e.g. "cannot load libcurl.so.4: libcurl.so.4: cannot open
// shared object file: No such file or directory").
const std::string& LibcurlLoadError();

// The version of the loaded libcurl (e.g. "7.88.1"), or "not loadable (<reason>)".
std::string LibcurlVersion();

}  // namespace adbjit::http

#endif  // ADBJIT_PROVIDER_CLIENTS_HTTP_LIBCURL_H_
