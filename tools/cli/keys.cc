// keys.cc: see keys.h.
#include "keys.h"

#include <cstring>
#include <exception>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <simdjson.h>

#include "common.h"
#include "jve/base64url.h"

namespace jve::cli {

void PkeyDeleter::operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }

namespace {

std::string b64(std::span<const uint8_t> bytes) { return base64url::encode(bytes); }

std::string b64_bn(const BIGNUM* bn, size_t width = 0) {
  const size_t len = width ? width : BN_num_bytes(bn);
  std::vector<uint8_t> out(len);
  if (!BN_bn2bin_padded(out.data(), out.size(), bn)) return {};
  return b64(out);
}

bool unb64(std::string_view in, std::vector<uint8_t>& out) {
  out.resize(base64url::decoded_max_len(in.size()));
  size_t len = 0;
  if (base64url::decode(in, out.data(), &len) != Status::ok) return false;
  out.resize(len);
  return true;
}

struct BnDeleter {
  void operator()(BIGNUM* b) const noexcept { BN_clear_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;

int curve_nid_of(std::string_view crv) {
  if (crv == "P-256") return NID_X9_62_prime256v1;
  if (crv == "P-384") return NID_secp384r1;
  if (crv == "P-521") return NID_secp521r1;
  return NID_undef;
}

const char* curve_name_of(int nid) {
  switch (nid) {
    case NID_X9_62_prime256v1: return "P-256";
    case NID_secp384r1: return "P-384";
    case NID_secp521r1: return "P-521";
    default: return nullptr;
  }
}

size_t field_len_of(int nid) {
  switch (nid) {
    case NID_X9_62_prime256v1: return 32;
    case NID_secp384r1: return 48;
    case NID_secp521r1: return 66;
    default: return 0;
  }
}

int ec_nid(const EVP_PKEY* pkey) {
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey);
  return ec ? EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)) : NID_undef;
}

std::string openssl_error() {
  const uint32_t err = ERR_get_error();
  ERR_clear_error();
  if (err == 0) return "";
  char buf[256];
  ERR_error_string_n(err, buf, sizeof buf);
  return buf;
}

// parse_der turns one PEM block's DER into a key.
PkeyPtr parse_der(const std::string& label, const uint8_t* der, size_t len, bool& is_private) {
  CBS cbs;
  CBS_init(&cbs, der, len);
  PkeyPtr pkey;
  is_private = false;
  if (label == "PUBLIC KEY") {
    pkey.reset(EVP_parse_public_key(&cbs));
  } else if (label == "RSA PUBLIC KEY") {
    bssl::UniquePtr<RSA> rsa(RSA_parse_public_key(&cbs));
    if (rsa) {
      pkey.reset(EVP_PKEY_new());
      if (pkey && !EVP_PKEY_assign_RSA(pkey.get(), rsa.release())) pkey.reset();
    }
  } else if (label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE") {
    const uint8_t* p = der;
    bssl::UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(len)));
    if (cert) pkey.reset(X509_get_pubkey(cert.get()));
  } else if (label == "PRIVATE KEY") {
    pkey.reset(EVP_parse_private_key(&cbs));
    is_private = true;
  } else if (label == "RSA PRIVATE KEY") {
    bssl::UniquePtr<RSA> rsa(RSA_parse_private_key(&cbs));
    is_private = true;
    if (rsa) {
      pkey.reset(EVP_PKEY_new());
      if (pkey && !EVP_PKEY_assign_RSA(pkey.get(), rsa.release())) pkey.reset();
    }
  } else if (label == "EC PRIVATE KEY") {
    bssl::UniquePtr<EC_KEY> ec(EC_KEY_parse_private_key(&cbs, nullptr));
    is_private = true;
    if (ec) {
      pkey.reset(EVP_PKEY_new());
      if (pkey && !EVP_PKEY_assign_EC_KEY(pkey.get(), ec.release())) pkey.reset();
    }
  }
  ERR_clear_error();
  return pkey;
}

