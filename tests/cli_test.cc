// End-to-end tests of `jve verify` (the JVE_CLI binary): exit codes, what it
// prints on stdout and stderr, and every way of giving it keys and tokens.
// Contract: tools/cli/verify_cmd.cc (exit 0 valid + payload on stdout, 1
// invalid + one line "error: <status>: <message>" on stderr, 2 usage error or
// unreadable / unparseable key file).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.h"
#include "jve/jve.hpp"
#include "testkit.h"

namespace jve {
namespace {

constexpr int64_t kNow = 1700000000;

using cli_test::CliResult;

// The error line the CLI prints for |s|.
std::string error_line(Status s) {
  return "error: " + std::string(to_string(s)) + ": " + std::string(message(s)) + "\n";
}

class CliTest : public cli_test::CliFixture {
 protected:
  // verify runs `jve verify ARGS...` with |stdin_data| on standard input.
  CliResult verify(const std::vector<std::string>& args, const std::string& stdin_data = "") {
    std::vector<std::string> all = {"verify"};
    all.insert(all.end(), args.begin(), args.end());
    return jve(all, stdin_data);
  }

  // policy_args: the options under which testkit::realistic_payload(kNow)
  // tokens are valid.
  static std::vector<std::string> policy_args() {
    return {"--now", std::to_string(kNow), "--iss", std::string(testkit::kIssuer), "--aud",
            std::string(testkit::kAudience)};
  }

  static std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

};

TEST_F(CliTest, PrintsPayloadOfValidTokens) {
  for (Alg alg : {Alg::HS256, Alg::RS256, Alg::PS384, Alg::ES256, Alg::ES512, Alg::EdDSA}) {
    SCOPED_TRACE(std::string(alg_name(alg)));
    const testkit::SigningKey key = testkit::generate_key(alg, "k-" + std::string(alg_name(alg)));
    const std::string jwks = file("jwks.json", testkit::jwks({&key}));
    const std::string payload = testkit::realistic_payload(kNow);
    const std::string token = testkit::sign(key, testkit::header_json(alg, key.kid), payload);
    const CliResult r = verify(cat({"--jwks", jwks, token}, policy_args()));
    EXPECT_EQ(r.exit, 0) << r.err;
    EXPECT_EQ(r.out, payload + "\n");
    EXPECT_EQ(r.err, "");
  }
}

TEST_F(CliTest, RejectsTamperedTokenWithBadSignature) {
  for (Alg alg : {Alg::HS512, Alg::RS384, Alg::ES384, Alg::EdDSA}) {
    SCOPED_TRACE(std::string(alg_name(alg)));
    const testkit::SigningKey key = testkit::generate_key(alg, "k1");
    const std::string jwks = file("jwks.json", testkit::jwks({&key}));
    const std::string token =
        testkit::sign(key, testkit::header_json(alg, "k1"), testkit::realistic_payload(kNow));
    const CliResult r = verify(cat({"--jwks", jwks, testkit::tamper_signature(token)}, policy_args()));
    EXPECT_EQ(r.exit, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, error_line(Status::bad_signature));
  }
}

TEST_F(CliTest, RejectsExpiredTokenAtGivenNow) {
  const testkit::SigningKey key = testkit::generate_key(Alg::ES256, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string token =
      testkit::sign(key, testkit::header_json(Alg::ES256, "k1"), testkit::realistic_payload(kNow));
  const std::string iss(testkit::kIssuer), aud(testkit::kAudience);
  // exp = kNow + 3600: valid one second before, expired at exp.
  CliResult r = verify({"--jwks", jwks, "--iss", iss, "--aud", aud, "--now", std::to_string(kNow + 3599),
                  token});
  EXPECT_EQ(r.exit, 0) << r.err;
  r = verify({"--jwks", jwks, "--iss", iss, "--aud", aud, "--now", std::to_string(kNow + 3600),
              token});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, error_line(Status::expired));
  // Leeway covers the skew.
  r = verify({"--jwks", jwks, "--iss", iss, "--aud", aud, "--now", std::to_string(kNow + 3600),
              "--leeway", "60", token});
  EXPECT_EQ(r.exit, 0) << r.err;
  // Before nbf.
  r = verify({"--jwks", jwks, "--iss", iss, "--aud", aud, "--now", std::to_string(kNow - 1), token});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::not_yet_valid));
}

