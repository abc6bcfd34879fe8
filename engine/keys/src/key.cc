// Key: construction, fit and strength rules, and the builders every loader
// shares (docs/design.md "Algorithm and key").
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/nid.h>

#include <cstdio>
#include <utility>

#include "crypto/key_material.h"
#include "keys/key_access.h"
#include "keys/loaders.h"

namespace jve {

std::string_view key_type_name(KeyType t) noexcept {
  switch (t) {
    case KeyType::oct: return "oct";
    case KeyType::rsa: return "RSA";
    case KeyType::ec_p256: return "EC P-256";
    case KeyType::ec_p384: return "EC P-384";
    case KeyType::ec_p521: return "EC P-521";
    case KeyType::ed25519: return "OKP Ed25519";
  }
  return "unknown";
}

Key::Key(std::optional<std::string> kid, KeyType type, std::optional<Alg> alg,
         std::unique_ptr<const crypto::KeyMaterial> material)
    : kid_(std::move(kid)), type_(type), alg_(alg), material_(std::move(material)) {}

Key::~Key() = default;

bool Key::fits(Alg a) const noexcept {
  return keys::type_fits(type_, a) && (!alg_ || *alg_ == a);
}

Status Key::check_strength(Alg a) const noexcept {
  // RSA strength is a load-time rule (any RS/PS alg needs >= 2048 bits), so
  // only HMAC depends on the alg: RFC 7518 §3.2 wants a key at least as long
  // as the hash output, and an unpinned 32-byte key is fine for HS256 only.
  if (type_ == KeyType::oct && material_->hmac_key_len < hmac_min_key_len(a)) {
    return Status::weak_key;
  }
  return Status::ok;
}

Result<std::shared_ptr<const Key>> Key::from_secret(std::span<const uint8_t> secret,
                                                    const KeyOptions& options,
                                                    std::string* why) {
  Result<keys::Built> built = keys::build_hmac(secret, options.alg, why);
  if (!built.ok()) return built.status();
  return keys::make_key(std::move(*built), options.kid, options.alg, why);
}

namespace keys {

Status fail(std::string* why, Status s, std::string message) {
  if (why != nullptr) *why = std::move(message);
  return s;
}

std::string quoted(std::string_view s) {
  constexpr size_t kMaxShown = 48;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > kMaxShown) out += "...";
  out += '"';
  return out;
}

bool type_fits(KeyType t, Alg a) noexcept {
  switch (a) {
    case Alg::HS256: case Alg::HS384: case Alg::HS512:
      return t == KeyType::oct;
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
    case Alg::PS256: case Alg::PS384: case Alg::PS512:
      return t == KeyType::rsa;
    // RFC 7518 §3.4: each ES alg names one curve; ES256 with a P-384 key is
    // not a thing.
    case Alg::ES256: return t == KeyType::ec_p256;
    case Alg::ES384: return t == KeyType::ec_p384;
    case Alg::ES512: return t == KeyType::ec_p521;
    case Alg::EdDSA: return t == KeyType::ed25519;
  }
  return false;
}

namespace {

std::unique_ptr<crypto::KeyMaterial> new_material() {
  return std::make_unique<crypto::KeyMaterial>();
}

constexpr unsigned kMinRsaBits = 2048;
// BoringSSL refuses larger moduli and exponents (rsa_check_public_key).
constexpr unsigned kMaxRsaBits = 16384;
constexpr unsigned kMaxRsaExponentBits = 33;

}  // namespace

Result<Built> build_rsa(bssl::UniquePtr<RSA> rsa, std::string* why) {
  const BIGNUM* n = RSA_get0_n(rsa.get());
  const BIGNUM* e = RSA_get0_e(rsa.get());
  if (n == nullptr || e == nullptr || BN_is_zero(n)) {
    return fail(why, Status::bad_key, "RSA key has no modulus or no public exponent");
  }
  const unsigned bits = BN_num_bits(n);
  if (bits < kMinRsaBits) {
    return fail(why, Status::weak_key,
                "RSA modulus is " + std::to_string(bits) + " bits; at least 2048 are required");
  }
  if (bits > kMaxRsaBits) {
    return fail(why, Status::unsupported_key,
                "RSA modulus is " + std::to_string(bits) + " bits; at most 16384 are supported");
  }
  if (!BN_is_odd(n)) return fail(why, Status::bad_key, "RSA modulus is even");
  if (BN_num_bits(e) > kMaxRsaExponentBits) {
    return fail(why, Status::unsupported_key,
                "RSA public exponent is " + std::to_string(BN_num_bits(e)) +
                    " bits; at most 33 are supported");
  }
  if (!BN_is_odd(e) || BN_cmp_word(e, 3) < 0) {
    return fail(why, Status::weak_key,
                "RSA public exponent is " + std::to_string(BN_get_word(e)) +
                    "; it must be odd and at least 3");
  }
  auto m = new_material();
  if (Status s = crypto::prepare_rsa(std::move(rsa), *m); s != Status::ok) {
    return fail(why, s, "BoringSSL refused the RSA public key");
  }
  return Built{KeyType::rsa, std::move(m)};
}

Result<Built> build_ec(bssl::UniquePtr<EC_KEY> ec, std::string* why) {
  const EC_GROUP* group = ec ? EC_KEY_get0_group(ec.get()) : nullptr;
  if (group == nullptr) return fail(why, Status::bad_key, "EC key has no curve");
  KeyType type;
  switch (EC_GROUP_get_curve_name(group)) {
    case NID_X9_62_prime256v1: type = KeyType::ec_p256; break;
    case NID_secp384r1: type = KeyType::ec_p384; break;
    case NID_secp521r1: type = KeyType::ec_p521; break;
    default:
      return fail(why, Status::unsupported_key,
                  "EC key is on a curve other than P-256, P-384 and P-521");
  }
  auto m = new_material();
  if (Status s = crypto::prepare_ec(std::move(ec), *m); s != Status::ok) {
    return fail(why, s,
                "EC public point is not a valid point of " +
                    std::string(key_type_name(type).substr(3)));
  }
  return Built{type, std::move(m)};
}

Result<Built> build_ed25519(std::span<const uint8_t, 32> pub, std::string* why) {
  auto m = new_material();
  switch (crypto::prepare_ed25519(pub, *m)) {
    case Status::ok: break;
    case Status::weak_key:
      return fail(why, Status::weak_key,
                  "Ed25519 public key is a point of small order: a fixed signature verifies "
                  "for many messages under it, so anyone could forge tokens");
    default:
      return fail(why, Status::bad_key,
                  "Ed25519 public key is not canonically encoded (RFC 8032 §5.1.3: its y is "
                  "not below p, or x = 0 with the sign bit set)");
  }
  return Built{KeyType::ed25519, std::move(m)};
}

Result<Built> build_hmac(std::span<const uint8_t> secret, std::optional<Alg> pinned,
                         std::string* why) {
  // RFC 7518 §3.2: "A key of the same size as the hash output ... or larger
  // MUST be used". Unpinned keys need 32 bytes (HS256) here; check_strength
  // refuses them later for HS384/HS512 if they are shorter than those hashes.
  const size_t need = hmac_min_key_len(pinned ? *pinned : Alg::HS256);
  if (secret.size() < need) {
    return fail(why, Status::weak_key,
                "HMAC key is " + std::to_string(secret.size()) + " bytes; " +
                    (pinned ? std::string(alg_name(*pinned)) : std::string("HS256")) +
                    " requires at least " + std::to_string(need));
  }
  auto m = new_material();
  if (Status s = crypto::prepare_hmac(secret, *m); s != Status::ok) {
    return fail(why, s, "could not prepare the HMAC key");
  }
  return Built{KeyType::oct, std::move(m)};
}

Result<std::shared_ptr<const Key>> make_key(Built built, std::optional<std::string> kid,
                                            std::optional<Alg> alg, std::string* why) {
  if (alg && !type_fits(built.type, *alg)) {
    return fail(why, Status::key_alg_mismatch,
                "the key's alg " + std::string(alg_name(*alg)) + " does not fit its type, " +
                    std::string(key_type_name(built.type)));
  }
  return KeyAccess::make(std::move(kid), built.type, alg, std::move(built.material));
}

}  // namespace keys
}  // namespace jve
