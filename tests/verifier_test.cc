// The bad-input table: every rule under "Security rules" in docs/design.md, each
// with the exact status expected, plus the happy paths next to them.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "jve/jve.hpp"
#include "testkit.h"

namespace jve {
namespace {

using testkit::SigningKey;

constexpr int64_t kNow = 1'700'000'000;

std::string b64(std::string_view s) { return base64url::encode(s); }

// A payload that passes the default fixture policy.
std::string good_payload(std::string_view extra = "") {
  std::string p = "{\"iss\":\"" + std::string(testkit::kIssuer) + "\",\"aud\":\"" +
                  std::string(testkit::kAudience) + "\",\"exp\":" + std::to_string(kNow + 60);
  if (!extra.empty()) p += "," + std::string(extra);
  return p + "}";
}

class VerifierTable : public ::testing::Test {
 protected:
  VerifierTable() : hs_(testkit::generate_key(Alg::HS256, "hs")), es_(testkit::generate_key(Alg::ES256, "es")) {}

  Policy policy() const {
    Policy p;
    p.issuers = {std::string(testkit::kIssuer)};
    p.audiences = {std::string(testkit::kAudience)};
    p.clock = [] { return kNow; };
    return p;
  }

  Status verify(const std::string& token, const Policy& p) {
    auto set = KeySet::from_jwks(testkit::jwks({&hs_, &es_}));
    EXPECT_TRUE(set.ok());
    Verifier v(p, std::make_shared<const KeySet>(std::move(*set)));
    return v.verify(token, scratch_, claims_);
  }
  Status verify(const std::string& token) { return verify(token, policy()); }

  // Signed HS256 token with the given header and payload JSON.
  std::string hs(std::string_view header, std::string_view payload) {
    return testkit::sign(hs_, header, payload);
  }
  std::string hs_header(std::string_view extra = "") {
    std::string h = "{\"alg\":\"HS256\",\"kid\":\"hs\"";
    if (!extra.empty()) h += "," + std::string(extra);
    return h + "}";
  }
  std::string hs_payload(std::string_view payload) { return hs(hs_header(), payload); }

