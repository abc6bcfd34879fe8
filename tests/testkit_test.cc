// testkit_test.cc: the token producer used by every other test must itself
// be right: each algorithm's tokens have the JWS shape, its keys load through
// the public loaders, and the verifier accepts them and rejects any change.
#include "testkit.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_printers.h"

#include "jve/jve.hpp"

namespace jve::testkit {
namespace {

constexpr int64_t kNow = 1'700'000'000;

// key_for caches one key per algorithm: RSA generation is slow and the keys
// are immutable, so sharing them between tests changes nothing.
const SigningKey& key_for(Alg alg) {
  static std::mutex mu;
  static std::map<Alg, std::unique_ptr<SigningKey>> keys;
  std::lock_guard<std::mutex> lock(mu);
  auto& k = keys[alg];
  if (!k) k = std::make_unique<SigningKey>(generate_key(alg, "kid-" + std::string(alg_name(alg))));
  return *k;
}

Policy test_policy() {
  Policy p;
  p.issuers = {std::string(kIssuer)};
  p.audiences = {std::string(kAudience)};
  p.clock = [] { return kNow; };
  return p;
}

Verifier verifier_for(const std::string& jwks_json) {
  std::string why;
  Result<KeySet> set = KeySet::from_jwks(jwks_json, &why);
  EXPECT_TRUE(set.ok()) << to_string(set.status()) << ": " << why;
  if (!set.ok()) return Verifier(test_policy(), std::make_shared<const KeySet>());
  return Verifier(test_policy(), std::make_shared<const KeySet>(std::move(*set)));
}

std::string token_for(const SigningKey& key, uint64_t serial = 0) {
  return sign(key, header_json(key.alg, key.kid), realistic_payload(kNow, 350, serial));
}

size_t expected_signature_len(Alg alg) {
  switch (alg) {
    case Alg::HS256: return 32;
    case Alg::HS384: return 48;
    case Alg::HS512: return 64;
    case Alg::ES256: return 64;
    case Alg::ES384: return 96;
    case Alg::ES512: return 132;
    case Alg::EdDSA: return 64;
    default: return 256;  // RSA 2048
  }
}

std::vector<std::string_view> segments(std::string_view token) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t dot; (dot = token.find('.', start)) != std::string_view::npos; start = dot + 1) {
    out.push_back(token.substr(start, dot - start));
  }
  out.push_back(token.substr(start));
  return out;
}

std::string decode(std::string_view b64) {
  std::string out(base64url::decoded_max_len(b64.size()), '\0');
  size_t len = 0;
  EXPECT_EQ(base64url::decode(b64, reinterpret_cast<uint8_t*>(out.data()), &len), Status::ok);
  out.resize(len);
  return out;
}

class TestkitAlg : public testing::TestWithParam<Alg> {};

TEST_P(TestkitAlg, TokenHasThreeSegments) {
  const SigningKey& key = key_for(GetParam());
  const std::string token = token_for(key);
  const std::vector<std::string_view> parts = segments(token);
  ASSERT_EQ(parts.size(), 3u) << token;
  for (std::string_view p : parts) {
    EXPECT_FALSE(p.empty());
    EXPECT_EQ(p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string_view::npos)
        << p;
  }
  EXPECT_EQ(decode(parts[0]), header_json(key.alg, key.kid));
  EXPECT_EQ(decode(parts[1]), realistic_payload(kNow));
  EXPECT_EQ(decode(parts[2]).size(), expected_signature_len(key.alg));
}

TEST_P(TestkitAlg, SignatureHasJwsLength) {
  const SigningKey& key = key_for(GetParam());
  // ECDSA r||s is fixed width even when r or s has leading zero bytes; sign
  // a few inputs so a short r or s would show.
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(sign_bytes(key, "input-" + std::to_string(i)).size(), expected_signature_len(key.alg));
  }
}

TEST_P(TestkitAlg, PublicJwkLoads) {
  const SigningKey& key = key_for(GetParam());
  std::string why;
  Result<KeySet> set = KeySet::from_jwks(key.public_jwk(), &why);
  ASSERT_TRUE(set.ok()) << to_string(set.status()) << ": " << why << "\n" << key.public_jwk();
  EXPECT_EQ(set->size(), 1u);
  EXPECT_TRUE(set->left_out().empty());
  Result<std::shared_ptr<const Key>> k = Key::from_jwk(key.public_jwk(), &why);
  ASSERT_TRUE(k.ok()) << why;
  EXPECT_TRUE((*k)->fits(key.alg));
  ASSERT_TRUE((*k)->kid().has_value());
  EXPECT_EQ(*(*k)->kid(), key.kid);
}

TEST_P(TestkitAlg, VerifierAcceptsToken) {
  const SigningKey& key = key_for(GetParam());
  const Verifier verifier = verifier_for(jwks({&key}));
  Scratch scratch;
  Claims claims;
  const std::string token = token_for(key, 7);
  ASSERT_EQ(verifier.verify(token, scratch, claims), Status::ok) << token;
  EXPECT_EQ(claims.header.alg, key.alg);
  EXPECT_EQ(claims.iss, kIssuer);
  EXPECT_EQ(claims.exp, static_cast<double>(kNow + 3600));
}

