// JWK <-> KeyData, JWKS selection and RFC 7638 thumbprints.
#include "keyformat/jwk.h"

#include <openssl/bn.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/rsa.h>

#include <cstring>
#include <optional>

#include "common.h"
#include "jve/base64url.h"
#include "keyformat/json_document.h"
#include "keyformat/json_text.h"

namespace jve::keyformat {

using detail::fail;

namespace {

using Member = std::optional<std::string_view>;

Member member(const json::Value& o, std::string_view name) {
  return JsonDocument::string_member(o, name);
}

struct BnFree {
  void operator()(BIGNUM* b) const noexcept { BN_clear_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// bn_member decodes a base64url big-endian integer member; null when it is
// absent, not a string, not base64url or empty.
BnPtr bn_member(const json::Value& o, std::string_view name) {
  const Member v = member(o, name);
  std::vector<uint8_t> bytes;
  if (!v || !detail::unb64(*v, bytes) || bytes.empty()) return nullptr;
  BnPtr bn(BN_bin2bn(bytes.data(), bytes.size(), nullptr));
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return bn;
}

Result<KeyData> wrap(bssl::UniquePtr<EVP_PKEY> pkey, std::string* why) {
  if (!pkey) return fail(why, Status::internal_error, "could not allocate a key");
  return KeyData::from_pkey(std::move(pkey), why);
}

// inconsistent reports members BoringSSL refused to put together.
Status inconsistent(std::string* why, const char* kty, bool is_private) {
  return fail(why, Status::bad_key,
              std::string(kty) + (is_private ? " private" : "") + " JWK is inconsistent (" +
                  detail::boringssl_error() + ")");
}

Result<KeyData> rsa_from_jwk(const json::Value& o, std::string* why) {
  BnPtr n = bn_member(o, "n"), e = bn_member(o, "e");
  if (!n || !e) return fail(why, Status::bad_key, "RSA JWK without valid \"n\" and \"e\"");
  bssl::UniquePtr<RSA> rsa(RSA_new());
  BnPtr d = bn_member(o, "d");
  const bool has_d = o.member("d").present();
  if (has_d && !d) return fail(why, Status::bad_key, "RSA JWK with an invalid \"d\"");
  if (!rsa || !RSA_set0_key(rsa.get(), n.get(), e.get(), d.get())) {
    return fail(why, Status::internal_error, "could not allocate an RSA key");
  }
  n.release(), e.release(), d.release();
  if (has_d) {
    BnPtr p = bn_member(o, "p"), q = bn_member(o, "q"), dp = bn_member(o, "dp"),
          dq = bn_member(o, "dq"), qi = bn_member(o, "qi");
    if (!p || !q || !dp || !dq || !qi) {
      return fail(why, Status::bad_key,
                  "RSA private JWK without the CRT members \"p\", \"q\", \"dp\", \"dq\", \"qi\"");
    }
    if (!RSA_set0_factors(rsa.get(), p.get(), q.get())) {
      return fail(why, Status::internal_error, "could not set the RSA factors");
    }
    p.release(), q.release();
    if (!RSA_set0_crt_params(rsa.get(), dp.get(), dq.get(), qi.get())) {
      return fail(why, Status::internal_error, "could not set the RSA CRT parameters");
    }
    dp.release(), dq.release(), qi.release();
  }
  if (!RSA_check_key(rsa.get())) return inconsistent(why, "RSA", has_d);
  return wrap(detail::wrap_rsa(std::move(rsa)), why);
}

Result<KeyData> ec_from_jwk(const json::Value& o, std::string* why) {
  const Member crv = member(o, "crv");
  const detail::Curve* curve = crv ? detail::curve_by_crv(*crv) : nullptr;
  if (curve == nullptr) {
    return fail(why, Status::unsupported_key,
                "EC JWK with an unsupported or missing \"crv\" (P-256, P-384, P-521)");
  }
  BnPtr x = bn_member(o, "x"), y = bn_member(o, "y"), d = bn_member(o, "d");
  if (!x || !y) return fail(why, Status::bad_key, "EC JWK without valid \"x\" and \"y\"");
  const bool has_d = o.member("d").present();
  if (has_d && !d) return fail(why, Status::bad_key, "EC JWK with an invalid \"d\"");
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(curve->nid));
  if (!ec || (d && !EC_KEY_set_private_key(ec.get(), d.get())) ||
      !EC_KEY_set_public_key_affine_coordinates(ec.get(), x.get(), y.get()) ||
      !EC_KEY_check_key(ec.get())) {
    return inconsistent(why, "EC", has_d);
  }
  return wrap(detail::wrap_ec(std::move(ec)), why);
}

Result<KeyData> okp_from_jwk(const json::Value& o, std::string* why) {
  if (member(o, "crv") != Member("Ed25519")) {
    return fail(why, Status::unsupported_key, "OKP JWK with a \"crv\" other than Ed25519");
  }
  std::vector<uint8_t> x, d;
  const Member x_text = member(o, "x"), d_text = member(o, "d");
  if (x_text && (!detail::unb64(*x_text, x) || x.size() != 32)) {
    return fail(why, Status::bad_key, "Ed25519 JWK \"x\" is not 32 base64url bytes");
  }
  if (!d_text) {
    if (!x_text) return fail(why, Status::bad_key, "Ed25519 JWK without \"x\"");
    return wrap(bssl::UniquePtr<EVP_PKEY>(
                    EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x.data(), x.size())),
                why);
  }
  const bool d_ok = detail::unb64(*d_text, d) && d.size() == 32;
  bssl::UniquePtr<EVP_PKEY> pkey;
  if (d_ok) pkey.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, d.data(), d.size()));
  OPENSSL_cleanse(d.data(), d.size());
  if (!d_ok) return fail(why, Status::bad_key, "Ed25519 JWK \"d\" is not 32 base64url bytes");
  if (!pkey) return fail(why, Status::internal_error, "could not allocate an Ed25519 key");
  // The public half, when given, must belong to d.
  uint8_t pub[32];
  size_t pub_len = sizeof pub;
  if (x_text && (!EVP_PKEY_get_raw_public_key(pkey.get(), pub, &pub_len) ||
                 std::memcmp(x.data(), pub, sizeof pub) != 0)) {
    ERR_clear_error();
    return fail(why, Status::bad_key, "Ed25519 JWK \"x\" does not match \"d\"");
  }
  return wrap(std::move(pkey), why);
}

