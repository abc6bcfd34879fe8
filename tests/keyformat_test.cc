// keyformat_test.cc: tools/keyformat, the key-file and signing library of the
// CLI, testkit and the fuzz fixtures. Keys go through every format and back,
// every algorithm's signature is checked by the engine (and PSS and ECDSA
// against their RFC 7518 encodings by BoringSSL directly), thumbprints
// against RFC 7638's example, and malformed input is refused with a reason.
#include <openssl/base64.h>
#include <openssl/digest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "jve/jve.hpp"
#include "keyformat/json_document.h"
#include "keyformat/json_text.h"
#include "keyformat/jwk.h"
#include "keyformat/key.h"
#include "keyformat/pem.h"
#include "keyformat/sign.h"
#include "test_printers.h"
#include "testkit.h"

namespace jve::keyformat {
namespace {

constexpr int64_t kNow = 1'700'000'000;

std::vector<Alg> all_algs() { return testkit::all_algs(); }

std::string name_of(const testing::TestParamInfo<Alg>& p) { return std::string(alg_name(p.param)); }

// key_for caches one generated key per algorithm: RSA generation is slow,
// and keys are immutable.
const KeyData& key_for(Alg alg) {
  static std::mutex mu;
  static std::map<Alg, KeyData> keys;
  std::lock_guard<std::mutex> lock(mu);
  auto it = keys.find(alg);
  if (it == keys.end()) {
    std::string why;
    Result<KeyData> k = generate(alg, 0, &why);
    EXPECT_TRUE(k.ok()) << why;
    it = keys.emplace(alg, k.ok() ? std::move(*k) : KeyData()).first;
  }
  return it->second;
}

// must returns |r|'s value, failing the test (with the reason) otherwise.
template <class T>
T must(Result<T> r, const std::string& why) {
  EXPECT_TRUE(r.ok()) << to_string(r.status()) << ": " << why;
  if (!r.ok()) return T();
  return std::move(*r);
}

std::string public_jwk(const KeyData& key, const JwkParams& params = {}) {
  std::string why;
  return must(write_jwk(key, params, JwkMembers::public_only, &why), why);
}

std::string private_jwk(const KeyData& key, const JwkParams& params = {}) {
  std::string why;
  return must(write_jwk(key, params, JwkMembers::with_private, &why), why);
}

// A Verifier over the public JWK of |key| (pinned to |alg|, kid "k1").
Verifier verifier_for(const KeyData& key, Alg alg) {
  std::string why;
  const std::string jwk = public_jwk(key, {"k1", std::string(alg_name(alg)), "sig"});
  Result<KeySet> set = KeySet::from_jwks(write_jwks({&jwk, 1}), &why);
  EXPECT_TRUE(set.ok() && set->size() == 1) << why << "\n" << jwk;
  Policy p;
  p.clock = [] { return kNow; };
  return Verifier(p, std::make_shared<const KeySet>(set.ok() ? std::move(*set) : KeySet()));
}

std::string token_for(const KeyData& key, Alg alg, std::string_view payload = R"({"exp":1700003600})") {
  std::string why;
  return must(sign_compact(key, alg, jose_header(alg_name(alg), "k1"), payload, &why), why);
}

class KeyformatAlg : public testing::TestWithParam<Alg> {};

TEST_P(KeyformatAlg, GeneratesAKeyOfTheAlgsType) {
  const KeyData& key = key_for(GetParam());
  ASSERT_FALSE(key.empty());
  EXPECT_EQ(key.type(), key_type_for(GetParam()));
  EXPECT_TRUE(key.is_private());
  EXPECT_EQ(check_fits(key, GetParam()), Status::ok);
  EXPECT_EQ(check_strength(key, GetParam()), Status::ok);
}

TEST_P(KeyformatAlg, JwkRoundTripsPublicAndPrivate) {
  const Alg alg = GetParam();
  const KeyData& key = key_for(alg);
  const JwkParams params{"kid-1", std::string(alg_name(alg)), "sig"};
  std::string why;
  // Private: reading and writing again gives the same text.
  const std::string priv = private_jwk(key, params);
  const JwkKey read_priv = must(read_jwk(priv, &why), why);
  EXPECT_TRUE(read_priv.key.is_private());
  EXPECT_EQ(read_priv.key.type(), key.type());
  EXPECT_EQ(read_priv.params.kid, "kid-1");
  EXPECT_EQ(read_priv.params.alg, alg_name(alg));
  EXPECT_EQ(read_priv.params.use, "sig");
  EXPECT_EQ(private_jwk(read_priv.key, params), priv);
  // Public: the same key without its private members (but an HMAC key,
  // whose JWK is the secret).
  const std::string pub = public_jwk(key, params);
  const JwkKey read_pub = must(read_jwk(pub, &why), why);
  EXPECT_EQ(read_pub.key.is_private(), key.type() == KeyType::oct);
  EXPECT_EQ(public_jwk(read_pub.key, params), pub);
  EXPECT_EQ(public_jwk(read_priv.key, params), pub);
  if (key.type() != KeyType::oct) {
    EXPECT_EQ(pub.find("\"d\""), std::string::npos) << pub;
    EXPECT_EQ(write_jwk(read_pub.key, params, JwkMembers::with_private, &why).status(), Status::bad_key);
  }
  // The member order is fixed: kty, kid, use, alg, then the key's.
  EXPECT_EQ(pub.rfind(R"({"kty":")", 0), 0u) << pub;
  EXPECT_NE(pub.find(R"(,"kid":"kid-1","use":"sig","alg":")" + std::string(alg_name(alg)) + "\","),
            std::string::npos)
      << pub;
}

TEST_P(KeyformatAlg, EngineLoadsThePublicJwk) {
  const Alg alg = GetParam();
  std::string why;
  Result<std::shared_ptr<const Key>> k = Key::from_jwk(public_jwk(key_for(alg), {"k", "", "sig"}), &why);
  ASSERT_TRUE(k.ok()) << to_string(k.status()) << ": " << why;
  EXPECT_EQ((*k)->type(), key_for(alg).type());
  EXPECT_TRUE((*k)->fits(alg));
}

TEST_P(KeyformatAlg, EngineVerifiesTheSignatureAndNoOther) {
  const Alg alg = GetParam();
  const KeyData& key = key_for(alg);
  const Verifier verifier = verifier_for(key, alg);
  Scratch scratch;
  Claims claims;
  const std::string token = token_for(key, alg);
  ASSERT_EQ(verifier.verify(token, scratch, claims), Status::ok) << token;
  EXPECT_EQ(claims.header.alg, alg);
  EXPECT_EQ(verifier.verify(testkit::tamper_signature(token), scratch, claims), Status::bad_signature);
  // Another key of the same type signs a token the verifier refuses.
  std::string why;
  const KeyData other = must(generate(alg, 0, &why), why);
  EXPECT_EQ(verifier.verify(token_for(other, alg), scratch, claims), Status::bad_signature);
}

TEST_P(KeyformatAlg, SignatureHasTheJwsLength) {
  const Alg alg = GetParam();
  const KeyData& key = key_for(alg);
  size_t want = 0;
  switch (key.type()) {
    case KeyType::oct: want = hmac_min_key_len(alg); break;
    case KeyType::rsa: want = 256; break;
    case KeyType::ec_p256: want = 64; break;
    case KeyType::ec_p384: want = 96; break;
    case KeyType::ec_p521: want = 132; break;
    case KeyType::ed25519: want = 64; break;
  }
  // ECDSA r||s keeps its width when r or s has leading zero bytes: sign a
  // few inputs so a short one would show.
  std::string why;
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(must(sign(key, alg, "input-" + std::to_string(i), &why), why).size(), want);
  }
}

TEST_P(KeyformatAlg, PemRoundTripsAsymmetricKeys) {
  const Alg alg = GetParam();
  const KeyData& key = key_for(alg);
  std::string why;
  if (key.type() == KeyType::oct) {
    EXPECT_EQ(write_pem(key, PemForm::spki, &why).status(), Status::bad_key);
    EXPECT_FALSE(why.empty());
    EXPECT_EQ(spki_der(key).status(), Status::bad_key);
    return;
  }
  const std::string pkcs8 = must(write_pem(key, PemForm::pkcs8, &why), why);
  const std::string spki = must(write_pem(key, PemForm::spki, &why), why);
  EXPECT_EQ(pkcs8.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << pkcs8;
  EXPECT_EQ(spki.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u) << spki;
  const std::vector<PemKey> keys = must(read_pem(spki + pkcs8, &why), why);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].label, "PUBLIC KEY");
  EXPECT_FALSE(keys[0].key.is_private());
  EXPECT_EQ(keys[1].label, "PRIVATE KEY");
  EXPECT_TRUE(keys[1].key.is_private());
  EXPECT_EQ(public_jwk(keys[0].key), public_jwk(key));
  EXPECT_EQ(private_jwk(keys[1].key), private_jwk(key));
  EXPECT_EQ(write_pem(keys[0].key, PemForm::pkcs8, &why).status(), Status::bad_key);
  // The engine takes the SPKI PEM; spki_der is the DER inside it.
  EXPECT_TRUE(Key::from_pem(spki).ok());
  const std::vector<uint8_t> der = must(spki_der(key, &why), why);
  std::string body;  // the PEM's base64 lines, joined
  for (size_t at = spki.find('\n') + 1; spki.compare(at, 5, "-----") != 0; at = spki.find('\n', at) + 1) {
    body += spki.substr(at, spki.find('\n', at) - at);
  }
  std::string b64(4 * ((der.size() + 2) / 3), '\0');
  b64.resize(EVP_EncodeBlock(reinterpret_cast<uint8_t*>(b64.data()), der.data(), der.size()));
  EXPECT_EQ(body, b64);
  const std::vector<PemKey> again = must(read_pem(spki, &why), why);
  EXPECT_EQ(must(spki_der(again[0].key, &why), why), der);
}

