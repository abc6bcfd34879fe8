// ReaderGate: see jve/reader_gate.h for why the two-parity wait is enough.
#include "jve/reader_gate.h"

#include <chrono>
#include <thread>

namespace jve::detail {

namespace {

// Threads get stripes round-robin on first use. Constant-initialised, so
// reading it needs no TLS init guard on every verify.
size_t this_thread_stripe(size_t stripes) noexcept {
  static std::atomic<size_t> next{0};
  thread_local size_t mine = SIZE_MAX;
  if (mine == SIZE_MAX) [[unlikely]] mine = next.fetch_add(1, std::memory_order_relaxed) % stripes;
  return mine;
}

}  // namespace

ReaderGate::Counter* ReaderGate::enter() const noexcept {
  const uint32_t parity = parity_.load(std::memory_order_acquire);
  Counter* counter = &stripes_[this_thread_stripe(kStripes)].readers[parity];
  counter->fetch_add(1, std::memory_order_seq_cst);
  return counter;
}

void ReaderGate::wait_parity(uint32_t parity) const noexcept {
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

void ReaderGate::wait_for_readers() noexcept {
  const uint32_t parity = parity_.load(std::memory_order_relaxed);
  wait_parity(parity ^ 1u);
  parity_.store(parity ^ 1u, std::memory_order_seq_cst);
  wait_parity(parity);
}

}  // namespace jve::detail