// params_of reads kid, alg and use; each must be a string when present.
Status params_of(const json::Value& o, JwkParams& params, std::string* why) {
  for (auto [name, out] : {std::pair{"kid", &params.kid}, std::pair{"alg", &params.alg},
                           std::pair{"use", &params.use}}) {
    const json::Value v = o.member(name);
    std::string_view s;
    if (v.present() && !v.get_string(s)) {
      return fail(why, Status::bad_key, std::string("the JWK's \"") + name + "\" is not a string");
    }
    out->assign(s);
  }
  return Status::ok;
}

// jwk_from_value reads one parsed JWK object.
Result<JwkKey> jwk_from_value(const json::Value& o, std::string* why) {
  JwkKey out;
  if (Status s = params_of(o, out.params, why); s != Status::ok) return s;
  const Member kty = member(o, "kty");
  Result<KeyData> key = Status::bad_key;
  if (!kty) {
    return fail(why, Status::bad_key, "the JWK has no \"kty\"");
  } else if (*kty == "RSA") {
    key = rsa_from_jwk(o, why);
  } else if (*kty == "EC") {
    key = ec_from_jwk(o, why);
  } else if (*kty == "OKP") {
    key = okp_from_jwk(o, why);
  } else if (*kty == "oct") {
    std::vector<uint8_t> secret;
    const Member k = member(o, "k");
    if (!k || !detail::unb64(*k, secret)) {
      return fail(why, Status::bad_key, "oct JWK without a valid base64url \"k\"");
    }
    key = KeyData::from_secret(secret);
    OPENSSL_cleanse(secret.data(), secret.size());
  } else {
    return fail(why, Status::unsupported_key,
                "unsupported JWK \"kty\" " + json_string(*kty) + " (RSA, EC, OKP, oct)");
  }
  if (!key.ok()) return key.status();
  out.key = std::move(*key);
  return out;
}