bool is_known_label(const std::string& label) {
  for (const char* l : {"PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE", "X509 CERTIFICATE",
                        "TRUSTED CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"}) {
    if (label == l) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Members of a JWK as strings (missing or not a string: nullopt).
std::optional<std::string_view> member(simdjson::dom::object o, const char* name) {
  std::string_view v;
  if (o[name].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

// pkey_from_private_jwk builds a BoringSSL key from the private members of
// an RSA, EC or OKP JWK.
PkeyPtr pkey_from_private_jwk(simdjson::dom::object o, std::string_view kty, std::string& why) {
  std::vector<uint8_t> bytes;
  auto bn = [&](const char* name) -> BnPtr {
    const std::optional<std::string_view> v = member(o, name);
    if (!v || !unb64(*v, bytes) || bytes.empty()) return nullptr;
    return BnPtr(BN_bin2bn(bytes.data(), bytes.size(), nullptr));
  };
  if (kty == "RSA") {
    BnPtr n = bn("n"), e = bn("e"), d = bn("d"), p = bn("p"), q = bn("q"), dp = bn("dp"),
          dq = bn("dq"), qi = bn("qi");
    if (!n || !e) {
      why = "RSA JWK without valid \"n\" and \"e\"";
      return nullptr;
    }
    if (!d) {
      why = "the JWK is a public key (no \"d\"): signing needs the private key";
      return nullptr;
    }
    if (!p || !q || !dp || !dq || !qi) {
      why = "RSA private JWK without the CRT members \"p\", \"q\", \"dp\", \"dq\", \"qi\"";
      return nullptr;
    }
    bssl::UniquePtr<RSA> rsa(RSA_new());
    if (!rsa || !RSA_set0_key(rsa.get(), n.get(), e.get(), d.get())) return nullptr;
    n.release(), e.release(), d.release();
    if (!RSA_set0_factors(rsa.get(), p.get(), q.get())) return nullptr;
    p.release(), q.release();
    if (!RSA_set0_crt_params(rsa.get(), dp.get(), dq.get(), qi.get())) return nullptr;
    dp.release(), dq.release(), qi.release();
    if (!RSA_check_key(rsa.get())) {
      why = "RSA private JWK is inconsistent (" + openssl_error() + ")";
      return nullptr;
    }
    PkeyPtr pkey(EVP_PKEY_new());
    if (!pkey || !EVP_PKEY_assign_RSA(pkey.get(), rsa.release())) return nullptr;
    return pkey;
  }
  if (kty == "EC") {
    const std::optional<std::string_view> crv = member(o, "crv");
    const int nid = crv ? curve_nid_of(*crv) : NID_undef;
    if (nid == NID_undef) {
      why = "EC JWK with an unsupported or missing \"crv\" (P-256, P-384, P-521)";
      return nullptr;
    }
    BnPtr x = bn("x"), y = bn("y"), d = bn("d");
    if (!x || !y) {
      why = "EC JWK without valid \"x\" and \"y\"";
      return nullptr;
    }
    if (!d) {
      why = "the JWK is a public key (no \"d\"): signing needs the private key";
      return nullptr;
    }
    bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(nid));
    if (!ec || !EC_KEY_set_private_key(ec.get(), d.get()) ||
        !EC_KEY_set_public_key_affine_coordinates(ec.get(), x.get(), y.get()) ||
        !EC_KEY_check_key(ec.get())) {
      why = "EC private JWK is inconsistent (" + openssl_error() + ")";
      return nullptr;
    }
    PkeyPtr pkey(EVP_PKEY_new());
    if (!pkey || !EVP_PKEY_assign_EC_KEY(pkey.get(), ec.release())) return nullptr;
    return pkey;
  }
  if (kty == "OKP") {
    if (member(o, "crv") != std::optional<std::string_view>("Ed25519")) {
      why = "OKP JWK with a \"crv\" other than Ed25519";
      return nullptr;
    }
    const std::optional<std::string_view> d = member(o, "d");
    if (!d) {
      why = "the JWK is a public key (no \"d\"): signing needs the private key";
      return nullptr;
    }
    if (!unb64(*d, bytes) || bytes.size() != 32) {
      why = "Ed25519 JWK \"d\" is not 32 base64url bytes";
      return nullptr;
    }
    PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes.data(), bytes.size()));
    OPENSSL_cleanse(bytes.data(), bytes.size());
    if (!pkey) return nullptr;
    // The public half, when given, must belong to d.
    if (const std::optional<std::string_view> x = member(o, "x")) {
      uint8_t pub[32];
      size_t pub_len = sizeof pub;
      std::vector<uint8_t> given;
      if (!EVP_PKEY_get_raw_public_key(pkey.get(), pub, &pub_len) || !unb64(*x, given) ||
          given.size() != pub_len || std::memcmp(given.data(), pub, pub_len) != 0) {
        why = "Ed25519 JWK \"x\" does not match \"d\"";
        return nullptr;
      }
    }
    return pkey;
  }
  why = "unsupported JWK \"kty\" \"" + std::string(kty) + "\" (RSA, EC, OKP, oct)";
  return nullptr;
}

size_t hmac_len(Alg alg) {
  switch (alg) {
    case Alg::HS256: return 32;
    case Alg::HS384: return 48;
    case Alg::HS512: return 64;
    default: return 0;
  }
}

std::optional<testkit::SigningKey> signing_key_from_pkey(Alg alg, const EVP_PKEY* pkey,
                                                         const std::string& kid, std::string& why) {
  if (!alg_fits(alg, pkey, why)) return std::nullopt;
  // testkit's loader takes PKCS#8 PEM: marshal the key into it so the
  // signing code stays in one place (tools/testkit).
  bssl::ScopedCBB cbb;
  uint8_t* der = nullptr;
  size_t der_len = 0;
  if (!CBB_init(cbb.get(), 1024) || !EVP_marshal_private_key(cbb.get(), pkey) ||
      !CBB_finish(cbb.get(), &der, &der_len)) {
    why = "cannot re-encode the private key (" + openssl_error() + ")";
    return std::nullopt;
  }
  bssl::UniquePtr<uint8_t> owned(der);
  bssl::UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio(bio.get(), "PRIVATE KEY", "", der, static_cast<long>(der_len))) {
    why = "cannot re-encode the private key";
    return std::nullopt;
  }
  const uint8_t* pem = nullptr;
  size_t pem_len = 0;
  BIO_mem_contents(bio.get(), &pem, &pem_len);
  std::optional<testkit::SigningKey> key = testkit::load_private_key_pem(
      alg, std::string_view(reinterpret_cast<const char*>(pem), pem_len), kid);
  OPENSSL_cleanse(const_cast<uint8_t*>(pem), pem_len);
  OPENSSL_cleanse(der, der_len);
  if (!key) why = "the private key could not be loaded for " + std::string(alg_name(alg));
  return key;
}

}  // namespace

