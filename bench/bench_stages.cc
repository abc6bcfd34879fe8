// bench_stages.cc: the stages of Verifier::verify, one at a time, and key
// set loading.
//
//   BM_Stage/split            find the two dots and cut the three segments
//                             (docs/design.md stage 1, as verify.cc does it)
//   BM_Stage/header           base64url-decode the header, strict JSON parse,
//                             json::extract_header, rules::check_header (stages 2-3)
//   BM_Stage/payload[/large]  base64url-decode the payload and strict JSON
//                             parse it (stages 5 and 7)
//   BM_Stage/claims[/large]   json::extract_claims, rules::check_claims on the parsed payload
//                             (stage 8)
//   BM_KeySetBuild/<n>        KeySet::from_jwks on a JWKS of n public keys of
//                             every type (oct, RSA 2048, EC P-256/384/521,
//                             Ed25519), cycling through the 13 algorithms
//
// The stages call the engine's internals (jve::internal gives jve_bench the
// components' internal headers) on a ScratchImpl prepared like Verifier::verify prepares its
// own, with the HS256 fixture token: the stages do not depend on the
// algorithm, only on the header and payload, which are the same for all.
// The key-selection and signature stages are BM_Verify - (these) and
// BM_Primitive.
#include "bench_util.h"

#include <string>
#include <string_view>
#include <vector>

#include "json/extract.h"
#include "json/strict.h"
#include "jve/jve.hpp"
#include "testkit.h"
#include "verify/compact.h"
#include "verify/rules.h"
#include "verify/scratch_impl.h"

namespace jve::bench {
namespace {

using Segments = detail::CompactParts;

// StageContext holds a prepared ScratchImpl and the pieces of one token.
struct StageContext {
  Policy policy = bench_policy();
  Scratch scratch;
  Segments seg;
  std::string_view token;

  detail::ScratchImpl& s() { return detail::ScratchAccess::impl(scratch); }

  Status init(std::string_view t) {
    token = t;
    if (!s().prepare(policy.max_token_bytes, policy.max_json_depth)) return Status::internal_error;
    return detail::split_compact(token, policy.max_token_bytes, seg);
  }

  Status header(Header& out) {
    size_t len = 0;
    if (Status st = base64url::decode(seg.header, s().header.data(), &len); st != Status::ok)
      return st;
    json::Value root;
    if (Status st = s().header_parser.parse(s().header.data(), len, policy.max_json_depth, root);
        st != Status::ok)
      return st;
    json::HeaderFields fields;
    if (Status st = json::extract_header(root, fields); st != Status::ok) return st;
    out = Header{};
    return rules::check_header(fields, policy, out);
  }

  Status payload(std::string_view& json_out) {
    size_t len = 0;
    if (Status st = base64url::decode(seg.payload, s().payload.data(), &len); st != Status::ok)
      return st;
    json_out = {reinterpret_cast<const char*>(s().payload.data()), len};
    return s().payload_parser.parse(s().payload.data(), len, policy.max_json_depth,
                                    s().claims.root);
  }

  Status claims(std::string_view payload_json, Claims& out) {
    out = Claims{};
    detail::ClaimsAccess::bind(out, &s().claims, payload_json);
    json::ClaimFields fields;
    if (Status st = json::extract_claims(s().claims.root, fields); st != Status::ok) return st;
    return rules::check_claims(fields, policy, kNow);
  }
};

void finish(benchmark::State& state, size_t bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

const std::string& stage_token(bool large) {
  const AlgFixture& f = fixture(Alg::HS256);
  return large ? f.large_token : f.token;
}

void BM_StageSplit(benchmark::State& state) {
  StageContext c;
  if (Status st = c.init(stage_token(false)); st != Status::ok) {
    state.SkipWithError(status_error("split", Status::ok, st).c_str());
    return;
  }
  std::string_view token = c.token;
  size_t failures = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(token);
    Segments seg;
    Status st = detail::split_compact(token, c.policy.max_token_bytes, seg);
    failures += st != Status::ok;
    benchmark::DoNotOptimize(seg);
  }
  if (failures != 0) state.SkipWithError("split failed inside the loop");
  finish(state, token.size());
}

void BM_StageHeader(benchmark::State& state) {
  StageContext c;
  Header h;
  Status st = c.init(stage_token(false));
  if (st == Status::ok) st = c.header(h);
  if (st != Status::ok || h.alg != Alg::HS256 || !h.kid) {
    state.SkipWithError(status_error("header", Status::ok, st).c_str());
    return;
  }
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.seg.header);
    Status s = c.header(h);
    failures += s != Status::ok;
    benchmark::DoNotOptimize(h);
  }
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("header failed inside the loop");
  finish(state, c.seg.header.size());
}

