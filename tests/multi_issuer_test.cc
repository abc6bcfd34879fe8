// MultiIssuerVerifier: routing by iss, per-issuer keys and policies, and
// rejection of unknown issuers before the header, key or signature is looked at.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "jve/jve.hpp"
#include "test_printers.h"
#include "testkit.h"

namespace jve {
namespace {

constexpr int64_t kNow = 1'700'000'000;

// The realistic payload with its iss replaced (|iss_json| is raw JSON, so a
// test can put a number there) or removed (empty).
std::string payload_with_iss(std::string_view iss_json) {
  std::string p = testkit::realistic_payload(kNow);
  const std::string member = "\"iss\":" + testkit::json_string(testkit::kIssuer);
  const size_t at = p.find(member);
  if (iss_json.empty()) {
    p.erase(at, member.size() + 1);  // and the comma after it
  } else {
    p.replace(at, member.size(), "\"iss\":" + std::string(iss_json));
  }
  return p;
}

std::string token_from(const testkit::SigningKey& key, std::string_view iss) {
  return testkit::sign(key, testkit::header_json(key.alg, key.kid),
                       payload_with_iss(testkit::json_string(iss)));
}

std::shared_ptr<KeyStore> store_of(const testkit::SigningKey& key) {
  return std::make_shared<KeyStore>(
      std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&key}))));
}

Policy base_policy() {
  Policy p;
  p.clock = [] { return kNow; };
  p.audiences = {std::string(testkit::kAudience)};
  return p;
}

class MultiIssuer : public testing::Test {
 protected:
  void SetUp() override {
    std::vector<MultiIssuerVerifier::Issuer> issuers;
    issuers.push_back({"https://a.example", base_policy(), store_of(a_)});
    Policy b_policy = base_policy();
    b_policy.audiences = {"only-for-b"};
    issuers.push_back({"https://b.example", b_policy, store_of(b_)});
    verifier_ = std::make_unique<MultiIssuerVerifier>(std::move(issuers));
  }

  Status verify(const std::string& token) { return verifier_->verify(token, scratch_, claims_); }

  testkit::SigningKey a_ = testkit::generate_key(Alg::ES256, "a-key");
  testkit::SigningKey b_ = testkit::generate_key(Alg::HS256, "b-key");
  std::unique_ptr<MultiIssuerVerifier> verifier_;
  Scratch scratch_;
  Claims claims_;
};

TEST_F(MultiIssuer, RoutesEachTokenToItsIssuer) {
  ASSERT_EQ(verify(token_from(a_, "https://a.example")), Status::ok);
  EXPECT_EQ(claims_.iss, "https://a.example");
  EXPECT_EQ(claims_.header.kid, "a-key");
  // B's policy wants another audience: B's rules apply to B's tokens.
  EXPECT_EQ(verify(token_from(b_, "https://b.example")), Status::bad_audience);
  EXPECT_EQ(verifier_->size(), 2u);
  ASSERT_NE(verifier_->find("https://b.example"), nullptr);
  EXPECT_EQ(verifier_->find("https://b.example")->policy().issuers,
            std::vector<std::string>{"https://b.example"});
  EXPECT_EQ(verifier_->find("https://c.example"), nullptr);
}

TEST_F(MultiIssuer, AnIssuerCannotUseAnotherIssuersKeys) {
  // Signed by A's key but claiming to come from B: B's store lacks A's kid.
  EXPECT_EQ(verify(token_from(a_, "https://b.example")), Status::key_not_found);
  // B's key, claiming A, with a kid A does not have either.
  EXPECT_EQ(verify(token_from(b_, "https://a.example")), Status::key_not_found);
}

TEST_F(MultiIssuer, EscapedIssuerMatchesItsText) {
  // JSON escapes are decoded before the lookup, as the claims check does.
  const std::string token = testkit::sign(a_, testkit::header_json(Alg::ES256, "a-key"),
                                          payload_with_iss("\"https:\\/\\/a.example\""));
  EXPECT_EQ(verify(token), Status::ok);
}

TEST_F(MultiIssuer, UnknownIssuerIsRejectedBeforeHeaderKeyAndSignature) {
  EXPECT_EQ(verify(token_from(a_, "https://evil.example")), Status::bad_issuer);
  EXPECT_EQ(verify(token_from(a_, "https://A.example")), Status::bad_issuer);  // case-sensitive
  // Nothing but the payload is read: a junk header, an unknown kid and a
  // signature that is not even base64url do not change the answer.
  const std::string payload_b64 =
      base64url::encode(payload_with_iss(testkit::json_string("https://evil.example")));
  EXPECT_EQ(verify("!!!." + payload_b64 + ".***"), Status::bad_issuer);
  int notified = 0;
  std::vector<MultiIssuerVerifier::Issuer> issuers;
  auto store = store_of(a_);
  store->set_unknown_kid_listener([&](std::string_view) { ++notified; });
  issuers.push_back({"https://a.example", base_policy(), store});
  const MultiIssuerVerifier one(std::move(issuers));
  const std::string other_kid = testkit::sign(
      a_, testkit::header_json(Alg::ES256, "nope"),
      payload_with_iss(testkit::json_string("https://evil.example")));
  EXPECT_EQ(one.verify(other_kid, scratch_, claims_), Status::bad_issuer);
  EXPECT_EQ(notified, 0);  // no key lookup happened
}