bool read_pem_keys(std::string_view text, std::vector<PemKey>& out, std::string& why) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) return false;
  size_t blocks = 0;
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    uint8_t* data = nullptr;
    long len = 0;
    if (!PEM_read_bio(bio.get(), &name, &header, &data, &len)) {
      const uint32_t err = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) break;
      why = "PEM block #" + std::to_string(blocks + 1) + " is damaged (bad base64 or no END line)";
      return false;
    }
    bssl::UniquePtr<char> name_owner(name), header_owner(header);
    bssl::UniquePtr<uint8_t> data_owner(data);
    ++blocks;
    const std::string label = name;
    if (!is_known_label(label)) continue;
    if (header != nullptr && header[0] != '\0') {
      why = "PEM block \"" + label + "\" is encrypted: decrypt it first (openssl pkey -in FILE)";
      return false;
    }
    PemKey key;
    key.label = label;
    key.pkey = parse_der(label, data, static_cast<size_t>(len), key.is_private);
    if (!key.pkey) {
      why = "PEM block #" + std::to_string(blocks) + " (\"" + label + "\") does not parse";
      return false;
    }
    out.push_back(std::move(key));
  }
  if (out.empty()) {
    why = blocks == 0 ? "no PEM block found"
                      : "no key in the PEM blocks (labels: PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE, "
                        "PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)";
    return false;
  }
  return true;
}

std::string key_type_of(const EVP_PKEY* pkey) {
  switch (EVP_PKEY_id(pkey)) {
    case EVP_PKEY_RSA: return "RSA " + std::to_string(EVP_PKEY_bits(pkey));
    case EVP_PKEY_EC: {
      const char* crv = curve_name_of(ec_nid(pkey));
      return std::string("EC ") + (crv ? crv : "(unsupported curve)");
    }
    case EVP_PKEY_ED25519: return "OKP Ed25519";
    default: return "unsupported key type";
  }
}

bool alg_fits(Alg alg, const EVP_PKEY* pkey, std::string& why) {
  const std::string name(alg_name(alg));
  const std::string type = key_type_of(pkey);
  switch (alg) {
    case Alg::HS256: case Alg::HS384: case Alg::HS512:
      why = name + " needs an HMAC secret, not a " + type + " key";
      return false;
    case Alg::RS256: case Alg::RS384: case Alg::RS512:
    case Alg::PS256: case Alg::PS384: case Alg::PS512:
      if (EVP_PKEY_id(pkey) != EVP_PKEY_RSA) break;
      if (EVP_PKEY_bits(pkey) < 2048) {
        why = "weak key: " + type + " bits; jve rejects RSA keys under 2048 bits";
        return false;
      }
      return true;
    case Alg::ES256:
      if (ec_nid(pkey) == NID_X9_62_prime256v1) return true;
      break;
    case Alg::ES384:
      if (ec_nid(pkey) == NID_secp384r1) return true;
      break;
    case Alg::ES512:
      if (ec_nid(pkey) == NID_secp521r1) return true;
      break;
    case Alg::EdDSA:
      if (EVP_PKEY_id(pkey) == EVP_PKEY_ED25519) return true;
      break;
  }
  why = name + " cannot be used with a " + type + " key";
  return false;
}