void BM_StagePayload(benchmark::State& state, bool large) {
  StageContext c;
  std::string_view json;
  Status st = c.init(stage_token(large));
  if (st == Status::ok) st = c.payload(json);
  if (st != Status::ok) {
    state.SkipWithError(status_error("payload", Status::ok, st).c_str());
    return;
  }
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.seg.payload);
    Status s = c.payload(json);
    failures += s != Status::ok;
    benchmark::DoNotOptimize(json);
  }
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("payload failed inside the loop");
  finish(state, c.seg.payload.size());
}

void BM_StageClaims(benchmark::State& state, bool large) {
  StageContext c;
  std::string_view json;
  Claims claims;
  Status st = c.init(stage_token(large));
  if (st == Status::ok) st = c.payload(json);
  if (st == Status::ok) st = c.claims(json, claims);
  if (st != Status::ok || !claims.iss || *claims.iss != testkit::kIssuer) {
    state.SkipWithError(status_error("claims", Status::ok, st).c_str());
    return;
  }
  size_t failures = 0;
  const uint64_t allocs_before = thread_new_calls();
  for (auto _ : state) {
    benchmark::DoNotOptimize(json);
    Status s = c.claims(json, claims);
    failures += s != Status::ok;
    benchmark::DoNotOptimize(claims);
  }
  set_alloc_counter(state, allocs_before);
  if (failures != 0) state.SkipWithError("claims failed inside the loop");
  finish(state, json.size());
}

// --- BM_KeySetBuild ---------------------------------------------------------

// keyset_jwks returns a JWKS of |n| distinct-kid public keys, cycling through
// the 13 algorithms. RSA keys reuse the BM_Verify fixtures' keys under new
// kids (generating 2048-bit keys costs far more than the benchmark); the
// others are fresh keys. Built once per size.
const std::string& keyset_jwks(size_t n) {
  static std::mutex mu;
  static std::map<size_t, std::string> cache;
  std::lock_guard<std::mutex> lock(mu);
  std::string& out = cache[n];
  if (out.empty()) {
    const std::vector<Alg> algs = testkit::all_algs();
    std::vector<testkit::SigningKey> keys;
    keys.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      const Alg a = algs[i % algs.size()];
      const std::string kid = "key-" + std::to_string(i) + "-" + std::string(alg_name(a));
      const bool rsa = a >= Alg::RS256 && a <= Alg::PS512;
      if (rsa) {
        testkit::SigningKey k = fixture(a).key;
        k.kid = kid;
        keys.push_back(std::move(k));
      } else {
        keys.push_back(testkit::generate_key(a, kid));
      }
    }
    out = testkit::jwks(keys);
  }
  return out;
}

void BM_KeySetBuild(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string& jwks = keyset_jwks(n);
  {
    std::string why;
    Result<KeySet> set = KeySet::from_jwks(jwks, &why);
    if (!set.ok() || set->size() != n || !set->left_out().empty()) {
      state.SkipWithError(("KeySet::from_jwks: " + std::string(to_string(set.status())) + " " +
                           why + (set.ok() && !set->left_out().empty()
                                      ? " left out: " + set->left_out()[0].why
                                      : std::string()))
                              .c_str());
      return;
    }
  }
  std::string_view text = jwks;
  size_t failures = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(text);
    Result<KeySet> set = KeySet::from_jwks(text);
    failures += !set.ok();
    benchmark::DoNotOptimize(set);
  }
  if (failures != 0) state.SkipWithError("from_jwks failed inside the loop");
  state.counters["keys_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
  finish(state, jwks.size());
}

}  // namespace

BENCHMARK(BM_StageSplit)->Name("BM_Stage/split");
BENCHMARK(BM_StageHeader)->Name("BM_Stage/header");
BENCHMARK_CAPTURE(BM_StagePayload, small, false)->Name("BM_Stage/payload");
BENCHMARK_CAPTURE(BM_StagePayload, large, true)->Name("BM_Stage/payload/large");
BENCHMARK_CAPTURE(BM_StageClaims, small, false)->Name("BM_Stage/claims");
BENCHMARK_CAPTURE(BM_StageClaims, large, true)->Name("BM_Stage/claims/large");
BENCHMARK(BM_KeySetBuild)->Arg(10)->Arg(100);

}  // namespace jve::bench