Status parse_object(JsonDocument& doc, std::string_view json, std::string* why) {
  if (std::string problem = doc.parse(json, true); !problem.empty()) {
    return fail(why, Status::bad_json, std::move(problem));
  }
  return Status::ok;
}

}  // namespace

Result<JwkKey> read_jwk(std::string_view json, std::string* why) {
  JsonDocument doc;
  if (Status s = parse_object(doc, json, why); s != Status::ok) return s;
  return jwk_from_value(doc.root(), why);
}

Result<JwkKey> select_jwk(std::string_view json, std::string_view kid, std::string* why) {
  JsonDocument doc;
  if (Status s = parse_object(doc, json, why); s != Status::ok) return s;
  const json::Value keys = doc.root().member("keys");
  if (keys.kind() != json::Value::Kind::array) return jwk_from_value(doc.root(), why);
  json::Value found;
  size_t count = 0;
  keys.for_each_element([&](json::Value k) {
    if (k.kind() == json::Value::Kind::object && (kid.empty() || member(k, "kid") == Member(kid))) {
      found = k;
      ++count;
    }
    return true;
  });
  const std::string named = kid.empty() ? "" : " with kid " + json_string(kid);
  if (count == 0) {
    return fail(why, Status::key_not_found,
                kid.empty() ? "the JWKS holds no key" : "the JWKS has no key" + named);
  }
  if (count > 1) {
    return fail(why, Status::ambiguous_key,
                "the JWKS holds several keys" + (kid.empty() ? " and no kid was given to choose one" : named));
  }
  return jwk_from_value(found, why);
}

