// jve/reader_gate.h: the lock-free reader side of a published snapshot,
// shared by KeyStore (keys) and RevocationList (revocation). Not an API of
// its own: detail.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace jve::detail {

// ReaderGate counts the readers of a snapshot pointer so that a writer can
// free the snapshot it replaced once no reader can still hold it.
//
// A reader enter()s (raises a counter), loads the pointer, and leave()s.
// A writer exchanges the pointer (seq_cst), then calls wait_for_readers():
// it waits for the counters of the other parity, flips the parity, and
// waits for the old one. A reader still holding the old snapshot loaded it
// before the exchange, so its raise is visible to the writer, on one of the
// two counters; seeing that counter at zero afterwards means it is done.
// New readers use the other parity, so each wait ends once the readers
// already inside finish: readers never wait. Writers must be serialised by
// the owner (one wait_for_readers at a time).
//
// Two kinds of counter. The first 16 threads that read get one each, of
// their own, raised with plain (relaxed) stores: no locked instruction on
// the verify path. What makes a plain raise visible to the writer is
// membarrier(2): after its exchange the writer has the kernel run a full
// barrier on every thread of the process, so a raise that precedes a load
// of the old pointer is visible before any counter is read. Later threads,
// and every thread where membarrier is unavailable (or under
// ThreadSanitizer, which cannot see it), share 8 counters raised with
// seq_cst read-modify-writes, whose order alone gives the same guarantee.
class ReaderGate {
 public:
  using Counter = std::atomic<int64_t>;
  struct Ticket {
    Counter* counter;
    bool own;  // this thread's own counter: plain stores
  };

  // Lock-free, allocation-free.
  Ticket enter() const noexcept;
  static void leave(Ticket t) noexcept {
    if (t.own) {
      t.counter->store(t.counter->load(std::memory_order_relaxed) - 1, std::memory_order_release);
    } else {
      t.counter->fetch_sub(1, std::memory_order_release);
    }
  }

  // After publishing a new pointer: returns once every reader that entered
  // before the publication has left. False when that cannot be known (the
  // membarrier this process registered now fails): the caller must not free
  // the old snapshot, but hand it to keep_forever.
  [[nodiscard]] bool wait_for_readers() noexcept;
  // Keeps |snapshot| alive until the process ends: a bounded leak (one per
  // replacement while the barrier fails) instead of a use after free.
  static void keep_forever(std::shared_ptr<const void> snapshot);

 private:
  static constexpr size_t kOwn = 16;
  static constexpr size_t kShared = 8;
  struct alignas(64) Stripe {
    Counter readers[2] = {0, 0};
  };
  void wait_parity(uint32_t parity) const noexcept;

  std::atomic<uint32_t> parity_{0};  // which counter of each stripe new readers use
  mutable Stripe own_[kOwn];
  mutable Stripe shared_[kShared];
};

}  // namespace jve::detail
