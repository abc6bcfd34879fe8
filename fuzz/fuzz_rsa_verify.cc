// Differential fuzzer for jve's own RSA verification (engine/crypto/src/
// verify.cc: s^e mod n on a per-thread BN_CTX, PKCS#1 v1.5 and PSS checks
// written here) against BoringSSL's RSA_verify / RSA_verify_pss_mgf1 (MGF1
// on the same hash, salt of the hash length: RFC 7518 §3.5). The harness
// holds the private keys (rsa_keys.h), so it can sign encodings it has
// damaged on purpose: random signatures almost never get past s^e mod n to
// the padding checks.
//
// Invariants: jve accepts exactly when BoringSSL does; jve's status is ok or
// bad_signature, never another; jve leaves BoringSSL's error queue empty.
//
// Input layout (fixed offsets, no FuzzedDataProvider):
//   [0] key (kRsaTestKeys index, mod 5)   [1] alg (RS256..PS512, mod 6)
//   [2] mode (mod 5)                      [3] message length L
//   [4, 4+L) the message (shorter when the input ends); the rest: the tail.
// Modes, by what the tail does:
//   0 raw        the tail is the signature, as is (any length, any value).
//   1 em_edits   the correct encoding EM of the message, then edits of EM,
//                then signed with the private key (RSASP1 on EM; an EM >= n
//                is sent as the signature itself, which must fail).
//   2 sig_edits  a correct signature, then edits of the signature bytes.
//   3 structure  RS*: EM = 00 01 FF..FF 00 || tail || Hash(msg), so the
//                tail stands for the DigestInfo prefix (missing NULL, other
//                OIDs, trailing bytes, too short a padding). PS*: tail[0]
//                is the salt length BoringSSL encodes with, the rest edits
//                EM as in mode 1.
//   4 db_edits   PS*: the correct EM with its DB unmasked, edited (padding
//                zeros, the 01 separator, the salt, the top bits), masked
//                again and signed. RS*: as mode 1.
// An edit is 3 tail bytes: a big-endian 16-bit position (mod the length)
// and a byte XORed in there.
#include <openssl/bn.h>
#include <openssl/bio.h>
#include <openssl/digest.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/key_material.h"
#include "crypto/verify.h"
#include "jve/alg.h"
#include "jve/status.h"
#include "rsa_keys.h"

namespace {

using Bytes = std::vector<uint8_t>;
using jve::Alg;

struct Key {
  bssl::UniquePtr<RSA> priv;
  std::unique_ptr<jve::crypto::KeyMaterial> material;
  size_t len;
};

std::vector<Key> load_keys() {
  std::vector<Key> keys;
  for (const jve_fuzz::RsaTestKey& k : jve_fuzz::kRsaTestKeys) {
    bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(k.pem, -1));
    bssl::UniquePtr<RSA> priv(PEM_read_bio_RSAPrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!priv || BN_num_bits(RSA_get0_n(priv.get())) != static_cast<unsigned>(k.bits)) {
      std::fprintf(stderr, "fuzz_rsa_verify: test key of %d bits does not load\n", k.bits);
      std::abort();
    }
    auto material = std::make_unique<jve::crypto::KeyMaterial>();
    if (jve::crypto::prepare_rsa(bssl::UniquePtr<RSA>(RSAPublicKey_dup(priv.get())), *material) !=
        jve::Status::ok) {
      std::fprintf(stderr, "fuzz_rsa_verify: prepare_rsa refused the %d-bit key\n", k.bits);
      std::abort();
    }
    const size_t len = RSA_size(priv.get());
    keys.push_back(Key{std::move(priv), std::move(material), len});
  }
  return keys;
}

constexpr Alg kAlgs[] = {Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384, Alg::PS512};

bool is_pkcs1(Alg a) { return a == Alg::RS256 || a == Alg::RS384 || a == Alg::RS512; }

const EVP_MD* md_of(Alg a) {
  switch (a) {
    case Alg::RS256: case Alg::PS256: return EVP_sha256();
    case Alg::RS384: case Alg::PS384: return EVP_sha384();
    default: return EVP_sha512();
  }
}

