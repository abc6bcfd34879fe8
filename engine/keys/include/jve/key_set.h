// jve/key_set.h: prepared verification keys and immutable sets of them.
//
// Keys are parsed, validated and prepared once (HMAC pad states, RSA public
// key, EC point checked on its curve, Ed25519 bytes) and are then immutable,
// so one Key or KeySet may be shared by any number of threads.
//
// Ed25519 public keys that let anyone forge signatures, or that are not an
// encoding RFC 8032 decodes, are refused by every loader (JWK, JWKS, PEM
// SPKI, X.509), once, at load; verification pays nothing for it:
//  - weak_key: a point of small order, canonically encoded: the identity, the
//    point of order 2 (y = p - 1), the two of order 4 (y = 0) and the four of
//    order 8. For such a key A the signature (R = identity, S = 0) verifies
//    every message whose hash k gives [k]A = identity: every message for the
//    identity, about half of them for the order-2 point. The bytes are a
//    valid key that protects nothing, as a 1024-bit RSA modulus is; hence
//    weak_key, not bad_key.
//  - bad_key: a non-canonical encoding: y >= p (which includes y + p for the
//    small-order points with y = 0 and y = 1), or x = 0 with the sign bit set
//    (the identity and the order-2 point with the sign bit). RFC 8032 §5.1.3
//    says decoding fails for these bytes, so they are malformed key material,
//    as an EC point off its curve is: one answer per byte string, whichever
//    point a lenient decoder would make of it.
// Points off the curve still load: BoringSSL refuses every signature for
// them, so they cannot be forged against (no curve arithmetic here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jve/alg.h"
#include "jve/result.h"
#include "jve/status.h"

namespace jve {

namespace crypto {
struct KeyMaterial;  // the prepared crypto state (engine/crypto, internal)
}
namespace keys {
struct KeyAccess;    // how the engine's components build and use keys (internal)
}

enum class KeyType : uint8_t { oct, rsa, ec_p256, ec_p384, ec_p521, ed25519 };

// key_type_name returns "oct", "RSA", "EC P-256", ... for messages.
std::string_view key_type_name(KeyType t) noexcept;

// KeyOptions carries what a PEM file or a raw secret cannot say itself.
struct KeyOptions {
  std::optional<std::string> kid;  // nullopt: the key has no kid
  std::optional<Alg> alg;          // pins the key to one algorithm
};

class Key {
 public:
  // from_jwk parses one JWK (RFC 7517 §4: kty RSA/EC/OKP/oct, kid, alg, use,
  // key_ops; private members are ignored). On failure returns bad_json,
  // bad_key, weak_key, unsupported_key, key_not_for_signing or
  // key_alg_mismatch, and when |why| is given writes a sentence naming the
  // member at fault.
  static Result<std::shared_ptr<const Key>> from_jwk(std::string_view json,
                                                     std::string* why = nullptr);

  // from_pem parses a PEM SPKI public key ("PUBLIC KEY"), a PKCS#1 RSA public
  // key ("RSA PUBLIC KEY") or an X.509 certificate ("CERTIFICATE"; only its
  // public key is used, the certificate itself is not validated).
  static Result<std::shared_ptr<const Key>> from_pem(std::string_view pem,
                                                     const KeyOptions& options = {},
                                                     std::string* why = nullptr);

  // from_secret makes an HMAC key from raw bytes. Shorter than 32 bytes, or
  // shorter than the hash of a pinned HS384/HS512, is weak_key.
  static Result<std::shared_ptr<const Key>> from_secret(std::span<const uint8_t> secret,
                                                        const KeyOptions& options = {},
                                                        std::string* why = nullptr);

  ~Key();
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;

  const std::optional<std::string>& kid() const noexcept { return kid_; }
  KeyType type() const noexcept { return type_; }
  std::optional<Alg> alg() const noexcept { return alg_; }

  // fits tells whether this key may verify |a|: the key type matches the
  // algorithm family (and curve), and a pinned alg equals |a|. Key strength
  // for |a| is checked separately by check_strength.
  bool fits(Alg a) const noexcept;

  // check_strength returns weak_key when the key is too short for |a| (an
  // HMAC key shorter than a's hash output), else ok.
  Status check_strength(Alg a) const noexcept;


 private:
  // Keys are made only by the loaders above, from validated material.
  friend struct keys::KeyAccess;
  Key(std::optional<std::string> kid, KeyType type, std::optional<Alg> alg,
      std::unique_ptr<const crypto::KeyMaterial> material);

  std::optional<std::string> kid_;
  KeyType type_;
  std::optional<Alg> alg_;
  std::unique_ptr<const crypto::KeyMaterial> material_;
};

// KeyIssue describes a key that a loader left out.
struct KeyIssue {
  size_t index = 0;                // position in the JWKS "keys" array
  std::optional<std::string> kid;  // when the key named one
  std::optional<KeyType> type;     // when the key got far enough to tell
  Status status = Status::bad_key;
  std::string why;                 // a sentence naming what is wrong
};

// KeySet is an immutable set of keys indexed by kid. Keys that a loader left
// out are remembered by kid, so a token asking for one of them fails with the
// key's own status (weak_key, ...) rather than key_not_found.
class KeySet {
 public:
  KeySet() = default;
  explicit KeySet(std::vector<std::shared_ptr<const Key>> keys,
                  std::vector<KeyIssue> left_out = {});

  // from_jwks parses a JWKS ({"keys": [...]}) or a single JWK. Keys that
  // cannot serve are left out and listed in left_out(). Fails (bad_json, or
  // bad_key for a JWKS without a "keys" array) only when the document as a
  // whole is unusable.
  static Result<KeySet> from_jwks(std::string_view json, std::string* why = nullptr);

  // select applies docs/design.md's rule: the candidates are the keys usable for
  // |alg| (they fit it: key type, curve, pinned alg; and are strong enough
  // for it: an HMAC key at least as long as the hash) and, when |kid| is
  // given, have exactly that kid. Exactly one candidate is required; two or
  // more is ambiguous_key. A key that fits but is too short for |alg| is
  // not a candidate, so a 32-byte and a 64-byte HMAC key without kid serve
  // an HS512 token with the 64-byte one. With no candidate, the most
  // specific reason wins: a key that fits but is too weak gives weak_key;
  // else, with |kid|, a left-out key with that kid gives its own status,
  // keys with that kid that do not fit give key_alg_mismatch, and no key
  // with it key_not_found; without |kid|, a left-out key whose type fits
  // |alg| gives its status (a 1024-bit RSA key for an RS256 token is
  // weak_key), else key_not_found. Never allocates; thread-safe.
  [[nodiscard]] Status select(Alg alg, const std::string_view* kid,
                              const Key** out) const noexcept;

  size_t size() const noexcept { return keys_.size(); }
  const std::vector<std::shared_ptr<const Key>>& keys() const noexcept { return keys_; }
  const std::vector<KeyIssue>& left_out() const noexcept { return left_out_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::vector<std::shared_ptr<const Key>> keys_;
  std::vector<KeyIssue> left_out_;
  // kid -> indexes into keys_ (several when kids repeat: then ambiguous).
  std::unordered_map<std::string, std::vector<uint32_t>, Hash, std::equal_to<>> by_kid_;
  std::unordered_map<std::string, Status, Hash, std::equal_to<>> left_out_by_kid_;
};

}  // namespace jve
