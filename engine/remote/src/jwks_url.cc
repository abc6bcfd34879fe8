// JwksUrl: a JWKS fetched with libcurl on the source's own thread.
//
// Threads. The fetch thread owns the easy handle and drives transfers
// through a multi handle, so that it can sleep in curl_multi_poll() both
// between fetches and during one, and be woken from other threads with
// curl_multi_wakeup(), which libcurl documents as callable from any thread.
// That wake-up is all the verify path ever does (from the store's
// unknown-kid listener, gated by an atomic flag so that it happens at most
// once per fetch cycle): no lock, no allocation, no wait. The destructor
// wakes the thread the same way, which aborts a transfer at once instead of
// waiting for curl's progress callback (called about once a second when
// idle).
#include "jve/jwks_url.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>
#include <utility>

#include "sources/callbacks.h"

namespace jve {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Delays below this would make a misconfigured source spin on the server.
constexpr milliseconds kMinDelay{10};
// Longer ones would overflow steady_clock arithmetic; a year is "never".
constexpr milliseconds kMaxDelay = std::chrono::hours(24 * 365);
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

// without_userinfo hides "user:password@" of a URL in messages, which end
// up in logs.
std::string without_userinfo(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t host = scheme + 3;
  const size_t end = url.find_first_of("/?#", host);
  const size_t at = url.rfind('@', end == std::string::npos ? url.size() : end);
  if (at == std::string::npos || at < host) return url;
  return url.substr(0, host) + "***@" + url.substr(at + 1);
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// cache_control_max_age reads "max-age=N" (RFC 9111 §5.2.2.1) from one
// Cache-Control value; no-cache and no-store count as 0. nullopt when the
// value says neither. Numbers are clamped to a year: the caller takes the
// minimum with max_age anyway.
std::optional<int64_t> cache_control_max_age(std::string_view value) {
  std::optional<int64_t> result;
  auto take = [&](int64_t v) { result = result ? std::min(*result, v) : v; };
  while (!value.empty()) {
    const size_t comma = value.find(',');
    std::string_view directive = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    if (starts_with_icase(directive, "no-store") || starts_with_icase(directive, "no-cache")) {
      take(0);
    } else if (starts_with_icase(directive, "max-age=")) {
      std::string_view digits = directive.substr(8);
      if (digits.size() >= 2 && digits.front() == '"' && digits.back() == '"') {
        digits = digits.substr(1, digits.size() - 2);
      }
      if (digits.empty()) continue;
      int64_t v = 0;
      bool ok = true;
      for (char c : digits) {
        if (c < '0' || c > '9') {
          ok = false;
          break;
        }
        v = std::min<int64_t>(v * 10 + (c - '0'), 365 * 24 * 3600);
      }
      if (ok) take(v);
    }
  }
  return result;
}

using Digest = std::array<uint8_t, SHA256_DIGEST_LENGTH>;

Digest sha256(std::string_view bytes) {
  Digest d{};
  SHA256(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), d.data());
  return d;
}

milliseconds positive_or(milliseconds v, milliseconds fallback) {
  return v.count() > 0 ? v : fallback;
}

// What the store's unknown-kid listener shares with the fetch thread. The
// listener holds it by shared_ptr, so it outlives the JwksUrl when the store
// does; after the JwksUrl is gone the listener finds |stop| set and returns.
struct JwksUrlSignal {
  CURLM* multi = nullptr;
  std::atomic<bool> stop{false};
  std::atomic<bool> kid_pending{false};
  std::atomic<bool> refresh_requested{false};

  JwksUrlSignal() = default;
  JwksUrlSignal(const JwksUrlSignal&) = delete;
  JwksUrlSignal& operator=(const JwksUrlSignal&) = delete;
  ~JwksUrlSignal() {
    if (multi != nullptr) curl_multi_cleanup(multi);
  }

  void wake() noexcept {
    if (multi != nullptr) curl_multi_wakeup(multi);
  }
  // On the verifying thread: one atomic exchange, and only on the first
  // unknown kid since the last fetch, a wake-up (a write on a socketpair).
  void unknown_kid() noexcept {
    if (stop.load(std::memory_order_relaxed)) return;
    if (!kid_pending.exchange(true, std::memory_order_acq_rel)) wake();
  }
};

}  // namespace

