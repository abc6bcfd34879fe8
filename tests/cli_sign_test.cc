// End-to-end tests of `jve keygen` and `jve sign`: for every algorithm
// keygen -> sign -> verify through the CLI, every key-file format sign
// takes, the claims options, and each error path's exit code and message.
#include <string>
#include <vector>

#include "cli_util.h"
#include "jve/jve.hpp"
#include "testkit.h"

namespace jve::cli_test {
namespace {

constexpr int64_t kNow = 1700000000;

class CliKeygen : public CliFixture {};
class CliSign : public CliFixture {
 protected:
  // payload_of decodes a token's payload with `jve decode --json`.
  std::string payload_of(const std::string& token) {
    const std::string out = ok_out({"decode", "--json", token});
    const size_t start = out.find("\"payload\":") + 10;
    const size_t end = out.find(",\"times\":");
    return out.substr(start, end - start);
  }
};

std::string name(Alg a) { return std::string(alg_name(a)); }

TEST_F(CliKeygen, KeygenSignVerifyRoundTripsEveryAlgorithm) {
  for (Alg alg : testkit::all_algs()) {
    SCOPED_TRACE(name(alg));
    const std::string kid = "kid-" + name(alg);
    const std::string priv = file("priv.jwk", ok_out({"keygen", "--alg", name(alg), "--kid", kid,
                                                      "--public", path("pub.json")}));
    EXPECT_TRUE(contains(slurp(priv), "\"kid\":\"" + kid + "\"")) << slurp(priv);
    const std::string token = ok_out({"sign", "--key", priv, "--alg", name(alg), "--claims",
                                      R"({"sub":"alice","scope":"read"})", "--now",
                                      std::to_string(kNow), "--iat"});
    const CliResult r = jve({"verify", "--jwks", path("pub.json"), "--now", std::to_string(kNow + 10), token});
    EXPECT_EQ(r.exit, 0) << r.err;
    EXPECT_EQ(r.out, R"({"sub":"alice","scope":"read","exp":1700003600,"iat":1700000000})"
                     "\n");
    // The same key also signs as PEM (asymmetric algorithms).
    if (alg == Alg::HS256 || alg == Alg::HS384 || alg == Alg::HS512) continue;
    const std::string pem = file("priv.pem", ok_out({"keygen", "--alg", name(alg), "--pem",
                                                     "--public", path("pub2.json")}) + "\n");
    EXPECT_TRUE(contains(slurp(pem), "-----BEGIN PRIVATE KEY-----"));
    const std::string t2 = ok_out({"sign", "--key", pem, "--alg", name(alg), "--sub", "bob"});
    EXPECT_EQ(jve({"verify", "--jwks", path("pub2.json"), t2}).exit, 0);
    // The other key does not verify it.
    const CliResult bad = jve({"verify", "--jwks", path("pub.json"), t2});
    EXPECT_EQ(bad.exit, 1);
  }
}

TEST_F(CliKeygen, HonoursBitsAndRejectsBadSizes) {
  const std::string jwk = ok_out({"keygen", "--alg", "RS256", "--bits", "3072", "--kid", "big"});
  const Result<std::shared_ptr<const Key>> key = Key::from_jwk(jwk);
  ASSERT_TRUE(key.ok());
  const std::string hs = ok_out({"keygen", "--alg", "HS256", "--bits", "512"});
  // 64 bytes of k: 86 base64url characters.
  const size_t k = hs.find("\"k\":\"") + 5;
  EXPECT_EQ(hs.find('"', k) - k, 86u) << hs;

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"keygen", "--alg", "RS256", "--bits", "1024"}, "2048"},
      {{"keygen", "--alg", "RS256", "--bits", "2050"}, "multiple of 128"},
      {{"keygen", "--alg", "HS384", "--bits", "256"}, "384 to 4096"},
      {{"keygen", "--alg", "ES256", "--bits", "256"}, "fixed size"},
      {{"keygen", "--alg", "HS256", "--pem"}, "no PEM form"},
      {{"keygen", "--alg", "none"}, "unknown algorithm 'none'"},
      {{"keygen", "--alg", "ES257"}, "unknown algorithm 'ES257'"},
      {{"keygen"}, "--alg is required"},
      {{"keygen", "--alg", "EdDSA", "--frobnicate"}, "--frobnicate"},
      {{"keygen", "--alg", "EdDSA", "--public", "/nonexistent-dir/pub.json"}, "cannot write"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args.back());
    const CliResult r = jve(c.args);
    EXPECT_EQ(r.exit, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("jve keygen: ", 0), 0u) << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << r.err;
  }
  EXPECT_EQ(jve({"keygen", "--help"}).exit, 0);
}

