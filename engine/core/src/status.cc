#include "jve/status.h"

#include <cstddef>

namespace jve {
namespace {

// Plain const char* tables: a lookup allocates nothing and needs no
// destructor. Order must match the enum; status_test checks it.
constexpr const char* kNames[] = {
    "ok",
    "malformed",
    "too_large",
    "bad_base64",
    "bad_json",
    "duplicate_member",
    "too_deep",
    "bad_header",
    "alg_not_allowed",
    "unsupported_crit",
    "bad_typ",
    "missing_kid",
    "key_not_found",
    "ambiguous_key",
    "bad_signature",
    "expired",
    "not_yet_valid",
    "too_old",
    "issued_in_future",
    "bad_issuer",
    "bad_audience",
    "missing_claim",
    "bad_claim",
    "bad_key",
    "weak_key",
    "unsupported_key",
    "key_not_for_signing",
    "key_alg_mismatch",
    "internal_error",
    "insufficient_scope",
    "forbidden",
    "revoked",
};

constexpr const char* kMessages[] = {
    "the token is valid",
    "the token is not three '.'-separated segments (compact JWS), or a segment is empty",
    "the token is longer than the policy's maximum size",
    "a segment is not strict base64url (RFC 7515 section 2)",
    "the header or payload is not a strict UTF-8 JSON object",
    "a JSON object names the same member twice",
    "the JSON nesting is deeper than the policy allows",
    "the header lacks alg, or a header parameter has the wrong type",
    "the algorithm is unknown, 'none', or not allowed by the policy",
    "the header's crit names a parameter that is not understood",
    "the header's typ is missing or not the one the policy requires",
    "the header has no kid and the policy requires one",
    "no configured key has this kid or fits this algorithm",
    "more than one configured key fits this token; refusing to guess",
    "the signature does not verify",
    "the token has expired (exp)",
    "the token is not valid yet (nbf)",
    "the token is older than the policy's maximum age (iat)",
    "the token was issued in the future (iat)",
    "the issuer (iss) is not accepted",
    "the audience (aud) does not match",
    "a required claim is missing",
    "a registered claim has the wrong type or an out-of-range value",
    "the key is malformed or inconsistent",
    "the key is too weak (RSA below 2048 bits, bad exponent, or HMAC key shorter than the hash)",
    "the key type or curve is not supported",
    "the key is not meant for verifying signatures (use / key_ops)",
    "the key does not fit the token's algorithm",
    "internal error in the crypto library",
    "the token does not grant a scope the request requires",
    "the token's claims do not meet the request's authorization requirements",
    "the token has been revoked",
};

static_assert(std::size(kNames) == static_cast<size_t>(Status::num_statuses));
static_assert(std::size(kMessages) == static_cast<size_t>(Status::num_statuses));

}  // namespace

std::string_view to_string(Status s) noexcept {
  auto i = static_cast<size_t>(s);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

std::string_view message(Status s) noexcept {
  auto i = static_cast<size_t>(s);
  return i < std::size(kMessages) ? kMessages[i] : "unknown status";
}

}  // namespace jve
