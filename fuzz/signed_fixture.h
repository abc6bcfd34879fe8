// Shared by fuzz_signed_claims, fuzz_claims_policy and fuzz_c_api: fixed signing keys of
// each family, the same public keys loaded into jve and into the reference
// verifier (tests/reference), and one differential run over a token the
// harness signs itself, so that the header and claims rules behind the
// signature are reached. Any disagreement prints the case and aborts.
#pragma once

#include <openssl/err.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jve/jve.hpp"
#include "keyformat/jwk.h"
#include "keyformat/pem.h"
#include "keyformat/sign.h"
#include "reference.h"

namespace jve_fuzz {

namespace keyformat = jve::keyformat;

// Embedded, not generated: RSA key generation per process would cost
// seconds, and fixed keys make every crash reproducible. Test keys only.
inline constexpr char kRsaPem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAx+WOkdPFJ9sM9eqh1PZexKrxIy3jRCG2/sorls4BbGz/WBiQ\n"
    "Iu0exaoUrJYtcfVbzOA5DE4WM3jqS4FSdBOo0WOmJdLWuNVKX9zr37ZkClAcfHCg\n"
    "W6j7lOrjyyaz2tn786fUZLyWJAcBcn3yDS1y83u6SLNQCGtr0s6TjlwRm7XZ5mXt\n"
    "aj5LY9gqhqH18ZoK+wJERSqeapDqrcf2XVVMeTZ/zsF7XlUN4vrLhe32nTOLGuBZ\n"
    "Xst90NcnZBSqCje9wDLi6+XRQBCh4H0GocmWv56Fh+RFYnBWDyBPvrR3uljmxUJc\n"
    "ZjTjG2oD+2CEkuOPs4/Q2/w5fAaAlDAvtHAhhwIDAQABAoIBAAaFKgGpsFbyIdnC\n"
    "SHsOJN3csYwzNU7bRqvIOQ8XMxwFRiLqfNvBc5fWSgxYba0M6BdRAlYGFK/4dAlN\n"
    "yOcOXnBOBB+xtofwNRfWuJQ4enTiU2Y1CkCod2ROcRWxnSY4pquLlYr098oUYcCz\n"
    "86Q9ukUk4QOkDaqTTmthikCXfN+Ln9AhxmC+U9xoCYs8c4t3zyLJyYFRQgiN9ZX+\n"
    "gDpXwvPInikbHxYorV1UoAUoxqZLFexKcgCLfgrruia+70h4+XZZ0j891nmIaVHO\n"
    "mU3yXDJPzaMekf1agzGOQSMZ4XtWjYVFrLtLfqMJasUslNyBhly380OB9e9qS/5x\n"
    "OmhMCVECgYEA9q59lIeeeTmTvhrW9qUW+GLLg1Ur1sqUKd3n/6Gy30oQFnN4nVUE\n"
    "tsp/W+j2YfOvDSqmOyNk02FMBwee0M0bftOAIGGI86NcizmNxrNEArNNSurmJlft\n"
    "W+0NKvf3HJcabxi3Q5KtbQZriThSrWG5teWOLoUs/QA9VVj9NlM1ZOkCgYEAz3Kj\n"
    "RC9iO8hRhdtJfJL3Z2QCWEwoDcjx6xd6n30pou35WYq25pXbUKryJxs3Ex3z625J\n"
    "aXDA2iEXJ0AbjG0FqNSX3OEi5cBI7ILv/q3GB7uFfSrW8p7UgX1veRUZLfaSExlr\n"
    "M4kiE0yDyrqCXBJW+ZdHsact6SrsFr6BeQR8DO8CgYEA6v6O40/Ox+zxscgfwBbF\n"
    "Kxnyhco9WQDi5H9g40VHAS+s47Zc0ISNWRTO/t+O1wEtYX2fnfa5tiSaKJg50u+R\n"
    "oeAZzr8bl/2ny3modgGQaIImv5fGaACbPVc1lBlkbvgDVpJVAypXy+SxzKa7HDBc\n"
    "mct1BxwXH217ADMmBPp/gwECgYAN8YGh0qGCrSs1mRCua95vN5ykvLGwg4InMBPQ\n"
    "5oPG7MHmz9kNVKNCH8tY745bHZdIisgqaya7QqAgxkFTxfwsZeWzNfq3gJ4mL4Lc\n"
    "FmgKGwOU7y01b5GPBpRYih+AJGObHwlClIQS0gDFvpWGhMEN06pA+aCvXHAz8ygW\n"
    "r0N7RwKBgEifRbcFKYZM5+J4PtYSESehanT7Bqm8/vgpCs2671edHWDTGIgCZFuu\n"
    "1CAdJyaFsrZgfxVGqwph+JGiL57ClHomX8HH9/eFhFDtuKaAacGfuhmd+SGcFEuC\n"
    "4XMuG1wUzlg8qoHbSGABHJPI33FIAQBCVAdIDoUkZ/GDa7oDPKci\n"
    "-----END RSA PRIVATE KEY-----\n";
inline constexpr char kEcPem[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIKNpJFDeOEiMJKsMSZQLnq25nmv71s4B5RnyPh52Kqd1oAoGCCqGSM49\n"
    "AwEHoUQDQgAEdOeZzk2AWkHtzT/fPsQKhGjKk1JnfWcSMN91EFKpFQJVcf1t3+PF\n"
    "e/KCOj53R4KJdk0YGYia/4+iPTiXGWslLA==\n"
    "-----END EC PRIVATE KEY-----\n";
// 64 bytes, so HS256, HS384 and HS512 all accept it.
inline constexpr char kSecret[] = "jve-fuzz-hmac-secret-0123456789!jve-fuzz-hmac-secret-0123456789!";

// The algorithms the harness signs with.
enum class SignAlg { hs256, hs384, hs512, rs256, ps256, es256, eddsa };
inline constexpr int kNumSignAlgs = 7;
inline constexpr jve::Alg kAlgOf[kNumSignAlgs] = {jve::Alg::HS256, jve::Alg::HS384, jve::Alg::HS512,
                                                  jve::Alg::RS256, jve::Alg::PS256, jve::Alg::ES256,
                                                  jve::Alg::EdDSA};
inline std::string_view sign_alg_name(SignAlg a) { return jve::alg_name(kAlgOf[static_cast<int>(a)]); }

// One key set, as jve and as the reference see it.
struct KeySetPair {
  std::shared_ptr<const jve::KeySet> jve;
  std::vector<jve::reference::Key> ref;
  std::string jwks;  // the same public keys, kids and pinned algs as a JWKS
};

class Fixture {
 public:
  // Key sets: 0 every key with a kid ("hs", "rs", "es", "ed"); 1 the same
  // keys without kids; 2 kids, the RSA key pinned to RS256 and a second
  // HMAC key ("hs2", so kid-less HS tokens are ambiguous).
  static constexpr int kNumKeySets = 3;

  Fixture() {
    rsa_ = load(kRsaPem);
    ec_ = load(kEcPem);
    // Ed25519 from the fixed seed 0, 1, ..., 31, read as a private JWK.
    uint8_t seed[32];
    for (int i = 0; i < 32; ++i) seed[i] = static_cast<uint8_t>(i);
    ed_ = must(keyformat::read_jwk(R"({"kty":"OKP","crv":"Ed25519","d":")" +
                                   jve::base64url::encode(std::span<const uint8_t>(seed)) + "\"}"))
              .key;
    hs_ = keyformat::KeyData::from_secret(
        std::span(reinterpret_cast<const uint8_t*>(kSecret), sizeof(kSecret) - 1));
    const std::string secret2 = "a-second-hmac-secret-of-thirty-two-bytes";
    for (int set = 0; set < kNumKeySets; ++set) {
      const bool kids = set != 1;
      std::vector<std::shared_ptr<const jve::Key>> keys;
      std::vector<std::string> jwks;
      KeySetPair& pair = sets_[set];
      // |key| is asymmetric, or null for the HMAC secret |hmac|.
      auto add = [&](const char* kid, std::optional<jve::Alg> alg, const keyformat::KeyData* key,
                     std::string_view hmac) {
        jve::KeyOptions opt;
        jve::reference::Key ref;
        if (kids) opt.kid = kid, ref.kid = kid;
        opt.alg = alg;
        if (alg) ref.alg = std::string(jve::alg_name(*alg));
        jve::Result<std::shared_ptr<const jve::Key>> k =
            key == nullptr
                ? jve::Key::from_secret(
                      std::span(reinterpret_cast<const uint8_t*>(hmac.data()), hmac.size()), opt)
                : jve::Key::from_pem(must(keyformat::write_pem(*key, keyformat::PemForm::spki)), opt);
        if (!k.ok()) std::abort();
        keys.push_back(*k);
        // The same key as a JWK, for the harnesses that load JSON (fuzz_c_api).
        keyformat::JwkParams params;
        params.kid = opt.kid.value_or("");
        if (alg) params.alg = std::string(jve::alg_name(*alg));
        const keyformat::KeyData secret = keyformat::KeyData::from_secret(
            std::span(reinterpret_cast<const uint8_t*>(hmac.data()), hmac.size()));
        jwks.push_back(must(keyformat::write_jwk(key != nullptr ? *key : secret, params,
                                                 keyformat::JwkMembers::public_only)));
        ref.secret.assign(hmac.begin(), hmac.end());
        if (key != nullptr) ref.spki = must(keyformat::spki_der(*key));
        pair.ref.push_back(std::move(ref));
      };
      add("hs", std::nullopt, nullptr, kSecret);
      add("rs", set == 2 ? std::optional(jve::Alg::RS256) : std::nullopt, &rsa_, "");
      add("es", std::nullopt, &ec_, "");
      add("ed", std::nullopt, &ed_, "");
      if (set == 2) add("hs2", std::nullopt, nullptr, secret2);
      pair.jve = std::make_shared<const jve::KeySet>(std::move(keys));
      pair.jwks = keyformat::write_jwks(jwks);
    }
  }

  const KeySetPair& key_set(int i) const { return sets_[i % kNumKeySets]; }

  // token signs b64(header).b64(payload) with |alg| (keyformat's signer:
  // raw r||s for ES256).
  std::string token(SignAlg alg, std::string_view header, std::string_view payload) const {
    const keyformat::KeyData* key = &hs_;
    switch (alg) {
      case SignAlg::hs256: case SignAlg::hs384: case SignAlg::hs512: break;
      case SignAlg::rs256: case SignAlg::ps256: key = &rsa_; break;
      case SignAlg::es256: key = &ec_; break;
      case SignAlg::eddsa: key = &ed_; break;
    }
    return must(keyformat::sign_compact(*key, kAlgOf[static_cast<int>(alg)], header, payload));
  }

 private:
  // must aborts on a keyformat failure: the fixed keys always work.
  template <class T>
  static T must(jve::Result<T> r) {
    if (!r.ok()) std::abort();
    return std::move(*r);
  }
  static keyformat::KeyData load(const char* pem) {
    return must(keyformat::read_pem(pem)).front().key;
  }

  keyformat::KeyData rsa_, ec_, ed_, hs_;
  KeySetPair sets_[kNumKeySets];
};

inline void print_bytes(const char* what, std::string_view s) {
  std::fprintf(stderr, "%s (%zu bytes): ", what, s.size());
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') std::fputc(c, stderr);
    else std::fprintf(stderr, "\\x%02x", c);
  }
  std::fputc('\n', stderr);
}

