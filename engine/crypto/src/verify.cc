// Stage 6 of the verify path: signature verification with prepared keys.
//
// Hot path: nothing here allocates once a thread has verified one token of
// each kind (tests/alloc_test.cc). Hashes run on stack contexts; the
// key-dependent state was computed at load (key_material.cc).
#include "crypto/verify.h"

#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <cstring>
#include <initializer_list>

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
};

Digest digest_for(Alg alg, std::string_view msg) noexcept {
  Digest d{};
  const auto* in = reinterpret_cast<const uint8_t*>(msg.data());
  switch (alg) {
    case Alg::RS256: case Alg::PS256: case Alg::ES256:
      SHA256(in, msg.size(), d.bytes);
      d.len = SHA256_DIGEST_LENGTH;
      break;
    case Alg::RS384: case Alg::PS384: case Alg::ES384:
      SHA384(in, msg.size(), d.bytes);
      d.len = SHA384_DIGEST_LENGTH;
      break;
    default:  // RS512, PS512, ES512
      SHA512(in, msg.size(), d.bytes);
      d.len = SHA512_DIGEST_LENGTH;
      break;
  }
  return d;
}

// RSA (RS*, PS*) without allocation. RSA_verify and RSA_verify_pss_mgf1
// allocate about 20 times per call (a BN_CTX, its BIGNUMs, the recovered and
// expected encodings, EVP contexts for MGF1). Here the public-key operation
// runs on a per-thread BN_CTX whose BIGNUMs keep their word arrays between
// calls, with the key's Montgomery context from load time, and both padding
// checks run on stack buffers with the low-level SHA functions. The checks
// are RSA_verify's and RSA_verify_PKCS1_PSS_mgf1's, step for step
// (tests/wycheproof_test.cc and fuzz/fuzz_rsa_verify.cc hold them to it).

constexpr size_t kMaxRsaLen = 16384 / 8;  // prepare_rsa refuses larger moduli

// The per-thread scratch of the RSA public-key operation: a BN_CTX is not
// thread-safe, and after the first call on a thread (with the largest
// modulus so far) BN_CTX_start/get/end reuse its BIGNUMs and their word
// arrays without allocating. thread_local keeps it inside crypto, like the
// ECDSA_SIG below, so no caller has to carry it; it holds only public
// values (signatures and s^e mod n).
thread_local bssl::UniquePtr<BN_CTX> t_rsa_bn_ctx;

// rsa_public computes EM = s^e mod n (RFC 8017 §8.2.2 step 2, RSAVP1) into
// em[0, modulus length). bad_signature when s >= n (RSAVP1 step 1, and
// RSA_verify's DATA_TOO_LARGE_FOR_MODULUS); |sig| already has the modulus
// length.
Status rsa_public(const KeyMaterial& m, std::span<const uint8_t> sig, uint8_t* em) noexcept {
  if (!t_rsa_bn_ctx) t_rsa_bn_ctx.reset(BN_CTX_new());  // first use on this thread
  BN_CTX* ctx = t_rsa_bn_ctx.get();
  if (ctx == nullptr) {
    ERR_clear_error();
    return Status::internal_error;
  }
  const BIGNUM* n = RSA_get0_n(m.rsa.get());
  Status st = Status::internal_error;
  BN_CTX_start(ctx);
  BIGNUM* s = BN_CTX_get(ctx);
  BIGNUM* r = BN_CTX_get(ctx);
  if (s != nullptr && r != nullptr && BN_bin2bn(sig.data(), sig.size(), s) != nullptr) {
    if (BN_ucmp(s, n) >= 0) {
      st = Status::bad_signature;
    } else if (BN_mod_exp_mont(r, s, RSA_get0_e(m.rsa.get()), n, ctx, m.rsa_mont.get()) &&
               BN_bn2bin_padded(em, m.rsa_modulus_len, r)) {
      st = Status::ok;
    }
  }
  BN_CTX_end(ctx);
  if (st == Status::internal_error) {
    // A BN_CTX that failed once fails every later call: start afresh.
    t_rsa_bn_ctx.reset();
    ERR_clear_error();
  }
  return st;
}

// RFC 8017 §9.2 Note 1: the DER of DigestInfo (with the NULL parameter of
// the AlgorithmIdentifier) before the hash value, for SHA-256/384/512.
constexpr uint8_t kDigestInfoSha256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                         0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                         0x01, 0x05, 0x00, 0x04, 0x20};
constexpr uint8_t kDigestInfoSha384[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                         0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                         0x02, 0x05, 0x00, 0x04, 0x30};
constexpr uint8_t kDigestInfoSha512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                         0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                         0x03, 0x05, 0x00, 0x04, 0x40};
static_assert(sizeof(kDigestInfoSha256) == 19 && sizeof(kDigestInfoSha384) == 19 &&
              sizeof(kDigestInfoSha512) == 19);

// EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of |d| into |out| (|k| bytes):
// 00 01 FF..FF 00 DigestInfo. false when k < tLen + 11 (step 4), where no
// signature can verify (RSA_verify's padding check needs 8 FF bytes too).
bool pkcs1_encode(const Digest& d, size_t k, uint8_t* out) noexcept {
  const uint8_t* prefix = d.len == SHA256_DIGEST_LENGTH   ? kDigestInfoSha256
                          : d.len == SHA384_DIGEST_LENGTH ? kDigestInfoSha384
                                                          : kDigestInfoSha512;
  const size_t t_len = sizeof(kDigestInfoSha256) + d.len;
  if (k < t_len + 11) return false;
  const size_t ps_len = k - t_len - 3;
  out[0] = 0x00;
  out[1] = 0x01;
  std::memset(out + 2, 0xff, ps_len);
  out[2 + ps_len] = 0x00;
  std::memcpy(out + 3 + ps_len, prefix, sizeof(kDigestInfoSha256));
  std::memcpy(out + 3 + ps_len + sizeof(kDigestInfoSha256), d.bytes, d.len);
  return true;
}