struct JwksUrl::Impl {
  Impl(std::shared_ptr<KeyStore> s, std::string u, JwksUrlOptions o)
      : store(std::move(s)), url(std::move(u)), options(std::move(o)) {
    const JwksUrlOptions defaults;
    for (milliseconds* d : {&options.max_age, &options.min_refresh, &options.cooldown,
                            &options.backoff_initial, &options.backoff_max}) {
      *d = std::clamp(*d, kMinDelay, kMaxDelay);
    }
    options.backoff_max = std::max(options.backoff_max, options.backoff_initial);
    // curl reads a zero timeout as "none": that would let a stalled server
    // hold the thread for ever, so non-positive values mean the default.
    options.connect_timeout = positive_or(options.connect_timeout, defaults.connect_timeout);
    options.timeout = positive_or(options.timeout, defaults.timeout);
    if (options.max_bytes == 0) options.max_bytes = defaults.max_bytes;
  }

  const std::shared_ptr<KeyStore> store;
  const std::string url;
  const std::string shown_url = without_userinfo(url);  // for messages
  JwksUrlOptions options;  // normalised in the constructor, then read-only
  std::shared_ptr<JwksUrlSignal> signal = std::make_shared<JwksUrlSignal>();
  std::thread thread;

  // Queryable state.
  mutable std::mutex mu;
  mutable std::condition_variable changed;
  SourceError error;   // guarded by mu
  bool loaded = false;   // guarded by mu
  bool refused = false;  // guarded by mu
  JwksUrlStats stats;    // guarded by mu

  // Fetch-thread state (and the constructor's, before the thread starts).
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  char curl_error[CURL_ERROR_SIZE] = {};
  std::string body;
  bool body_too_large = false;
  std::optional<int64_t> cache_max_age_s;
  std::optional<Digest> published;
  Clock::time_point next_fetch;
  std::optional<Clock::time_point> last_start;
  uint32_t failures_in_row = 0;
  std::mt19937_64 rng{std::random_device{}()};

  struct Outcome {
    SourceError error;
    std::shared_ptr<const KeySet> keys;  // null: same bytes as the published set
  };

  void refuse(std::string message);
  bool configure(std::string* why);
  void run();
  void fetch();
  Outcome transfer();
  Outcome outcome_of(CURLcode rc);
  milliseconds refresh_interval() const;
  milliseconds backoff_after(uint32_t failures);

  static size_t on_body(char* data, size_t size, size_t count, void* user);
  static size_t on_header(char* data, size_t size, size_t count, void* user);
};

void JwksUrl::Impl::refuse(std::string message) {
  std::lock_guard<std::mutex> lock(mu);
  error = SourceError{SourceErrorKind::refused, Status::ok, std::move(message)};
  refused = true;
}

bool JwksUrl::Impl::configure(std::string* why) {
  const char* protocols = options.allow_http ? "http,https" : "https";
  const JwksUrlOptions& o = options;
  headers = curl_slist_append(nullptr, "Accept: application/jwk-set+json, application/json");
  struct Step {
    const char* name;
    CURLcode rc;
  };
  const Step steps[] = {
      {"URL", curl_easy_setopt(easy, CURLOPT_URL, url.c_str())},
      {"PROTOCOLS_STR", curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, protocols)},
      {"REDIR_PROTOCOLS_STR", curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, protocols)},
      {"FOLLOWLOCATION", curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L)},
      {"MAXREDIRS", curl_easy_setopt(easy, CURLOPT_MAXREDIRS, kMaxRedirects)},
      // No signals from a library thread (timeouts would use SIGALRM).
      {"NOSIGNAL", curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L)},
      {"CONNECTTIMEOUT_MS",
       curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()))},
      {"TIMEOUT_MS", curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()))},
      // Refuses a too-big Content-Length before reading the body; bodies of
      // unknown length are cut off by on_body.
      {"MAXFILESIZE_LARGE",
       curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_bytes))},
      {"SSL_VERIFYPEER", curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L)},
      {"SSL_VERIFYHOST", curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L)},
      {"CAINFO", o.ca_file.empty() ? CURLE_OK
                                   : curl_easy_setopt(easy, CURLOPT_CAINFO, o.ca_file.c_str())},
      {"HTTPHEADER", curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers)},
      {"USERAGENT", curl_easy_setopt(easy, CURLOPT_USERAGENT, "jve-jwks")},
      {"WRITEFUNCTION", curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::on_body)},
      {"WRITEDATA", curl_easy_setopt(easy, CURLOPT_WRITEDATA, this)},
      {"HEADERFUNCTION", curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::on_header)},
      {"HEADERDATA", curl_easy_setopt(easy, CURLOPT_HEADERDATA, this)},
      {"ERRORBUFFER", curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error)},
  };
  if (headers == nullptr) {
    *why = "libcurl could not allocate a header list";
    return false;
  }