std::string public_jwk(const EVP_PKEY* pkey, const JwkFields& fields, std::string& why) {
  std::string j = "{";
  auto add = [&](std::string_view name, const std::string& value) {
    if (j.size() > 1) j += ',';
    append_json_escaped(j, name);
    j += ':';
    append_json_escaped(j, value);
  };
  auto add_common = [&] {
    if (!fields.kid.empty()) add("kid", fields.kid);
    if (!fields.use.empty()) add("use", fields.use);
    if (!fields.alg.empty()) add("alg", fields.alg);
  };
  switch (EVP_PKEY_id(pkey)) {
    case EVP_PKEY_RSA: {
      const RSA* rsa = EVP_PKEY_get0_RSA(pkey);
      add("kty", "RSA");
      add_common();
      add("n", b64_bn(RSA_get0_n(rsa)));
      add("e", b64_bn(RSA_get0_e(rsa)));
      break;
    }
    case EVP_PKEY_EC: {
      const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey);
      const int nid = ec_nid(pkey);
      if (curve_name_of(nid) == nullptr) {
        why = "EC key on a curve JWS does not use (P-256, P-384, P-521 only)";
        return {};
      }
      bssl::UniquePtr<BIGNUM> x(BN_new()), y(BN_new());
      if (!x || !y ||
          !EC_POINT_get_affine_coordinates_GFp(EC_KEY_get0_group(ec), EC_KEY_get0_public_key(ec),
                                               x.get(), y.get(), nullptr)) {
        why = "cannot read the EC point";
        return {};
      }
      add("kty", "EC");
      add_common();
      add("crv", curve_name_of(nid));
      add("x", b64_bn(x.get(), field_len_of(nid)));
      add("y", b64_bn(y.get(), field_len_of(nid)));
      break;
    }
    case EVP_PKEY_ED25519: {
      uint8_t raw[32];
      size_t len = sizeof raw;
      if (!EVP_PKEY_get_raw_public_key(pkey, raw, &len)) {
        why = "cannot read the Ed25519 key";
        return {};
      }
      add("kty", "OKP");
      add_common();
      add("crv", "Ed25519");
      add("x", b64(std::span<const uint8_t>(raw, len)));
      break;
    }
    default:
      why = "unsupported key type (RSA, EC P-256/384/521 and Ed25519 only)";
      return {};
  }
  j += '}';
  return j;
}

std::optional<std::string> thumbprint(std::string_view jwk_json, std::string& why) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(simdjson::padded_string(jwk_json)).get_object().get(o) != simdjson::SUCCESS) {
    why = "not a JSON object";
    return std::nullopt;
  }
  const std::optional<std::string_view> kty = member(o, "kty");
  // RFC 7638 §3.2: the required members only, in lexicographic order, no
  // whitespace.
  std::vector<const char*> names;
  if (kty == "RSA") names = {"e", "kty", "n"};
  else if (kty == "EC") names = {"crv", "kty", "x", "y"};
  else if (kty == "OKP") names = {"crv", "kty", "x"};
  else if (kty == "oct") names = {"k", "kty"};
  else {
    why = kty ? "unknown kty \"" + std::string(*kty) + "\"" : "no \"kty\"";
    return std::nullopt;
  }
  std::string canonical = "{";
  for (const char* name : names) {
    const std::optional<std::string_view> v = member(o, name);
    if (!v) {
      why = std::string("no \"") + name + "\" string member";
      return std::nullopt;
    }
    if (canonical.size() > 1) canonical += ',';
    append_json_escaped(canonical, name);
    canonical += ':';
    append_json_escaped(canonical, *v);
  }
  canonical += '}';
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  if (!EVP_Digest(canonical.data(), canonical.size(), digest, &digest_len, EVP_sha256(), nullptr)) {
    why = "SHA-256 failed";
    return std::nullopt;
  }
  return b64(std::span<const uint8_t>(digest, digest_len));
}