  SigningKey hs_, es_;
  Scratch scratch_;
  Claims claims_;
};

TEST_F(VerifierTable, AcceptsGoodTokensOfBothFixtureKeys) {
  EXPECT_EQ(verify(hs_payload(good_payload())), Status::ok);
  EXPECT_EQ(verify(testkit::sign(es_, testkit::header_json(Alg::ES256, "es"), good_payload())),
            Status::ok);
  EXPECT_EQ(claims_.iss, testkit::kIssuer);
  EXPECT_EQ(claims_.header.alg, Alg::ES256);
  EXPECT_EQ(claims_.header.kid, "es");
}

TEST_F(VerifierTable, RejectsBadStructure) {
  const std::string good = hs_payload(good_payload());
  const std::string sig = good.substr(good.rfind('.') + 1);
  EXPECT_EQ(verify(""), Status::malformed);
  EXPECT_EQ(verify("abc"), Status::malformed);
  EXPECT_EQ(verify("abc.def"), Status::malformed);
  EXPECT_EQ(verify(good + ".x"), Status::malformed);                 // four segments
  EXPECT_EQ(verify("a.b.c.d.e"), Status::malformed);                 // JWE shape
  EXPECT_EQ(verify(good.substr(good.find('.'))), Status::malformed);  // empty header
  EXPECT_EQ(verify("{\"payload\":\"x\",\"signatures\":[]}"), Status::malformed);  // JSON serialization
}

TEST_F(VerifierTable, RejectsOversizeTokensBeforeDecoding) {
  Policy p = policy();
  EXPECT_EQ(verify(std::string(p.max_token_bytes + 1, '!'), p), Status::too_large);
  // 16 KiB tokens are accepted by default.
  const std::string big = hs_payload(good_payload("\"pad\":\"" + std::string(11000, 'x') + "\""));
  ASSERT_LE(big.size(), 16u * 1024);
  EXPECT_EQ(verify(big), Status::ok);
  p.max_token_bytes = big.size() - 1;
  EXPECT_EQ(verify(big, p), Status::too_large);
}

TEST_F(VerifierTable, RejectsNonStrictBase64url) {
  const std::string h = b64(hs_header()), p = b64(good_payload());
  const std::string good = hs_payload(good_payload());
  const std::string sig = good.substr(good.rfind('.') + 1);
  EXPECT_EQ(verify(h + "=." + p + "." + sig), Status::bad_base64);     // padding (len%4 = 1 too)
  EXPECT_EQ(verify(h + "." + p + "." + sig + "="), Status::bad_base64);
  EXPECT_EQ(verify(" " + h + "." + p + "." + sig), Status::bad_base64);
  EXPECT_EQ(verify(h + ".\n" + p + "." + sig), Status::bad_base64);
  std::string std_alphabet = h;
  std_alphabet[1] = '+';
  EXPECT_EQ(verify(std_alphabet + "." + p + "." + sig), Status::bad_base64);
  // Non-zero unused bits in the last header character ("fQ" -> "fR").
  std::string h2 = b64("{\"alg\":\"HS256\",\"kid\":\"hs\"}");
  ASSERT_NE(h2.size() % 4, 0u);  // the last character has unused bits
  h2.back() = static_cast<char>(h2.back() + 1);
  EXPECT_EQ(verify(h2 + "." + p + "." + sig), Status::bad_base64);
  // Payload segment with a bad character, signed as given.
  EXPECT_EQ(verify(testkit::sign_raw_segments(hs_, h, p + "*")), Status::bad_base64);
}

TEST_F(VerifierTable, RejectsNonStrictJson) {
  EXPECT_EQ(verify(hs("not json", good_payload())), Status::bad_json);
  EXPECT_EQ(verify(hs("[\"alg\",\"HS256\"]", good_payload())), Status::bad_json);
  EXPECT_EQ(verify(hs("\xEF\xBB\xBF" + hs_header(), good_payload())), Status::bad_json);
  const std::string bad_payloads[] = {
      "\xEF\xBB\xBF" + good_payload(),            // byte-order mark
      good_payload("\"x\":NaN"),                   // NaN
      good_payload("\"x\":Infinity"),              // Infinity
      good_payload("\"x\":01"),                    // leading zero
      good_payload("\"x\":+1"),                    // plus sign
      good_payload("\"x\":[1,]"),                  // trailing comma
      good_payload("\"x\":1/*c*/"),                // comment
      good_payload("\"x\":\"a\tb\""),              // raw control character
      good_payload() + "x",                        // trailing data
      good_payload("\"x\":\"\xC0\xAF\""),          // overlong UTF-8
      good_payload("\"x\":\"\xED\xA0\x80\""),      // UTF-8 encoded surrogate
      good_payload("\"x\":\"\xF4\x90\x80\x80\""),  // above U+10FFFF
      good_payload("\"x\":\"\\ud800\""),           // lone surrogate escape
      good_payload("\"exp2\":1e400"),              // overflows a double
      "[1]", "\"claims\"", "1", "",                // not an object
  };
  for (const std::string& bad : bad_payloads) {
    EXPECT_EQ(verify(hs_payload(bad)), Status::bad_json) << bad;
  }
}

TEST_F(VerifierTable, RejectsDuplicateMembers) {
  EXPECT_EQ(verify(hs("{\"alg\":\"HS256\",\"alg\":\"HS256\"}", good_payload())),
            Status::duplicate_member);
  EXPECT_EQ(verify(hs_payload(good_payload("\"exp\":1"))), Status::duplicate_member);
  // An escape spelling the same name is the same name.
  EXPECT_EQ(verify(hs_payload(good_payload("\"\\u0065xp\":1"))), Status::duplicate_member);
  EXPECT_EQ(verify(hs_payload(good_payload("\"o\":{\"a\":1,\"b\":{\"c\":1,\"c\":2}}"))),
            Status::duplicate_member);
  // Many members (the sorted path) with one duplicate at the end.
  std::string many;
  for (int i = 0; i < 40; ++i) many += "\"m" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  EXPECT_EQ(verify(hs_payload(good_payload(many + "\"m7\":0"))), Status::duplicate_member);
  EXPECT_EQ(verify(hs_payload(good_payload(many + "\"m40\":0"))), Status::ok);
}

TEST_F(VerifierTable, DuplicateCheckComparesWholeNames) {
  // The check compares names by length and packed leading bytes first
  // (strict.cc): names sharing their first eight bytes, or their first and
  // last four, must still be told apart, and real duplicates found, in small
  // (12 members: pairwise) and large (20: sorted) objects.
  const std::vector<std::string> distinct = {
      "", "a", "ab", "aba", "abb", "abcd", "abcde", "abxde", "abcdabcd", "abcdxbcd",
      "abcdefgh1", "abcdefgh2", "abcdefgh12", "abcdefgh21", "abcdefghijklmnopqrst",
      "abcdefghijklmnopqrsu"};
  auto object_of = [](const std::vector<std::string>& names) {
    std::string members;
    for (size_t i = 0; i < names.size(); ++i) members += "\"" + names[i] + "\":" + std::to_string(i) + ",";
    return members;
  };
  const std::string all = object_of(distinct);
  EXPECT_EQ(verify(hs_payload(good_payload(all.substr(0, all.size() - 1)))), Status::ok);
  std::vector<std::string> small(distinct.begin(), distinct.begin() + 8);
  std::string few = object_of(small);
  EXPECT_EQ(verify(hs_payload(good_payload(few.substr(0, few.size() - 1)))), Status::ok);
  for (const std::string& name : distinct) {
    SCOPED_TRACE(name);
    EXPECT_EQ(verify(hs_payload(good_payload(all + "\"" + name + "\":0"))), Status::duplicate_member);
    EXPECT_EQ(verify(hs_payload(good_payload(few + "\"" + name + "\":0"))),
              std::find(small.begin(), small.end(), name) != small.end() ? Status::duplicate_member
                                                                         : Status::ok);
  }
}

TEST_F(VerifierTable, HeaderOutcomeIsReusedOnlyForTheSameBytesAndVerifier) {
  // A Scratch remembers the last header that passed a Verifier's header
  // rules (verify.cc). Another Verifier, other bytes, a header too long to
  // remember, or buffers that grew must all be decided afresh.
  auto keys = std::make_shared<const KeySet>(*KeySet::from_jwks(testkit::jwks({&hs_, &es_})));
  Policy only_es = policy();
  only_es.algorithms = AlgSet().add(Alg::ES256);
  Policy needs_typ = policy();
  needs_typ.typ = "JWT";
  Policy big = policy();
  big.max_token_bytes = 1 << 20;
  const Verifier any(policy(), keys), es_only(only_es, keys), typed(needs_typ, keys), large(big, keys);
  const std::string token = hs_payload(good_payload());
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    ASSERT_EQ(any.verify(token, scratch_, claims_), Status::ok);
    ASSERT_EQ(any.verify(token, scratch_, claims_), Status::ok);
    EXPECT_EQ(claims_.header.kid, "hs");
    EXPECT_EQ(claims_.header.json, hs_header());
    EXPECT_EQ(es_only.verify(token, scratch_, claims_), Status::alg_not_allowed);
    EXPECT_EQ(typed.verify(token, scratch_, claims_), Status::bad_typ);
    EXPECT_EQ(typed.verify(token, scratch_, claims_), Status::bad_typ);
    EXPECT_EQ(any.verify(token, scratch_, claims_), Status::ok);
    // Same Verifier, other header bytes.
    EXPECT_EQ(any.verify(hs(hs_header("\"typ\":\"JWT\""), good_payload()), scratch_, claims_),
              Status::ok);
    EXPECT_EQ(claims_.header.typ, "JWT");
    EXPECT_EQ(any.verify(hs("{\"alg\":\"HS256\",\"kid\":\"nope\"}", good_payload()), scratch_, claims_),
              Status::key_not_found);
    EXPECT_EQ(any.verify(hs("{\"alg\":\"HS256\",\"kid\":\"hs\",\"alg\":1}", good_payload()), scratch_,
                         claims_),
              Status::duplicate_member);
    // A header too long to remember, verified twice.
    const std::string long_header = hs_header("\"x\":\"" + std::string(300, 'x') + "\"");
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(any.verify(hs(long_header, good_payload()), scratch_, claims_), Status::ok);
      EXPECT_EQ(claims_.header.json, long_header);
    }
    // A Verifier with a larger limit grows the buffers the cached header
    // pointed into; the first Verifier must not read the old ones.
    EXPECT_EQ(any.verify(token, scratch_, claims_), Status::ok);
    if (round == 0) {
      EXPECT_EQ(large.verify(token, scratch_, claims_), Status::ok);
    }
    EXPECT_EQ(any.verify(token, scratch_, claims_), Status::ok);
    EXPECT_EQ(claims_.header.json, hs_header());
    EXPECT_EQ(claims_.header.kid, "hs");
  }
}

