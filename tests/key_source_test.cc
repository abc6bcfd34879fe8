// The key-source module (jve/key_source.h): SourceErrorKind's names, the
// usable-JWKS rule every source and the C API apply (parse_usable_jwks), and
// the one-line description of a left-out key (describe_left_out).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jve/key_source.h"
#include "testkit.h"

namespace jve {
namespace {

TEST(SourceErrorKind, HasStableNames) {
  EXPECT_EQ(to_string(SourceErrorKind::none), "none");
  EXPECT_EQ(to_string(SourceErrorKind::unreadable), "unreadable");
  EXPECT_EQ(to_string(SourceErrorKind::network), "network");
  EXPECT_EQ(to_string(SourceErrorKind::timeout), "timeout");
  EXPECT_EQ(to_string(SourceErrorKind::http_status), "http_status");
  EXPECT_EQ(to_string(SourceErrorKind::too_large), "too_large");
  EXPECT_EQ(to_string(SourceErrorKind::bad_jwks), "bad_jwks");
  EXPECT_EQ(to_string(SourceErrorKind::refused), "refused");
  EXPECT_EQ(to_string(static_cast<SourceErrorKind>(200)), "unknown");
}

TEST(ParseUsableJwks, KeepsLeftOutKeysListedInAUsableSet) {
  const testkit::SigningKey good = testkit::generate_key(Alg::EdDSA, "good");
  const std::vector<uint8_t> short_secret(8, 1);
  const testkit::SigningKey weak = *testkit::key_from_secret(Alg::HS256, short_secret, "weak");
  std::string why = "stale";
  auto keys = parse_usable_jwks(testkit::jwks({&good, &weak}), &why);
  ASSERT_TRUE(keys.ok()) << why;
  EXPECT_EQ((*keys)->size(), 1u);
  ASSERT_EQ((*keys)->left_out().size(), 1u);
  EXPECT_EQ((*keys)->left_out()[0].status, Status::weak_key);
}

// The documented answer for the empty set: key_not_found, the status every
// token would get from it (the C API's c_api.bad_jwks_reported checks the
// same answer through jve_key_store_new).
TEST(ParseUsableJwks, RefusesAnEmptySetWithKeyNotFound) {
  for (const char* empty : {R"({"keys":[]})", R"( { "keys" : [ ] } )"}) {
    SCOPED_TRACE(empty);
    std::string why;
    const auto keys = parse_usable_jwks(empty, &why);
    EXPECT_EQ(keys.status(), Status::key_not_found);
    EXPECT_EQ(why, "the JWKS has no keys");
  }
}

// A set whose keys were all left out gets the first one's status, and the
// sentence describes that key as describe_left_out does.
TEST(ParseUsableJwks, RefusesASetWithoutUsableKeyWithTheFirstKeysStatus) {
  const std::vector<uint8_t> short_secret(8, 1);
  const testkit::SigningKey weak = *testkit::key_from_secret(Alg::HS256, short_secret, "weak");
  std::string why;
  auto one = parse_usable_jwks(testkit::jwks({&weak}), &why);
  EXPECT_EQ(one.status(), Status::weak_key);
  EXPECT_EQ(why.rfind("no usable key in the JWKS: key #0 (kid \"weak\") left out: weak_key: ", 0), 0u) << why;

  const std::string two = R"({"keys":[{"kty":"XYZ","kid":"odd"},)" + weak.public_jwk() + "]}";
  auto both = parse_usable_jwks(two, &why);
  EXPECT_EQ(both.status(), Status::unsupported_key);
  EXPECT_EQ(why.rfind("no usable key in the JWKS (2 keys left out; the first): key #0 (kid \"odd\") "
                      "left out: unsupported_key: ",
                      0),
            0u)
      << why;
}

TEST(ParseUsableJwks, PassesOnTheLoadersStatusForABrokenDocument) {
  struct Case {
    const char* json;
    Status status;
  };
  const Case cases[] = {
      {"{not json", Status::bad_json},
      {R"({"keys":1,"keys":2})", Status::duplicate_member},
      {"[1,2,3]", Status::bad_json},
      {R"({"keys":{}})", Status::bad_key},
      {R"({"nokeys":1})", Status::bad_key},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    std::string why;
    EXPECT_EQ(parse_usable_jwks(c.json, &why).status(), c.status);
    EXPECT_FALSE(why.empty());
    EXPECT_EQ(parse_usable_jwks(c.json).status(), c.status);  // |why| is optional
  }
}

TEST(DescribeLeftOut, NamesIndexKidStatusAndReason) {
  KeyIssue issue;
  issue.index = 3;
  issue.kid = "old";
  issue.status = Status::weak_key;
  issue.why = "RSA key has 1024 bits";
  EXPECT_EQ(describe_left_out(issue), "key #3 (kid \"old\") left out: weak_key: RSA key has 1024 bits");
  issue.kid.reset();
  EXPECT_EQ(describe_left_out(issue), "key #3 left out: weak_key: RSA key has 1024 bits");
  issue.why.clear();
  EXPECT_EQ(describe_left_out(issue), "key #3 left out: weak_key");
}

// The kid comes from the document: a hostile one must not break the line
// or pose as another field.
TEST(DescribeLeftOut, EscapesAndShortensAHostileKid) {
  KeyIssue issue;
  issue.kid = std::string("a\"\n\x7f", 4) + std::string(200, 'k');
  issue.status = Status::bad_key;
  const std::string line = describe_left_out(issue);
  EXPECT_EQ(line.rfind("key #0 (kid \"a\\x22\\x0a\\x7f", 0), 0u) << line;
  EXPECT_LT(line.size(), 120u) << line;
  for (char c : line) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << line;
}

// Every key a real loader leaves out is described with its own status.
TEST(DescribeLeftOut, DescribesWhatKeySetLeftOut) {
  const testkit::SigningKey good = testkit::generate_key(Alg::ES256, "good");
  const testkit::SigningKey weak = testkit::generate_key(Alg::RS256, "weak-1024", 1024);
  const Result<KeySet> set = KeySet::from_jwks(testkit::jwks({&good, &weak}));
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->left_out().size(), 1u);
  const std::string line = describe_left_out(set->left_out()[0]);
  EXPECT_EQ(line.rfind("key #1 (kid \"weak-1024\") left out: weak_key: ", 0), 0u) << line;
  EXPECT_NE(line.find("1024"), std::string::npos) << line;
}

}  // namespace
}  // namespace jve
