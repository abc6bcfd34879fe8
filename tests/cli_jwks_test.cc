// End-to-end tests of `jve jwks`: PEM keys and certificates to JWK, a JWKS
// from several files that `jve verify` then uses, RFC 7638 thumbprints, and
// the check report with its exit codes.
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "cli_util.h"
#include "ed25519_forgery.h"
#include "jve/jve.hpp"
#include "testkit.h"

namespace jve::cli_test {
namespace {

class CliJwks : public CliFixture {};

std::string minified(const std::string& pretty) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < pretty.size(); ++i) {
    const char c = pretty[i];
    if (in_string) {
      out += c;
      if (c == '\\') out += pretty[++i];
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\n') {
      out += c;
    }
  }
  return out;
}

TEST_F(CliJwks, ConvertsPemKeysAndCertificatesToJwk) {
  for (Alg alg : {Alg::RS256, Alg::ES256, Alg::ES384, Alg::ES512, Alg::EdDSA}) {
    SCOPED_TRACE(std::string(alg_name(alg)));
    const testkit::SigningKey key = testkit::generate_key(alg, "k1");
    // testkit's public JWK, with the kid given the same way.
    const std::string expected = key.public_jwk(false);
    const std::string spki = file("spki.pem", key.public_pem());
    EXPECT_EQ(minified(ok_out({"jwks", "convert", "--kid", "k1", spki})), expected);
    // The private PEM gives its public half.
    const std::string priv = file("priv.pem", key.private_pem());
    EXPECT_EQ(minified(ok_out({"jwks", "convert", "--kid", "k1", priv})), expected);
    if (alg != Alg::EdDSA) {
      const std::string cert = file("cert.pem", testkit::certificate_pem(key));
      EXPECT_EQ(minified(ok_out({"jwks", "convert", "--kid", "k1", cert})), expected);
    }
  }
}

TEST_F(CliJwks, BuildsAJwksThatVerifyUses) {
  const testkit::SigningKey rs = testkit::generate_key(Alg::RS256);
  const testkit::SigningKey ed = testkit::generate_key(Alg::EdDSA);
  const testkit::SigningKey es = testkit::generate_key(Alg::ES256, "from-json");
  const std::string rs_pem = file("rs.pem", rs.public_pem());
  const std::string both = file("both.pem", testkit::certificate_pem(es) + ed.public_pem());
  const std::string json = file("es.json", "{\"keys\":[" + es.private_jwk() + "]}");
  const CliResult r = jve({"jwks", "build", "--kid", "rsa-1", rs_pem, both, json});
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "private members left out")) << r.err;
  EXPECT_FALSE(contains(r.out, "\"d\"")) << r.out;
  const std::string jwks = file("jwks.json", r.out);
  // kids: the given one, the thumbprint for the PEM keys without one, and
  // the JSON key's own.
  const std::string ed_tp = ok_out({"jwks", "thumbprint", file("ed.pem", ed.public_pem())}).substr(0, 43);
  const Result<KeySet> set = KeySet::from_jwks(r.out);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->size(), 4u);  // rsa-1, es thumbprint (cert), ed thumbprint, from-json
  auto verifies = [&](const testkit::SigningKey& key, Alg alg, const std::string& kid) {
    const std::string token = testkit::sign(key, testkit::header_json(alg, kid), R"({"exp":4000000000})");
    return jve({"verify", "--jwks", jwks, token}).exit == 0;
  };
  EXPECT_TRUE(verifies(rs, Alg::RS256, "rsa-1"));
  EXPECT_TRUE(verifies(ed, Alg::EdDSA, ed_tp));
  EXPECT_TRUE(verifies(es, Alg::ES256, "from-json"));
  // --alg pins every key and must fit each.
  EXPECT_TRUE(contains(ok_out({"jwks", "build", "--alg", "RS384", rs_pem}), "\"alg\": \"RS384\""));
  const CliResult mismatch = jve({"jwks", "build", "--alg", "RS384", both});
  EXPECT_EQ(mismatch.exit, 2);
  EXPECT_TRUE(contains(mismatch.err, "RS384 cannot be used with")) << mismatch.err;
  // convert takes exactly one key.
  const CliResult two = jve({"jwks", "convert", both});
  EXPECT_EQ(two.exit, 2);
  EXPECT_TRUE(contains(two.err, "exactly one key")) << two.err;
}