TEST_F(VerifierTable, LimitsNestingDepth) {
  auto nested = [](int depth) {  // the payload object itself is depth 1
    std::string inner;
    for (int i = 1; i < depth; ++i) inner += "[";
    inner += "1";
    for (int i = 1; i < depth; ++i) inner += "]";
    return good_payload("\"deep\":" + inner);
  };
  EXPECT_EQ(verify(hs_payload(nested(64))), Status::ok);
  EXPECT_EQ(verify(hs_payload(nested(65))), Status::too_deep);
  Policy p = policy();
  p.max_json_depth = 1024;
  // Thousands of levels are rejected whatever the policy says.
  EXPECT_EQ(verify(hs_payload(nested(3000)), p), Status::too_deep);
}

TEST_F(VerifierTable, RejectsAlgNoneAndUnknownAlgs) {
  for (const char* alg : {"none", "None", "NONE", "nOnE", "", "hs256", "HS256 ", "RS1", "HS128"}) {
    std::string h = std::string("{\"alg\":\"") + alg + "\",\"kid\":\"hs\"}";
    EXPECT_EQ(verify(hs(h, good_payload())), Status::alg_not_allowed) << alg;
    // The unsigned form ("none" with an empty signature) too.
    EXPECT_EQ(verify(b64(h) + "." + b64(good_payload()) + "."), Status::alg_not_allowed) << alg;
  }
  EXPECT_EQ(verify(hs("{\"kid\":\"hs\"}", good_payload())), Status::bad_header);
  EXPECT_EQ(verify(hs("{\"alg\":256}", good_payload())), Status::bad_header);
  EXPECT_EQ(verify(hs("{\"alg\":null}", good_payload())), Status::bad_header);
  EXPECT_EQ(verify(hs("{\"alg\":\"HS256\",\"kid\":7}", good_payload())), Status::bad_header);
  EXPECT_EQ(verify(hs("{\"alg\":\"HS256\",\"typ\":[]}", good_payload())), Status::bad_header);
  Policy p = policy();
  p.algorithms = AlgSet().add(Alg::ES256);
  EXPECT_EQ(verify(hs_payload(good_payload()), p), Status::alg_not_allowed);
}

