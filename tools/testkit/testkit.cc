// testkit.cc: see testkit.h. Signing is done with BoringSSL's low-level
// calls (HMAC, RSA_sign, RSA_sign_pss_mgf1, ECDSA_do_sign, EVP for Ed25519)
// so each JWS rule is visible here rather than hidden behind EVP defaults.
#include "testkit.h"

#include <cinttypes>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "jve/base64url.h"

namespace jve::testkit {
namespace {

enum class Family { hmac, rsa_pkcs1, rsa_pss, ecdsa, eddsa };

Family family(Alg alg) {
  switch (alg) {
    case Alg::HS256: case Alg::HS384: case Alg::HS512: return Family::hmac;
    case Alg::RS256: case Alg::RS384: case Alg::RS512: return Family::rsa_pkcs1;
    case Alg::PS256: case Alg::PS384: case Alg::PS512: return Family::rsa_pss;
    case Alg::ES256: case Alg::ES384: case Alg::ES512: return Family::ecdsa;
    case Alg::EdDSA: return Family::eddsa;
  }
  throw std::runtime_error("testkit: unknown alg");
}

// hash_md is the SHA-2 function of |alg| (null for EdDSA, which hashes
// internally).
const EVP_MD* hash_md(Alg alg) {
  switch (alg) {
    case Alg::HS256: case Alg::RS256: case Alg::PS256: case Alg::ES256: return EVP_sha256();
    case Alg::HS384: case Alg::RS384: case Alg::PS384: case Alg::ES384: return EVP_sha384();
    case Alg::HS512: case Alg::RS512: case Alg::PS512: case Alg::ES512: return EVP_sha512();
    case Alg::EdDSA: return nullptr;
  }
  return nullptr;
}

int curve_nid(Alg alg) {
  switch (alg) {
    case Alg::ES256: return NID_X9_62_prime256v1;
    case Alg::ES384: return NID_secp384r1;
    case Alg::ES512: return NID_secp521r1;
    default: return NID_undef;
  }
}

const char* curve_name(Alg alg) {
  switch (alg) {
    case Alg::ES256: return "P-256";
    case Alg::ES384: return "P-384";
    case Alg::ES512: return "P-521";
    default: return "";
  }
}

// ec_field_len is the fixed width of one coordinate and of r and s: 32, 48,
// 66 bytes (RFC 7518 §3.4, §6.2.1.2).
size_t ec_field_len(Alg alg) {
  switch (alg) {
    case Alg::ES256: return 32;
    case Alg::ES384: return 48;
    case Alg::ES512: return 66;
    default: return 0;
  }
}

[[noreturn]] void fail(const char* what) {
  char buf[256];
  uint32_t err = ERR_get_error();
  ERR_error_string_n(err, buf, sizeof(buf));
  ERR_clear_error();
  throw std::runtime_error(std::string("testkit: ") + what + (err ? std::string(": ") + buf : ""));
}

std::shared_ptr<EVP_PKEY> share(EVP_PKEY* pkey) {
  if (pkey == nullptr) fail("no key");
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

std::string b64(std::span<const uint8_t> bytes) { return base64url::encode(bytes); }

std::string b64_bn(const BIGNUM* bn, size_t width = 0) {
  size_t len = width ? width : BN_num_bytes(bn);
  std::vector<uint8_t> out(len);
  if (!BN_bn2bin_padded(out.data(), out.size(), bn)) fail("BN_bn2bin_padded");
  return b64(out);
}


std::string pem_block(std::string_view label, std::span<const uint8_t> der) {
  size_t b64_len = 0;
  if (!EVP_EncodedLength(&b64_len, der.size())) fail("EVP_EncodedLength");
  std::string text(b64_len, '\0');
  size_t n = EVP_EncodeBlock(reinterpret_cast<uint8_t*>(text.data()), der.data(), der.size());
  text.resize(n);
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (size_t i = 0; i < text.size(); i += 64) {
    out.append(text, i, 64);
    out += '\n';
  }
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

template <class Marshal>
std::string marshal_pem(std::string_view label, Marshal marshal) {
  bssl::ScopedCBB cbb;
  uint8_t* der = nullptr;
  size_t der_len = 0;
  if (!CBB_init(cbb.get(), 256) || !marshal(cbb.get()) || !CBB_finish(cbb.get(), &der, &der_len)) {
    fail("marshal key");
  }
  bssl::UniquePtr<uint8_t> owned(der);
  return pem_block(label, std::span<const uint8_t>(der, der_len));
}

bool key_fits(Alg alg, const EVP_PKEY* pkey) {
  switch (family(alg)) {
    case Family::hmac: return false;
    case Family::rsa_pkcs1:
    case Family::rsa_pss: return EVP_PKEY_id(pkey) == EVP_PKEY_RSA;
    case Family::ecdsa: {
      if (EVP_PKEY_id(pkey) != EVP_PKEY_EC) return false;
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey);
      return EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)) == curve_nid(alg);
    }
    case Family::eddsa: return EVP_PKEY_id(pkey) == EVP_PKEY_ED25519;
  }
  return false;
}

std::string jwk(const SigningKey& key, bool with_alg, bool with_private) {
  std::string j = "{";
  switch (family(key.alg)) {
    case Family::hmac: add_member(j, "kty", "\"oct\""); break;
    case Family::rsa_pkcs1:
    case Family::rsa_pss: add_member(j, "kty", "\"RSA\""); break;
    case Family::ecdsa: add_member(j, "kty", "\"EC\""); break;
    case Family::eddsa: add_member(j, "kty", "\"OKP\""); break;
  }
  if (!key.kid.empty()) add_member(j, "kid", json_string(key.kid));
  add_member(j, "use", "\"sig\"");
  if (with_alg) add_member(j, "alg", json_string(alg_name(key.alg)));
  auto str = [](const std::string& s) { return "\"" + s + "\""; };  // base64url needs no escaping
  switch (family(key.alg)) {
    case Family::hmac: {
      std::vector<uint8_t> secret = key.secret();
      add_member(j, "k", str(b64(secret)));
      break;
    }
    case Family::rsa_pkcs1:
    case Family::rsa_pss: {
      const RSA* rsa = EVP_PKEY_get0_RSA(key.pkey());
      add_member(j, "n", str(b64_bn(RSA_get0_n(rsa))));
      add_member(j, "e", str(b64_bn(RSA_get0_e(rsa))));
      if (with_private) {
        add_member(j, "d", str(b64_bn(RSA_get0_d(rsa))));
        add_member(j, "p", str(b64_bn(RSA_get0_p(rsa))));
        add_member(j, "q", str(b64_bn(RSA_get0_q(rsa))));
        add_member(j, "dp", str(b64_bn(RSA_get0_dmp1(rsa))));
        add_member(j, "dq", str(b64_bn(RSA_get0_dmq1(rsa))));
        add_member(j, "qi", str(b64_bn(RSA_get0_iqmp(rsa))));
      }
      break;
    }
    case Family::ecdsa: {
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key.pkey());
      bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
      if (!x || !y ||
          !EC_POINT_get_affine_coordinates_GFp(EC_KEY_get0_group(ec), EC_KEY_get0_public_key(ec),
                                               x.get(), y.get(), nullptr)) {
        fail("EC_POINT_get_affine_coordinates_GFp");
      }
      size_t width = ec_field_len(key.alg);
      add_member(j, "crv", json_string(curve_name(key.alg)));
      add_member(j, "x", str(b64_bn(x.get(), width)));
      add_member(j, "y", str(b64_bn(y.get(), width)));
      if (with_private) add_member(j, "d", str(b64_bn(EC_KEY_get0_private_key(ec), width)));
      break;
    }
    case Family::eddsa: {
      uint8_t raw[32];
      size_t len = sizeof(raw);
      if (!EVP_PKEY_get_raw_public_key(key.pkey(), raw, &len)) fail("EVP_PKEY_get_raw_public_key");
      add_member(j, "crv", "\"Ed25519\"");
      add_member(j, "x", str(b64(std::span<const uint8_t>(raw, len))));
      if (with_private) {
        len = sizeof(raw);
        if (!EVP_PKEY_get_raw_private_key(key.pkey(), raw, &len)) {
          fail("EVP_PKEY_get_raw_private_key");
        }
        add_member(j, "d", str(b64(std::span<const uint8_t>(raw, len))));
        OPENSSL_cleanse(raw, sizeof(raw));
      }
      break;
    }
  }
  j += '}';
  return j;
}

