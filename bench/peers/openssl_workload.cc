// openssl_workload.cc: see openssl_workload.h.
#include "openssl_workload.h"

#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "workload.h"

namespace jve::bench::peers {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("OpenSSL: " + what); }

std::string b64url(const uint8_t* d, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = uint32_t{d[i]} << 16 | uint32_t{d[i + 1]} << 8 | d[i + 2];
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const uint32_t v = uint32_t{d[i]} << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    const uint32_t v = uint32_t{d[i]} << 16 | uint32_t{d[i + 1]} << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string b64url(std::string_view s) {
  return b64url(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

const EVP_MD* md_for(std::string_view alg) {
  if (alg == "EdDSA") return nullptr;
  const std::string_view bits = alg.substr(2);
  if (bits == "256") return EVP_sha256();
  if (bits == "384") return EVP_sha384();
  if (bits == "512") return EVP_sha512();
  fail("unknown alg " + std::string(alg));
}

std::string public_pem(EVP_PKEY* pkey) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey) != 1) fail("PEM_write_bio_PUBKEY");
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

EVP_PKEY* keygen(std::string_view alg) {
  EVP_PKEY* pkey = nullptr;
  if (alg[0] == 'R' || alg[0] == 'P') {
    pkey = EVP_RSA_gen(2048);
  } else if (alg == "ES256") {
    pkey = EVP_EC_gen("P-256");
  } else if (alg == "ES384") {
    pkey = EVP_EC_gen("P-384");
  } else if (alg == "ES512") {
    pkey = EVP_EC_gen("P-521");
  } else if (alg == "EdDSA") {
    pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  }
  if (pkey == nullptr) fail("keygen " + std::string(alg));
  return pkey;
}

}  // namespace

PeerKey generate_key(std::string_view alg) {
  PeerKey k;
  k.alg = std::string(alg);
  k.kid = workload::kid_for(alg);
  if (alg.substr(0, 2) == "HS") {
    k.secret.resize(static_cast<size_t>(EVP_MD_get_size(md_for(alg))));
    if (RAND_bytes(k.secret.data(), static_cast<int>(k.secret.size())) != 1) fail("RAND_bytes");
    return k;
  }
  EVP_PKEY* pkey = keygen(alg);
  k.pkey = std::shared_ptr<void>(pkey, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
  k.public_pem = public_pem(pkey);
  return k;
}

std::string sign(const PeerKey& key, std::string_view header_json, std::string_view payload_json) {
  const std::string input = b64url(header_json) + "." + b64url(payload_json);
  const auto* in = reinterpret_cast<const uint8_t*>(input.data());
  std::vector<uint8_t> sig;
  const std::string_view alg = key.alg;
  if (alg.substr(0, 2) == "HS") {
    sig.resize(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    if (!HMAC(md_for(alg), key.secret.data(), static_cast<int>(key.secret.size()), in,
              input.size(), sig.data(), &len))
      fail("HMAC");
    sig.resize(len);
  } else {
    auto* pkey = static_cast<EVP_PKEY*>(key.pkey.get());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md_for(alg), nullptr, pkey) != 1)
      fail("EVP_DigestSignInit");
    if (alg[0] == 'P' && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                          EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
      fail("PSS parameters");
    size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1) fail("EVP_DigestSign");
    sig.resize(len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, in, input.size()) != 1) fail("EVP_DigestSign");
    sig.resize(len);
    if (alg[0] == 'E' && alg != "EdDSA") {
      // DER ECDSA-Sig-Value -> raw r||s, each the width of the curve order.
      const uint8_t* p = sig.data();
      std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> es(
          d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())), ECDSA_SIG_free);
      if (!es) fail("d2i_ECDSA_SIG");
      const int width = (EVP_PKEY_get_bits(pkey) + 7) / 8;
      std::vector<uint8_t> raw(static_cast<size_t>(2 * width));
      if (BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), raw.data(), width) != width ||
          BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), raw.data() + width, width) != width)
        fail("BN_bn2binpad");
      sig = std::move(raw);
    }
  }
  return input + "." + b64url(sig.data(), sig.size());
}

std::string realistic_token(const PeerKey& key, size_t payload_bytes) {
  return sign(key, workload::header_json(key.alg, key.kid),
              workload::realistic_payload(workload::kNow, payload_bytes));
}

std::string tamper_payload(const std::string& token, size_t payload_bytes) {
  std::string payload = workload::realistic_payload(workload::kNow, payload_bytes);
  const size_t sub = payload.find("\"user-");
  if (sub == std::string::npos) fail("tamper_payload: no sub in the payload");
  char& digit = payload[sub + 6];
  digit = digit == '9' ? '8' : static_cast<char>(digit + 1);
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.rfind('.');
  if (dot1 == std::string::npos || dot2 == dot1) fail("tamper_payload: not a JWS");
  return token.substr(0, dot1 + 1) + b64url(payload) + token.substr(dot2);
}

std::string expired_token(const PeerKey& key, size_t payload_bytes) {
  // realistic_payload sets exp = now + 3600 and nbf = iat = now.
  return sign(key, workload::header_json(key.alg, key.kid),
              workload::realistic_payload(workload::kNow - 3601, payload_bytes));
}

std::string tamper_signature(std::string token) {
  const size_t dot = token.rfind('.');
  const size_t pos = dot + 1 + (token.size() - dot - 1) / 2;
  token[pos] = token[pos] == 'A' ? 'B' : 'A';
  return token;
}

}  // namespace jve::bench::peers
