// The curl driver of JwksUrl (curl_driver.h).
//
// Transfers run through a multi handle, so that the fetch thread can sleep
// in curl_multi_poll() both between fetches and during one, and be woken
// from other threads with curl_multi_wakeup(). The destructor of JwksUrl
// wakes the thread that way, which aborts a transfer at once instead of
// waiting for curl's progress callback (called about once a second when
// idle).
#include "curl_driver.h"

#include <dlfcn.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "sources/periods.h"

namespace jve::remote {

namespace {

constexpr long kMaxRedirects = 3;

// curl_global_init is thread-safe from 7.84 on (CURL_VERSION_THREADSAFE);
// the function-local static also makes it run once for older ones. There is
// no curl_global_cleanup: other code in the process may still use libcurl.
CURLcode global_init() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  return rc;
}

// The build refuses the OpenSSL flavour (engine/remote/gnutls_curl.cmake);
// this checks the library actually loaded, since libcurl.so.4 may be
// swapped underneath (LD_LIBRARY_PATH, a different distribution).
bool curl_uses_gnutls(std::string* why) {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  const char* tls = info != nullptr && info->ssl_version != nullptr ? info->ssl_version : "";
  if (std::strncmp(tls, "GnuTLS/", 7) == 0) return true;
  *why = std::string("libcurl ") + (info != nullptr ? info->version : "?") +
         " uses the TLS library \"" + tls +
         "\", not GnuTLS; OpenSSL's libcrypto exports the same symbols as the "
         "BoringSSL inside jve and must not be loaded with it (install libcurl4-gnutls-dev)";
  return false;
}

// Debian's GnuTLS libcurl loads OpenSSL's libcrypto anyway (through
// libssh2). That is safe only while our BoringSSL's symbols stay out of the
// process's global scope; otherwise libcrypto.so binds its own internal
// calls to BoringSSL's functions of the same names. jve_remote's link option
// (--exclude-libs) sees to that for executables that link BoringSSL
// statically; this catches the other cases (a shared BoringSSL, a link that
// dropped the option): if SHA256 in the global scope is ours while an
// OpenSSL libcrypto is loaded, refuse.
bool boringssl_isolated(std::string* why) {
  void* openssl = nullptr;
  for (const char* soname : {"libcrypto.so.3", "libcrypto.so.1.1"}) {
    openssl = dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);
    if (openssl != nullptr) break;
  }
  if (openssl == nullptr) return true;
  dlclose(openssl);
  if (dlsym(RTLD_DEFAULT, "SHA256") != reinterpret_cast<void*>(&SHA256)) return true;
  *why = "OpenSSL's libcrypto is loaded (libcurl's libssh2 needs it) and this program exports "
         "jve's BoringSSL symbols, so the two would bind to each other's functions; link "
         "BoringSSL statically and with -Wl,--exclude-libs (jve::remote's CMake target adds it)";
  return false;
}

SourceError network_error(std::string_view what, std::string_view text) {
  return {SourceErrorKind::network, Status::ok, std::string(what) + std::string(text)};
}

}  // namespace

bool prepare_libcurl(std::string* why) {
  // The two checks come before curl_global_init, which runs libssh2's (so
  // OpenSSL's) set-up.
  if (!curl_uses_gnutls(why) || !boringssl_isolated(why)) return false;
  if (CURLcode rc = global_init(); rc != CURLE_OK) {
    *why = std::string("curl_global_init failed: ") + curl_easy_strerror(rc);
    return false;
  }
  return true;
}

std::string without_userinfo(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t host = scheme + 3;
  const size_t end = url.find_first_of("/?#", host);
  const size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < host) return url;
  return url.substr(0, host) + "***@" + url.substr(at + 1);
}

// ---- CurlMulti ----

CurlMulti::~CurlMulti() {
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
}

bool CurlMulti::open() {
  if (multi_ == nullptr) multi_ = curl_multi_init();
  return multi_ != nullptr;
}

void CurlMulti::wake() noexcept {
  if (multi_ != nullptr) curl_multi_wakeup(multi_);
}

void CurlMulti::sleep(std::chrono::milliseconds timeout) noexcept {
  const int ms = static_cast<int>(std::clamp<int64_t>(timeout.count(), 0, 60'000));
  curl_multi_poll(multi_, nullptr, 0, ms, nullptr);
}

// ---- JwksTransfer ----

JwksTransfer::~JwksTransfer() {
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
  curl_slist_free_all(headers_);
}

bool JwksTransfer::configure(const std::string& url, const JwksUrlOptions& o, std::string* why) {
  const JwksUrlOptions defaults;
  max_bytes_ = o.max_bytes != 0 ? o.max_bytes : defaults.max_bytes;
  const auto connect_timeout = sources::clamp_timeout(o.connect_timeout, defaults.connect_timeout);
  const auto timeout = sources::clamp_timeout(o.timeout, defaults.timeout);
  easy_ = curl_easy_init();
  if (easy_ == nullptr) {
    *why = "libcurl could not create its handles";
    return false;
  }
  const char* protocols = o.allow_http ? "http,https" : "https";
  headers_ = curl_slist_append(nullptr, "Accept: application/jwk-set+json, application/json");
  struct Step {
    const char* name;
    CURLcode rc;
  };
  const Step steps[] = {
      {"URL", curl_easy_setopt(easy_, CURLOPT_URL, url.c_str())},
      {"PROTOCOLS_STR", curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, protocols)},
      {"REDIR_PROTOCOLS_STR", curl_easy_setopt(easy_, CURLOPT_REDIR_PROTOCOLS_STR, protocols)},
      {"FOLLOWLOCATION", curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 1L)},
      {"MAXREDIRS", curl_easy_setopt(easy_, CURLOPT_MAXREDIRS, kMaxRedirects)},
      // No signals from a library thread (timeouts would use SIGALRM).
      {"NOSIGNAL", curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L)},
      {"CONNECTTIMEOUT_MS",
       curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()))},
      {"TIMEOUT_MS", curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()))},
      // Refuses a too-big Content-Length before reading the body; bodies of
      // unknown length are cut off by on_body.
      {"MAXFILESIZE_LARGE",
       curl_easy_setopt(easy_, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes_))},
      {"SSL_VERIFYPEER", curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, 1L)},
      {"SSL_VERIFYHOST", curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, 2L)},
      {"CAINFO", o.ca_file.empty() ? CURLE_OK : curl_easy_setopt(easy_, CURLOPT_CAINFO, o.ca_file.c_str())},
      {"HTTPHEADER", curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_)},
      {"USERAGENT", curl_easy_setopt(easy_, CURLOPT_USERAGENT, "jve-jwks")},
      {"WRITEFUNCTION", curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &JwksTransfer::on_body)},
      {"WRITEDATA", curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this)},
      {"HEADERFUNCTION", curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &JwksTransfer::on_header)},
      {"HEADERDATA", curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this)},
      {"ERRORBUFFER", curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, curl_error_)},
  };
  if (headers_ == nullptr) {
    *why = "libcurl could not allocate a header list";
    return false;
  }
