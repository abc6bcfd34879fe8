// Unit tests of the JWT claims: extraction and its type rules
// (json/extract.h, extract_claims) and the policy's claim rules
// (verify/rules.h, rules::check_claims) at an injected time, each rule at
// its boundary (exp == now, leeway edges, fractional NumericDates, max age,
// aud as a string or an array) with the exact status, and the order in
// which the rules decide when several are broken.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "json/extract.h"
#include "parsed_json.h"
#include "test_printers.h"
#include "verify/rules.h"

namespace jve {
namespace {

using test::ParsedJson;

constexpr int64_t kNow = 1'700'000'000;

// A payload parsed, extracted and (when extraction passed) checked at kNow.
struct Checked {
  explicit Checked(std::string_view payload_json, const Policy& policy = lenient(), int64_t now = kNow)
      : doc(payload_json) {
    EXPECT_EQ(doc.status(), Status::ok) << payload_json;
    extracted = json::extract_claims(doc.root(), fields);
    status = extracted == Status::ok ? rules::check_claims(fields, policy, now) : extracted;
  }
  // No required claim and no audience check: each test adds the rule it tests.
  static Policy lenient() {
    Policy p;
    p.required_claims.clear();
    return p;
  }
  ParsedJson doc;
  json::ClaimFields fields;
  Status extracted = Status::internal_error;
  Status status = Status::internal_error;
};

Status extract(std::string_view payload) { return Checked(payload).extracted; }
Status check(std::string_view payload, const Policy& policy = Checked::lenient(), int64_t now = kNow) {
  return Checked(payload, policy, now).status;
}

// at writes {"<name>":<kNow + offset>}, the offset as written
// (fractions allowed, e.g. "-0.5").
std::string at(std::string_view name, std::string_view offset) {
  const double value = static_cast<double>(kNow) + std::stod(std::string(offset));
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f", value);
  return "{\"" + std::string(name) + "\":" + buf + "}";
}

Policy with_leeway(int64_t seconds) {
  Policy p = Checked::lenient();
  p.leeway_seconds = seconds;
  return p;
}

// ------------------------------------------------------------ extraction

TEST(ExtractClaims, ReadsTheRegisteredClaims) {
  Checked c(R"({"exp":1700000000.25,"nbf":-5,"iat":1.7e9,"iss":"i","sub":"s","jti":"j","aud":"a","x":{}})");
  ASSERT_EQ(c.extracted, Status::ok);
  EXPECT_EQ(c.fields.exp, 1700000000.25);
  EXPECT_EQ(c.fields.nbf, -5.0);
  EXPECT_EQ(c.fields.iat, 1.7e9);
  EXPECT_EQ(c.fields.iss, "i");
  EXPECT_EQ(c.fields.sub, "s");
  EXPECT_EQ(c.fields.jti, "j");
  ASSERT_EQ(c.fields.aud.size(), 1u);
  EXPECT_EQ(c.fields.aud.entry(0), "a");
  EXPECT_FALSE(c.fields.aud.is_array());
  EXPECT_TRUE(c.fields.object.member("x").present());
}

TEST(ExtractClaims, ReadsEveryJsonNumberAsANumericDate) {
  // RFC 7519 §2: NumericDate is a JSON number, integer or not; the unsigned
  // 64-bit range and exponents are numbers too.
  for (std::string_view v : {"0", "-0", "1", "-1", "1.5", "1e3", "1E+3", "2.5e-1", "18446744073709551615",
                             "-9223372036854775808", "1.7976931348623157e308"}) {
    Checked c("{\"exp\":" + std::string(v) + "}");
    EXPECT_EQ(c.extracted, Status::ok) << v;
    EXPECT_EQ(c.fields.exp, std::stod(std::string(v))) << v;
  }
}

TEST(ExtractClaims, RefusesRegisteredClaimsOfTheWrongType) {
  for (const char* name : {"exp", "nbf", "iat"}) {
    for (const char* value : {"\"1700000000\"", "null", "true", "[]", "{}", "[1700000000]"}) {
      const std::string p = std::string("{\"") + name + "\":" + value + "}";
      EXPECT_EQ(extract(p), Status::bad_claim) << p;
    }
  }
  for (const char* name : {"iss", "sub", "jti"}) {
    for (const char* value : {"1", "null", "false", "[\"x\"]", "{}"}) {
      const std::string p = std::string("{\"") + name + "\":" + value + "}";
      EXPECT_EQ(extract(p), Status::bad_claim) << p;
    }
  }
}

TEST(ExtractClaims, TakesAudAsAStringOrAnArrayOfStrings) {
  EXPECT_EQ(extract(R"({"aud":"a"})"), Status::ok);
  EXPECT_EQ(extract(R"({"aud":["a","b"]})"), Status::ok);
  EXPECT_EQ(extract(R"({"aud":[]})"), Status::ok);
  EXPECT_EQ(extract(R"({"aud":""})"), Status::ok);
  for (std::string_view bad : {"1", "null", "true", "{}", "[1]", "[\"a\",null]", "[[\"a\"]]", "[\"a\",{}]"}) {
    EXPECT_EQ(extract("{\"aud\":" + std::string(bad) + "}"), Status::bad_claim) << bad;
  }
}

TEST(ExtractClaims, IgnoresOtherClaimsAndRefusesANonObject) {
  EXPECT_EQ(extract(R"({"Exp":"soon","ex":null,"expires":true,"scope":1})"), Status::ok);
  EXPECT_FALSE(Checked(R"({"Exp":"soon"})").fields.exp.has_value());
  for (std::string_view p : {"[]", "\"exp\"", "1", "null", "[{\"exp\":1}]"}) {
    EXPECT_EQ(extract(p), Status::bad_json) << p;
  }
}

// ------------------------------------------------------------------ exp

TEST(ClaimRules, ExpiresAtExpItself) {
  // Valid while now < exp + leeway (RFC 7519 §4.1.4: "on or after" exp, no).
  EXPECT_EQ(check(at("exp", "0")), Status::expired);
  EXPECT_EQ(check(at("exp", "1")), Status::ok);
  EXPECT_EQ(check(at("exp", "-1")), Status::expired);
  EXPECT_EQ(check(at("exp", "0.5")), Status::ok);   // fractional
  EXPECT_EQ(check(at("exp", "-0.5")), Status::expired);
  EXPECT_EQ(check(R"({"exp":1e300})"), Status::ok);
  EXPECT_EQ(check(R"({"exp":-1e300})"), Status::expired);
}

TEST(ClaimRules, ExtendsExpByTheLeeway) {
  const Policy p = with_leeway(60);
  EXPECT_EQ(check(at("exp", "-59"), p), Status::ok);
  EXPECT_EQ(check(at("exp", "-59.5"), p), Status::ok);
  EXPECT_EQ(check(at("exp", "-60"), p), Status::expired);
  EXPECT_EQ(check(at("exp", "-60.5"), p), Status::expired);
}

// ------------------------------------------------------------------ nbf

TEST(ClaimRules, IsValidFromNbfItself) {
  // Valid once now >= nbf - leeway (RFC 7519 §4.1.5: "on or after").
  EXPECT_EQ(check(at("nbf", "0")), Status::ok);
  EXPECT_EQ(check(at("nbf", "-1")), Status::ok);
  EXPECT_EQ(check(at("nbf", "1")), Status::not_yet_valid);
  EXPECT_EQ(check(at("nbf", "0.5")), Status::not_yet_valid);  // fractional
  EXPECT_EQ(check(at("nbf", "-0.5")), Status::ok);
}

TEST(ClaimRules, AdvancesNbfByTheLeeway) {
  const Policy p = with_leeway(60);
  EXPECT_EQ(check(at("nbf", "60"), p), Status::ok);
  EXPECT_EQ(check(at("nbf", "59.5"), p), Status::ok);
  EXPECT_EQ(check(at("nbf", "60.5"), p), Status::not_yet_valid);
  EXPECT_EQ(check(at("nbf", "61"), p), Status::not_yet_valid);
}

// -------------------------------------------------------------- iat, max age

TEST(ClaimRules, IgnoresIatWithoutAMaxAge) {
  // docs/design.md: a future iat is not rejected unless a maximum age is set.
  EXPECT_EQ(check(at("iat", "100000")), Status::ok);
  EXPECT_EQ(check(at("iat", "-100000000")), Status::ok);
  EXPECT_EQ(check(R"({})"), Status::ok);
}

TEST(ClaimRules, AppliesMaxAgeToIat) {
  Policy p = Checked::lenient();
  p.max_age_seconds = 300;
  EXPECT_EQ(check(R"({})", p), Status::missing_claim);
  EXPECT_EQ(check(at("iat", "0"), p), Status::ok);
  EXPECT_EQ(check(at("iat", "-300"), p), Status::ok);       // exactly max age
  EXPECT_EQ(check(at("iat", "-300.5"), p), Status::too_old);
  EXPECT_EQ(check(at("iat", "-301"), p), Status::too_old);
  EXPECT_EQ(check(at("iat", "0.5"), p), Status::issued_in_future);
  EXPECT_EQ(check(at("iat", "1"), p), Status::issued_in_future);
  // The leeway widens both edges.
  p.leeway_seconds = 10;
  EXPECT_EQ(check(at("iat", "10"), p), Status::ok);
  EXPECT_EQ(check(at("iat", "10.5"), p), Status::issued_in_future);
  EXPECT_EQ(check(at("iat", "-310"), p), Status::ok);
  EXPECT_EQ(check(at("iat", "-310.5"), p), Status::too_old);
}

TEST(ClaimRules, MaxAgeZeroAcceptsOnlyTheCurrentSecond) {
  Policy p = Checked::lenient();
  p.max_age_seconds = 0;
  EXPECT_EQ(check(at("iat", "0"), p), Status::ok);
  EXPECT_EQ(check(at("iat", "-1"), p), Status::too_old);
  EXPECT_EQ(check(at("iat", "1"), p), Status::issued_in_future);
}

// ---------------------------------------------------------- required claims

TEST(ClaimRules, RequiresTheConfiguredClaimsOfAnyType) {
  Policy p = Checked::lenient();
  EXPECT_EQ(check(R"({})", p), Status::ok);  // emptied: nothing required
  p.required_claims = {"exp"};  // the default
  EXPECT_EQ(check(R"({})", p), Status::missing_claim);
  EXPECT_EQ(check(at("exp", "60"), p), Status::ok);
  // Presence is all a required claim needs; registered ones were typed at
  // extraction, others may be anything, null included.
  p.required_claims = {"scope", "tenant"};
  EXPECT_EQ(check(R"({"scope":null,"tenant":{}})", p), Status::ok);
  EXPECT_EQ(check(R"({"scope":"a"})", p), Status::missing_claim);
  // Only top-level members count, by exact name.
  EXPECT_EQ(check(R"({"x":{"scope":1,"tenant":1}})", p), Status::missing_claim);
  EXPECT_EQ(check(R"({"Scope":1,"tenant":1})", p), Status::missing_claim);
}

// ------------------------------------------------------------------ iss

TEST(ClaimRules, MatchesIssExactlyAgainstAnyConfiguredIssuer) {
  Policy p = Checked::lenient();
  EXPECT_EQ(check(R"({"iss":"https://anyone.example"})", p), Status::ok);  // none configured
  p.issuers = {"https://a.example", "https://b.example"};
  EXPECT_EQ(check(R"({"iss":"https://a.example"})", p), Status::ok);
  EXPECT_EQ(check(R"({"iss":"https://b.example"})", p), Status::ok);
  EXPECT_EQ(check(R"({})", p), Status::missing_claim);
  for (std::string_view iss : {"https://a.example/", "HTTPS://A.EXAMPLE", "https://a.example ", "",
                               "https://c.example"}) {
    EXPECT_EQ(check("{\"iss\":\"" + std::string(iss) + "\"}", p), Status::bad_issuer) << iss;
  }
}

// ------------------------------------------------------------------ aud

TEST(ClaimRules, MatchesAudAsAStringOrAnyArrayEntry) {
  Policy p = Checked::lenient();
  p.audiences = {"api", "web"};
  EXPECT_EQ(check(R"({"aud":"api"})", p), Status::ok);
  EXPECT_EQ(check(R"({"aud":"web"})", p), Status::ok);
  EXPECT_EQ(check(R"({"aud":["x","web"]})", p), Status::ok);
  EXPECT_EQ(check(R"({"aud":["api"]})", p), Status::ok);
  EXPECT_EQ(check(R"({"aud":"API"})", p), Status::bad_audience);  // case-sensitive
  EXPECT_EQ(check(R"({"aud":"api "})", p), Status::bad_audience);
  EXPECT_EQ(check(R"({"aud":["x","y"]})", p), Status::bad_audience);
  EXPECT_EQ(check(R"({"aud":[]})", p), Status::bad_audience);
  EXPECT_EQ(check(R"({"aud":""})", p), Status::bad_audience);
  EXPECT_EQ(check(R"({})", p), Status::missing_claim);
}

TEST(ClaimRules, RefusesAnAudNoConfiguredAudienceCanMatch) {
  // RFC 7519 §4.1.3: a recipient that cannot identify itself with a value
  // in aud must reject the token; with no audience configured it cannot.
  Policy p = Checked::lenient();
  EXPECT_EQ(check(R"({"aud":"api"})", p), Status::bad_audience);
  EXPECT_EQ(check(R"({"aud":[]})", p), Status::bad_audience);
  EXPECT_EQ(check(R"({})", p), Status::ok);
}

TEST(ClaimRules, SkipsEveryAudRuleWhenAudienceCheckingIsOff) {
  Policy p = Checked::lenient();
  p.check_audience = false;
  EXPECT_EQ(check(R"({"aud":"anything"})", p), Status::ok);
  p.audiences = {"api"};
  EXPECT_EQ(check(R"({"aud":"other"})", p), Status::ok);
  EXPECT_EQ(check(R"({})", p), Status::ok);  // not even missing_claim
}

// ---------------------------------------------------------------- order

TEST(ClaimRules, AppliesTheRulesInTheirDocumentedOrder) {
  // Required claims (and iat for max age, iss, aud when configured), then
  // exp, nbf, max age, then iss, then aud: a payload breaking several gets
  // the first.
  Policy p = Checked::lenient();
  p.required_claims = {"jti"};
  p.issuers = {"i"};
  p.audiences = {"a"};
  p.max_age_seconds = 60;
  const std::string exp_past = std::to_string(kNow - 1), nbf_future = std::to_string(kNow + 1);
  const std::string iat_old = std::to_string(kNow - 61), now = std::to_string(kNow);
  EXPECT_EQ(check("{\"exp\":" + exp_past + ",\"iss\":\"x\",\"aud\":\"x\",\"iat\":" + now + "}", p),
            Status::missing_claim);  // no jti
  EXPECT_EQ(check("{\"jti\":\"j\",\"exp\":" + exp_past + ",\"iss\":\"x\",\"aud\":\"x\"}", p),
            Status::missing_claim);  // no iat, though max age is set
  EXPECT_EQ(check("{\"jti\":\"j\",\"exp\":" + exp_past + ",\"iat\":" + now + ",\"aud\":\"x\"}", p),
            Status::missing_claim);  // no iss
  EXPECT_EQ(check("{\"jti\":\"j\",\"exp\":" + exp_past + ",\"iat\":" + now + ",\"iss\":\"x\"}", p),
            Status::missing_claim);  // no aud
  const std::string all = ",\"jti\":\"j\",\"iss\":\"x\",\"aud\":\"x\"";
  EXPECT_EQ(check("{\"exp\":" + exp_past + ",\"nbf\":" + nbf_future + ",\"iat\":" + iat_old + all + "}", p),
            Status::expired);
  EXPECT_EQ(check("{\"nbf\":" + nbf_future + ",\"iat\":" + iat_old + all + "}", p), Status::not_yet_valid);
  EXPECT_EQ(check("{\"iat\":" + iat_old + all + "}", p), Status::too_old);
  EXPECT_EQ(check("{\"iat\":" + now + all + "}", p), Status::bad_issuer);
  EXPECT_EQ(check("{\"iat\":" + now + ",\"jti\":\"j\",\"iss\":\"i\",\"aud\":\"x\"}", p),
            Status::bad_audience);
  EXPECT_EQ(check("{\"iat\":" + now + ",\"jti\":\"j\",\"iss\":\"i\",\"aud\":\"a\"}", p), Status::ok);
}

TEST(ClaimRules, UsesTheTimeItIsGiven) {
  // The clock is the caller's: the same payload at three instants.
  const std::string payload = "{\"nbf\":100,\"exp\":200}";
  EXPECT_EQ(check(payload, Checked::lenient(), 99), Status::not_yet_valid);
  EXPECT_EQ(check(payload, Checked::lenient(), 100), Status::ok);
  EXPECT_EQ(check(payload, Checked::lenient(), 199), Status::ok);
  EXPECT_EQ(check(payload, Checked::lenient(), 200), Status::expired);
}

}  // namespace
}  // namespace jve
