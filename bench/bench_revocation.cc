// The revocation replica (jve/revocation.h) on the verify path:
//   BM_Verify/HS256/revocation     BM_Verify/HS256's token and loop with a
//                                  100,000-entry list in the policy (the token
//                                  is not listed: every probe runs to a miss)
//   BM_RevocationCheck/<n>         RevocationList::check alone
//   BM_RevocationAdd/<n>           one add() into an n-entry list (the copy on
//                                  write a pub/sub message costs the sync thread)
//   BM_RevocationMemory/1000000    the table's bytes for 1,000,000 entries
//                                  (counters bytes and bytes_per_entry)
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "jve/revocation.h"

namespace jve::bench {
namespace {

// A list shaped like a busy service's: 90% single tokens (jti), 10% "log
// out everywhere" cut-offs, ten key cut-offs (leaked keys are rare); ids as
// long as UUIDs; one issuer.
std::vector<Revocation> entries(size_t n) {
  const std::string iss(testkit::kIssuer);
  std::vector<Revocation> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "%08zx-%04zx-4%03zx-8%03zx-%012zx", i * 2654435761u % 0xFFFFFFFFu,
                  i & 0xFFFF, i & 0xFFF, (i >> 12) & 0xFFF, i * 40503u);
    if (i % 10000 == 9999) {
      v.push_back({Revocation::Kind::key, iss, std::string("old-key-") + id, kNow, kNow + 86400});
    } else if (i % 10 == 9) {
      v.push_back({Revocation::Kind::subject, iss, std::string("user-") + id, kNow, kNow + 86400});
    } else if (false) {
      v.push_back({Revocation::Kind::key, iss, std::string("old-key-") + id, kNow, kNow + 86400});
    } else {
      v.push_back({Revocation::Kind::jti, iss, id, 0, kNow + 3600});
    }
  }
  return v;
}

std::shared_ptr<RevocationList> list_of(size_t n) {
  auto list = std::make_shared<RevocationList>();
  list->replace(entries(n), kNow);
  return list;
}

void BM_VerifyRevocation(benchmark::State& state) {
  static const std::shared_ptr<RevocationList> list = list_of(100'000);
  static const std::unique_ptr<Verifier> verifier = [] {
    Policy p = bench_policy();
    p.revocation = list;
    return make_verifier({&fixture(Alg::HS256).key}, p);
  }();
  run_verify(state, *verifier, fixture(Alg::HS256).token);
  state.counters["entries"] = static_cast<double>(list->size());
}

void BM_RevocationCheck(benchmark::State& state) {
  const auto list = list_of(static_cast<size_t>(state.range(0)));
  Claims c;
  c.iss = testkit::kIssuer;
  c.sub = "user-100000";
  c.jti = "0000a1b2-0000-4000-8000-000000000000";
  c.iat = static_cast<double>(kNow);
  for (auto _ : state) {
    benchmark::DoNotOptimize(c);
    Status s = list->check(c, "hs", kNow);
    benchmark::DoNotOptimize(s);
  }
}

void BM_RevocationAdd(benchmark::State& state) {
  const auto list = list_of(static_cast<size_t>(state.range(0)));
  const std::vector<Revocation> one = {{Revocation::Kind::jti, std::string(testkit::kIssuer), "new", 0, kNow + 60}};
  for (auto _ : state) list->add(one, kNow);
}

void BM_RevocationMemory(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::shared_ptr<RevocationList> list;
  for (auto _ : state) list = list_of(n);
  state.counters["bytes"] = static_cast<double>(list->memory_bytes());
  state.counters["bytes_per_entry"] = static_cast<double>(list->memory_bytes()) / static_cast<double>(n);
  state.counters["entries"] = static_cast<double>(list->size());
}

[[maybe_unused]] const bool kRegistered = [] {
  benchmark::RegisterBenchmark("BM_Verify/HS256/revocation", BM_VerifyRevocation);
  benchmark::RegisterBenchmark("BM_RevocationCheck", BM_RevocationCheck)->Arg(0)->Arg(100'000);
  benchmark::RegisterBenchmark("BM_RevocationAdd", BM_RevocationAdd)->Arg(100'000)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_RevocationMemory", BM_RevocationMemory)
      ->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace jve::bench
