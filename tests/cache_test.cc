// The verified-token cache (jve/cache.h, issue 14): a hit returns what a miss
// returns, and never accepts what a fresh verify would refuse.
#include <gtest/gtest.h>

#include "jve/revocation.h"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "jve/jve.hpp"
#include "testkit.h"
#include "verify/scratch_impl.h"

namespace jve {
namespace {

constexpr int64_t kNow = 1'700'000'000;

uint64_t hits(Scratch& s) { return detail::ScratchAccess::impl(s).cache_hits; }

class TokenCache : public ::testing::Test {
 protected:
  TokenCache()
      : es_(testkit::generate_key(Alg::ES256, "es")),
        hs_(testkit::generate_key(Alg::HS256, "hs")),
        set_both_(std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&es_, &hs_})))),
        set_hs_(std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&hs_})))),
        store_(std::make_shared<KeyStore>(set_both_)) {}

  Policy policy() {
    Policy p;
    p.issuers = {std::string(testkit::kIssuer)};
    p.audiences = {std::string(testkit::kAudience)};
    p.clock = [this] { return now_.load(); };
    return p;
  }
  std::unique_ptr<Verifier> cached(Policy p, VerifyCache c = {}) {
    return std::make_unique<Verifier>(std::move(p), store_, c);
  }
  // A token of |key| whose payload is |members| plus iss and aud.
  std::string token(const testkit::SigningKey& key, const std::string& members) {
    const std::string payload = "{\"iss\":\"" + std::string(testkit::kIssuer) + "\",\"aud\":\"" +
                                std::string(testkit::kAudience) + "\"," + members + "}";
    return testkit::sign(key, testkit::header_json(key.alg, key.kid), payload);
  }
  std::string es_token(int64_t exp = kNow + 60, const std::string& extra = "") {
    return token(es_, "\"exp\":" + std::to_string(exp) + extra);
  }

  testkit::SigningKey es_, hs_;
  std::shared_ptr<const KeySet> set_both_, set_hs_;
  std::shared_ptr<KeyStore> store_;
  std::atomic<int64_t> now_{kNow};
  Scratch scratch_;
  Claims claims_;
};

TEST_F(TokenCache, HitReturnsWhatAMissReturns) {
  auto v = cached(policy());
  const std::string t = es_token(kNow + 60,
      ",\"sub\":\"u1\",\"jti\":\"j\",\"iat\":1699999990,\"name\":\"Ann \\u00e9\","
      "\"org\":{\"team\":\"core\",\"ids\":[1,2.5,\"x\"]},\"scope\":\"a b\",\"n\":-3");
  ASSERT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 0u);
  const std::string json = std::string(claims_.json());
  const std::string header = std::string(claims_.header.json);
  std::string org;
  ASSERT_TRUE(claims_.get_json("org", org));

  // The second verify is a hit, on a scratch whose buffers were overwritten
  // by another token in between.
  ASSERT_EQ(v->verify(es_token(kNow + 61), scratch_, claims_), Status::ok);
  ASSERT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 1u);
  EXPECT_EQ(claims_.json(), json);
  EXPECT_EQ(claims_.header.json, header);
  EXPECT_EQ(claims_.header.alg, Alg::ES256);
  EXPECT_EQ(claims_.header.kid, "es");
  EXPECT_EQ(claims_.exp, kNow + 60);
  EXPECT_EQ(claims_.iat, 1699999990);
  EXPECT_EQ(claims_.iss, testkit::kIssuer);
  EXPECT_EQ(claims_.sub, "u1");
  EXPECT_EQ(claims_.jti, "j");
  ASSERT_EQ(claims_.audience_count(), 1u);
  EXPECT_EQ(claims_.audience(0), testkit::kAudience);
  EXPECT_EQ(claims_.get_string("name"), "Ann \xc3\xa9");
  EXPECT_EQ(claims_.get_int("n"), -3);
  EXPECT_EQ(claims_.type("org"), ClaimType::object);
  std::string org2;
  ASSERT_TRUE(claims_.get_json("org", org2));
  EXPECT_EQ(org2, org);

  // Authorization reads the restored parse through JSON pointers.
  using namespace require;
  auto req = Requirement::compile(all_of({scopes({"b"}, {"/scope"}),
                                          claim("/org/team").equals("core"),
                                          claim("/org/ids/2").equals("x")}));
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(authorize(claims_, *req), Status::ok);
  auto deny = Requirement::compile(claim("/org/team").equals("edge"));
  ASSERT_TRUE(deny.ok());
  EXPECT_EQ(authorize(claims_, *deny), Status::forbidden);
}

