// The fuzzer's bytes become a JOSE header and a JWT payload, which the
// harness signs with a fixed key of each family (HS256/384/512, RS256, PS256,
// ES256, EdDSA), so every input carries a valid signature and the header and
// claims rules behind it are reached. jve and the reference verifier
// (tests/reference) must agree on the verdict: ok or not, and the stage that
// refused (signed_fixture.h). Input layout (FuzzedDataProvider): header text
// first (ended by a backslash and any other byte), then the payload; the
// last four bytes choose the algorithm and leeway, the key set, the policy
// and whether the header is wrapped as {"alg":"<the signing alg>",<header>}.
#include <fuzzer/FuzzedDataProvider.h>

#include "signed_fixture.h"

namespace {

using jve_fuzz::SignAlg;

// RSA signing costs ~100x an Ed25519 signature under ASan, so the two RSA
// algorithms get one slot each out of sixteen.
constexpr SignAlg kAlgBySlot[16] = {
    SignAlg::hs256, SignAlg::hs256, SignAlg::hs256, SignAlg::hs384, SignAlg::hs512,
    SignAlg::rs256, SignAlg::ps256, SignAlg::es256, SignAlg::es256, SignAlg::es256,
    SignAlg::eddsa, SignAlg::eddsa, SignAlg::eddsa, SignAlg::hs256, SignAlg::es256,
    SignAlg::eddsa};

// policy_from_bits picks one of 256 policies over a fixed vocabulary, so
// claims can match configured issuers and audiences.
jve::Policy policy_from_bits(uint8_t bits, uint8_t leeway_index) {
  jve::Policy p;
  p.clock = [] { return int64_t{1'700'000'000}; };
  if (bits & 0x01) p.issuers = {"https://issuer.example"};
  if (bits & 0x02) p.audiences = {"api", "web"};
  if (bits & 0x04) p.check_audience = false;
  if (bits & 0x08) p.required_claims.clear();
  if (bits & 0x10) p.max_age_seconds = 3600;
  if (bits & 0x20) p.typ = "JWT";
  if (bits & 0x40) p.critical_headers = {"ext", "exp"};
  if (bits & 0x80) p.require_kid = true;
  constexpr int64_t kLeeway[4] = {0, 1, 60, 3600};
  p.leeway_seconds = kLeeway[leeway_index & 3];
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const jve_fuzz::Fixture fixture;
  FuzzedDataProvider in(data, size);
  const uint8_t alg_byte = in.ConsumeIntegral<uint8_t>();
  const SignAlg alg = kAlgBySlot[alg_byte & 15];
  const int set = in.ConsumeIntegral<uint8_t>() % jve_fuzz::Fixture::kNumKeySets;
  const jve::Policy policy = policy_from_bits(in.ConsumeIntegral<uint8_t>(), alg_byte >> 4);
  const bool wrap = in.ConsumeBool();
  std::string header = in.ConsumeRandomLengthString(4096);
  if (wrap) {
    header = "{\"alg\":\"" + std::string(jve_fuzz::sign_alg_name(alg)) + "\"" +
             (header.empty() ? "" : ",") + header + "}";
  }
  const std::string payload = in.ConsumeRemainingBytesAsString();
  const std::string token = fixture.token(alg, header, payload);
  jve_fuzz::check(fixture.key_set(set), policy, token, header, payload);
  return 0;
}
