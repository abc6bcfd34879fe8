// JWK (RFC 7517, RFC 7518 §6, RFC 8037 §2) -> Key.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/nid.h>

#include <vector>

#include "json/strict.h"
#include "jve/base64url.h"
#include "keys/loaders.h"

namespace jve {
namespace keys {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

enum class Found { absent, string, wrong_type };

// member_string looks up |name| in |obj|: absent, a string (in |*out|), or
// present with another JSON type.
Found member_string(const object& obj, std::string_view name, std::string_view* out) {
  element e;
  if (obj.at_key(name).get(e) != simdjson::SUCCESS) return Found::absent;
  return e.get_string().get(*out) == simdjson::SUCCESS ? Found::string : Found::wrong_type;
}

// required_bytes reads a required base64url member (RFC 7518 §6: "n", "e",
// "x", "y", "k" are Base64urlUInt or octet strings) into |out|.
Status required_bytes(const object& obj, std::string_view kty, std::string_view name,
                      std::vector<uint8_t>& out, std::string* why) {
  std::string_view text;
  switch (member_string(obj, name, &text)) {
    case Found::absent:
      return fail(why, Status::bad_key,
                  std::string(kty) + " JWK has no \"" + std::string(name) + "\" member");
    case Found::wrong_type:
      return fail(why, Status::bad_key,
                  std::string(kty) + " JWK member \"" + std::string(name) +
                      "\" is not a string");
    case Found::string:
      break;
  }
  out.resize(base64url::decoded_max_len(text.size()));
  size_t len = 0;
  if (base64url::decode(text, out.data(), &len) != Status::ok) {
    return fail(why, Status::bad_key,
                std::string(kty) + " JWK member \"" + std::string(name) +
                    "\" is not strict base64url");
  }
  out.resize(len);
  return Status::ok;
}

BIGNUM* to_bn(const std::vector<uint8_t>& bytes) {
  return BN_bin2bn(bytes.data(), bytes.size(), nullptr);
}

Result<Built> rsa_from_jwk(const object& obj, std::string* why) {
  std::vector<uint8_t> n_bytes, e_bytes;
  if (Status s = required_bytes(obj, "RSA", "n", n_bytes, why); s != Status::ok) return s;
  if (Status s = required_bytes(obj, "RSA", "e", e_bytes, why); s != Status::ok) return s;
  if (n_bytes.empty()) return fail(why, Status::bad_key, "RSA JWK member \"n\" is empty");
  if (e_bytes.empty()) return fail(why, Status::bad_key, "RSA JWK member \"e\" is empty");
  // RFC 7518 §6.3.1.1 asks for the minimal encoding of n, but leading zero
  // bytes are common in the wild and change nothing: strength is measured
  // on the value (BN_num_bits), so a zero-padded 1024-bit key is still weak.
  bssl::UniquePtr<BIGNUM> n(to_bn(n_bytes));
  bssl::UniquePtr<BIGNUM> e(to_bn(e_bytes));
  bssl::UniquePtr<RSA> rsa(RSA_new());
  if (!n || !e || !rsa || !RSA_set0_key(rsa.get(), n.get(), e.get(), nullptr)) {
    ERR_clear_error();
    return fail(why, Status::internal_error, "could not build the RSA key");
  }
  n.release();  // owned by |rsa| now
  e.release();
  return build_rsa(std::move(rsa), why);
}

Result<Built> ec_from_jwk(const object& obj, std::string* why) {
  std::string_view crv;
  switch (member_string(obj, "crv", &crv)) {
    case Found::absent: return fail(why, Status::bad_key, "EC JWK has no \"crv\" member");
    case Found::wrong_type:
      return fail(why, Status::bad_key, "EC JWK member \"crv\" is not a string");
    case Found::string: break;
  }
  int nid;
  size_t coord_len;
  if (crv == "P-256") {
    nid = NID_X9_62_prime256v1;
    coord_len = 32;
  } else if (crv == "P-384") {
    nid = NID_secp384r1;
    coord_len = 48;
  } else if (crv == "P-521") {
    nid = NID_secp521r1;
    coord_len = 66;
  } else {
    return fail(why, Status::unsupported_key,
                "EC JWK member \"crv\" is " + quoted(crv) +
                    "; jve verifies P-256, P-384 and P-521");
  }
  std::vector<uint8_t> x, y;
  if (Status s = required_bytes(obj, "EC", "x", x, why); s != Status::ok) return s;
  if (Status s = required_bytes(obj, "EC", "y", y, why); s != Status::ok) return s;
  // RFC 7518 §6.2.1.2/§6.2.1.3: each coordinate is exactly the field size,
  // leading zeros kept, so there is one encoding per point.
  for (const auto& [name, bytes] : {std::pair{"x", &x}, std::pair{"y", &y}}) {
    if (bytes->size() != coord_len) {
      return fail(why, Status::bad_key,
                  "EC JWK member \"" + std::string(name) + "\" is " +
                      std::to_string(bytes->size()) + " bytes; " + std::string(crv) +
                      " coordinates are exactly " + std::to_string(coord_len));
    }
  }
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(nid));
  bssl::UniquePtr<BIGNUM> bx(to_bn(x)), by(to_bn(y));
  if (!ec || !bx || !by) {
    ERR_clear_error();
    return fail(why, Status::internal_error, "could not build the EC key");
  }
  // Fails for a coordinate >= p and for a point not on the curve.
  if (!EC_KEY_set_public_key_affine_coordinates(ec.get(), bx.get(), by.get())) {
    ERR_clear_error();
    return fail(why, Status::bad_key,
                "EC JWK point (\"x\", \"y\") is not on the curve " + std::string(crv));
  }
  return build_ec(std::move(ec), why);
}

Result<Built> okp_from_jwk(const object& obj, std::string* why) {
  std::string_view crv;
  switch (member_string(obj, "crv", &crv)) {
    case Found::absent: return fail(why, Status::bad_key, "OKP JWK has no \"crv\" member");
    case Found::wrong_type:
      return fail(why, Status::bad_key, "OKP JWK member \"crv\" is not a string");
    case Found::string: break;
  }
  if (crv != "Ed25519") {
    // RFC 8037 §2 also registers Ed448 (no BoringSSL support) and the
    // key-agreement curves X25519 / X448, which never sign.
    return fail(why, Status::unsupported_key,
                "OKP JWK member \"crv\" is " + quoted(crv) + "; jve verifies Ed25519 only");
  }
  std::vector<uint8_t> x;
  if (Status s = required_bytes(obj, "OKP", "x", x, why); s != Status::ok) return s;
  if (x.size() != 32) {
    return fail(why, Status::bad_key,
                "OKP JWK member \"x\" is " + std::to_string(x.size()) +
                    " bytes; an Ed25519 public key is exactly 32");
  }
  return build_ed25519(std::span<const uint8_t, 32>(x.data(), 32), why);
}

Result<Built> oct_from_jwk(const object& obj, std::optional<Alg> alg, std::string* why) {
  std::vector<uint8_t> k;
  if (Status s = required_bytes(obj, "oct", "k", k, why); s != Status::ok) return s;
  Result<Built> built = build_hmac(k, alg, why);
  std::fill(k.begin(), k.end(), 0);
  return built;
}

// The key type a JWK claims from kty (and crv), before its members are
// checked; nullopt for curves jve does not verify with.
std::optional<KeyType> jwk_key_type(object obj, std::string_view kty) {
  if (kty == "RSA") return KeyType::rsa;
  if (kty == "oct") return KeyType::oct;
  std::string_view crv;
  if (member_string(obj, "crv", &crv) != Found::string) return std::nullopt;
  if (kty == "EC" && crv == "P-256") return KeyType::ec_p256;
  if (kty == "EC" && crv == "P-384") return KeyType::ec_p384;
  if (kty == "EC" && crv == "P-521") return KeyType::ec_p521;
  if (kty == "OKP" && crv == "Ed25519") return KeyType::ed25519;
  return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<const Key>> key_from_jwk_element(element jwk, std::string* why,
                                                        KeyIssue* identity) {
  object obj;
  if (jwk.get_object().get(obj) != simdjson::SUCCESS) {
    return fail(why, Status::bad_key, "a JWK must be a JSON object");
  }
  // kid first, so that a key failing any later check is still reported (and
  // remembered by KeySet) under its kid.
  std::optional<std::string> kid;
  std::string_view text;
  switch (member_string(obj, "kid", &text)) {
    case Found::absent: break;
    case Found::string:
      kid.emplace(text);
      if (identity != nullptr) identity->kid = kid;
      break;
    case Found::wrong_type:
      return fail(why, Status::bad_key, "JWK member \"kid\" is not a string");
  }

  std::string_view kty;
  switch (member_string(obj, "kty", &kty)) {
    case Found::absent: return fail(why, Status::bad_key, "JWK has no \"kty\" member");
    case Found::wrong_type:
      return fail(why, Status::bad_key, "JWK member \"kty\" is not a string");
    case Found::string: break;
  }
  if (kty != "RSA" && kty != "EC" && kty != "OKP" && kty != "oct") {
    return fail(why, Status::unsupported_key,
                "JWK member \"kty\" is " + quoted(kty) +
                    "; jve verifies with RSA, EC, OKP and oct keys");
  }

  if (identity != nullptr) identity->type = jwk_key_type(obj, kty);

  // RFC 7517 §4.2: "use" names the intended use; only "sig" verifies.
  switch (member_string(obj, "use", &text)) {
    case Found::absent: break;
    case Found::wrong_type:
      return fail(why, Status::bad_key, "JWK member \"use\" is not a string");
    case Found::string:
      if (text != "sig") {
        return fail(why, Status::key_not_for_signing,
                    "JWK member \"use\" is " + quoted(text) + "; only \"sig\" keys verify");
      }
      break;
  }

  // RFC 7517 §4.3: "key_ops" is an array of operation names and must allow
  // "verify". A non-string entry makes the member malformed (bad_key), not
  // merely silent about verify.
  element ops;
  if (obj.at_key("key_ops").get(ops) == simdjson::SUCCESS) {
    simdjson::dom::array arr;
    if (ops.get_array().get(arr) != simdjson::SUCCESS) {
      return fail(why, Status::bad_key, "JWK member \"key_ops\" is not an array");
    }
    bool verify = false;
    for (element op : arr) {
      std::string_view name;
      if (op.get_string().get(name) != simdjson::SUCCESS) {
        return fail(why, Status::bad_key, "JWK member \"key_ops\" holds a non-string entry");
      }
      verify |= name == "verify";
    }
    if (!verify) {
      return fail(why, Status::key_not_for_signing,
                  "JWK member \"key_ops\" does not contain \"verify\"");
    }
  }

  // RFC 7517 §4.4: "alg" pins the key to one algorithm.
  std::optional<Alg> alg;
  switch (member_string(obj, "alg", &text)) {
    case Found::absent: break;
    case Found::wrong_type:
      return fail(why, Status::bad_key, "JWK member \"alg\" is not a string");
    case Found::string:
      alg = alg_from_name(text);
      if (!alg) {
        return fail(why, Status::unsupported_key,
                    "JWK member \"alg\" is " + quoted(text) +
                        ", not a JWS algorithm jve verifies");
      }
      break;
  }

  // Private members (d, p, q, dp, dq, qi, oth) and certificate members
  // (x5c, x5t, x5u) are ignored: only the public key is used.
  Result<Built> built = kty == "RSA"  ? rsa_from_jwk(obj, why)
                        : kty == "EC" ? ec_from_jwk(obj, why)
                        : kty == "OKP" ? okp_from_jwk(obj, why)
                                       : oct_from_jwk(obj, alg, why);
  if (!built.ok()) return built.status();
  return make_key(std::move(*built), std::move(kid), alg, why);
}

Status parse_key_document(std::string_view json, std::string_view what, json::StrictParser& parser,
                          simdjson::padded_string& storage, element& root, std::string* why) {
  const std::string name(what);
  json::Value value;
  switch (json::parse_document(json, kMaxJwkDepth, parser, storage, value)) {
    case Status::ok: break;
    case Status::internal_error:
      return fail(why, Status::internal_error, "could not allocate a JSON parser for the " + name);
    case Status::duplicate_member:
      return fail(why, Status::duplicate_member, "the " + name + " names the same member twice in one object");
    default: return fail(why, Status::bad_json, "the " + name + " is not strict JSON");
  }
  root = value.raw();
  if (!root.is_object()) return fail(why, Status::bad_json, "the " + name + " is not a JSON object");
  return Status::ok;
}

}  // namespace keys

Result<std::shared_ptr<const Key>> Key::from_jwk(std::string_view json, std::string* why) {
  json::StrictParser parser;
  simdjson::padded_string storage;
  simdjson::dom::element root;
  if (Status s = keys::parse_key_document(json, "JWK", parser, storage, root, why); s != Status::ok)
    return s;
  return keys::key_from_jwk_element(root, why, nullptr);
}

}  // namespace jve