#if LIBCURL_VERSION_NUM >= 0x075700
  // Removing a transfer that is still resolving a name would otherwise join
  // the resolver thread, i.e. wait for getaddrinfo: the destructor must not.
  // The cost is a resolver thread left to finish on its own.
  if (CURLcode rc = curl_easy_setopt(easy_, CURLOPT_QUICK_EXIT, 1L); rc != CURLE_OK) {
    *why = std::string("libcurl refused option CURLOPT_QUICK_EXIT: ") + curl_easy_strerror(rc);
    return false;
  }
#endif
  for (const Step& step : steps) {
    if (step.rc != CURLE_OK) {
      *why = std::string("libcurl refused option CURLOPT_") + step.name + ": " + curl_easy_strerror(step.rc);
      return false;
    }
  }
  return true;
}

size_t JwksTransfer::on_body(char* data, size_t size, size_t count, void* user) {
  auto* self = static_cast<JwksTransfer*>(user);
  const size_t len = size * count;  // size is 1 (libcurl documents it)
  long code = 0;
  curl_easy_getinfo(self->easy_, CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) return len;  // an error page is not kept; the status says enough
  if (!self->response_->append_body(std::string_view(data, len), self->max_bytes_)) {
    self->body_too_large_ = true;
    return CURL_WRITEFUNC_ERROR;  // aborts the transfer: CURLE_WRITE_ERROR
  }
  return len;
}

size_t JwksTransfer::on_header(char* data, size_t size, size_t count, void* user) {
  auto* self = static_cast<JwksTransfer*>(user);
  const size_t len = size * count;
  self->response_->cache.header_line(std::string_view(data, len));
  return len;
}

SourceError JwksTransfer::run(CurlMulti& multi, const std::atomic<bool>& stop, std::string_view what,
                              HttpResponse& out) {
  out = HttpResponse{};
  response_ = &out;
  body_too_large_ = false;
  curl_error_[0] = '\0';
  if (CURLMcode mc = curl_multi_add_handle(multi.get(), easy_); mc != CURLM_OK) {
    response_ = nullptr;
    return network_error(what, std::string("libcurl: ") + curl_multi_strerror(mc));
  }
  CURLcode rc = CURLE_OK;
  bool done = false;
  std::string multi_failure;
  while (!done && !stop.load(std::memory_order_acquire)) {
    int running = 0;
    CURLMcode mc = curl_multi_perform(multi.get(), &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy_) {
        rc = msg->data.result;
        done = true;
      }
    }
    if (mc != CURLM_OK) {
      multi_failure = curl_multi_strerror(mc);
      break;
    }
    if (done || running == 0) break;
    // Wakes up on socket activity, curl's own timers (the timeouts), or
    // CurlMulti::wake (the destructor; an unknown kid, harmlessly).
    mc = curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
    if (mc != CURLM_OK) {
      multi_failure = curl_multi_strerror(mc);
      break;
    }
  }
  curl_multi_remove_handle(multi.get(), easy_);
  response_ = nullptr;
  if (!multi_failure.empty()) return network_error(what, "libcurl: " + multi_failure);
  if (!done) return network_error(what, "transfer abandoned");  // stopped, or ended without a result
  SourceError error = error_of(rc, what);
  if (error.ok()) curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &out.status);
  return error;
}

SourceError JwksTransfer::error_of(CURLcode rc, std::string_view what) const {
  const std::string limit = "max_bytes (" + std::to_string(max_bytes_) + ")";
  auto curl_text = [&] {
    std::string text = curl_easy_strerror(rc);
    if (curl_error_[0] != '\0') text += std::string(": ") + curl_error_;
    return text;
  };
  if (rc == CURLE_WRITE_ERROR && body_too_large_) {
    return {SourceErrorKind::too_large, Status::too_large,
            std::string(what) + "the body exceeds " + limit + "; transfer aborted"};
  }
  if (rc == CURLE_FILESIZE_EXCEEDED) {
    return {SourceErrorKind::too_large, Status::too_large,
            std::string(what) + "the announced Content-Length exceeds " + limit};
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return {SourceErrorKind::timeout, Status::ok, std::string(what) + curl_text()};
  }
  if (rc != CURLE_OK) return network_error(what, curl_text());
  return {};
}

}  // namespace jve::remote
