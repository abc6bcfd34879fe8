// Tests for engine/src/keys: JWK, PEM and secret loaders, KeySet loading and
// key selection (docs/design.md "Algorithm and key").
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ed25519_forgery.h"
#include "jve/base64url.h"
#include "jve/key_set.h"
#include "jve/key_store.h"
#include "jve/verifier.h"

namespace jve {
namespace {

// ---------------------------------------------------------------- helpers

std::string b64(const std::vector<uint8_t>& bytes) { return base64url::encode(bytes); }

std::string bn_b64(const BIGNUM* bn, size_t len = 0) {
  if (len == 0) len = BN_num_bytes(bn);
  std::vector<uint8_t> out(len);
  EXPECT_TRUE(BN_bn2bin_padded(out.data(), out.size(), bn));
  return b64(out);
}

std::string q(std::string_view s) {
  // Appended piecewise: "\"" + std::string(s) trips GCC 12's -Wrestrict
  // false positive (GCC bug 105651).
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

// obj builds a JSON object from members whose values are raw JSON text.
std::string obj(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out = "{";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i) out += ",";
    out += q(members[i].first) + ":" + members[i].second;
  }
  return out + "}";
}

using Members = std::vector<std::pair<std::string, std::string>>;

// with replaces (or appends) member |name| in |m|; an empty value removes it.
Members with(Members m, const std::string& name, const std::string& value) {
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (it->first == name) {
      if (value.empty()) {
        m.erase(it);
      } else {
        it->second = value;
      }
      return m;
    }
  }
  if (!value.empty()) m.emplace_back(name, value);
  return m;
}

const RSA* rsa_key(unsigned bits) {
  static std::map<unsigned, bssl::UniquePtr<RSA>> cache;
  auto& slot = cache[bits];
  if (!slot) {
    slot.reset(RSA_new());
    bssl::UniquePtr<BIGNUM> e(BN_new());
    BN_set_word(e.get(), RSA_F4);
    EXPECT_TRUE(RSA_generate_key_ex(slot.get(), static_cast<int>(bits), e.get(), nullptr));
  }
  return slot.get();
}

Members rsa_members(const RSA* rsa) {
  return {{"kty", q("RSA")}, {"n", q(bn_b64(RSA_get0_n(rsa)))}, {"e", q(bn_b64(RSA_get0_e(rsa)))}};
}

bssl::UniquePtr<EC_KEY> ec_key(int nid) {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(nid));
  EXPECT_TRUE(EC_KEY_generate_key(ec.get()));
  return ec;
}

Members ec_members(const EC_KEY* ec, const char* crv, size_t coord_len) {
  bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
  EXPECT_TRUE(EC_POINT_get_affine_coordinates_GFp(EC_KEY_get0_group(ec), EC_KEY_get0_public_key(ec),
                                                  x.get(), y.get(), nullptr));
  return {{"kty", q("EC")}, {"crv", q(crv)}, {"x", q(bn_b64(x.get(), coord_len))},
          {"y", q(bn_b64(y.get(), coord_len))}};
}

Members p256_members() {
  static bssl::UniquePtr<EC_KEY> ec = ec_key(NID_X9_62_prime256v1);
  return ec_members(ec.get(), "P-256", 32);
}

Members ed25519_members() {
  uint8_t pub[32], priv[64];
  ED25519_keypair(pub, priv);
  return {{"kty", q("OKP")}, {"crv", q("Ed25519")},
          {"x", q(b64(std::vector<uint8_t>(pub, pub + 32)))}};
}

Members oct_members(size_t len) {
  return {{"kty", q("oct")}, {"k", q(b64(std::vector<uint8_t>(len, 0x5a)))}};
}

// jwks wraps JWK texts in {"keys":[...]}.
std::string jwks(const std::vector<std::string>& keys) {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + keys[i];
  return out + "]}";
}

// load loads a JWK and checks that a failure comes with a sentence.
Status load(const std::string& json, std::string* why_out = nullptr) {
  std::string why;
  auto key = Key::from_jwk(json, &why);
  if (!key.ok()) {
    EXPECT_FALSE(why.empty()) << "no reason given for " << to_string(key.status());
  }
  if (why_out) *why_out = why;
  return key.status();
}

Status load(const Members& m, std::string* why = nullptr) { return load(obj(m), why); }

std::string pem_of(const std::function<int(BIO*)>& write) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  EXPECT_TRUE(write(bio.get()));
  const uint8_t* data;
  size_t len;
  EXPECT_TRUE(BIO_mem_contents(bio.get(), &data, &len));
  return std::string(reinterpret_cast<const char*>(data), len);
}

bssl::UniquePtr<EVP_PKEY> evp_of_rsa(const RSA* rsa) {
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  EXPECT_TRUE(EVP_PKEY_set1_RSA(pkey.get(), const_cast<RSA*>(rsa)));
  return pkey;
}

bssl::UniquePtr<EVP_PKEY> evp_of_ec(EC_KEY* ec) {
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  EXPECT_TRUE(EVP_PKEY_set1_EC_KEY(pkey.get(), ec));
  return pkey;
}

std::string spki_pem(EVP_PKEY* pkey) {
  return pem_of([&](BIO* bio) { return PEM_write_bio_PUBKEY(bio, pkey); });
}

// A certificate for |pkey|, signed by |signer| (self-signed by default):
// only its public key matters to jve.
std::string cert_pem(EVP_PKEY* pkey, EVP_PKEY* signer = nullptr) {
  bssl::UniquePtr<X509> cert(X509_new());
  EXPECT_TRUE(X509_set_version(cert.get(), X509_VERSION_3));
  EXPECT_TRUE(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1));
  EXPECT_TRUE(X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0));
  EXPECT_TRUE(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600));
  X509_NAME* name = X509_get_subject_name(cert.get());
  EXPECT_TRUE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                         reinterpret_cast<const uint8_t*>("jve test"), -1, -1, 0));
  EXPECT_TRUE(X509_set_issuer_name(cert.get(), name));
  EXPECT_TRUE(X509_set_pubkey(cert.get(), pkey));
  EXPECT_TRUE(X509_sign(cert.get(), signer ? signer : pkey, EVP_sha256()));
  return pem_of([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
}

// ------------------------------------------------------------- JWK: RSA

TEST(KeyFromJwk, LoadsRsa2048) {
  auto key = Key::from_jwk(obj(with(rsa_members(rsa_key(2048)), "kid", q("r1"))));
  ASSERT_TRUE(key.ok()) << to_string(key.status());
  EXPECT_EQ((*key)->type(), KeyType::rsa);
  EXPECT_EQ((*key)->kid(), std::optional<std::string>("r1"));
  EXPECT_FALSE((*key)->alg().has_value());
  EXPECT_TRUE((*key)->fits(Alg::RS256));
  EXPECT_TRUE((*key)->fits(Alg::PS512));
  EXPECT_FALSE((*key)->fits(Alg::HS256));
  EXPECT_FALSE((*key)->fits(Alg::ES256));
}

TEST(KeyFromJwk, RejectsRsaModulusBelow2048) {
  std::string why;
  EXPECT_EQ(load(rsa_members(rsa_key(1024)), &why), Status::weak_key);
  EXPECT_NE(why.find("1024 bits"), std::string::npos) << why;
}

TEST(KeyFromJwk, MeasuresRsaModulusWithoutLeadingZeros) {
  // A 1024-bit modulus zero-padded to 256 bytes is still 1024 bits.
  Members m = rsa_members(rsa_key(1024));
  m = with(m, "n", q(bn_b64(RSA_get0_n(rsa_key(1024)), 256)));
  EXPECT_EQ(load(m), Status::weak_key);
}

TEST(KeyFromJwk, RejectsEvenRsaExponent) {
  // e = 65536 (0x010000).
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "e", q("AQAA"))), Status::weak_key);
}

