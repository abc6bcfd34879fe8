// Unit tests of the JOSE header: extraction and its type rules
// (json/extract.h, extract_header) and the policy's header rules
// (verify/rules.h, rules::check_header and rules::typ_matches), each rule at
// its boundary with the exact status, and the order in which the rules
// decide when several are broken.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "json/extract.h"
#include "parsed_json.h"
#include "test_printers.h"
#include "verify/rules.h"

namespace jve {
namespace {

using test::ParsedJson;

// A header parsed, extracted and (when extraction passed) checked.
struct Checked {
  explicit Checked(std::string_view header_json, const Policy& policy = {}) : doc(header_json) {
    EXPECT_EQ(doc.status(), Status::ok) << header_json;
    extracted = json::extract_header(doc.root(), fields);
    status = extracted == Status::ok ? rules::check_header(fields, policy, header) : extracted;
  }
  ParsedJson doc;
  json::HeaderFields fields;
  Header header;
  Status extracted = Status::internal_error;
  Status status = Status::internal_error;
};

Status extract(std::string_view header_json) { return Checked(header_json).extracted; }
Status check(std::string_view header_json, const Policy& policy = {}) {
  return Checked(header_json, policy).status;
}

Policy with_crit(std::initializer_list<const char*> names) {
  Policy p;
  for (const char* n : names) p.critical_headers.emplace_back(n);
  return p;
}

// ------------------------------------------------------------ extraction

TEST(ExtractHeader, ReadsTheRegisteredParametersAsViews) {
  Checked c(R"({"alg":"ES256","kid":"k-1","typ":"at+jwt","cty":"JWT","x":[1]})");
  ASSERT_EQ(c.extracted, Status::ok);
  EXPECT_EQ(c.fields.alg, "ES256");
  EXPECT_EQ(c.fields.kid, "k-1");
  EXPECT_EQ(c.fields.typ, "at+jwt");
  EXPECT_EQ(c.fields.cty, "JWT");
  EXPECT_FALSE(c.fields.has_b64);
  EXPECT_FALSE(c.fields.crit.present());
  EXPECT_TRUE(c.fields.object.member("x").present());
  // Unescaped, as the key set compares them.
  Checked escaped(R"({"alg":"HS256","kid":"a\"b\u00e9"})");
  EXPECT_EQ(escaped.fields.kid, "a\"b\xC3\xA9");
}

TEST(ExtractHeader, RefusesANonObject) {
  for (std::string_view h : {"[]", "\"alg\"", "1", "null", "[{\"alg\":\"HS256\"}]"}) {
    EXPECT_EQ(extract(h), Status::bad_json) << h;
  }
}

TEST(ExtractHeader, RefusesRegisteredParametersOfTheWrongType) {
  for (const char* name : {"alg", "kid", "typ", "cty"}) {
    for (const char* value : {"1", "null", "true", "[]", "{}", "[\"HS256\"]"}) {
      const std::string h = std::string("{\"alg\":\"HS256\",\"") + name + "\":" + value + "}";
      // alg twice would be a duplicate: put the bad one alone when it is alg.
      const std::string header = std::string(name) == "alg" ? "{\"alg\":" + std::string(value) + "}" : h;
      EXPECT_EQ(extract(header), Status::bad_header) << header;
    }
  }
}

TEST(ExtractHeader, IgnoresOtherMembersOfAnyType) {
  // Keys never come from the header (jku, jwk, x5u, x5c are not read), and
  // names are case-sensitive: "Alg" is not alg.
  Checked c(R"({"alg":"HS256","jku":1,"jwk":{"kty":"oct"},"x5c":[null],"Alg":2,"al":3,"algs":4})");
  EXPECT_EQ(c.extracted, Status::ok);
  EXPECT_EQ(c.fields.alg, "HS256");
  EXPECT_EQ(extract(R"({"Alg":"HS256"})"), Status::ok);
  EXPECT_FALSE(Checked(R"({"Alg":"HS256"})").fields.alg.has_value());
}

TEST(ExtractHeader, TakesCritAsFoundAndB64WhereverItIs) {
  // crit's shape is a rule (below), not a type error at extraction.
  for (std::string_view h : {R"({"crit":5})", R"({"crit":"x"})", R"({"crit":[1,{}]})"}) {
    Checked c(h);
    EXPECT_EQ(c.extracted, Status::ok) << h;
    EXPECT_TRUE(c.fields.crit.present()) << h;
  }
  // b64 of any value stops extraction: members after it are not read.
  Checked first(R"({"b64":false,"alg":1})");
  EXPECT_EQ(first.extracted, Status::ok);
  EXPECT_TRUE(first.fields.has_b64);
  EXPECT_FALSE(first.fields.alg.has_value());
  EXPECT_EQ(extract(R"({"alg":1,"b64":false})"), Status::bad_header);  // read before b64
  EXPECT_TRUE(Checked(R"({"alg":"HS256","b64":true})").fields.has_b64);
}

// ----------------------------------------------------------------- alg

TEST(HeaderRules, RequiresAKnownAllowedAlg) {
  EXPECT_EQ(check(R"({})"), Status::bad_header);
  EXPECT_EQ(check(R"({"kid":"k"})"), Status::bad_header);
  // Exact, case-sensitive names; "none" in no spelling.
  for (std::string_view alg : {"none", "None", "NONE", "nOnE", "", "hs256", "HS256 ", " HS256",
                               "HS257", "RS1", "EdDSA\\u0000", "ES256K", "Ed25519", "HS"}) {
    EXPECT_EQ(check("{\"alg\":\"" + std::string(alg) + "\"}"), Status::alg_not_allowed) << alg;
  }
  for (Alg a : {Alg::HS256, Alg::RS512, Alg::PS384, Alg::ES512, Alg::EdDSA}) {
    Checked c("{\"alg\":\"" + std::string(alg_name(a)) + "\"}");
    EXPECT_EQ(c.status, Status::ok) << alg_name(a);
    EXPECT_EQ(c.header.alg, a);
  }
}

TEST(HeaderRules, AcceptsOnlyThePolicysAlgorithms) {
  Policy p;
  p.algorithms = AlgSet().add(Alg::ES256);
  EXPECT_EQ(check(R"({"alg":"ES256"})", p), Status::ok);
  EXPECT_EQ(check(R"({"alg":"ES384"})", p), Status::alg_not_allowed);
  EXPECT_EQ(check(R"({"alg":"HS256"})", p), Status::alg_not_allowed);
}

TEST(HeaderRules, CopiesTheParametersIntoTheHeader) {
  Checked c(R"({"alg":"PS256","kid":"","typ":"JWT","cty":"x"})");
  ASSERT_EQ(c.status, Status::ok);
  EXPECT_EQ(c.header.alg, Alg::PS256);
  EXPECT_EQ(c.header.kid, "");  // present and empty, not absent
  EXPECT_EQ(c.header.typ, "JWT");
  EXPECT_EQ(c.header.cty, "x");
  Checked bare(R"({"alg":"PS256"})");
  EXPECT_FALSE(bare.header.kid.has_value());
  EXPECT_FALSE(bare.header.typ.has_value());
  EXPECT_FALSE(bare.header.cty.has_value());
}

// ------------------------------------------------------------- b64, crit

TEST(HeaderRules, RefusesB64InAnyForm) {
  // RFC 7797: the signed bytes would differ from the carried ones.
  const Policy understood = with_crit({"b64"});
  for (std::string_view h : {R"({"alg":"HS256","b64":false})", R"({"alg":"HS256","b64":true})",
                             R"({"alg":"HS256","crit":["b64"],"b64":false})", R"({"b64":false})"}) {
    EXPECT_EQ(check(h), Status::unsupported_crit) << h;
    EXPECT_EQ(check(h, understood), Status::unsupported_crit) << h;
  }
  // Named in crit without the member: still not understood.
  EXPECT_EQ(check(R"({"alg":"HS256","crit":["b64"]})", understood), Status::unsupported_crit);
}

TEST(HeaderRules, RequiresCritToBeANonEmptyArrayOfStrings) {
  const Policy p = with_crit({"ext"});
  for (std::string_view crit : {"[]", "\"ext\"", "{}", "1", "null", "true", "[1]", "[null]",
                                "[[\"ext\"]]", "[\"ext\",1]"}) {
    EXPECT_EQ(check("{\"alg\":\"HS256\",\"ext\":1,\"crit\":" + std::string(crit) + "}", p),
              Status::bad_header)
        << crit;
  }
  EXPECT_EQ(check(R"({"alg":"HS256","ext":1,"crit":["ext"]})", p), Status::ok);
}

TEST(HeaderRules, RefusesCritNamingARegisteredParameter) {
  // RFC 7515 §4.1.11: registered names are understood by definition and may
  // not be listed, even when the policy lists them too.
  for (const char* name : {"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ",
                           "cty", "crit"}) {
    const Policy p = with_crit({name});
    EXPECT_EQ(check(std::string(R"({"alg":"HS256","kid":"k","typ":"t","cty":"c","crit":[")") + name +
                        "\"]}",
                    p),
              Status::bad_header)
        << name;
  }
  // Case matters: "ALG" is an extension name like any other.
  EXPECT_EQ(check(R"({"alg":"HS256","ALG":1,"crit":["ALG"]})", with_crit({"ALG"})), Status::ok);
  EXPECT_EQ(check(R"({"alg":"HS256","ALG":1,"crit":["ALG"]})"), Status::unsupported_crit);
}

TEST(HeaderRules, RequiresEveryCritNameUnderstoodPresentAndListedOnce) {
  const Policy p = with_crit({"ext", "ext2"});
  EXPECT_EQ(check(R"({"alg":"HS256","ext":1,"ext2":null,"crit":["ext","ext2"]})", p), Status::ok);
  EXPECT_EQ(check(R"({"alg":"HS256","other":1,"crit":["other"]})", p), Status::unsupported_crit);
  EXPECT_EQ(check(R"({"alg":"HS256","ext":1,"crit":["ext"]})"), Status::unsupported_crit);
  EXPECT_EQ(check(R"({"alg":"HS256","crit":["ext"]})", p), Status::bad_header);  // absent
  EXPECT_EQ(check(R"({"alg":"HS256","ext":1,"crit":["ext","ext"]})", p), Status::bad_header);
  // Understood extensions may be present without being critical.
  EXPECT_EQ(check(R"({"alg":"HS256","ext":1})", p), Status::ok);
}

TEST(HeaderRules, DecidesCritByItsFirstBadEntry) {
  const Policy p = with_crit({"ext"});
  EXPECT_EQ(check(R"({"alg":"HS256","ext":1,"other":1,"crit":["ext","other","alg"]})", p),
            Status::unsupported_crit);
  EXPECT_EQ(check(R"({"alg":"HS256","ext":1,"other":1,"crit":["ext","alg","other"]})", p),
            Status::bad_header);
  EXPECT_EQ(check(R"({"alg":"HS256","ext":1,"crit":["ext",5,"b64"]})", p), Status::bad_header);
}

// ------------------------------------------------------------- typ, kid

TEST(HeaderRules, ChecksTypOnlyWhenThePolicyAsks) {
  EXPECT_EQ(check(R"({"alg":"HS256"})"), Status::ok);
  EXPECT_EQ(check(R"({"alg":"HS256","typ":"anything"})"), Status::ok);
  Policy p;
  p.typ = "JWT";
  EXPECT_EQ(check(R"({"alg":"HS256"})", p), Status::bad_typ);
  EXPECT_EQ(check(R"({"alg":"HS256","typ":"JWT"})", p), Status::ok);
  EXPECT_EQ(check(R"({"alg":"HS256","typ":"application/jwt"})", p), Status::ok);
  EXPECT_EQ(check(R"({"alg":"HS256","typ":"at+jwt"})", p), Status::bad_typ);
  EXPECT_EQ(check(R"({"alg":"HS256","typ":""})", p), Status::bad_typ);
}

TEST(HeaderRules, RequiresAKidOnlyWhenThePolicyAsks) {
  Policy p;
  p.require_kid = true;
  EXPECT_EQ(check(R"({"alg":"HS256"})"), Status::ok);
  EXPECT_EQ(check(R"({"alg":"HS256"})", p), Status::missing_kid);
  EXPECT_EQ(check(R"({"alg":"HS256","kid":""})", p), Status::ok);  // present, if empty
  EXPECT_EQ(check(R"({"alg":"HS256","kid":"k"})", p), Status::ok);
}

TEST(HeaderRules, AppliesTheRulesInTheirDocumentedOrder) {
  // b64, alg, crit, typ, kid: a header breaking several gets the first.
  Policy p;
  p.algorithms = AlgSet().add(Alg::ES256);
  p.typ = "JWT";
  p.require_kid = true;
  EXPECT_EQ(check(R"({"alg":"none","crit":[],"b64":false})", p), Status::unsupported_crit);
  EXPECT_EQ(check(R"({"alg":"HS256","crit":[]})", p), Status::alg_not_allowed);
  EXPECT_EQ(check(R"({"crit":[]})", p), Status::bad_header);  // no alg
  EXPECT_EQ(check(R"({"alg":"ES256","crit":["x"],"x":1})", p), Status::unsupported_crit);
  EXPECT_EQ(check(R"({"alg":"ES256","typ":"at+jwt"})", p), Status::bad_typ);
  EXPECT_EQ(check(R"({"alg":"ES256","typ":"jwt"})", p), Status::missing_kid);
  EXPECT_EQ(check(R"({"alg":"ES256","typ":"jwt","kid":"k"})", p), Status::ok);
}

// -------------------------------------------------------------- typ_matches

TEST(TypMatches, IgnoresCaseAndAnApplicationPrefixOnEitherSide) {
  // RFC 7515 §4.1.9: media type names are case-insensitive, and
  // "application/" is recommended to be left out.
  for (const auto& [typ, wanted] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"JWT", "JWT"}, {"jwt", "JWT"}, {"JwT", "jWt"}, {"application/jwt", "JWT"},
           {"JWT", "application/jwt"}, {"APPLICATION/JWT", "jwt"}, {"Application/At+JWT", "at+jwt"},
           {"application/jwt", "application/JWT"}, {"", ""}}) {
    EXPECT_TRUE(rules::typ_matches(typ, wanted)) << typ << " / " << wanted;
  }
}

TEST(TypMatches, ComparesEverythingElseExactly) {
  for (const auto& [typ, wanted] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"JWT ", "JWT"}, {" JWT", "JWT"}, {"JWTs", "JWT"}, {"JW", "JWT"}, {"at+jwt", "JWT"},
           {"app/jwt", "JWT"}, {"application/", "JWT"}, {"applicationjwt", "JWT"},
           {"application/application/jwt", "JWT"},  // the prefix goes once
           {"text/jwt", "JWT"}, {"JWT", "application/at+jwt"}, {"", "JWT"},
           {"J\xC3\x89T", "J\xC3\xA9T"}}) {  // no case folding beyond ASCII
    EXPECT_FALSE(rules::typ_matches(typ, wanted)) << typ << " / " << wanted;
  }
}

}  // namespace
}  // namespace jve