TEST_F(CliJwks, PrintsRfc7638Thumbprints) {
  // RFC 7638 §3.1.
  const std::string jwk = file("rfc.json", R"({"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"})");
  EXPECT_EQ(ok_out({"jwks", "thumbprint", jwk}),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs  2011-04-29  RSA 2048  " + jwk + " key #0");
}

// The set as a whole follows the key sources' rule (jve::parse_usable_jwks):
// no usable key, an empty "keys" included, is an error even when each key
// alone only warns.
TEST_F(CliJwks, CheckReportsASetWithoutUsableKeyAsAnError) {
  CliResult r = jve({"jwks", "check", file("empty.json", R"({"keys":[]})")});
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "ERROR   key_not_found: the JWKS has no keys")) << r.out;
  EXPECT_TRUE(contains(r.out, "summary: 0 usable, 1 error, 0 warnings")) << r.out;

  std::string enc_jwk = testkit::generate_key(Alg::ES256, "enc").public_jwk();
  enc_jwk.replace(enc_jwk.find("\"use\":\"sig\""), 11, "\"use\":\"enc\"");
  r = jve({"jwks", "check", file("enc.json", "{\"keys\":[" + enc_jwk + "]}")});
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "WARNING key_not_for_signing")) << r.out;
  EXPECT_TRUE(contains(r.out, "ERROR   key_not_for_signing: no usable key in the JWKS: key #0 (kid \"enc\") "
                              "left out: key_not_for_signing"))
      << r.out;
}

TEST_F(CliJwks, ChecksAJwksAndReportsProblems) {
  const testkit::SigningKey good = testkit::generate_key(Alg::ES256, "good");
  const testkit::SigningKey other = testkit::generate_key(Alg::EdDSA, "other");
  const std::string clean = file("clean.json", testkit::jwks({&good, &other}));
  CliResult r = jve({"jwks", "check", clean});
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "summary: 2 usable, 0 errors, 0 warnings")) << r.out;

  const testkit::SigningKey weak = testkit::generate_key(Alg::RS256, "weak", 1024);
  const testkit::SigningKey dup1 = testkit::generate_key(Alg::ES256, "dup");
  const testkit::SigningKey dup2 = testkit::generate_key(Alg::ES384, "dup");
  const testkit::SigningKey priv = testkit::generate_key(Alg::EdDSA, "priv");
  std::string enc_jwk = testkit::generate_key(Alg::ES256, "enc").public_jwk();
  enc_jwk.replace(enc_jwk.find("\"use\":\"sig\""), 11, "\"use\":\"enc\"");
  const std::string bad = file("bad.json", "{\"keys\":[" + weak.public_jwk() + "," + dup1.public_jwk() + "," +
                                               dup2.public_jwk() + "," + priv.private_jwk() + "," +
                                               R"({"kty":"XYZ","kid":"odd"},)" + enc_jwk + "]}");
  r = jve({"jwks", "check", bad});
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  for (const char* expected :
       {"kid \"weak\"  RSA 1024", "ERROR   weak_key", "ERROR   duplicate kid: 2 keys share it",
        "ERROR   private key material (\"d\")", "ERROR   unsupported_key", "WARNING key_not_for_signing", "summary: 3 usable, 5 errors, 1 warning\n"}) {
    EXPECT_TRUE(contains(r.out, expected)) << expected << "\n" << r.out;
  }
  // Two kid-less keys of one type are ambiguous for every kid-less token.
  const testkit::SigningKey a = testkit::generate_key(Alg::EdDSA), b = testkit::generate_key(Alg::EdDSA);
  r = jve({"jwks", "check", file("amb.json", testkit::jwks({&a, &b}))});
  EXPECT_EQ(r.exit, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "ERROR   ambiguous")) << r.out;
  // An HMAC key only warns (exit 0), unless --strict.
  const testkit::SigningKey hs = testkit::generate_key(Alg::HS256, "h");
  const std::string hs_file = file("hs.json", testkit::jwks({&hs}));
  EXPECT_EQ(jve({"jwks", "check", hs_file}).exit, 0);
  EXPECT_EQ(jve({"jwks", "check", "--strict", hs_file}).exit, 1);

  // Unreadable and unparseable files: exit 2.
  for (const std::string& f : {path("missing.json"), dir_, file("g.json", "{\"keys\":"),
                               file("n.json", R"({"nokeys":1})")}) {
    SCOPED_TRACE(f);
    r = jve({"jwks", "check", f});
    EXPECT_EQ(r.exit, 2);
    EXPECT_EQ(r.err.rfind("jve jwks: ", 0), 0u) << r.err;
  }
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"jwks"}, {"jwks", "frob"}, {"jwks", "build"},
                                             {"jwks", "build", path("missing.pem")},
                                             {"jwks", "build", file("x.pem", "not a key")},
                                             {"jwks", "build", "--alg", "XS256", clean}}) {
    SCOPED_TRACE(args.back());
    r = jve(args);
    EXPECT_EQ(r.exit, 2);
    EXPECT_EQ(r.err.rfind("jve jwks: ", 0), 0u) << r.err;
  }
}

