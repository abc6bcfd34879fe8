// jve/reader_gate.h: the lock-free reader side of a published snapshot,
// shared by KeyStore (keys) and RevocationList (revocation). Not an API of
// its own: detail.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace jve::detail {

// ReaderGate counts the readers of a snapshot pointer so that a writer can
// free the snapshot it replaced once no reader can still hold it.
//
// A reader calls enter() (a seq_cst increment of its stripe's counter),
// loads the pointer (seq_cst), and leave()s when done. A writer exchanges
// the pointer (seq_cst), then calls wait_for_readers(): it waits for the
// counters of the other parity, flips the parity, and waits for the old
// one. A reader still holding the old snapshot loaded it before the
// exchange, so its increment precedes the exchange, on one of the two
// counters; seeing that counter at zero afterwards means it is done. New
// readers use the other parity, so each wait ends once the readers already
// inside finish: readers never wait. Writers must be serialised by the
// owner (one wait_for_readers at a time).
class ReaderGate {
 public:
  using Counter = std::atomic<int64_t>;

  // Lock-free, allocation-free.
  Counter* enter() const noexcept;
  static void leave(Counter* counter) noexcept {
    counter->fetch_sub(1, std::memory_order_release);
  }

  // After publishing a new pointer: returns once every reader that entered
  // before the publication has left.
  void wait_for_readers() noexcept;

 private:
  // Readers spread over a few cache lines by thread, so that threads
  // verifying in parallel do not bounce one counter between their cores.
  static constexpr size_t kStripes = 16;
  struct alignas(64) Stripe {
    Counter readers[2] = {0, 0};
  };
  void wait_parity(uint32_t parity) const noexcept;

  std::atomic<uint32_t> parity_{0};  // which counter of each stripe new readers use
  mutable Stripe stripes_[kStripes];
};

}  // namespace jve::detail
