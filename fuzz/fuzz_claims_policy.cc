// Policy options and claims combined: every Policy field comes from the
// fuzzer (issuers, audiences, leeway, required claims, max age, typ, crit
// names, algorithms, size and depth limits, the clock), the payload is the
// rest of the input, and the harness signs the token with a fixed key, so
// each input reaches the claim checks. jve and the reference verifier must
// agree (signed_fixture.h). The header is built by the harness: alg, kid
// (for key sets with kids), and a fuzzed typ and crit extension.
#include <fuzzer/FuzzedDataProvider.h>

#include <stdexcept>

#include "keyformat/json_text.h"
#include "signed_fixture.h"

namespace {

using jve::keyformat::json_string;  // the tools' one JSON escaper

std::vector<std::string> names(FuzzedDataProvider& in, int max) {
  std::vector<std::string> out(in.ConsumeIntegralInRange<int>(0, max));
  for (std::string& s : out) s = in.ConsumeRandomLengthString(40);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const jve_fuzz::Fixture fixture;
  FuzzedDataProvider in(data, size);
  using jve_fuzz::SignAlg;
  // No RSA here: the RSA paths are the same claims code at 100x the cost.
  constexpr SignAlg kAlgs[] = {SignAlg::hs256, SignAlg::hs512, SignAlg::es256, SignAlg::eddsa};
  const SignAlg alg = kAlgs[in.ConsumeIntegral<uint8_t>() & 3];
  const int set = in.ConsumeIntegral<uint8_t>() % jve_fuzz::Fixture::kNumKeySets;

  jve::Policy p;
  const uint16_t alg_bits = in.ConsumeIntegral<uint16_t>();
  if (alg_bits != 0) {  // 0: the default, every algorithm
    p.algorithms = jve::AlgSet();
    for (int a = 0; a < jve::kNumAlgs; ++a)
      if (alg_bits & (1u << a)) p.algorithms.add(static_cast<jve::Alg>(a));
  }
  p.check_audience = in.ConsumeBool();
  p.require_kid = in.ConsumeBool();
  p.leeway_seconds = in.ConsumeIntegral<int64_t>();
  if (in.ConsumeBool()) p.max_age_seconds = in.ConsumeIntegral<int64_t>();
  const int64_t now = in.ConsumeIntegral<int64_t>();
  p.clock = [now] { return now; };
  // Bounded: a Scratch is sized for max_token_bytes on first use.
  p.max_token_bytes = in.ConsumeIntegralInRange<size_t>(0, 1 << 16);
  p.max_json_depth = in.ConsumeIntegralInRange<uint32_t>(0, 1100);
  const bool with_typ = in.ConsumeBool();
  const bool with_crit = in.ConsumeBool();

  p.issuers = names(in, 3);
  p.audiences = names(in, 3);
  const bool default_required = in.ConsumeBool();
  if (!default_required) p.required_claims = names(in, 3);
  p.typ = in.ConsumeRandomLengthString(24);
  p.critical_headers = names(in, 2);
  const std::string typ = in.ConsumeRandomLengthString(24);
  const std::string crit = in.ConsumeRandomLengthString(24);

  std::string header = "{\"alg\":\"" + std::string(jve_fuzz::sign_alg_name(alg)) + "\"";
  if (set != 1) {
    const bool hs = alg == SignAlg::hs256 || alg == SignAlg::hs512;
    header += std::string(",\"kid\":\"") + (hs ? "hs" : alg == SignAlg::es256 ? "es" : "ed") + "\"";
  }
  if (with_typ) header += ",\"typ\":" + json_string(typ);
  if (with_crit) header += ",\"crit\":[" + json_string(crit) + "]," + json_string(crit) + ":true";
  header += "}";
  // A policy validate() refuses (negative leeway or max age, size limit 0)
  // never reaches a verify: the Verifier refuses to be built with it, and
  // must say so by throwing rather than verify with it.
  if (!jve::validate(p)) {
    try {
      const jve::Verifier refused(p, fixture.key_set(set).jve);
    } catch (const std::invalid_argument&) {
      return 0;
    }
    std::abort();
  }
  const std::string payload = in.ConsumeRemainingBytesAsString();
  const std::string token = fixture.token(alg, header, payload);
  jve_fuzz::check(fixture.key_set(set), p, token, header, payload);
  return 0;
}
