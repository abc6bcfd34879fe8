// The reference verifier: docs/design.md's rules, one after another, the slow and
// obvious way. See reference.h for what "independent" means here.
#include "reference.h"

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace jve::reference {
namespace {

// The algorithms, by name, with what each needs. Kept here rather than taken
// from the engine's alg table so a typo there shows up as a mismatch.
enum class Family { hmac, rsa_pkcs1, rsa_pss, ecdsa, eddsa };
struct AlgInfo {
  std::string_view name;
  Alg alg;           // only to ask Policy::algorithms
  Family family;
  const EVP_MD* (*md)();  // null for EdDSA
  size_t len;        // HMAC tag / ECDSA r||s length; 0 where the key decides
  int curve;         // ECDSA: the curve's NID
};
const std::array<AlgInfo, 13> kAlgs = {{
    {"HS256", Alg::HS256, Family::hmac, EVP_sha256, 32, 0},
    {"HS384", Alg::HS384, Family::hmac, EVP_sha384, 48, 0},
    {"HS512", Alg::HS512, Family::hmac, EVP_sha512, 64, 0},
    {"RS256", Alg::RS256, Family::rsa_pkcs1, EVP_sha256, 0, 0},
    {"RS384", Alg::RS384, Family::rsa_pkcs1, EVP_sha384, 0, 0},
    {"RS512", Alg::RS512, Family::rsa_pkcs1, EVP_sha512, 0, 0},
    {"PS256", Alg::PS256, Family::rsa_pss, EVP_sha256, 0, 0},
    {"PS384", Alg::PS384, Family::rsa_pss, EVP_sha384, 0, 0},
    {"PS512", Alg::PS512, Family::rsa_pss, EVP_sha512, 0, 0},
    {"ES256", Alg::ES256, Family::ecdsa, EVP_sha256, 64, NID_X9_62_prime256v1},
    {"ES384", Alg::ES384, Family::ecdsa, EVP_sha384, 96, NID_secp384r1},
    {"ES512", Alg::ES512, Family::ecdsa, EVP_sha512, 132, NID_secp521r1},
    {"EdDSA", Alg::EdDSA, Family::eddsa, nullptr, 64, 0},
}};

const AlgInfo* find_alg(std::string_view name) {
  for (const AlgInfo& a : kAlgs)
    if (a.name == name) return &a;
  return nullptr;
}

// A key parsed for this call only.
struct Parsed {
  bssl::UniquePtr<EVP_PKEY> pkey;  // null for HMAC
  int type = EVP_PKEY_NONE;        // EVP_PKEY_RSA / EC / ED25519, or NONE for HMAC
  int curve = 0;                   // EC only
};

bool parse_key(const Key& k, Parsed& out) {
  if (k.spki.empty()) return true;  // an HMAC secret
  CBS cbs;
  CBS_init(&cbs, k.spki.data(), k.spki.size());
  out.pkey.reset(EVP_parse_public_key(&cbs));
  if (!out.pkey || CBS_len(&cbs) != 0) return false;
  out.type = EVP_PKEY_id(out.pkey.get());
  if (out.type == EVP_PKEY_EC) {
    const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(out.pkey.get());
    out.curve = EC_GROUP_get_curve_name(EC_KEY_get0_group(ec));
  }
  return true;
}

bool fits(const Parsed& p, const Key& k, const AlgInfo& a) {
  if (k.alg && *k.alg != a.name) return false;
  switch (a.family) {
    case Family::hmac: return p.type == EVP_PKEY_NONE;
    case Family::rsa_pkcs1:
    case Family::rsa_pss: return p.type == EVP_PKEY_RSA;
    case Family::ecdsa: return p.type == EVP_PKEY_EC && p.curve == a.curve;
    case Family::eddsa: return p.type == EVP_PKEY_ED25519;
  }
  return false;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string typ_canonical(std::string_view t) {
  std::string s;
  for (char c : t) s += lower(c);
  if (s.rfind("application/", 0) == 0) s.erase(0, 12);
  return s;
}

Status check_header(const Value& h, const Policy& policy, const AlgInfo** alg,
                    const std::string** kid) {
  if (h.kind != Value::Kind::object) return Status::bad_json;
  // Member types first: alg, kid, typ, cty are strings when present.
  for (const char* name : {"alg", "kid", "typ", "cty"}) {
    const Value* v = h.find(name);
    if (v && v->kind != Value::Kind::string) return Status::bad_header;
  }
  // RFC 7797 b64 changes what is signed; never accepted, listed in crit or not.
  if (h.find("b64")) return Status::unsupported_crit;
  const Value* a = h.find("alg");
  if (!a) return Status::bad_header;
  *alg = find_alg(a->string);  // "none" is simply not in the table
  if (!*alg || !policy.algorithms.contains((*alg)->alg)) return Status::alg_not_allowed;
  if (const Value* crit = h.find("crit")) {
    if (crit->kind != Value::Kind::array || crit->items.empty()) return Status::bad_header;
    static constexpr std::array<std::string_view, 11> kRegistered = {
        "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"};
    for (size_t i = 0; i < crit->items.size(); ++i) {
      const Value& e = crit->items[i];
      if (e.kind != Value::Kind::string) return Status::bad_header;
      if (std::find(kRegistered.begin(), kRegistered.end(), e.string) != kRegistered.end())
        return Status::bad_header;
      for (size_t j = 0; j < i; ++j)
        if (crit->items[j].string == e.string) return Status::bad_header;
      if (e.string == "b64") return Status::unsupported_crit;
      if (std::find(policy.critical_headers.begin(), policy.critical_headers.end(), e.string) ==
          policy.critical_headers.end())
        return Status::unsupported_crit;
      if (!h.find(e.string)) return Status::bad_header;
    }
  }
  const Value* typ = h.find("typ");
  if (!policy.typ.empty() && (!typ || typ_canonical(typ->string) != typ_canonical(policy.typ)))
    return Status::bad_typ;
  const Value* k = h.find("kid");
  if (policy.require_kid && !k) return Status::missing_kid;
  *kid = k ? &k->string : nullptr;
  return Status::ok;
}

// usable_for says why a key that fits |alg| cannot serve it: too weak
// (RFC 7518 §3.2: HMAC key >= hash output; §3.3: RSA >= 2048 bits), or an
// Ed25519 key the rules refuse. ok when it can.
Status usable_for(const Key& k, const Parsed& p, const AlgInfo& alg) {
  if (alg.family == Family::hmac && k.secret.size() < alg.len) return Status::weak_key;
  if (p.type == EVP_PKEY_RSA && EVP_PKEY_bits(p.pkey.get()) < 2048) return Status::weak_key;
  if (p.type == EVP_PKEY_ED25519) {
    uint8_t pub[32];
    size_t len = sizeof(pub);
    if (!EVP_PKEY_get_raw_public_key(p.pkey.get(), pub, &len) || len != sizeof(pub))
      return Status::internal_error;
    return ed25519_key_status(pub);
  }
  return Status::ok;
}

// select_key: the candidates are the keys usable for |alg| (and with the
// token's kid, when it has one); exactly one is required. With none, a key
// that fits but cannot serve says why.
Status select_key(const std::vector<Key>& keys, const AlgInfo& alg, const std::string* kid,
                  const Key** chosen, Parsed& parsed) {
  size_t candidates = 0;
  bool kid_known = false;
  Status unusable = Status::ok;
  for (const Key& k : keys) {
    if (kid && k.kid != *kid) continue;  // a token's kid never matches a kid-less key
    Parsed p;
    if (!parse_key(k, p)) return Status::internal_error;  // the caller's keys parse
    kid_known = true;
    if (!fits(p, k, alg)) continue;
    if (Status s = usable_for(k, p, alg); s != Status::ok) {
      unusable = s;
      continue;
    }
    ++candidates;
    *chosen = &k;
    parsed = std::move(p);
  }
  if (candidates > 1) return Status::ambiguous_key;
  if (candidates == 0) {
    if (unusable != Status::ok) return unusable;
    return kid && kid_known ? Status::key_alg_mismatch : Status::key_not_found;
  }
  return Status::ok;
}

size_t signature_len(const AlgInfo& alg, const Parsed& p) {
  if (alg.family == Family::rsa_pkcs1 || alg.family == Family::rsa_pss)
    return static_cast<size_t>(EVP_PKEY_size(p.pkey.get()));
  return alg.len;
}

#ifndef JVE_FUZZING_UNSAFE_FOR_PRODUCTION
bool crypto_ok(const AlgInfo& alg, const Key& key, const Parsed& p, std::string_view msg,
               const std::string& sig) {
  const auto* m = reinterpret_cast<const uint8_t*>(msg.data());
  const auto* s = reinterpret_cast<const uint8_t*>(sig.data());
  if (alg.family == Family::hmac) {
    uint8_t tag[EVP_MAX_MD_SIZE];
    unsigned tag_len = 0;
    if (!HMAC(alg.md(), key.secret.data(), key.secret.size(), m, msg.size(), tag, &tag_len))
      return false;
    return tag_len == sig.size() && CRYPTO_memcmp(tag, s, tag_len) == 0;
  }
  std::string der;  // ECDSA: EVP wants DER, JWS carries r||s (RFC 7518 §3.4)
  if (alg.family == Family::ecdsa) {
    bssl::UniquePtr<ECDSA_SIG> es(ECDSA_SIG_new());
    const size_t half = sig.size() / 2;
    if (!es || !BN_bin2bn(s, half, es->r) || !BN_bin2bn(s + half, half, es->s)) return false;
    uint8_t* out = nullptr;
    size_t out_len = 0;
    if (!ECDSA_SIG_to_bytes(&out, &out_len, es.get())) return false;
    der.assign(reinterpret_cast<char*>(out), out_len);
    OPENSSL_free(out);
    s = reinterpret_cast<const uint8_t*>(der.data());
  }
  const size_t s_len = alg.family == Family::ecdsa ? der.size() : sig.size();
  bssl::ScopedEVP_MD_CTX ctx;
  EVP_PKEY_CTX* pctx = nullptr;
  if (!EVP_DigestVerifyInit(ctx.get(), &pctx, alg.md ? alg.md() : nullptr, nullptr, p.pkey.get()))
    return false;
  if (alg.family == Family::rsa_pss &&
      (!EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) ||
       !EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, -1 /* = hash length, RFC 7518 §3.5 */) ||
       !EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, alg.md())))
    return false;
  return EVP_DigestVerify(ctx.get(), s, s_len, m, msg.size()) == 1;
}
#endif