TEST_F(CliTest, ReadsTokenFromStdinWithTrailingNewline) {
  const testkit::SigningKey key = testkit::generate_key(Alg::RS256, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string payload = testkit::realistic_payload(kNow);
  const std::string token = testkit::sign(key, testkit::header_json(Alg::RS256, "k1"), payload);
  CliResult r = verify(cat({"--jwks", jwks, "-"}, policy_args()), token + "\n");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out, payload + "\n");
  r = verify(cat({"--jwks", jwks, "-"}, policy_args()), token + "\r\n");
  EXPECT_EQ(r.exit, 0) << r.err;
  r = verify(cat({"--jwks", jwks, "-"}, policy_args()), token);
  EXPECT_EQ(r.exit, 0) << r.err;
  // Only one newline is the pipe's: a second one is part of the token.
  r = verify(cat({"--jwks", jwks, "-"}, policy_args()), token + "\n\n");
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
}

TEST_F(CliTest, ReadsTokenFromTokenFile) {
  const testkit::SigningKey key = testkit::generate_key(Alg::PS256, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string payload = testkit::realistic_payload(kNow);
  const std::string token = testkit::sign(key, testkit::header_json(Alg::PS256, "k1"), payload);
  const std::string token_file = file("token.txt", token + "\n");
  CliResult r = verify(cat({"--jwks", jwks, "--token-file", token_file}, policy_args()));
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out, payload + "\n");
  // A token and --token-file together are a usage error.
  r = verify(cat({"--jwks", jwks, "--token-file", token_file, token}, policy_args()));
  EXPECT_EQ(r.exit, 2);
}

TEST_F(CliTest, ExitsTwoOnUnreadableTokenFile) {
  const testkit::SigningKey key = testkit::generate_key(Alg::HS256, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  CliResult r = verify(cat({"--jwks", jwks, "--token-file", dir_ + "/no-such-token"}, policy_args()));
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("cannot read token file"), std::string::npos) << r.err;
  // A directory is not a readable token file either.
  r = verify(cat({"--jwks", jwks, "--token-file", dir_}, policy_args()));
  EXPECT_EQ(r.exit, 2) << r.err;
}

TEST_F(CliTest, VerifiesWithPemPublicKey) {
  for (Alg alg : {Alg::RS256, Alg::ES256, Alg::ES384, Alg::EdDSA}) {
    SCOPED_TRACE(std::string(alg_name(alg)));
    const testkit::SigningKey key = testkit::generate_key(alg);  // no kid
    const std::string pem = file("key.pem", key.public_pem());
    ASSERT_NE(key.public_pem().find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
    const std::string payload = testkit::realistic_payload(kNow);
    const std::string token = testkit::sign(key, testkit::header_json(alg), payload);
    CliResult r = verify(cat({"--key", pem, token}, policy_args()));
    EXPECT_EQ(r.exit, 0) << r.err;
    EXPECT_EQ(r.out, payload + "\n");
    // A key from PEM has no kid; a token naming one does not find it
    // (docs/design.md: a kid not in the key set is rejected).
    const std::string with_kid = testkit::sign(key, testkit::header_json(alg, "some-kid"), payload);
    r = verify(cat({"--key", pem, with_kid}, policy_args()));
    EXPECT_EQ(r.exit, 1);
    EXPECT_EQ(r.err, error_line(Status::key_not_found));
  }
}

TEST_F(CliTest, VerifiesWithSecretFile) {
  const testkit::SigningKey key = testkit::generate_key(Alg::HS256);
  const std::vector<uint8_t> secret = key.secret();
  const std::string secret_file = file("secret.bin", std::string(secret.begin(), secret.end()));
  const std::string payload = testkit::realistic_payload(kNow);
  const std::string token = testkit::sign(key, testkit::header_json(Alg::HS256), payload);
  CliResult r = verify(cat({"--secret-file", secret_file, token}, policy_args()));
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out, payload + "\n");
  // Another secret: bad signature.
  const testkit::SigningKey other = testkit::generate_key(Alg::HS256);
  const std::vector<uint8_t> other_secret = other.secret();
  const std::string other_file =
      file("other.bin", std::string(other_secret.begin(), other_secret.end()));
  r = verify(cat({"--secret-file", other_file, token}, policy_args()));
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::bad_signature));
}

TEST_F(CliTest, PrintsRawPayloadBytesWithJws) {
  const testkit::SigningKey key = testkit::generate_key(Alg::ES256, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string payload = "not JSON:\n\x01\x7f binary \xff\xfe bytes!";
  const std::string token = testkit::sign(key, testkit::header_json(Alg::ES256, "k1", ""), payload);
  CliResult r = verify({"--jwks", jwks, "--jws", token});
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out, payload);  // exactly the bytes, no newline added
  EXPECT_EQ(r.err, "");
  // As a JWT the same token is refused: the payload is not JSON.
  r = verify({"--jwks", jwks, token});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::bad_json));
  // --jws still checks the signature.
  r = verify({"--jwks", jwks, "--jws", testkit::tamper_signature(token)});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::bad_signature));
}