TEST_P(TestkitAlg, VerifierRejectsAnyChangedByte) {
  const SigningKey& key = key_for(GetParam());
  const Verifier verifier = verifier_for(jwks({&key}));
  Scratch scratch;
  Claims claims;
  const std::string token = token_for(key);
  ASSERT_EQ(verifier.verify(token, scratch, claims), Status::ok);
  // Change one character in the middle of each segment (not the last one of
  // a segment, whose low bits are constrained) and the signature's first.
  const std::vector<std::string_view> parts = segments(token);
  const size_t payload_start = parts[0].size() + 1;
  const size_t sig_start = payload_start + parts[1].size() + 1;
  for (size_t pos : {parts[0].size() / 2, payload_start + parts[1].size() / 2, sig_start,
                     sig_start + parts[2].size() / 2}) {
    std::string bad = token;
    bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
    EXPECT_NE(verifier.verify(bad, scratch, claims), Status::ok) << "changed at " << pos;
  }
  // A signature of another key of the same type never verifies.
  const SigningKey other = generate_key(key.alg, key.kid);
  EXPECT_EQ(verifier.verify(token_for(other), scratch, claims), Status::bad_signature);
}

TEST_P(TestkitAlg, PemRoundTrips) {
  const SigningKey& key = key_for(GetParam());
  if (key.pkey() == nullptr) {
    EXPECT_TRUE(key.public_pem().empty());
    EXPECT_EQ(key.secret().size(), expected_signature_len(key.alg));
    return;
  }
  const std::string pem = key.public_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u) << pem;
  KeyOptions options;
  options.kid = key.kid;
  std::string why;
  Result<std::shared_ptr<const Key>> k = Key::from_pem(pem, options, &why);
  ASSERT_TRUE(k.ok()) << to_string(k.status()) << ": " << why;
  EXPECT_TRUE((*k)->fits(key.alg));

  std::optional<SigningKey> loaded = load_private_key_pem(key.alg, key.private_pem(), key.kid);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->public_jwk(), key.public_jwk());
  const Verifier verifier = verifier_for(jwks({&key}));
  Scratch scratch;
  Claims claims;
  EXPECT_EQ(verifier.verify(token_for(*loaded), scratch, claims), Status::ok);
}

INSTANTIATE_TEST_SUITE_P(AllAlgs, TestkitAlg, testing::ValuesIn(all_algs()),
                         [](const testing::TestParamInfo<Alg>& p) {
                           return std::string(alg_name(p.param));
                         });

TEST(Testkit, OneJwksServesEveryAlg) {
  std::vector<const SigningKey*> keys;
  for (Alg alg : all_algs()) keys.push_back(&key_for(alg));
  const Verifier verifier = verifier_for(jwks(keys));
  Scratch scratch;
  Claims claims;
  for (const SigningKey* key : keys) {
    EXPECT_EQ(verifier.verify(token_for(*key), scratch, claims), Status::ok) << alg_name(key->alg);
  }
}

TEST(Testkit, RealisticPayloadHasTargetSize) {
  for (size_t target : {350u, 512u, 1000u}) {
    EXPECT_EQ(realistic_payload(kNow, target).size(), target);
  }
  EXPECT_NE(realistic_payload(kNow, 350, 1), realistic_payload(kNow, 350, 2));
  // Below the size of the claims themselves: no padding claim.
  EXPECT_EQ(realistic_payload(kNow, 10).find("\"session\""), std::string::npos);
}

TEST(Testkit, SignRawSegmentsSignsTheGivenBytes) {
  const SigningKey& key = key_for(Alg::HS256);
  const std::string token = sign_raw_segments(key, "e30", "not base64!");
  EXPECT_EQ(token.rfind("e30.not base64!.", 0), 0u);
  const std::vector<uint8_t> sig = sign_bytes(key, "e30.not base64!");
  EXPECT_EQ(token.substr(token.rfind('.') + 1), base64url::encode(sig));
}

TEST(Testkit, KeyFromSecretMakesWeakKeys) {
  const std::vector<uint8_t> secret(16, 0x42);
  std::optional<SigningKey> key = key_from_secret(Alg::HS256, secret, "weak");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->secret(), secret);
  EXPECT_FALSE(key_from_secret(Alg::ES256, secret).has_value());
  // Whether the loader leaves the key out or keeps it and checks strength
  // per token, a token asking for it fails with weak_key (key_set.h).
  const Verifier verifier = verifier_for(jwks({&*key}));
  Scratch scratch;
  Claims claims;
  EXPECT_EQ(verifier.verify(token_for(*key), scratch, claims), Status::weak_key);
}

TEST(Testkit, HeaderJsonOmitsEmptyMembers) {
  EXPECT_EQ(header_json(Alg::ES256, "k1"), R"({"alg":"ES256","typ":"JWT","kid":"k1"})");
  EXPECT_EQ(header_json(Alg::EdDSA, "", ""), R"({"alg":"EdDSA"})");
}

TEST(Testkit, JsonStringEscapes) {
  EXPECT_EQ(json_string("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace jve::testkit
