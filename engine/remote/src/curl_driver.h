// The curl driver of JwksUrl: libcurl's set-up and the checks that the
// process may use it next to jve's BoringSSL, a multi handle a thread sleeps
// in and other threads wake, and one GET that fills an HttpResponse. It
// knows nothing of JWKS or schedules (remote/jwks_response.h and
// remote/refresh_schedule.h do).
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "jve/jwks_url.h"
#include "jve/key_source.h"
#include "remote/jwks_response.h"

namespace jve::remote {

// prepare_libcurl checks, before any transfer, that the libcurl loaded is
// the GnuTLS flavour and that jve's BoringSSL symbols are not in the global
// scope while OpenSSL's libcrypto is loaded, then runs curl_global_init
// (once per process). False, with a sentence in |why|, when any of these
// fails: the source must then refuse to start.
bool prepare_libcurl(std::string* why);

// without_userinfo returns |url| with "user:password@" replaced by "***@",
// for messages, which end up in logs.
std::string without_userinfo(const std::string& url);

// CurlMulti owns a curl multi handle: the fetch thread sleeps in it between
// and during transfers, and any thread may wake it. Null until open().
class CurlMulti {
 public:
  CurlMulti() = default;
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // open creates the handle (after prepare_libcurl); false when libcurl
  // cannot.
  bool open();
  CURLM* get() const noexcept { return multi_; }
  // wake makes a sleep (or a transfer's poll) on another thread return now.
  // libcurl documents curl_multi_wakeup as callable from any thread; it is
  // a non-blocking write on a socketpair. No-op before open().
  void wake() noexcept;
  // sleep returns after |timeout| (at most a minute, so a lost wake-up costs
  // a minute at worst), on wake(), or on activity of a transfer.
  void sleep(std::chrono::milliseconds timeout) noexcept;

 private:
  CURLM* multi_ = nullptr;
};

// JwksTransfer is one easy handle set up for a JWKS URL. Not thread-safe:
// used by the fetch thread only (and the constructor of JwksUrl before).
class JwksTransfer {
 public:
  JwksTransfer() = default;
  ~JwksTransfer();
  JwksTransfer(const JwksTransfer&) = delete;
  JwksTransfer& operator=(const JwksTransfer&) = delete;

  // configure creates the handle for |url| with |options|: https only
  // unless allow_http (redirects too, at most 3), peer and host
  // verification, ca_file, the timeouts (sources::clamp_timeout: 0 or
  // negative mean the defaults), max_bytes (0: the default). False with
  // |why| when libcurl refuses something.
  bool configure(const std::string& url, const JwksUrlOptions& options, std::string* why);

  // run performs one GET through |multi| until it ends or |stop| is set
  // (checked at every wake-up). Returns kind none when a response arrived
  // (in |out|: its status, its header lines fed to out.cache, the body of a
  // 200), else a network, timeout or too_large error whose message starts
  // with |what|.
  SourceError run(CurlMulti& multi, const std::atomic<bool>& stop, std::string_view what,
                  HttpResponse& out);

  // The limit configure settled on (for messages and tests).
  size_t max_bytes() const noexcept { return max_bytes_; }

 private:
  SourceError error_of(CURLcode rc, std::string_view what) const;
  static size_t on_body(char* data, size_t size, size_t count, void* user);
  static size_t on_header(char* data, size_t size, size_t count, void* user);

  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  char curl_error_[CURL_ERROR_SIZE] = {};
  size_t max_bytes_ = 0;
  HttpResponse* response_ = nullptr;  // during run() only
  bool body_too_large_ = false;
};

}  // namespace jve::remote