INSTANTIATE_TEST_SUITE_P(AllAlgs, KeyformatAlg, testing::ValuesIn(all_algs()), name_of);

TEST(KeyformatPem, ReadsEveryLabelKeyFilesUse) {
  const testkit::SigningKey rsa = testkit::generate_key(Alg::RS256);
  const testkit::SigningKey ec = testkit::generate_key(Alg::ES384);
  const std::string rsa_pub = rsa.public_jwk(false), ec_pub = ec.public_jwk(false);
  struct Case {
    std::string pem, label, jwk;
    bool is_private;
  };
  const std::vector<Case> cases = {
      {testkit::pkcs1_public_pem(rsa), "RSA PUBLIC KEY", rsa_pub, false},
      {testkit::pkcs1_private_pem(rsa), "RSA PRIVATE KEY", rsa_pub, true},
      {testkit::sec1_private_pem(ec), "EC PRIVATE KEY", ec_pub, true},
      {testkit::certificate_pem(rsa), "CERTIFICATE", rsa_pub, false},
      {testkit::certificate_pem(ec), "CERTIFICATE", ec_pub, false},
      // Blocks with other labels are skipped.
      {"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n" + rsa.public_pem(), "PUBLIC KEY",
       rsa_pub, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    std::string why;
    const std::vector<PemKey> keys = must(read_pem(c.pem, &why), why);
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].label, c.label);
    EXPECT_EQ(keys[0].key.is_private(), c.is_private);
    EXPECT_EQ(public_jwk(keys[0].key, {"", "", "sig"}), c.jwk);
  }
}

