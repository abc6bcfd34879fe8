#include "jve/claims.h"

#include <gtest/gtest.h>

#include "jve/jve.hpp"
#include "testkit.h"

namespace jve {
namespace {

constexpr int64_t kNow = 1'700'000'000;

class ClaimsView : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = testkit::generate_key(Alg::EdDSA, "ed");
    auto set = KeySet::from_jwks(testkit::jwks({&key_}));
    ASSERT_TRUE(set.ok());
    Policy p;
    p.clock = [] { return kNow; };
    p.audiences = {"a2"};
    verifier_ = std::make_unique<Verifier>(p, std::make_shared<const KeySet>(std::move(*set)));
  }
  testkit::SigningKey key_ = testkit::generate_key(Alg::HS256);
  std::unique_ptr<Verifier> verifier_;
  Scratch scratch_;
  Claims claims_;
};

TEST_F(ClaimsView, ExposesRegisteredAndCustomClaims) {
  const std::string payload =
      "{\"iss\":\"me\",\"sub\":\"u1\",\"jti\":\"j\",\"aud\":[\"a1\",\"a2\"],\"exp\":1700000100.5,"
      "\"nbf\":1699999000,\"iat\":1699999000,\"admin\":true,\"n\":42,\"f\":1.25,"
      "\"s\":\"caf\\u00e9\",\"o\":{\"k\":[1,2]},\"z\":null}";
  const std::string token = testkit::sign(key_, testkit::header_json(Alg::EdDSA, "ed", "at+jwt"), payload);
  ASSERT_EQ(verifier_->verify(token, scratch_, claims_), Status::ok);
  EXPECT_EQ(claims_.header.alg, Alg::EdDSA);
  EXPECT_EQ(claims_.header.kid, "ed");
  EXPECT_EQ(claims_.header.typ, "at+jwt");
  EXPECT_EQ(claims_.iss, "me");
  EXPECT_EQ(claims_.sub, "u1");
  EXPECT_EQ(claims_.jti, "j");
  EXPECT_DOUBLE_EQ(*claims_.exp, 1700000100.5);
  EXPECT_DOUBLE_EQ(*claims_.nbf, 1699999000);
  ASSERT_EQ(claims_.audience_count(), 2u);
  EXPECT_EQ(claims_.audience(0), "a1");
  EXPECT_EQ(claims_.audience(1), "a2");
  EXPECT_EQ(claims_.audience(2), "");
  EXPECT_EQ(claims_.get_bool("admin"), true);
  EXPECT_EQ(claims_.get_int("n"), 42);
  EXPECT_EQ(claims_.get_int("f"), std::nullopt);
  EXPECT_DOUBLE_EQ(*claims_.get_number("f"), 1.25);
  EXPECT_DOUBLE_EQ(*claims_.get_number("n"), 42);
  EXPECT_EQ(claims_.get_string("s"), "caf\xC3\xA9");
  EXPECT_EQ(claims_.get_string("n"), std::nullopt);
  EXPECT_EQ(claims_.type("o"), ClaimType::object);
  EXPECT_EQ(claims_.type("z"), ClaimType::null);
  EXPECT_EQ(claims_.type("missing"), ClaimType::absent);
  std::string json;
  ASSERT_TRUE(claims_.get_json("o", json));
  EXPECT_EQ(json, "{\"k\":[1,2]}");
  EXPECT_FALSE(claims_.get_json("missing", json));
  EXPECT_EQ(claims_.json(), payload);
}

TEST_F(ClaimsView, CountsAStringAudienceAsOneEntry) {
  const std::string token = testkit::sign(key_, testkit::header_json(Alg::EdDSA, "ed"),
                                          "{\"aud\":\"a2\",\"exp\":1700000100}");
  ASSERT_EQ(verifier_->verify(token, scratch_, claims_), Status::ok);
  ASSERT_EQ(claims_.audience_count(), 1u);
  EXPECT_EQ(claims_.audience(0), "a2");
}

TEST_F(ClaimsView, IsEmptyAfterAFailedVerify) {
  EXPECT_EQ(verifier_->verify("x.y.z", scratch_, claims_), Status::bad_base64);
  EXPECT_EQ(claims_.type("aud"), ClaimType::absent);
  EXPECT_FALSE(claims_.iss);
}

}  // namespace
}  // namespace jve