TEST_F(VerifierTable, SelectsExactlyOneKey) {
  // Unknown kid, even though another key would verify.
  EXPECT_EQ(verify(hs("{\"alg\":\"HS256\",\"kid\":\"nope\"}", good_payload())), Status::key_not_found);
  // No kid: one HMAC key fits HS256, so it is chosen.
  EXPECT_EQ(verify(hs("{\"alg\":\"HS256\"}", good_payload())), Status::ok);
  // kid of the EC key with an HS256 token: the key does not fit.
  EXPECT_EQ(verify(hs("{\"alg\":\"HS256\",\"kid\":\"es\"}", good_payload())), Status::key_alg_mismatch);
  Policy p = policy();
  p.require_kid = true;
  EXPECT_EQ(verify(hs("{\"alg\":\"HS256\"}", good_payload()), p), Status::missing_kid);

  // Two fitting keys and no kid, or two keys with one kid: ambiguous.
  SigningKey other = testkit::generate_key(Alg::HS256, "hs2");
  auto two = KeySet::from_jwks(testkit::jwks({&hs_, &other}));
  ASSERT_TRUE(two.ok());
  Verifier v(policy(), std::make_shared<const KeySet>(std::move(*two)));
  EXPECT_EQ(v.verify(hs("{\"alg\":\"HS256\"}", good_payload()), scratch_, claims_), Status::ambiguous_key);
  EXPECT_EQ(v.verify(hs_payload(good_payload()), scratch_, claims_), Status::ok);
  SigningKey same_kid = testkit::generate_key(Alg::HS256, "hs");
  auto dup = KeySet::from_jwks(testkit::jwks({&hs_, &same_kid}));
  ASSERT_TRUE(dup.ok());
  Verifier v2(policy(), std::make_shared<const KeySet>(std::move(*dup)));
  EXPECT_EQ(v2.verify(hs_payload(good_payload()), scratch_, claims_), Status::ambiguous_key);
}