TEST_F(MultiIssuer, IssClaimMustBeAString) {
  auto with_iss = [&](std::string_view iss_json) {
    return testkit::sign(a_, testkit::header_json(Alg::ES256, "a-key"), payload_with_iss(iss_json));
  };
  EXPECT_EQ(verify(with_iss("")), Status::missing_claim);
  EXPECT_EQ(verify(with_iss("42")), Status::bad_claim);
  EXPECT_EQ(verify(with_iss("[\"https://a.example\"]")), Status::bad_claim);
  EXPECT_EQ(verify(with_iss("null")), Status::bad_claim);
}

TEST_F(MultiIssuer, HostilePayloadsGetSpecificStatuses) {
  const std::string header = base64url::encode(testkit::header_json(Alg::ES256, "a-key"));
  auto raw = [&](std::string_view payload_json) {
    return header + "." + base64url::encode(payload_json) + ".AAAA";
  };
  EXPECT_EQ(verify(raw("not json")), Status::bad_json);
  EXPECT_EQ(verify(raw("[1,2]")), Status::bad_json);
  EXPECT_EQ(verify(raw("{\"iss\":\"https://a.example\",\"iss\":\"https://b.example\"}")),
            Status::duplicate_member);
  EXPECT_EQ(verify(raw(std::string(100, '[') + std::string(100, ']'))), Status::too_deep);
  EXPECT_EQ(verify(header + ".%%%%.AAAA"), Status::bad_base64);
  EXPECT_EQ(verify("a.b"), Status::malformed);
  EXPECT_EQ(verify("a.b.c.d"), Status::malformed);
  EXPECT_EQ(verify(""), Status::malformed);
  EXPECT_EQ(verify(std::string(16 * 1024 + 1, 'a')), Status::too_large);
  // A forged signature on a known issuer still fails the signature check.
  EXPECT_EQ(verify(testkit::tamper_signature(token_from(a_, "https://a.example"))),
            Status::bad_signature);
}

TEST_F(MultiIssuer, EachIssuersLimitsStillApply) {
  // The routing parse uses the largest limits; the chosen issuer's own
  // (smaller) depth and size limits are applied again.
  Policy shallow = base_policy();
  shallow.max_json_depth = 1;  // tenant and roles nest to depth 2
  Policy small = base_policy();
  small.max_token_bytes = 200;
  std::vector<MultiIssuerVerifier::Issuer> issuers;
  issuers.push_back({"https://a.example", base_policy(), store_of(a_)});
  issuers.push_back({"https://shallow.example", shallow, store_of(a_)});
  issuers.push_back({"https://small.example", small, store_of(a_)});
  const MultiIssuerVerifier v(std::move(issuers));
  EXPECT_EQ(v.verify(token_from(a_, "https://a.example"), scratch_, claims_), Status::ok);
  EXPECT_EQ(v.verify(token_from(a_, "https://shallow.example"), scratch_, claims_), Status::too_deep);
  EXPECT_EQ(v.verify(token_from(a_, "https://small.example"), scratch_, claims_), Status::too_large);
}

// Built with += : GCC 12 warns falsely (-Wrestrict) on "lit" + to_string().
std::string numbered(std::string_view prefix, int i, std::string_view suffix = {}) {
  std::string s(prefix);
  s += std::to_string(i);
  s += suffix;
  return s;
}
std::string issuer_name(int i) { return numbered("https://issuer-", i, ".example"); }

TEST_F(MultiIssuer, ManyIssuersEachVerifyTheirOwnTokens) {
  std::vector<testkit::SigningKey> keys;
  std::vector<MultiIssuerVerifier::Issuer> issuers;
  for (int i = 0; i < 100; ++i) {
    keys.push_back(testkit::generate_key(Alg::HS256, numbered("k", i)));
    issuers.push_back({issuer_name(i), base_policy(), store_of(keys.back())});
  }
  const MultiIssuerVerifier v(std::move(issuers));
  for (int i = 0; i < 100; ++i) {
    const std::string iss = issuer_name(i);
    SCOPED_TRACE(iss);
    EXPECT_EQ(v.verify(token_from(keys[i], iss), scratch_, claims_), Status::ok);
    EXPECT_EQ(claims_.iss, iss);
    // The next issuer's key is not this issuer's.
    EXPECT_EQ(v.verify(token_from(keys[(i + 1) % 100], iss), scratch_, claims_),
              Status::key_not_found);
  }
}

TEST(MultiIssuerConfig, RefusesBadIssuerLists) {
  const testkit::SigningKey k = testkit::generate_key(Alg::HS256, "k");
  using Issuers = std::vector<MultiIssuerVerifier::Issuer>;
  EXPECT_THROW(MultiIssuerVerifier(Issuers{}), std::invalid_argument);
  EXPECT_THROW(MultiIssuerVerifier(Issuers{{"", base_policy(), store_of(k)}}), std::invalid_argument);
  EXPECT_THROW(MultiIssuerVerifier(Issuers{{"x", base_policy(), nullptr}}), std::invalid_argument);
  EXPECT_THROW(MultiIssuerVerifier(Issuers{{"x", base_policy(), store_of(k)},
                                           {"x", base_policy(), store_of(k)}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace jve
