// jve/key_store.h: the current KeySet of a Verifier, replaceable while
// tokens are being verified (key rotation).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

#include "jve/key_set.h"
#include "jve/reader_gate.h"

namespace jve {

namespace detail {
struct KeySnapshot {  // one published KeySet
  std::shared_ptr<const KeySet> keys;
};
}  // namespace detail

// KeyStore holds the current KeySet snapshot.
//
// Readers (every verify) never take a lock and never wait: a Reader bumps a
// per-thread counter, loads the snapshot pointer, and drops the counter when
// it goes out of scope (detail::ReaderGate, shared with RevocationList). replace() publishes the new set with one atomic
// exchange, then waits until every reader that may still hold the old set
// has finished (a verify: microseconds) and frees it. So a verify in flight
// finishes with the snapshot it started with, the next one sees the new set,
// and the old one is freed once its last reader is done. Writers are
// serialised among themselves; they never make a reader wait.
class KeyStore {
 public:
  explicit KeyStore(std::shared_ptr<const KeySet> initial = std::make_shared<const KeySet>());
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // Reader pins the current snapshot for its scope. Lock-free and
  // allocation-free; keep it short (one verify) since replace() waits for it.
  class Reader {
   public:
    explicit Reader(const KeyStore& store) noexcept;
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    const KeySet& keys() const noexcept { return *snapshot_->keys; }

   private:
    friend class KeyStore;
    detail::ReaderGate::Ticket ticket_;
    const detail::KeySnapshot* snapshot_;
  };

  // snapshot returns a reference-counted copy of the current set, for
  // callers that keep it longer than a verify (listing keys, ...).
  std::shared_ptr<const KeySet> snapshot() const;

  // replace publishes |next| (nullptr: an empty set). Returns once no reader
  // can still see the previous set, which it then frees (or, should the
  // membarrier(2) the readers rely on start failing, keeps until exit).
  void replace(std::shared_ptr<const KeySet> next);

  // Counts replace() calls: lets a key source tell whether its set is in.
  uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }

  // The unknown-kid listener is called on the verifying thread when a token
  // names a kid that the current set has no key or left-out key for, so a
  // key source can refetch (rate-limited on its side). It must return
  // quickly and must not block; exceptions are swallowed. It runs after the
  // verify has released its snapshot, so calling replace() from it cannot
  // deadlock (but costs the verifying thread the wait). Set it before the
  // store is shared with verifying threads.
  void set_unknown_kid_listener(std::function<void(std::string_view kid)> listener);
  void notify_unknown_kid(std::string_view kid) const noexcept;

 private:
  friend class Reader;
  std::atomic<const detail::KeySnapshot*> current_;
  std::atomic<uint64_t> version_{0};
  detail::ReaderGate gate_;
  std::mutex writers_;
  std::function<void(std::string_view)> unknown_kid_listener_;
};

}  // namespace jve