TEST_F(VerifierTable, NeverUsesKeysFromTheHeader) {
  // Signed by an attacker's key that the header carries in jwk / jku / x5c.
  SigningKey attacker = testkit::generate_key(Alg::HS256);
  const std::string h = "{\"alg\":\"HS256\",\"kid\":\"hs\",\"jwk\":" + attacker.public_jwk() +
                        ",\"jku\":\"https://evil.example/jwks\",\"x5c\":[\"MIIB\"]}";
  EXPECT_EQ(verify(testkit::sign(attacker, h, good_payload())), Status::bad_signature);
}

TEST_F(VerifierTable, RejectsHmacSignedWithThePublicKey) {
  // Algorithm confusion (CVE-2015-9235 style): HS256 keyed with the EC
  // public key's text; the EC key never fits HS256.
  auto forged_key = testkit::key_from_secret(Alg::HS256, std::span(reinterpret_cast<const uint8_t*>(es_.public_pem().data()), es_.public_pem().size()));
  ASSERT_TRUE(forged_key);
  EXPECT_EQ(verify(testkit::sign(*forged_key, "{\"alg\":\"HS256\",\"kid\":\"es\"}", good_payload())),
            Status::key_alg_mismatch);
}

TEST_F(VerifierTable, AppliesCritRules) {
  Policy p = policy();
  p.critical_headers = {"exp_hdr"};
  auto with = [&](std::string_view extra) { return hs(hs_header(extra), good_payload()); };
  EXPECT_EQ(verify(with("\"crit\":[\"exp_hdr\"],\"exp_hdr\":1"), p), Status::ok);
  EXPECT_EQ(verify(with("\"crit\":[\"exp_hdr\"],\"exp_hdr\":1")), Status::unsupported_crit);  // not registered
  EXPECT_EQ(verify(with("\"crit\":[\"other\"],\"other\":1"), p), Status::unsupported_crit);
  EXPECT_EQ(verify(with("\"crit\":[]"), p), Status::bad_header);
  EXPECT_EQ(verify(with("\"crit\":[\"alg\"]"), p), Status::bad_header);
  EXPECT_EQ(verify(with("\"crit\":\"exp_hdr\",\"exp_hdr\":1"), p), Status::bad_header);
  EXPECT_EQ(verify(with("\"crit\":[1]"), p), Status::bad_header);
  EXPECT_EQ(verify(with("\"crit\":[\"exp_hdr\"]"), p), Status::bad_header);  // named but absent
  EXPECT_EQ(verify(with("\"crit\":[\"exp_hdr\",\"exp_hdr\"],\"exp_hdr\":1"), p), Status::bad_header);
  p.critical_headers.push_back("b64");
  EXPECT_EQ(verify(with("\"crit\":[\"b64\"],\"b64\":false"), p), Status::unsupported_crit);
  EXPECT_EQ(verify(with("\"b64\":true")), Status::unsupported_crit);
}

