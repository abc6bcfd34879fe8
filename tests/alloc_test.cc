// alloc_test.cc: proves docs/design.md's claim that the verify path allocates
// nothing once a Scratch has been used.
//
// This binary replaces the global allocation functions for the whole
// process, so it is not part of jve_tests (like BoringSSL's
// urandom_test). Two counters, switched on only around the measured calls:
//   new     every replaced operator new (jve's and the standard library's
//           C++ allocations);
//   malloc  every malloc/calloc/realloc/memalign, which also sees the ones
//           behind operator new and BoringSSL's OPENSSL_malloc.
// malloc is replaced by wrappers that forward to glibc's __libc_* entry
// points (glibc documents replacing malloc this way); elsewhere, and under
// sanitizers (which own malloc), only operator new is counted.
//
// No algorithm may allocate once a thread has verified a token of its kind:
// RSA runs on a per-thread BN_CTX and the key's Montgomery context, ECDSA
// on a per-thread ECDSA_SIG (engine/crypto/src/verify.cc). Rejected tokens,
// an RSA signature >= n included, must not allocate either.
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "jve/authz.h"
#include "jve/base64url.h"
#include "jve/jve.hpp"
#include "testkit.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define JVE_COUNT_ALLOCS 0  // the sanitizer runtime owns malloc and new
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define JVE_COUNT_ALLOCS 0
#endif
#endif
#ifndef JVE_COUNT_ALLOCS
#define JVE_COUNT_ALLOCS 1
#endif

#if JVE_COUNT_ALLOCS && defined(__GLIBC__)
#define JVE_COUNT_MALLOC 1
#else
#define JVE_COUNT_MALLOC 0
#endif

namespace {

std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_new_calls{0};
std::atomic<uint64_t> g_malloc_calls{0};

inline void count(std::atomic<uint64_t>& counter) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) counter.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

#if JVE_COUNT_MALLOC
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* p);