TEST(KeyformatPem, RefusesMalformedPemWithAReason) {
  const std::string spki = testkit::generate_key(Alg::ES256).public_pem();
  std::string damaged = spki;
  damaged.replace(damaged.find('\n') + 1, 4, "!!!!");
  struct Case {
    std::string pem, reason;
  };
  const std::vector<Case> cases = {
      {"", "no PEM block found"},
      {"just text", "no PEM block found"},
      {damaged, "damaged"},
      {spki.substr(0, spki.size() - 10), "damaged"},
      {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "does not parse"},
      {"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "does not parse"},
      {"-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END EC PRIVATE KEY-----\n",
       "encrypted"},
      {"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", "no key in the PEM blocks"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pem);
    std::string why;
    const Result<std::vector<PemKey>> r = read_pem(c.pem, &why);
    EXPECT_EQ(r.status(), Status::bad_key);
    EXPECT_NE(why.find(c.reason), std::string::npos) << why;
  }
}

TEST(KeyformatJwk, ThumbprintMatchesRfc7638Example) {
  // RFC 7638 §3.1: the thumbprint of this RSA key, whatever other members
  // (alg, kid) and member order.
  const std::string n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZC"
      "iFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJ"
      "ZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xB"
      "niIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
  std::string why;
  EXPECT_EQ(must(thumbprint(R"({"kty":"RSA","n":")" + n + R"(","e":"AQAB","alg":"RS256","kid":"2011-04-29"})",
                            &why),
                 why),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  EXPECT_EQ(must(thumbprint(R"({"e":"AQAB","n":")" + n + R"(","kty":"RSA"})", &why), why),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(KeyformatJwk, ThumbprintIgnoresPrivateAndOptionalMembers) {
  for (Alg alg : {Alg::HS256, Alg::RS256, Alg::ES256, Alg::EdDSA}) {
    SCOPED_TRACE(std::string(alg_name(alg)));
    std::string why;
    const std::string a = must(thumbprint(public_jwk(key_for(alg)), &why), why);
    EXPECT_EQ(must(thumbprint(private_jwk(key_for(alg), {"kid", "alg", "sig"}), &why), why), a);
    EXPECT_EQ(a.size(), 43u);  // SHA-256 in base64url
  }
  std::string why;
  EXPECT_EQ(thumbprint(R"({"kty":"EC","crv":"P-256","x":"AA"})", &why).status(), Status::bad_key);
  EXPECT_NE(why.find("\"y\""), std::string::npos) << why;
  EXPECT_EQ(thumbprint(R"({"kty":"XYZ"})", &why).status(), Status::unsupported_key);
  EXPECT_EQ(thumbprint(R"({"kid":"a"})", &why).status(), Status::bad_key);
  EXPECT_EQ(thumbprint("[1]", &why).status(), Status::bad_json);
}

// One valid JWK of each type, to break member by member.
std::string ec_jwk() { return private_jwk(key_for(Alg::ES256)); }
std::string rsa_jwk() { return private_jwk(key_for(Alg::RS256)); }
std::string ed_jwk() { return private_jwk(key_for(Alg::EdDSA)); }

// without drops the member |name| (and its value) from a JWK text.
std::string without(std::string jwk, const std::string& name) {
  const size_t at = jwk.find(",\"" + name + "\":\"");
  const size_t end = jwk.find('"', at + name.size() + 5);
  return jwk.erase(at, end + 1 - at);
}

// value_of returns the string value of the member |name| of a JWK text.
std::string value_of(const std::string& jwk, const std::string& name) {
  const size_t start = jwk.find("\"" + name + "\":\"") + name.size() + 4;
  return jwk.substr(start, jwk.find('"', start) - start);
}

// replaced gives the member |name| the string |value|.
std::string replaced(const std::string& jwk, const std::string& name, const std::string& value) {
  std::string out = without(jwk, name);
  out.insert(out.size() - 1, ",\"" + name + "\":\"" + value + "\"");
  return out;
}

TEST(KeyformatJwk, RefusesMalformedJwksWithAReason) {
  const std::string other_ed_x = value_of(public_jwk(must(generate(Alg::EdDSA), "")), "x");
  struct Case {
    std::string json;
    Status status;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"", Status::bad_json, "not valid JSON"},
      {"\xEF\xBB\xBF{\"kty\":\"oct\",\"k\":\"AAAA\"}", Status::bad_json, "not valid JSON"},  // BOM
      {R"({"kty":"oct","k":"AAAA","k":"BBBB"})", Status::bad_json, "duplicate member"},
      {R"([{"kty":"oct"}])", Status::bad_json, "not a JSON object"},
      {R"({"k":"AAAA"})", Status::bad_key, "no \"kty\""},
      {R"({"kty":"XYZ"})", Status::unsupported_key, "unsupported JWK \"kty\" \"XYZ\""},
      {R"({"kty":"oct","k":"A"})", Status::bad_key, "valid base64url \"k\""},
      {R"({"kty":"oct","k":"AAAA","kid":7})", Status::bad_key, "\"kid\" is not a string"},
      {without(rsa_jwk(), "e"), Status::bad_key, "\"n\" and \"e\""},
      {without(rsa_jwk(), "qi"), Status::bad_key, "CRT members"},
      {replaced(rsa_jwk(), "d", "AQAB"), Status::bad_key, "inconsistent"},
      {replaced(ec_jwk(), "crv", "secp256k1"), Status::unsupported_key, "\"crv\""},
      {without(ec_jwk(), "y"), Status::bad_key, "\"x\" and \"y\""},
      {replaced(ec_jwk(), "d", "AQAB"), Status::bad_key, "inconsistent"},
      {replaced(ec_jwk(), "d", "!"), Status::bad_key, "invalid \"d\""},
      {replaced(ed_jwk(), "crv", "X25519"), Status::unsupported_key, "Ed25519"},
      {replaced(ed_jwk(), "d", "AAAA"), Status::bad_key, "\"d\" is not 32"},
      {replaced(ed_jwk(), "x", "AAAA"), Status::bad_key, "\"x\" is not 32"},
      {replaced(ed_jwk(), "x", other_ed_x), Status::bad_key, "does not match"},
      {without(without(ed_jwk(), "x"), "d"), Status::bad_key, "without \"x\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    std::string why;
    const Result<JwkKey> r = read_jwk(c.json, &why);
    EXPECT_EQ(r.status(), c.status);
    EXPECT_NE(why.find(c.reason), std::string::npos) << why;
  }
}

TEST(KeyformatJwk, SelectsOneKeyOfAJwks) {
  const std::string a = public_jwk(key_for(Alg::ES256), {"a", "", "sig"});
  const std::string b = public_jwk(key_for(Alg::EdDSA), {"b", "", "sig"});
  const std::string both = write_jwks(std::vector<std::string>{a, b});
  std::string why;
  EXPECT_EQ(must(select_jwk(both, "b", &why), why).key.type(), KeyType::ed25519);
  EXPECT_EQ(must(select_jwk(write_jwks({&a, 1}), "", &why), why).params.kid, "a");
  // A single JWK is itself the choice.
  EXPECT_EQ(must(select_jwk(a, "", &why), why).key.type(), KeyType::ec_p256);
  EXPECT_EQ(select_jwk(both, "", &why).status(), Status::ambiguous_key);
  EXPECT_NE(why.find("several keys"), std::string::npos) << why;
  EXPECT_EQ(select_jwk(both, "c", &why).status(), Status::key_not_found);
  EXPECT_NE(why.find("\"c\""), std::string::npos) << why;
  EXPECT_EQ(select_jwk(R"({"keys":[]})", "", &why).status(), Status::key_not_found);
  // Only the chosen key is read: a broken neighbour does not matter.
  EXPECT_TRUE(select_jwk(R"({"keys":[{"kty":"XYZ","kid":"x"},)" + a + "]}", "a", &why).ok()) << why;
}

TEST(KeyformatJwk, NamesPrivateMembers) {
  for (const char* m : {"d", "p", "q", "dp", "dq", "qi", "oth"}) EXPECT_TRUE(is_private_member(m)) << m;
  for (const char* m : {"k", "n", "e", "x", "y", "kid", "D"}) EXPECT_FALSE(is_private_member(m)) << m;
}

TEST(KeyformatSign, PssSaltIsTheHashLength) {
  // RFC 7518 §3.5: the salt is as long as the hash. BoringSSL's verifier
  // with that exact salt length accepts, with another refuses.
  for (Alg alg : {Alg::PS256, Alg::PS384, Alg::PS512}) {
    SCOPED_TRACE(std::string(alg_name(alg)));
    const KeyData& key = key_for(alg);
    std::string why;
    const std::vector<uint8_t> sig = must(sign(key, alg, "signing input", &why), why);
    const EVP_MD* md = alg == Alg::PS256 ? EVP_sha256() : alg == Alg::PS384 ? EVP_sha384() : EVP_sha512();
    uint8_t hash[EVP_MAX_MD_SIZE];
    unsigned hash_len = 0;
    ASSERT_TRUE(EVP_Digest("signing input", 13, hash, &hash_len, md, nullptr));
    RSA* rsa = EVP_PKEY_get0_RSA(key.pkey());
    EXPECT_TRUE(RSA_verify_pss_mgf1(rsa, hash, hash_len, md, nullptr, static_cast<int>(hash_len),
                                    sig.data(), sig.size()));
    EXPECT_FALSE(RSA_verify_pss_mgf1(rsa, hash, hash_len, md, nullptr, 20, sig.data(), sig.size()));
    ERR_clear_error();
  }
}

TEST(KeyformatSign, RefusesKeysThatCannotSign) {
  std::string why;
  const KeyData& ec = key_for(Alg::ES256);
  EXPECT_EQ(sign(ec, Alg::ES384, "x", &why).status(), Status::key_alg_mismatch);
  EXPECT_NE(why.find("ES384 cannot be used with this key (EC P-256)"), std::string::npos) << why;
  EXPECT_EQ(sign(ec, Alg::HS256, "x", &why).status(), Status::key_alg_mismatch);
  EXPECT_NE(why.find("needs an HMAC secret"), std::string::npos) << why;
  EXPECT_EQ(sign(key_for(Alg::HS256), Alg::RS256, "x", &why).status(), Status::key_alg_mismatch);
  EXPECT_EQ(sign(KeyData(), Alg::HS256, "x", &why).status(), Status::bad_key);
  const JwkKey pub = must(read_jwk(public_jwk(ec), &why), why);
  EXPECT_EQ(sign(pub.key, Alg::ES256, "x", &why).status(), Status::bad_key);
  EXPECT_NE(why.find("public key"), std::string::npos) << why;
  // Weak keys still sign (tests need their tokens); check_strength says no.
  const KeyData short_secret = KeyData::from_secret(std::vector<uint8_t>(16, 7));
  EXPECT_TRUE(sign(short_secret, Alg::HS256, "x").ok());
  EXPECT_EQ(check_strength(short_secret, Alg::HS256, &why), Status::weak_key);
  EXPECT_NE(why.find("16 bytes; HS256 needs at least 32"), std::string::npos) << why;
  const KeyData secret48 = KeyData::from_secret(std::vector<uint8_t>(48, 7));
  EXPECT_EQ(check_strength(secret48, Alg::HS384), Status::ok);
  EXPECT_EQ(check_strength(secret48, Alg::HS512), Status::weak_key);
  const KeyData rsa1024 = must(generate(Alg::RS256, 1024, &why), why);
  EXPECT_EQ(check_strength(rsa1024, Alg::RS256, &why), Status::weak_key);
  EXPECT_NE(why.find("RSA 1024"), std::string::npos) << why;
}

TEST(KeyformatSign, SignSegmentsSignsTheGivenBytes) {
  const KeyData& key = key_for(Alg::HS256);
  std::string why;
  const std::string token = must(sign_segments(key, Alg::HS256, "e30", "not base64!", &why), why);
  EXPECT_EQ(token.rfind("e30.not base64!.", 0), 0u);
  const std::vector<uint8_t> sig = must(sign(key, Alg::HS256, "e30.not base64!", &why), why);
  EXPECT_EQ(token.substr(token.rfind('.') + 1), base64url::encode(sig));
  EXPECT_EQ(must(sign_compact(key, Alg::HS256, "{}", "{}", &why), why).substr(0, 8), "e30.e30.");
}

TEST(KeyformatGenerate, HonoursBitsAndRefusesOthers) {
  std::string why;
  EXPECT_EQ(must(generate(Alg::HS256, 512, &why), why).secret().size(), 64u);
  EXPECT_EQ(must(generate(Alg::HS512, 0, &why), why).secret().size(), 64u);
  EXPECT_EQ(EVP_PKEY_bits(must(generate(Alg::PS256, 1024, &why), why).pkey()), 1024);
  EXPECT_EQ(generate(Alg::HS256, 100, &why).status(), Status::bad_key);
  EXPECT_EQ(generate(Alg::RS256, 512, &why).status(), Status::bad_key);
  EXPECT_EQ(generate(Alg::ES256, 256, &why).status(), Status::bad_key);
  EXPECT_NE(why.find("fixed size"), std::string::npos) << why;
  EXPECT_EQ(generate(Alg::EdDSA, 256, &why).status(), Status::bad_key);
  // Two generated keys differ.
  EXPECT_NE(public_jwk(must(generate(Alg::EdDSA), "")), public_jwk(must(generate(Alg::EdDSA), "")));
}

TEST(KeyformatSigningKey, ReadsEveryKeyFileFormat) {
  const KeyData& ec = key_for(Alg::ES256);
  std::string why;
  const std::string pkcs8 = must(write_pem(ec, PemForm::pkcs8, &why), why);
  const std::string spki = must(write_pem(ec, PemForm::spki, &why), why);
  const std::string jwk = private_jwk(ec, {"e1", "ES256", "sig"});
  // A private JWK: its own kid unless one is given.
  EXPECT_EQ(must(read_signing_key(jwk, Alg::ES256, "", &why), why).params.kid, "e1");
  EXPECT_EQ(must(read_signing_key(jwk, Alg::ES256, "mine", &why), why).params.kid, "mine");
  // A JWKS, by kid.
  const std::string jwks = write_jwks(std::vector<std::string>{private_jwk(key_for(Alg::EdDSA), {"d1", "", ""}), jwk});
  EXPECT_EQ(must(read_signing_key(jwks, Alg::ES256, "e1", &why), why).key.type(), KeyType::ec_p256);
  // PEM: the one private key, whatever public blocks are around it.
  EXPECT_EQ(public_jwk(must(read_signing_key(spki + pkcs8, Alg::ES256, "", &why), why).key), public_jwk(ec));
  // Raw bytes for HS*, exactly as given (the newline is part of the key).
  const std::string raw(32, 'x');
  EXPECT_EQ(must(read_signing_key(raw + "\n", Alg::HS256, "", &why), why).key.secret().size(), 33u);
}

TEST(KeyformatSigningKey, RefusesWhatJveWouldNotVerifyWith) {
  const KeyData& ec = key_for(Alg::ES256);
  std::string why;
  const std::string pub_jwk = public_jwk(ec);
  const std::string priv_jwk = private_jwk(ec, {"", "ES256", ""});
  const std::string weak_rsa =
      must(write_pem(must(generate(Alg::RS256, 1024, &why), why), PemForm::pkcs8, &why), why);
  struct Case {
    std::string text;
    Alg alg;
    Status status;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"{not json", Alg::ES256, Status::bad_json, "not a valid JWK"},
      {pub_jwk, Alg::ES256, Status::bad_key, "public key"},
      {priv_jwk, Alg::ES384, Status::key_alg_mismatch, "is for \"alg\" ES256"},
      {replaced(private_jwk(ec, {"", "", "sig"}), "use", "enc"), Alg::ES256, Status::key_not_for_signing, "\"enc\""},
      {must(write_pem(ec, PemForm::spki, &why), why), Alg::ES256, Status::bad_key, "holds no private key"},
      {weak_rsa, Alg::RS256, Status::weak_key, "weak key"},
      {"0123456789", Alg::HS256, Status::weak_key, "weak key"},
      {"0123456789", Alg::RS256, Status::bad_key, "neither a JWK nor a PEM"},
      {private_jwk(key_for(Alg::HS256)), Alg::RS256, Status::key_alg_mismatch, "cannot be used"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reason);
    const Result<JwkKey> r = read_signing_key(c.text, c.alg, "", &why);
    EXPECT_EQ(r.status(), c.status);
    EXPECT_NE(why.find(c.reason), std::string::npos) << why;
  }
}

TEST(KeyformatJsonText, EscapesWhatJsonRequires) {
  EXPECT_EQ(json_string("a\"b\\c\n\r\t\x01\x1f é"), "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f é\"");
  EXPECT_EQ(jose_header("ES256", "k1"), R"({"alg":"ES256","typ":"JWT","kid":"k1"})");
  EXPECT_EQ(jose_header("EdDSA", "", ""), R"({"alg":"EdDSA"})");
  std::string j = "{";
  add_member(j, "n", "1");
  add_string_member(j, "s", "\"");
  j += '}';
  EXPECT_EQ(j, R"({"n":1,"s":"\""})");
}

TEST(KeyformatJsonDocument, AppliesTheEnginesStrictRules) {
  JsonDocument doc;
  EXPECT_EQ(doc.parse(R"({"a":[1,{"b":null}]})", true), "");
  EXPECT_EQ(JsonDocument::string_member(doc.root(), "a"), std::nullopt);
  std::vector<std::string> names;
  JsonDocument::for_each_member(doc.root(), [&](std::string_view n, const json::Value&) {
    names.emplace_back(n);
    return true;
  });
  EXPECT_EQ(names, std::vector<std::string>{"a"});
  EXPECT_EQ(doc.parse("[1]", false), "");
  EXPECT_EQ(doc.parse("[1]", true), "not a JSON object");
  EXPECT_FALSE(doc.root().present());
  EXPECT_NE(doc.parse("\xEF\xBB\xBF{}", true).find("byte-order mark"), std::string::npos);
  EXPECT_NE(doc.parse(R"({"a":1,"a":2})", true).find("duplicate member name"), std::string::npos);
  EXPECT_NE(doc.parse("{\"a\":\"\xff\"}", true).find("not valid JSON"), std::string::npos);
  const std::string deep = std::string(64, '[') + std::string(64, ']');
  EXPECT_EQ(doc.parse(deep, false), "");
  EXPECT_NE(doc.parse("[" + deep + "]", false).find("deeper than 64"), std::string::npos);
}

}  // namespace
}  // namespace jve::keyformat