TEST_F(VerifierTable, ChecksTypWhenRequired) {
  Policy p = policy();
  p.typ = "JWT";
  EXPECT_EQ(verify(hs(hs_header("\"typ\":\"jwt\""), good_payload()), p), Status::ok);
  EXPECT_EQ(verify(hs(hs_header("\"typ\":\"application/JWT\""), good_payload()), p), Status::ok);
  EXPECT_EQ(verify(hs(hs_header("\"typ\":\"at+jwt\""), good_payload()), p), Status::bad_typ);
  EXPECT_EQ(verify(hs(hs_header(), good_payload()), p), Status::bad_typ);
  p.typ = "application/at+jwt";
  EXPECT_EQ(verify(hs(hs_header("\"typ\":\"at+JWT\""), good_payload()), p), Status::ok);
}

TEST_F(VerifierTable, RequiresExactSignatures) {
  const std::string good = hs_payload(good_payload());
  const std::string body = good.substr(0, good.rfind('.') + 1);
  const std::string sig = good.substr(good.rfind('.') + 1);
  EXPECT_EQ(verify(body), Status::bad_signature);                      // empty
  EXPECT_EQ(verify(body + sig.substr(0, 40)), Status::bad_signature);  // truncated tag
  EXPECT_EQ(verify(body + sig + "AAAA"), Status::bad_signature);       // longer
  // The signature covers the bytes received: the same JSON encoded with
  // different whitespace is a different message.
  const std::string respaced = b64(hs_header() + " ") + good.substr(good.find('.'));
  EXPECT_EQ(verify(respaced), Status::bad_signature);
  // ES256 signature in DER rather than raw r||s: wrong length.
  const std::string es = testkit::sign(es_, testkit::header_json(Alg::ES256, "es"), good_payload());
  std::string es_body = es.substr(0, es.rfind('.') + 1);
  std::vector<uint8_t> der(72, 0x30);
  EXPECT_EQ(verify(es_body + base64url::encode(der)), Status::bad_signature);
  // r = 0 and s = 0 in the right length.
  EXPECT_EQ(verify(es_body + base64url::encode(std::vector<uint8_t>(64, 0))), Status::bad_signature);
}

TEST_F(VerifierTable, ChecksTimeClaims) {
  Policy p = policy();
  auto with = [&](std::string claims) { return hs_payload(good_payload(claims)); };
  auto payload_exp = [&](std::string exp) {
    return hs_payload("{\"iss\":\"" + std::string(testkit::kIssuer) + "\",\"aud\":\"" +
                      std::string(testkit::kAudience) + "\",\"exp\":" + exp + "}");
  };
  EXPECT_EQ(verify(payload_exp(std::to_string(kNow))), Status::expired);  // now == exp
  EXPECT_EQ(verify(payload_exp(std::to_string(kNow - 1))), Status::expired);
  EXPECT_EQ(verify(payload_exp(std::to_string(kNow + 1))), Status::ok);
  EXPECT_EQ(verify(payload_exp(std::to_string(kNow) + ".5")), Status::ok);  // fractional
  EXPECT_EQ(verify(payload_exp("\"" + std::to_string(kNow + 60) + "\"")), Status::bad_claim);
  EXPECT_EQ(verify(payload_exp("null")), Status::bad_claim);
  EXPECT_EQ(verify(payload_exp("true")), Status::bad_claim);
  p.leeway_seconds = 30;
  EXPECT_EQ(verify(payload_exp(std::to_string(kNow - 29)), p), Status::ok);
  EXPECT_EQ(verify(payload_exp(std::to_string(kNow - 30)), p), Status::expired);
  EXPECT_EQ(verify(with("\"nbf\":" + std::to_string(kNow + 31)), p), Status::not_yet_valid);
  EXPECT_EQ(verify(with("\"nbf\":" + std::to_string(kNow + 30)), p), Status::ok);
  EXPECT_EQ(verify(with("\"nbf\":" + std::to_string(kNow))), Status::ok);
  EXPECT_EQ(verify(with("\"nbf\":" + std::to_string(kNow + 1))), Status::not_yet_valid);
  EXPECT_EQ(verify(with("\"nbf\":\"soon\"")), Status::bad_claim);
  // A future iat is fine unless a maximum age is set.
  EXPECT_EQ(verify(with("\"iat\":" + std::to_string(kNow + 500))), Status::ok);
  Policy aged = policy();
  aged.max_age_seconds = 300;
  EXPECT_EQ(verify(with("\"iat\":" + std::to_string(kNow + 500)), aged), Status::issued_in_future);
  EXPECT_EQ(verify(with("\"iat\":" + std::to_string(kNow - 301)), aged), Status::too_old);
  EXPECT_EQ(verify(with("\"iat\":" + std::to_string(kNow - 300)), aged), Status::ok);
  EXPECT_EQ(verify(with(""), aged), Status::missing_claim);
  EXPECT_EQ(verify(with("\"iat\":false"), aged), Status::bad_claim);
}

