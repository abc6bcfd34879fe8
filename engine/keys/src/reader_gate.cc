// ReaderGate: see jve/reader_gate.h for why the two-parity wait is enough
// and what membarrier(2) adds.
#include "jve/reader_gate.h"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace jve::detail {

namespace {

#if defined(__SANITIZE_THREAD__)
constexpr bool kMayUseMembarrier = false;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool kMayUseMembarrier = false;
#else
constexpr bool kMayUseMembarrier = true;
#endif
#else
constexpr bool kMayUseMembarrier = true;
#endif

// Registered once per process, before any thread is given its own counter.
bool membarrier_ready() noexcept {
  static const bool ready =
      kMayUseMembarrier &&
      ::syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) == 0;
  return ready;
}

// The expedited barrier needs the registration above; a forked child may
// have to register again. The global one needs none (slower; writes are rare).
// False when none ran (a seccomp policy that allowed the registration and
// now refuses the barrier, say).
bool full_barrier_on_every_thread() noexcept {
  if (::syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) == 0) return true;
  if (::syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) == 0 &&
      ::syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) == 0)
    return true;
  return ::syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0) == 0;
}

// A thread's slot, fixed at its first read: 0-15 its own counter (the same
// index in every gate, never reused), else 16 + a shared stripe.
// Constant-initialised: no TLS init guard on the verify path.
constexpr uint32_t kUnset = UINT32_MAX;
thread_local uint32_t t_slot = kUnset;

uint32_t assign_slot(size_t own, size_t shared) noexcept {
  static std::atomic<uint32_t> next{0};
  const uint32_t n = next.fetch_add(1, std::memory_order_relaxed);
  if (n < own && membarrier_ready()) return n;
  return static_cast<uint32_t>(own + n % shared);
}

}  // namespace

ReaderGate::Ticket ReaderGate::enter() const noexcept {
  uint32_t slot = t_slot;
  if (slot == kUnset) [[unlikely]] slot = t_slot = assign_slot(kOwn, kShared);
  const uint32_t parity = parity_.load(std::memory_order_relaxed);
  if (slot < kOwn) {
    Counter* c = &own_[slot].readers[parity];
    c->store(c->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    // Keeps the compiler from loading the pointer before the raise; the CPU
    // may still, which the writer's membarrier covers.
    std::atomic_signal_fence(std::memory_order_seq_cst);
    return {c, true};
  }
  Counter* c = &shared_[slot - kOwn].readers[parity];
  c->fetch_add(1, std::memory_order_seq_cst);
  return {c, false};
}

void ReaderGate::wait_parity(uint32_t parity) const noexcept {
  // A reader stays one verify (microseconds; an ES512 verify about 2 ms), so
  // yield first, then sleep a little so a writer does not hog a core that
  // readers need.
  auto wait = [parity](const Stripe& stripe) {
    for (int spins = 0; stripe.readers[parity].load(std::memory_order_seq_cst) != 0; ++spins) {
      if (spins < 64) {
        std::this_thread::yield();
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
    }
  };
  for (const Stripe& s : own_) wait(s);
  for (const Stripe& s : shared_) wait(s);
}

bool ReaderGate::wait_for_readers() noexcept {
  // Every reader's raise that preceded a load of the old pointer is visible
  // from here on (own counters; the shared ones are ordered by seq_cst).
  // Without the barrier an own counter's raise may still sit in its CPU's
  // store buffer: the wait below proves nothing, so the caller must keep
  // the old snapshot.
  const bool fenced = !membarrier_ready() || full_barrier_on_every_thread();
  const uint32_t parity = parity_.load(std::memory_order_relaxed);
  wait_parity(parity ^ 1u);
  parity_.store(parity ^ 1u, std::memory_order_seq_cst);
  wait_parity(parity);
  return fenced;
}

void ReaderGate::keep_forever(std::shared_ptr<const void> snapshot) {
  // Held by a vector that is never destroyed: never freed (a reader may
  // still use it), and reachable, so leak checkers do not report it.
  static std::mutex lock;
  static auto* kept = new std::vector<std::shared_ptr<const void>>();
  std::lock_guard<std::mutex> hold(lock);
  kept->push_back(std::move(snapshot));
}

}  // namespace jve::detail