void* malloc(size_t size) noexcept {
  count(g_malloc_calls);
  return __libc_malloc(size);
}
void* calloc(size_t n, size_t size) noexcept {
  count(g_malloc_calls);
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t size) noexcept {
  count(g_malloc_calls);
  return __libc_realloc(p, size);
}
void free(void* p) noexcept { __libc_free(p); }
void* memalign(size_t alignment, size_t size) noexcept {
  count(g_malloc_calls);
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(size_t alignment, size_t size) noexcept {
  count(g_malloc_calls);
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
  count(g_malloc_calls);
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
}  // extern "C"
#endif  // JVE_COUNT_MALLOC

#if JVE_COUNT_ALLOCS
// Replacement operator new/delete, every form ([new.delete]), so no C++
// allocation escapes the count and each pointer goes back to its allocator.
namespace {
void* new_impl(size_t n) {
  count(g_new_calls);
  return std::malloc(n ? n : 1);
}
void* new_aligned_impl(size_t n, std::align_val_t al) {
  count(g_new_calls);
  size_t a = static_cast<size_t>(al);
  if (a < sizeof(void*)) a = sizeof(void*);
  void* p = nullptr;
  return posix_memalign(&p, a, n ? n : 1) == 0 ? p : nullptr;
}
}  // namespace

void* operator new(size_t n) {
  if (void* p = new_impl(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) {
  if (void* p = new_impl(n)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t n, const std::nothrow_t&) noexcept { return new_impl(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return new_impl(n); }
void* operator new(size_t n, std::align_val_t al) {
  if (void* p = new_aligned_impl(n, al)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n, std::align_val_t al) {
  if (void* p = new_aligned_impl(n, al)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return new_aligned_impl(n, al);
}
void* operator new[](size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return new_aligned_impl(n, al);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
#endif  // JVE_COUNT_ALLOCS

namespace jve {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr int kRounds = 100;

struct Counts {
  uint64_t news = 0;
  uint64_t mallocs = 0;
};

// counted runs |f| with both counters on. Nothing else may run meanwhile:
// the counters are process-wide.
template <class F>
Counts counted(F&& f) {
  g_new_calls.store(0);
  g_malloc_calls.store(0);
  g_counting.store(true);
  f();
  g_counting.store(false);
  return {g_new_calls.load(), g_malloc_calls.load()};
}

Policy fixed_policy() {
  Policy p;
  p.issuers = {std::string(testkit::kIssuer)};
  p.audiences = {std::string(testkit::kAudience)};
  p.clock = [] { return kNow; };
  return p;
}

std::unique_ptr<Verifier> make_verifier(const std::vector<const testkit::SigningKey*>& keys,
                                        Policy policy = fixed_policy()) {
  std::string why;
  Result<KeySet> set = KeySet::from_jwks(testkit::jwks(keys), &why);
  EXPECT_TRUE(set.ok()) << why;
  if (!set.ok()) return nullptr;
  return std::make_unique<Verifier>(std::move(policy),
                                    std::make_shared<const KeySet>(std::move(*set)));
}

std::string kid_for(Alg alg) { return "key-" + std::string(alg_name(alg)); }

std::string token_for(const testkit::SigningKey& key, int64_t now = kNow) {
  return testkit::sign(key, testkit::header_json(key.alg, key.kid),
                       testkit::realistic_payload(now));
}

// Row of the printed table: calls per verify over kRounds verifies.
struct Row {
  std::string name;
  Status status = Status::ok;  // what every measured verify returned
  bool consistent = true;      // all kRounds verifies returned |status|
  double news_per_verify = 0;
  double mallocs_per_verify = 0;
};

// measure warms |scratch| up with one verify, then counts kRounds more.
Row measure(std::string name, const Verifier& verifier, const std::string& token) {
  Row row;
  row.name = std::move(name);
  Scratch scratch;
  Claims claims;
  row.status = verifier.verify(token, scratch, claims);  // warm-up: may allocate
  const Status expected = row.status;
  int mismatches = 0;
  const Counts c = counted([&] {
    for (int i = 0; i < kRounds; ++i) mismatches += verifier.verify(token, scratch, claims) != expected;
  });
  row.consistent = mismatches == 0;
  row.news_per_verify = static_cast<double>(c.news) / kRounds;
  row.mallocs_per_verify = static_cast<double>(c.mallocs) / kRounds;
  return row;
}

void print_table(const char* title, const std::vector<Row>& rows) {
  std::printf("\n%s (per verify, mean of %d after one warm-up)\n", title, kRounds);
  std::printf("  %-22s %-16s %10s %10s\n", "case", "status", "new", JVE_COUNT_MALLOC ? "malloc" : "malloc(n/a)");
  for (const Row& r : rows) {
    std::printf("  %-22s %-16s %10.2f %10.2f\n", r.name.c_str(), std::string(to_string(r.status)).c_str(),
                r.news_per_verify, r.mallocs_per_verify);
  }
  std::fflush(stdout);
}

class ZeroAllocation : public testing::Test {
 protected:
  void SetUp() override {
    if (!JVE_COUNT_ALLOCS) {
      GTEST_SKIP() << "allocation counting is off under sanitizers";
    }
  }
};

TEST_F(ZeroAllocation, CounterSeesNewAndMalloc) {
  static void* volatile sink;
  const Counts c = counted([] {
    sink = new std::string(100, 'x');  // escapes, so the pair cannot be elided
    delete static_cast<std::string*>(sink);
    sink = std::malloc(10);
    std::free(sink);
  });
  EXPECT_GE(c.news, 1u);
  if (JVE_COUNT_MALLOC) {
    EXPECT_GE(c.mallocs, 3u);
  }
}

TEST_F(ZeroAllocation, VerifyEveryAlg) {
  std::vector<Row> rows;
  for (Alg alg : testkit::all_algs()) {
    const testkit::SigningKey key = testkit::generate_key(alg, kid_for(alg));
    std::unique_ptr<Verifier> verifier = make_verifier({&key});
    ASSERT_NE(verifier, nullptr);
    rows.push_back(measure(std::string(alg_name(alg)), *verifier, token_for(key)));
  }
  print_table("Allocations: accepted tokens", rows);
  for (int i = 0; i < kNumAlgs; ++i) {
    const Row& r = rows[i];
    SCOPED_TRACE(r.name);
    EXPECT_EQ(r.status, Status::ok);
    EXPECT_TRUE(r.consistent);
    EXPECT_EQ(r.news_per_verify, 0.0) << "jve's C++ code allocated on the verify path";
    EXPECT_EQ(r.mallocs_per_verify, 0.0);
  }
}

TEST_F(ZeroAllocation, RejectedTokens) {
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, kid_for(Alg::HS256));
  const testkit::SigningKey es = testkit::generate_key(Alg::ES256, kid_for(Alg::ES256));
  const testkit::SigningKey ed = testkit::generate_key(Alg::EdDSA, kid_for(Alg::EdDSA));
  const testkit::SigningKey rs = testkit::generate_key(Alg::RS256, kid_for(Alg::RS256));
  const testkit::SigningKey ps = testkit::generate_key(Alg::PS256, kid_for(Alg::PS256));
  std::unique_ptr<Verifier> verifier = make_verifier({&hs, &es, &ed, &rs, &ps});
  ASSERT_NE(verifier, nullptr);
  // An RS256 signature of the modulus length that is >= n (all ones).
  std::string rs_too_large = token_for(rs);
  rs_too_large.resize(rs_too_large.rfind('.') + 1);
  rs_too_large += base64url::encode(std::vector<uint8_t>(256, 0xff));
  Policy only_es256 = fixed_policy();
  only_es256.algorithms = AlgSet().add(Alg::ES256);
  std::unique_ptr<Verifier> es256_only = make_verifier({&hs, &es, &ed}, only_es256);
  ASSERT_NE(es256_only, nullptr);

  const std::string hs_token = token_for(hs);
  std::string bad_b64 = hs_token;
  bad_b64[5] = '+';  // standard base64, not base64url
  std::string junk(350, 'x');

  struct Case {
    const char* name;
    const Verifier* verifier;
    std::string token;
    Status expected;
    bool must_not_malloc;
  };
  const std::vector<Case> cases = {
      {"bad_signature HS256", verifier.get(), testkit::tamper_signature(hs_token), Status::bad_signature, true},
      {"bad_signature EdDSA", verifier.get(), testkit::tamper_signature(token_for(ed)), Status::bad_signature, true},
      {"bad_signature ES256", verifier.get(), testkit::tamper_signature(token_for(es)), Status::bad_signature, true},
      {"bad_signature RS256", verifier.get(), testkit::tamper_signature(token_for(rs)), Status::bad_signature, true},
      {"bad_signature PS256", verifier.get(), testkit::tamper_signature(token_for(ps)), Status::bad_signature, true},
      {"RS256 signature >= n", verifier.get(), rs_too_large, Status::bad_signature, true},
      {"expired HS256", verifier.get(), token_for(hs, kNow - 7200), Status::expired, true},
      {"bad_base64", verifier.get(), bad_b64, Status::bad_base64, true},
      {"junk", verifier.get(), junk, Status::malformed, true},
      {"unknown_kid", verifier.get(),
       testkit::sign(hs, testkit::header_json(Alg::HS256, "gone"), testkit::realistic_payload(kNow)),
       Status::key_not_found, true},
      {"alg_not_allowed", es256_only.get(), hs_token, Status::alg_not_allowed, true},
  };
  std::vector<Row> rows;
  for (const Case& c : cases) rows.push_back(measure(c.name, *c.verifier, c.token));
  print_table("Allocations: rejected tokens", rows);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    EXPECT_EQ(rows[i].status, cases[i].expected);
    EXPECT_TRUE(rows[i].consistent);
    EXPECT_EQ(rows[i].news_per_verify, 0.0);
    if (cases[i].must_not_malloc) {
      EXPECT_EQ(rows[i].mallocs_per_verify, 0.0);
    }
  }
}

TEST_F(ZeroAllocation, ScratchSharedByDifferentPoliciesSettles) {
  // One thread_local Scratch serving two verifiers whose size and depth
  // limits differ must stop allocating once it has seen both.
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, kid_for(Alg::HS256));
  Policy small = fixed_policy();
  small.max_token_bytes = 2048;
  small.max_json_depth = 8;
  Policy large = fixed_policy();
  large.max_token_bytes = 64 * 1024;
  large.max_json_depth = 200;
  std::unique_ptr<Verifier> a = make_verifier({&hs}, small);
  std::unique_ptr<Verifier> b = make_verifier({&hs}, large);
  ASSERT_TRUE(a && b);
  const std::string token = token_for(hs);
  Scratch scratch;
  Claims claims;
  ASSERT_EQ(a->verify(token, scratch, claims), Status::ok);
  ASSERT_EQ(b->verify(token, scratch, claims), Status::ok);
  int failures = 0;
  const Counts c = counted([&] {
    for (int i = 0; i < kRounds; ++i) {
      failures += a->verify(token, scratch, claims) != Status::ok;
      failures += b->verify(token, scratch, claims) != Status::ok;
    }
  });
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(c.news, 0u);
  EXPECT_EQ(c.mallocs, 0u);
}

TEST_F(ZeroAllocation, MultiIssuerAndRotatedStore) {
  // Routing by iss among 100 issuers, and a store whose set was replaced,
  // add nothing to the allocation-free path.
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, kid_for(Alg::HS256));
  const testkit::SigningKey ed = testkit::generate_key(Alg::EdDSA, kid_for(Alg::EdDSA));
  auto store = std::make_shared<KeyStore>();
  store->replace(std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&hs, &ed}))));
  std::vector<MultiIssuerVerifier::Issuer> issuers;
  for (int i = 0; i < 99; ++i) {
    std::string iss = "https://other-";
    iss += std::to_string(i);
    issuers.push_back({iss, fixed_policy(), store});
  }
  issuers.push_back({std::string(testkit::kIssuer), fixed_policy(), store});
  const MultiIssuerVerifier multi(std::move(issuers));
  const std::string tokens[] = {token_for(hs), token_for(ed)};
  Scratch scratch;
  Claims claims;
  for (const std::string& t : tokens) ASSERT_EQ(multi.verify(t, scratch, claims), Status::ok);
  ASSERT_EQ(multi.verify(token_for(hs, kNow - 7200), scratch, claims), Status::expired);
  int failures = 0;
  const Counts c = counted([&] {
    for (int i = 0; i < kRounds; ++i) {
      for (const std::string& t : tokens) failures += multi.verify(t, scratch, claims) != Status::ok;
    }
  });
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(c.news, 0u);
  EXPECT_EQ(c.mallocs, 0u);
}

// verify_batch (one Scratch per token) allocates nothing once each Scratch
// has been used: HS256 under two keys hashed together, with EdDSA, an
// expired token and a bad signature in between, across more than one chunk.
TEST_F(ZeroAllocation, VerifyBatch) {
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, "hs-a");
  const testkit::SigningKey hs2 = testkit::generate_key(Alg::HS256, "hs-b");
  const testkit::SigningKey ed = testkit::generate_key(Alg::EdDSA, kid_for(Alg::EdDSA));
  std::unique_ptr<Verifier> verifier = make_verifier({&hs, &hs2, &ed});
  ASSERT_NE(verifier, nullptr);
  std::vector<std::string> tokens;
  std::vector<Status> expected;
  for (size_t i = 0; i < Verifier::kBatchChunk + 5; ++i) {
    switch (i % 5) {
      case 0: tokens.push_back(token_for(hs)); expected.push_back(Status::ok); break;
      case 1: tokens.push_back(token_for(hs2)); expected.push_back(Status::ok); break;
      case 2: tokens.push_back(token_for(ed)); expected.push_back(Status::ok); break;
      case 3: tokens.push_back(token_for(hs, kNow - 7200)); expected.push_back(Status::expired); break;
      default:
        tokens.push_back(testkit::tamper_signature(token_for(hs2)));
        expected.push_back(Status::bad_signature);
    }
  }
  std::vector<std::string_view> views(tokens.begin(), tokens.end());
  std::vector<Scratch> scratches(tokens.size());
  std::vector<Status> statuses(tokens.size());
  std::vector<Claims> claims(tokens.size());
  verifier->verify_batch(views, scratches, statuses, claims);  // warm-up: may allocate
  ASSERT_EQ(statuses, expected);
  int mismatches = 0;
  const Counts c = counted([&] {
    for (int round = 0; round < kRounds; ++round) {
      verifier->verify_batch(views, scratches, statuses, claims);
      mismatches += statuses != expected;
      mismatches += claims[0].sub != claims[5].sub;  // read a claim of each batch
    }
  });
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(c.news, 0u);
  EXPECT_EQ(c.mallocs, 0u);
}

