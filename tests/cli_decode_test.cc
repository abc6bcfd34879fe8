// End-to-end tests of `jve decode`: pretty header and payload, times as UTC
// dates, the not-verified line, --json, and what is not a token.
#include <string>

#include "cli_util.h"
#include "jve/jve.hpp"
#include "testkit.h"

namespace jve::cli_test {
namespace {

class CliDecode : public CliFixture {};

TEST_F(CliDecode, PrettyPrintsHeaderPayloadAndDates) {
  const testkit::SigningKey key = testkit::generate_key(Alg::ES256, "k1");
  const std::string token = testkit::sign(
      key, testkit::header_json(Alg::ES256, "k1"),
      R"({"sub":"alice","exp":1700003600,"iat":1700000000,"nbf":1700000000.5,"roles":["a","b"],"o":{}})");
  const CliResult r = jve({"decode", "--now", "1700000060", token});
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "Header:\n"
            "{\n"
            "  \"alg\": \"ES256\",\n"
            "  \"typ\": \"JWT\",\n"
            "  \"kid\": \"k1\"\n"
            "}\n"
            "Payload:\n"
            "{\n"
            "  \"sub\": \"alice\",\n"
            "  \"exp\": 1700003600,\n"
            "  \"iat\": 1700000000,\n"
            "  \"nbf\": 1700000000.5,\n"
            "  \"roles\": [\n"
            "    \"a\",\n"
            "    \"b\"\n"
            "  ],\n"
            "  \"o\": {}\n"
            "}\n"
            "Times (UTC):\n"
            "  exp  1700003600  2023-11-14 23:13:20 UTC  (in 59m)\n"
            "  iat  1700000000  2023-11-14 22:13:20 UTC  (1m ago)\n"
            "  nbf  1700000000.5  2023-11-14 22:13:20 UTC  (1m ago)\n"
            "Signature: 64 bytes\n"
            "NOT VERIFIED: decode checks nothing (signature, key, alg, claims); use 'jve verify'.\n");
  // Expired, from standard input with a trailing newline.
  const CliResult e = jve({"decode", "--now", "1800000000", "-"}, token + "\n");
  EXPECT_EQ(e.exit, 0) << e.err;
  EXPECT_TRUE(contains(e.out, "ago: expired)")) << e.out;
}

TEST_F(CliDecode, PrintsJsonWhenAsked) {
  const testkit::SigningKey key = testkit::generate_key(Alg::HS256);
  const std::string token = testkit::sign(key, testkit::header_json(Alg::HS256, "", ""),
                                          "{ \"sub\" : \"a\", \"exp\": 1700000000 }");
  const CliResult r = jve({"decode", "--json", token});
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out,
            R"({"header":{"alg":"HS256"},"payload":{"sub":"a","exp":1700000000},)"
            R"("times":{"exp":"2023-11-14T22:13:20Z"},"signature_bytes":32,"verified":false})"
            "\n");
  // A JWS payload that is not JSON comes back as base64url.
  const std::string jws = testkit::sign(key, testkit::header_json(Alg::HS256), "\x01\xff raw");
  const CliResult j = jve({"decode", "--json", jws});
  EXPECT_EQ(j.exit, 0) << j.err;
  EXPECT_TRUE(contains(j.out, R"("payload":null,"payload_b64":")")) << j.out;
  const CliResult h = jve({"decode", jws});
  EXPECT_TRUE(contains(h.out, "Payload (6 bytes, not a JSON object")) << h.out;
}

TEST_F(CliDecode, RejectsWhatIsNotAToken) {
  struct Case {
    std::string token, message;
  };
  const std::vector<Case> cases = {
      {"abc", "1 segment(s)"},
      {"a.b.c.d.e", "JWE"},
      {"e30.e30", "2 segment(s)"},
      {".e30.sig", "header segment is not strict base64url"},
      {"e30=.e30.sig", "header segment is not strict base64url"},
      {"bm90IGpzb24.e30.sig", "header is not a JSON object"},
      {base64url::encode("\xEF\xBB\xBF{}") + ".e30.sig", "byte-order mark"},  // as jve verify
      {"e30.e30!.sig", "payload segment is not strict base64url"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.token);
    const CliResult r = jve({"decode", c.token});
    EXPECT_EQ(r.exit, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("jve decode: ", 0), 0u) << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << r.err;
  }
  CliResult r = jve({"decode"});
  EXPECT_EQ(r.exit, 2);
  EXPECT_TRUE(contains(r.err, "TOKEN is required")) << r.err;
  r = jve({"decode", "a", "b"});
  EXPECT_EQ(r.exit, 2) << r.err;
  EXPECT_EQ(jve({"decode", "--help"}).exit, 0);
}

}  // namespace
}  // namespace jve::cli_test
