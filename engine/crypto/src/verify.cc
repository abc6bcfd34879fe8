// Stage 6 of the verify path: signature verification with prepared keys.
//
// Hot path: nothing here allocates in jve's own code. Hashes run on stack
// contexts; the key-dependent state was computed at load (key_material.cc).
// What BoringSSL allocates inside the calls below is listed in
// tests/crypto_test.cc (CryptoAllocations).
#include "crypto/verify.h"

#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <cstring>

#include "crypto/key_material.h"

namespace jve::crypto {

namespace {


// HMAC with precomputed pads: copy the inner state, absorb the message,
// finish; copy the outer state, absorb the inner digest, finish. Same result
// as HMAC(), without redoing the key schedule for every token.
template <class Ctx, size_t kDigestLen>
Status verify_hmac(const HmacPads<Ctx>& pads, int (*update)(Ctx*, const void*, size_t),
                   int (*final)(uint8_t*, Ctx*), std::string_view msg,
                   std::span<const uint8_t> sig) noexcept {
  // RFC 7518 §3.2: the JWS signature is the full HMAC output; a truncated
  // tag is not a shorter valid one.
  if (sig.size() != kDigestLen) return Status::bad_signature;
  uint8_t tag[kDigestLen];
  Ctx ctx = pads.inner;
  update(&ctx, msg.data(), msg.size());
  final(tag, &ctx);
  ctx = pads.outer;
  update(&ctx, tag, kDigestLen);
  final(tag, &ctx);
  // The copied states are key-equivalent; do not leave them on the stack.
  OPENSSL_cleanse(&ctx, sizeof(ctx));
  // Constant time, so the comparison does not tell how many leading bytes of
  // a forged tag were right.
  return CRYPTO_memcmp(tag, sig.data(), kDigestLen) == 0 ? Status::ok : Status::bad_signature;
}

// Digest of the signing input for RS*, PS*, ES*.
struct Digest {
  uint8_t bytes[SHA512_DIGEST_LENGTH];
  size_t len;
  int nid;
  const EVP_MD* md;
};

Digest digest_for(Alg alg, std::string_view msg) noexcept {
  Digest d{};
  const auto* in = reinterpret_cast<const uint8_t*>(msg.data());
  switch (alg) {
    case Alg::RS256: case Alg::PS256: case Alg::ES256:
      SHA256(in, msg.size(), d.bytes);
      d.len = SHA256_DIGEST_LENGTH;
      d.nid = NID_sha256;
      d.md = EVP_sha256();
      break;
    case Alg::RS384: case Alg::PS384: case Alg::ES384:
      SHA384(in, msg.size(), d.bytes);
      d.len = SHA384_DIGEST_LENGTH;
      d.nid = NID_sha384;
      d.md = EVP_sha384();
      break;
    default:  // RS512, PS512, ES512
      SHA512(in, msg.size(), d.bytes);
      d.len = SHA512_DIGEST_LENGTH;
      d.nid = NID_sha512;
      d.md = EVP_sha512();
      break;
  }
  return d;
}

Status verify_rsa(const KeyMaterial& m, Alg alg, std::string_view msg,
                  std::span<const uint8_t> sig) noexcept {
  // RFC 7518 §3.3/§3.5 and RFC 8017 §8.2.2 step 1: the signature is exactly
  // the modulus length, never shorter with leading zeros dropped.
  if (sig.size() != m.rsa_modulus_len) return Status::bad_signature;
  const Digest d = digest_for(alg, msg);
  int ok;
  if (alg == Alg::RS256 || alg == Alg::RS384 || alg == Alg::RS512) {
    // RSA_verify rebuilds the DigestInfo with its NULL parameter and compares
    // whole encodings, so a DigestInfo without NULL (Wycheproof
    // "MissingNull") or with trailing garbage is refused.
    ok = RSA_verify(d.nid, d.bytes, d.len, sig.data(), sig.size(), m.rsa.get());
  } else {
    // RFC 7518 §3.5: MGF1 uses the same hash as the signature, and the salt
    // is exactly as long as the hash output. Passing the length (rather than
    // -2, "recover it") refuses signatures made with any other salt length.
    ok = RSA_verify_pss_mgf1(m.rsa.get(), d.bytes, d.len, d.md, d.md,
                             static_cast<int>(d.len), sig.data(), sig.size());
  }
  if (!ok) {
    ERR_clear_error();
    return Status::bad_signature;
  }
  return Status::ok;
}

// in_range tells whether the big-endian integer |v| (as long as the order)
// lies in [1, n-1], |n| being the order in the same encoding.
bool in_range(const uint8_t* v, const uint8_t* n, size_t len) noexcept {
  bool nonzero = false;
  for (size_t i = 0; i < len; ++i) nonzero |= v[i] != 0;
  // Equal length big-endian, so byte order is numeric order.
  return nonzero && std::memcmp(v, n, len) < 0;
}

Status verify_ecdsa(const KeyMaterial& m, Alg alg, std::string_view msg,
                    std::span<const uint8_t> sig) noexcept {
  // RFC 7518 §3.4: a JWS ECDSA signature is r||s, each left-padded to the
  // order's byte length (32/48/66), not DER. Any other length, including a
  // DER encoding that happens to be shorter, is refused before any math.
  const size_t n_len = m.ec_order_len;
  if (n_len == 0 || sig.size() != 2 * n_len) return Status::bad_signature;
  const uint8_t* r = sig.data();
  const uint8_t* s = sig.data() + n_len;
  // FIPS 186-4 §6.4.2 / SEC 1 §4.1.4 step 1: r and s in [1, n-1]. BoringSSL
  // checks this too; checking here as well keeps the rule visible and
  // rejects out-of-range values before allocating anything. High s (n - s)
  // is fine: JWS has no low-S rule.
  if (!in_range(r, m.ec_order, n_len) || !in_range(s, m.ec_order, n_len)) {
    return Status::bad_signature;
  }
  const Digest d = digest_for(alg, msg);
  // BoringSSL's only public entry point for a parsed (r, s) pair is
  // ECDSA_do_verify on an ECDSA_SIG, whose two BIGNUMs live on the heap (the
  // alternative, ECDSA_verify on DER, parses into the same ECDSA_SIG and
  // re-encodes it to check DER strictness, so it allocates more). A fresh
  // ECDSA_SIG per call is 5 allocations; instead each thread keeps one and
  // BN_bin2bn overwrites it, reusing the word arrays once they have grown to
  // P-521 size. r and s are public values, so nothing secret stays behind.
  thread_local bssl::UniquePtr<ECDSA_SIG> cached;
  if (!cached) cached.reset(ECDSA_SIG_new());  // first use on this thread
  ECDSA_SIG* es = cached.get();
  if (es == nullptr || !BN_bin2bn(r, n_len, es->r) || !BN_bin2bn(s, n_len, es->s)) {
    ERR_clear_error();
    return Status::internal_error;
  }
  if (!ECDSA_do_verify(d.bytes, d.len, es, m.ec.get())) {
    ERR_clear_error();
    return Status::bad_signature;
  }
  return Status::ok;
}

Status verify_ed25519(const KeyMaterial& m, std::string_view msg,
                      std::span<const uint8_t> sig) noexcept {
  // RFC 8037 §3.1: the signature is the 64-byte RFC 8032 encoding R||S.
  // ED25519_verify rejects S >= L (RFC 8032 §5.1.7, no malleability).
  if (sig.size() != 64) return Status::bad_signature;
  if (!ED25519_verify(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), sig.data(),
                      m.ed25519)) {
    ERR_clear_error();
    return Status::bad_signature;
  }
  return Status::ok;
}

}  // namespace

