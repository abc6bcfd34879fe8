// The JWS examples of RFC 7515 App. A, RFC 7520 §4, RFC 8037 App. A and
// RFC 7797 §4, plus their derived negatives, from
// tests/data/rfc/jws_vectors.json (fields: tests/data/rfc/README.md).
//
// Each vector is checked twice: at the JWS level (verify_jws: header, key and
// signature only; `expected` / `reason`) and at the JWT level (verify with the
// default policy and the vector's clock; `expected_jwt` /
// `expected_jwt_reason`). Every rejection must carry its exact Status.
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "jve/jve.hpp"

namespace jve {
namespace {

struct RfcVector {
  std::string id;
  std::string alg;
  std::string serialization;  // "compact" or "json"
  std::string token;          // compact token, or the JSON serialization text
  std::string jwks;           // minified {"keys":[...]}
  std::optional<std::string> kid;
  std::string payload;
  bool payload_is_json_object = false;
  std::string expected;  // valid / invalid / unsupported
  std::string reason;
  std::string expected_jwt;
  std::string expected_jwt_reason;
  std::optional<int64_t> now;
};

// GoogleTest prints parameters in failure messages and test listings; the id
// says which vector, a byte dump of the struct does not.
void PrintTo(const RfcVector& v, std::ostream* os) { *os << v.id; }

std::string vectors_path() { return std::string(JVE_TESTDATA_DIR) + "/rfc/jws_vectors.json"; }

std::string get_string(simdjson::dom::element obj, const char* key) {
  std::string_view sv;
  if (obj[key].get(sv) != simdjson::SUCCESS) return {};
  return std::string(sv);
}

// load_vectors reads the file once; an unreadable file gives an empty list,
// which RfcVectorFile.LoadsAllVectors reports.
const std::vector<RfcVector>& load_vectors() {
  static const std::vector<RfcVector> vectors = [] {
    std::vector<RfcVector> out;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.load(vectors_path()).get(root) != simdjson::SUCCESS) return out;
    simdjson::dom::array arr;
    if (root["vectors"].get(arr) != simdjson::SUCCESS) return out;
    for (simdjson::dom::element e : arr) {
      RfcVector v;
      v.id = get_string(e, "id");
      v.alg = get_string(e, "alg");
      v.serialization = get_string(e, "serialization");
      if (v.serialization == "json") {
        // The flattened JWS JSON serialization, fed to jve as the "token".
        simdjson::dom::element js;
        if (e["json_serialization"].get(js) == simdjson::SUCCESS)
          v.token = js.is_string() ? std::string(std::string_view(js)) : simdjson::minify(js);
      } else {
        v.token = get_string(e, "token");
      }
      simdjson::dom::element jwks;
      if (e["jwks"].get(jwks) == simdjson::SUCCESS) v.jwks = simdjson::minify(jwks);
      simdjson::dom::element jwk;
      std::string_view kid;
      if (e["jwk"].get(jwk) == simdjson::SUCCESS && jwk.is_object() &&
          jwk["kid"].get(kid) == simdjson::SUCCESS)
        v.kid = std::string(kid);
      v.payload = get_string(e, "payload");
      bool is_obj = false;
      if (e["payload_is_json_object"].get(is_obj) == simdjson::SUCCESS)
        v.payload_is_json_object = is_obj;
      v.expected = get_string(e, "expected");
      v.reason = get_string(e, "reason");
      v.expected_jwt = get_string(e, "expected_jwt");
      v.expected_jwt_reason = get_string(e, "expected_jwt_reason");
      int64_t now = 0;
      if (e["now"].get(now) == simdjson::SUCCESS) v.now = now;
      out.push_back(std::move(v));
    }
    return out;
  }();
  return vectors;
}

// The jve status for each reason the vector file names. alg_key_mismatch:
// the derived vector's token has no kid, and KeySet::select documents
// key_alg_mismatch only for "keys with that kid exist but none fits", so a
// kid-less token whose only key is of the wrong curve is key_not_found.
// detached_payload_unsupported: verify.cc decodes the empty payload segment
// (zero bytes) and verifies the signature over "header." exactly as
// received, which does not match: bad_signature. payload_not_json_object:
// the strict JSON stage rejects non-JSON text with bad_json.
Status status_for_reason(const std::string& reason) {
  static const std::map<std::string, Status> kMap = {
      {"alg_none", Status::alg_not_allowed},
      {"bad_signature", Status::bad_signature},
      {"alg_key_mismatch", Status::key_not_found},
      {"crit_unsupported", Status::unsupported_crit},
      {"json_serialization_unsupported", Status::malformed},
      {"detached_payload_unsupported", Status::bad_signature},
      {"malformed", Status::malformed},
      {"expired", Status::expired},
      {"payload_not_json_object", Status::bad_json},
  };
  auto it = kMap.find(reason);
  return it == kMap.end() ? Status::num_statuses : it->second;
}

std::shared_ptr<const KeySet> keys_of(const RfcVector& v) {
  std::string why;
  Result<KeySet> set = KeySet::from_jwks(v.jwks, &why);
  EXPECT_TRUE(set.ok()) << v.id << ": " << to_string(set.status()) << ": " << why;
  if (!set.ok()) return nullptr;
  // Every RFC key is strong enough and well formed: nothing is left out.
  for (const KeyIssue& issue : set->left_out())
    ADD_FAILURE() << v.id << ": key #" << issue.index << " left out: " << to_string(issue.status)
                  << ": " << issue.why;
  return std::make_shared<const KeySet>(std::move(*set));
}

class RfcVectorTest : public ::testing::TestWithParam<RfcVector> {};

TEST_P(RfcVectorTest, VerifiesAsJws) {
  const RfcVector& v = GetParam();
  auto keys = keys_of(v);
  ASSERT_NE(keys, nullptr);
  Policy policy;
  policy.required_claims.clear();
  if (v.now) policy.clock = [t = *v.now] { return t; };
  Verifier verifier(policy, keys);
  Scratch scratch;
  Jws jws;
  const Status st = verifier.verify_jws(v.token, scratch, jws);
  if (v.expected == "valid") {
    ASSERT_EQ(st, Status::ok) << v.id << ": got " << to_string(st);
    EXPECT_EQ(jws.payload, v.payload);
    EXPECT_EQ(alg_name(jws.header.alg), v.alg);
    if (v.kid) {
      ASSERT_TRUE(jws.header.kid.has_value());
      EXPECT_EQ(*jws.header.kid, *v.kid);
    }
  } else {
    ASSERT_TRUE(v.expected == "invalid" || v.expected == "unsupported") << v.expected;
    const Status want = status_for_reason(v.reason);
    ASSERT_NE(want, Status::num_statuses) << "reason not mapped: " << v.reason;
    EXPECT_EQ(st, want) << v.id << " (" << v.reason << "): got " << to_string(st) << ", want "
                        << to_string(want);
  }
}

TEST_P(RfcVectorTest, VerifiesAsJwt) {
  const RfcVector& v = GetParam();
  auto keys = keys_of(v);
  ASSERT_NE(keys, nullptr);
  Policy policy;  // default: exp required, audience checked (no vector has aud)
  if (v.now) policy.clock = [t = *v.now] { return t; };
  Verifier verifier(policy, keys);
  Scratch scratch;
  Claims claims;
  const Status st = verifier.verify(v.token, scratch, claims);
  if (v.expected_jwt == "valid") {
    ASSERT_EQ(st, Status::ok) << v.id << ": got " << to_string(st);
    EXPECT_EQ(claims.json(), v.payload);
    // All valid JWT vectors carry the RFC 7515 claims set.
    EXPECT_EQ(claims.iss, std::optional<std::string_view>("joe"));
    EXPECT_EQ(claims.exp, std::optional<double>(1300819380));
    EXPECT_EQ(claims.get_bool("http://example.com/is_root"), std::optional<bool>(true));
    EXPECT_EQ(claims.audience_count(), 0u);
  } else {
    ASSERT_EQ(v.expected_jwt, "invalid");
    const Status want = status_for_reason(v.expected_jwt_reason);
    ASSERT_NE(want, Status::num_statuses) << "reason not mapped: " << v.expected_jwt_reason;
    EXPECT_EQ(st, want) << v.id << " (" << v.expected_jwt_reason << "): got " << to_string(st)
                        << ", want " << to_string(want);
  }
}

std::string param_name(const ::testing::TestParamInfo<RfcVector>& info) {
  std::string name;
  for (char c : info.param.id)
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Rfc, RfcVectorTest, ::testing::ValuesIn(load_vectors()), param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RfcVectorTest);

TEST(RfcVectorFile, LoadsAllVectors) {
  const auto& vectors = load_vectors();
  ASSERT_FALSE(vectors.empty()) << "cannot read " << vectors_path();
  EXPECT_GE(vectors.size(), 19u);
  std::map<std::string, int> ids;
  int valid = 0;
  for (const RfcVector& v : vectors) {
    EXPECT_FALSE(v.token.empty()) << v.id;
    EXPECT_FALSE(v.jwks.empty()) << v.id;
    EXPECT_EQ(++ids[v.id], 1) << "duplicate id " << v.id;
    valid += v.expected == "valid";
  }
  EXPECT_GE(valid, 10);
}

// The valid JWT vectors with the real clock: their exp (2011) is long past.
TEST(RfcVectorFile, ExpiresValidJwtVectorsWithTheRealClock) {
  int checked = 0;
  for (const RfcVector& v : load_vectors()) {
    if (v.expected_jwt != "valid") continue;
    SCOPED_TRACE(v.id);
    auto keys = keys_of(v);
    ASSERT_NE(keys, nullptr);
    Verifier verifier(Policy{}, keys);
    Scratch scratch;
    Claims claims;
    EXPECT_EQ(verifier.verify(v.token, scratch, claims), Status::expired);
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

// At now == exp (derived-A.1-expired-clock) the token is expired; one second
// of leeway makes it valid again.
TEST(RfcVectorFile, AcceptsExpiredVectorWithinLeeway) {
  int checked = 0;
  for (const RfcVector& v : load_vectors()) {
    if (v.expected_jwt_reason != "expired" || !v.now) continue;
    SCOPED_TRACE(v.id);
    auto keys = keys_of(v);
    ASSERT_NE(keys, nullptr);
    Policy policy;
    policy.clock = [t = *v.now] { return t; };
    policy.leeway_seconds = 1;
    Verifier verifier(policy, keys);
    Scratch scratch;
    Claims claims;
    EXPECT_EQ(verifier.verify(v.token, scratch, claims), Status::ok);
    ++checked;
  }
  EXPECT_EQ(checked, 1);
}

// Every alg of the file's valid vectors is one jve knows.
TEST(RfcVectorFile, NamesOnlyKnownAlgorithmsForValidVectors) {
  for (const RfcVector& v : load_vectors()) {
    if (v.expected != "valid") continue;
    EXPECT_TRUE(alg_from_name(v.alg).has_value()) << v.id << ": " << v.alg;
  }
}

}  // namespace
}  // namespace jve
