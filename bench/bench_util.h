// bench_util.h: shared set-up for jve's Google Benchmark suites.
//
// Counting operator new: the suites report "allocs_per_token", the number of
// C++ heap allocations per verified token (jve promises zero). Only operator
// new is counted here, not malloc, so BoringSSL's internal OPENSSL_malloc
// calls do not show (tests/alloc_test.cc counts those). The replacement
// functions must be defined once per executable: exactly one .cc file
// defines JVE_BENCH_DEFINE_COUNTING_NEW before including this header
// (bench_verify.cc does).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "jve/base64url.h"
#include "jve/key_set.h"
#include "jve/policy.h"
#include "jve/verifier.h"
#include "peers/workload.h"
#include "testkit.h"

namespace jve::bench {

// g_new_calls counts every replaced operator new call in the process.
// Relaxed: the benchmarks read it from the thread that allocates.
inline std::atomic<uint64_t> g_new_calls{0};
// t_new_calls counts the calls made by the current thread, so a benchmark
// run with ->Threads(n) reports each thread's own allocations (Google
// Benchmark sums the threads' counters and divides by all iterations).
// Constant-initialised and trivially destructible: safe inside operator new.
inline thread_local uint64_t t_new_calls = 0;

inline uint64_t new_calls() noexcept { return g_new_calls.load(std::memory_order_relaxed); }
inline uint64_t thread_new_calls() noexcept { return t_new_calls; }

// The fixed "now" of every benchmark: tokens and policies never depend on the
// wall clock, so a run is reproducible and never crosses an exp.
inline constexpr int64_t kNow = workload::kNow;

// bench_policy accepts testkit::realistic_payload(kNow) tokens.
inline Policy bench_policy() {
  Policy p;
  p.issuers = {std::string(testkit::kIssuer)};
  p.audiences = {std::string(testkit::kAudience)};
  p.clock = [] { return kNow; };
  return p;
}

// make_verifier loads the public JWKS of |keys| through KeySet::from_jwks,
// the way a service would. Throws when the JWKS does not load or a key is
// left out.
inline std::unique_ptr<Verifier> make_verifier(const std::vector<const testkit::SigningKey*>& keys,
                                               Policy policy = bench_policy()) {
  std::string why;
  Result<KeySet> set = KeySet::from_jwks(testkit::jwks(keys), &why);
  if (!set.ok()) {
    throw std::runtime_error("KeySet::from_jwks: " + std::string(to_string(set.status())) + " " + why);
  }
  if (!set->left_out().empty()) {
    throw std::runtime_error("KeySet::from_jwks left a key out: " + set->left_out()[0].why);
  }
  return std::make_unique<Verifier>(std::move(policy),
                                    std::make_shared<const KeySet>(std::move(*set)));
}

// tamper_char returns |token| with the character at |pos| replaced by another
// base64url character, so the token stays well-formed but its bytes change.
// Avoid the last character of a segment: its unused low bits must be zero.
inline std::string tamper_char(std::string token, size_t pos) {
  token[pos] = token[pos] == 'A' ? 'B' : 'A';
  return token;
}

// set_alloc_counter reports this thread's operator new calls since
// |new_calls_before| (a thread_new_calls() value) per iteration.
inline void set_alloc_counter(benchmark::State& state, uint64_t new_calls_before) {
  state.counters["allocs_per_token"] = benchmark::Counter(
      static_cast<double>(thread_new_calls() - new_calls_before),
      benchmark::Counter::kAvgIterations);
}

inline void set_kernel_label(benchmark::State& state) {
  state.SetLabel(std::string("base64=") + base64url::active_kernel().name);
}

// The payload size of the BM_Verify/<ALG>/large tokens.
inline constexpr size_t kLargePayloadBytes = workload::kLargePayloadBytes;

// One key, its tokens and one verifier per algorithm, built on first use and
// kept for the whole run (RSA key generation is slow, and Google Benchmark
// calls each function several times). Shared by every bench_*.cc file.
struct AlgFixture {
  testkit::SigningKey key;
  std::string token;        // realistic header, ~350-byte payload
  std::string large_token;  // same header, kLargePayloadBytes payload
  std::unique_ptr<Verifier> verifier;
};

inline std::string kid_for(Alg alg) { return workload::kid_for(alg_name(alg)); }

// fixture is thread-safe (benchmarks run with ->Threads(n) call it from
// every thread).
inline const AlgFixture& fixture(Alg alg) {
  static std::mutex mu;
  static std::map<Alg, std::unique_ptr<AlgFixture>> cache;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<AlgFixture>& f = cache[alg];
  if (!f) {
    f = std::make_unique<AlgFixture>();
    f->key = testkit::generate_key(alg, kid_for(alg));
    const std::string header = testkit::header_json(alg, f->key.kid);
    const std::string payload = testkit::realistic_payload(kNow);
    const std::string large = testkit::realistic_payload(kNow, kLargePayloadBytes);
    f->token = testkit::sign(f->key, header, payload);
    f->large_token = testkit::sign(f->key, header, large);
    f->verifier = make_verifier({&f->key});
  }
  return *f;
}

// run_verify times |verifier|.verify(|token|) after checking once that it
// returns ok. Safe under ->Threads(n): each thread has its own Scratch, and a
// thread that skips still passes through the loop (Google Benchmark's start
// and stop barriers). With more than one thread, the counter
// tokens_per_s_wall is each thread's tokens over the wall-clock time from the
// start barrier to the stop barrier, summed over the threads by Google
// Benchmark: the aggregate throughput. (items_per_second divides by the CPU
// time summed over the threads, so with n threads it is the per-thread rate;
// 1 / real_time per iteration is the aggregate too.)
inline void run_verify(benchmark::State& state, const Verifier& verifier, std::string_view token) {
  Scratch scratch;
  Claims claims;
  Status first = verifier.verify(token, scratch, claims);
  if (first != Status::ok) {
    state.SkipWithError(("verify: " + std::string(to_string(first))).c_str());
    for (auto _ : state) {
    }
    return;
  }
  set_kernel_label(state);
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  // end() waits at Google Benchmark's start barrier (benchmark.h: it calls
  // StartKeepRunning, once, as a range-for would), so the wall clock starts
  // when every thread does; the last != waits at the stop barrier, so it
  // stops when the slowest thread is done: iterations / wall is this
  // thread's share of the aggregate throughput.
  auto it = state.begin();
  const auto stop = state.end();
  const auto wall_start = std::chrono::steady_clock::now();
  for (; it != stop; ++it) {
    benchmark::DoNotOptimize(token);
    Status s = verifier.verify(token, scratch, claims);
    benchmark::DoNotOptimize(s);
    failures += s != Status::ok;
    benchmark::DoNotOptimize(claims);
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("verify failed inside the loop");
  if (state.threads() > 1 && wall.count() > 0) {
    state.counters["tokens_per_s_wall"] =
        benchmark::Counter(static_cast<double>(state.iterations()) / wall.count());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * token.size()));
}

// status_error formats a "what: expected X, got Y" message for SkipWithError.
inline std::string status_error(std::string_view what, Status expected, Status got) {
  return std::string(what) + ": expected " + std::string(to_string(expected)) + ", got " +
         std::string(to_string(got));
}

}  // namespace jve::bench

