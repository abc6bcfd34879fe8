// Tests for engine/src/crypto: crypto::verify and signature_len for every
// alg, against signatures made by BoringSSL in the test.
#include <gtest/gtest.h>

#include "test_printers.h"
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "crypto/key_material.h"
#include "crypto/verify.h"
#include "ed25519_forgery.h"
#include "keys/key_access.h"
#include "jve/base64url.h"
#include "jve/key_set.h"

namespace jve {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr std::string_view kMessage =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiZXhwIjoyMDAwMDAwMDAwfQ";

std::string b64(const Bytes& b) { return base64url::encode(b); }

std::string bn_b64(const BIGNUM* bn, size_t len = 0) {
  if (len == 0) len = BN_num_bytes(bn);
  Bytes out(len);
  EXPECT_TRUE(BN_bn2bin_padded(out.data(), out.size(), bn));
  return b64(out);
}

const EVP_MD* md_of(Alg a) {
  switch (a) {
    case Alg::HS256: case Alg::RS256: case Alg::PS256: case Alg::ES256: return EVP_sha256();
    case Alg::HS384: case Alg::RS384: case Alg::PS384: case Alg::ES384: return EVP_sha384();
    default: return EVP_sha512();
  }
}

Bytes digest(Alg a, std::string_view msg) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  EXPECT_TRUE(EVP_Digest(msg.data(), msg.size(), out.data(), &len, md_of(a), nullptr));
  out.resize(len);
  return out;
}

RSA* rsa_2048() {
  static bssl::UniquePtr<RSA> rsa = [] {
    bssl::UniquePtr<RSA> r(RSA_new());
    bssl::UniquePtr<BIGNUM> e(BN_new());
    BN_set_word(e.get(), RSA_F4);
    EXPECT_TRUE(RSA_generate_key_ex(r.get(), 2048, e.get(), nullptr));
    return r;
  }();
  return rsa.get();
}

int nid_of(Alg a) {
  return a == Alg::ES256 ? NID_X9_62_prime256v1 : a == Alg::ES384 ? NID_secp384r1 : NID_secp521r1;
}

size_t order_len(Alg a) { return a == Alg::ES256 ? 32 : a == Alg::ES384 ? 48 : 66; }

EC_KEY* ec_for(Alg a) {
  static std::map<Alg, bssl::UniquePtr<EC_KEY>> cache;
  auto& slot = cache[a];
  if (!slot) {
    slot.reset(EC_KEY_new_by_curve_name(nid_of(a)));
    EXPECT_TRUE(EC_KEY_generate_key(slot.get()));
  }
  return slot.get();
}

const uint8_t* ed25519_private() {
  static uint8_t pub[32], priv[64];
  static bool once = (ED25519_keypair(pub, priv), true);
  (void)once;
  return priv;
}

const Bytes& hmac_secret() {
  static const Bytes secret = [] {
    Bytes s(64);
    for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i * 7 + 3);
    return s;
  }();
  return secret;
}

// ecdsa_raw signs and returns r||s at the fixed JWS width.
Bytes ecdsa_raw(Alg a, std::string_view msg, bssl::UniquePtr<ECDSA_SIG>* keep = nullptr) {
  Bytes d = digest(a, msg);
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_do_sign(d.data(), d.size(), ec_for(a)));
  EXPECT_TRUE(sig);
  const size_t n = order_len(a);
  Bytes out(2 * n);
  EXPECT_TRUE(BN_bn2bin_padded(out.data(), n, sig->r));
  EXPECT_TRUE(BN_bn2bin_padded(out.data() + n, n, sig->s));
  if (keep) *keep = std::move(sig);
  return out;
}

