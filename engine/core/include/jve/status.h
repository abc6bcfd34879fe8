// jve/status.h: the one error enum of jve, its stable names and messages.
//
// Numbers are part of the ABI (they cross the C API and end up in metrics):
// append only, never renumber, never reuse a retired number.
#pragma once

#include <cstdint>
#include <string_view>

namespace jve {

enum class Status : uint16_t {
  ok = 0,
  // Structure and encoding (stages 1, 2, 5, 7).
  malformed = 1,         // not exactly three '.'-separated segments, or empty header
  too_large = 2,         // token longer than Policy::max_token_bytes
  bad_base64 = 3,        // a segment is not strict base64url (RFC 7515 §2)
  bad_json = 4,          // not strict RFC 8259 JSON / UTF-8, BOM, or not an object
  duplicate_member = 5,  // a JSON object names the same member twice
  too_deep = 6,          // JSON nesting deeper than Policy::max_json_depth
  // Header and policy (stage 3).
  bad_header = 7,        // alg missing, a header member of the wrong type, malformed crit
  alg_not_allowed = 8,   // alg unknown, "none", or not in Policy::algorithms
  unsupported_crit = 9,  // crit names a parameter not registered as understood, or b64
  bad_typ = 10,          // typ missing or different from Policy::typ
  missing_kid = 11,      // Policy::require_kid and the header has no kid
  // Key selection (stage 4).
  key_not_found = 12,    // no configured key has this kid / fits this alg
  ambiguous_key = 13,    // more than one configured key fits: refuse to guess
  // Signature (stages 5, 6).
  bad_signature = 14,    // wrong length, r/s out of range, or does not verify
  // Claims (stage 8).
  expired = 15,          // now >= exp + leeway
  not_yet_valid = 16,    // now < nbf - leeway
  too_old = 17,          // now > iat + max_age + leeway
  issued_in_future = 18, // iat > now + leeway while a max age is set
  bad_issuer = 19,       // iss not among Policy::issuers
  bad_audience = 20,     // no aud entry among Policy::audiences, or aud unexpected
  missing_claim = 21,    // a required claim is absent
  bad_claim = 22,        // a registered claim has the wrong JSON type or range
  // Key loading (cold path).
  bad_key = 23,          // key material unparseable or inconsistent (e.g. point not on curve)
  weak_key = 24,         // RSA < 2048 bits, bad exponent, HMAC shorter than its hash
  unsupported_key = 25,  // unknown kty / crv, or a key type jve does not verify with
  key_not_for_signing = 26,  // use is not "sig", or key_ops lacks "verify"
  key_alg_mismatch = 27, // the key's own alg or type does not fit the token's alg
  internal_error = 28,   // BoringSSL failed in an unexpected way (e.g. out of memory)
  // Authorization (after a successful verify; jve/authz.h). Distinct from
  // every code above: the token is genuine, the request is not allowed
  // (HTTP 403, never 401).
  insufficient_scope = 29,  // a required scope is not granted (scope / scp)
  forbidden = 30,           // another authorization requirement is not met
  // Revocation (stage 8, after the claims): the token is genuine and in its
  // validity period, but a revocation list names it, its subject or its key.
  revoked = 31,
  num_statuses              // keep last
};

// to_string returns the stable snake_case name of |s| ("bad_base64"), for logs
// and metrics. Unknown values give "unknown". Never allocates.
std::string_view to_string(Status s) noexcept;

// message returns a one-line human description of |s|; wording may change.
std::string_view message(Status s) noexcept;

}  // namespace jve
