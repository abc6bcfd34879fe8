// JwksUrl: a JWKS fetched on the source's own thread. It composes the curl
// driver (curl_driver.h: libcurl checks, the transfer), the response's
// verdict (remote/jwks_response.h: status, Cache-Control, the usable-JWKS rule)
// and the refresh schedule (remote/refresh_schedule.h: max_age, cooldown,
// backoff), and owns the thread, the published state and the callbacks.
//
// Threads. The fetch thread owns the easy handle and sleeps in the multi
// handle (CurlMulti) between and during fetches. Waking it is all the verify
// path ever does (from the store's unknown-kid listener, gated by an atomic
// flag so that it happens at most once per fetch cycle): no lock, no
// allocation, no wait.
#include "jve/jwks_url.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>
#include <utility>

#include "curl_driver.h"
#include "remote/http_cache.h"
#include "remote/refresh_schedule.h"
#include "remote/jwks_response.h"
#include "sources/callbacks.h"
#include "sources/periods.h"
#include "sources/thread_name.h"

namespace jve {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What the store's unknown-kid listener shares with the fetch thread. The
// listener holds it by shared_ptr, so it outlives the JwksUrl when the store
// does; after the JwksUrl is gone the listener finds |stop| set and returns.
struct JwksUrlSignal {
  remote::CurlMulti multi;
  std::atomic<bool> stop{false};
  std::atomic<bool> kid_pending{false};
  std::atomic<bool> refresh_requested{false};

  // On the verifying thread: one atomic exchange, and only on the first
  // unknown kid since the last fetch, a wake-up.
  void unknown_kid() noexcept {
    if (stop.load(std::memory_order_relaxed)) return;
    if (!kid_pending.exchange(true, std::memory_order_acq_rel)) multi.wake();
  }
};

}  // namespace

struct JwksUrl::Impl {
  Impl(std::shared_ptr<KeyStore> s, std::string u, JwksUrlOptions o)
      : store(std::move(s)), url(std::move(u)), options(std::move(o)) {}

  const std::shared_ptr<KeyStore> store;
  const std::string url;
  const std::string shown_url = remote::without_userinfo(url);  // for messages
  const JwksUrlOptions options;  // as given; the driver and the schedule clamp their own
  std::shared_ptr<JwksUrlSignal> signal = std::make_shared<JwksUrlSignal>();
  std::thread thread;

  // Queryable state.
  mutable std::mutex mu;
  mutable std::condition_variable changed;
  SourceError error;     // guarded by mu
  bool loaded = false;   // guarded by mu
  bool refused = false;  // guarded by mu
  JwksUrlStats stats;    // guarded by mu

  // Fetch-thread state (and the constructor's, before the thread starts).
  remote::JwksTransfer transfer;
  std::optional<remote::Digest> published;
  // Drawn here, not on the thread: random_device may throw, and an
  // exception must reach the constructor's caller, not terminate the thread.
  const uint64_t jitter_seed = std::random_device{}();

  void refuse(std::string message);
  void run();
  void fetch(remote::RefreshSchedule& schedule);
};

void JwksUrl::Impl::refuse(std::string message) {
  std::lock_guard<std::mutex> lock(mu);
  error = SourceError{SourceErrorKind::refused, Status::ok, std::move(message)};
  refused = true;
}