Bytes sign(Alg a, std::string_view msg) {
  switch (a) {
    case Alg::HS256: case Alg::HS384: case Alg::HS512: {
      Bytes out(EVP_MAX_MD_SIZE);
      unsigned len = 0;
      EXPECT_TRUE(HMAC(md_of(a), hmac_secret().data(), hmac_secret().size(),
                       reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), out.data(), &len));
      out.resize(len);
      return out;
    }
    case Alg::RS256: case Alg::RS384: case Alg::RS512: {
      Bytes d = digest(a, msg);
      Bytes out(RSA_size(rsa_2048()));
      unsigned len = 0;
      EXPECT_TRUE(RSA_sign(EVP_MD_type(md_of(a)), d.data(), d.size(), out.data(), &len,
                           rsa_2048()));
      out.resize(len);
      return out;
    }
    case Alg::PS256: case Alg::PS384: case Alg::PS512: {
      Bytes d = digest(a, msg);
      Bytes out(RSA_size(rsa_2048()));
      size_t len = 0;
      EXPECT_TRUE(RSA_sign_pss_mgf1(rsa_2048(), &len, out.data(), out.size(), d.data(), d.size(),
                                    md_of(a), md_of(a), static_cast<int>(d.size())));
      out.resize(len);
      return out;
    }
    case Alg::ES256: case Alg::ES384: case Alg::ES512:
      return ecdsa_raw(a, msg);
    case Alg::EdDSA: {
      Bytes out(64);
      EXPECT_TRUE(ED25519_sign(out.data(), reinterpret_cast<const uint8_t*>(msg.data()),
                               msg.size(), ed25519_private()));
      return out;
    }
  }
  return {};
}

std::string pem_of(EVP_PKEY* pkey) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  EXPECT_TRUE(PEM_write_bio_PUBKEY(bio.get(), pkey));
  const uint8_t* data;
  size_t len;
  EXPECT_TRUE(BIO_mem_contents(bio.get(), &data, &len));
  return std::string(reinterpret_cast<const char*>(data), len);
}

// key_for builds the jve key through the public loaders: JWK for most algs,
// PEM for PS* and ES384 so both paths reach the crypto code.
std::shared_ptr<const Key> key_for(Alg a) {
  static std::map<Alg, std::shared_ptr<const Key>> cache;
  auto& slot = cache[a];
  if (slot) return slot;
  Result<std::shared_ptr<const Key>> r = Status::internal_error;
  switch (a) {
    case Alg::HS256: case Alg::HS384: case Alg::HS512:
      r = Key::from_jwk("{\"kty\":\"oct\",\"k\":\"" + b64(hmac_secret()) + "\"}");
      break;
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
      r = Key::from_jwk("{\"kty\":\"RSA\",\"n\":\"" + bn_b64(RSA_get0_n(rsa_2048())) +
                        "\",\"e\":\"" + bn_b64(RSA_get0_e(rsa_2048())) + "\"}");
      break;
    case Alg::PS256: case Alg::PS384: case Alg::PS512: {
      bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
      EVP_PKEY_set1_RSA(pkey.get(), rsa_2048());
      r = Key::from_pem(pem_of(pkey.get()), KeyOptions{std::nullopt, a});
      break;
    }
    case Alg::ES384: {
      bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
      EVP_PKEY_set1_EC_KEY(pkey.get(), ec_for(a));
      r = Key::from_pem(pem_of(pkey.get()));
      break;
    }
    case Alg::ES256: case Alg::ES512: {
      bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
      EC_KEY* ec = ec_for(a);
      EXPECT_TRUE(EC_POINT_get_affine_coordinates_GFp(EC_KEY_get0_group(ec),
                                                      EC_KEY_get0_public_key(ec), x.get(),
                                                      y.get(), nullptr));
      r = Key::from_jwk(std::string("{\"kty\":\"EC\",\"crv\":\"") +
                        (a == Alg::ES256 ? "P-256" : "P-521") + "\",\"x\":\"" +
                        bn_b64(x.get(), order_len(a)) + "\",\"y\":\"" +
                        bn_b64(y.get(), order_len(a)) + "\"}");
      break;
    }
    case Alg::EdDSA:
      // RFC 8032: the public key is the second half of BoringSSL's 64-byte
      // private key.
      r = Key::from_jwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" +
                        b64(Bytes(ed25519_private() + 32, ed25519_private() + 64)) + "\"}");
      break;
  }
  EXPECT_TRUE(r.ok()) << alg_name(a) << ": " << to_string(r.status());
  slot = r.ok() ? *r : nullptr;
  return slot;
}