size_t signature_len(const KeyMaterial& key, Alg alg) noexcept {
  switch (alg) {
    case Alg::HS256: return SHA256_DIGEST_LENGTH;
    case Alg::HS384: return SHA384_DIGEST_LENGTH;
    case Alg::HS512: return SHA512_DIGEST_LENGTH;
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
    case Alg::PS256: case Alg::PS384: case Alg::PS512:
      return key.rsa_modulus_len;
    case Alg::ES256: return 64;
    case Alg::ES384: return 96;
    case Alg::ES512: return 132;
    case Alg::EdDSA: return 64;
  }
  return 0;
}

Status verify(const KeyMaterial& m, Alg alg, std::string_view signing_input,
              std::span<const uint8_t> sig) noexcept {
  // The caller selected |m| for |alg|; a mismatch here is a bug upstream,
  // and verifying with the wrong kind of state must not happen.
  if (m.family != family_of(alg)) return Status::internal_error;
  switch (alg) {
    case Alg::HS256:
      return verify_hmac<SHA256_CTX, SHA256_DIGEST_LENGTH>(m.hs256, SHA256_Update, SHA256_Final,
                                                            signing_input, sig);
    case Alg::HS384:
      return verify_hmac<SHA512_CTX, SHA384_DIGEST_LENGTH>(m.hs384, SHA384_Update, SHA384_Final,
                                                            signing_input, sig);
    case Alg::HS512:
      return verify_hmac<SHA512_CTX, SHA512_DIGEST_LENGTH>(m.hs512, SHA512_Update, SHA512_Final,
                                                            signing_input, sig);
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
    case Alg::PS256: case Alg::PS384: case Alg::PS512:
      if (!m.rsa) return Status::internal_error;
      return verify_rsa(m, alg, signing_input, sig);
    case Alg::ES256: case Alg::ES384: case Alg::ES512:
      if (!m.ec) return Status::internal_error;
      return verify_ecdsa(m, alg, signing_input, sig);
    case Alg::EdDSA:
      return verify_ed25519(m, signing_input, sig);
  }
  return Status::internal_error;
}

}  // namespace jve::crypto