bool is_string(const Value* v) { return v && v->kind == Value::Kind::string; }

Status check_claims(const Value& c, const Policy& policy, int64_t now_s) {
  if (c.kind != Value::Kind::object) return Status::bad_json;
  for (const char* name : {"exp", "nbf", "iat"}) {
    const Value* v = c.find(name);
    if (v && v->kind != Value::Kind::number) return Status::bad_claim;
  }
  for (const char* name : {"iss", "sub", "jti"}) {
    const Value* v = c.find(name);
    if (v && v->kind != Value::Kind::string) return Status::bad_claim;
  }
  const Value* aud = c.find("aud");
  if (aud && aud->kind != Value::Kind::string) {
    if (aud->kind != Value::Kind::array) return Status::bad_claim;
    for (const Value& e : aud->items)
      if (e.kind != Value::Kind::string) return Status::bad_claim;
  }
  for (const std::string& name : policy.required_claims)
    if (!c.find(name)) return Status::missing_claim;
  const Value* iss = c.find("iss");
  const Value* iat = c.find("iat");
  if (policy.max_age_seconds && !iat) return Status::missing_claim;
  if (!policy.issuers.empty() && !iss) return Status::missing_claim;
  if (policy.check_audience && !policy.audiences.empty() && !aud) return Status::missing_claim;

  const double now = static_cast<double>(now_s);
  const double leeway = static_cast<double>(policy.leeway_seconds);
  if (const Value* exp = c.find("exp"); exp && !(now < exp->number + leeway)) return Status::expired;
  if (const Value* nbf = c.find("nbf"); nbf && !(now >= nbf->number - leeway))
    return Status::not_yet_valid;
  if (policy.max_age_seconds) {
    if (iat->number > now + leeway) return Status::issued_in_future;
    if (now - iat->number > static_cast<double>(*policy.max_age_seconds) + leeway)
      return Status::too_old;
  }
  if (!policy.issuers.empty() &&
      std::find(policy.issuers.begin(), policy.issuers.end(), iss->string) == policy.issuers.end())
    return Status::bad_issuer;
  if (policy.check_audience && aud) {
    if (policy.audiences.empty()) return Status::bad_audience;  // RFC 7519 §4.1.3
    auto wanted = [&](const std::string& v) {
      return std::find(policy.audiences.begin(), policy.audiences.end(), v) != policy.audiences.end();
    };
    bool match = false;
    if (is_string(aud)) match = wanted(aud->string);
    for (const Value& e : aud->items) match = match || wanted(e.string);
    if (!match) return Status::bad_audience;
  }
  return Status::ok;
}