TEST(KeyFromJwk, RejectsRsaExponentBelow3) {
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "e", q("AQ"))), Status::weak_key);  // 1
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "e", q("AA"))), Status::weak_key);  // 0
}

TEST(KeyFromJwk, AcceptsRsaExponent3) {
  // e = 3 over a 2048-bit odd modulus: weak by today's taste, but allowed by
  // docs/design.md's rule (odd and >= 3), and the key is only used to verify.
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "e", q("Aw"))), Status::ok);
}

TEST(KeyFromJwk, RejectsRsaMissingOrMalformedMembers) {
  std::string why;
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "n", ""), &why), Status::bad_key);
  EXPECT_NE(why.find("\"n\""), std::string::npos) << why;
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "e", ""), &why), Status::bad_key);
  EXPECT_NE(why.find("\"e\""), std::string::npos) << why;
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "n", "12"), &why), Status::bad_key);
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "e", "null"), &why), Status::bad_key);
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "e", q("AQAB=")), &why), Status::bad_key);
  EXPECT_NE(why.find("base64url"), std::string::npos) << why;
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "e", q("AQ AB"))), Status::bad_key);
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "n", q(""))), Status::bad_key);
}

TEST(KeyFromJwk, RejectsEvenRsaModulus) {
  std::vector<uint8_t> n(256, 0xff);
  n.back() = 0xfe;
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "n", q(b64(n)))), Status::bad_key);
}

TEST(KeyFromJwk, IgnoresPrivateMembers) {
  Members m = rsa_members(rsa_key(2048));
  m = with(m, "d", q("AQAB"));
  m = with(m, "p", q("AQAB"));
  m = with(m, "x5c", "[\"MIIB\"]");
  EXPECT_EQ(load(m), Status::ok);
}

// -------------------------------------------------------------- JWK: EC

TEST(KeyFromJwk, LoadsEachNistCurve) {
  struct Case { int nid; const char* crv; size_t len; KeyType type; Alg alg; };
  for (const Case& c : {Case{NID_X9_62_prime256v1, "P-256", 32, KeyType::ec_p256, Alg::ES256},
                        Case{NID_secp384r1, "P-384", 48, KeyType::ec_p384, Alg::ES384},
                        Case{NID_secp521r1, "P-521", 66, KeyType::ec_p521, Alg::ES512}}) {
    auto ec = ec_key(c.nid);
    auto key = Key::from_jwk(obj(ec_members(ec.get(), c.crv, c.len)));
    ASSERT_TRUE(key.ok()) << c.crv << ": " << to_string(key.status());
    EXPECT_EQ((*key)->type(), c.type);
    for (Alg a : {Alg::ES256, Alg::ES384, Alg::ES512, Alg::RS256, Alg::HS256, Alg::EdDSA}) {
      EXPECT_EQ((*key)->fits(a), a == c.alg) << c.crv << " " << alg_name(a);
    }
  }
}

TEST(KeyFromJwk, RejectsEcCoordinateOfWrongLength) {
  Members m = p256_members();
  bssl::UniquePtr<BIGNUM> one(BN_new());
  BN_one(one.get());
  // Minimal encoding instead of the fixed 32 bytes: RFC 7518 §6.2.1.2.
  std::string why;
  EXPECT_EQ(load(with(m, "x", q(bn_b64(one.get(), 31))), &why), Status::bad_key);
  EXPECT_NE(why.find("\"x\""), std::string::npos) << why;
  EXPECT_EQ(load(with(m, "y", q(bn_b64(one.get(), 33))), &why), Status::bad_key);
  EXPECT_NE(why.find("\"y\""), std::string::npos) << why;
}

TEST(KeyFromJwk, RejectsEcPointNotOnCurve) {
  Members m = p256_members();
  std::string y = m[3].second;  // "..." quoted base64url
  std::vector<uint8_t> bytes(32);
  size_t len;
  ASSERT_EQ(base64url::decode(y.substr(1, y.size() - 2), bytes.data(), &len), Status::ok);
  bytes[31] ^= 1;
  bytes.resize(32);
  EXPECT_EQ(load(with(m, "y", q(b64(bytes)))), Status::bad_key);
  // A coordinate >= p is not a field element at all.
  EXPECT_EQ(load(with(m, "x", q(b64(std::vector<uint8_t>(32, 0xff))))), Status::bad_key);
  // (0, 0) is not on P-256 either.
  EXPECT_EQ(load(with(with(m, "x", q(b64(std::vector<uint8_t>(32, 0)))), "y",
                      q(b64(std::vector<uint8_t>(32, 0))))),
            Status::bad_key);
}

TEST(KeyFromJwk, RejectsUnsupportedEcCurve) {
  std::string why;
  EXPECT_EQ(load(with(p256_members(), "crv", q("secp256k1")), &why), Status::unsupported_key);
  EXPECT_NE(why.find("crv"), std::string::npos) << why;
  EXPECT_EQ(load(with(p256_members(), "crv", q("P-192"))), Status::unsupported_key);
  EXPECT_EQ(load(with(p256_members(), "crv", "")), Status::bad_key);
  EXPECT_EQ(load(with(p256_members(), "crv", "256")), Status::bad_key);
}

// ------------------------------------------------------------- JWK: OKP

