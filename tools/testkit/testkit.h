// testkit.h: keys and tokens for jve's tests and benchmarks, a thin test
// convenience over tools/keyformat (which does the key formats and the
// signing, with BoringSSL). Never linked into the engine or the CLI.
//
// Errors: this is test code. A failure of keyformat (BoringSSL failing, or a
// misuse such as signing RS256 with an EC key) throws std::runtime_error
// with keyformat's sentence; nothing here is on a hot path. Keys are
// immutable after generation and may be shared by threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/base.h>

#include "jve/alg.h"
#include "keyformat/key.h"
#include "payload.h"

namespace jve::testkit {

class SigningKey;

// generate_key makes a fresh random key for |alg|: HS* a secret of the hash
// length, RS*/PS* RSA with |rsa_bits| (e = 65537; 1024 makes a weak key on
// purpose), ES256/384/512 P-256/384/521, EdDSA Ed25519. Throws
// std::runtime_error on failure.
SigningKey generate_key(Alg alg, std::string kid = "", int rsa_bits = 2048);

// load_private_key_pem reads a PEM private key (PKCS#8 "PRIVATE KEY",
// "RSA PRIVATE KEY" or "EC PRIVATE KEY") for |alg|; nullopt when it does not
// parse or its type does not fit |alg|.
std::optional<SigningKey> load_private_key_pem(Alg alg, std::string_view pem,
                                               std::string kid = "");

// key_from_secret wraps raw HMAC key bytes (any length, so tests can make
// weak keys); nullopt when |alg| is not HS*.
std::optional<SigningKey> key_from_secret(Alg alg, std::span<const uint8_t> secret,
                                          std::string kid = "");

// SigningKey is a private key pinned to one algorithm. Copies share the
// underlying key (which is never mutated).
class SigningKey {
 public:
  Alg alg = Alg::HS256;
  std::string kid;  // empty: the JWKs have no "kid"

  // public_jwk returns the public JWK (keyformat::write_jwk): kty, kid (when
  // non-empty), use "sig", alg (when |with_alg|), the key members. For HMAC
  // the "public" JWK necessarily holds the secret k.
  std::string public_jwk(bool with_alg = true) const;
  // private_jwk adds the private members (d, p, q, dp, dq, qi; d; d).
  std::string private_jwk(bool with_alg = true) const;
  // public_pem returns the SubjectPublicKeyInfo PEM ("PUBLIC KEY");
  // empty for HMAC keys.
  std::string public_pem() const;
  // private_pem returns the PKCS#8 PEM ("PRIVATE KEY"); empty for HMAC.
  std::string private_pem() const;
  // secret returns the HMAC key bytes; empty for asymmetric keys.
  std::vector<uint8_t> secret() const;

  // The BoringSSL key (null for HMAC). Shared, never mutated.
  EVP_PKEY* pkey() const noexcept { return key_.pkey(); }
  const keyformat::KeyData& key() const noexcept { return key_; }

 private:
  friend SigningKey generate_key(Alg, std::string, int);
  friend std::optional<SigningKey> load_private_key_pem(Alg, std::string_view, std::string);
  friend std::optional<SigningKey> key_from_secret(Alg, std::span<const uint8_t>, std::string);
  std::string jwk(bool with_alg, bool with_private) const;
  keyformat::KeyData key_;
};

// sign_bytes returns the JWS signature of exactly |signing_input| (raw r||s
// for ECDSA). Throws when |key| cannot sign its alg.
std::vector<uint8_t> sign_bytes(const SigningKey& key, std::string_view signing_input);

// sign returns the compact token b64(header).b64(payload).b64(signature),
// base64url without padding. The JSON texts are used byte for byte.
std::string sign(const SigningKey& key, std::string_view header_json,
                 std::string_view payload_json);

// sign_raw_segments signs exactly "header_b64.payload_b64" as given (which
// need not be valid base64url or JSON) and appends ".signature": for tests of
// malformed input that must get past the signature check.
std::string sign_raw_segments(const SigningKey& key, std::string_view header_b64,
                              std::string_view payload_b64);

// jwks returns {"keys":[...]} with the public JWKs of |keys|.
std::string jwks(std::initializer_list<const SigningKey*> keys, bool with_alg = true);
std::string jwks(const std::vector<const SigningKey*>& keys, bool with_alg = true);
std::string jwks(const std::vector<SigningKey>& keys, bool with_alg = true);

// header_json returns {"alg":...,"typ":...,"kid":...}; typ and kid are left
// out when empty.
std::string header_json(Alg alg, std::string_view kid = {}, std::string_view typ = "JWT");

// Key files in the forms keyformat reads but does not write, made with
// BoringSSL's own PEM writers (so the reader is tested against another
// producer): PKCS#1 "RSA PUBLIC KEY" and "RSA PRIVATE KEY" (RSA keys), SEC1
// "EC PRIVATE KEY" (EC keys), and a self-signed X.509 "CERTIFICATE" for the
// key's public half (RSA or EC, signed with SHA-256; jve reads only its
// key). Throw when the key has another type.
std::string pkcs1_public_pem(const SigningKey& key);
std::string pkcs1_private_pem(const SigningKey& key);
std::string sec1_private_pem(const SigningKey& key);
std::string certificate_pem(const SigningKey& key);

// tamper_signature flips one character in the middle of |token|'s signature
// segment ('A' <-> other), so the token keeps its shape and fails only the
// signature check.
std::string tamper_signature(std::string token);

// all_algs lists the 13 algorithms in enum order.
std::vector<Alg> all_algs();

}  // namespace jve::testkit