TEST_F(TokenCache, OnlyAcceptedTokensAreCached) {
  auto v = cached(policy());
  const std::string t = es_token();
  const std::string bad_sig = t.substr(0, t.size() - 4) + (t.substr(t.size() - 4) == "AAAA" ? "BBBB" : "AAAA");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(v->verify(bad_sig, scratch_, claims_), Status::bad_signature);
  const std::string expired = es_token(kNow - 1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(v->verify(expired, scratch_, claims_), Status::expired);
  EXPECT_EQ(hits(scratch_), 0u);
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);  // a miss
  EXPECT_EQ(hits(scratch_), 0u);
  EXPECT_EQ(claims_.sub, std::nullopt);
}

// The empty token reaches the cache's hash with a null data(): the service
// sends it for "Authorization: Bearer " and the sanitizer build aborts on a
// null memcpy there.
TEST_F(TokenCache, EmptyAndTinyTokensGetTheUncachedVerdict) {
  auto v = cached(policy());
  std::vector<MultiIssuerVerifier::Issuer> issuers;
  issuers.push_back({std::string(testkit::kIssuer), policy(), store_});
  const MultiIssuerVerifier m(std::move(issuers), VerifyCache{});
  const Verifier plain(policy(), store_);
  for (std::string_view t : {std::string_view{}, std::string_view{""}, std::string_view{"."},
                             std::string_view{"a.b"}, std::string_view{"a.b.c"}}) {
    const Status want = plain.verify(t, scratch_, claims_);
    EXPECT_NE(want, Status::ok);
    if (t.size() < 4) {
      EXPECT_EQ(want, Status::malformed) << "'" << t << "'";
    }
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(v->verify(t, scratch_, claims_), want) << "'" << t << "'";
      EXPECT_EQ(m.verify(t, scratch_, claims_), want) << "'" << t << "'";
    }
  }
  EXPECT_EQ(hits(scratch_), 0u);
}

TEST_F(TokenCache, TokenExpiringWhileCachedIsExpiredAtExpPlusLeeway) {
  Policy p = policy();
  p.leeway_seconds = 5;
  auto v = cached(p);
  const std::string t = es_token(kNow + 60);
  ASSERT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  now_ = kNow + 64;  // exp + leeway - 1
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 1u);
  now_ = kNow + 65;  // exp + leeway: the first verify refused
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::expired);
  EXPECT_EQ(hits(scratch_), 2u);  // refused by the hit path's own stage 8
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::expired);
  now_ = kNow;  // a clock moved back accepts it again, as a fresh verify would
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);
}

// A revocation made while a token is cached applies to the next verify:
// the hit runs stage 8, which ends with the revocation check.
TEST_F(TokenCache, RevocationAppliesToCachedTokens) {
  Policy p = policy();
  auto list = std::make_shared<RevocationList>();
  p.revocation = list;
  auto v = cached(p);
  const std::string t = es_token(kNow + 60, ",\"jti\":\"j-1\",\"sub\":\"u1\",\"iat\":" + std::to_string(kNow - 10));
  const std::string other = es_token(kNow + 60, ",\"jti\":\"j-2\",\"sub\":\"u2\"");
  ASSERT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  ASSERT_EQ(v->verify(other, scratch_, claims_), Status::ok);
  ASSERT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  const uint64_t before = hits(scratch_);
  EXPECT_GE(before, 1u);
  list->add(std::vector{Revocation{Revocation::Kind::jti, std::string(testkit::kIssuer), "j-1", 0, kNow + 3600}},
            kNow);
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::revoked);
  EXPECT_EQ(hits(scratch_), before + 1);  // refused on the hit path
  EXPECT_EQ(v->verify(other, scratch_, claims_), Status::ok);
  // A subject cut-off after the token's iat revokes it too.
  list->add(std::vector{Revocation{Revocation::Kind::subject, "", "u2", kNow + 1, kNow + 3600}}, kNow);
  EXPECT_EQ(v->verify(other, scratch_, claims_), Status::revoked);
}