Status verify_impl(std::string_view token, const std::vector<Key>& keys, const Policy& policy,
                   Value* payload_out) {
  // 1. Bounds and structure.
  if (token.size() > policy.max_token_bytes) return Status::too_large;
  if (std::count(token.begin(), token.end(), '.') != 2) return Status::malformed;
  const size_t d1 = token.find('.');
  const size_t d2 = token.find('.', d1 + 1);
  if (d1 == 0) return Status::malformed;  // empty header segment
  const uint32_t depth = std::clamp<uint32_t>(policy.max_json_depth, 1, 1024);

  // 2-3. Header.
  std::string header_json;
  if (!decode_base64url(token.substr(0, d1), header_json)) return Status::bad_base64;
  Value header;
  if (Status s = parse_json(header_json, depth, header); s != Status::ok) return s;
  const AlgInfo* alg = nullptr;
  const std::string* kid = nullptr;
  if (Status s = check_header(header, policy, &alg, &kid); s != Status::ok) return s;

  // 4. Key.
  const Key* key = nullptr;
  Parsed parsed;
  if (Status s = select_key(keys, *alg, kid, &key, parsed); s != Status::ok) return s;

  // 5. Signature length, payload bytes; 6. the signature itself.
  std::string sig, payload_json;
  if (!decode_base64url(token.substr(d2 + 1), sig)) return Status::bad_base64;
  if (sig.size() != signature_len(*alg, parsed)) return Status::bad_signature;
  if (!decode_base64url(token.substr(d1 + 1, d2 - d1 - 1), payload_json)) return Status::bad_base64;
#ifndef JVE_FUZZING_UNSAFE_FOR_PRODUCTION
  const bool good = crypto_ok(*alg, *key, parsed, token.substr(0, d2), sig);
  ERR_clear_error();
  if (!good) return Status::bad_signature;
#endif

  // 7-8. Payload and claims.
  Value claims;
  if (Status s = parse_json(payload_json, depth, claims); s != Status::ok) return s;
  if (payload_out) *payload_out = claims;
  const int64_t now = policy.clock ? policy.clock() : static_cast<int64_t>(std::time(nullptr));
  return check_claims(claims, policy, now);
}

}  // namespace