#ifdef JVE_BENCH_DEFINE_COUNTING_NEW
// Replacement allocation functions ([new.delete]): count, then defer to
// malloc. Every form is replaced, so no allocation escapes the count and
// every pointer is freed by the matching allocator.
namespace jve::bench::detail {
inline void* counted_alloc(std::size_t n) {
  g_new_calls.fetch_add(1, std::memory_order_relaxed);
  ++t_new_calls;
  return std::malloc(n ? n : 1);
}
inline void* counted_aligned_alloc(std::size_t n, std::align_val_t al) {
  g_new_calls.fetch_add(1, std::memory_order_relaxed);
  ++t_new_calls;
  const std::size_t a = static_cast<std::size_t>(al) < sizeof(void*) ? sizeof(void*)
                                                                      : static_cast<std::size_t>(al);
  void* p = nullptr;
  return posix_memalign(&p, a, n ? n : 1) == 0 ? p : nullptr;
}
// Out of line so that GCC, after inlining operator delete into a caller, does
// not see free() on a pointer from operator new (-Wmismatched-new-delete).
[[gnu::noinline]] inline void counted_free(void* p) noexcept { std::free(p); }
}  // namespace jve::bench::detail

void* operator new(std::size_t n) {
  if (void* p = jve::bench::detail::counted_alloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = jve::bench::detail::counted_alloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return jve::bench::detail::counted_alloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return jve::bench::detail::counted_alloc(n);
}
void* operator new(std::size_t n, std::align_val_t al) {
  if (void* p = jve::bench::detail::counted_aligned_alloc(n, al)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t al) {
  if (void* p = jve::bench::detail::counted_aligned_alloc(n, al)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return jve::bench::detail::counted_aligned_alloc(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return jve::bench::detail::counted_aligned_alloc(n, al);
}
void operator delete(void* p) noexcept { jve::bench::detail::counted_free(p); }
void operator delete[](void* p) noexcept { jve::bench::detail::counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { jve::bench::detail::counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { jve::bench::detail::counted_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { jve::bench::detail::counted_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { jve::bench::detail::counted_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { jve::bench::detail::counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { jve::bench::detail::counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { jve::bench::detail::counted_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { jve::bench::detail::counted_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { jve::bench::detail::counted_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { jve::bench::detail::counted_free(p); }
#endif  // JVE_BENCH_DEFINE_COUNTING_NEW