std::vector<uint8_t> digest(const EVP_MD* md, std::string_view in) {
  std::vector<uint8_t> out(EVP_MD_size(md));
  unsigned out_len = 0;
  if (!EVP_Digest(in.data(), in.size(), out.data(), &out_len, md, nullptr)) fail("EVP_Digest");
  out.resize(out_len);
  return out;
}

}  // namespace

std::string SigningKey::public_jwk(bool with_alg) const { return jwk(*this, with_alg, false); }
std::string SigningKey::private_jwk(bool with_alg) const { return jwk(*this, with_alg, true); }

std::string SigningKey::public_pem() const {
  if (!pkey_) return {};
  return marshal_pem("PUBLIC KEY", [&](CBB* cbb) { return EVP_marshal_public_key(cbb, pkey_.get()); });
}

std::string SigningKey::private_pem() const {
  if (!pkey_) return {};
  return marshal_pem("PRIVATE KEY",
                     [&](CBB* cbb) { return EVP_marshal_private_key(cbb, pkey_.get()); });
}

SigningKey generate_key(Alg alg, std::string kid, int rsa_bits) {
  SigningKey key;
  key.alg = alg;
  key.kid = std::move(kid);
  switch (family(alg)) {
    case Family::hmac: {
      key.secret_.resize(EVP_MD_size(hash_md(alg)));
      RAND_bytes(key.secret_.data(), key.secret_.size());
      break;
    }
    case Family::rsa_pkcs1:
    case Family::rsa_pss: {
      bssl::UniquePtr<RSA> rsa(RSA_new());
      bssl::UniquePtr<BIGNUM> e(BN_new());
      if (!rsa || !e || !BN_set_word(e.get(), RSA_F4) ||
          !RSA_generate_key_ex(rsa.get(), rsa_bits, e.get(), nullptr)) {
        fail("RSA_generate_key_ex");
      }
      key.pkey_ = share(EVP_PKEY_new());
      if (!EVP_PKEY_assign_RSA(key.pkey_.get(), rsa.release())) fail("EVP_PKEY_assign_RSA");
      break;
    }
    case Family::ecdsa: {
      bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(curve_nid(alg)));
      if (!ec || !EC_KEY_generate_key(ec.get())) fail("EC_KEY_generate_key");
      key.pkey_ = share(EVP_PKEY_new());
      if (!EVP_PKEY_assign_EC_KEY(key.pkey_.get(), ec.release())) fail("EVP_PKEY_assign_EC_KEY");
      break;
    }
    case Family::eddsa: {
      uint8_t seed[32];
      RAND_bytes(seed, sizeof(seed));
      key.pkey_ = share(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, sizeof(seed)));
      OPENSSL_cleanse(seed, sizeof(seed));
      break;
    }
  }
  return key;
}

