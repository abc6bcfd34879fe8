// keys.h: key files for `jve sign` and `jve jwks`: PEM blocks and JWKs to
// BoringSSL keys and back, RFC 7638 thumbprints, and private keys ready for
// signing.
//
// Nothing here throws: every loader returns nullopt / false and writes a
// sentence saying what is wrong to |why|. Signing itself is testkit's
// (tools/testkit), reached through testkit::SigningKey; the CLI catches its
// exceptions in main.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/base.h>

#include "jve/alg.h"
#include "testkit.h"

namespace jve::cli {

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const noexcept;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// PemKey is one key found in a PEM file.
struct PemKey {
  std::string label;  // "PUBLIC KEY", "CERTIFICATE", "EC PRIVATE KEY", ...
  PkeyPtr pkey;
  bool is_private = false;
};

// read_pem_keys returns every key in |text|: SPKI "PUBLIC KEY", PKCS#1 "RSA
// PUBLIC KEY", "CERTIFICATE" (its public key; the certificate is not
// validated), PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", SEC1 "EC
// PRIVATE KEY". Blocks with other labels are skipped. False when a block
// does not parse, or when no key is found at all.
bool read_pem_keys(std::string_view text, std::vector<PemKey>& out, std::string& why);

// JwkFields are the non-key members written into a JWK.
struct JwkFields {
  std::string kid;  // empty: none
  std::string alg;  // empty: none
  std::string use = "sig";  // empty: none
};

// public_jwk returns the public JWK of |pkey| (RSA, EC P-256/384/521,
// Ed25519); empty with |why| set for other key types. Coordinates are
// full-width as RFC 7518 §6.2.1.2 requires.
std::string public_jwk(const EVP_PKEY* pkey, const JwkFields& fields, std::string& why);

// thumbprint returns the RFC 7638 JWK thumbprint (SHA-256, base64url) of
// the JWK |jwk_json|; nullopt with |why| when a required member is missing.
std::optional<std::string> thumbprint(std::string_view jwk_json, std::string& why);

// key_type_of names the key type and size: "RSA 2048", "EC P-256", "OKP Ed25519".
std::string key_type_of(const EVP_PKEY* pkey);

// alg_fits tells whether |pkey| can sign |alg|, and if not, why.
bool alg_fits(Alg alg, const EVP_PKEY* pkey, std::string& why);

// load_signing_key reads a private key for |alg| from a key file's text:
// a private JWK (or a JWKS holding one, or the one whose kid is |kid|), a
// private PEM (PKCS#8, PKCS#1, SEC1), or, for HS*, raw secret bytes. The
// key must fit |alg| and be strong enough for jve to accept its tokens
// (RSA >= 2048 bits, HMAC >= hash length). |kid_out| receives the JWK's
// kid when |kid| is empty.
std::optional<testkit::SigningKey> load_signing_key(std::string_view text, Alg alg,
                                                    const std::string& kid,
                                                    std::string& kid_out, std::string& why);

}  // namespace jve::cli
