// jve/jwks_url.h: a KeyStore fed from a JWKS URL (an identity provider's
// jwks_uri), fetched with libcurl (GnuTLS flavour) on a background thread.
// Part of the jve_remote library (CMake target jve::remote).
//
//   auto store = std::make_shared<jve::KeyStore>();
//   jve::JwksUrl keys(store, "https://auth.example.com/.well-known/jwks.json");
//   if (!keys.wait_until_loaded(std::chrono::seconds(10)))
//     die(keys.last_error().message);
//   const jve::Verifier verifier(policy, store);   // verifies never wait on a fetch
//
// Behaviour:
// - The first fetch starts at once; later ones every max_age (or a smaller
//   Cache-Control max-age, never below min_refresh).
// - A token whose kid is not in the set makes the store's unknown-kid
//   listener signal the thread, which refetches at most once per cooldown.
// - A failed fetch (network error, timeout, HTTP status other than 200, a
//   body over max_bytes, not JSON, no usable key) keeps the last good set,
//   is reported by last_error() and on_error, and is retried after an
//   exponential backoff: backoff_initial, doubling, capped at backoff_max.
// - Fetches run on the source's own thread. The verify path only ever does
//   one atomic exchange in the listener, plus, at most once per fetch cycle,
//   a non-blocking write that wakes the thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "jve/key_source.h"
#include "jve/key_set.h"
#include "jve/key_store.h"

namespace jve {

// JwksUrlOptions: the periods below are clamped to [10 ms, 1 year], so
// that no value (milliseconds::max() and negative ones included) can make
// the thread spin or overflow its deadlines; non-positive timeouts and a
// zero max_bytes mean the defaults, and timeouts are capped at a year.
struct JwksUrlOptions {
  // Refresh period after a successful fetch.
  std::chrono::milliseconds max_age = std::chrono::minutes(10);
  // Use a smaller Cache-Control max-age (no-cache / no-store count as 0)
  // from the response, but never refresh more often than min_refresh.
  bool honor_cache_control = true;
  std::chrono::milliseconds min_refresh = std::chrono::seconds(30);
  // At most one unknown-kid refetch per cooldown (counted from the start of
  // the previous fetch). While fetches fail, the backoff decides instead.
  std::chrono::milliseconds cooldown = std::chrono::seconds(30);
  bool refetch_on_unknown_kid = true;
  // Timeouts of one fetch: to connect (TCP and TLS), and in total.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
  std::chrono::milliseconds timeout = std::chrono::seconds(5);
  // Bodies larger than this abort the transfer (too_large).
  size_t max_bytes = size_t{1} << 20;
  // Retry delay after the n-th consecutive failure:
  // min(backoff_initial * 2^(n-1), backoff_max), times a random factor in
  // [0.75, 1] when backoff_jitter (so that many instances do not retry in step).
  std::chrono::milliseconds backoff_initial = std::chrono::seconds(1);
  std::chrono::milliseconds backoff_max = std::chrono::minutes(5);
  bool backoff_jitter = true;
  // https:// is required (also for redirects, at most 3 followed), unless
  // allow_http, meant for loopback tests and trusted local networks.
  bool allow_http = false;
  // PEM bundle of trusted CAs; empty: the system's. Peer and host name
  // verification are always on.
  std::string ca_file;
  // Callbacks, on the fetch thread, one at a time, after the store was
  // updated: on_keys after a new set is published, on_error after each
  // failed fetch. WARNING: they must not destroy the JwksUrl; exceptions
  // they throw are swallowed.
  std::function<void(const KeySet& keys)> on_keys;
  std::function<void(const SourceError& error)> on_error;
};

// JwksUrlStats is a snapshot of a JwksUrl's counters.
struct JwksUrlStats {
  uint64_t fetches = 0;       // transfers started
  uint64_t replacements = 0;  // sets published (identical bodies are not re-published)
  uint64_t failures = 0;      // failed fetches, in total
  uint32_t consecutive_failures = 0;
  // The delay chosen after the last failure; zero after a success.
  std::chrono::milliseconds backoff{0};
  // Wall-clock time of the last successful fetch.
  std::optional<std::chrono::system_clock::time_point> last_success;
};

// JwksUrl keeps |store| filled from a JWKS URL. See the file comment.
//
// Thread-safety: every member function may be called from any thread.
class JwksUrl {
 public:
  // The constructor checks the configuration, installs the unknown-kid
  // listener on |store| (replacing any other: create the JwksUrl before
  // verifying threads use the store) and starts the fetch thread; it does
  // not wait for the first fetch (see wait_until_loaded). A refused
  // configuration (plain http without allow_http, a libcurl that is not the
  // GnuTLS flavour, ...) starts no thread: last_error() says why.
  // |store| must not be null.
  JwksUrl(std::shared_ptr<KeyStore> store, std::string url, JwksUrlOptions options = {});
  // The destructor stops the thread promptly, aborting a transfer in
  // progress. The store keeps the last set; its listener becomes a no-op.
  ~JwksUrl();
  JwksUrl(const JwksUrl&) = delete;
  JwksUrl& operator=(const JwksUrl&) = delete;

  // wait_until_loaded blocks until a set from the URL has been published
  // (true) or |timeout| (at most a year; any value is safe) has passed, or
  // the configuration was refused (false; last_error() tells the latest
  // failure). For start-up.
  bool wait_until_loaded(std::chrono::milliseconds timeout) const;

  // refresh_now asks the thread to fetch now, ignoring cooldown and backoff
  // (an operator's "reload"). Returns at once.
  void refresh_now();

  bool loaded() const;
  // last_error: the latest failure; kind none after a success.
  SourceError last_error() const;
  JwksUrlStats stats() const;
  uint64_t fetch_count() const { return stats().fetches; }

  const std::string& url() const noexcept;
  const std::shared_ptr<KeyStore>& store() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jve