// authorize (jve/authz.h) reads the compiled requirement and the parsed
// payload only: every outcome, with and without a Denial, allocates nothing.
TEST_F(ZeroAllocation, Authorize) {
  using namespace jve::require;
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, kid_for(Alg::HS256));
  std::unique_ptr<Verifier> verifier = make_verifier({&hs});
  ASSERT_NE(verifier, nullptr);
  const std::string token = token_for(hs);
  const Rule rules[] = {
      all_of({scopes({"api:read", "api:write"}), claim("/tenant/region").equals_request("region")}),
      scopes({"api:admin"}),
      claim("/roles").contains("admin"),
      claim("/tenant/id").equals(4711),
      any_of({claim("/roles").contains("admin"), scopes({"api:read"}, {"/scp", "/scope"})}),
      any_of({scopes({"x"}), claim("/a~1b/~0c").equals(true)}),
      claim("/tenant/region").equals_request("missing"),
  };
  const Status expected[] = {Status::ok, Status::insufficient_scope, Status::forbidden, Status::ok,
                             Status::ok, Status::forbidden, Status::forbidden};
  std::vector<Requirement> reqs;
  for (const Rule& r : rules) {
    auto c = Requirement::compile(r);
    ASSERT_TRUE(c.ok());
    reqs.push_back(*c);
  }
  const RequestValue values[] = {{"tenant", "t"}, {"region", "eu-west-1"}};
  Scratch scratch;
  Claims claims;
  ASSERT_EQ(verifier->verify(token, scratch, claims), Status::ok);
  for (size_t i = 0; i < reqs.size(); ++i) ASSERT_EQ(authorize(claims, reqs[i], values), expected[i]) << i;
  int mismatches = 0;
  Denial denial;
  const Counts c = counted([&] {
    for (int round = 0; round < kRounds; ++round) {
      mismatches += verifier->verify(token, scratch, claims) != Status::ok;
      for (size_t i = 0; i < reqs.size(); ++i) {
        mismatches += authorize(claims, reqs[i], values, &denial) != expected[i];
        mismatches += authorize(claims, reqs[i], values) != expected[i];
      }
    }
  });
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(c.news, 0u);
  EXPECT_EQ(c.mallocs, 0u);
}

