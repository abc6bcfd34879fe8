// bench_embedding.cc: the verify path as services embed it.
//
//   BM_Verify/<ALG>/rotating  BM_Verify/<ALG> while another thread replaces
//                             the verifier's key set every millisecond (key
//                             rotation); the ratio to BM_Verify/<ALG> is what
//                             rotation costs readers.
//   BM_MultiIssuer/<ALG>/<n>  MultiIssuerVerifier with n issuers (1, 100)
//                             routing the realistic token by its iss; the
//                             speed must not depend on n.
#include "bench_util.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "jve/jve.hpp"

namespace jve::bench {
namespace {

std::shared_ptr<const KeySet> set_of(const std::vector<const testkit::SigningKey*>& keys) {
  std::string why;
  Result<KeySet> set = KeySet::from_jwks(testkit::jwks(keys), &why);
  if (!set.ok() || !set->left_out().empty()) throw std::runtime_error("from_jwks: " + why);
  return std::make_shared<const KeySet>(std::move(*set));
}

// Rotator replaces |store|'s set every millisecond, alternating between two
// prepared sets that both hold the benchmark's key (so every verify stays
// ok), until destroyed.
class Rotator {
 public:
  Rotator(std::shared_ptr<KeyStore> store, std::shared_ptr<const KeySet> a,
          std::shared_ptr<const KeySet> b)
      : thread_([this, store = std::move(store), a = std::move(a), b = std::move(b)] {
          for (uint64_t n = 0; !stop_.load(std::memory_order_relaxed); ++n) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            store->replace(n % 2 ? a : b);
            swaps_.fetch_add(1, std::memory_order_relaxed);
          }
        }) {}
  ~Rotator() {
    stop_ = true;
    thread_.join();
  }
  uint64_t swaps() const { return swaps_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> swaps_{0};
  std::thread thread_;  // last: starts once the flags exist
};

void BM_VerifyRotating(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  // A second key, so the two sets differ as rotated sets do.
  static const testkit::SigningKey extra = testkit::generate_key(Alg::HS256, "rotating-extra");
  auto store = std::make_shared<KeyStore>(set_of({&f.key}));
  const Verifier verifier(bench_policy(), store);
  Rotator rotator(store, set_of({&f.key}), set_of({&f.key, &extra}));
  const uint64_t swaps_before = rotator.swaps();
  const auto start = std::chrono::steady_clock::now();
  run_verify(state, verifier, f.token);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  // Evidence that rotation really happened during the run.
  state.counters["swaps_per_s"] =
      benchmark::Counter(static_cast<double>(rotator.swaps() - swaps_before) / elapsed.count());
}

// BM_MultiIssuer/<ALG>/<n>: the token's issuer is the last of n, each
// issuer with its own key store; the other issuers hold another key.
void BM_MultiIssuer(benchmark::State& state, Alg alg) {
  const AlgFixture& f = fixture(alg);
  const auto n = static_cast<int>(state.range(0));
  static const testkit::SigningKey other = testkit::generate_key(Alg::HS256, "other-issuer");
  std::vector<MultiIssuerVerifier::Issuer> issuers;
  for (int i = 0; i + 1 < n; ++i) {
    std::string iss = "https://issuer-";
    iss += std::to_string(i);
    iss += ".example.com/";
    issuers.push_back({std::move(iss), bench_policy(), std::make_shared<KeyStore>(set_of({&other}))});
  }
  issuers.push_back({std::string(testkit::kIssuer), bench_policy(),
                     std::make_shared<KeyStore>(set_of({&f.key}))});
  const MultiIssuerVerifier verifier(std::move(issuers));
  Scratch scratch;
  Claims claims;
  if (Status s = verifier.verify(f.token, scratch, claims); s != Status::ok) {
    state.SkipWithError(status_error("multi-issuer verify", Status::ok, s).c_str());
    return;
  }
  set_kernel_label(state);
  std::string_view token = f.token;
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    benchmark::DoNotOptimize(token);
    Status s = verifier.verify(token, scratch, claims);
    benchmark::DoNotOptimize(s);
    failures += s != Status::ok;
    benchmark::DoNotOptimize(claims);
  }
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("multi-issuer verify failed inside the loop");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// Registered by name so they read as variants of BM_Verify/<ALG>.
const int kRegistered = [] {
  for (Alg alg : testkit::all_algs()) {
    const std::string name(alg_name(alg));
    // CPU time, as BM_Verify/<ALG>: the ratio compares like with like.
    benchmark::RegisterBenchmark(("BM_Verify/" + name + "/rotating").c_str(), BM_VerifyRotating, alg);
  }
  for (Alg alg : {Alg::HS256, Alg::RS256, Alg::ES256}) {
    benchmark::RegisterBenchmark(("BM_MultiIssuer/" + std::string(alg_name(alg))).c_str(),
                                 BM_MultiIssuer, alg)
        ->Arg(1)
        ->Arg(100);
  }
  return 0;
}();

}  // namespace
}  // namespace jve::bench
