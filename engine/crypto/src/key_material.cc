// Load-time preparation of KeyMaterial (cold path: allocation is fine here).
#include "crypto/key_material.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

#include <cstring>

namespace jve::crypto {

KeyMaterial::~KeyMaterial() {
  // The pad states are as good as the key for forging tags: wipe them.
  OPENSSL_cleanse(&hs256, sizeof(hs256));
  OPENSSL_cleanse(&hs384, sizeof(hs384));
  OPENSSL_cleanse(&hs512, sizeof(hs512));
}

namespace {

// One hash, as the functions BoringSSL's low-level SHA API offers for it.
template <class Ctx, size_t kBlockLen, size_t kDigestLen>
struct Hash {
  int (*init)(Ctx*);
  int (*update)(Ctx*, const void*, size_t);
  int (*final)(uint8_t*, Ctx*);
};

template <class Ctx, size_t kBlockLen, size_t kDigestLen>
void make_pads(const Hash<Ctx, kBlockLen, kDigestLen>& h, std::span<const uint8_t> key,
               HmacPads<Ctx>& out) {
  static_assert(kDigestLen <= kBlockLen);
  // RFC 2104 §2: a key longer than the block is replaced by its hash; a
  // shorter one is padded with zeros to the block length.
  uint8_t block[kBlockLen] = {};
  if (key.size() > kBlockLen) {
    Ctx c;
    h.init(&c);
    h.update(&c, key.data(), key.size());
    h.final(block, &c);
    OPENSSL_cleanse(&c, sizeof(c));
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  uint8_t pad[kBlockLen];
  for (size_t i = 0; i < kBlockLen; ++i) pad[i] = block[i] ^ 0x36;
  h.init(&out.inner);
  h.update(&out.inner, pad, kBlockLen);
  for (size_t i = 0; i < kBlockLen; ++i) pad[i] = block[i] ^ 0x5c;
  h.init(&out.outer);
  h.update(&out.outer, pad, kBlockLen);
  OPENSSL_cleanse(block, sizeof(block));
  OPENSSL_cleanse(pad, sizeof(pad));
}

constexpr Hash<SHA256_CTX, SHA256_CBLOCK, SHA256_DIGEST_LENGTH> kSha256{
    SHA256_Init, SHA256_Update, SHA256_Final};
constexpr Hash<SHA512_CTX, SHA512_CBLOCK, SHA384_DIGEST_LENGTH> kSha384{
    SHA384_Init, SHA384_Update, SHA384_Final};
constexpr Hash<SHA512_CTX, SHA512_CBLOCK, SHA512_DIGEST_LENGTH> kSha512{
    SHA512_Init, SHA512_Update, SHA512_Final};

}  // namespace

Family family_of(Alg alg) noexcept {
  switch (alg) {
    case Alg::HS256: case Alg::HS384: case Alg::HS512:
      return Family::hmac;
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
    case Alg::PS256: case Alg::PS384: case Alg::PS512:
      return Family::rsa;
    case Alg::ES256: return Family::ec_p256;
    case Alg::ES384: return Family::ec_p384;
    case Alg::ES512: return Family::ec_p521;
    case Alg::EdDSA:
      return Family::ed25519;
  }
  return Family::none;
}

Status prepare_hmac(std::span<const uint8_t> key, KeyMaterial& out) noexcept {
  out.family = Family::hmac;
  out.hmac_key_len = key.size();
  make_pads(kSha256, key, out.hs256);
  make_pads(kSha384, key, out.hs384);
  make_pads(kSha512, key, out.hs512);
  return Status::ok;
}

Status prepare_rsa(bssl::UniquePtr<RSA> rsa, KeyMaterial& out) noexcept {
  if (!rsa || RSA_get0_n(rsa.get()) == nullptr || RSA_get0_e(rsa.get()) == nullptr) {
    return Status::bad_key;
  }
  const size_t len = RSA_size(rsa.get());
  // BoringSSL refuses moduli over 16384 bits; the loaders report them first.
  constexpr size_t kMaxLen = 16384 / 8;
  if (len == 0 || len > kMaxLen) return Status::unsupported_key;
  // One public-key operation through BoringSSL (1^e mod n = 1, no padding)
  // runs its own public key checks (n odd, n > e, size limits), which
  // verify() does not repeat: a key it refuses is bad_key.
  uint8_t in[kMaxLen] = {}, result[kMaxLen] = {};
  in[len - 1] = 1;
  size_t result_len = 0;
  if (!RSA_verify_raw(rsa.get(), &result_len, result, len, in, len, RSA_NO_PADDING) ||
      result_len != len || result[len - 1] != 1) {
    ERR_clear_error();
    return Status::bad_key;
  }
  // The Montgomery context for n (R^2 mod n and n0), once per key, shared
  // read-only by every thread; n is public, so the variable-time setup is
  // fine.
  bssl::UniquePtr<BN_MONT_CTX> mont(BN_MONT_CTX_new_for_modulus(RSA_get0_n(rsa.get()), nullptr));
  if (!mont) {
    ERR_clear_error();
    return Status::internal_error;
  }
  out.family = Family::rsa;
  out.rsa_modulus_len = len;
  out.rsa_modulus_bits = BN_num_bits(RSA_get0_n(rsa.get()));
  out.rsa_mont = std::move(mont);
  out.rsa = std::move(rsa);
  return Status::ok;
}

Status prepare_ec(bssl::UniquePtr<EC_KEY> ec, KeyMaterial& out) noexcept {
  if (!ec) return Status::bad_key;
  const EC_GROUP* group = EC_KEY_get0_group(ec.get());
  if (group == nullptr || EC_KEY_get0_public_key(ec.get()) == nullptr) return Status::bad_key;
  Family family;
  switch (EC_GROUP_get_curve_name(group)) {
    case NID_X9_62_prime256v1: family = Family::ec_p256; break;
    case NID_secp384r1: family = Family::ec_p384; break;
    case NID_secp521r1: family = Family::ec_p521; break;
    default:
      return Status::unsupported_key;
  }
  // Point on the curve and not the point at infinity; an off-curve point is
  // the invalid-curve attack's way in, so it is refused here, once.
  if (!EC_KEY_check_key(ec.get())) {
    ERR_clear_error();
    return Status::bad_key;
  }
  const BIGNUM* order = EC_GROUP_get0_order(group);
  const size_t order_len = BN_num_bytes(order);
  if (order_len == 0 || order_len > sizeof(out.ec_order) ||
      !BN_bn2bin_padded(out.ec_order, order_len, order)) {
    ERR_clear_error();
    return Status::internal_error;
  }
  out.family = family;
  out.ec_order_len = order_len;
  out.ec = std::move(ec);
  return Status::ok;
}

namespace {

// The eight points of small order on edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2,
// RFC 8032 §5.1) have five y coordinates; each y != ±1 is shared by (x, y)
// and (-x, y), which the encoding's sign bit tells apart (RFC 8032 §5.1.2).
// With the sign bit masked, an encoding of a small-order point is one of:
//   y = 1       the identity (0, 1), order 1;
//   y = p - 1   (0, -1), order 2: x = 0 forces y^2 = 1;
//   y = 0       (±sqrt(-1), 0), order 4: with y = 0 the curve says -x^2 = 1;
//   y = ±y8     four points of order 8, those whose double is an order-4
//               point: doubling gives y' = (x^2 + y^2) / (1 - d x^2 y^2), so
//               y' = 0 when x^2 = -y^2, which on the curve means
//               d y^4 + 2 y^2 - 1 = 0, y^2 = (-1 ± sqrt(1 + d)) / d; one
//               sign gives a square, with roots y8 and p - y8 below.
// (Computed with Python integers over p = 2^255 - 19 and checked against
// BoringSSL's verifier in tests/keys_test.cc, Ed25519KeyFlaw.*.) The
// non-canonical encodings of these points (y + p, for y = 0 and y = 1 the
// only ones below 2^255) are caught by the y >= p comparison first.
struct SmallOrderY {
  uint8_t y[32];   // little-endian, sign bit clear
  bool x_is_zero;  // then the sign bit must be clear (RFC 8032 §5.1.3 step 4)
};
constexpr SmallOrderY kSmallOrderY[] = {
    {{0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
     true},
    {{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
     true},
    {{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
     false},
    {{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
      0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
     false},
    {{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
      0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
     false},
};

}  // namespace

Ed25519KeyFlaw ed25519_key_flaw(std::span<const uint8_t, 32> key) noexcept {
  // A public key is public: no need for constant time here.
  uint8_t y[32];
  std::memcpy(y, key.data(), sizeof(y));
  const bool sign = (y[31] & 0x80) != 0;
  y[31] &= 0x7f;
  // p = 2^255 - 19 is ed ff .. ff 7f little-endian, so y >= p exactly when
  // the top 254 bits are all ones and the low byte is at least 0xed.
  bool at_least_p = y[31] == 0x7f && y[0] >= 0xed;
  for (size_t i = 1; at_least_p && i < 31; ++i) at_least_p = y[i] == 0xff;
  if (at_least_p) return Ed25519KeyFlaw::non_canonical;
  for (const SmallOrderY& s : kSmallOrderY) {
    if (std::memcmp(y, s.y, sizeof(y)) != 0) continue;
    return s.x_is_zero && sign ? Ed25519KeyFlaw::non_canonical : Ed25519KeyFlaw::small_order;
  }
  return Ed25519KeyFlaw::none;
}

Status prepare_ed25519(std::span<const uint8_t, 32> key, KeyMaterial& out) noexcept {
  switch (ed25519_key_flaw(key)) {
    case Ed25519KeyFlaw::none: break;
    case Ed25519KeyFlaw::non_canonical: return Status::bad_key;
    case Ed25519KeyFlaw::small_order: return Status::weak_key;
  }
  out.family = Family::ed25519;
  std::memcpy(out.ed25519, key.data(), key.size());
  return Status::ok;
}

}  // namespace jve::crypto