Status check(Alg a, std::string_view msg, const Bytes& sig) {
  return crypto::verify(jve::keys::material(*key_for(a)), a, msg, sig);
}

class CryptoVerify : public testing::TestWithParam<Alg> {};

std::string alg_param_name(const testing::TestParamInfo<Alg>& p) {
  return std::string(alg_name(p.param));
}

INSTANTIATE_TEST_SUITE_P(AllAlgs, CryptoVerify,
                         testing::Values(Alg::HS256, Alg::HS384, Alg::HS512, Alg::RS256,
                                         Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384,
                                         Alg::PS512, Alg::ES256, Alg::ES384, Alg::ES512,
                                         Alg::EdDSA),
                         alg_param_name);

TEST_P(CryptoVerify, AcceptsValidSignature) {
  const Alg a = GetParam();
  ASSERT_TRUE(key_for(a));
  Bytes sig = sign(a, kMessage);
  EXPECT_EQ(sig.size(), crypto::signature_len(jve::keys::material(*key_for(a)), a));
  EXPECT_EQ(check(a, kMessage, sig), Status::ok);
  // The empty signing input is still an input.
  EXPECT_EQ(check(a, "", sign(a, "")), Status::ok);
}

TEST_P(CryptoVerify, RejectsEveryBitFlip) {
  const Alg a = GetParam();
  ASSERT_TRUE(key_for(a));
  const Bytes sig = sign(a, kMessage);
  for (size_t bit = 0; bit < sig.size() * 8; ++bit) {
    Bytes bad = sig;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    ASSERT_EQ(check(a, kMessage, bad), Status::bad_signature) << "bit " << bit;
  }
}

TEST_P(CryptoVerify, RejectsEveryTruncationAndExtension) {
  const Alg a = GetParam();
  ASSERT_TRUE(key_for(a));
  const Bytes sig = sign(a, kMessage);
  for (size_t len = 0; len < sig.size(); ++len) {
    ASSERT_EQ(check(a, kMessage, Bytes(sig.begin(), sig.begin() + len)), Status::bad_signature)
        << "length " << len;
    // A shorter signature made of the tail (leading bytes dropped) too.
    ASSERT_EQ(check(a, kMessage, Bytes(sig.end() - len, sig.end())), Status::bad_signature)
        << "tail length " << len;
  }
  Bytes longer = sig;
  longer.push_back(0);
  EXPECT_EQ(check(a, kMessage, longer), Status::bad_signature);
  Bytes zero_prefixed = sig;
  zero_prefixed.insert(zero_prefixed.begin(), 0);
  EXPECT_EQ(check(a, kMessage, zero_prefixed), Status::bad_signature);
}

TEST_P(CryptoVerify, RejectsWrongMessage) {
  const Alg a = GetParam();
  ASSERT_TRUE(key_for(a));
  const Bytes sig = sign(a, kMessage);
  std::string msg(kMessage);
  EXPECT_EQ(check(a, msg.substr(0, msg.size() - 1), sig), Status::bad_signature);
  EXPECT_EQ(check(a, msg + ".", sig), Status::bad_signature);
  msg[0] ^= 1;
  EXPECT_EQ(check(a, msg, sig), Status::bad_signature);
  EXPECT_EQ(check(a, "", sig), Status::bad_signature);
}

TEST_P(CryptoVerify, RejectsAllZeroSignature) {
  const Alg a = GetParam();
  ASSERT_TRUE(key_for(a));
  Bytes zero(crypto::signature_len(jve::keys::material(*key_for(a)), a), 0);
  EXPECT_EQ(check(a, kMessage, zero), Status::bad_signature);
  Bytes ones(zero.size(), 0xff);
  EXPECT_EQ(check(a, kMessage, ones), Status::bad_signature);
}

TEST_P(CryptoVerify, RefusesAKeyThatDoesNotFit) {
  const Alg a = GetParam();
  const Alg other = a == Alg::EdDSA ? Alg::ES256 : Alg::EdDSA;
  ASSERT_TRUE(key_for(other));
  EXPECT_NE(crypto::verify(jve::keys::material(*key_for(other)), a, kMessage, sign(a, kMessage)), Status::ok);
}

