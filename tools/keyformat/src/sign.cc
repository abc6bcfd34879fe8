// JWS signing with BoringSSL's low-level calls, token assembly, and the key
// file reader for `jve sign`.
#include "keyformat/sign.h"

#include <openssl/bn.h>
#include <openssl/digest.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "common.h"
#include "jve/base64url.h"
#include "keyformat/json_text.h"
#include "keyformat/pem.h"

namespace jve::keyformat {

using detail::fail;
using detail::Family;

namespace {

Status internal(std::string* why, const char* what) {
  return fail(why, Status::internal_error,
              std::string(what) + " failed (" + detail::boringssl_error() + ")");
}

bool digest(const EVP_MD* md, std::string_view in, uint8_t* out, unsigned* out_len) {
  return EVP_Digest(in.data(), in.size(), out, out_len, md, nullptr) == 1;
}

// usable_for checks what read_signing_key promises beyond the key's format.
Status usable_for(const JwkKey& k, Alg alg, std::string* why) {
  if (!k.params.alg.empty() && k.params.alg != alg_name(alg)) {
    return fail(why, Status::key_alg_mismatch,
                "the JWK is for \"alg\" " + k.params.alg + ", not " + std::string(alg_name(alg)));
  }
  if (!k.params.use.empty() && k.params.use != "sig") {
    return fail(why, Status::key_not_for_signing,
                "the JWK's \"use\" is " + json_string(k.params.use) + ", not \"sig\"");
  }
  if (!k.key.is_private()) {
    return fail(why, Status::bad_key,
                "the key is a public key: signing needs the private key");
  }
  if (Status s = check_fits(k.key, alg, why); s != Status::ok) return s;
  return check_strength(k.key, alg, why);
}

}  // namespace

Result<std::vector<uint8_t>> sign(const KeyData& key, Alg alg, std::string_view input,
                                  std::string* why) {
  if (Status s = check_fits(key, alg, why); s != Status::ok) return s;
  if (!key.is_private()) {
    return fail(why, Status::bad_key, "a public key cannot sign: the private key is needed");
  }
  const EVP_MD* md = detail::hash_md(alg);
  uint8_t hash[EVP_MAX_MD_SIZE];
  unsigned hash_len = 0;
  if (md != nullptr && detail::family(alg) != Family::hmac && !digest(md, input, hash, &hash_len)) {
    return internal(why, "EVP_Digest");
  }
  std::vector<uint8_t> sig;
  switch (detail::family(alg)) {
    case Family::hmac: {
      // An empty secret still needs a non-null pointer: HMAC_Init_ex reads a
      // null key as "keep the previous one".
      static const uint8_t kNoKey = 0;
      const std::span<const uint8_t> secret = key.secret();
      sig.resize(EVP_MAX_MD_SIZE);
      unsigned len = 0;
      if (!HMAC(md, secret.empty() ? &kNoKey : secret.data(), secret.size(),
                reinterpret_cast<const uint8_t*>(input.data()), input.size(), sig.data(), &len)) {
        return internal(why, "HMAC");
      }
      sig.resize(len);
      break;
    }
    case Family::rsa_pkcs1:
    case Family::rsa_pss: {
      RSA* rsa = EVP_PKEY_get0_RSA(key.pkey());
      sig.resize(RSA_size(rsa));
      size_t len = 0;
      unsigned pkcs1_len = 0;
      // RFC 7518 §3.5: PSS uses MGF1 with the same hash (null) and a salt
      // as long as the hash (-1).
      const bool ok =
          detail::family(alg) == Family::rsa_pkcs1
              ? RSA_sign(EVP_MD_type(md), hash, hash_len, sig.data(), &pkcs1_len, rsa)
              : RSA_sign_pss_mgf1(rsa, &len, sig.data(), sig.size(), hash, hash_len, md, nullptr, -1);
      if (!ok) return internal(why, "RSA signing");
      sig.resize(pkcs1_len != 0 ? pkcs1_len : len);
      break;
    }
    case Family::ecdsa: {
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key.pkey());
      bssl::UniquePtr<ECDSA_SIG> rs(ECDSA_do_sign(hash, hash_len, ec));
      if (!rs) return internal(why, "ECDSA_do_sign");
      // JWS wants r||s, each left-padded to the field width (RFC 7518
      // §3.4), not the DER ECDSA-Sig-Value BoringSSL produces.
      const size_t width = detail::curve_by_type(key.type())->field_len;
      sig.resize(2 * width);
      if (!BN_bn2bin_padded(sig.data(), width, rs->r) ||
          !BN_bn2bin_padded(sig.data() + width, width, rs->s)) {
        return internal(why, "BN_bn2bin_padded");
      }
      break;
    }
    case Family::eddsa: {
      bssl::ScopedEVP_MD_CTX ctx;
      sig.resize(64);
      size_t len = sig.size();
      if (!EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.pkey()) ||
          !EVP_DigestSign(ctx.get(), sig.data(), &len,
                          reinterpret_cast<const uint8_t*>(input.data()), input.size())) {
        return internal(why, "Ed25519 signing");
      }
      sig.resize(len);
      break;
    }
  }
  return sig;
}

Result<std::string> sign_segments(const KeyData& key, Alg alg, std::string_view header_b64,
                                  std::string_view payload_b64, std::string* why) {
  std::string token;
  token.reserve(header_b64.size() + payload_b64.size() + 2 + base64url::encoded_len(1024));
  token.append(header_b64);
  token += '.';
  token.append(payload_b64);
  Result<std::vector<uint8_t>> sig = sign(key, alg, token, why);
  if (!sig.ok()) return sig.status();
  token += '.';
  token += base64url::encode(*sig);
  return token;
}

Result<std::string> sign_compact(const KeyData& key, Alg alg, std::string_view header_json,
                                 std::string_view payload_json, std::string* why) {
  return sign_segments(key, alg, base64url::encode(header_json), base64url::encode(payload_json),
                       why);
}

Result<JwkKey> read_signing_key(std::string_view text, Alg alg, std::string_view kid,
                                std::string* why) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    Result<JwkKey> k = select_jwk(text, kid, why);
    if (!k.ok()) {
      if (k.status() == Status::bad_json && why != nullptr) {
        why->insert(0, "the key file is not a valid JWK: ");
      }
      return k.status();
    }
    if (!kid.empty()) k->params.kid.assign(kid);
    if (Status s = usable_for(*k, alg, why); s != Status::ok) return s;
    return k;
  }
  JwkKey out;
  out.params.kid.assign(kid);
  if (text.find("-----BEGIN ") != std::string_view::npos) {
    Result<std::vector<PemKey>> keys = read_pem(text, why);
    if (!keys.ok()) return keys.status();
    const PemKey* found = nullptr;
    size_t count = 0;
    for (const PemKey& k : *keys) {
      if (k.key.is_private()) found = &k, ++count;
    }
    if (count == 0) {
      return fail(why, Status::bad_key,
                  "the PEM file holds no private key (found \"" + keys->front().label +
                      "\"): signing needs PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
    }
    if (count > 1) return fail(why, Status::bad_key, "the PEM file holds several private keys");
    out.key = found->key;
  } else if (detail::family(alg) == Family::hmac) {
    out.key = KeyData::from_secret(
        std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  } else {
    return fail(why, Status::bad_key,
                "the key file is neither a JWK nor a PEM private key (raw secrets are for "
                "HS256/384/512 only)");
  }
  if (Status s = usable_for(out, alg, why); s != Status::ok) return s;
  return out;
}

}  // namespace jve::keyformat