std::optional<SigningKey> load_private_key_pem(Alg alg, std::string_view pem, std::string kid) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::nullopt;
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  if (raw == nullptr) return std::nullopt;
  SigningKey key;
  key.alg = alg;
  key.kid = std::move(kid);
  key.pkey_ = share(raw);
  if (!key_fits(alg, raw)) return std::nullopt;
  return key;
}

std::optional<SigningKey> key_from_secret(Alg alg, std::span<const uint8_t> secret,
                                          std::string kid) {
  if (family(alg) != Family::hmac) return std::nullopt;
  SigningKey key;
  key.alg = alg;
  key.kid = std::move(kid);
  key.secret_.assign(secret.begin(), secret.end());
  return key;
}

std::vector<uint8_t> sign_bytes(const SigningKey& key, std::string_view input) {
  const Alg alg = key.alg;
  const EVP_MD* md = hash_md(alg);
  if (family(alg) == Family::hmac) {
    std::vector<uint8_t> secret = key.secret();
    if (secret.empty()) throw std::runtime_error("testkit: HMAC key without secret");
    std::vector<uint8_t> tag(EVP_MAX_MD_SIZE);
    unsigned tag_len = 0;
    if (!HMAC(md, secret.data(), secret.size(), reinterpret_cast<const uint8_t*>(input.data()),
              input.size(), tag.data(), &tag_len)) {
      fail("HMAC");
    }
    tag.resize(tag_len);
    return tag;
  }
  if (key.pkey() == nullptr || !key_fits(alg, key.pkey())) {
    throw std::runtime_error("testkit: key does not fit " + std::string(alg_name(alg)));
  }
  switch (family(alg)) {
    case Family::hmac: break;  // handled above
    case Family::rsa_pkcs1: {
      RSA* rsa = EVP_PKEY_get0_RSA(key.pkey());
      std::vector<uint8_t> h = digest(md, input);
      std::vector<uint8_t> sig(RSA_size(rsa));
      unsigned sig_len = 0;
      if (!RSA_sign(EVP_MD_type(md), h.data(), h.size(), sig.data(), &sig_len, rsa)) {
        fail("RSA_sign");
      }
      sig.resize(sig_len);
      return sig;
    }
    case Family::rsa_pss: {
      RSA* rsa = EVP_PKEY_get0_RSA(key.pkey());
      std::vector<uint8_t> h = digest(md, input);
      std::vector<uint8_t> sig(RSA_size(rsa));
      size_t sig_len = 0;
      // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash (-1).
      if (!RSA_sign_pss_mgf1(rsa, &sig_len, sig.data(), sig.size(), h.data(), h.size(), md,
                             nullptr, -1)) {
        fail("RSA_sign_pss_mgf1");
      }
      sig.resize(sig_len);
      return sig;
    }
    case Family::ecdsa: {
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key.pkey());
      std::vector<uint8_t> h = digest(md, input);
      bssl::UniquePtr<ECDSA_SIG> s(ECDSA_do_sign(h.data(), h.size(), ec));
      if (!s) fail("ECDSA_do_sign");
      // JWS wants raw r||s, each left-padded to the field width (RFC 7518
      // §3.4), not the DER ECDSA-Sig-Value BoringSSL produces.
      const size_t width = ec_field_len(alg);
      std::vector<uint8_t> sig(2 * width);
      if (!BN_bn2bin_padded(sig.data(), width, s->r) ||
          !BN_bn2bin_padded(sig.data() + width, width, s->s)) {
        fail("BN_bn2bin_padded");
      }
      return sig;
    }
    case Family::eddsa: {
      bssl::ScopedEVP_MD_CTX ctx;
      std::vector<uint8_t> sig(64);
      size_t sig_len = sig.size();
      if (!EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.pkey()) ||
          !EVP_DigestSign(ctx.get(), sig.data(), &sig_len,
                          reinterpret_cast<const uint8_t*>(input.data()), input.size())) {
        fail("Ed25519 sign");
      }
      sig.resize(sig_len);
      return sig;
    }
  }
  throw std::runtime_error("testkit: unreachable");
}