TEST(CryptoVerify, SignatureLengths) {
  EXPECT_EQ(crypto::signature_len(jve::keys::material(*key_for(Alg::HS256)), Alg::HS256), 32u);
  EXPECT_EQ(crypto::signature_len(jve::keys::material(*key_for(Alg::HS384)), Alg::HS384), 48u);
  EXPECT_EQ(crypto::signature_len(jve::keys::material(*key_for(Alg::HS512)), Alg::HS512), 64u);
  EXPECT_EQ(crypto::signature_len(jve::keys::material(*key_for(Alg::RS256)), Alg::RS384), 256u);
  EXPECT_EQ(crypto::signature_len(jve::keys::material(*key_for(Alg::ES256)), Alg::ES256), 64u);
  EXPECT_EQ(crypto::signature_len(jve::keys::material(*key_for(Alg::ES384)), Alg::ES384), 96u);
  EXPECT_EQ(crypto::signature_len(jve::keys::material(*key_for(Alg::ES512)), Alg::ES512), 132u);
  EXPECT_EQ(crypto::signature_len(jve::keys::material(*key_for(Alg::EdDSA)), Alg::EdDSA), 64u);
}

// ------------------------------------------------------------------ HMAC

TEST(CryptoHmac, MatchesHmacForEveryKeyLengthClass) {
  // Below, at and above each block size (64 for SHA-256, 128 for SHA-384/512):
  // RFC 2104 hashes keys longer than the block before padding.
  for (size_t len : {32, 48, 63, 64, 65, 127, 128, 129, 300}) {
    Bytes secret(len);
    for (size_t i = 0; i < len; ++i) secret[i] = static_cast<uint8_t>(i ^ 0xa5);
    auto key = Key::from_secret(secret);
    ASSERT_TRUE(key.ok());
    for (Alg a : {Alg::HS256, Alg::HS384, Alg::HS512}) {
      Bytes tag(EVP_MAX_MD_SIZE);
      unsigned tag_len = 0;
      ASSERT_TRUE(HMAC(md_of(a), secret.data(), secret.size(),
                       reinterpret_cast<const uint8_t*>(kMessage.data()), kMessage.size(),
                       tag.data(), &tag_len));
      tag.resize(tag_len);
      EXPECT_EQ(crypto::verify(jve::keys::material(**key), a, kMessage, tag), Status::ok)
          << alg_name(a) << " key length " << len;
    }
  }
}

TEST(CryptoHmac, RejectsTruncatedTagEvenIfItsPrefixIsRight) {
  Bytes tag = sign(Alg::HS512, kMessage);
  tag.resize(32);  // a correct HS512 prefix of HS256's length
  EXPECT_EQ(check(Alg::HS512, kMessage, tag), Status::bad_signature);
  EXPECT_EQ(check(Alg::HS256, kMessage, tag), Status::bad_signature);
}

// ------------------------------------------------------------------- RSA

TEST(CryptoRsa, PssRejectsOtherSaltLengths) {
  for (Alg a : {Alg::PS256, Alg::PS384, Alg::PS512}) {
    Bytes d = digest(a, kMessage);
    for (int salt : {0, 20, static_cast<int>(d.size()) - 1, static_cast<int>(d.size()) + 1}) {
      Bytes sig(RSA_size(rsa_2048()));
      size_t len = 0;
      ASSERT_TRUE(RSA_sign_pss_mgf1(rsa_2048(), &len, sig.data(), sig.size(), d.data(), d.size(),
                                    md_of(a), md_of(a), salt));
      sig.resize(len);
      EXPECT_EQ(check(a, kMessage, sig), Status::bad_signature)
          << alg_name(a) << " salt " << salt;
    }
  }
}