TEST(KeyFromJwk, LoadsEd25519) {
  auto key = Key::from_jwk(obj(ed25519_members()));
  ASSERT_TRUE(key.ok()) << to_string(key.status());
  EXPECT_EQ((*key)->type(), KeyType::ed25519);
  EXPECT_TRUE((*key)->fits(Alg::EdDSA));
  EXPECT_FALSE((*key)->fits(Alg::ES256));
}

TEST(KeyFromJwk, RejectsOtherOkpCurves) {
  for (const char* crv : {"X25519", "Ed448", "X448", "ed25519"}) {
    EXPECT_EQ(load(with(ed25519_members(), "crv", q(crv))), Status::unsupported_key) << crv;
  }
}

TEST(KeyFromJwk, RejectsEd25519KeyOfWrongLength) {
  EXPECT_EQ(load(with(ed25519_members(), "x", q(b64(std::vector<uint8_t>(31, 1))))),
            Status::bad_key);
  EXPECT_EQ(load(with(ed25519_members(), "x", q(b64(std::vector<uint8_t>(33, 1))))),
            Status::bad_key);
  EXPECT_EQ(load(with(ed25519_members(), "x", "")), Status::bad_key);
}

// -------------------------------------- Ed25519 keys anyone can forge for

namespace forgery = ed25519_forgery;

Members ed25519_members_of(const forgery::PublicKey& pub) {
  return {{"kty", q("OKP")}, {"crv", q("Ed25519")}, {"x", q(b64({pub.begin(), pub.end()}))}};
}

// BoringSSL takes any 32 bytes as an Ed25519 public key, so a PEM or a
// certificate can carry the flawed keys as well as a JWK can.
bssl::UniquePtr<EVP_PKEY> ed25519_pkey(const forgery::PublicKey& pub) {
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.data(), 32));
  EXPECT_TRUE(pkey);
  return pkey;
}

TEST(KeyLoaders, RefuseEd25519KeysAnyoneCanForgeFor) {
  // The flawed key has no private half: a P-256 issuer signs its certificate.
  auto issuer_ec = ec_key(NID_X9_62_prime256v1);
  auto issuer = evp_of_ec(issuer_ec.get());
  for (const forgery::FlawedKey& key : forgery::flawed_keys()) {
    SCOPED_TRACE(std::string(key.name));
    const std::string_view reason = key.status == Status::weak_key ? "small order" : "canonical";
    std::string why;
    EXPECT_EQ(load(ed25519_members_of(key.pub), &why), key.status);
    EXPECT_NE(why.find(reason), std::string::npos) << why;

    auto pkey = ed25519_pkey(key.pub);
    EXPECT_EQ(Key::from_pem(spki_pem(pkey.get()), {}, &why).status(), key.status);
    EXPECT_NE(why.find(reason), std::string::npos) << why;
    EXPECT_EQ(Key::from_pem(cert_pem(pkey.get(), issuer.get()), {}, &why).status(), key.status);
    EXPECT_NE(why.find(reason), std::string::npos) << why;

    // In a JWKS: left out with the usual report, the good key kept.
    auto set = KeySet::from_jwks(jwks({obj(with(ed25519_members_of(key.pub), "kid", q("flawed"))),
                                       obj(with(ed25519_members(), "kid", q("good")))}));
    ASSERT_TRUE(set.ok());
    ASSERT_EQ(set->size(), 1u);
    EXPECT_EQ(set->keys()[0]->kid(), std::optional<std::string>("good"));
    ASSERT_EQ(set->left_out().size(), 1u);
    const KeyIssue& issue = set->left_out()[0];
    EXPECT_EQ(issue.index, 0u);
    EXPECT_EQ(issue.kid, std::optional<std::string>("flawed"));
    EXPECT_EQ(issue.type, KeyType::ed25519);
    EXPECT_EQ(issue.status, key.status);
    EXPECT_NE(issue.why.find(reason), std::string::npos) << issue.why;
  }
}

TEST(KeyLoaders, KeepEd25519KeysOfRfc8037) {
  // RFC 8037 §A.2's public key, as a JWK and as a PEM SPKI.
  const forgery::PublicKey rfc =
      forgery::from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(load(ed25519_members_of(rfc)), Status::ok);
  EXPECT_EQ(Key::from_pem(spki_pem(ed25519_pkey(rfc).get())).status(), Status::ok);
}

