// testkit.cc: see testkit.h. Everything is keyformat's; this file turns its
// errors into exceptions, which is what tests want.
#include "testkit.h"

#include <functional>
#include <stdexcept>
#include <utility>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/digest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "jve/result.h"
#include "keyformat/jwk.h"
#include "keyformat/pem.h"
#include "keyformat/sign.h"

namespace jve::testkit {
namespace {

// value returns |r|'s value, or throws with keyformat's sentence.
template <class T>
T value(Result<T> r, const std::string& why) {
  if (!r.ok()) throw std::runtime_error("testkit: " + std::string(to_string(r.status())) + ": " + why);
  return std::move(*r);
}

// pem_text returns what |write| writes to a memory BIO; throws if it fails.
std::string pem_text(const char* what, const std::function<int(BIO*)>& write) {
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (!bio || !write(bio.get()) || !BIO_mem_contents(bio.get(), &data, &len)) {
    throw std::runtime_error(std::string("testkit: cannot write ") + what);
  }
  return std::string(reinterpret_cast<const char*>(data), len);
}

}  // namespace

std::string SigningKey::jwk(bool with_alg, bool with_private) const {
  const keyformat::JwkParams params{kid, with_alg ? std::string(alg_name(alg)) : "", "sig"};
  std::string why;
  return value(keyformat::write_jwk(key_, params,
                                    with_private ? keyformat::JwkMembers::with_private
                                                 : keyformat::JwkMembers::public_only,
                                    &why),
               why);
}

std::string SigningKey::public_jwk(bool with_alg) const { return jwk(with_alg, false); }
std::string SigningKey::private_jwk(bool with_alg) const { return jwk(with_alg, true); }

std::string SigningKey::public_pem() const {
  if (key_.pkey() == nullptr) return {};
  std::string why;
  return value(keyformat::write_pem(key_, keyformat::PemForm::spki, &why), why);
}

std::string SigningKey::private_pem() const {
  if (key_.pkey() == nullptr) return {};
  std::string why;
  return value(keyformat::write_pem(key_, keyformat::PemForm::pkcs8, &why), why);
}

std::vector<uint8_t> SigningKey::secret() const {
  const std::span<const uint8_t> s = key_.secret();
  return std::vector<uint8_t>(s.begin(), s.end());
}

SigningKey generate_key(Alg alg, std::string kid, int rsa_bits) {
  SigningKey key;
  key.alg = alg;
  key.kid = std::move(kid);
  const int bits = keyformat::key_type_for(alg) == KeyType::rsa ? rsa_bits : 0;
  std::string why;
  key.key_ = value(keyformat::generate(alg, bits, &why), why);
  return key;
}

std::optional<SigningKey> load_private_key_pem(Alg alg, std::string_view pem, std::string kid) {
  Result<std::vector<keyformat::PemKey>> keys = keyformat::read_pem(pem);
  if (!keys.ok() || keys->empty() || !keys->front().key.is_private() ||
      keyformat::check_fits(keys->front().key, alg) != Status::ok) {
    return std::nullopt;
  }
  SigningKey key;
  key.alg = alg;
  key.kid = std::move(kid);
  key.key_ = keys->front().key;
  return key;
}

std::optional<SigningKey> key_from_secret(Alg alg, std::span<const uint8_t> secret,
                                          std::string kid) {
  if (hmac_min_key_len(alg) == 0) return std::nullopt;
  SigningKey key;
  key.alg = alg;
  key.kid = std::move(kid);
  key.key_ = keyformat::KeyData::from_secret(secret);
  return key;
}

std::vector<uint8_t> sign_bytes(const SigningKey& key, std::string_view input) {
  std::string why;
  return value(keyformat::sign(key.key(), key.alg, input, &why), why);
}

std::string sign_raw_segments(const SigningKey& key, std::string_view header_b64,
                              std::string_view payload_b64) {
  std::string why;
  return value(keyformat::sign_segments(key.key(), key.alg, header_b64, payload_b64, &why), why);
}

std::string sign(const SigningKey& key, std::string_view header, std::string_view payload) {
  std::string why;
  return value(keyformat::sign_compact(key.key(), key.alg, header, payload, &why), why);
}

std::string jwks(const std::vector<const SigningKey*>& keys, bool with_alg) {
  std::vector<std::string> jwks;
  jwks.reserve(keys.size());
  for (const SigningKey* k : keys) jwks.push_back(k->public_jwk(with_alg));
  return keyformat::write_jwks(jwks);
}

std::string jwks(std::initializer_list<const SigningKey*> keys, bool with_alg) {
  return jwks(std::vector<const SigningKey*>(keys), with_alg);
}

std::string jwks(const std::vector<SigningKey>& keys, bool with_alg) {
  std::vector<const SigningKey*> ptrs;
  ptrs.reserve(keys.size());
  for (const SigningKey& k : keys) ptrs.push_back(&k);
  return jwks(ptrs, with_alg);
}

std::string header_json(Alg alg, std::string_view kid, std::string_view typ) {
  return keyformat::jose_header(alg_name(alg), kid, typ);
}

std::vector<Alg> all_algs() {
  std::vector<Alg> out;
  for (int i = 0; i < kNumAlgs; ++i) out.push_back(static_cast<Alg>(i));
  return out;
}

std::string pkcs1_public_pem(const SigningKey& key) {
  return pem_text("RSA PUBLIC KEY", [&](BIO* bio) {
    const RSA* rsa = EVP_PKEY_get0_RSA(key.pkey());
    return rsa != nullptr && PEM_write_bio_RSAPublicKey(bio, rsa);
  });
}

std::string pkcs1_private_pem(const SigningKey& key) {
  return pem_text("RSA PRIVATE KEY", [&](BIO* bio) {
    RSA* rsa = EVP_PKEY_get0_RSA(key.pkey());
    return rsa != nullptr &&
           PEM_write_bio_RSAPrivateKey(bio, rsa, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

std::string sec1_private_pem(const SigningKey& key) {
  return pem_text("EC PRIVATE KEY", [&](BIO* bio) {
    EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key.pkey());
    return ec != nullptr &&
           PEM_write_bio_ECPrivateKey(bio, ec, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

std::string certificate_pem(const SigningKey& key) {
  return pem_text("CERTIFICATE", [&](BIO* bio) {
    bssl::UniquePtr<X509> x(X509_new());
    if (!x || !X509_set_version(x.get(), X509_VERSION_3) ||
        !ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1) ||
        !X509_gmtime_adj(X509_getm_notBefore(x.get()), 0) ||
        !X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600) ||
        !X509_set_pubkey(x.get(), key.pkey())) {
      return false;
    }
    X509_NAME* name = X509_get_subject_name(x.get());
    return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                      reinterpret_cast<const uint8_t*>("jve test"), -1, -1, 0) &&
           X509_set_issuer_name(x.get(), name) && X509_sign(x.get(), key.pkey(), EVP_sha256()) &&
           PEM_write_bio_X509(bio, x.get());
  });
}

std::string tamper_signature(std::string token) {
  const size_t dot = token.rfind('.');
  if (dot == std::string::npos || dot + 1 >= token.size()) return token + "A";
  const size_t i = dot + 1 + (token.size() - dot - 1) / 2;
  token[i] = token[i] == 'A' ? 'B' : 'A';
  return token;
}

}  // namespace jve::testkit