// same_claims: two accepted verifies returned the same views' contents.
inline bool same_claims(const jve::Claims& a, const jve::Claims& b) {
  return a.json() == b.json() && a.header.json == b.header.json && a.header.alg == b.header.alg &&
         a.header.kid == b.header.kid && a.exp == b.exp && a.nbf == b.nbf && a.iat == b.iat &&
         a.iss == b.iss && a.sub == b.sub && a.jti == b.jti &&
         a.audience_count() == b.audience_count();
}

// check_cache runs |token| through a Verifier with a verified-token cache
// (jve/cache.h) and aborts unless every verdict equals an uncached verify's
// (|got|, then fresh Verifiers at the same clock): twice at the policy's
// clock (a miss then, if accepted, a hit), then, for an accepted token,
// replayed from the cache with the clock moved to each side of exp, nbf
// and the max age (with leeway), where a fresh verify is the judge.
inline void check_cache(const KeySetPair& keys, const jve::Policy& policy, std::string_view token,
                        jve::Status got, const jve::Claims& uncached) {
  static jve::Scratch scratch, fresh_scratch;
  static int64_t shift;  // what the replays add to the policy's clock
  auto saturating = [](int64_t a, int64_t b) {
    int64_t r;
    return __builtin_add_overflow(a, b, &r) ? (b > 0 ? INT64_MAX : INT64_MIN) : r;
  };
  jve::Policy moved = policy;
  moved.clock = [&policy, saturating] { return saturating(policy.clock(), shift); };
  shift = 0;
  auto store = std::make_shared<jve::KeyStore>(keys.jve);
  const jve::Verifier cached(moved, store, jve::VerifyCache{.entries = 4});
  jve::Claims claims;
  const char* violation = nullptr;
  for (int round = 0; round < 2 && !violation; ++round) {
    if (cached.verify(token, scratch, claims) != got) violation = "cached verdict differs";
    else if (got == jve::Status::ok && !same_claims(claims, uncached)) violation = "cached claims differ";
  }
  if (got == jve::Status::ok && !violation) {
    const int64_t now = policy.clock();
    std::vector<int64_t> shifts = {-1, 1};
    auto around = [&](std::optional<double> t, int64_t sign) {
      if (!t || !(*t > -9e18 && *t < 9e18)) return;
      const int64_t edge = saturating(static_cast<int64_t>(*t), sign * policy.leeway_seconds);
      int64_t d;
      if (__builtin_sub_overflow(edge, now, &d)) d = edge > now ? INT64_MAX : INT64_MIN;
      for (int64_t e : {-1, 0, 1}) shifts.push_back(saturating(d, e));
    };
    around(uncached.exp, 1);
    around(uncached.nbf, -1);
    if (policy.max_age_seconds && uncached.iat)
      around(*uncached.iat + static_cast<double>(*policy.max_age_seconds), 1);
    for (int64_t s : shifts) {
      shift = s;
      jve::Claims fresh_claims;
      const jve::Verifier fresh(moved, keys.jve);
      const jve::Status want = fresh.verify(token, fresh_scratch, fresh_claims);
      const jve::Status hit = cached.verify(token, scratch, claims);
      if (hit != want) violation = "cached verdict differs after the clock moved";
      else if (hit == jve::Status::ok && !same_claims(claims, fresh_claims))
        violation = "cached claims differ after the clock moved";
      if (violation) {
        std::fprintf(stderr, "  clock shift %lld: cached %s, fresh %s\n", static_cast<long long>(s),
                     std::string(jve::to_string(hit)).c_str(), std::string(jve::to_string(want)).c_str());
        break;
      }
    }
  }
  if (violation) {
    std::fprintf(stderr, "\nMISMATCH: %s (uncached: %s)\n", violation,
                 std::string(jve::to_string(got)).c_str());
    print_bytes("  token", token);
    std::abort();
  }
}