// expect_forgery_rejected signs a token with the forged signature that
// BoringSSL accepts under |key| (R = identity, S = 0, on a message chosen so
// that [k]A is the identity) and shows that jve rejects it: alone in its
// JWKS the refused key answers with its load status, with or without the
// kid; beside a good Ed25519 key the kid still names the refused key, and a
// kid-less token meets the good key, the one candidate, whose signature
// check fails.
void expect_forgery_rejected(std::string_view name) {
  const forgery::FlawedKey* key = nullptr;
  for (const forgery::FlawedKey& k : forgery::flawed_keys())
    if (k.name == name) key = &k;
  ASSERT_NE(key, nullptr) << name;
  const std::string with_kid = forgery::forge(key->pub, key->order, R"({"alg":"EdDSA","kid":"forged"})");
  const std::string without_kid = forgery::forge(key->pub, key->order, R"({"alg":"EdDSA"})");
  ASSERT_FALSE(with_kid.empty());
  ASSERT_FALSE(without_kid.empty());

  Policy policy;
  policy.clock = [] { return int64_t{1'700'000'000}; };
  auto verify = [&](const std::vector<std::string>& jwks_keys, const std::string& token) {
    auto set = KeySet::from_jwks(jwks(jwks_keys));
    EXPECT_TRUE(set.ok());
    const Verifier verifier(policy, std::make_shared<const KeySet>(std::move(*set)));
    Scratch scratch;
    Claims claims;
    return verifier.verify(token, scratch, claims);
  };
  const std::string flawed = obj(with(ed25519_members_of(key->pub), "kid", q("forged")));
  const std::string good = obj(with(ed25519_members(), "kid", q("good")));
  EXPECT_EQ(verify({flawed}, with_kid), key->status);
  EXPECT_EQ(verify({flawed}, without_kid), key->status);
  EXPECT_EQ(verify({flawed, good}, with_kid), key->status);
  EXPECT_EQ(verify({flawed, good}, without_kid), Status::bad_signature);
}

TEST(Ed25519ForgedToken, IsRejectedForTheIdentityKey) {
  // Before the check, this token verified with any claims: the forged
  // signature holds for every message under the identity.
  expect_forgery_rejected("identity");
}

TEST(Ed25519ForgedToken, IsRejectedForTheOrder2Key) {
  // Under y = p - 1 the same signature holds for about half of all messages.
  expect_forgery_rejected("order2");
}

TEST(Ed25519ForgedToken, IsRejectedForTheOrder4Keys) {
  expect_forgery_rejected("order4");
  expect_forgery_rejected("order4-neg");
}

TEST(Ed25519ForgedToken, IsRejectedForTheOrder8Keys) {
  for (std::string_view name : {"order8-a", "order8-a-neg", "order8-b", "order8-b-neg"})
    expect_forgery_rejected(name);
}

TEST(Ed25519ForgedToken, IsRejectedForNonCanonicalKeys) {
  // Non-canonical encodings of small-order points: BoringSSL decodes them
  // leniently (y mod p, sign bit ignored for x = 0), so they forge as well.
  for (std::string_view name : {"identity-signed", "order2-signed", "order4-y+p", "order4-y+p-neg",
                                "identity-y+p", "identity-y+p-signed"})
    expect_forgery_rejected(name);
}

// ------------------------------------------------------------- JWK: oct

TEST(KeyFromJwk, LoadsOct32) {
  auto key = Key::from_jwk(obj(oct_members(32)));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((*key)->type(), KeyType::oct);
  EXPECT_TRUE((*key)->fits(Alg::HS512));  // fits: family only
  EXPECT_EQ((*key)->check_strength(Alg::HS256), Status::ok);
  EXPECT_EQ((*key)->check_strength(Alg::HS384), Status::weak_key);
  EXPECT_EQ((*key)->check_strength(Alg::HS512), Status::weak_key);
  EXPECT_FALSE((*key)->fits(Alg::RS256));
  EXPECT_FALSE((*key)->fits(Alg::EdDSA));
}

TEST(KeyFromJwk, RejectsOctShorterThan32) {
  std::string why;
  EXPECT_EQ(load(oct_members(31), &why), Status::weak_key);
  EXPECT_NE(why.find("31 bytes"), std::string::npos) << why;
  EXPECT_EQ(load(with(oct_members(0), "k", q(""))), Status::weak_key);
}

TEST(KeyFromJwk, RejectsOctShorterThanPinnedHash) {
  EXPECT_EQ(load(with(oct_members(47), "alg", q("HS384"))), Status::weak_key);
  EXPECT_EQ(load(with(oct_members(48), "alg", q("HS384"))), Status::ok);
  EXPECT_EQ(load(with(oct_members(63), "alg", q("HS512"))), Status::weak_key);
  EXPECT_EQ(load(with(oct_members(64), "alg", q("HS512"))), Status::ok);
}

TEST(KeyFromJwk, RejectsOctWithoutK) {
  EXPECT_EQ(load(with(oct_members(32), "k", "")), Status::bad_key);
  EXPECT_EQ(load(with(oct_members(32), "k", "[]")), Status::bad_key);
}

// --------------------------------------------------- JWK: common members

TEST(KeyFromJwk, RejectsUnknownKty) {
  EXPECT_EQ(load(with(oct_members(32), "kty", q("DSA"))), Status::unsupported_key);
  EXPECT_EQ(load(with(oct_members(32), "kty", q("rsa"))), Status::unsupported_key);
}

TEST(KeyFromJwk, RejectsMissingOrNonStringKty) {
  EXPECT_EQ(load(with(oct_members(32), "kty", "")), Status::bad_key);
  EXPECT_EQ(load(with(oct_members(32), "kty", "1")), Status::bad_key);
}

TEST(KeyFromJwk, RejectsNonStringKid) {
  EXPECT_EQ(load(with(oct_members(32), "kid", "7")), Status::bad_key);
  EXPECT_EQ(load(with(oct_members(32), "kid", "null")), Status::bad_key);
}

TEST(KeyFromJwk, RejectsUnknownAlg) {
  for (const char* alg : {"RSA-OAEP", "none", "hs256", "HS256 ", "ES256K", "Ed25519"}) {
    EXPECT_EQ(load(with(oct_members(32), "alg", q(alg))), Status::unsupported_key) << alg;
  }
  EXPECT_EQ(load(with(oct_members(32), "alg", "true")), Status::bad_key);
}

TEST(KeyFromJwk, RejectsAlgThatDoesNotFitTheKey) {
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "alg", q("ES256"))), Status::key_alg_mismatch);
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "alg", q("HS256"))), Status::key_alg_mismatch);
  EXPECT_EQ(load(with(p256_members(), "alg", q("ES384"))), Status::key_alg_mismatch);
  EXPECT_EQ(load(with(p256_members(), "alg", q("EdDSA"))), Status::key_alg_mismatch);
  EXPECT_EQ(load(with(oct_members(64), "alg", q("RS256"))), Status::key_alg_mismatch);
  EXPECT_EQ(load(with(ed25519_members(), "alg", q("ES256"))), Status::key_alg_mismatch);
  EXPECT_EQ(load(with(rsa_members(rsa_key(2048)), "alg", q("PS384"))), Status::ok);
  EXPECT_EQ(load(with(ed25519_members(), "alg", q("EdDSA"))), Status::ok);
}

TEST(KeyFromJwk, PinnedAlgRestrictsFits) {
  auto key = Key::from_jwk(obj(with(rsa_members(rsa_key(2048)), "alg", q("RS256"))));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((*key)->alg(), std::optional<Alg>(Alg::RS256));
  EXPECT_TRUE((*key)->fits(Alg::RS256));
  EXPECT_FALSE((*key)->fits(Alg::PS256));
  EXPECT_FALSE((*key)->fits(Alg::RS384));
}

TEST(KeyFromJwk, RequiresUseSig) {
  EXPECT_EQ(load(with(oct_members(32), "use", q("sig"))), Status::ok);
  std::string why;
  EXPECT_EQ(load(with(oct_members(32), "use", q("enc")), &why), Status::key_not_for_signing);
  EXPECT_NE(why.find("use"), std::string::npos) << why;
  EXPECT_EQ(load(with(oct_members(32), "use", q("SIG"))), Status::key_not_for_signing);
  EXPECT_EQ(load(with(oct_members(32), "use", "[\"sig\"]")), Status::bad_key);
}

TEST(KeyFromJwk, RequiresKeyOpsVerify) {
  EXPECT_EQ(load(with(oct_members(32), "key_ops", "[\"sign\",\"verify\"]")), Status::ok);
  EXPECT_EQ(load(with(oct_members(32), "key_ops", "[\"sign\"]")), Status::key_not_for_signing);
  EXPECT_EQ(load(with(oct_members(32), "key_ops", "[]")), Status::key_not_for_signing);
  EXPECT_EQ(load(with(oct_members(32), "key_ops", q("verify"))), Status::bad_key);
  EXPECT_EQ(load(with(oct_members(32), "key_ops", "[\"verify\",1]")), Status::bad_key);
}

