// keyformat/jwk.h: JWKs (RFC 7517, 7518 §6, RFC 8037 §2) of public and
// private keys to KeyData and back, JWKS documents, and RFC 7638
// thumbprints.
//
// Reading uses the engine's strict JSON parser (json_document.h). Errors as
// in key.h: a Result, a sentence in |why|, no throws but std::bad_alloc.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "jve/result.h"
#include "keyformat/key.h"

namespace jve::keyformat {

// JwkParams are the JWK members that are not key material. An empty string
// stands for an absent member.
struct JwkParams {
  std::string kid;
  std::string alg;
  std::string use;
};

// JwkKey is a key together with the parameters its JWK carries.
struct JwkKey {
  KeyData key;
  JwkParams params;
};

// read_jwk reads one JWK: kty "RSA" (n, e; private: d, p, q, dp, dq, qi),
// "EC" (crv P-256/384/521, x, y; private: d), "OKP" (crv Ed25519, x;
// private: d) or "oct" (k). A private key must match its public members.
// bad_json for text that is not one strict JSON object, bad_key for missing
// or malformed members, unsupported_key for other kty / crv values.
Result<JwkKey> read_jwk(std::string_view json, std::string* why = nullptr);

// select_jwk reads a JWK, or a JWKS ({"keys":[...]}) and the one key in it
// whose kid is |kid| (or its only key when |kid| is empty); only that key is
// read (read_jwk's rules). key_not_found when no key or no key with that kid
// is there, ambiguous_key when |kid| is empty and there are several.
Result<JwkKey> select_jwk(std::string_view json, std::string_view kid, std::string* why = nullptr);

// JwkMembers says whether write_jwk includes the private members.
enum class JwkMembers { public_only, with_private };

// write_jwk returns the JWK of |key|, minified, members in this order: kty,
// kid, use, alg (each when non-empty in |params|), then the key's members
// (n e; crv x y; crv x; k), then with_private the private ones (d p q dp dq
// qi; d; d). EC coordinates and d are full width (RFC 7518 §6.2.1.2,
// §6.2.2.1). WARNING: a secret's JWK always holds the secret itself ("k"):
// JWK has no other way to carry an HMAC key. bad_key for an empty key or
// with_private for a public key; internal_error if BoringSSL fails.
Result<std::string> write_jwk(const KeyData& key, const JwkParams& params, JwkMembers members,
                              std::string* why = nullptr);

// write_jwks returns {"keys":[...]} around |jwks|, JWK texts used as is.
std::string write_jwks(std::span<const std::string> jwks);

// is_private_member tells whether |name| is a private JWK member (RFC 7518
// §6.2.2, §6.3.2, §6.4; RFC 8037 §2): d, p, q, dp, dq, qi, oth. ("k" is not
// listed: an oct key has no public form.)
bool is_private_member(std::string_view name) noexcept;

// thumbprint returns the RFC 7638 thumbprint (SHA-256, base64url) of the JWK
// |jwk_json|: the hash of its required members (RFC 7638 §3.2), whatever
// else it holds. bad_json for text that is not one strict JSON object,
// bad_key when a required member is missing, unsupported_key for an unknown
// kty.
Result<std::string> thumbprint(std::string_view jwk_json, std::string* why = nullptr);

}  // namespace jve::keyformat
