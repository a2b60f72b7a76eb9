// The libcurl entry points the clients use, forwarded to libcurl.so.4 loaded on first call
// (see libcurl.h for why). The executable does not export these definitions (it is not linked with
// -rdynamic), so they cannot interpose on libcurl's own calls into itself.
#define CURL_DISABLE_TYPECHECK 1  // the typecheck macros would rename the variadic definitions below
#include "provider/clients/http/libcurl.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <cstdarg>

namespace adbjit::http {
namespace {

constexpr const char* kLibcurl = "libcurl.so.4";

struct Api {
  std::string error;
  CURLcode (*global_init)(long) = nullptr;
  CURL* (*easy_init)() = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  void (*easy_reset)(CURL*) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  CURLSH* (*share_init)() = nullptr;
  CURLSHcode (*share_setopt)(CURLSH*, CURLSHoption, ...) = nullptr;
  CURLSHcode (*share_cleanup)(CURLSH*) = nullptr;
  CURLU* (*url)() = nullptr;
  void (*url_cleanup)(CURLU*) = nullptr;
  CURLUcode (*url_get)(CURLU*, CURLUPart, char**, unsigned int) = nullptr;
  CURLUcode (*url_set)(CURLU*, CURLUPart, const char*, unsigned int) = nullptr;
  void (*free)(void*) = nullptr;
  curl_version_info_data* (*version_info)(CURLversion) = nullptr;

  bool ok() const { return error.empty(); }
};

template <typename Fn>
void Bind(void* lib, Api& api, Fn& fn, const char* name) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (fn == nullptr && api.error.empty()) {
    api.error = std::string("cannot use ") + kLibcurl + ": it has no symbol " + name;
  }
}

Api* Load() {
  auto* api = new Api;
  void* lib = dlopen(kLibcurl, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    api->error = std::string("cannot load ") + kLibcurl + ": " + (why != nullptr ? why : "unknown error");
    return api;
  }
  Bind(lib, *api, api->global_init, "curl_global_init");
  Bind(lib, *api, api->easy_init, "curl_easy_init");
  Bind(lib, *api, api->easy_cleanup, "curl_easy_cleanup");
  Bind(lib, *api, api->easy_reset, "curl_easy_reset");
  Bind(lib, *api, api->easy_perform, "curl_easy_perform");
  Bind(lib, *api, api->easy_setopt, "curl_easy_setopt");
  Bind(lib, *api, api->easy_getinfo, "curl_easy_getinfo");
  Bind(lib, *api, api->easy_strerror, "curl_easy_strerror");
  Bind(lib, *api, api->slist_append, "curl_slist_append");
  Bind(lib, *api, api->slist_free_all, "curl_slist_free_all");
  Bind(lib, *api, api->share_init, "curl_share_init");
  Bind(lib, *api, api->share_setopt, "curl_share_setopt");
  Bind(lib, *api, api->share_cleanup, "curl_share_cleanup");
  Bind(lib, *api, api->url, "curl_url");
  Bind(lib, *api, api->url_cleanup, "curl_url_cleanup");
  Bind(lib, *api, api->url_get, "curl_url_get");
  Bind(lib, *api, api->url_set, "curl_url_set");
  Bind(lib, *api, api->free, "curl_free");
  Bind(lib, *api, api->version_info, "curl_version_info");
  return api;  // never unloaded: handles live until exit
}

// Loaded once, thread-safely; deliberately leaked so that threads still running at exit can use it.
const Api& Lib() {
  static const Api* api = Load();
  return *api;
}

}  // namespace

const std::string& LibcurlLoadError() { return Lib().error; }

std::string LibcurlVersion() {
  const Api& a = Lib();
  if (!a.ok()) return "not loadable (" + a.error + ")";
  const curl_version_info_data* v = a.version_info(CURLVERSION_NOW);
  return v != nullptr && v->version != nullptr ? v->version : "unknown";
}

}  // namespace adbjit::http

using adbjit::http::Lib;