Status ed25519_key_status(std::span<const uint8_t, 32> pub) noexcept {
  // RFC 8032 §5.1: edwards25519 is -x^2 + y^2 = 1 + d x^2 y^2 over
  // p = 2^255 - 19, d = -121665 / 121666; a point is encoded as y
  // (little-endian) with the low bit of x in the top bit.
  bssl::UniquePtr<BN_CTX> ctx(BN_CTX_new());
  bssl::UniquePtr<BIGNUM> p(BN_new()), d(BN_new()), y(BN_new()), x2(BN_new()), num(BN_new()),
      den(BN_new()), inv(BN_new()), t(BN_new()), exp(BN_new());
  if (!ctx || !p || !d || !y || !x2 || !num || !den || !inv || !t || !exp)
    return Status::internal_error;
  bool ok = BN_set_bit(p.get(), 255) && BN_sub_word(p.get(), 19) &&
            BN_set_word(t.get(), 121666) &&
            BN_mod_inverse(d.get(), t.get(), p.get(), ctx.get()) != nullptr &&
            BN_mul_word(d.get(), 121665) && BN_mod(d.get(), d.get(), p.get(), ctx.get()) &&
            BN_sub(d.get(), p.get(), d.get());  // -121665 / 121666
  // x_squared: x^2 = (y^2 - 1) / (d y^2 + 1), from the curve equation
  // (RFC 8032 §5.1.3 step 2). d y^2 + 1 is never 0: -1/d is not a square.
  auto x_squared = [&](const BIGNUM* yv, BIGNUM* out) {
    return BN_mod_sqr(t.get(), yv, p.get(), ctx.get()) &&
           BN_mod_sub(num.get(), t.get(), BN_value_one(), p.get(), ctx.get()) &&
           BN_mod_mul(den.get(), d.get(), t.get(), p.get(), ctx.get()) &&
           BN_mod_add(den.get(), den.get(), BN_value_one(), p.get(), ctx.get()) &&
           BN_mod_inverse(inv.get(), den.get(), p.get(), ctx.get()) != nullptr &&
           BN_mod_mul(out, num.get(), inv.get(), p.get(), ctx.get());
  };
  uint8_t le[32];
  std::copy(pub.begin(), pub.end(), le);
  const bool sign = (le[31] & 0x80) != 0;
  le[31] &= 0x7f;
  ok = ok && BN_le2bn(le, sizeof(le), y.get()) != nullptr;
  if (!ok) return Status::internal_error;
  if (BN_cmp(y.get(), p.get()) >= 0) return Status::bad_key;  // §5.1.3 step 1
  if (!x_squared(y.get(), x2.get())) return Status::internal_error;
  // Euler's criterion: x^2 has a root iff it is 0 or (x^2)^((p-1)/2) = 1.
  if (!BN_is_zero(x2.get())) {
    if (!BN_sub(exp.get(), p.get(), BN_value_one()) || !BN_rshift1(exp.get(), exp.get()) ||
        !BN_mod_exp(t.get(), x2.get(), exp.get(), p.get(), ctx.get()))
      return Status::internal_error;
    if (!BN_is_one(t.get())) return Status::ok;  // off the curve: verifies nothing
  } else if (sign) {
    return Status::bad_key;  // x = 0 with the sign bit: §5.1.3 step 4
  }
  // [8]A by three doublings. Doubling needs only y: the addition law of
  // §5.1.4 (a = -1) gives y(2P) = (y^2 + x^2) / (1 - d x^2 y^2), and x^2 is
  // a function of y. [8]A has y = 1 exactly when it is the identity.
  for (int i = 0; i < 3; ++i) {
    if (!x_squared(y.get(), x2.get()) || !BN_mod_sqr(t.get(), y.get(), p.get(), ctx.get()) ||
        !BN_mod_add(num.get(), t.get(), x2.get(), p.get(), ctx.get()) ||
        !BN_mod_mul(den.get(), d.get(), x2.get(), p.get(), ctx.get()) ||
        !BN_mod_mul(den.get(), den.get(), t.get(), p.get(), ctx.get()) ||
        !BN_mod_sub(den.get(), BN_value_one(), den.get(), p.get(), ctx.get()) ||
        BN_mod_inverse(inv.get(), den.get(), p.get(), ctx.get()) == nullptr ||
        !BN_mod_mul(y.get(), num.get(), inv.get(), p.get(), ctx.get()))
      return Status::internal_error;
  }
  return BN_is_one(y.get()) ? Status::weak_key : Status::ok;
}