Result<std::string> write_jwk(const KeyData& key, const JwkParams& params, JwkMembers members,
                              std::string* why) {
  if (key.empty()) return fail(why, Status::bad_key, "no key was given");
  const bool with_private = members == JwkMembers::with_private;
  if (with_private && !key.is_private()) {
    return fail(why, Status::bad_key, "a public key has no private JWK members");
  }
  bool ok = true;
  std::string j = "{";
  // Base64url needs no escaping, but an empty result means BoringSSL failed.
  const auto add_b64 = [&](std::string_view name, std::string value) {
    ok &= !value.empty();
    add_string_member(j, name, value);
  };
  const auto add_bn = [&](std::string_view name, const BIGNUM* bn, size_t width = 0) {
    add_b64(name, detail::b64_bn(bn, width));
  };
  const char* kty = "oct";
  switch (key.type()) {
    case KeyType::oct: break;
    case KeyType::rsa: kty = "RSA"; break;
    case KeyType::ed25519: kty = "OKP"; break;
    case KeyType::ec_p256: case KeyType::ec_p384: case KeyType::ec_p521: kty = "EC"; break;
  }
  add_string_member(j, "kty", kty);
  if (!params.kid.empty()) add_string_member(j, "kid", params.kid);
  if (!params.use.empty()) add_string_member(j, "use", params.use);
  if (!params.alg.empty()) add_string_member(j, "alg", params.alg);
  switch (key.type()) {
    case KeyType::oct:
      add_string_member(j, "k", base64url::encode(key.secret()));
      break;
    case KeyType::rsa: {
      const RSA* rsa = EVP_PKEY_get0_RSA(key.pkey());
      add_bn("n", RSA_get0_n(rsa));
      add_bn("e", RSA_get0_e(rsa));
      if (with_private) {
        const BIGNUM* d = RSA_get0_d(rsa);
        const BIGNUM *p = RSA_get0_p(rsa), *q = RSA_get0_q(rsa);
        const BIGNUM *dp = RSA_get0_dmp1(rsa), *dq = RSA_get0_dmq1(rsa), *qi = RSA_get0_iqmp(rsa);
        if (!p || !q || !dp || !dq || !qi) {
          return fail(why, Status::bad_key, "the RSA key has no CRT parameters to write");
        }
        add_bn("d", d);
        add_bn("p", p);
        add_bn("q", q);
        add_bn("dp", dp);
        add_bn("dq", dq);
        add_bn("qi", qi);
      }
      break;
    }
    case KeyType::ec_p256: case KeyType::ec_p384: case KeyType::ec_p521: {
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key.pkey());
      const size_t width = detail::curve_by_type(key.type())->field_len;
      bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
      if (!x || !y ||
          !EC_POINT_get_affine_coordinates_GFp(EC_KEY_get0_group(ec), EC_KEY_get0_public_key(ec),
                                               x.get(), y.get(), nullptr)) {
        return fail(why, Status::internal_error,
                    "could not read the EC point (" + detail::boringssl_error() + ")");
      }
      add_string_member(j, "crv", detail::curve_by_type(key.type())->crv);
      add_bn("x", x.get(), width);
      add_bn("y", y.get(), width);
      if (with_private) add_bn("d", EC_KEY_get0_private_key(ec), width);
      break;
    }
    case KeyType::ed25519: {
      uint8_t raw[32];
      size_t len = sizeof raw;
      ok &= EVP_PKEY_get_raw_public_key(key.pkey(), raw, &len) == 1;
      add_string_member(j, "crv", "Ed25519");
      add_b64("x", base64url::encode(std::span<const uint8_t>(raw, len)));
      if (with_private) {
        len = sizeof raw;
        ok &= EVP_PKEY_get_raw_private_key(key.pkey(), raw, &len) == 1;
        add_b64("d", base64url::encode(std::span<const uint8_t>(raw, len)));
        OPENSSL_cleanse(raw, sizeof raw);
      }
      break;
    }
  }
  j += '}';
  if (!ok) {
    OPENSSL_cleanse(j.data(), j.size());
    return fail(why, Status::internal_error,
                "could not encode the key's members (" + detail::boringssl_error() + ")");
  }
  return j;
}

std::string write_jwks(std::span<const std::string> jwks) {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < jwks.size(); ++i) {
    if (i != 0) out += ',';
    out += jwks[i];
  }
  out += "]}";
  return out;
}

bool is_private_member(std::string_view name) noexcept {
  for (std::string_view m : {"d", "p", "q", "dp", "dq", "qi", "oth"})
    if (name == m) return true;
  return false;
}

Result<std::string> thumbprint(std::string_view jwk_json, std::string* why) {
  JsonDocument doc;
  if (Status s = parse_object(doc, jwk_json, why); s != Status::ok) return s;
  const Member kty = member(doc.root(), "kty");
  // RFC 7638 §3.2: the required members only, in lexicographic order, no
  // whitespace (§3.3 for each kty's list).
  std::vector<std::string_view> names;
  if (kty == Member("RSA")) names = {"e", "kty", "n"};
  else if (kty == Member("EC")) names = {"crv", "kty", "x", "y"};
  else if (kty == Member("OKP")) names = {"crv", "kty", "x"};
  else if (kty == Member("oct")) names = {"k", "kty"};
  else if (!kty) return fail(why, Status::bad_key, "no \"kty\"");
  else return fail(why, Status::unsupported_key, "unknown kty " + json_string(*kty));
  std::string canonical = "{";
  for (std::string_view name : names) {
    const Member v = member(doc.root(), name);
    if (!v) return fail(why, Status::bad_key, "no \"" + std::string(name) + "\" string member");
    add_string_member(canonical, name, *v);
  }
  canonical += '}';
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  if (!EVP_Digest(canonical.data(), canonical.size(), digest, &digest_len, EVP_sha256(), nullptr)) {
    return fail(why, Status::internal_error, "SHA-256 failed");
  }
  return base64url::encode(std::span<const uint8_t>(digest, digest_len));
}

}  // namespace jve::keyformat