TEST(CryptoRsa, PssRejectsOtherMgf1Hash) {
  Bytes d = digest(Alg::PS256, kMessage);
  Bytes sig(RSA_size(rsa_2048()));
  size_t len = 0;
  ASSERT_TRUE(RSA_sign_pss_mgf1(rsa_2048(), &len, sig.data(), sig.size(), d.data(), d.size(),
                                EVP_sha256(), EVP_sha1(), 32));
  sig.resize(len);
  EXPECT_EQ(check(Alg::PS256, kMessage, sig), Status::bad_signature);
}

TEST(CryptoRsa, Pkcs1AndPssAreNotInterchangeable) {
  EXPECT_EQ(crypto::verify(jve::keys::material(*key_for(Alg::RS256)), Alg::RS256, kMessage, sign(Alg::PS256, kMessage)),
            Status::bad_signature);
  // key_for(PS256) is pinned to PS256; use the unpinned JWK key for PS256.
  EXPECT_EQ(crypto::verify(jve::keys::material(*key_for(Alg::RS256)), Alg::PS256, kMessage, sign(Alg::RS256, kMessage)),
            Status::bad_signature);
  // Same key, other hash.
  EXPECT_EQ(crypto::verify(jve::keys::material(*key_for(Alg::RS256)), Alg::RS384, kMessage, sign(Alg::RS256, kMessage)),
            Status::bad_signature);
}

TEST(CryptoRsa, RejectsSignatureNotBelowModulus) {
  // s = n is the same length as a valid signature but out of range.
  Bytes n(256);
  ASSERT_TRUE(BN_bn2bin_padded(n.data(), n.size(), RSA_get0_n(rsa_2048())));
  EXPECT_EQ(check(Alg::RS256, kMessage, n), Status::bad_signature);
}

TEST(CryptoRsa, RejectsEdgeValuesOfS) {
  // 0, 1 and n - 1 are below n: they reach the padding checks and fail there;
  // all ones is above n.
  const size_t k = RSA_size(rsa_2048());
  Bytes n_minus_1(k);
  bssl::UniquePtr<BIGNUM> v(BN_dup(RSA_get0_n(rsa_2048())));
  ASSERT_TRUE(BN_sub_word(v.get(), 1));
  ASSERT_TRUE(BN_bn2bin_padded(n_minus_1.data(), k, v.get()));
  Bytes one(k, 0);
  one[k - 1] = 1;
  for (Alg a : {Alg::RS256, Alg::PS256, Alg::PS512}) {
    for (const Bytes& sig : {Bytes(k, 0), one, n_minus_1, Bytes(k, 0xff)}) {
      EXPECT_EQ(check(a, kMessage, sig), Status::bad_signature) << alg_name(a);
    }
  }
}

TEST(CryptoRsa, OneThreadVerifiesWithModuliOfSeveralSizesInTurn) {
  // The thread's BN_CTX grows to the largest modulus it has seen; smaller
  // and larger keys in turn must all verify, and forgeries fail, on it.
  std::vector<bssl::UniquePtr<RSA>> keys;
  std::vector<std::unique_ptr<crypto::KeyMaterial>> materials;
  for (int bits : {2048, 1024, 3072}) {  // prepare_rsa has no minimum; the loaders do
    bssl::UniquePtr<RSA> r(RSA_new());
    bssl::UniquePtr<BIGNUM> e(BN_new());
    ASSERT_TRUE(BN_set_word(e.get(), RSA_F4));
    ASSERT_TRUE(RSA_generate_key_ex(r.get(), bits, e.get(), nullptr));
    auto m = std::make_unique<crypto::KeyMaterial>();
    ASSERT_EQ(crypto::prepare_rsa(bssl::UniquePtr<RSA>(RSAPublicKey_dup(r.get())), *m), Status::ok);
    keys.push_back(std::move(r));
    materials.push_back(std::move(m));
  }
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < keys.size(); ++i) {
      for (Alg a : {Alg::RS384, Alg::PS256}) {
        const Bytes d = digest(a, kMessage);
        Bytes sig(RSA_size(keys[i].get()));
        size_t len = 0;
        if (a == Alg::RS384) {
          unsigned ulen = 0;
          ASSERT_TRUE(RSA_sign(NID_sha384, d.data(), d.size(), sig.data(), &ulen, keys[i].get()));
          len = ulen;
        } else {
          ASSERT_TRUE(RSA_sign_pss_mgf1(keys[i].get(), &len, sig.data(), sig.size(), d.data(),
                                        d.size(), md_of(a), md_of(a), static_cast<int>(d.size())));
        }
        sig.resize(len);
        SCOPED_TRACE(std::string(alg_name(a)) + " " + std::to_string(sig.size() * 8) + " bits");
        EXPECT_EQ(crypto::verify(*materials[i], a, kMessage, sig), Status::ok);
        sig[sig.size() / 2] ^= 0x10;
        EXPECT_EQ(crypto::verify(*materials[i], a, kMessage, sig), Status::bad_signature);
      }
    }
  }
}