// check verifies |token| with jve and with the reference under |policy| and
// aborts when the verdicts differ (ok vs not, or the stage that refused), or
// when an accepted token's claims view disagrees with the reference's tree.
inline void check(const KeySetPair& keys, const jve::Policy& policy, std::string_view token,
                  std::string_view header, std::string_view payload) {
  static jve::Scratch scratch;
  const jve::Verifier verifier(policy, keys.jve);
  jve::Claims claims;
  const jve::Status got = verifier.verify(token, scratch, claims);
  jve::reference::Value tree;
  const jve::Status want = jve::reference::verify(token, keys.ref, policy, &tree);
  const char* violation = nullptr;
  using jve::reference::status_class;
  if (status_class(got) != status_class(want)) violation = "verdict differs from the reference";
  if (got == jve::Status::ok && !violation) {
    if (claims.json() != payload || claims.header.json != header) violation = "claims view bytes";
    for (auto [name, value] : {std::pair{"exp", claims.exp}, std::pair{"nbf", claims.nbf},
                               std::pair{"iat", claims.iat}}) {
      const jve::reference::Value* v = tree.find(name);
      if (v == nullptr ? value.has_value() : (!value || *value != v->number))
        violation = "a NumericDate differs from the reference's reading";
    }
    for (auto [name, value] : {std::pair{"iss", claims.iss}, std::pair{"sub", claims.sub},
                               std::pair{"jti", claims.jti}}) {
      const jve::reference::Value* v = tree.find(name);
      if (v == nullptr ? value.has_value() : (!value || *value != v->string))
        violation = "a string claim differs from the reference's unescaped value";
    }
    jve::Jws jws;
    if (verifier.verify_jws(token, scratch, jws) != jve::Status::ok) violation = "verify_jws";
  }
  if (!violation) {  // claims was overwritten by verify_jws: verify again
    if (verifier.verify(token, scratch, claims) != got) violation = "verify not repeatable";
    else check_cache(keys, policy, token, got, claims);
  }
  if (violation) {
    std::fprintf(stderr, "\nMISMATCH: %s\n  jve: %s  reference: %s\n", violation,
                 std::string(jve::to_string(got)).c_str(), std::string(jve::to_string(want)).c_str());
    print_bytes("  header", header);
    print_bytes("  payload", payload);
    print_bytes("  token", token);
    std::abort();
  }
  ERR_clear_error();
}

}  // namespace jve_fuzz
