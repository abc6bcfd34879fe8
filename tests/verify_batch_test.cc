// Verifier::verify_batch gives, token for token, what verify() gives: the
// same Status and the same claims, on a batch mixing HS256 under several
// keys with other algorithms, bad signatures, expired, malformed and empty
// tokens, in many orders, on every HS256 kernel the CPU runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "crypto/hs256_batch.h"
#include "jve/jve.hpp"
#include "test_printers.h"
#include "testkit.h"

namespace jve {
namespace {

using testkit::SigningKey;

constexpr int64_t kNow = 1'700'000'000;

std::string payload(std::string_view sub, int64_t exp, size_t pad = 0) {
  return "{\"iss\":\"" + std::string(testkit::kIssuer) + "\",\"aud\":\"" +
         std::string(testkit::kAudience) + "\",\"sub\":\"" + std::string(sub) +
         "\",\"exp\":" + std::to_string(exp) + ",\"pad\":\"" + std::string(pad, 'p') + "\"}";
}

class VerifyBatch : public testing::Test {
 protected:
  VerifyBatch() {
    for (const char* kid : {"hs1", "hs2", "hs3"}) keys_.push_back(testkit::generate_key(Alg::HS256, kid));
    keys_.push_back(testkit::generate_key(Alg::HS384, "hs384"));
    keys_.push_back(testkit::generate_key(Alg::ES256, "es"));
    auto set = KeySet::from_jwks(testkit::jwks(keys_));
    EXPECT_TRUE(set.ok());
    store_ = std::make_shared<KeyStore>(std::make_shared<const KeySet>(std::move(*set)));
    Policy p;
    p.issuers = {std::string(testkit::kIssuer)};
    p.audiences = {std::string(testkit::kAudience)};
    p.clock = [] { return kNow; };
    verifier_ = std::make_unique<Verifier>(p, store_);
    tokens_ = mixed_tokens();
  }

  std::string sign(size_t key, std::string_view body) {
    const SigningKey& k = keys_[key];
    return testkit::sign(k, testkit::header_json(k.alg, k.kid), body);
  }

  std::vector<std::string> mixed_tokens() {
    std::vector<std::string> t;
    // Good HS256 under each key, lengths around block edges (the payload pad).
    for (size_t pad = 0; pad < 70; pad += 3) {
      std::string sub = "s";
      sub += std::to_string(pad);  // (not "s" + ...: GCC 12 warns -Wrestrict on that)
      t.push_back(sign(pad % 3, payload(sub, kNow + 60, pad)));
    }
    t.push_back(sign(3, payload("hs384", kNow + 60)));
    t.push_back(sign(4, payload("es", kNow + 60)));
    t.push_back(testkit::tamper_signature(sign(0, payload("tampered", kNow + 60))));
    t.push_back(testkit::tamper_signature(sign(4, payload("tampered-es", kNow + 60))));
    t.push_back(sign(1, payload("expired", kNow - 1)));
    // Signed with hs2's secret, naming hs1: the wrong key's tag.
    t.push_back(testkit::sign(keys_[1], testkit::header_json(Alg::HS256, "hs1"), payload("wrong", kNow + 60)));
    t.push_back(testkit::sign(keys_[0], testkit::header_json(Alg::HS256, "nope"), payload("kid", kNow + 60)));
    t.push_back("");
    t.push_back("a.b");
    {  // A payload segment of 5 characters cannot be base64url.
      std::string bad = sign(0, payload("b64", kNow + 60));
      bad.replace(bad.find('.') + 1, bad.rfind('.') - bad.find('.') - 1, "e30ab");
      t.push_back(bad);
    }
    t.push_back(sign(2, "{not json"));
    return t;
  }

  // Runs the batch over |order| and compares each token with verify().
  void expect_same_as_single(const std::vector<std::string>& tokens) {
    const size_t n = tokens.size();
    std::vector<std::string_view> views(tokens.begin(), tokens.end());
    std::vector<Scratch> scratches(n);
    std::vector<Status> statuses(n, Status::internal_error);
    std::vector<Claims> claims(n);
    verifier_->verify_batch(views, scratches, statuses, claims);
    Scratch single_scratch;
    Claims single;
    size_t ok = 0;
    for (size_t i = 0; i < n; ++i) {
      SCOPED_TRACE(testing::Message() << "token " << i << " '" << std::string_view(tokens[i]).substr(0, 40) << "...'");
      // Claims of the batch are read after the whole batch ran: their
      // views into the batch's scratches must still hold.
      const Status want = verifier_->verify(tokens[i], single_scratch, single);
      ASSERT_EQ(statuses[i], want);
      EXPECT_EQ(claims[i].header.alg, single.header.alg);
      EXPECT_EQ(claims[i].header.kid, single.header.kid);
      EXPECT_EQ(claims[i].header.json, single.header.json);
      if (want != Status::ok) continue;
      ++ok;
      EXPECT_EQ(claims[i].json(), single.json());
      EXPECT_EQ(claims[i].sub, single.sub);
      EXPECT_EQ(claims[i].exp, single.exp);
      EXPECT_EQ(claims[i].get_string("pad"), single.get_string("pad"));
    }
    EXPECT_GT(ok, 0u);
  }