#if LIBCURL_VERSION_NUM >= 0x075700
  // Removing a transfer that is still resolving a name would otherwise join
  // the resolver thread, i.e. wait for getaddrinfo: the destructor must not.
  // The cost is a resolver thread left to finish on its own.
  if (CURLcode rc = curl_easy_setopt(easy, CURLOPT_QUICK_EXIT, 1L); rc != CURLE_OK) {
    *why = std::string("libcurl refused option CURLOPT_QUICK_EXIT: ") + curl_easy_strerror(rc);
    return false;
  }
#endif
  for (const Step& step : steps) {
    if (step.rc != CURLE_OK) {
      *why = std::string("libcurl refused option CURLOPT_") + step.name + ": " +
             curl_easy_strerror(step.rc);
      return false;
    }
  }
  return true;
}

size_t JwksUrl::Impl::on_body(char* data, size_t size, size_t count, void* user) {
  auto* self = static_cast<Impl*>(user);
  const size_t len = size * count;  // size is 1 (libcurl documents it)
  long code = 0;
  curl_easy_getinfo(self->easy, CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) return len;  // an error page is not kept; the status says enough
  if (len > self->options.max_bytes - self->body.size()) {
    self->body_too_large = true;
    return CURL_WRITEFUNC_ERROR;  // aborts the transfer: CURLE_WRITE_ERROR
  }
  self->body.append(data, len);
  return len;
}

size_t JwksUrl::Impl::on_header(char* data, size_t size, size_t count, void* user) {
  auto* self = static_cast<Impl*>(user);
  const size_t len = size * count;
  const std::string_view line(data, len);
  if (starts_with_icase(line, "http/")) {
    self->cache_max_age_s.reset();  // a new response (after a redirect): forget the last one's
  } else if (starts_with_icase(line, "cache-control:")) {
    if (auto v = cache_control_max_age(line.substr(14))) {
      self->cache_max_age_s = self->cache_max_age_s ? std::min(*self->cache_max_age_s, *v) : *v;
    }
  }
  return len;
}

JwksUrl::Impl::Outcome JwksUrl::Impl::transfer() {
  body.clear();
  body_too_large = false;
  cache_max_age_s.reset();
  curl_error[0] = '\0';
  CURLM* multi = signal->multi;
  if (CURLMcode mc = curl_multi_add_handle(multi, easy); mc != CURLM_OK) {
    return {{SourceErrorKind::network, Status::ok,
             "GET " + shown_url + ": libcurl: " + curl_multi_strerror(mc)},
            nullptr};
  }
  CURLcode rc = CURLE_OK;
  bool done = false;
  std::string multi_failure;
  while (!done && !signal->stop.load(std::memory_order_acquire)) {
    int running = 0;
    CURLMcode mc = curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) {
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
    // curl_multi_wakeup (the destructor; an unknown kid, harmlessly).
    mc = curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    if (mc != CURLM_OK) {
      multi_failure = curl_multi_strerror(mc);
      break;
    }
  }
  curl_multi_remove_handle(multi, easy);
  if (!multi_failure.empty()) {
    return {{SourceErrorKind::network, Status::ok, "GET " + shown_url + ": libcurl: " + multi_failure},
            nullptr};
  }
  if (!done) {  // stopped (destructor) or ended without a result
    return {{SourceErrorKind::network, Status::ok, "GET " + shown_url + ": transfer abandoned"}, nullptr};
  }
  return outcome_of(rc);
}