TEST_F(CliSign, DefaultsExpToOneHourUnlessTold) {
  const std::string key = file("k.jwk", ok_out({"keygen", "--alg", "EdDSA"}));
  const std::vector<std::string> base = {"sign", "--key", key, "--alg", "EdDSA", "--now", std::to_string(kNow)};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return payload_of(ok_out(a));
  };
  EXPECT_EQ(with({}), R"({"exp":1700003600})");
  EXPECT_EQ(with({"--no-exp"}), "{}");
  EXPECT_EQ(with({"--exp", "+90s"}), R"({"exp":1700000090})");
  EXPECT_EQ(with({"--exp", "15m"}), R"({"exp":1700000900})");
  EXPECT_EQ(with({"--exp", "+7d", "--iat", "--nbf", "-1m"}),
            R"({"exp":1700604800,"iat":1700000000,"nbf":1699999940})");
  // Claims that carry exp keep it; whitespace is minified away.
  EXPECT_EQ(with({"--claims", "{ \"exp\" : 1800000000,\n \"sub\": \"a\" }"}),
            R"({"exp":1800000000,"sub":"a"})");
  EXPECT_EQ(with({"--claims", R"({"sub":"a"})", "--iss", "https://i/", "--aud", "x", "--aud", "y"}),
            R"({"sub":"a","iss":"https://i/","aud":["x","y"],"exp":1700003600})");
  const std::string claims_file = file("claims.json", R"({"role":"admin"})");
  EXPECT_EQ(with({"--claims", "@" + claims_file}), R"({"role":"admin","exp":1700003600})");
}

TEST_F(CliSign, SignsFromEveryKeyFileFormat) {
  // PKCS#1 "RSA PRIVATE KEY" and SEC1 "EC PRIVATE KEY", written by BoringSSL.
  const testkit::SigningKey rsa = testkit::generate_key(Alg::PS256, "r1");
  const testkit::SigningKey ec = testkit::generate_key(Alg::ES384, "e1");
  const std::string pkcs1 = testkit::pkcs1_private_pem(rsa);
  const std::string sec1 = testkit::sec1_private_pem(ec);
  ASSERT_TRUE(contains(pkcs1, "BEGIN RSA PRIVATE KEY"));
  ASSERT_TRUE(contains(sec1, "BEGIN EC PRIVATE KEY"));
  const std::string jwks = file("jwks.json", testkit::jwks({&rsa, &ec}));
  struct Case {
    std::string key_text, alg, kid;
  };
  const std::vector<Case> cases = {
      {pkcs1, "PS256", "r1"}, {sec1, "ES384", "e1"},
      {rsa.private_pem(), "PS256", "r1"},                              // PKCS#8
      {rsa.private_jwk(), "PS256", ""},                                // kid from the JWK
      {"{\"keys\":[" + ec.private_jwk() + "]}", "ES384", ""},           // a JWKS of one
      {"{\"keys\":[" + rsa.private_jwk() + "," + ec.private_jwk() + "]}", "ES384", "e1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key_text.substr(0, 40));
    std::vector<std::string> args = {"sign", "--key", file("key", c.key_text), "--alg", c.alg};
    if (!c.kid.empty()) args.insert(args.end(), {"--kid", c.kid});
    const std::string token = ok_out(args);
    const CliResult r = jve({"verify", "--jwks", jwks, token});
    EXPECT_EQ(r.exit, 0) << r.err;
  }
  // A raw secret, used byte for byte, as `jve verify --secret-file` reads it.
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS512);
  const std::vector<uint8_t> secret = hs.secret();
  const std::string secret_file = file("secret.bin", std::string(secret.begin(), secret.end()));
  const std::string token = ok_out({"sign", "--key", secret_file, "--alg", "HS512"});
  EXPECT_EQ(jve({"verify", "--secret-file", secret_file, token}).exit, 0);
}