void JwksUrl::Impl::fetch(remote::RefreshSchedule& schedule) {
  signal->refresh_requested.store(false, std::memory_order_relaxed);
  schedule.started(Clock::now());
  {
    std::lock_guard<std::mutex> lock(mu);
    ++stats.fetches;
  }
  const std::string what = "GET " + shown_url + ": ";
  remote::HttpResponse response;
  SourceError failure = transfer.run(signal->multi, signal->stop, what, response);
  if (signal->stop.load(std::memory_order_acquire)) return;
  // The set just fetched is the answer to every unknown kid seen so far; a
  // kid still unknown sets the flag again on its next token.
  signal->kid_pending.store(false, std::memory_order_release);

  remote::ResponseVerdict verdict;
  if (failure.ok()) {
    verdict = remote::judge_response(response, what, published);
    failure = std::move(verdict.error);
  }
  if (failure.ok()) {
    if (verdict.keys) {
      published = verdict.digest;
      store->replace(verdict.keys);
    }
    schedule.succeeded(Clock::now(), verdict.cache_max_age_s);
    {
      std::lock_guard<std::mutex> lock(mu);
      if (verdict.keys) ++stats.replacements;
      stats.consecutive_failures = 0;
      stats.backoff = milliseconds(0);
      stats.last_success = std::chrono::system_clock::now();
      error = SourceError{};
      loaded = true;
    }
    changed.notify_all();
    if (verdict.keys) sources::call_quietly(options.on_keys, *verdict.keys);
    return;
  }
  const milliseconds backoff = schedule.failed(Clock::now());
  {
    std::lock_guard<std::mutex> lock(mu);
    ++stats.failures;
    stats.consecutive_failures = schedule.failures_in_row();
    stats.backoff = backoff;
    error = failure;
  }
  changed.notify_all();
  sources::call_quietly(options.on_error, failure);
}

void JwksUrl::Impl::run() {
  remote::RefreshSchedule schedule(remote::schedule_options(options), Clock::now(), jitter_seed);
  while (!signal->stop.load(std::memory_order_acquire)) {
    const Clock::time_point now = Clock::now();
    const Clock::time_point due = schedule.due(now, signal->kid_pending.load(std::memory_order_acquire),
                                               signal->refresh_requested.load(std::memory_order_acquire));
    if (now >= due) {
      fetch(schedule);
      continue;
    }
    signal->multi.sleep(std::chrono::ceil<milliseconds>(due - now));
  }
}

JwksUrl::JwksUrl(std::shared_ptr<KeyStore> store, std::string url, JwksUrlOptions options)
    : impl_(std::make_unique<Impl>(store ? std::move(store) : std::make_shared<KeyStore>(),
                                   std::move(url), std::move(options))) {
  Impl& m = *impl_;
  std::string why;
  const bool https = remote::starts_with_icase(m.url, "https://");
  if (!https && !(m.options.allow_http && remote::starts_with_icase(m.url, "http://"))) {
    m.refuse("JWKS URL " + m.shown_url + " is refused: https:// is required" +
             (m.options.allow_http ? " (or http://)" : " (allow_http permits http://)"));
    return;
  }
  if (!remote::prepare_libcurl(&why)) {
    m.refuse(std::move(why));
    return;
  }
  if (!m.signal->multi.open()) {
    m.refuse("libcurl could not create its handles");
    return;
  }
  if (!m.transfer.configure(m.url, m.options, &why)) {
    m.refuse(std::move(why));
    return;
  }
  if (m.options.refetch_on_unknown_kid) {
    m.store->set_unknown_kid_listener(
        [signal = m.signal](std::string_view) noexcept { signal->unknown_kid(); });
  }
  m.thread = std::thread([&m] {
    sources::name_this_thread(sources::kJwksUrlThread);
    m.run();
  });
}

JwksUrl::~JwksUrl() {
  Impl& m = *impl_;
  if (m.thread.joinable()) {
    m.signal->stop.store(true, std::memory_order_release);
    m.signal->multi.wake();
    m.thread.join();
  }
  // m.signal (and its multi handle) lives on while the store's listener
  // holds it; the listener sees |stop| and does nothing. The easy handle
  // goes with m.transfer.
  m.signal->stop.store(true, std::memory_order_release);
}

bool JwksUrl::wait_until_loaded(milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->mu);
  // Clamped: converting milliseconds::min() or max() to the clock's
  // nanoseconds overflows (max() would land in the past).
  impl_->changed.wait_for(lock, std::clamp(timeout, std::chrono::milliseconds(0), sources::kMaxPeriod),
                          [this] { return impl_->loaded || impl_->refused; });
  return impl_->loaded;
}

void JwksUrl::refresh_now() {
  impl_->signal->refresh_requested.store(true, std::memory_order_release);
  impl_->signal->multi.wake();
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