JwksUrl::Impl::Outcome JwksUrl::Impl::outcome_of(CURLcode rc) {
  const std::string what = "GET " + shown_url + ": ";
  const std::string limit = "max_bytes (" + std::to_string(options.max_bytes) + ")";
  auto failure = [](SourceErrorKind kind, Status s, std::string message) {
    return Outcome{{kind, s, std::move(message)}, nullptr};
  };
  auto curl_text = [&] {
    std::string text = curl_easy_strerror(rc);
    if (curl_error[0] != '\0') text += std::string(": ") + curl_error;
    return text;
  };
  if (rc == CURLE_WRITE_ERROR && body_too_large) {
    return failure(SourceErrorKind::too_large, Status::too_large,
                   what + "the body exceeds " + limit + "; transfer aborted");
  }
  if (rc == CURLE_FILESIZE_EXCEEDED) {
    return failure(SourceErrorKind::too_large, Status::too_large,
                   what + "the announced Content-Length exceeds " + limit);
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return failure(SourceErrorKind::timeout, Status::ok, what + curl_text());
  }
  if (rc != CURLE_OK) return failure(SourceErrorKind::network, Status::ok, what + curl_text());

  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) {
    return failure(SourceErrorKind::http_status, Status::ok,
                   what + "HTTP status " + std::to_string(code) + " (200 expected)");
  }
  const Digest digest = sha256(body);
  if (published == digest) return Outcome{};  // same bytes as the published set
  std::string why;
  Result<std::shared_ptr<const KeySet>> keys = parse_usable_jwks(body, &why);
  if (!keys.ok()) return failure(SourceErrorKind::bad_jwks, keys.status(), what + why);
  published = digest;
  return Outcome{SourceError{}, std::move(*keys)};
}

milliseconds JwksUrl::Impl::refresh_interval() const {
  milliseconds interval = options.max_age;
  if (options.honor_cache_control && cache_max_age_s) {
    const milliseconds advertised = std::chrono::seconds(*cache_max_age_s);
    // A server may ask for sooner refreshes than max_age, not for a storm.
    if (advertised < interval) interval = std::max(advertised, std::min(options.min_refresh, interval));
  }
  return interval;
}

milliseconds JwksUrl::Impl::backoff_after(uint32_t failures) {
  milliseconds delay = options.backoff_initial;
  for (uint32_t i = 1; i < failures && delay < options.backoff_max; ++i) {
    delay = delay > options.backoff_max / 2 ? options.backoff_max : delay * 2;  // no overflow
  }
  delay = std::min(delay, options.backoff_max);
  if (options.backoff_jitter) {
    std::uniform_real_distribution<double> factor(0.75, 1.0);
    delay = milliseconds(static_cast<int64_t>(static_cast<double>(delay.count()) * factor(rng)));
  }
  return std::max(delay, kMinDelay);
}

void JwksUrl::Impl::fetch() {
  signal->refresh_requested.store(false, std::memory_order_relaxed);
  last_start = Clock::now();
  {
    std::lock_guard<std::mutex> lock(mu);
    ++stats.fetches;
  }
  Outcome out = transfer();
  if (signal->stop.load(std::memory_order_acquire)) return;
  // The set just fetched is the answer to every unknown kid seen so far; a
  // kid still unknown sets the flag again on its next token.
  signal->kid_pending.store(false, std::memory_order_release);

  if (out.error.ok()) {
    if (out.keys) store->replace(out.keys);
    failures_in_row = 0;
    next_fetch = Clock::now() + refresh_interval();
    {
      std::lock_guard<std::mutex> lock(mu);
      if (out.keys) ++stats.replacements;
      stats.consecutive_failures = 0;
      stats.backoff = milliseconds(0);
      stats.last_success = std::chrono::system_clock::now();
      error = SourceError{};
      loaded = true;
    }
    changed.notify_all();
    if (out.keys) sources::call_quietly(options.on_keys, *out.keys);
    return;
  }
  ++failures_in_row;
  const milliseconds backoff = backoff_after(failures_in_row);
  next_fetch = Clock::now() + backoff;
  {
    std::lock_guard<std::mutex> lock(mu);
    ++stats.failures;
    stats.consecutive_failures = failures_in_row;
    stats.backoff = backoff;
    error = out.error;
  }
  changed.notify_all();
  sources::call_quietly(options.on_error, out.error);
}

