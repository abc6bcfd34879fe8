// keyformat/key.h: the keys that key files carry, as jve's tools read,
// write, generate and sign with them (tools/keyformat: PEM in pem.h, JWK in
// jwk.h, signing in sign.h). Not the engine's jve::Key, which is a prepared
// verification key; this is key material on its way to or from a file.
//
// Errors: every fallible call returns a jve::Result (or Status) and, when
// |why| is given, writes a sentence saying what is wrong. Nothing here
// throws but std::bad_alloc. BoringSSL's error queue is left empty.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <openssl/base.h>
#include <openssl/evp.h>  // bssl::UniquePtr<EVP_PKEY>

#include "jve/alg.h"
#include "jve/key_set.h"
#include "jve/result.h"
#include "jve/status.h"

namespace jve::keyformat {

// KeyData is one key: an HMAC secret, or an RSA, EC (P-256, P-384, P-521)
// or Ed25519 key, public or private. Other key types are refused when a
// KeyData is made, so type() is always one jve verifies with. Immutable;
// copies share the key (BoringSSL keys may be shared by threads while
// nobody mutates them). Secrets are wiped when the last copy goes.
class KeyData {
 public:
  // An empty KeyData holds no key; every function given one fails (bad_key).
  KeyData() = default;

  // from_secret wraps HMAC key bytes, of any length (tests make weak keys on
  // purpose; check_strength says whether jve would accept them).
  static KeyData from_secret(std::span<const uint8_t> secret);

  // from_pkey takes ownership of |pkey| (never null). unsupported_key for a
  // key type or curve JWS does not use.
  static Result<KeyData> from_pkey(bssl::UniquePtr<EVP_PKEY> pkey, std::string* why = nullptr);

  bool empty() const noexcept { return !pkey_ && !secret_; }
  KeyType type() const noexcept { return type_; }
  // is_private: a private RSA/EC/Ed25519 key, or any secret.
  bool is_private() const noexcept { return is_private_; }
  // pkey is the BoringSSL key; null for secrets and empty keys. Shared,
  // never to be mutated.
  EVP_PKEY* pkey() const noexcept { return pkey_.get(); }
  // secret is the HMAC key; empty for asymmetric keys.
  std::span<const uint8_t> secret() const noexcept;

 private:
  std::shared_ptr<EVP_PKEY> pkey_;
  std::shared_ptr<const std::vector<uint8_t>> secret_;
  KeyType type_ = KeyType::oct;
  bool is_private_ = false;
};

// key_type_for is the one key type |alg| signs and verifies with: HS* oct,
// RS*/PS* RSA, ES256/384/512 EC on P-256/384/521, EdDSA Ed25519.
KeyType key_type_for(Alg alg) noexcept;

// describe names the key's type and size: "RSA 2048", "EC P-256",
// "OKP Ed25519", "oct 256" (bits); "no key" when empty.
std::string describe(const KeyData& key);

// check_fits tells whether |key| has the type |alg| signs and verifies with
// (key_type_for). key_alg_mismatch otherwise (bad_key for an empty key).
[[nodiscard]] Status check_fits(const KeyData& key, Alg alg, std::string* why = nullptr);

// check_strength applies jve's own limits for |alg| (RSA moduli of at least
// 2048 bits; HMAC secrets at least hmac_min_key_len(alg) bytes): weak_key
// otherwise. Keys the engine would leave out are refused before anything is
// signed with them.
[[nodiscard]] Status check_strength(const KeyData& key, Alg alg, std::string* why = nullptr);

// generate makes a fresh random key for |alg|: HS* a secret of |bits| / 8
// bytes (0: the hash length, hmac_min_key_len), RS*/PS* RSA with |bits|
// (0: 2048; e = 65537), ES256/384/512 P-256/384/521, EdDSA Ed25519 (both
// with |bits| 0). bad_key for other sizes (RSA: 1024 to 16384 bits, a
// multiple of 8; HMAC: a multiple of 8 up to 65536), internal_error if
// BoringSSL fails. Weak keys are allowed (tests need
// them); the CLI applies its own limits.
Result<KeyData> generate(Alg alg, int bits = 0, std::string* why = nullptr);

}  // namespace jve::keyformat