void apply_edits(std::span<const uint8_t> edits, Bytes& v) {
  if (v.empty()) return;
  for (size_t i = 0; i + 3 <= edits.size(); i += 3) {
    const size_t pos = (static_cast<size_t>(edits[i]) << 8 | edits[i + 1]) % v.size();
    v[pos] ^= edits[i + 2];
  }
}

// MGF1 (RFC 8017 §B.2.1) of |seed| XORed into |out|.
void mgf1_xor(const EVP_MD* md, std::span<const uint8_t> seed, uint8_t* out, size_t len) {
  const size_t h_len = EVP_MD_size(md);
  uint8_t mask[EVP_MAX_MD_SIZE];
  for (uint32_t counter = 0, done = 0; done < len; ++counter) {
    bssl::ScopedEVP_MD_CTX ctx;
    const uint8_t c[4] = {uint8_t(counter >> 24), uint8_t(counter >> 16), uint8_t(counter >> 8),
                          uint8_t(counter)};
    if (!EVP_DigestInit_ex(ctx.get(), md, nullptr) ||
        !EVP_DigestUpdate(ctx.get(), seed.data(), seed.size()) ||
        !EVP_DigestUpdate(ctx.get(), c, sizeof(c)) ||
        !EVP_DigestFinal_ex(ctx.get(), mask, nullptr)) {
      std::abort();
    }
    for (size_t i = 0; i < h_len && done < len; ++i, ++done) out[done] ^= mask[i];
  }
}

// The correct EM for |hash| (k bytes; for PSS with salt |salt_len|), or
// empty when BoringSSL cannot encode it (salt too long for the key).
Bytes encode(const Key& key, Alg alg, const uint8_t* hash, size_t h_len, int salt_len) {
  Bytes em(key.len);
  if (is_pkcs1(alg)) {
    uint8_t* prefixed = nullptr;
    size_t prefixed_len = 0;
    int is_alloced = 0;
    // 00 01 FF..FF 00 || DigestInfo (BoringSSL's, not jve's constants).
    if (!RSA_add_pkcs1_prefix(&prefixed, &prefixed_len, &is_alloced, EVP_MD_type(md_of(alg)),
                              hash, h_len) ||
        prefixed_len + 11 > em.size()) {
      em.clear();
    } else {
      std::memset(em.data(), 0xff, em.size());
      em[0] = 0x00;
      em[1] = 0x01;
      em[em.size() - prefixed_len - 1] = 0x00;
      std::memcpy(em.data() + em.size() - prefixed_len, prefixed, prefixed_len);
    }
    if (is_alloced) OPENSSL_free(prefixed);
  } else if (!RSA_padding_add_PKCS1_PSS_mgf1(key.priv.get(), em.data(), hash, md_of(alg), nullptr,
                                             salt_len)) {
    em.clear();
  }
  ERR_clear_error();
  return em;
}

// RSASP1 of |em|; an |em| >= n cannot be signed and is returned as is.
Bytes sign_em(const Key& key, const Bytes& em) {
  Bytes sig(key.len);
  size_t out_len = 0;
  if (!RSA_sign_raw(key.priv.get(), &out_len, sig.data(), sig.size(), em.data(), em.size(),
                    RSA_NO_PADDING) ||
      out_len != key.len) {
    ERR_clear_error();
    return em;
  }
  return sig;
}

