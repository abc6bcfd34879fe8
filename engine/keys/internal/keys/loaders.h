// Internal pieces shared by the JWK, PEM and secret loaders and by KeySet.
// Cold path: these allocate, and report failures as Status plus a sentence.
#pragma once

#include <openssl/ec_key.h>
#include <openssl/rsa.h>
#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/key_material.h"
#include "json/strict.h"
#include "jve/alg.h"
#include "jve/key_set.h"
#include "jve/result.h"
#include "jve/status.h"

namespace jve::keys {

// Validated, prepared key material and the type it gives the key.
struct Built {
  KeyType type;
  std::unique_ptr<crypto::KeyMaterial> material;
};

// fail writes |message| to |*why| when |why| is given and returns |s|.
Status fail(std::string* why, Status s, std::string message);

// quoted renders an untrusted string for a message: in double quotes,
// shortened, with anything outside printable ASCII escaped.
std::string quoted(std::string_view s);

// type_fits tells whether key type |t| can verify |a| (family and curve).
bool type_fits(KeyType t, Alg a) noexcept;

// build_rsa checks jve's strength rules (modulus >= 2048 bits, exponent odd
// and >= 3) and BoringSSL's limits, then prepares the key.
Result<Built> build_rsa(bssl::UniquePtr<RSA> rsa, std::string* why);
// build_ec accepts P-256, P-384 and P-521 points on their curve.
Result<Built> build_ec(bssl::UniquePtr<EC_KEY> ec, std::string* why);
// build_ed25519 refuses small-order points (weak_key) and non-canonical
// encodings (bad_key); see crypto::ed25519_key_flaw.
Result<Built> build_ed25519(std::span<const uint8_t, 32> pub, std::string* why);
// build_hmac refuses secrets shorter than 32 bytes, or than the hash of a
// pinned HS384/HS512 (weak_key).
Result<Built> build_hmac(std::span<const uint8_t> secret, std::optional<Alg> pinned,
                         std::string* why);

// make_key checks that a pinned |alg| fits the key (else key_alg_mismatch)
// and makes the Key.
Result<std::shared_ptr<const Key>> make_key(Built built, std::optional<std::string> kid,
                                            std::optional<Alg> alg, std::string* why);

// key_from_jwk_element loads one parsed JWK. The JWK's string kid and its
// key type (when kty and crv name one) are written to |*identity| even if
// loading fails, so a KeySet can say which key it left out.
Result<std::shared_ptr<const Key>> key_from_jwk_element(simdjson::dom::element jwk,
                                                        std::string* why, KeyIssue* identity);

// parse_key_document parses a JWK or JWKS document (|what| names it in
// messages) strictly into |root|, which must be an object: bad_json,
// duplicate_member or internal_error otherwise.
Status parse_key_document(std::string_view json, std::string_view what, json::StrictParser& parser,
                          simdjson::padded_string& storage, simdjson::dom::element& root,
                          std::string* why);

// The deepest JWK / JWKS documents we parse (x5c arrays inside keys inside
// "keys" are three levels; leave room for extension members).
inline constexpr uint32_t kMaxJwkDepth = 32;

}  // namespace jve::keys
