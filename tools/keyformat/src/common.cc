#include "common.h"

#include <openssl/bn.h>
#include <openssl/digest.h>
#include <openssl/err.h>

#include "jve/base64url.h"

namespace jve::keyformat::detail {

Family family(Alg alg) noexcept {
  switch (alg) {
    case Alg::HS256: case Alg::HS384: case Alg::HS512: return Family::hmac;
    case Alg::RS256: case Alg::RS384: case Alg::RS512: return Family::rsa_pkcs1;
    case Alg::PS256: case Alg::PS384: case Alg::PS512: return Family::rsa_pss;
    case Alg::ES256: case Alg::ES384: case Alg::ES512: return Family::ecdsa;
    case Alg::EdDSA: break;
  }
  return Family::eddsa;
}

const EVP_MD* hash_md(Alg alg) noexcept {
  switch (alg) {
    case Alg::HS256: case Alg::RS256: case Alg::PS256: case Alg::ES256: return EVP_sha256();
    case Alg::HS384: case Alg::RS384: case Alg::PS384: case Alg::ES384: return EVP_sha384();
    case Alg::HS512: case Alg::RS512: case Alg::PS512: case Alg::ES512: return EVP_sha512();
    case Alg::EdDSA: break;
  }
  return nullptr;
}

Status fail(std::string* why, Status s, std::string message) {
  if (why != nullptr) *why = std::move(message);
  return s;
}

std::string boringssl_error() {
  const uint32_t err = ERR_get_error();
  ERR_clear_error();
  if (err == 0) return "";
  char buf[256];
  ERR_error_string_n(err, buf, sizeof buf);
  return buf;
}

std::string b64_bn(const BIGNUM* bn, size_t width) {
  std::vector<uint8_t> bytes(width != 0 ? width : BN_num_bytes(bn));
  if (!BN_bn2bin_padded(bytes.data(), bytes.size(), bn)) return {};
  return base64url::encode(bytes);
}

bool unb64(std::string_view in, std::vector<uint8_t>& out) {
  out.resize(base64url::decoded_max_len(in.size()));
  size_t len = 0;
  if (base64url::decode(in, out.data(), &len) != Status::ok) return false;
  out.resize(len);
  return true;
}

}  // namespace jve::keyformat::detail