void JwksUrl::Impl::run() {
  next_fetch = Clock::now();
  while (!signal->stop.load(std::memory_order_acquire)) {
    const Clock::time_point now = Clock::now();
    Clock::time_point due = next_fetch;
    if (signal->refresh_requested.load(std::memory_order_acquire)) {
      due = now;
    } else if (failures_in_row == 0 && last_start &&
               signal->kid_pending.load(std::memory_order_acquire)) {
      // While fetches fail, the backoff alone decides: unknown kids must
      // not turn a struggling server into a hammered one.
      due = std::min(due, *last_start + options.cooldown);
    }
    if (now >= due) {
      fetch();
      continue;
    }
    const auto wait = std::chrono::ceil<milliseconds>(due - now);
    curl_multi_poll(signal->multi, nullptr, 0,
                    static_cast<int>(std::min<int64_t>(wait.count(), 60'000)), nullptr);
  }
}

JwksUrl::JwksUrl(std::shared_ptr<KeyStore> store, std::string url, JwksUrlOptions options)
    : impl_(std::make_unique<Impl>(store ? std::move(store) : std::make_shared<KeyStore>(),
                                   std::move(url), std::move(options))) {
  Impl& m = *impl_;
  std::string why;
  const bool https = starts_with_icase(m.url, "https://");
  if (!https && !(m.options.allow_http && starts_with_icase(m.url, "http://"))) {
    m.refuse("JWKS URL " + m.shown_url + " is refused: https:// is required" +
             (m.options.allow_http ? " (or http://)" : " (allow_http permits http://)"));
    return;
  }
  // Before curl_global_init, which runs libssh2's (so OpenSSL's) set-up.
  if (!curl_uses_gnutls(&why) || !boringssl_isolated(&why)) {
    m.refuse(std::move(why));
    return;
  }
  if (CURLcode rc = global_init(); rc != CURLE_OK) {
    m.refuse(std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
    return;
  }
  m.signal->multi = curl_multi_init();
  m.easy = curl_easy_init();
  if (m.signal->multi == nullptr || m.easy == nullptr) {
    m.refuse("libcurl could not create its handles");
    return;
  }
  if (!m.configure(&why)) {
    m.refuse(std::move(why));
    return;
  }
  if (m.options.refetch_on_unknown_kid) {
    m.store->set_unknown_kid_listener(
        [signal = m.signal](std::string_view) noexcept { signal->unknown_kid(); });
  }
  m.thread = std::thread([&m] { m.run(); });
}

JwksUrl::~JwksUrl() {
  Impl& m = *impl_;
  if (m.thread.joinable()) {
    m.signal->stop.store(true, std::memory_order_release);
    m.signal->wake();
    m.thread.join();
  }
  if (m.easy != nullptr) curl_easy_cleanup(m.easy);
  curl_slist_free_all(m.headers);
  // m.signal (and its multi handle) lives on while the store's listener
  // holds it; the listener sees |stop| and does nothing.
  m.signal->stop.store(true, std::memory_order_release);
}

bool JwksUrl::wait_until_loaded(milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->changed.wait_for(lock, timeout, [this] { return impl_->loaded || impl_->refused; });
  return impl_->loaded;
}

void JwksUrl::refresh_now() {
  impl_->signal->refresh_requested.store(true, std::memory_order_release);
  impl_->signal->wake();
}

bool JwksUrl::loaded() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->loaded;
}

SourceError JwksUrl::last_error() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->error;
}

JwksUrlStats JwksUrl::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->stats;
}

const std::string& JwksUrl::url() const noexcept { return impl_->url; }
const std::shared_ptr<KeyStore>& JwksUrl::store() const noexcept { return impl_->store; }

}  // namespace jve
