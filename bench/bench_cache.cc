// bench_cache.cc: the verified-token cache (jve/cache.h, issue 14).
//
//   BM_Verify/<ALG>/cached      the realistic token, every verify a hit.
//   BM_Verify/<ALG>/cache_miss  kMissTokens distinct tokens in turn through a
//                               16-entry cache: every verify a miss and an
//                               insert (each token is evicted long before it
//                               comes back).
//   BM_Verify/<ALG>/cache_miss_filtered  the same with admit_on_second_verify:
//                               a miss that inserts nothing (each token's hash
//                               has left the Scratch's filter before it
//                               comes back).
//   BM_Verify/<ALG>/uncached    the same tokens, same order, no cache: the
//                               baseline of cache_miss (same memory traffic).
//   BM_VerifyTraffic/<ALG>      10,000 distinct tokens drawn with a Zipf
//                               distribution (s = 1) through a 10,000-entry
//                               cache; counter hit_ratio.
//
// Compare cached with the 150 ns target, and cache_miss / uncached with the
// 3% bound, within one run (--benchmark_enable_random_interleaving=true).
#include "bench_util.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "jve/jve.hpp"
#include "testkit.h"
#include "verify/scratch_impl.h"

namespace jve::bench {
namespace {

constexpr size_t kMissTokens = 1024;
constexpr size_t kTrafficTokens = 10000;
constexpr size_t kTrafficDraws = size_t{1} << 16;

std::unique_ptr<Verifier> cached_verifier(const testkit::SigningKey& key, size_t entries,
                                          bool admit_on_second_verify = false) {
  std::unique_ptr<Verifier> plain = make_verifier({&key});  // checks the JWKS loads
  return std::make_unique<Verifier>(
      bench_policy(), std::make_shared<KeyStore>(plain->key_store().snapshot()),
      VerifyCache{.entries = entries, .admit_on_second_verify = admit_on_second_verify});
}

// tokens returns |n| distinct realistic tokens of |f|'s key (serials 1..n),
// made once per alg and size.
const std::vector<std::string>& tokens(const AlgFixture& f, size_t n) {
  static std::mutex mu;
  static std::map<std::pair<Alg, size_t>, std::vector<std::string>> made;
  std::lock_guard<std::mutex> lock(mu);
  std::vector<std::string>& t = made[{f.key.alg, n}];
  if (t.empty()) {
    const std::string header = testkit::header_json(f.key.alg, f.key.kid);
    for (size_t i = 1; i <= n; ++i)
      t.push_back(testkit::sign(f.key, header, testkit::realistic_payload(kNow, 350, i)));
  }
  return t;
}

// With JVE_BENCH_EXPORT=DIR set, BM_Verify/<ALG>/cached writes its token and
// public JWKS to DIR/<ALG>.token and DIR/<ALG>.jwks: the inputs of the
// fast-jwt side-by-side run (bench/peers/fastjwt/).
void export_fixture(const AlgFixture& f) {
  const char* dir = std::getenv("JVE_BENCH_EXPORT");
  if (dir == nullptr || *dir == '\0') return;
  const std::string base = std::string(dir) + "/" + std::string(alg_name(f.key.alg));
  for (const auto& [ext, text] : {std::pair<const char*, std::string>{".token", f.token},
                                  {".jwks", testkit::jwks({&f.key})}}) {
    std::FILE* out = std::fopen((base + ext).c_str(), "wb");
    if (out == nullptr) continue;
    std::fwrite(text.data(), 1, text.size(), out);
    std::fclose(out);
  }
}

void BM_VerifyCached(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  export_fixture(f);
  static std::map<Alg, std::unique_ptr<Verifier>> verifiers;  // benchmarks run one at a time
  auto& v = verifiers[alg];
  if (!v) v = cached_verifier(f.key, 1024);
  run_verify(state, *v, f.token);
}

// Runs |verifier| over |seq| (indexes into |toks|) in turn.
void run_sequence(benchmark::State& state, const Verifier& verifier,
                  const std::vector<std::string>& toks, const std::vector<uint32_t>& seq) {
  Scratch scratch;
  Claims claims;
  for (const std::string& t : toks) {
    if (Status s = verifier.verify(t, scratch, claims); s != Status::ok) {
      state.SkipWithError(("verify: " + std::string(to_string(s))).c_str());
      return;
    }
  }
  const uint64_t hits_before = detail::ScratchAccess::impl(scratch).cache_hits;
  size_t i = 0, failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    const std::string& t = toks[seq[i]];
    if (++i == seq.size()) i = 0;
    Status s = verifier.verify(t, scratch, claims);
    benchmark::DoNotOptimize(s);
    failures += s != Status::ok;
    benchmark::DoNotOptimize(claims);
  }
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("verify failed inside the loop");
  const uint64_t hits = detail::ScratchAccess::impl(scratch).cache_hits - hits_before;
  state.counters["hit_ratio"] =
      static_cast<double>(hits) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

std::vector<uint32_t> in_turn(size_t n) {
  std::vector<uint32_t> seq(n);
  for (size_t i = 0; i < n; ++i) seq[i] = static_cast<uint32_t>(i);
  return seq;
}

void BM_VerifyCacheMiss(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  const auto v = cached_verifier(f.key, 16);
  run_sequence(state, *v, tokens(f, kMissTokens), in_turn(kMissTokens));
}

// The same with admit_on_second_verify: no miss inserts.
void BM_VerifyCacheMissFiltered(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  const auto v = cached_verifier(f.key, 16, true);
  run_sequence(state, *v, tokens(f, kMissTokens), in_turn(kMissTokens));
}

void BM_VerifyUncached(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  run_sequence(state, *f.verifier, tokens(f, kMissTokens), in_turn(kMissTokens));
}

// Zipf(s = 1) over kTrafficTokens ranks, by inverting the cumulative
// weights; fixed seed, so every run draws the same requests.
std::vector<uint32_t> zipf_draws() {
  std::vector<double> cdf(kTrafficTokens);
  double sum = 0;
  for (size_t k = 0; k < kTrafficTokens; ++k) cdf[k] = sum += 1.0 / static_cast<double>(k + 1);
  std::mt19937_64 rng(14);
  std::uniform_real_distribution<double> u(0, sum);
  std::vector<uint32_t> seq(kTrafficDraws);
  for (uint32_t& s : seq)
    s = static_cast<uint32_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
  return seq;
}

void BM_VerifyTraffic(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  const auto v = cached_verifier(f.key, kTrafficTokens);
  static const std::vector<uint32_t> draws = zipf_draws();
  // Warm-up inside run_sequence verifies every token once; the cache is then
  // as a long-running service's would be.
  run_sequence(state, *v, tokens(f, kTrafficTokens), draws);
}

void register_all() {
  for (Alg alg : testkit::all_algs()) {
    const std::string name(alg_name(alg));
    benchmark::RegisterBenchmark(("BM_Verify/" + name + "/cached").c_str(), BM_VerifyCached, alg);
    benchmark::RegisterBenchmark(("BM_Verify/" + name + "/cache_miss").c_str(), BM_VerifyCacheMiss, alg);
    benchmark::RegisterBenchmark(("BM_Verify/" + name + "/cache_miss_filtered").c_str(),
                                 BM_VerifyCacheMissFiltered, alg);
    benchmark::RegisterBenchmark(("BM_Verify/" + name + "/uncached").c_str(), BM_VerifyUncached, alg);
    benchmark::RegisterBenchmark(("BM_VerifyTraffic/" + name).c_str(), BM_VerifyTraffic, alg);
  }
}

const int registered = (register_all(), 0);

}  // namespace
}  // namespace jve::bench
