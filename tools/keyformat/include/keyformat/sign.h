// keyformat/sign.h: JWS signatures (RFC 7515) for every algorithm jve
// verifies, compact token assembly, and reading a key file to sign with.
//
// Signing is BoringSSL's, through its low-level calls, so each JWS rule is
// visible in sign.cc rather than hidden behind EVP defaults:
//   HS*    HMAC-SHA2 (RFC 7518 §3.2)
//   RS*    RSASSA-PKCS1-v1_5 (§3.3)
//   PS*    RSASSA-PSS, MGF1 with the same hash, salt as long as the hash (§3.5)
//   ES*    ECDSA on P-256/384/521, raw r||s of fixed width (§3.4), never DER
//   EdDSA  Ed25519 (RFC 8037 §3.1)
//
// Errors as in key.h: a Result, a sentence in |why|, no throws but
// std::bad_alloc. Thread-safe: keys are only read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jve/alg.h"
#include "jve/result.h"
#include "keyformat/jwk.h"
#include "keyformat/key.h"

namespace jve::keyformat {

// sign returns the JWS signature of exactly |signing_input| under |alg|.
// key_alg_mismatch when the key's type does not fit |alg| (check_fits),
// bad_key for a public key, internal_error if BoringSSL fails. The key's
// strength is not checked: tests sign with weak keys on purpose.
Result<std::vector<uint8_t>> sign(const KeyData& key, Alg alg, std::string_view signing_input,
                                  std::string* why = nullptr);

// sign_segments signs exactly "header_b64.payload_b64", which need not be
// base64url or JSON (tests of malformed tokens that must get past the
// signature check), and returns it with ".signature" appended.
Result<std::string> sign_segments(const KeyData& key, Alg alg, std::string_view header_b64,
                                  std::string_view payload_b64, std::string* why = nullptr);

// sign_compact returns the compact JWS b64(header).b64(payload).b64(sig),
// base64url without padding; the two JSON texts are used byte for byte.
Result<std::string> sign_compact(const KeyData& key, Alg alg, std::string_view header_json,
                                 std::string_view payload_json, std::string* why = nullptr);

// read_signing_key reads the private key to sign |alg| with from a key
// file's text: a private JWK, a JWKS (the key whose kid is |kid|, or its
// only key; select_jwk), a private PEM key (PKCS#8, PKCS#1 RSA, SEC1 EC;
// exactly one), or, for HS*, raw secret bytes taken exactly as they are
// (like `jve verify --secret-file`: a trailing newline is part of the key).
// The key must fit |alg|, agree with the JWK's own "alg" and "use", and be
// strong enough for jve to verify its tokens (check_strength). The result's
// kid is |kid| when given, else the JWK's; its alg and use are the JWK's.
Result<JwkKey> read_signing_key(std::string_view text, Alg alg, std::string_view kid,
                                std::string* why = nullptr);

}  // namespace jve::keyformat