TEST_F(CliTest, RequireNoneAcceptsTokenWithoutExp) {
  const testkit::SigningKey key = testkit::generate_key(Alg::EdDSA, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string payload = R"({"sub":"user-1","scope":"read"})";
  const std::string token = testkit::sign(key, testkit::header_json(Alg::EdDSA, "k1"), payload);
  CliResult r = verify({"--jwks", jwks, token});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::missing_claim));
  r = verify({"--jwks", jwks, "--require", "none", token});
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out, payload + "\n");
  // --require names the claims that must be there.
  r = verify({"--jwks", jwks, "--require", "sub,scope", token});
  EXPECT_EQ(r.exit, 0) << r.err;
  r = verify({"--jwks", jwks, "--require", "sub,jti", token});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::missing_claim));
}

TEST_F(CliTest, AlgOptionRestrictsAlgorithms) {
  const testkit::SigningKey key = testkit::generate_key(Alg::ES256, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string token =
      testkit::sign(key, testkit::header_json(Alg::ES256, "k1"), testkit::realistic_payload(kNow));
  CliResult r = verify(cat({"--jwks", jwks, "--alg", "RS256,PS256", token}, policy_args()));
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::alg_not_allowed));
  r = verify(cat({"--jwks", jwks, "--alg", "RS256,ES256", token}, policy_args()));
  EXPECT_EQ(r.exit, 0) << r.err;
  // An unknown algorithm name is a usage error; so is "none".
  r = verify(cat({"--jwks", jwks, "--alg", "ES257", token}, policy_args()));
  EXPECT_EQ(r.exit, 2);
  r = verify(cat({"--jwks", jwks, "--alg", "none", token}, policy_args()));
  EXPECT_EQ(r.exit, 2);
}

TEST_F(CliTest, RejectsIssuerAndAudienceMismatch) {
  const testkit::SigningKey key = testkit::generate_key(Alg::RS512, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string token =
      testkit::sign(key, testkit::header_json(Alg::RS512, "k1"), testkit::realistic_payload(kNow));
  const std::string now = std::to_string(kNow);
  const std::string iss(testkit::kIssuer), aud(testkit::kAudience);
  CliResult r = verify({"--jwks", jwks, "--now", now, "--iss", "https://other.example.com/", "--aud",
                  aud, token});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::bad_issuer));
  r = verify({"--jwks", jwks, "--now", now, "--iss", iss, "--aud", "https://other.example.com",
              token});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::bad_audience));
  // Repeated --aud: any match wins.
  r = verify({"--jwks", jwks, "--now", now, "--iss", iss, "--aud", "https://other.example.com",
              "--aud", aud, token});
  EXPECT_EQ(r.exit, 0) << r.err;
  // The token has aud and no audience is configured: bad_audience, unless
  // --no-aud-check.
  r = verify({"--jwks", jwks, "--now", now, token});
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.err, error_line(Status::bad_audience));
  r = verify({"--jwks", jwks, "--now", now, "--no-aud-check", token});
  EXPECT_EQ(r.exit, 0) << r.err;
}