// A verify against a 100,000-entry revocation replica (every kind, with
// entries for every issuer too, so each probe runs): accepted and revoked
// tokens allocate nothing.
TEST_F(ZeroAllocation, VerifyAgainstABigRevocationList) {
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, "hs");
  auto list = std::make_shared<RevocationList>();
  std::vector<Revocation> entries;
  const std::string iss(testkit::kIssuer);
  for (int i = 0; i < 100'000; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 4) {
      case 0: entries.push_back({Revocation::Kind::jti, iss, "jti-" + n, 0, kNow + 3600}); break;
      case 1: entries.push_back({Revocation::Kind::subject, iss, "user-" + n, kNow, kNow + 3600}); break;
      case 2: entries.push_back({Revocation::Kind::jti, "", "any-" + n, 0, kNow + 3600}); break;
      default: entries.push_back({Revocation::Kind::key, "", "kid-" + n, kNow, kNow + 3600}); break;
    }
  }
  entries.push_back({Revocation::Kind::key, iss, "", kNow - 10, kNow + 3600});
  ASSERT_EQ(list->replace(entries, kNow), entries.size());
  Policy p = fixed_policy();
  p.revocation = list;
  std::unique_ptr<Verifier> verifier = make_verifier({&hs}, p);
  ASSERT_NE(verifier, nullptr);
  const std::string ok_token = token_for(hs);
  // realistic_payload's sub for serial 0 is user-100000: listed below.
  list->add(std::vector{Revocation{Revocation::Kind::subject, iss, "user-100000", kNow + 1,
                                   kNow + 3600}},
            kNow);
  const Row revoked = measure("HS256 revoked (sub)", *verifier, ok_token);
  list->replace(entries, kNow);
  const Row accepted = measure("HS256 not revoked", *verifier, ok_token);
  print_table("Allocations: 100,000-entry revocation list", {accepted, revoked});
  EXPECT_EQ(accepted.status, Status::ok);
  EXPECT_EQ(revoked.status, Status::revoked);
  for (const Row* r : {&accepted, &revoked}) {
    SCOPED_TRACE(r->name);
    EXPECT_TRUE(r->consistent);
    EXPECT_EQ(r->news_per_verify, 0.0);
    EXPECT_EQ(r->mallocs_per_verify, 0.0);
  }
}