TEST_F(CliSign, ReportsErrorsWithExitTwo) {
  const std::string ec_jwk = file("ec.jwk", ok_out({"keygen", "--alg", "ES256", "--kid", "e"}));
  const std::string ec_pub = file("ec_pub.pem", testkit::generate_key(Alg::ES256).public_pem());
  const std::string short_secret = file("short.bin", "0123456789");
  const std::string weak_rsa = file("weak.pem", testkit::generate_key(Alg::RS256, "", 1024).private_pem());
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--key", path("missing.jwk"), "--alg", "ES256"}, "cannot read key file"},
      {{"--key", dir_, "--alg", "ES256"}, "cannot read key file"},
      {{"--key", file("garbage", "{not json"), "--alg", "ES256"}, "not a valid JWK"},
      {{"--key", file("garbage.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "--alg", "ES256"},
       "does not parse"},
      {{"--key", ec_pub, "--alg", "ES256"}, "holds no private key"},
      {{"--key", ec_jwk, "--alg", "ES384"}, "is for \"alg\" ES256"},
      {{"--key", ec_jwk, "--alg", "ES257"}, "unknown algorithm 'ES257'"},
      {{"--key", ec_jwk, "--alg", "none"}, "unknown algorithm 'none'"},
      {{"--key", short_secret, "--alg", "HS256"}, "weak key"},
      {{"--key", short_secret, "--alg", "RS256"}, "neither a JWK nor a PEM"},
      {{"--key", weak_rsa, "--alg", "RS256"}, "weak key"},
      {{"--key", ec_jwk, "--alg", "ES256", "--claims", "{\"a\":1,}"}, "bad claims JSON"},
      {{"--key", ec_jwk, "--alg", "ES256", "--claims", "[1]"}, "not a JSON object"},
      {{"--key", ec_jwk, "--alg", "ES256", "--claims", R"({"a":1,"a":2})"}, "duplicate member name"},
      // The engine's strict JSON rules, BOM included (json/strict.h).
      {{"--key", ec_jwk, "--alg", "ES256", "--claims", "\xEF\xBB\xBF{}"}, "byte-order mark"},
      {{"--key", ec_jwk, "--alg", "ES256", "--claims", "{\"a\":" + std::string(64, '[') + std::string(64, ']') + "}"},
       "deeper than 64"},
      {{"--key", ec_jwk, "--alg", "ES256", "--claims", "@" + path("nope.json")}, "cannot read claims file"},
      {{"--key", ec_jwk, "--alg", "ES256", "--claims", R"({"exp":1})", "--exp", "+1h"}, "already carry \"exp\""},
      {{"--key", ec_jwk, "--alg", "ES256", "--exp", "soon"}, "bad DURATION"},
      {{"--key", ec_jwk, "--alg", "ES256", "--exp", "+1h", "--no-exp"}, "excludes"},
      {{"--alg", "ES256"}, "--key is required"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"sign"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    SCOPED_TRACE(c.message);
    const CliResult r = jve(args);
    EXPECT_EQ(r.exit, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("jve sign: ", 0), 0u) << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << r.err;
  }
  // Empty claims from standard input are not JSON either.
  EXPECT_EQ(jve({"sign", "--key", ec_jwk, "--alg", "ES256", "--claims", "@-"}).exit, 2);
}

}  // namespace
}  // namespace jve::cli_test