bool boringssl_accepts(const Key& key, Alg alg, const uint8_t* hash, size_t h_len,
                       const Bytes& sig) {
  const int ok =
      is_pkcs1(alg)
          ? RSA_verify(EVP_MD_type(md_of(alg)), hash, h_len, sig.data(), sig.size(), key.priv.get())
          : RSA_verify_pss_mgf1(key.priv.get(), hash, h_len, md_of(alg), md_of(alg),
                                static_cast<int>(h_len), sig.data(), sig.size());
  ERR_clear_error();
  return ok == 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Key> keys = load_keys();
  if (size < 4) return 0;
  const Key& key = keys[data[0] % keys.size()];
  const Alg alg = kAlgs[data[1] % 6];
  const int mode = data[2] % 5;
  const size_t msg_len = std::min<size_t>(data[3], size - 4);
  const std::string_view msg(reinterpret_cast<const char*>(data + 4), msg_len);
  const std::span<const uint8_t> tail(data + 4 + msg_len, size - 4 - msg_len);

  const EVP_MD* md = md_of(alg);
  uint8_t hash[EVP_MAX_MD_SIZE];
  unsigned h_len = 0;
  if (!EVP_Digest(msg.data(), msg.size(), hash, &h_len, md, nullptr)) std::abort();

  Bytes sig;
  if (mode == 0) {
    sig.assign(tail.begin(), tail.end());
  } else if (mode == 3 && is_pkcs1(alg)) {
    // 00 01 FF..FF 00 || tail || H, as long as the modulus (the tail cut to fit).
    const size_t t_len = std::min<size_t>(tail.size(), key.len - 3 - h_len);
    Bytes em(key.len, 0xff);
    em[0] = 0x00;
    em[1] = 0x01;
    const size_t ps_end = key.len - h_len - t_len - 1;
    em[ps_end] = 0x00;
    std::memcpy(em.data() + ps_end + 1, tail.data(), t_len);
    std::memcpy(em.data() + key.len - h_len, hash, h_len);
    sig = sign_em(key, em);
  } else {
    std::span<const uint8_t> edits = tail;
    int salt_len = static_cast<int>(h_len);
    if (mode == 3 && !tail.empty()) {
      salt_len = tail[0];
      edits = tail.subspan(1);
    }
    Bytes em = encode(key, alg, hash, h_len, salt_len);
    if (em.empty()) return 0;  // salt too long for this key: nothing to sign
    if (mode == 2) {
      sig = sign_em(key, em);
      apply_edits(edits, sig);
    } else if (mode == 4 && !is_pkcs1(alg)) {
      // EM = [00] maskedDB || H || bc; unmask DB, edit it, mask it again.
      const size_t skip = (BN_num_bits(RSA_get0_n(key.priv.get())) - 1) % 8 == 0 ? 1 : 0;
      const size_t db_len = key.len - skip - h_len - 1;
      uint8_t* db = em.data() + skip;
      const std::span<const uint8_t> h(db + db_len, h_len);
      mgf1_xor(md, h, db, db_len);
      Bytes unmasked(db, db + db_len);
      apply_edits(edits, unmasked);
      std::memcpy(db, unmasked.data(), db_len);
      mgf1_xor(md, h, db, db_len);
      sig = sign_em(key, em);
    } else {
      apply_edits(edits, em);
      sig = sign_em(key, em);
    }
  }

  ERR_clear_error();
  const jve::Status s = jve::crypto::verify(*key.material, alg, msg, sig);
  if (s != jve::Status::ok && s != jve::Status::bad_signature) {
    std::fprintf(stderr, "fuzz_rsa_verify: %d-bit key, alg %d, mode %d: status %d\n",
                 BN_num_bits(RSA_get0_n(key.priv.get())), static_cast<int>(alg), mode,
                 static_cast<int>(s));
    std::abort();
  }
  if (ERR_peek_error() != 0) {
    std::fprintf(stderr, "fuzz_rsa_verify: verify left an error on BoringSSL's queue\n");
    std::abort();
  }
  const bool boringssl = boringssl_accepts(key, alg, hash, h_len, sig);
  if ((s == jve::Status::ok) != boringssl) {
    std::fprintf(stderr, "fuzz_rsa_verify: %d-bit key, alg %d, mode %d: jve %s, BoringSSL %s\n",
                 BN_num_bits(RSA_get0_n(key.priv.get())), static_cast<int>(alg), mode,
                 s == jve::Status::ok ? "accepts" : "refuses", boringssl ? "accepts" : "refuses");
    std::abort();
  }
  return 0;
}