TEST_F(CliTest, ExitsTwoOnUsageErrors) {
  const testkit::SigningKey key = testkit::generate_key(Alg::HS256, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string token =
      testkit::sign(key, testkit::header_json(Alg::HS256, "k1"), testkit::realistic_payload(kNow));
  const std::vector<std::vector<std::string>> cases = {
      {token},                                             // no key option
      {"--jwks", jwks, "--frobnicate", token},              // unknown option
      {"--jwks", jwks, token, token},                       // two tokens
      {"--jwks", jwks},                                     // no token
      {"--jwks", jwks, "--secret-file", jwks, token},       // two key options
      {"--jwks", jwks, "--now", "yesterday", token},        // bad number
      {"--jwks", jwks, "--leeway", "-5", token},            // negative leeway
      {"--jwks", jwks, token, "--now"},                     // option without value
  };
  for (const auto& args : cases) {
    std::string shown;
    for (const auto& a : args) shown += (a.size() > 40 ? a.substr(0, 37) + "..." : a) + " ";
    SCOPED_TRACE(shown);
    const CliResult r = verify(args);
    EXPECT_EQ(r.exit, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("jve verify: ", 0), 0u) << r.err;
  }
}

TEST_F(CliTest, ExitsTwoOnUnreadableKeyFile) {
  const testkit::SigningKey key = testkit::generate_key(Alg::HS256, "k1");
  const std::string token =
      testkit::sign(key, testkit::header_json(Alg::HS256, "k1"), testkit::realistic_payload(kNow));
  for (const char* opt : {"--jwks", "--key", "--secret-file"}) {
    SCOPED_TRACE(opt);
    const CliResult r = verify(cat({opt, dir_ + "/does-not-exist.json", token}, policy_args()));
    EXPECT_EQ(r.exit, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("cannot read key file"), std::string::npos) << r.err;
  }
  // A directory is not a readable key file either (std::ifstream opens it;
  // reading it fails).
  for (const char* opt : {"--jwks", "--key", "--secret-file"}) {
    SCOPED_TRACE(std::string(opt) + " DIR");
    const CliResult r = verify(cat({opt, dir_, token}, policy_args()));
    EXPECT_EQ(r.exit, 2) << r.err;
  }
}

TEST_F(CliTest, ExitsTwoOnGarbageKeys) {
  const testkit::SigningKey key = testkit::generate_key(Alg::ES256, "k1");
  const std::string token =
      testkit::sign(key, testkit::header_json(Alg::ES256, "k1"), testkit::realistic_payload(kNow));
  for (const std::string& garbage :
       {std::string("this is not json"), std::string("{\"keys\":[{\"kty\":\"EC\""),
        std::string("{\"keys\":42}"), std::string("[1,2,3]")}) {
    SCOPED_TRACE(garbage);
    const CliResult r = verify(cat({"--jwks", file("garbage.json", garbage), token}, policy_args()));
    EXPECT_EQ(r.exit, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("cannot load keys"), std::string::npos) << r.err;
  }
  const CliResult r = verify(cat({"--key", file("garbage.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n"
                                                        "-----END PUBLIC KEY-----\n"),
                            token},
                           policy_args()));
  EXPECT_EQ(r.exit, 2) << r.err;
  EXPECT_NE(r.err.find("cannot load keys"), std::string::npos) << r.err;
}

TEST_F(CliTest, WarnsAboutWeakRsaKeyAndRejectsItsToken) {
  const testkit::SigningKey weak = testkit::generate_key(Alg::RS256, "weak-1024", 1024);
  const std::string jwks = file("jwks.json", testkit::jwks({&weak}));
  const std::string token = testkit::sign(weak, testkit::header_json(Alg::RS256, "weak-1024"),
                                          testkit::realistic_payload(kNow));
  const CliResult r = verify(cat({"--jwks", jwks, token}, policy_args()));
  EXPECT_EQ(r.exit, 1);
  EXPECT_EQ(r.out, "");
  // Two lines: the load-time warning naming the key, then the verdict.
  const size_t nl = r.err.find('\n');
  ASSERT_NE(nl, std::string::npos) << r.err;
  const std::string warning = r.err.substr(0, nl + 1);
  EXPECT_EQ(warning.rfind("warning: " + jwks + ": key #0 (kid \"weak-1024\") left out: weak_key: ",
                          0),
            0u)
      << warning;
  EXPECT_NE(warning.find("1024"), std::string::npos) << warning;
  EXPECT_EQ(r.err.substr(nl + 1), error_line(Status::weak_key));
}

// The same with a PEM file (no kid anywhere): verify_cmd.cc leaves the key
// out with a warning rather than failing with a usage error, and says "the
// token that needed it then fails with the key's own status".
TEST_F(CliTest, WarnsAboutWeakPemKeyAndRejectsItsToken) {
  const testkit::SigningKey weak = testkit::generate_key(Alg::RS256, "", 1024);
  const std::string pem = file("weak.pem", weak.public_pem());
  const std::string no_kid =
      testkit::sign(weak, testkit::header_json(Alg::RS256), testkit::realistic_payload(kNow));
  const CliResult p = verify(cat({"--key", pem, no_kid}, policy_args()));
  EXPECT_EQ(p.exit, 1) << p.err;
  EXPECT_EQ(p.err.rfind("warning: ", 0), 0u) << p.err;
  const size_t pnl = p.err.find('\n');
  ASSERT_NE(pnl, std::string::npos);
  EXPECT_EQ(p.err.substr(pnl + 1), error_line(Status::weak_key));
}

TEST_F(CliTest, TreatsDoubleDashArgumentAsToken) {
  const testkit::SigningKey key = testkit::generate_key(Alg::HS384, "k1");
  const std::string jwks = file("jwks.json", testkit::jwks({&key}));
  const std::string payload = testkit::realistic_payload(kNow);
  const std::string token = testkit::sign(key, testkit::header_json(Alg::HS384, "k1"), payload);
  CliResult r = verify(cat(policy_args(), {"--jwks", jwks, "--", token}));
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.out, payload + "\n");
  // After "--" an option-looking argument is the token (and so invalid).
  r = verify(cat(policy_args(), {"--jwks", jwks, "--", "--help"}));
  EXPECT_EQ(r.exit, 1) << r.err;
  EXPECT_EQ(r.err, error_line(Status::malformed));
}

TEST_F(CliTest, PrintsHelpAndExitsZero) {
  const CliResult r = verify({"--help"});
  EXPECT_EQ(r.exit, 0);
  EXPECT_NE(r.out.find("usage: jve verify"), std::string::npos);
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace jve