TEST(KeyFromJwk, RejectsBadJson) {
  EXPECT_EQ(load(std::string("{\"kty\":\"oct\",}")), Status::bad_json);
  EXPECT_EQ(load(std::string("")), Status::bad_json);
  EXPECT_EQ(load(std::string("[]")), Status::bad_json);
  EXPECT_EQ(load(std::string("\xEF\xBB\xBF") + obj(oct_members(32))), Status::bad_json);
  EXPECT_EQ(load(obj(oct_members(32)) + "x"), Status::bad_json);
}

TEST(KeyFromJwk, RejectsDuplicateMembers) {
  Members m = oct_members(32);
  m.emplace_back("kty", q("oct"));
  EXPECT_EQ(load(m), Status::duplicate_member);
}

// ------------------------------------------------------------------- PEM

TEST(KeyFromPem, LoadsSpkiOfEachType) {
  auto rsa = evp_of_rsa(rsa_key(2048));
  auto k = Key::from_pem(spki_pem(rsa.get()));
  ASSERT_TRUE(k.ok()) << to_string(k.status());
  EXPECT_EQ((*k)->type(), KeyType::rsa);

  struct Case { int nid; KeyType type; };
  for (Case c : {Case{NID_X9_62_prime256v1, KeyType::ec_p256}, Case{NID_secp384r1, KeyType::ec_p384},
                 Case{NID_secp521r1, KeyType::ec_p521}}) {
    auto ec = ec_key(c.nid);
    auto pkey = evp_of_ec(ec.get());
    auto key = Key::from_pem(spki_pem(pkey.get()));
    ASSERT_TRUE(key.ok()) << to_string(key.status());
    EXPECT_EQ((*key)->type(), c.type);
  }

  uint8_t pub[32], priv[64];
  ED25519_keypair(pub, priv);
  bssl::UniquePtr<EVP_PKEY> ed(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub, 32));
  auto key = Key::from_pem(spki_pem(ed.get()));
  ASSERT_TRUE(key.ok()) << to_string(key.status());
  EXPECT_EQ((*key)->type(), KeyType::ed25519);
}

TEST(KeyFromPem, LoadsPkcs1RsaPublicKey) {
  std::string pem = pem_of([](BIO* bio) {
    return PEM_write_bio_RSAPublicKey(bio, const_cast<RSA*>(rsa_key(2048)));
  });
  ASSERT_NE(pem.find("BEGIN RSA PUBLIC KEY"), std::string::npos);
  auto key = Key::from_pem(pem, KeyOptions{"pk1", Alg::PS256});
  ASSERT_TRUE(key.ok()) << to_string(key.status());
  EXPECT_EQ((*key)->type(), KeyType::rsa);
  EXPECT_EQ((*key)->kid(), std::optional<std::string>("pk1"));
  EXPECT_EQ((*key)->alg(), std::optional<Alg>(Alg::PS256));
}

TEST(KeyFromPem, LoadsCertificatePublicKey) {
  auto ec = ec_key(NID_X9_62_prime256v1);
  auto pkey = evp_of_ec(ec.get());
  auto key = Key::from_pem(cert_pem(pkey.get()));
  ASSERT_TRUE(key.ok()) << to_string(key.status());
  EXPECT_EQ((*key)->type(), KeyType::ec_p256);

  auto rsa = evp_of_rsa(rsa_key(2048));
  key = Key::from_pem(cert_pem(rsa.get()));
  ASSERT_TRUE(key.ok()) << to_string(key.status());
  EXPECT_EQ((*key)->type(), KeyType::rsa);
}

TEST(KeyFromPem, RejectsWeakRsa) {
  auto rsa = evp_of_rsa(rsa_key(1024));
  std::string why;
  EXPECT_EQ(Key::from_pem(spki_pem(rsa.get()), {}, &why).status(), Status::weak_key);
  EXPECT_NE(why.find("1024"), std::string::npos) << why;
  EXPECT_EQ(Key::from_pem(cert_pem(rsa.get())).status(), Status::weak_key);
}

TEST(KeyFromPem, RejectsGarbage) {
  std::string why;
  EXPECT_EQ(Key::from_pem("not a pem", {}, &why).status(), Status::bad_key);
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(Key::from_pem("").status(), Status::bad_key);
  EXPECT_EQ(Key::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").status(),
            Status::bad_key);
  EXPECT_EQ(
      Key::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").status(),
      Status::bad_key);
  EXPECT_EQ(
      Key::from_pem("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n").status(),
      Status::bad_key);
}

TEST(KeyFromPem, RejectsUnsupportedKeyTypes) {
  // Generated with `openssl ... -pubout`: secp256k1, X25519, Ed448.
  const char* k256 =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAENMlNmFA8rJtqL2JhMjNYxbwHa7il0LRZ\n"
      "2nBO9WVCI+j7kNdN3lFDYOf315r458/L/bBuZQ2lwto0k241mjLOOA==\n"
      "-----END PUBLIC KEY-----\n";
  const char* x25519 =
      "-----BEGIN PUBLIC KEY-----\n"
      "MCowBQYDK2VuAyEAPrAIzZEuNBx4h2WNNC8gNzt4AgNqneKlet8oF2EfNz4=\n"
      "-----END PUBLIC KEY-----\n";
  const char* ed448 =
      "-----BEGIN PUBLIC KEY-----\n"
      "MEMwBQYDK2VxAzoAfTgYikjra6ORWL62Anf1qGbc6U1Tg5fUV1N2LMfsBo8d6y4f\n"
      "O27j7RaZjHwwm4kk1z8Giw1EYdqA\n"
      "-----END PUBLIC KEY-----\n";
  for (const char* pem : {k256, x25519, ed448}) {
    std::string why;
    EXPECT_EQ(Key::from_pem(pem, {}, &why).status(), Status::unsupported_key) << pem;
    EXPECT_FALSE(why.empty());
  }
}

TEST(KeyFromPem, RejectsPrivateKeyBlocks) {
  std::string pem = pem_of([](BIO* bio) {
    return PEM_write_bio_RSAPrivateKey(bio, const_cast<RSA*>(rsa_key(2048)), nullptr, nullptr, 0,
                                       nullptr, nullptr);
  });
  EXPECT_EQ(Key::from_pem(pem).status(), Status::unsupported_key);
}