// hash_parts hashes the concatenation of |parts| with the SHA-2 function of
// output length |h_len| (32, 48 or 64) into |out|, on a stack context
// (EVP_DigestInit_ex would allocate one).
void hash_parts(size_t h_len, std::initializer_list<std::span<const uint8_t>> parts,
                uint8_t* out) noexcept {
  if (h_len == SHA256_DIGEST_LENGTH) {
    SHA256_CTX c;
    SHA256_Init(&c);
    for (auto p : parts) SHA256_Update(&c, p.data(), p.size());
    SHA256_Final(out, &c);
  } else {
    SHA512_CTX c;
    if (h_len == SHA384_DIGEST_LENGTH) {
      SHA384_Init(&c);
      for (auto p : parts) SHA384_Update(&c, p.data(), p.size());
      SHA384_Final(out, &c);
    } else {
      SHA512_Init(&c);
      for (auto p : parts) SHA512_Update(&c, p.data(), p.size());
      SHA512_Final(out, &c);
    }
  }
}

// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) of |em| (the k bytes RSAVP1 gave) for
// mHash |d|, emBits = modBits - 1, MGF1 with the same hash and a salt of
// the hash length (RFC 7518 §3.5). The same checks, in the same order, as
// BoringSSL's RSA_verify_PKCS1_PSS_mgf1 with sLen = hLen, which allocates
// DB and an EVP context per hash; here DB is on the stack.
bool pss_verify(const Digest& d, const uint8_t* em, size_t k, size_t mod_bits) noexcept {
  const size_t h_len = d.len;
  const size_t s_len = h_len;
  // The leftmost 8*emLen - emBits bits of EM must be zero (step 6). When
  // emBits is a multiple of 8, emLen = k - 1 and EM's I2OSP (§8.1.2 step
  // 2c) needs the top byte RSAVP1 gave to be zero.
  const unsigned top_bits = (mod_bits - 1) & 7;
  size_t em_len = k;
  if (top_bits == 0) {
    if (em[0] != 0) return false;
    ++em;
    --em_len;
  } else if ((em[0] >> top_bits) != 0) {
    return false;
  }
  if (em_len < h_len + s_len + 2) return false;  // step 3
  if (em[em_len - 1] != 0xbc) return false;      // step 4
  // Steps 5, 7, 8: DB = maskedDB xor MGF1(H, emLen - hLen - 1).
  const size_t db_len = em_len - h_len - 1;
  const uint8_t* h = em + db_len;
  uint8_t db[kMaxRsaLen];
  uint8_t mask[SHA512_DIGEST_LENGTH];
  for (uint32_t counter = 0, done = 0; done < db_len; ++counter) {
    const uint8_t c[4] = {static_cast<uint8_t>(counter >> 24), static_cast<uint8_t>(counter >> 16),
                          static_cast<uint8_t>(counter >> 8), static_cast<uint8_t>(counter)};
    hash_parts(h_len, {{h, h_len}, {c, sizeof(c)}}, mask);
    for (size_t i = 0; i < h_len && done < db_len; ++i, ++done) db[done] = em[done] ^ mask[i];
  }
  if (top_bits != 0) db[0] &= static_cast<uint8_t>(0xff >> (8 - top_bits));  // step 9
  // Step 10: DB = PS (zeros) || 01 || salt, with the salt exactly sLen.
  const size_t ps_len = db_len - s_len - 1;
  for (size_t i = 0; i < ps_len; ++i) {
    if (db[i] != 0) return false;
  }
  if (db[ps_len] != 0x01) return false;
  // Steps 11-14: H' = Hash(00 x8 || mHash || salt) must equal H.
  static constexpr uint8_t kZeros[8] = {};
  uint8_t h2[SHA512_DIGEST_LENGTH];
  hash_parts(h_len, {{kZeros, sizeof(kZeros)}, {d.bytes, h_len}, {db + ps_len + 1, s_len}}, h2);
  return CRYPTO_memcmp(h2, h, h_len) == 0;
}

Status verify_rsa(const KeyMaterial& m, Alg alg, std::string_view msg,
                  std::span<const uint8_t> sig) noexcept {
  // RFC 7518 §3.3/§3.5 and RFC 8017 §8.2.2 step 1: the signature is exactly
  // the modulus length, never shorter with leading zeros dropped.
  const size_t k = m.rsa_modulus_len;
  if (sig.size() != k || k > kMaxRsaLen || !m.rsa_mont) {
    return sig.size() != k ? Status::bad_signature : Status::internal_error;
  }
  const Digest d = digest_for(alg, msg);
  uint8_t em[kMaxRsaLen];
  const Status st = rsa_public(m, sig, em);
  if (st != Status::ok) return st;
  bool ok;
  if (alg == Alg::RS256 || alg == Alg::RS384 || alg == Alg::RS512) {
    // The whole encoding is compared with the one expected (as RSA_verify
    // does after its padding check), so a DigestInfo without the NULL
    // (Wycheproof "MissingNull"), another hash's OID or trailing garbage is
    // refused. Constant time: a forger learns nothing from the timing.
    uint8_t expected[kMaxRsaLen];
    ok = pkcs1_encode(d, k, expected) && CRYPTO_memcmp(em, expected, k) == 0;
  } else {
    ok = pss_verify(d, em, k, m.rsa_modulus_bits);
  }
  return ok ? Status::ok : Status::bad_signature;
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