TEST_F(CliJwks, ReportsForgeableEd25519KeysAsNotUsable) {
  // Issue 12 §1: `jwks check` loads each key through the engine, so keys of
  // small order and non-canonical encodings are reported as errors, not
  // usable; `verify` leaves them out with a warning and rejects the forged
  // tokens that BoringSSL alone would accept.
  namespace forgery = ed25519_forgery;
  auto flawed = [](std::string_view name) {
    for (const forgery::FlawedKey& k : forgery::flawed_keys())
      if (k.name == name) return k;
    ADD_FAILURE() << name;
    return forgery::flawed_keys()[0];
  };
  auto jwk = [](const std::string& kid, const forgery::PublicKey& pub) {
    return R"({"kty":"OKP","crv":"Ed25519","kid":")" + kid + R"(","x":")" + base64url::encode(pub) + "\"}";
  };
  const forgery::FlawedKey identity = flawed("identity"), order2 = flawed("order2"),
                           non_canonical = flawed("identity-y+p");
  const testkit::SigningKey good = testkit::generate_key(Alg::EdDSA, "good");
  const std::string jwks = file("flawed.json", "{\"keys\":[" + jwk("forged", identity.pub) + "," +
                                                   jwk("o2", order2.pub) + "," +
                                                   jwk("nc", non_canonical.pub) + "," +
                                                   good.public_jwk() + "]}");
  CliResult r = jve({"jwks", "check", jwks});
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  for (const char* expected :
       {"kid \"forged\"  OKP Ed25519", "ERROR   weak_key: Ed25519 public key is a point of small order",
        "ERROR   bad_key: Ed25519 public key is not canonically encoded",
        "summary: 1 usable, 3 errors, 0 warnings\n"}) {
    EXPECT_TRUE(contains(r.out, expected)) << expected << "\n" << r.out;
  }

  const std::string forged = forgery::forge(identity.pub, identity.order, R"({"alg":"EdDSA","kid":"forged"})");
  ASSERT_FALSE(forged.empty());
  r = jve({"verify", "--jwks", jwks, forged});
  EXPECT_EQ(r.exit, 1) << r.out;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, "(kid \"forged\") left out: weak_key: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "error: weak_key: ")) << r.err;

  // The same key as a PEM SPKI, and the kid-less forgery.
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, identity.pub.data(), 32));
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  ASSERT_TRUE(pkey && bio && PEM_write_bio_PUBKEY(bio.get(), pkey.get()));
  const uint8_t* pem_data = nullptr;
  size_t pem_len = 0;
  ASSERT_TRUE(BIO_mem_contents(bio.get(), &pem_data, &pem_len));
  const std::string pem = file("forged.pem", std::string(reinterpret_cast<const char*>(pem_data), pem_len));
  const std::string no_kid = forgery::forge(identity.pub, identity.order, R"({"alg":"EdDSA"})");
  r = jve({"verify", "--key", pem, no_kid});
  EXPECT_EQ(r.exit, 1) << r.out;
  EXPECT_TRUE(contains(r.err, "error: weak_key: ")) << r.err;
}

}  // namespace
}  // namespace jve::cli_test