TEST_F(TokenCache, NotBeforeInTheFutureThenReached) {
  auto v = cached(policy());
  const std::string t = es_token(kNow + 600, ",\"nbf\":" + std::to_string(kNow + 30));
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::not_yet_valid);
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::not_yet_valid);
  now_ = kNow + 30;
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 0u);
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 1u);
  now_ = kNow + 29;  // back before nbf: refused from the cache too
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::not_yet_valid);
}

TEST_F(TokenCache, MaxAgeIsRecheckedOnAHit) {
  Policy p = policy();
  p.max_age_seconds = 100;
  auto v = cached(p);
  const std::string t = es_token(kNow + 600, ",\"iat\":" + std::to_string(kNow));
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  now_ = kNow + 101;
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::too_old);
  EXPECT_EQ(hits(scratch_), 2u);
}

TEST_F(TokenCache, ReplacingTheKeySetInvalidatesEntries) {
  auto v = cached(policy());
  const std::string t_es = es_token();
  const std::string t_hs = token(hs_, "\"exp\":" + std::to_string(kNow + 60));
  ASSERT_EQ(v->verify(t_es, scratch_, claims_), Status::ok);
  ASSERT_EQ(v->verify(t_hs, scratch_, claims_), Status::ok);
  ASSERT_EQ(v->verify(t_es, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 1u);
  store_->replace(set_hs_);  // the ES key is gone
  EXPECT_EQ(v->verify(t_es, scratch_, claims_), Status::key_not_found);
  EXPECT_EQ(v->verify(t_hs, scratch_, claims_), Status::ok);  // a miss: new set
  EXPECT_EQ(hits(scratch_), 1u);
  EXPECT_EQ(v->verify(t_hs, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 2u);
}

TEST_F(TokenCache, TwoPoliciesSharingAScratchNeverShareEntries) {
  Policy other = policy();
  other.audiences = {"https://other.example"};
  auto a = cached(policy());
  auto b = cached(other);
  const Verifier plain(policy(), store_);
  const std::string t = es_token();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(a->verify(t, scratch_, claims_), Status::ok);
    EXPECT_EQ(claims_.iss, testkit::kIssuer);
    EXPECT_EQ(b->verify(t, scratch_, claims_), Status::bad_audience);
    EXPECT_EQ(plain.verify(t, scratch_, claims_), Status::ok);
  }
  EXPECT_EQ(hits(scratch_), 2u);
}

TEST_F(TokenCache, TokensDifferingInOneByteNeverHit) {
  auto v = cached(policy());
  const std::string t = token(hs_, "\"exp\":" + std::to_string(kNow + 60));
  ASSERT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  const uint64_t before = hits(scratch_);
  for (size_t i = 0; i < t.size(); ++i) {
    std::string u = t;
    u[i] = u[i] == 'A' ? 'B' : (u[i] == '.' ? 'x' : 'A');
    EXPECT_NE(v->verify(u, scratch_, claims_), Status::ok) << i;
  }
  EXPECT_EQ(hits(scratch_), before);
  EXPECT_NE(v->verify(t + "A", scratch_, claims_), Status::ok);
  EXPECT_NE(v->verify(t.substr(0, t.size() - 1), scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), before);
  EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), before + 1);
}