TEST_F(VerifierTable, RequiresConfiguredClaims) {
  const std::string no_exp = "{\"iss\":\"" + std::string(testkit::kIssuer) + "\",\"aud\":\"" +
                             std::string(testkit::kAudience) + "\"}";
  EXPECT_EQ(verify(hs_payload(no_exp)), Status::missing_claim);
  Policy p = policy();
  p.required_claims.clear();
  EXPECT_EQ(verify(hs_payload(no_exp), p), Status::ok);
  p.required_claims = {"exp", "jti"};
  EXPECT_EQ(verify(hs_payload(good_payload()), p), Status::missing_claim);
  EXPECT_EQ(verify(hs_payload(good_payload("\"jti\":\"x\"")), p), Status::ok);
}

TEST_F(VerifierTable, ChecksIssuerAndAudience) {
  auto tok = [&](std::string iss, std::string aud) {
    std::string p = "{\"exp\":" + std::to_string(kNow + 60);
    if (!iss.empty()) p += ",\"iss\":" + iss;
    if (!aud.empty()) p += ",\"aud\":" + aud;
    return hs_payload(p + "}");
  };
  const std::string iss = "\"" + std::string(testkit::kIssuer) + "\"";
  const std::string aud = "\"" + std::string(testkit::kAudience) + "\"";
  EXPECT_EQ(verify(tok(iss, aud)), Status::ok);
  EXPECT_EQ(verify(tok(iss, "[\"other\"," + aud + "]")), Status::ok);
  EXPECT_EQ(verify(tok(iss, "[\"other\"]")), Status::bad_audience);
  EXPECT_EQ(verify(tok(iss, "[]")), Status::bad_audience);
  EXPECT_EQ(verify(tok(iss, "\"HTTPS://API.EXAMPLE.COM\"")), Status::bad_audience);
  EXPECT_EQ(verify(tok(iss, "")), Status::missing_claim);
  EXPECT_EQ(verify(tok(iss, "5")), Status::bad_claim);
  EXPECT_EQ(verify(tok(iss, "[" + aud + ",5]")), Status::bad_claim);
  EXPECT_EQ(verify(tok("\"https://evil.example/\"", aud)), Status::bad_issuer);
  EXPECT_EQ(verify(tok("", aud)), Status::missing_claim);
  EXPECT_EQ(verify(tok("42", aud)), Status::bad_claim);
  Policy p = policy();
  p.audiences.clear();
  EXPECT_EQ(verify(tok(iss, aud), p), Status::bad_audience);  // RFC 7519 §4.1.3
  EXPECT_EQ(verify(tok(iss, ""), p), Status::ok);
  p.check_audience = false;
  EXPECT_EQ(verify(tok(iss, aud), p), Status::ok);
  EXPECT_EQ(verify(tok(iss, "\"anything\""), p), Status::ok);
}