// ----------------------------------------------------------------- ECDSA

class CryptoEcdsa : public testing::TestWithParam<Alg> {};
INSTANTIATE_TEST_SUITE_P(AllCurves, CryptoEcdsa,
                         testing::Values(Alg::ES256, Alg::ES384, Alg::ES512),
                         alg_param_name);

Bytes order_bytes(Alg a) {
  Bytes n(order_len(a));
  EXPECT_TRUE(BN_bn2bin_padded(n.data(), n.size(), EC_GROUP_get0_order(EC_KEY_get0_group(ec_for(a)))));
  return n;
}

TEST_P(CryptoEcdsa, RejectsROrSOutOfRange) {
  const Alg a = GetParam();
  const size_t n_len = order_len(a);
  const Bytes sig = sign(a, kMessage);
  const Bytes n = order_bytes(a);
  auto with_r = [&](const Bytes& r) {
    Bytes out = sig;
    std::copy(r.begin(), r.end(), out.begin());
    return out;
  };
  auto with_s = [&](const Bytes& s) {
    Bytes out = sig;
    std::copy(s.begin(), s.end(), out.begin() + n_len);
    return out;
  };
  const Bytes zero(n_len, 0), ones(n_len, 0xff);
  EXPECT_EQ(check(a, kMessage, with_r(zero)), Status::bad_signature) << "r = 0";
  EXPECT_EQ(check(a, kMessage, with_s(zero)), Status::bad_signature) << "s = 0";
  EXPECT_EQ(check(a, kMessage, with_r(n)), Status::bad_signature) << "r = n";
  EXPECT_EQ(check(a, kMessage, with_s(n)), Status::bad_signature) << "s = n";
  EXPECT_EQ(check(a, kMessage, with_r(ones)), Status::bad_signature) << "r > n";
  EXPECT_EQ(check(a, kMessage, with_s(ones)), Status::bad_signature) << "s > n";
  // r + n and s + n: the same residues, not the same integers.
  bssl::UniquePtr<BIGNUM> r(BN_bin2bn(sig.data(), n_len, nullptr));
  bssl::UniquePtr<BIGNUM> order(BN_bin2bn(n.data(), n_len, nullptr));
  ASSERT_TRUE(BN_add(r.get(), r.get(), order.get()));
  if (static_cast<size_t>(BN_num_bytes(r.get())) <= n_len) {
    Bytes r_plus_n(n_len);
    ASSERT_TRUE(BN_bn2bin_padded(r_plus_n.data(), n_len, r.get()));
    EXPECT_EQ(check(a, kMessage, with_r(r_plus_n)), Status::bad_signature) << "r + n";
  }
}

TEST_P(CryptoEcdsa, RejectsDerSignature) {
  const Alg a = GetParam();
  bssl::UniquePtr<ECDSA_SIG> parsed;
  const Bytes raw = ecdsa_raw(a, kMessage, &parsed);
  ASSERT_EQ(check(a, kMessage, raw), Status::ok);
  uint8_t* der = nullptr;
  size_t der_len = 0;
  ASSERT_TRUE(ECDSA_SIG_to_bytes(&der, &der_len, parsed.get()));
  bssl::UniquePtr<uint8_t> owned(der);
  EXPECT_EQ(check(a, kMessage, Bytes(der, der + der_len)), Status::bad_signature);
  // Even padded to the raw length, DER is not r||s.
  Bytes padded(der, der + der_len);
  padded.resize(raw.size(), 0);
  EXPECT_EQ(check(a, kMessage, padded), Status::bad_signature);
}

