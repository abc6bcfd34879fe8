// KeyData, the fit and strength rules, and key generation.
#include "keyformat/key.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "common.h"

namespace jve::keyformat {

using detail::fail;
using detail::Family;

namespace {

// The secret's bytes are wiped before they are freed: key files are the
// one place the tools hold secrets.
struct WipingDelete {
  void operator()(const std::vector<uint8_t>* v) const noexcept {
    auto* bytes = const_cast<std::vector<uint8_t>*>(v);
    OPENSSL_cleanse(bytes->data(), bytes->size());
    delete bytes;
  }
};

std::string quoted_alg(Alg alg) { return std::string(alg_name(alg)); }

}  // namespace

KeyData KeyData::from_secret(std::span<const uint8_t> secret) {
  KeyData k;
  k.secret_ = std::shared_ptr<const std::vector<uint8_t>>(
      new std::vector<uint8_t>(secret.begin(), secret.end()), WipingDelete());
  k.type_ = KeyType::oct;
  k.is_private_ = true;
  return k;
}

Result<KeyData> KeyData::from_pkey(bssl::UniquePtr<EVP_PKEY> pkey, std::string* why) {
  KeyData k;
  switch (EVP_PKEY_id(pkey.get())) {
    case EVP_PKEY_RSA:
      k.type_ = KeyType::rsa;
      k.is_private_ = RSA_get0_d(EVP_PKEY_get0_RSA(pkey.get())) != nullptr;
      break;
    case EVP_PKEY_EC: {
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey.get());
      const detail::Curve* curve = detail::curve_by_nid(EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)));
      if (curve == nullptr) {
        return fail(why, Status::unsupported_key,
                    "EC key on a curve JWS does not use (P-256, P-384, P-521 only)");
      }
      k.type_ = curve->type;
      k.is_private_ = EC_KEY_get0_private_key(ec) != nullptr;
      break;
    }
    case EVP_PKEY_ED25519: {
      size_t len = 0;
      // Asking for the private key's length fails for a public-only key.
      k.type_ = KeyType::ed25519;
      k.is_private_ = EVP_PKEY_get_raw_private_key(pkey.get(), nullptr, &len) == 1;
      ERR_clear_error();
      break;
    }
    default:
      return fail(why, Status::unsupported_key,
                  "unsupported key type (RSA, EC P-256/384/521 and Ed25519 only)");
  }
  k.pkey_ = std::shared_ptr<EVP_PKEY>(pkey.release(), EVP_PKEY_free);
  return k;
}

std::span<const uint8_t> KeyData::secret() const noexcept {
  if (!secret_) return {};
  return *secret_;
}

std::string describe(const KeyData& key) {
  if (key.empty()) return "no key";
  switch (key.type()) {
    case KeyType::oct: return "oct " + std::to_string(key.secret().size() * 8);
    case KeyType::rsa: return "RSA " + std::to_string(EVP_PKEY_bits(key.pkey()));
    case KeyType::ed25519: return "OKP Ed25519";
    case KeyType::ec_p256: case KeyType::ec_p384: case KeyType::ec_p521: break;
  }
  return "EC " + std::string(detail::curve_by_type(key.type())->crv);
}

KeyType key_type_for(Alg alg) noexcept {
  switch (detail::family(alg)) {
    case Family::hmac: return KeyType::oct;
    case Family::rsa_pkcs1:
    case Family::rsa_pss: return KeyType::rsa;
    case Family::ecdsa: return detail::curve_by_alg(alg)->type;
    case Family::eddsa: break;
  }
  return KeyType::ed25519;
}

Status check_fits(const KeyData& key, Alg alg, std::string* why) {
  if (key.empty()) return fail(why, Status::bad_key, "no key was given");
  if (key.type() == key_type_for(alg)) return Status::ok;
  if (key_type_for(alg) == KeyType::oct) {
    return fail(why, Status::key_alg_mismatch,
                quoted_alg(alg) + " needs an HMAC secret; this key is " + describe(key));
  }
  return fail(why, Status::key_alg_mismatch,
              quoted_alg(alg) + " cannot be used with this key (" + describe(key) + ")");
}

Status check_strength(const KeyData& key, Alg alg, std::string* why) {
  if (key.empty()) return fail(why, Status::bad_key, "no key was given");
  if (key.type() == KeyType::rsa && EVP_PKEY_bits(key.pkey()) < 2048) {
    return fail(why, Status::weak_key,
                "weak key: " + describe(key) + " bits; jve rejects RSA keys under 2048 bits");
  }
  if (key.type() == KeyType::oct && key.secret().size() < hmac_min_key_len(alg)) {
    return fail(why, Status::weak_key,
                "weak key: the HMAC secret has " + std::to_string(key.secret().size()) +
                    " bytes; " + quoted_alg(alg) + " needs at least " +
                    std::to_string(hmac_min_key_len(alg)));
  }
  return Status::ok;
}

Result<KeyData> generate(Alg alg, int bits, std::string* why) {
  const auto internal = [&](const char* what) {
    return fail(why, Status::internal_error,
                std::string(what) + " failed (" + detail::boringssl_error() + ")");
  };
  bssl::UniquePtr<EVP_PKEY> pkey;
  switch (detail::family(alg)) {
    case Family::hmac: {
      if (bits < 0 || bits % 8 != 0 || bits > 65536) {
        return fail(why, Status::bad_key, "HMAC secrets are generated with a multiple of 8 bits, up to 65536");
      }
      const size_t len = bits == 0 ? hmac_min_key_len(alg) : static_cast<size_t>(bits) / 8;
      std::vector<uint8_t> secret(len);
      RAND_bytes(secret.data(), secret.size());
      KeyData key = KeyData::from_secret(secret);
      OPENSSL_cleanse(secret.data(), secret.size());
      return key;
    }
    case Family::rsa_pkcs1:
    case Family::rsa_pss: {
      if (bits == 0) bits = 2048;
      if (bits < 1024 || bits > 16384 || bits % 8 != 0) {
        return fail(why, Status::bad_key,
                    "RSA keys are generated with 1024 to 16384 bits, a multiple of 8");
      }
      bssl::UniquePtr<RSA> rsa(RSA_new());
      bssl::UniquePtr<BIGNUM> e(BN_new());
      if (!rsa || !e || !BN_set_word(e.get(), RSA_F4) ||
          !RSA_generate_key_ex(rsa.get(), bits, e.get(), nullptr)) {
        return internal("RSA key generation");
      }
      pkey = detail::wrap_rsa(std::move(rsa));
      break;
    }
    case Family::ecdsa: {
      if (bits != 0) return fail(why, Status::bad_key, quoted_alg(alg) + " keys have a fixed size");
      bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(detail::curve_by_alg(alg)->nid));
      if (!ec || !EC_KEY_generate_key(ec.get())) return internal("EC key generation");
      pkey = detail::wrap_ec(std::move(ec));
      break;
    }
    case Family::eddsa: {
      if (bits != 0) return fail(why, Status::bad_key, "Ed25519 keys have a fixed size");
      uint8_t seed[32];
      RAND_bytes(seed, sizeof seed);
      pkey.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, sizeof seed));
      OPENSSL_cleanse(seed, sizeof seed);
      if (!pkey) return internal("Ed25519 key generation");
      break;
    }
  }
  if (!pkey) return internal("EVP_PKEY_new");
  return KeyData::from_pkey(std::move(pkey), why);
}

}  // namespace jve::keyformat
