// KeyStore: snapshot publication with reader counters instead of locks.
//
// Correctness in one paragraph. A reader increments counter[parity] of its
// stripe, then loads current_ (both seq_cst). replace() exchanges current_,
// waits for counter[1 - parity] of every stripe to be zero (readers that read
// the parity before the previous flip), flips the parity, then waits for
// counter[old parity] to be zero. A reader still holding the old snapshot
// loaded it before the exchange, so its increment precedes the exchange in
// the seq_cst order, on one of the two counters; seeing that counter at zero
// after the exchange means the reader has decremented it, i.e. is done.
// New readers go to the other parity, so each wait ends after the readers
// already inside finish: readers never wait, writers wait one verify.
#include "jve/key_store.h"

#include <chrono>
#include <thread>

namespace jve {

using detail::KeySnapshot;

namespace {

std::shared_ptr<const KeySet> or_empty(std::shared_ptr<const KeySet> keys) {
  return keys ? std::move(keys) : std::make_shared<const KeySet>();
}

// Threads get stripes round-robin on first use.
size_t this_thread_stripe(size_t stripes) noexcept {
  static std::atomic<size_t> next{0};
  thread_local const size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine % stripes;
}

}  // namespace

KeyStore::KeyStore(std::shared_ptr<const KeySet> initial)
    : current_(new KeySnapshot{or_empty(std::move(initial))}) {}

KeyStore::~KeyStore() { delete current_.load(); }

KeyStore::Reader::Reader(const KeyStore& store) noexcept {
  const uint32_t parity = store.parity_.load(std::memory_order_acquire);
  counter_ = &store.stripes_[this_thread_stripe(kStripes)].readers[parity];
  counter_->fetch_add(1, std::memory_order_seq_cst);
  snapshot_ = store.current_.load(std::memory_order_seq_cst);
}

KeyStore::Reader::~Reader() { counter_->fetch_sub(1, std::memory_order_release); }

std::shared_ptr<const KeySet> KeyStore::snapshot() const {
  Reader reader(*this);
  return reader.snapshot_->keys;
}

void KeyStore::wait_for_readers(uint32_t parity) const noexcept {
  // A reader stays one verify (microseconds; an ES512 verify about 2 ms), so
  // yield first, then sleep a little so a writer does not hog a core that
  // readers need.
  for (Stripe& stripe : stripes_) {
    for (int spins = 0; stripe.readers[parity].load(std::memory_order_seq_cst) != 0; ++spins) {
      if (spins < 64) {
        std::this_thread::yield();
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
    }
  }
}

void KeyStore::replace(std::shared_ptr<const KeySet> next) {
  auto fresh = std::make_unique<KeySnapshot>(KeySnapshot{or_empty(std::move(next))});
  std::lock_guard<std::mutex> lock(writers_);
  const KeySnapshot* old = current_.exchange(fresh.release(), std::memory_order_seq_cst);
  version_.fetch_add(1, std::memory_order_release);
  const uint32_t parity = parity_.load(std::memory_order_relaxed);
  wait_for_readers(parity ^ 1u);
  parity_.store(parity ^ 1u, std::memory_order_seq_cst);
  wait_for_readers(parity);
  delete old;
}

void KeyStore::set_unknown_kid_listener(std::function<void(std::string_view)> listener) {
  unknown_kid_listener_ = std::move(listener);
}

void KeyStore::notify_unknown_kid(std::string_view kid) const noexcept {
  if (!unknown_kid_listener_) return;
  try {
    unknown_kid_listener_(kid);
  } catch (...) {  // a listener's failure must not reach the verify path
  }
}

}  // namespace jve