// The verified-token cache (issue 14): its memory is reserved when the
// Verifier is made, so neither a hit nor an insert (nor the eviction an
// insert does at capacity) allocates. Hits run no crypto, so no alg may
// allocate at all.
TEST_F(ZeroAllocation, CacheHitsEveryAlg) {
  std::vector<Row> rows;
  for (Alg alg : testkit::all_algs()) {
    const testkit::SigningKey key = testkit::generate_key(alg, kid_for(alg));
    auto set = KeySet::from_jwks(testkit::jwks({&key}));
    ASSERT_TRUE(set.ok());
    const Verifier verifier(fixed_policy(),
                            std::make_shared<KeyStore>(std::make_shared<const KeySet>(std::move(*set))),
                            VerifyCache{.entries = 64});
    rows.push_back(measure(std::string(alg_name(alg)) + " hit", verifier, token_for(key)));
  }
  print_table("Allocations: cache hits", rows);
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(r.status, Status::ok);
    EXPECT_TRUE(r.consistent);
    EXPECT_EQ(r.news_per_verify, 0.0);
    EXPECT_EQ(r.mallocs_per_verify, 0.0);
  }
}

TEST_F(ZeroAllocation, CacheInsertsAndEvictions) {
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, kid_for(Alg::HS256));
  auto set = KeySet::from_jwks(testkit::jwks({&hs}));
  ASSERT_TRUE(set.ok());
  // 8 entries and kRounds distinct tokens: most inserts evict.
  const Verifier verifier(fixed_policy(),
                          std::make_shared<KeyStore>(std::make_shared<const KeySet>(std::move(*set))),
                          VerifyCache{.entries = 8});
  std::vector<std::string> tokens;
  for (int i = 0; i <= kRounds; ++i) tokens.push_back(token_for(hs, kNow - i));
  Scratch scratch;
  Claims claims;
  ASSERT_EQ(verifier.verify(tokens[kRounds], scratch, claims), Status::ok);  // warm-up
  int failures = 0;
  const Counts c = counted([&] {
    for (int i = 0; i < kRounds; ++i) failures += verifier.verify(tokens[i], scratch, claims) != Status::ok;
  });
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(c.news, 0u);
  EXPECT_EQ(c.mallocs, 0u);
  std::printf("\nAllocations: %d cache inserts (HS256, 8 entries): new %llu, malloc %llu\n", kRounds,
              static_cast<unsigned long long>(c.news), static_cast<unsigned long long>(c.mallocs));
}

}  // namespace
}  // namespace jve

// tests/CMakeLists.txt links GTest::gtest without gtest_main: main is here.
int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