std::optional<testkit::SigningKey> load_signing_key(std::string_view text, Alg alg,
                                                    const std::string& kid,
                                                    std::string& kid_out, std::string& why) {
  kid_out = kid;
  const std::string_view trimmed = trim(text);
  const bool hmac = hmac_len(alg) != 0;
  if (!trimmed.empty() && trimmed.front() == '{') {
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    const std::string check = json_check(trimmed, true);
    if (!check.empty() || parser.parse(simdjson::padded_string(trimmed)).get_object().get(root) != simdjson::SUCCESS) {
      why = "the key file is not a valid JWK: " + (check.empty() ? "not a JSON object" : check);
      return std::nullopt;
    }
    simdjson::dom::object jwk = root;
    simdjson::dom::array keys;
    if (root["keys"].get_array().get(keys) == simdjson::SUCCESS) {
      // A JWKS: the key named by --kid, or its only key.
      std::vector<simdjson::dom::object> found;
      for (simdjson::dom::element e : keys) {
        simdjson::dom::object k;
        if (e.get_object().get(k) != simdjson::SUCCESS) continue;
        if (kid.empty() || member(k, "kid") == std::optional<std::string_view>(kid)) found.push_back(k);
      }
      if (found.size() != 1) {
        why = found.empty() ? (kid.empty() ? "the JWKS holds no key" : "the JWKS has no key with kid \"" + kid + "\"")
                            : "the JWKS holds several keys: choose one with --kid";
        return std::nullopt;
      }
      jwk = found[0];
    }
    const std::optional<std::string_view> kty = member(jwk, "kty");
    if (!kty) {
      why = "the JWK has no \"kty\"";
      return std::nullopt;
    }
    if (const std::optional<std::string_view> a = member(jwk, "alg"); a && *a != alg_name(alg)) {
      why = "the JWK is for \"alg\" " + std::string(*a) + ", not " + std::string(alg_name(alg));
      return std::nullopt;
    }
    if (const std::optional<std::string_view> use = member(jwk, "use"); use && *use != "sig") {
      why = "the JWK's \"use\" is \"" + std::string(*use) + "\", not \"sig\"";
      return std::nullopt;
    }
    if (kid_out.empty()) kid_out = std::string(member(jwk, "kid").value_or(""));
    if (*kty == "oct") {
      std::vector<uint8_t> secret;
      const std::optional<std::string_view> k = member(jwk, "k");
      if (!k || !unb64(*k, secret)) {
        why = "oct JWK without a valid base64url \"k\"";
        return std::nullopt;
      }
      if (!hmac) {
        why = std::string(alg_name(alg)) + " cannot be used with an oct (HMAC) key";
        return std::nullopt;
      }
      if (secret.size() < hmac_len(alg)) {
        why = "weak key: the HMAC secret has " + std::to_string(secret.size()) + " bytes; " +
              std::string(alg_name(alg)) + " needs at least " + std::to_string(hmac_len(alg));
        return std::nullopt;
      }
      return testkit::key_from_secret(alg, secret, kid_out);
    }
    PkeyPtr pkey = pkey_from_private_jwk(jwk, *kty, why);
    if (!pkey) {
      if (why.empty()) why = "the private JWK does not load (" + openssl_error() + ")";
      return std::nullopt;
    }
    return signing_key_from_pkey(alg, pkey.get(), kid_out, why);
  }
  if (trimmed.find("-----BEGIN ") != std::string_view::npos) {
    std::vector<PemKey> keys;
    if (!read_pem_keys(text, keys, why)) return std::nullopt;
    std::vector<PemKey*> privates;
    for (PemKey& k : keys) {
      if (k.is_private) privates.push_back(&k);
    }
    if (privates.size() != 1) {
      why = privates.empty() ? "the PEM file holds no private key (found \"" + keys[0].label +
                                   "\"): signing needs PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY"
                             : "the PEM file holds several private keys";
      return std::nullopt;
    }
    return signing_key_from_pkey(alg, privates[0]->pkey.get(), kid_out, why);
  }
  // Anything else is raw HMAC secret bytes, used exactly as they are (as
  // `jve verify --secret-file` does: a trailing newline is part of the key).
  if (!hmac) {
    why = "the key file is neither a JWK nor a PEM private key (raw secrets are for HS256/384/512 only)";
    return std::nullopt;
  }
  if (text.size() < hmac_len(alg)) {
    why = "weak key: the HMAC secret has " + std::to_string(text.size()) + " bytes; " +
          std::string(alg_name(alg)) + " needs at least " + std::to_string(hmac_len(alg));
    return std::nullopt;
  }
  return testkit::key_from_secret(
      alg, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()), kid_out);
}

}  // namespace jve::cli