TEST_P(CryptoEcdsa, AcceptsHighS) {
  // (r, n - s) is as valid as (r, s): JWS (RFC 7518 §3.4) has no low-S rule,
  // unlike Bitcoin.
  const Alg a = GetParam();
  const size_t n_len = order_len(a);
  const Bytes sig = sign(a, kMessage);
  bssl::UniquePtr<BIGNUM> s(BN_bin2bn(sig.data() + n_len, n_len, nullptr));
  bssl::UniquePtr<BIGNUM> flipped(BN_new());
  ASSERT_TRUE(BN_sub(flipped.get(), EC_GROUP_get0_order(EC_KEY_get0_group(ec_for(a))), s.get()));
  Bytes other = sig;
  ASSERT_TRUE(BN_bn2bin_padded(other.data() + n_len, n_len, flipped.get()));
  EXPECT_EQ(check(a, kMessage, other), Status::ok);
}

TEST_P(CryptoEcdsa, RejectsSwappedRAndS) {
  const Alg a = GetParam();
  const size_t n_len = order_len(a);
  const Bytes sig = sign(a, kMessage);
  Bytes swapped(sig.begin() + n_len, sig.end());
  swapped.insert(swapped.end(), sig.begin(), sig.begin() + n_len);
  EXPECT_EQ(check(a, kMessage, swapped), Status::bad_signature);
}

// ---------------------------------------------------------------- EdDSA

TEST(CryptoEd25519, RejectsNonCanonicalS) {
  // S + L verifies under a lax implementation; RFC 8032 §5.1.7 requires
  // S < L, which BoringSSL enforces.
  Bytes sig = sign(Alg::EdDSA, kMessage);
  static const uint8_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                 0,    0,    0,    0,    0,    0,    0,    0,
                                 0,    0,    0,    0,    0,    0,    0,    0x10};
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {  // little-endian add
    unsigned v = sig[32 + i] + kL[i] + carry;
    sig[32 + i] = static_cast<uint8_t>(v);
    carry = v >> 8;
  }
  ASSERT_EQ(carry, 0u);
  EXPECT_EQ(check(Alg::EdDSA, kMessage, sig), Status::bad_signature);
}

// ------------------------------------------- Ed25519 keys load refuses

namespace forgery = ed25519_forgery;

// reduced_hash_mod returns (SHA-512(R || A || M) mod L) mod |d|, the k of
// RFC 8032 §5.1.7 reduced as BoringSSL reduces it, then modulo the order.
unsigned reduced_hash_mod(std::string_view msg, const forgery::PublicKey& pub, unsigned d) {
  const std::array<uint8_t, 64> sig = forgery::forged_signature();
  SHA512_CTX ctx;
  SHA512_Init(&ctx);
  SHA512_Update(&ctx, sig.data(), 32);
  SHA512_Update(&ctx, pub.data(), pub.size());
  SHA512_Update(&ctx, msg.data(), msg.size());
  uint8_t h[SHA512_DIGEST_LENGTH];
  SHA512_Final(h, &ctx);
  // L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1).
  BIGNUM* l = nullptr;
  EXPECT_TRUE(BN_hex2bn(&l, "1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed"));
  bssl::UniquePtr<BIGNUM> order(l), k(BN_le2bn(h, sizeof(h), nullptr));
  bssl::UniquePtr<BN_CTX> bn_ctx(BN_CTX_new());
  EXPECT_TRUE(k && BN_mod(k.get(), k.get(), order.get(), bn_ctx.get()));
  return static_cast<unsigned>(BN_mod_word(k.get(), d));
}

