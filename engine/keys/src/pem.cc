// PEM (RFC 7468) -> Key: SPKI "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY" and
// X.509 "CERTIFICATE" (its public key only).
#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>

#include "keys/loaders.h"

namespace jve {
namespace keys {
namespace {

struct OpensslFree {
  void operator()(void* p) const noexcept { OPENSSL_free(p); }
};

// unsupported_in_queue drains BoringSSL's error queue and tells whether the
// failure was "I know this format but not this algorithm / curve" (for
// example a DSA or X25519 SPKI, or secp256k1) rather than garbage.
bool unsupported_in_queue() {
  bool unsupported = false;
  while (uint32_t err = ERR_get_error()) {
    const int lib = ERR_GET_LIB(err);
    const int reason = ERR_GET_REASON(err);
    unsupported |= (lib == ERR_LIB_EVP && reason == EVP_R_UNSUPPORTED_ALGORITHM) ||
                   (lib == ERR_LIB_EC && reason == EC_R_UNKNOWN_GROUP);
  }
  ERR_clear_error();
  return unsupported;
}

Result<Built> from_evp(const EVP_PKEY* pkey, std::string_view what, std::string* why) {
  switch (EVP_PKEY_id(pkey)) {
    case EVP_PKEY_RSA:
      return build_rsa(bssl::UniquePtr<RSA>(EVP_PKEY_get1_RSA(pkey)), why);
    case EVP_PKEY_EC:
      return build_ec(bssl::UniquePtr<EC_KEY>(EVP_PKEY_get1_EC_KEY(pkey)), why);
    case EVP_PKEY_ED25519: {
      uint8_t pub[32];
      size_t len = sizeof(pub);
      if (!EVP_PKEY_get_raw_public_key(pkey, pub, &len) || len != sizeof(pub)) {
        ERR_clear_error();
        return fail(why, Status::bad_key, std::string(what) + " holds a malformed Ed25519 key");
      }
      return build_ed25519(pub, why);
    }
    default:
      return fail(why, Status::unsupported_key,
                  std::string(what) +
                      " holds a key type jve does not verify with (RSA, EC P-256/384/521 "
                      "and Ed25519 are supported)");
  }
}

Result<Built> from_spki(CBS* der, std::string* why) {
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_parse_public_key(der));
  if (!pkey) {
    if (unsupported_in_queue()) {
      return fail(why, Status::unsupported_key,
                  "PEM PUBLIC KEY is of a key type or curve jve does not verify with");
    }
    return fail(why, Status::bad_key, "PEM PUBLIC KEY is not a valid SubjectPublicKeyInfo");
  }
  if (CBS_len(der) != 0) {
    return fail(why, Status::bad_key, "PEM PUBLIC KEY has bytes after its SubjectPublicKeyInfo");
  }
  return from_evp(pkey.get(), "PEM PUBLIC KEY", why);
}

Result<Built> from_pkcs1(CBS* der, std::string* why) {
  bssl::UniquePtr<RSA> rsa(RSA_parse_public_key(der));
  if (!rsa || CBS_len(der) != 0) {
    ERR_clear_error();
    return fail(why, Status::bad_key, "PEM RSA PUBLIC KEY is not a valid PKCS#1 RSAPublicKey");
  }
  return build_rsa(std::move(rsa), why);
}

Result<Built> from_certificate(const uint8_t* der, size_t der_len, std::string* why) {
  // The certificate is only a container here: no chain, validity period or
  // key usage is checked (key_set.h says so), only its public key is used.
  const uint8_t* p = der;
  bssl::UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(der_len)));
  if (!cert || p != der + der_len) {
    ERR_clear_error();
    return fail(why, Status::bad_key, "PEM CERTIFICATE is not a valid X.509 certificate");
  }
  bssl::UniquePtr<EVP_PKEY> pkey(X509_get_pubkey(cert.get()));
  if (!pkey) {
    if (unsupported_in_queue()) {
      return fail(why, Status::unsupported_key,
                  "PEM CERTIFICATE holds a key type or curve jve does not verify with");
    }
    return fail(why, Status::bad_key, "PEM CERTIFICATE holds a malformed public key");
  }
  return from_evp(pkey.get(), "PEM CERTIFICATE", why);
}

}  // namespace
}  // namespace keys

Result<std::shared_ptr<const Key>> Key::from_pem(std::string_view pem, const KeyOptions& options,
                                                 std::string* why) {
  using keys::fail;
  if (pem.size() > INT_MAX) return fail(why, Status::bad_key, "PEM text is too large");
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    ERR_clear_error();
    return fail(why, Status::internal_error, "could not allocate a BIO for the PEM text");
  }
  char* name_raw = nullptr;
  char* header_raw = nullptr;
  uint8_t* data_raw = nullptr;
  long len = 0;
  // Only the first PEM block is read: for a certificate chain that is the
  // leaf, which holds the signer's key.
  const int read = PEM_read_bio(bio.get(), &name_raw, &header_raw, &data_raw, &len);
  std::unique_ptr<char, keys::OpensslFree> name(name_raw);
  std::unique_ptr<char, keys::OpensslFree> header(header_raw);
  std::unique_ptr<uint8_t, keys::OpensslFree> data(data_raw);
  if (!read || len < 0) {
    ERR_clear_error();
    return fail(why, Status::bad_key, "no PEM block was found in the text");
  }
  const std::string_view type(name.get());
  CBS der;
  CBS_init(&der, data.get(), static_cast<size_t>(len));
  Result<keys::Built> built = Status::bad_key;
  if (type == "PUBLIC KEY") {
    built = keys::from_spki(&der, why);
  } else if (type == "RSA PUBLIC KEY") {
    built = keys::from_pkcs1(&der, why);
  } else if (type == "CERTIFICATE") {
    built = keys::from_certificate(data.get(), static_cast<size_t>(len), why);
  } else if (type.find("PRIVATE KEY") != std::string_view::npos) {
    return fail(why, Status::unsupported_key,
                "PEM block is " + keys::quoted(type) +
                    "; jve verifies with public keys: give it the PUBLIC KEY");
  } else {
    return fail(why, Status::unsupported_key,
                "PEM block is " + keys::quoted(type) +
                    "; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE");
  }
  if (!built.ok()) return built.status();
  return keys::make_key(std::move(*built), options.kid, options.alg, why);
}

}  // namespace jve
