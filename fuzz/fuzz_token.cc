// Arbitrary bytes through the whole verify path with fixed keys (among
// them Ed25519 keys anyone can forge for, which both verifiers must refuse,
// with forged tokens for each in the corpus). Invariants
// beyond "no crash": a token jve accepts must carry a signature that an
// independent one-shot BoringSSL call also accepts; verifying twice with the
// same Scratch gives the same status; verify ok implies verify_jws ok; and
// the reference verifier (tests/reference) reaches the same verdict (ok or
// not, and the stage that refused). A MultiIssuerVerifier (which parses the
// payload before the signature) must agree with the plain verifier: ok only
// for a token the plain one accepts with a listed iss, and ok for every such
// token whose issuer has the same policy.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/curve25519.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/mem.h>

#include <openssl/bytestring.h>
#include <openssl/evp.h>

#include "jve/jve.hpp"
#include "reference.h"

namespace {

// Fixed keys: the private halves made the seed corpus (fuzz/README.md).
constexpr char kSecret[] = "jve-fuzz-hmac-secret-0123456789!";
constexpr char kEdPublic[] = "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg";
// Ed25519 keys anyone can forge for (issue 12 §1), which jve leaves out of
// the set and the reference refuses at selection: the identity, points of
// order 2, 4 and 8, and the identity encoded as y = p + 1. The corpus holds
// tokens with the forged signature R = identity, S = 0 for each.
constexpr const char* kFlawedEd[][2] = {
    {"ed-o1", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
    {"ed-o2", "7P_______________________________________38"},
    {"ed-o4", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIA"},
    {"ed-o8", "xxdqcD1N2E-6PAt2DRBnDyogU_osOczGTsf9d5KsA3o"},
    {"ed-nc", "7v_______________________________________38"},
};
constexpr size_t kNumFlawedEd = sizeof(kFlawedEd) / sizeof(kFlawedEd[0]);

std::string okp_jwk(const char* kid, const char* x) {
  return std::string(R"({"kty":"OKP","crv":"Ed25519","kid":")") + kid + R"(","x":")" + x + "\"}";
}

std::string jwks() {
  std::string out =
      R"({"keys":[{"kty":"oct","kid":"hs","k":"anZlLWZ1enotaG1hYy1zZWNyZXQtMDEyMzQ1Njc4OSE"},)" +
      okp_jwk("ed", kEdPublic);
  for (const auto& [kid, x] : kFlawedEd) out += "," + okp_jwk(kid, x);
  return out + "]}";
}

std::vector<uint8_t> decoded(std::string_view b64) {
  std::vector<uint8_t> out(jve::base64url::decoded_max_len(b64.size()));
  size_t n = 0;
  if (jve::base64url::decode(b64, out.data(), &n) != jve::Status::ok) std::abort();
  out.resize(n);
  return out;
}

// spki is an Ed25519 public key as a DER SubjectPublicKeyInfo, the form the
// reference takes keys in.
std::vector<uint8_t> spki(const std::vector<uint8_t>& ed_public) {
  bssl::UniquePtr<EVP_PKEY> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, ed_public.data(), ed_public.size()));
  bssl::ScopedCBB cbb;
  uint8_t* der = nullptr;
  size_t der_len = 0;
  if (!pkey || !CBB_init(cbb.get(), 0) || !EVP_marshal_public_key(cbb.get(), pkey.get()) ||
      !CBB_finish(cbb.get(), &der, &der_len))
    std::abort();
  std::vector<uint8_t> out(der, der + der_len);
  OPENSSL_free(der);
  return out;
}

constexpr char kIssuerA[] = "https://a.example";  // same policy as |verifier|
constexpr char kIssuerB[] = "https://b.example";  // shallower JSON, smaller tokens

struct Fixture {
  std::unique_ptr<jve::Verifier> verifier;
  std::unique_ptr<jve::MultiIssuerVerifier> multi;
  std::unique_ptr<jve::Verifier> cached;
  std::unique_ptr<jve::MultiIssuerVerifier> multi_cached;
  std::vector<uint8_t> ed_public;
  std::vector<jve::reference::Key> ref_keys;
  Fixture() {
    auto set = jve::KeySet::from_jwks(jwks());
    if (!set.ok() || set->size() != 2 || set->left_out().size() != kNumFlawedEd) std::abort();
    jve::Policy p;
    p.clock = [] { return int64_t{1'700'000'000}; };
    p.required_claims.clear();
    p.check_audience = false;
    p.critical_headers = {"ext"};
    auto store = std::make_shared<jve::KeyStore>(std::make_shared<const jve::KeySet>(std::move(*set)));
    verifier = std::make_unique<jve::Verifier>(p, store);
    jve::Policy strict = p;
    strict.max_json_depth = 2;
    strict.max_token_bytes = 512;
    std::vector<jve::MultiIssuerVerifier::Issuer> issuers;
    issuers.push_back({kIssuerA, p, store});
    issuers.push_back({kIssuerB, strict, store});
    // The same verifiers with a verified-token cache, kept across inputs so
    // that entries of earlier inputs meet every later one.
    cached = std::make_unique<jve::Verifier>(p, store, jve::VerifyCache{.entries = 64});
    multi_cached = std::make_unique<jve::MultiIssuerVerifier>(
        issuers, jve::VerifyCache{.entries = 64});
    multi = std::make_unique<jve::MultiIssuerVerifier>(std::move(issuers));
    ed_public = decoded(kEdPublic);
    if (ed_public.size() != 32) std::abort();
    // The same keys for the reference: the raw secret, and the Ed25519 keys
    // (the flawed ones included) as SubjectPublicKeyInfo.
    jve::reference::Key hs, ed;
    hs.kid = "hs";
    hs.secret.assign(kSecret, kSecret + std::strlen(kSecret));
    ed.kid = "ed";
    ed.spki = spki(ed_public);
    ref_keys = {hs, ed};
    for (const auto& [kid, x] : kFlawedEd) {
      jve::reference::Key flawed;
      flawed.kid = kid;
      flawed.spki = spki(decoded(x));
      ref_keys.push_back(std::move(flawed));
    }
  }
};

// The reference check: one-shot primitives, nothing shared with jve's
// prepared keys.
bool independently_signed(const Fixture& f, std::string_view token, jve::Alg alg) {
  const size_t dot2 = token.rfind('.');
  const std::string_view signed_part = token.substr(0, dot2);
  std::vector<uint8_t> sig(jve::base64url::decoded_max_len(token.size() - dot2));
  size_t sig_len = 0;
  if (jve::base64url::decode(token.substr(dot2 + 1), sig.data(), &sig_len) != jve::Status::ok) return false;
  const auto* msg = reinterpret_cast<const uint8_t*>(signed_part.data());
  if (alg == jve::Alg::HS256) {
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    HMAC(EVP_sha256(), kSecret, std::strlen(kSecret), msg, signed_part.size(), mac, &mac_len);
    return sig_len == mac_len && CRYPTO_memcmp(mac, sig.data(), mac_len) == 0;
  }
  if (alg == jve::Alg::EdDSA) {
    return sig_len == 64 && ED25519_verify(msg, signed_part.size(), sig.data(), f.ed_public.data()) == 1;
  }
  return false;  // no other key is configured
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture f;
  static jve::Scratch scratch;
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  jve::Claims claims;
  const jve::Status s = f.verifier->verify(token, scratch, claims);
  if (s == jve::Status::ok) {
#ifndef JVE_FUZZING_UNSAFE_FOR_PRODUCTION
    if (!independently_signed(f, token, claims.header.alg)) std::abort();
#endif
    jve::Jws jws;
    if (f.verifier->verify_jws(token, scratch, jws) != jve::Status::ok) std::abort();
  }
  // Copied: |claims| points into |scratch|, which the next verify reuses.
  const std::string iss = s == jve::Status::ok && claims.iss ? std::string(*claims.iss) : "";
  const bool listed_iss = iss == kIssuerA || iss == kIssuerB;
  const bool iss_a = iss == kIssuerA;
  jve::Claims routed;
  const jve::Status m = f.multi->verify(token, scratch, routed);
  if (m == jve::Status::ok && (!listed_iss || routed.iss != iss)) std::abort();
  if (iss_a && m != jve::Status::ok) std::abort();
  jve::Claims again;
  if (f.verifier->verify(token, scratch, again) != s) std::abort();
  // The cached verifiers: the same verdicts, a miss then (if ok) a hit.
  for (int round = 0; round < 2; ++round) {
    jve::Claims c;
    if (f.cached->verify(token, scratch, c) != s) std::abort();
    if (s == jve::Status::ok && ((c.iss ? std::string(*c.iss) : std::string()) != iss || c.json().empty())) std::abort();
    if (f.multi_cached->verify(token, scratch, c) != m) std::abort();
  }
  if (jve::to_string(s) == "unknown") std::abort();
  const jve::Status want = jve::reference::verify(token, f.ref_keys, f.verifier->policy());
  if (jve::reference::status_class(s) != jve::reference::status_class(want)) {
    std::fprintf(stderr, "MISMATCH: jve %s, reference %s\n", std::string(jve::to_string(s)).c_str(),
                 std::string(jve::to_string(want)).c_str());
    std::abort();
  }
  ERR_clear_error();
  return 0;
}