TEST(KeyFromPem, RejectsPinnedAlgThatDoesNotFit) {
  auto ec = ec_key(NID_secp384r1);
  auto pkey = evp_of_ec(ec.get());
  std::string pem = spki_pem(pkey.get());
  EXPECT_EQ(Key::from_pem(pem, KeyOptions{std::nullopt, Alg::ES256}).status(),
            Status::key_alg_mismatch);
  EXPECT_EQ(Key::from_pem(pem, KeyOptions{std::nullopt, Alg::HS384}).status(),
            Status::key_alg_mismatch);
  EXPECT_EQ(Key::from_pem(pem, KeyOptions{std::nullopt, Alg::ES384}).status(), Status::ok);
}

// ---------------------------------------------------------------- secret

TEST(KeyFromSecret, EnforcesRfc7518Lengths) {
  std::vector<uint8_t> s31(31, 1), s32(32, 1), s48(48, 1), s64(64, 1);
  EXPECT_EQ(Key::from_secret(s31).status(), Status::weak_key);
  EXPECT_EQ(Key::from_secret(s32).status(), Status::ok);
  EXPECT_EQ(Key::from_secret(s32, {std::nullopt, Alg::HS384}).status(), Status::weak_key);
  EXPECT_EQ(Key::from_secret(s48, {std::nullopt, Alg::HS384}).status(), Status::ok);
  EXPECT_EQ(Key::from_secret(s48, {std::nullopt, Alg::HS512}).status(), Status::weak_key);
  EXPECT_EQ(Key::from_secret(s64, {std::nullopt, Alg::HS512}).status(), Status::ok);
  EXPECT_EQ(Key::from_secret(s64, {std::nullopt, Alg::RS256}).status(), Status::key_alg_mismatch);
  EXPECT_EQ(Key::from_secret({}).status(), Status::weak_key);
}

TEST(KeyTypeName, NamesEveryType) {
  EXPECT_EQ(key_type_name(KeyType::oct), "oct");
  EXPECT_EQ(key_type_name(KeyType::rsa), "RSA");
  EXPECT_EQ(key_type_name(KeyType::ec_p256), "EC P-256");
  EXPECT_EQ(key_type_name(KeyType::ec_p384), "EC P-384");
  EXPECT_EQ(key_type_name(KeyType::ec_p521), "EC P-521");
  EXPECT_EQ(key_type_name(KeyType::ed25519), "OKP Ed25519");
}

// ------------------------------------------------------------------ JWKS

TEST(KeySetFromJwks, LoadsGoodKeysAndReportsTheBadOne) {
  std::string json = jwks({obj(with(rsa_members(rsa_key(2048)), "kid", q("a"))),
                           obj(with(oct_members(16), "kid", q("b"))),
                           obj(with(p256_members(), "kid", q("c"))),
                           obj(with(ed25519_members(), "use", q("enc")))});
  auto set = KeySet::from_jwks(json);
  ASSERT_TRUE(set.ok()) << to_string(set.status());
  EXPECT_EQ(set->size(), 2u);
  ASSERT_EQ(set->left_out().size(), 2u);
  const KeyIssue& weak = set->left_out()[0];
  EXPECT_EQ(weak.index, 1u);
  EXPECT_EQ(weak.kid, std::optional<std::string>("b"));
  EXPECT_EQ(weak.status, Status::weak_key);
  EXPECT_NE(weak.why.find("16 bytes"), std::string::npos) << weak.why;
  const KeyIssue& enc = set->left_out()[1];
  EXPECT_EQ(enc.index, 3u);
  EXPECT_FALSE(enc.kid.has_value());
  EXPECT_EQ(enc.status, Status::key_not_for_signing);
}

TEST(KeySetFromJwks, ReportsNonObjectEntries) {
  auto set = KeySet::from_jwks(jwks({"1", obj(oct_members(32)), "\"k\""}));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->size(), 1u);
  ASSERT_EQ(set->left_out().size(), 2u);
  EXPECT_EQ(set->left_out()[0].index, 0u);
  EXPECT_EQ(set->left_out()[0].status, Status::bad_key);
  EXPECT_EQ(set->left_out()[1].index, 2u);
}

TEST(KeySetFromJwks, AcceptsASingleJwk) {
  auto set = KeySet::from_jwks(obj(with(oct_members(32), "kid", q("one"))));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->size(), 1u);
  EXPECT_EQ(set->keys()[0]->kid(), std::optional<std::string>("one"));

  set = KeySet::from_jwks(obj(with(oct_members(8), "kid", q("short"))));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->size(), 0u);
  ASSERT_EQ(set->left_out().size(), 1u);
  EXPECT_EQ(set->left_out()[0].status, Status::weak_key);
}

TEST(KeySetFromJwks, AcceptsAnEmptySet) {
  auto set = KeySet::from_jwks("{\"keys\":[]}");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->size(), 0u);
}

TEST(KeySetFromJwks, RejectsUnusableDocuments) {
  std::string why;
  EXPECT_EQ(KeySet::from_jwks("{}", &why).status(), Status::bad_key);
  EXPECT_NE(why.find("keys"), std::string::npos) << why;
  EXPECT_EQ(KeySet::from_jwks("{\"keys\":{}}").status(), Status::bad_key);
  EXPECT_EQ(KeySet::from_jwks("{\"keys\":null}").status(), Status::bad_key);
  EXPECT_EQ(KeySet::from_jwks("[]").status(), Status::bad_json);
  EXPECT_EQ(KeySet::from_jwks("{\"keys\":[],}").status(), Status::bad_json);
  EXPECT_EQ(KeySet::from_jwks("{\"keys\":[],\"keys\":[]}").status(), Status::duplicate_member);
  // Duplicates inside one key are found too (the whole document is strict).
  EXPECT_EQ(KeySet::from_jwks("{\"keys\":[{\"kty\":\"oct\",\"kty\":\"oct\"}]}").status(),
            Status::duplicate_member);
}

// ---------------------------------------------------------------- select

std::shared_ptr<const Key> must(Result<std::shared_ptr<const Key>> r) {
  EXPECT_TRUE(r.ok()) << to_string(r.status());
  return r.ok() ? *r : nullptr;
}

std::shared_ptr<const Key> rsa(std::optional<std::string> kid, std::optional<Alg> alg = {}) {
  Members m = rsa_members(rsa_key(2048));
  if (kid) m = with(m, "kid", q(*kid));
  if (alg) m = with(m, "alg", q(alg_name(*alg)));
  return must(Key::from_jwk(obj(m)));
}

std::shared_ptr<const Key> hmac(std::optional<std::string> kid, size_t len = 32) {
  return must(Key::from_secret(std::vector<uint8_t>(len, 7), KeyOptions{std::move(kid), {}}));
}

