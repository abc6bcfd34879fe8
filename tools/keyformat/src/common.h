// Shared by keyformat's sources: algorithm families, the one curve table,
// base64url and BIGNUM helpers, and the error-reporting convention.
#pragma once

#include <openssl/base.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/nid.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jve/alg.h"
#include "jve/key_set.h"
#include "jve/status.h"

namespace jve::keyformat::detail {

enum class Family { hmac, rsa_pkcs1, rsa_pss, ecdsa, eddsa };
Family family(Alg alg) noexcept;

// hash_md is the SHA-2 function of |alg|; null for EdDSA, which hashes
// internally.
const EVP_MD* hash_md(Alg alg) noexcept;

// Curve is one row of the only curve table of the tools: the JWK "crv"
// name (RFC 7518 §6.2.1.1), BoringSSL's NID, the width of a coordinate, of
// the private scalar and of r and s (RFC 7518 §3.4, §6.2.1.2), and the one
// alg that uses it.
struct Curve {
  KeyType type;
  int nid;
  std::string_view crv;
  size_t field_len;
  Alg alg;
};
inline constexpr Curve kCurves[] = {
    {KeyType::ec_p256, NID_X9_62_prime256v1, "P-256", 32, Alg::ES256},
    {KeyType::ec_p384, NID_secp384r1, "P-384", 48, Alg::ES384},
    {KeyType::ec_p521, NID_secp521r1, "P-521", 66, Alg::ES512},
};
// find_curve returns the row |pred| holds for; null when none.
template <class Pred>
const Curve* find_curve(Pred pred) noexcept {
  for (const Curve& c : kCurves)
    if (pred(c)) return &c;
  return nullptr;
}
inline const Curve* curve_by_nid(int nid) noexcept {
  return find_curve([&](const Curve& c) { return c.nid == nid; });
}
inline const Curve* curve_by_crv(std::string_view crv) noexcept {
  return find_curve([&](const Curve& c) { return c.crv == crv; });
}
inline const Curve* curve_by_type(KeyType type) noexcept {
  return find_curve([&](const Curve& c) { return c.type == type; });
}
inline const Curve* curve_by_alg(Alg alg) noexcept {
  return find_curve([&](const Curve& c) { return c.alg == alg; });
}

// wrap_rsa and wrap_ec put a key into an EVP_PKEY; null when it is null or
// allocation fails (the key is freed then).
template <class Key, class Assign>
bssl::UniquePtr<EVP_PKEY> wrap_in_pkey(bssl::UniquePtr<Key> key, Assign assign) {
  bssl::UniquePtr<EVP_PKEY> pkey;
  if (key) pkey.reset(EVP_PKEY_new());
  if (pkey && !assign(pkey.get(), key.release())) pkey.reset();
  return pkey;
}
inline bssl::UniquePtr<EVP_PKEY> wrap_rsa(bssl::UniquePtr<RSA> rsa) {
  return wrap_in_pkey(std::move(rsa), EVP_PKEY_assign_RSA);
}
inline bssl::UniquePtr<EVP_PKEY> wrap_ec(bssl::UniquePtr<EC_KEY> ec) {
  return wrap_in_pkey(std::move(ec), EVP_PKEY_assign_EC_KEY);
}

// fail writes |message| to |*why| when |why| is given and returns |s|.
Status fail(std::string* why, Status s, std::string message);

// boringssl_error empties BoringSSL's error queue and returns its first
// entry as text (empty when there was none), for "(...)" in messages.
std::string boringssl_error();

// b64_bn returns |bn| big-endian in base64url, left-padded with zeros to
// |width| bytes (0: its minimal length); empty when it does not fit.
std::string b64_bn(const BIGNUM* bn, size_t width = 0);

// unb64 decodes strict base64url; false on anything else.
bool unb64(std::string_view in, std::vector<uint8_t>& out);

}  // namespace jve::keyformat::detail