extern "C" {

CURLcode curl_global_init(long flags) {
  const auto& a = Lib();
  return a.ok() ? a.global_init(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init(void) {
  const auto& a = Lib();
  return a.ok() ? a.easy_init() : nullptr;
}

void curl_easy_cleanup(CURL* curl) {
  const auto& a = Lib();
  if (a.ok()) a.easy_cleanup(curl);
}

void curl_easy_reset(CURL* curl) {
  const auto& a = Lib();
  if (a.ok()) a.easy_reset(curl);
}

CURLcode curl_easy_perform(CURL* curl) {
  const auto& a = Lib();
  return a.ok() ? a.easy_perform(curl) : CURLE_FAILED_INIT;
}

// The one argument after `option` has the type its number range names (curl.h, CURLOPTTYPE_*),
// and is forwarded as that type.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  const auto& a = Lib();
  if (!a.ok()) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = a.easy_setopt(curl, option, va_arg(ap, long));
  } else if (option < CURLOPTTYPE_FUNCTIONPOINT) {
    rc = a.easy_setopt(curl, option, va_arg(ap, void*));
  } else if (option < CURLOPTTYPE_OFF_T) {
    rc = a.easy_setopt(curl, option, va_arg(ap, void (*)()));
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = a.easy_setopt(curl, option, va_arg(ap, curl_off_t));
  } else {
    rc = a.easy_setopt(curl, option, va_arg(ap, void*));
  }
  va_end(ap);
  return rc;
}

// Every CURLINFO takes a pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  const auto& a = Lib();
  if (!a.ok()) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, info);
  CURLcode rc = a.easy_getinfo(curl, info, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

const char* curl_easy_strerror(CURLcode code) {
  const auto& a = Lib();
  return a.ok() ? a.easy_strerror(code) : "libcurl is not loaded";
}

curl_slist* curl_slist_append(curl_slist* list, const char* data) {
  const auto& a = Lib();
  return a.ok() ? a.slist_append(list, data) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  const auto& a = Lib();
  if (a.ok()) a.slist_free_all(list);
}

CURLSH* curl_share_init(void) {
  const auto& a = Lib();
  return a.ok() ? a.share_init() : nullptr;
}

// SHARE/UNSHARE take an int (a curl_lock_data), LOCKFUNC/UNLOCKFUNC a function, USERDATA a pointer.
CURLSHcode curl_share_setopt(CURLSH* share, CURLSHoption option, ...) {
  const auto& a = Lib();
  if (!a.ok()) return CURLSHE_NOT_BUILT_IN;
  va_list ap;
  va_start(ap, option);
  CURLSHcode rc;
  switch (option) {
    case CURLSHOPT_SHARE:
    case CURLSHOPT_UNSHARE:
      rc = a.share_setopt(share, option, va_arg(ap, int));
      break;
    case CURLSHOPT_LOCKFUNC:
    case CURLSHOPT_UNLOCKFUNC:
      rc = a.share_setopt(share, option, va_arg(ap, void (*)()));
      break;
    default:
      rc = a.share_setopt(share, option, va_arg(ap, void*));
      break;
  }
  va_end(ap);
  return rc;
}

CURLSHcode curl_share_cleanup(CURLSH* share) {
  const auto& a = Lib();
  return a.ok() ? a.share_cleanup(share) : CURLSHE_INVALID;
}

CURLU* curl_url(void) {
  const auto& a = Lib();
  return a.ok() ? a.url() : nullptr;
}

void curl_url_cleanup(CURLU* handle) {
  const auto& a = Lib();
  if (a.ok()) a.url_cleanup(handle);
}

CURLUcode curl_url_get(CURLU* handle, CURLUPart what, char** part, unsigned int flags) {
  const auto& a = Lib();
  return a.ok() ? a.url_get(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_set(CURLU* handle, CURLUPart what, const char* part, unsigned int flags) {
  const auto& a = Lib();
  return a.ok() ? a.url_set(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

void curl_free(void* p) {
  const auto& a = Lib();
  if (a.ok()) a.free(p);
}

curl_version_info_data* curl_version_info(CURLversion stamp) {
  const auto& a = Lib();
  return a.ok() ? a.version_info(stamp) : nullptr;
}

}  // extern "C"