Status pick(const KeySet& set, Alg alg, std::optional<std::string_view> kid,
            const Key** out = nullptr) {
  const Key* chosen = nullptr;
  Status s = set.select(alg, kid ? &*kid : nullptr, &chosen);
  EXPECT_EQ(s == Status::ok, chosen != nullptr);
  if (out) *out = chosen;
  return s;
}

TEST(KeySetSelect, ChoosesByKid) {
  auto a = rsa("a"), b = rsa("b");
  KeySet set({a, b});
  const Key* chosen;
  EXPECT_EQ(pick(set, Alg::RS256, "b", &chosen), Status::ok);
  EXPECT_EQ(chosen, b.get());
  EXPECT_EQ(pick(set, Alg::PS384, "a", &chosen), Status::ok);
  EXPECT_EQ(chosen, a.get());
}

TEST(KeySetSelect, UnknownKidIsNotFoundEvenIfAnotherKeyFits) {
  KeySet set({rsa("a")});
  EXPECT_EQ(pick(set, Alg::RS256, "z"), Status::key_not_found);
  EXPECT_EQ(pick(set, Alg::RS256, ""), Status::key_not_found);
  EXPECT_EQ(pick(set, Alg::RS256, "A"), Status::key_not_found);  // exact match only
}

TEST(KeySetSelect, KeyWithoutKidNeverMatchesATokenKid) {
  KeySet set({rsa(std::nullopt)});
  EXPECT_EQ(pick(set, Alg::RS256, "a"), Status::key_not_found);
  EXPECT_EQ(pick(set, Alg::RS256, std::nullopt), Status::ok);
}

TEST(KeySetSelect, NoKidWithOneFittingKeyChoosesIt) {
  auto r = rsa("a");
  auto h = hmac("h");
  KeySet set({r, h});
  const Key* chosen;
  EXPECT_EQ(pick(set, Alg::RS256, std::nullopt, &chosen), Status::ok);
  EXPECT_EQ(chosen, r.get());
  EXPECT_EQ(pick(set, Alg::HS256, std::nullopt, &chosen), Status::ok);
  EXPECT_EQ(chosen, h.get());
  EXPECT_EQ(pick(set, Alg::ES256, std::nullopt), Status::key_not_found);
}

TEST(KeySetSelect, NoKidWithTwoFittingKeysIsAmbiguous) {
  KeySet set({rsa("a"), rsa("b")});
  EXPECT_EQ(pick(set, Alg::RS256, std::nullopt), Status::ambiguous_key);
}

TEST(KeySetSelect, PinnedAlgsSeparateKeysWithoutKid) {
  auto rs = rsa(std::nullopt, Alg::RS256);
  auto ps = rsa(std::nullopt, Alg::PS256);
  KeySet set({rs, ps});
  const Key* chosen;
  EXPECT_EQ(pick(set, Alg::PS256, std::nullopt, &chosen), Status::ok);
  EXPECT_EQ(chosen, ps.get());
  EXPECT_EQ(pick(set, Alg::RS512, std::nullopt), Status::key_not_found);
}

TEST(KeySetSelect, DuplicateKidsAreAmbiguous) {
  KeySet set({rsa("a"), rsa("a")});
  EXPECT_EQ(pick(set, Alg::RS256, "a"), Status::ambiguous_key);
}

TEST(KeySetSelect, DuplicateKidOfDifferentTypesPicksTheOneThatFits) {
  // The candidates are the keys that fit the alg: an HMAC key sharing the
  // kid of an RSA key is not a candidate for RS256.
  auto r = rsa("a");
  KeySet set({r, hmac("a")});
  const Key* chosen;
  EXPECT_EQ(pick(set, Alg::RS256, "a", &chosen), Status::ok);
  EXPECT_EQ(chosen, r.get());
}

TEST(KeySetSelect, KidOfLeftOutKeyGivesItsStatus) {
  auto set = KeySet::from_jwks(jwks({obj(with(oct_members(16), "kid", q("weak"))),
                                     obj(with(rsa_members(rsa_key(1024)), "kid", q("small"))),
                                     obj(with(with(ed25519_members(), "crv", q("X25519")), "kid",
                                              q("x"))),
                                     obj(with(rsa_members(rsa_key(2048)), "kid", q("ok")))}));
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(pick(*set, Alg::HS256, "weak"), Status::weak_key);
  EXPECT_EQ(pick(*set, Alg::RS256, "small"), Status::weak_key);
  EXPECT_EQ(pick(*set, Alg::EdDSA, "x"), Status::unsupported_key);
  EXPECT_EQ(pick(*set, Alg::RS256, "ok"), Status::ok);
}

TEST(KeySetSelect, WithoutKidALeftOutKeyOfTheRightTypeGivesItsStatus) {
  auto set = KeySet::from_jwks(jwks({obj(rsa_members(rsa_key(1024))),
                                     obj(with(ed25519_members(), "use", q("enc"))),
                                     obj(p256_members())}));
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->left_out().size(), 2u);
  EXPECT_EQ(set->left_out()[0].type, KeyType::rsa);
  EXPECT_EQ(set->left_out()[1].type, KeyType::ed25519);
  EXPECT_EQ(pick(*set, Alg::RS256, std::nullopt), Status::weak_key);
  EXPECT_EQ(pick(*set, Alg::EdDSA, std::nullopt), Status::key_not_for_signing);
  EXPECT_EQ(pick(*set, Alg::ES256, std::nullopt), Status::ok);
  // No left-out key of a fitting type: plain key_not_found.
  EXPECT_EQ(pick(*set, Alg::HS256, std::nullopt), Status::key_not_found);
  EXPECT_EQ(pick(*set, Alg::ES384, std::nullopt), Status::key_not_found);
}

TEST(KeySetSelect, KidWithWrongAlgIsMismatch) {
  KeySet set({rsa("a"), must(Key::from_jwk(obj(with(p256_members(), "kid", q("e")))))});
  EXPECT_EQ(pick(set, Alg::ES256, "a"), Status::key_alg_mismatch);
  EXPECT_EQ(pick(set, Alg::ES384, "e"), Status::key_alg_mismatch);
  EXPECT_EQ(pick(set, Alg::ES256, "e"), Status::ok);
}

TEST(KeySetSelect, NeverChoosesHmacForAsymmetricAlgs) {
  KeySet set({hmac("k", 64)});
  for (Alg a : {Alg::RS256, Alg::PS256, Alg::ES256, Alg::EdDSA}) {
    EXPECT_EQ(pick(set, a, "k"), Status::key_alg_mismatch) << alg_name(a);
    EXPECT_EQ(pick(set, a, std::nullopt), Status::key_not_found) << alg_name(a);
  }
}

