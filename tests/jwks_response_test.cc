// A JWKS response judged for JwksUrl (engine/remote: remote/jwks_response.h):
// status, header lines and body in, a key set or a SourceError out, without
// a server.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "remote/jwks_response.h"
#include "testkit.h"

namespace jve::remote {
namespace {

constexpr std::string_view kWhat = "GET https://idp.example/jwks.json: ";

HttpResponse response(long status, std::string body, std::vector<std::string_view> header_lines = {}) {
  HttpResponse r;
  r.status = status;
  for (std::string_view line : header_lines) r.cache.header_line(line);
  r.body = std::move(body);
  return r;
}

class JwksResponseTest : public ::testing::Test {
 protected:
  testkit::SigningKey k1_ = testkit::generate_key(Alg::ES256, "k1");
  testkit::SigningKey k2_ = testkit::generate_key(Alg::EdDSA, "k2");
};

TEST_F(JwksResponseTest, AcceptsAUsableJwksWithItsCacheAge) {
  const ResponseVerdict v = judge_response(
      response(200, testkit::jwks({&k1_, &k2_}), {"HTTP/1.1 200 OK\r\n", "Cache-Control: max-age=60\r\n"}),
      kWhat, std::nullopt);
  ASSERT_TRUE(v.error.ok()) << v.error.message;
  ASSERT_NE(v.keys, nullptr);
  EXPECT_EQ(v.keys->size(), 2u);
  EXPECT_EQ(v.cache_max_age_s, 60);
  EXPECT_NE(v.digest, Digest{});
}

TEST_F(JwksResponseTest, AcceptsThePublishedBytesWithoutANewSet) {
  const HttpResponse r = response(200, testkit::jwks({&k1_}));
  const ResponseVerdict first = judge_response(r, kWhat, std::nullopt);
  ASSERT_TRUE(first.error.ok());
  const ResponseVerdict again = judge_response(r, kWhat, first.digest);
  EXPECT_TRUE(again.error.ok());
  EXPECT_EQ(again.keys, nullptr);
  EXPECT_EQ(again.digest, first.digest);
  // Other bytes are a new set, even with the same keys.
  const ResponseVerdict spaced = judge_response(response(200, " " + r.body), kWhat, first.digest);
  ASSERT_TRUE(spaced.error.ok());
  EXPECT_NE(spaced.keys, nullptr);
  EXPECT_NE(spaced.digest, first.digest);
}

TEST_F(JwksResponseTest, RefusesEveryStatusButOk) {
  for (long status : {0L, 100L, 201L, 204L, 301L, 304L, 404L, 500L, 503L, 999L, -1L}) {
    SCOPED_TRACE(status);
    const ResponseVerdict v = judge_response(response(status, testkit::jwks({&k1_})), kWhat, std::nullopt);
    EXPECT_EQ(v.error.kind, SourceErrorKind::http_status);
    EXPECT_EQ(v.error.jwks_status, Status::ok);
    EXPECT_EQ(v.error.message,
              std::string(kWhat) + "HTTP status " + std::to_string(status) + " (200 expected)");
    EXPECT_EQ(v.keys, nullptr);
  }
}

// The same rule and statuses as every key source (parse_usable_jwks).
TEST_F(JwksResponseTest, RefusesABodyWithoutUsableKey) {
  const std::vector<uint8_t> short_secret(16, 7);
  const testkit::SigningKey weak = *testkit::key_from_secret(Alg::HS256, short_secret, "weak");
  struct Case {
    const char* name;
    std::string body;
    Status status;
  };
  const Case cases[] = {
      {"html", "<html><body>Service Unavailable</body></html>", Status::bad_json},
      {"empty body", "", Status::bad_json},
      {"not a JWKS", R"({"error":"nope"})", Status::bad_key},
      {"no keys", R"({"keys":[]})", Status::key_not_found},
      {"only a weak key", testkit::jwks({&weak}), Status::weak_key},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const ResponseVerdict v = judge_response(response(200, c.body), kWhat, std::nullopt);
    EXPECT_EQ(v.error.kind, SourceErrorKind::bad_jwks);
    EXPECT_EQ(v.error.jwks_status, c.status);
    EXPECT_EQ(v.error.message.rfind(kWhat, 0), 0u) << v.error.message;
    EXPECT_GT(v.error.message.size(), kWhat.size());
    EXPECT_EQ(v.keys, nullptr);
  }
}

TEST(HttpResponse, AppendsTheBodyUpToTheLimit) {
  HttpResponse r;
  EXPECT_TRUE(r.append_body("abc", 5));
  EXPECT_TRUE(r.append_body("de", 5));
  EXPECT_FALSE(r.append_body("f", 5));
  EXPECT_EQ(r.body, "abcde");
  EXPECT_TRUE(r.append_body("", 5));
  HttpResponse big;
  EXPECT_FALSE(big.append_body("123456", 5));
  EXPECT_EQ(big.body, "");
}

}  // namespace
}  // namespace jve::remote
