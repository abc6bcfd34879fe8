// Shared by keyformat's sources: algorithm families, the one curve table,
// base64url and BIGNUM helpers, and the error-reporting convention.
#pragma once

#include <openssl/base.h>
#include <openssl/nid.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
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
// The lookups return null when nothing matches.
const Curve* curve_by_nid(int nid) noexcept;
const Curve* curve_by_crv(std::string_view crv) noexcept;
const Curve* curve_by_type(KeyType type) noexcept;
const Curve* curve_by_alg(Alg alg) noexcept;

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
