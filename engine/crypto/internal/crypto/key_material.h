// KeyMaterial: the prepared crypto state behind a jve::Key.
//
// Everything a verification needs that depends only on the key is computed
// here, once, at load time (docs/design.md "Algorithm and key"): the HMAC inner and outer hash
// states, the RSA public key with its Montgomery context already built, the
// EC public point checked on its curve, the curve order for the r/s range
// check, the Ed25519 bytes. After preparation the object is never written
// again, so any number of threads may verify with it at once.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec_key.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "jve/alg.h"
#include "jve/status.h"

namespace jve::crypto {

// HmacPads holds, for one hash, the state after absorbing (K ^ ipad) and the
// state after absorbing (K ^ opad) (RFC 2104 §2). A verification copies them
// to the stack and hashes only the message and the inner digest: no key
// schedule and no allocation per token.
template <class Ctx>
struct HmacPads {
  Ctx inner;
  Ctx outer;
};

// The kind of key a KeyMaterial holds (EC per curve: RFC 7518 §3.4 ties
// each ES alg to one curve); set by the prepare_* function that filled it,
// and checked by verify() before it touches any state.
enum class Family : uint8_t { none, hmac, rsa, ec_p256, ec_p384, ec_p521, ed25519 };

// family_of names the kind of key that verifies |alg|.
Family family_of(Alg alg) noexcept;

struct KeyMaterial {
  KeyMaterial() = default;
  ~KeyMaterial();  // wipes the HMAC states
  KeyMaterial(const KeyMaterial&) = delete;
  KeyMaterial& operator=(const KeyMaterial&) = delete;

  Family family = Family::none;

  // HMAC (kty oct). The raw key is not kept: the pad states are all a
  // verification needs. hmac_key_len is what check_strength compares with
  // the hash output length (RFC 7518 §3.2).
  size_t hmac_key_len = 0;
  HmacPads<SHA256_CTX> hs256{};
  HmacPads<SHA512_CTX> hs384{};  // SHA-384 runs on SHA512_CTX (SHA384_Init)
  HmacPads<SHA512_CTX> hs512{};

  // RSA (RS*, PS*): public key only. verify() runs s^e mod n itself with
  // BoringSSL's bignum API on rsa_mont, the Montgomery context for n built
  // at load (see prepare_rsa), and checks the padding on the stack: no
  // allocation and no lock per token (docs/design.md, stage 6).
  bssl::UniquePtr<RSA> rsa;
  bssl::UniquePtr<BN_MONT_CTX> rsa_mont;
  size_t rsa_modulus_len = 0;   // bytes; an RS*/PS* signature has exactly this many
  size_t rsa_modulus_bits = 0;  // for PSS: emBits = modBits - 1 (RFC 8017 §8.1.2)

  // EC (ES256/384/512): the public point, checked on the curve at load.
  bssl::UniquePtr<EC_KEY> ec;
  size_t ec_order_len = 0;     // bytes of the group order n: 32, 48, 66
  uint8_t ec_order[66] = {};   // n, big-endian, ec_order_len bytes, for r,s < n

  // Ed25519 (EdDSA): the public key as RFC 8032 encodes it.
  uint8_t ed25519[32] = {};
};

// The prepare_* functions build KeyMaterial from key bytes or BoringSSL
// objects that the keys/ loaders have already validated against jve's rules
// (strength, curve). They return ok, or bad_key / internal_error when
// BoringSSL refuses the key (prepare_ed25519 also weak_key: see there);
// they clear BoringSSL's error queue on failure.

// prepare_hmac computes the pad states for SHA-256, SHA-384 and SHA-512.
// Keys longer than a hash's block size are hashed first (RFC 2104 §2).
[[nodiscard]] Status prepare_hmac(std::span<const uint8_t> key, KeyMaterial& out) noexcept;

// prepare_rsa takes ownership of a public RSA key, lets BoringSSL check it
// with one public-key operation and builds the Montgomery context for n that
// verify() uses.
[[nodiscard]] Status prepare_rsa(bssl::UniquePtr<RSA> rsa, KeyMaterial& out) noexcept;

// prepare_ec takes ownership of an EC public key on P-256, P-384 or P-521,
// runs EC_KEY_check_key (point on the curve, not infinity) and records the
// group order.
[[nodiscard]] Status prepare_ec(bssl::UniquePtr<EC_KEY> ec, KeyMaterial& out) noexcept;

// Ed25519KeyFlaw says why 32 bytes are not a usable Ed25519 public key.
//   non_canonical: not the one encoding RFC 8032 §5.1.3 decodes: y >= p, or
//     x = 0 (y = 1 or y = p - 1) with the sign bit set. BoringSSL's decoder
//     reduces such bytes mod p instead of refusing them.
//   small_order: one of the eight points of order 1, 2, 4 or 8. [8]A is the
//     identity, so [k]A for the hash k of a message is the identity for
//     about 1 message in ord(A), and the signature (R = identity, S = 0)
//     then verifies: anyone can forge tokens for such a key without a
//     private key (for the identity, every message).
// Points off the curve are not flagged: BoringSSL's ED25519_verify refuses
// every signature for them, so they cannot be forged against.
enum class Ed25519KeyFlaw : uint8_t { none, non_canonical, small_order };

// ed25519_key_flaw classifies |key| with a comparison against p and a table
// of the small-order encodings; no curve arithmetic. Load time only.
Ed25519KeyFlaw ed25519_key_flaw(std::span<const uint8_t, 32> key) noexcept;

// prepare_ed25519 copies the 32-byte public key. A key ed25519_key_flaw
// flags is refused (bad_key when non_canonical, weak_key when small_order),
// so no KeyMaterial ever holds a key anyone can forge signatures for.
[[nodiscard]] Status prepare_ed25519(std::span<const uint8_t, 32> key, KeyMaterial& out) noexcept;

}  // namespace jve::crypto