bool decode_base64url(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 4 == 1) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    uint32_t v;
    if (c >= 'A' && c <= 'Z') v = static_cast<uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z') v = static_cast<uint32_t>(c - 'a' + 26);
    else if (c >= '0' && c <= '9') v = static_cast<uint32_t>(c - '0' + 52);
    else if (c == '-') v = 62;
    else if (c == '_') v = 63;
    else return false;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // The 2 or 4 leftover bits must be zero: one encoding per byte string.
  return (acc & ((1u << bits) - 1)) == 0;
}

Status verify(std::string_view token, const std::vector<Key>& keys, const Policy& policy,
              Value* payload) noexcept {
  try {
    return verify_impl(token, keys, policy, payload);
  } catch (...) {
    return Status::internal_error;
  }
}

StatusClass status_class(Status s) noexcept {
  switch (s) {
    case Status::ok: return StatusClass::ok;
    case Status::malformed: case Status::too_large: case Status::bad_base64:
    case Status::bad_json: case Status::duplicate_member: case Status::too_deep:
      return StatusClass::structure;
    case Status::bad_header: case Status::alg_not_allowed: case Status::unsupported_crit:
    case Status::bad_typ: case Status::missing_kid:
      return StatusClass::header;
    case Status::key_not_found: case Status::ambiguous_key: case Status::bad_key:
    case Status::weak_key: case Status::unsupported_key: case Status::key_not_for_signing:
    case Status::key_alg_mismatch:
      return StatusClass::key;
    case Status::bad_signature: return StatusClass::signature;
    case Status::expired: case Status::not_yet_valid: case Status::too_old:
    case Status::issued_in_future: case Status::bad_issuer: case Status::bad_audience:
    case Status::missing_claim: case Status::bad_claim:
      return StatusClass::claims;
    default: return StatusClass::internal;
  }
}

std::string_view class_name(StatusClass c) noexcept {
  switch (c) {
    case StatusClass::ok: return "ok";
    case StatusClass::structure: return "structure";
    case StatusClass::header: return "header";
    case StatusClass::key: return "key";
    case StatusClass::signature: return "signature";
    case StatusClass::claims: return "claims";
    case StatusClass::internal: return "internal";
  }
  return "?";
}

}  // namespace jve::reference
