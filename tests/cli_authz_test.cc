// `jve verify` with authorization flags: --require-scope, --require-claim,
// --requirements. Contract (tools/cli/verify_cmd.cc): a genuine token that
// fails a requirement exits 1 with "error: insufficient_scope: ..." or
// "error: forbidden: ..." on stderr and nothing on stdout; authentication
// failures keep their statuses and come first; a bad flag or document is a
// usage error (exit 2).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.h"
#include "jve/jve.hpp"
#include "testkit.h"

namespace jve {
namespace {

// json_quoted quotes a message that holds no character JSON must escape.
std::string json_quoted(const std::string& s) { return "\"" + s + "\""; }

constexpr int64_t kNow = 1700000000;

using cli_test::CliResult;
using cli_test::contains;

class CliAuthz : public cli_test::CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    key_ = testkit::generate_key(Alg::ES256, "k1");
    jwks_ = file("jwks.json", testkit::jwks({&key_}));
    // Keycloak- and Auth0-like claims next to a scope string.
    payload_ =
        "{\"exp\":" + std::to_string(kNow + 60) +
        ",\"sub\":\"u1\",\"scope\":\"openid orders:read\",\"scp\":[\"orders:list\"],"
        "\"realm_access\":{\"roles\":[\"user\",\"auditor\"]},\"cognito:groups\":[\"admins\"],"
        "\"https://example.com/tenant\":\"acme\",\"tenantId\":\"acme\",\"level\":3}";
    token_ = testkit::sign(key_, testkit::header_json(Alg::ES256, "k1"), payload_);
  }
  CliResult verify(std::vector<std::string> extra, const std::string& token = "") {
    std::vector<std::string> args = {"verify", "--jwks", jwks_, "--now", std::to_string(kNow)};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(token.empty() ? token_ : token);
    return jve(args);
  }

  testkit::SigningKey key_ = testkit::generate_key(Alg::HS256);
  std::string jwks_, payload_, token_;
};

TEST_F(CliAuthz, AcceptsWhenEveryRequirementHolds) {
  const CliResult r = verify({"--require-scope", "orders:read", "--require-scope", "orders:list",
                              "--require-claim", "/realm_access/roles=auditor", "--require-claim",
                              "cognito:groups=admins", "--require-claim", "https://example.com/tenant=acme",
                              "--require-claim", "tenantId=acme"});
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out, payload_ + "\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliAuthz, MissingScopeIsInsufficientScope) {
  const CliResult r = verify({"--require-scope", "orders:read", "--require-scope", "orders:write"});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "error: insufficient_scope: scope \"orders:write\" is not granted\n");
}

TEST_F(CliAuthz, UnmetClaimIsForbidden) {
  CliResult r = verify({"--require-claim", "/realm_access/roles=admin"});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, "error: forbidden: claim \"/realm_access/roles\" does not contain \"admin\"\n");
  // VALUE is a string: the integer claim 3 is not "3".
  r = verify({"--require-claim", "level=3"});
  EXPECT_EQ(r.exit, 1);
  EXPECT_TRUE(contains(r.err, "error: forbidden: claim \"/level\"")) << r.err;
  // Everything after the first '=' is the value.
  r = verify({"--require-claim", "tenantId=acme=x"});
  EXPECT_EQ(r.exit, 1);
  EXPECT_TRUE(contains(r.err, "does not contain \"acme=x\"")) << r.err;
}

TEST_F(CliAuthz, RequirementsFileCombinesWithFlagsByAllOf) {
  const std::string doc = file("req.json",
                               R"({"any_of":[{"claim":"/realm_access/roles","contains":"admin"},
                                             {"claim":"/level","equals":3}]})");
  EXPECT_EQ(verify({"--requirements", doc}).exit, 0);
  EXPECT_EQ(verify({"--requirements", doc, "--require-scope", "openid"}).exit, 0);
  CliResult r = verify({"--requirements", doc, "--require-scope", "email"});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, "error: insufficient_scope: scope \"email\" is not granted\n");
  const std::string deny = file("deny.json", R"({"claim":"/level","equals":4})");
  r = verify({"--requirements", doc, "--require-scope", "openid", "--requirements", deny});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, "error: forbidden: claim \"/level\" does not equal 4\n");
}