  std::vector<SigningKey> keys_;
  std::shared_ptr<KeyStore> store_;
  std::unique_ptr<Verifier> verifier_;
  std::vector<std::string> tokens_;
};

TEST_F(VerifyBatch, SameVerdictsAndClaimsAsSingleVerifies) {
  expect_same_as_single(tokens_);
  // The mix really is mixed: each kind of failure is there.
  Scratch s;
  Claims c;
  std::vector<Status> got;
  for (const std::string& t : tokens_) got.push_back(verifier_->verify(t, s, c));
  for (Status want : {Status::ok, Status::bad_signature, Status::expired, Status::key_not_found,
                      Status::malformed, Status::bad_base64, Status::bad_json}) {
    EXPECT_NE(std::find(got.begin(), got.end(), want), got.end()) << to_string(want);
  }
}

// Orders and sizes: shuffled, and cut into batches of 1 to 40 tokens (more
// than one chunk), on each HS256 kernel.
TEST_F(VerifyBatch, AnyOrderAnySizeEveryKernel) {
  const std::string saved(crypto::active_hs256_kernel());
  std::mt19937 rng(15);
  for (std::string_view kernel : crypto::available_hs256_kernels()) {
    SCOPED_TRACE(std::string(kernel));
    ASSERT_TRUE(crypto::force_hs256_kernel(kernel));
    for (int round = 0; round < 10; ++round) {
      std::vector<std::string> t = tokens_;
      t.insert(t.end(), tokens_.begin(), tokens_.end());  // 2 chunks and more
      std::shuffle(t.begin(), t.end(), rng);
      t.resize(1 + rng() % t.size());
      expect_same_as_single(t);
    }
  }
  crypto::force_hs256_kernel(saved);
}

TEST_F(VerifyBatch, SpansShorterThanTheTokensAreInternalError) {
  std::vector<std::string_view> views(tokens_.begin(), tokens_.begin() + 3);
  std::vector<Scratch> scratches(2);
  std::vector<Status> statuses(3, Status::ok);
  std::vector<Claims> claims(3);
  verifier_->verify_batch(views, scratches, statuses, claims);
  for (Status s : statuses) EXPECT_EQ(s, Status::internal_error);
  // An empty batch does nothing.
  verifier_->verify_batch({}, {}, {}, {});
}

// Unknown kids reach the listener once each, after the batch's snapshot is
// released: a listener that replaces the set does not deadlock.
TEST_F(VerifyBatch, UnknownKidsAreReportedAndMayReplaceTheSet) {
  std::vector<std::string> seen;
  store_->set_unknown_kid_listener([&](std::string_view kid) {
    seen.emplace_back(kid);
    store_->replace(store_->snapshot());
  });
  std::vector<std::string> t = {tokens_[0],
                                testkit::sign(keys_[0], testkit::header_json(Alg::HS256, "new1"), payload("a", kNow + 60)),
                                tokens_[1],
                                testkit::sign(keys_[0], testkit::header_json(Alg::HS256, "new2"), payload("b", kNow + 60))};
  std::vector<std::string_view> views(t.begin(), t.end());
  std::vector<Scratch> scratches(t.size());
  std::vector<Status> statuses(t.size());
  std::vector<Claims> claims(t.size());
  verifier_->verify_batch(views, scratches, statuses, claims);
  EXPECT_EQ(statuses[0], Status::ok);
  EXPECT_EQ(statuses[1], Status::key_not_found);
  EXPECT_EQ(statuses[2], Status::ok);
  EXPECT_EQ(statuses[3], Status::key_not_found);
  EXPECT_EQ(seen, (std::vector<std::string>{"new1", "new2"}));
}

// With a verified-token cache the batch takes verify() per token: the same
// verdicts, and the second batch hits.
TEST_F(VerifyBatch, WithCacheSameVerdicts) {
  Verifier cached(verifier_->policy(), store_, VerifyCache{});
  std::vector<std::string_view> views(tokens_.begin(), tokens_.end());
  std::vector<Scratch> scratches(views.size());
  std::vector<Status> statuses(views.size());
  std::vector<Claims> claims(views.size());
  for (int round = 0; round < 2; ++round) {
    cached.verify_batch(views, scratches, statuses, claims);
    Scratch s;
    Claims c;
    for (size_t i = 0; i < views.size(); ++i) EXPECT_EQ(statuses[i], verifier_->verify(views[i], s, c)) << i;
  }
}

}  // namespace
}  // namespace jve