TEST_F(TokenCache, TokensOverTheSizeBoundAreNotCached) {
  const std::string t = es_token();
  auto v = cached(policy(), VerifyCache{.entries = 64, .max_token_bytes = t.size() - 1});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 0u);
  // An entry too small for the token and its parse: not cached either.
  auto small = cached(policy(), VerifyCache{.entries = 64, .entry_bytes = 256});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(small->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 0u);
  // At the bound: cached.
  auto exact = cached(policy(), VerifyCache{.entries = 64, .max_token_bytes = t.size()});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(exact->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 2u);
}

TEST_F(TokenCache, EvictsAtCapacity) {
  auto v = cached(policy(), VerifyCache{.entries = 8});
  std::vector<std::string> tokens;
  for (int i = 0; i < 100; ++i)
    tokens.push_back(token(hs_, "\"exp\":" + std::to_string(kNow + 60) + ",\"i\":" + std::to_string(i)));
  for (const auto& t : tokens) ASSERT_EQ(v->verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 0u);
  // The last insert is always present; at most |entries| tokens are.
  ASSERT_EQ(v->verify(tokens.back(), scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 1u);
  for (const auto& t : tokens) {
    ASSERT_EQ(v->verify(t, scratch_, claims_), Status::ok);
    EXPECT_EQ(claims_.get_int("i"), &t - tokens.data());
  }
  EXPECT_LE(hits(scratch_), 1u + 8u);
}

// admit_on_second_verify: a token is inserted on its second successful
// verify on a Scratch, so the third is the first hit; tokens seen once are
// never inserted and do not evict repeated ones.
TEST_F(TokenCache, AdmissionOnTheSecondVerify) {
  const Verifier v(policy(), store_, VerifyCache{.entries = 4, .admit_on_second_verify = true});
  const std::string t = es_token();
  for (int i = 0; i < 2; ++i) EXPECT_EQ(v.verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 0u);
  EXPECT_EQ(v.verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 1u);
  // A scan of one-shot tokens through a 4-entry cache leaves it in place.
  for (int i = 0; i < 50; ++i)
    ASSERT_EQ(v.verify(es_token(kNow + 100 + i), scratch_, claims_), Status::ok);
  EXPECT_EQ(v.verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 2u);
  // The filter is per Scratch: another thread's Scratch has not seen |t|,
  // but the shared entry serves it.
  Scratch other;
  EXPECT_EQ(v.verify(t, other, claims_), Status::ok);
  EXPECT_EQ(hits(other), 1u);
  EXPECT_EQ(v.verify(t, other, claims_), Status::ok);
  EXPECT_EQ(hits(other), 2u);
  EXPECT_EQ(v.verify(t, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 3u);
}

// A hit copies a parse into the Scratch's parser: that parser must be sized
// for the policy's limit, not for the last document it parsed (a Scratch
// that has only parsed a small payload, then a hit of a large one: an
// overflow under ASan before StrictParser::reserve sized the document).
TEST_F(TokenCache, HitOfALargePayloadOnAScratchThatParsedSmallOnes) {
  auto v = cached(policy(), VerifyCache{.entries = 8, .max_token_bytes = 8192, .entry_bytes = 16384});
  std::string ones = "1";
  for (int i = 0; i < 100; ++i) ones += ",1";
  const std::string big =
      es_token(kNow + 60, ",\"pad\":\"" + std::string(3000, 'x') + "\",\"s\":[" + ones + "]");
  Scratch first;
  ASSERT_EQ(v->verify(big, first, claims_), Status::ok);  // inserted
  Scratch fresh;
  ASSERT_EQ(v->verify(es_token(kNow + 5), fresh, claims_), Status::ok);  // a small parse
  ASSERT_EQ(v->verify(big, fresh, claims_), Status::ok);
  EXPECT_EQ(hits(fresh), 1u);
  EXPECT_EQ(claims_.get_string("pad"), std::string(3000, 'x'));
  Scratch never_used;  // a hit as the very first verify of a Scratch
  ASSERT_EQ(v->verify(big, never_used, claims_), Status::ok);
  EXPECT_EQ(hits(never_used), 1u);
}

TEST_F(TokenCache, RefusesBadOptions) {
  EXPECT_THROW(cached(policy(), VerifyCache{.entries = 0}), std::invalid_argument);
  EXPECT_THROW(cached(policy(), VerifyCache{.entry_bytes = 8}), std::invalid_argument);
  EXPECT_THROW(cached(policy(), VerifyCache{.max_token_bytes = 0}), std::invalid_argument);
  EXPECT_EQ(cache_bytes(VerifyCache{.entries = 0}), 0u);
  EXPECT_EQ(cache_bytes(VerifyCache{.entries = 10000, .entry_bytes = 3072}), 10000u * (3072 + 64));
}

TEST_F(TokenCache, MultiIssuerHitsAndInvalidatesPerIssuer) {
  auto store_b = std::make_shared<KeyStore>(set_hs_);
  std::vector<MultiIssuerVerifier::Issuer> issuers;
  Policy pa = policy();
  issuers.push_back({std::string(testkit::kIssuer), pa, store_});
  Policy pb = policy();
  pb.audiences = {"https://b.example"};
  issuers.push_back({"https://b.example/", pb, store_b});
  const MultiIssuerVerifier m(std::move(issuers),
                              VerifyCache{.entries = 64});
  const std::string ta = es_token();
  const std::string tb = testkit::sign(
      hs_, testkit::header_json(Alg::HS256, "hs"),
      "{\"iss\":\"https://b.example/\",\"aud\":\"https://b.example\",\"exp\":" +
          std::to_string(kNow + 60) + "}");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(m.verify(ta, scratch_, claims_), Status::ok);
    EXPECT_EQ(claims_.iss, testkit::kIssuer);
    EXPECT_EQ(m.verify(tb, scratch_, claims_), Status::ok);
    EXPECT_EQ(claims_.iss, "https://b.example/");
  }
  EXPECT_EQ(hits(scratch_), 2u);
  store_->replace(set_hs_);  // issuer a loses the ES key; b's entry stays
  EXPECT_EQ(m.verify(ta, scratch_, claims_), Status::key_not_found);
  EXPECT_EQ(m.verify(tb, scratch_, claims_), Status::ok);
  EXPECT_EQ(hits(scratch_), 3u);
  now_ = kNow + 60;
  EXPECT_EQ(m.verify(tb, scratch_, claims_), Status::expired);
}

// Many threads over a small cache: hits, inserts and evictions race, and
// the key set is replaced meanwhile. Every verdict must be ok with the
// claims of the token asked about. (Run under TSan as tsan.TokenCacheThreads.*.)
TEST(TokenCacheThreads, ManyThreadsHitInsertAndEvict) {
  testkit::SigningKey key = testkit::generate_key(Alg::HS256, "k");
  auto set = std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&key})));
  auto store = std::make_shared<KeyStore>(set);
  Policy p;
  p.clock = [] { return kNow; };
  p.check_audience = false;
  const Verifier v(p, store, VerifyCache{.entries = 16});
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i)
    tokens.push_back(testkit::sign(key, testkit::header_json(Alg::HS256, "k"),
                                   "{\"exp\":" + std::to_string(kNow + 60) + ",\"i\":" +
                                       std::to_string(i) + ",\"pad\":\"" + std::string(i, 'p') + "\"}"));
  std::atomic<int> wrong{0};
  std::atomic<uint64_t> total_hits{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop.load()) {
      store->replace(set);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      Scratch scratch;
      Claims claims;
      for (int n = 0; n < 4000; ++n) {
        // Skewed: most requests repeat a few tokens.
        const size_t i = (n % 3 == 0) ? static_cast<size_t>(n * 7 + t) % tokens.size()
                                      : static_cast<size_t>(n % 4);
        if (v.verify(tokens[i], scratch, claims) != Status::ok ||
            claims.get_int("i") != static_cast<int64_t>(i) ||
            claims.get_string("pad") != std::string(i, 'p'))
          wrong++;
      }
      total_hits += hits(scratch);
    });
  }
  for (auto& r : readers) r.join();
  stop = true;
  writer.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(total_hits.load(), 0u);
}

}  // namespace
}  // namespace jve