TEST(KeySetSelect, NeverChoosesAsymmetricKeysForHmac) {
  KeySet set({rsa("k")});
  EXPECT_EQ(pick(set, Alg::HS256, "k"), Status::key_alg_mismatch);
  EXPECT_EQ(pick(set, Alg::HS256, std::nullopt), Status::key_not_found);
}

TEST(KeySetSelect, ChecksHmacStrengthForTheTokenAlg) {
  KeySet set({hmac("k", 32)});
  EXPECT_EQ(pick(set, Alg::HS256, "k"), Status::ok);
  EXPECT_EQ(pick(set, Alg::HS384, "k"), Status::weak_key);
  EXPECT_EQ(pick(set, Alg::HS512, std::nullopt), Status::weak_key);
}

// The candidates are the keys usable for the token's alg, strength
// included (issue 12 §2): below, each branch of select() with and without a
// kid, over unpinned HMAC keys of 32 and 64 bytes.

TEST(KeySetSelect, WithoutKidAKeyTooWeakForTheAlgIsNotACandidate) {
  auto short_key = hmac(std::nullopt, 32), long_key = hmac(std::nullopt, 64);
  KeySet set({short_key, long_key});
  const Key* chosen;
  // HS512 and HS384: only the 64-byte key is strong enough, so it serves.
  EXPECT_EQ(pick(set, Alg::HS512, std::nullopt, &chosen), Status::ok);
  EXPECT_EQ(chosen, long_key.get());
  EXPECT_EQ(pick(set, Alg::HS384, std::nullopt, &chosen), Status::ok);
  EXPECT_EQ(chosen, long_key.get());
  // HS256: both are usable, so there is no telling which one was meant.
  EXPECT_EQ(pick(set, Alg::HS256, std::nullopt), Status::ambiguous_key);
}

TEST(KeySetSelect, WithKidAKeyTooWeakForTheAlgIsNotACandidate) {
  // Two keys share a kid: only one of them can serve HS512, so that one does;
  // for HS256 both could, and the kid does not say which.
  auto short_key = hmac("k", 32), long_key = hmac("k", 64);
  KeySet set({short_key, long_key});
  const Key* chosen;
  EXPECT_EQ(pick(set, Alg::HS512, "k", &chosen), Status::ok);
  EXPECT_EQ(chosen, long_key.get());
  EXPECT_EQ(pick(set, Alg::HS256, "k"), Status::ambiguous_key);
}

TEST(KeySetSelect, WithoutKidTwoUsableKeysStayAmbiguous) {
  KeySet set({hmac(std::nullopt, 64), hmac(std::nullopt, 48), hmac(std::nullopt, 32)});
  EXPECT_EQ(pick(set, Alg::HS384, std::nullopt), Status::ambiguous_key);  // 64 and 48
  EXPECT_EQ(pick(set, Alg::HS512, std::nullopt), Status::ok);             // 64 only
}

TEST(KeySetSelect, WithoutUsableKeyAWeakKeyThatFitsGivesWeakKey) {
  // No candidate, and keys that fit are all too short: weak_key, even when
  // there are two of them (nothing to be ambiguous about).
  KeySet set({hmac(std::nullopt, 32), hmac(std::nullopt, 40), hmac("k", 32), hmac("k", 40)});
  EXPECT_EQ(pick(set, Alg::HS512, std::nullopt), Status::weak_key);
  EXPECT_EQ(pick(set, Alg::HS512, "k"), Status::weak_key);
  EXPECT_EQ(pick(set, Alg::HS384, "k"), Status::weak_key);
}

TEST(KeySetSelect, WithoutUsableKeyALeftOutKeyGivesItsStatus) {
  // The only HMAC key was left out at load (16 bytes: weak_key): a token
  // for it gets that status, by kid or, without kid, as the left-out key
  // whose type fits; a kid of another type or of no key keeps its answer.
  auto set = KeySet::from_jwks(jwks({obj(with(oct_members(16), "kid", q("lo"))),
                                     obj(with(rsa_members(rsa_key(2048)), "kid", q("r")))}));
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->left_out().size(), 1u);
  EXPECT_EQ(pick(*set, Alg::HS512, std::nullopt), Status::weak_key);  // the left-out key's status
  EXPECT_EQ(pick(*set, Alg::HS256, "lo"), Status::weak_key);
  EXPECT_EQ(pick(*set, Alg::HS256, "r"), Status::key_alg_mismatch);
  EXPECT_EQ(pick(*set, Alg::HS256, "none"), Status::key_not_found);

  auto enc = KeySet::from_jwks(jwks({obj(with(with(oct_members(64), "use", q("enc")), "kid", q("e"))),
                                     obj(with(oct_members(32), "kid", q("e")))}));
  ASSERT_TRUE(enc.ok());
  ASSERT_EQ(enc->size(), 1u);
  // With kid: the loaded 32-byte key fits but is too short for HS512, which
  // says more than the left-out "enc" key with the same kid.
  EXPECT_EQ(pick(*enc, Alg::HS512, "e"), Status::weak_key);
  EXPECT_EQ(pick(*enc, Alg::HS256, "e"), Status::ok);
  // Without kid: the same.
  EXPECT_EQ(pick(*enc, Alg::HS512, std::nullopt), Status::weak_key);
  // Only the left-out key fits: its own status, with and without kid.
  auto only_enc = KeySet::from_jwks(jwks({obj(with(with(oct_members(64), "use", q("enc")), "kid", q("e")))}));
  ASSERT_TRUE(only_enc.ok());
  EXPECT_EQ(pick(*only_enc, Alg::HS512, "e"), Status::key_not_for_signing);
  EXPECT_EQ(pick(*only_enc, Alg::HS512, std::nullopt), Status::key_not_for_signing);
}

TEST(KeySetSelect, EmptySetFindsNothing) {
  KeySet set;
  EXPECT_EQ(pick(set, Alg::RS256, std::nullopt), Status::key_not_found);
  EXPECT_EQ(pick(set, Alg::RS256, "a"), Status::key_not_found);
}

TEST(KeyStore, SwapsSnapshots) {
  KeyStore store;
  ASSERT_NE(store.snapshot(), nullptr);
  EXPECT_EQ(store.snapshot()->size(), 0u);
  auto old = store.snapshot();
  store.replace(std::make_shared<const KeySet>(std::vector{hmac("k")}));
  EXPECT_EQ(store.snapshot()->size(), 1u);
  EXPECT_EQ(old->size(), 0u);  // readers keep the set they loaded
  KeyStore from_null(nullptr);
  ASSERT_NE(from_null.snapshot(), nullptr);
}

}  // namespace
}  // namespace jve