std::string sign_raw_segments(const SigningKey& key, std::string_view header_b64,
                              std::string_view payload_b64) {
  std::string token;
  token.reserve(header_b64.size() + payload_b64.size() + 2 + 700);
  token.append(header_b64);
  token += '.';
  token.append(payload_b64);
  std::vector<uint8_t> sig = sign_bytes(key, token);
  token += '.';
  token += b64(sig);
  return token;
}

std::string sign(const SigningKey& key, std::string_view header, std::string_view payload) {
  return sign_raw_segments(key, base64url::encode(header), base64url::encode(payload));
}

std::string jwks(const std::vector<const SigningKey*>& keys, bool with_alg) {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ',';
    out += keys[i]->public_jwk(with_alg);
  }
  out += "]}";
  return out;
}

std::string jwks(std::initializer_list<const SigningKey*> keys, bool with_alg) {
  return jwks(std::vector<const SigningKey*>(keys), with_alg);
}

std::string jwks(const std::vector<SigningKey>& keys, bool with_alg) {
  std::vector<const SigningKey*> ptrs;
  ptrs.reserve(keys.size());
  for (const SigningKey& k : keys) ptrs.push_back(&k);
  return jwks(ptrs, with_alg);
}

std::string header_json(Alg alg, std::string_view kid, std::string_view typ) {
  return header_text(alg_name(alg), kid, typ);
}



std::vector<Alg> all_algs() {
  std::vector<Alg> out;
  for (int i = 0; i < kNumAlgs; ++i) out.push_back(static_cast<Alg>(i));
  return out;
}

std::string tamper_signature(std::string token) {
  const size_t dot = token.rfind('.');
  if (dot == std::string::npos || dot + 1 >= token.size()) return token + "A";
  const size_t i = dot + 1 + (token.size() - dot - 1) / 2;
  token[i] = token[i] == 'A' ? 'B' : 'A';
  return token;
}

}  // namespace jve::testkit