TEST_F(CliAuthz, AuthenticationFailuresTakePrecedence) {
  CliResult r = verify({"--require-scope", "nope"}, testkit::tamper_signature(token_));
  EXPECT_EQ(r.exit, 1);
  EXPECT_TRUE(contains(r.err, "error: bad_signature:")) << r.err;
  const std::string expired =
      testkit::sign(key_, testkit::header_json(Alg::ES256, "k1"), "{\"exp\":" + std::to_string(kNow) + "}");
  r = verify({"--require-claim", "x=y"}, expired);
  EXPECT_EQ(r.exit, 1);
  EXPECT_TRUE(contains(r.err, "error: expired:")) << r.err;
}

TEST_F(CliAuthz, BadRequirementsAreUsageErrors) {
  CliResult r = verify({"--require-scope", "two words"});
  EXPECT_EQ(r.exit, 2);
  EXPECT_TRUE(contains(r.err, "not a scope-token")) << r.err;
  r = verify({"--require-claim", "noequals"});
  EXPECT_EQ(r.exit, 2);
  EXPECT_TRUE(contains(r.err, "--require-claim needs PATH=VALUE")) << r.err;
  r = verify({"--require-claim", "/a~2=x"});
  EXPECT_EQ(r.exit, 2);
  EXPECT_TRUE(contains(r.err, "'~' not followed by 0 or 1")) << r.err;
  const std::string bad = file("bad.json", R"({"all_of":[{"claim":"/x","equal":1}]})");
  r = verify({"--requirements", bad});
  EXPECT_EQ(r.exit, 2);
  EXPECT_TRUE(contains(r.err, "requirement at /all_of/0/equal: unknown member")) << r.err;
  r = verify({"--requirements", path("missing.json")});
  EXPECT_EQ(r.exit, 2);
  EXPECT_TRUE(contains(r.err, "cannot read requirements file")) << r.err;
  r = jve({"verify", "--jwks", jwks_, "--jws", "--require-scope", "a", token_});
  EXPECT_EQ(r.exit, 2);
}

// --tokens: the same flags on every line; a genuine token that fails a
// requirement is a line of its own status, in input order, with the
// failed requirement as its message; exit 1 when any line is not valid.
TEST_F(CliAuthz, BatchModeAuthorizesEveryToken) {
  const std::string other = testkit::sign(
      key_, testkit::header_json(Alg::ES256, "k1"),
      "{\"exp\":" + std::to_string(kNow + 60) + ",\"scope\":\"orders:read\",\"tenantId\":\"globex\"}");
  const std::string no_scope = testkit::sign(
      key_, testkit::header_json(Alg::ES256, "k1"),
      "{\"exp\":" + std::to_string(kNow + 60) + ",\"tenantId\":\"acme\"}");
  const std::string tokens = file("tokens.txt", token_ + "\n" + other + "\n" + no_scope + "\n" +
                                                    testkit::tamper_signature(token_) + "\n" + token_ + "\n");
  const CliResult r = jve({"verify", "--jwks", jwks_, "--now", std::to_string(kNow), "--quiet",
                           "--threads", "2", "--require-scope", "orders:read", "--require-claim",
                           "tenantId=acme", "--tokens", tokens});
  EXPECT_EQ(r.exit, 1) << r.err;
  const std::string valid = "{\"line\":1,\"valid\":true,\"claims\":" + payload_ + "}\n";
  EXPECT_EQ(r.out,
            valid +
            "{\"line\":2,\"valid\":false,\"error\":\"forbidden\",\"message\":"
            "\"claim \\\"/tenantId\\\" does not contain \\\"acme\\\"\"}\n"
            "{\"line\":3,\"valid\":false,\"error\":\"insufficient_scope\",\"message\":"
            "\"scope \\\"orders:read\\\" is not granted\"}\n"
            "{\"line\":4,\"valid\":false,\"error\":\"bad_signature\",\"message\":" +
            json_quoted(std::string(message(Status::bad_signature))) + "}\n" +
            "{\"line\":5" + valid.substr(valid.find(',')));
  // All genuine and allowed: exit 0.
  const std::string good = file("good.txt", token_ + "\n" + token_ + "\n");
  const CliResult ok = jve({"verify", "--jwks", jwks_, "--now", std::to_string(kNow), "--quiet",
                            "--require-scope", "orders:read", "--tokens", good});
  EXPECT_EQ(ok.exit, 0) << ok.err;
}

}  // namespace
}  // namespace jve