TEST_F(VerifierTable, VerifiesJwsWithNonJsonPayload) {
  auto set = KeySet::from_jwks(testkit::jwks({&hs_}));
  ASSERT_TRUE(set.ok());
  Verifier v(policy(), std::make_shared<const KeySet>(std::move(*set)));
  Jws jws;
  EXPECT_EQ(v.verify_jws(hs(hs_header(), "plain \x01 bytes"), scratch_, jws), Status::ok);
  EXPECT_EQ(jws.payload, "plain \x01 bytes");
  EXPECT_EQ(v.verify_jws(hs(hs_header(), ""), scratch_, jws), Status::ok);
  EXPECT_EQ(jws.payload, "");
  EXPECT_EQ(v.verify_jws(hs("{\"alg\":\"none\"}", "x"), scratch_, jws), Status::alg_not_allowed);
}

// Configuration mistakes are refused where the Verifier is made, naming the
// field, never at verify time (issue 12 §3).
TEST(VerifierConstruction, RefusesPoliciesThatCannotMeanAnything) {
  struct Case {
    const char* field;
    std::function<void(Policy&)> spoil;
  };
  const Case cases[] = {
      {"algorithms", [](Policy& p) { p.algorithms = AlgSet(); }},
      {"leeway_seconds", [](Policy& p) { p.leeway_seconds = -1; }},
      {"leeway_seconds", [](Policy& p) { p.leeway_seconds = INT64_MIN; }},
      {"max_age_seconds", [](Policy& p) { p.max_age_seconds = -5; }},
      {"max_token_bytes", [](Policy& p) { p.max_token_bytes = 0; }},
      {"max_token_bytes", [](Policy& p) { p.max_token_bytes = kMaxTokenBytesCeiling + 1; }},
      {"max_token_bytes", [](Policy& p) { p.max_token_bytes = SIZE_MAX; }},
  };
  auto store = std::make_shared<KeyStore>();
  for (const Case& c : cases) {
    Policy p;
    c.spoil(p);
    std::string why;
    EXPECT_FALSE(validate(p, &why)) << c.field;
    EXPECT_NE(why.find(c.field), std::string::npos) << why;
    try {
      Verifier v(p, store);
      ADD_FAILURE() << "constructed with a bad " << c.field;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(c.field), std::string::npos) << e.what();
    }
  }
}

TEST(VerifierConstruction, AcceptsTheExtremesThatAreStillMeaningful) {
  Policy p;
  p.algorithms = AlgSet().add(Alg::EdDSA);
  p.leeway_seconds = INT64_MAX;
  p.max_age_seconds = 0;
  p.max_token_bytes = 1;
  p.max_json_depth = 0;  // read as 1
  EXPECT_TRUE(validate(p));
  p.max_token_bytes = kMaxTokenBytesCeiling;
  p.max_json_depth = UINT32_MAX;  // clamped to 1024
  EXPECT_TRUE(validate(p));
  const Verifier v(p, std::make_shared<KeyStore>());
  EXPECT_EQ(v.policy().max_json_depth, 1024u);
}

TEST(VerifierConstruction, RefusesANullKeyStore) {
  EXPECT_THROW(Verifier(Policy{}, std::shared_ptr<KeyStore>()), std::invalid_argument);
  // A null KeySet is an empty set: every token is then key_not_found.
  const Verifier v(Policy{}, std::shared_ptr<const KeySet>());
  Scratch scratch;
  Claims claims;
  const std::string token = b64("{\"alg\":\"HS256\"}") + "." + b64("{}") + "." + b64(std::string(32, 'x'));
  EXPECT_EQ(v.verify(token, scratch, claims), Status::key_not_found);
}

}  // namespace
}  // namespace jve