TEST(Ed25519KeyFlaw, TableMatchesForgeriesBoringSslAccepts) {
  // The forged signature verifies exactly when [k]A is the identity, i.e.
  // when the point's order divides k: every message for the identity, one
  // in d for order d. Checked message by message, so an entry with a wrong
  // order (or an ordinary point, for which no message works) fails.
  for (const forgery::FlawedKey& key : forgery::flawed_keys()) {
    SCOPED_TRACE(std::string(key.name));
    int accepted = 0;
    for (int i = 0; i < 256; ++i) {
      const std::string msg = "message " + std::to_string(i);
      const bool forged = forgery::boringssl_accepts(msg, key.pub);
      EXPECT_EQ(forged, reduced_hash_mod(msg, key.pub, static_cast<unsigned>(key.order)) == 0) << msg;
      accepted += forged;
    }
    EXPECT_GT(accepted, 256 / key.order / 2);
  }
}

TEST(Ed25519KeyFlaw, FlagsEveryListedEncoding) {
  for (const forgery::FlawedKey& key : forgery::flawed_keys()) {
    EXPECT_EQ(crypto::ed25519_key_flaw(key.pub), key.status == Status::weak_key
                                                     ? crypto::Ed25519KeyFlaw::small_order
                                                     : crypto::Ed25519KeyFlaw::non_canonical)
        << key.name;
    crypto::KeyMaterial m;
    EXPECT_EQ(crypto::prepare_ed25519(key.pub, m), key.status) << key.name;
    EXPECT_EQ(m.family, crypto::Family::none) << key.name;
  }
}

TEST(Ed25519KeyFlaw, FlagsEveryEncodingOfYAtLeastP) {
  // y = p + v for v in [0, 19) are the only 255-bit values >= p; each is
  // refused with either sign bit, whatever point y mod p would give.
  forgery::PublicKey y = forgery::from_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  for (uint8_t v = 0; v < 19; ++v, ++y[0]) {
    for (int sign : {0x00, 0x80}) {
      forgery::PublicKey k = y;
      k[31] = static_cast<uint8_t>(k[31] | sign);
      EXPECT_EQ(crypto::ed25519_key_flaw(k), crypto::Ed25519KeyFlaw::non_canonical)
          << "p + " << int{v} << " sign " << sign;
    }
  }
  EXPECT_EQ(y[0], 0x00);  // wrapped: y ran up to 2^255 - 1
}

TEST(Ed25519KeyFlaw, PassesOrdinaryKeys) {
  // RFC 8037 §A.2 (RFC 8032 §7.1 test 1).
  const forgery::PublicKey rfc8037 =
      forgery::from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(crypto::ed25519_key_flaw(rfc8037), crypto::Ed25519KeyFlaw::none);
  for (int i = 0; i < 1000; ++i) {
    forgery::PublicKey pub;
    uint8_t priv[64];
    ED25519_keypair(pub.data(), priv);
    ASSERT_EQ(crypto::ed25519_key_flaw(pub), crypto::Ed25519KeyFlaw::none) << i;
  }
  // The neighbours of the listed y values that are not themselves listed:
  // y = 2 .. 18, and p - 2 (p - 1 is the order-2 point).
  forgery::PublicKey small{};
  for (uint8_t v = 2; v < 19; ++v) {
    small[0] = v;
    EXPECT_EQ(crypto::ed25519_key_flaw(small), crypto::Ed25519KeyFlaw::none) << int{v};
  }
  EXPECT_EQ(crypto::ed25519_key_flaw(
                forgery::from_hex("ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")),
            crypto::Ed25519KeyFlaw::none);
}

// ------------------------------------------------------------ threading

TEST(CryptoVerify, SharedKeysVerifyFromManyThreads) {
  // Keys are immutable after loading: concurrent verifies need no locking
  // (run under TSan to check).
  std::vector<Alg> algs = {Alg::HS256, Alg::RS256, Alg::PS256, Alg::ES256, Alg::EdDSA};
  std::map<Alg, Bytes> sigs;
  for (Alg a : algs) sigs[a] = sign(a, kMessage);
  // key_for() fills a plain static cache on first use: fill it before the
  // threads start, so they only read it.
  for (Alg a : algs) ASSERT_TRUE(key_for(a));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        for (Alg a : algs) {
          if (check(a, kMessage, sigs.at(a)) != Status::ok) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace jve
