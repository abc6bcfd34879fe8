// bench_peer_cppjwt.cc: BM_Peer/cpp-jwt/<ALG>, cpp-jwt (Debian
// libcpp-jwt-dev 1.4, header-only, OpenSSL and nlohmann::json) verifying the
// same tokens as BM_Verify/<ALG>.
//
// Used the way cpp-jwt's README and examples show: jwt::decode(token,
// algorithms({alg}), ec, secret(key), issuer(iss), aud(aud), leeway(s)),
// verify left at its default (true), errors through the std::error_code
// overload (no exceptions on a reject).
//
// What cpp-jwt checks: the header's alg is in the list given (one alg here,
// so it is pinned); typ, when present, is "JWT"; the signature; exp and nbf
// when present (neither is required); iss and aud by string equality (an aud
// array would be a type error, not a match). What the harness adds, as jve's
// Policy does: exp must be present, and nbf, when present, <= kNow (see the
// clock below).
//
// Clock: cpp-jwt compares exp and nbf with std::chrono::system_clock::now()
// and has no clock hook, while the workload's tokens are fixed at kNow
// (2023-11-14), long expired in wall-clock time. leeway = wall now - kNow,
// taken once at set-up, moves the exp check to kNow (plus the seconds the run
// lasts), so expired tokens are still rejected (run_peer checks it). The
// same leeway loosens nbf by as much, hence the harness's own nbf check.
//
// Keys: cpp-jwt has no prepared-key object. The secret parameter is copied
// into a std::string on every decode, and for RS*/ES* PEMSign::verify parses
// the PEM (PEM_read_bio_PUBKEY) on every token; only the algorithm list is
// built once. Its HMAC check compares base64url text with operator== (not
// constant time).
//
// cpp-jwt 1.4 implements HS*, RS* and ES* only (jwt::algorithm has no PS*
// and no EdDSA), so those are not registered.
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <benchmark/benchmark.h>
#include <jwt/jwt.hpp>

#include "peer_harness.h"

namespace jve::bench::peers {
namespace {

using Algorithms = jwt::params::detail::algorithms_param<std::vector<std::string>>;

struct CppJwtCase {
  Algorithms algorithms{std::vector<std::string>{}};
  std::string key;  // the HMAC secret bytes, or the public key PEM
  std::string issuer{workload::kIssuer};
  std::string audience{workload::kAudience};
  uint32_t leeway = 0;
};

// verify_cppjwt returns true when |token| verifies and its claims hold.
bool verify_cppjwt(const CppJwtCase& c, const std::string& token) {
  using namespace jwt::params;
  try {
    std::error_code ec;
    const jwt::jwt_object obj = jwt::decode(token, c.algorithms, ec, secret(c.key), issuer(c.issuer),
                                            aud(c.audience), leeway(c.leeway));
    if (ec) return false;
    const jwt::jwt_payload& payload = obj.payload();
    if (!payload.has_claim("exp")) return false;
    return !payload.has_claim("nbf") || payload.get_claim_value<int64_t>("nbf") <= workload::kNow;
  } catch (const std::exception&) {
    return false;  // allocation failures, or a claim of the wrong JSON type
  }
}

void BM_PeerCppJwt(benchmark::State& state, const char* alg_name) {
  const PeerCase* pc = peer_case_or_skip(state, alg_name);
  if (pc == nullptr) return;
  CppJwtCase c;
  c.algorithms = jwt::params::algorithms(std::vector<std::string>{alg_name});
  if (!pc->key.secret.empty()) {
    c.key.assign(pc->key.secret.begin(), pc->key.secret.end());
  } else {
    c.key = pc->key.public_pem;
  }
  const int64_t wall_now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  if (wall_now < workload::kNow || wall_now - workload::kNow > INT64_C(0xffffffff)) {
    state.SkipWithError("cpp-jwt: the wall clock is too far from kNow for leeway to reach it");
    return;
  }
  c.leeway = static_cast<uint32_t>(wall_now - workload::kNow);
  run_peer(state, "cpp-jwt", *pc, [&c](const std::string& token) { return verify_cppjwt(c, token); });
}

}  // namespace

BENCHMARK_CAPTURE(BM_PeerCppJwt, HS256, "HS256")->Name("BM_Peer/cpp-jwt/HS256");
BENCHMARK_CAPTURE(BM_PeerCppJwt, HS384, "HS384")->Name("BM_Peer/cpp-jwt/HS384");
BENCHMARK_CAPTURE(BM_PeerCppJwt, HS512, "HS512")->Name("BM_Peer/cpp-jwt/HS512");
BENCHMARK_CAPTURE(BM_PeerCppJwt, RS256, "RS256")->Name("BM_Peer/cpp-jwt/RS256");
BENCHMARK_CAPTURE(BM_PeerCppJwt, RS384, "RS384")->Name("BM_Peer/cpp-jwt/RS384");
BENCHMARK_CAPTURE(BM_PeerCppJwt, RS512, "RS512")->Name("BM_Peer/cpp-jwt/RS512");
BENCHMARK_CAPTURE(BM_PeerCppJwt, ES256, "ES256")->Name("BM_Peer/cpp-jwt/ES256");
BENCHMARK_CAPTURE(BM_PeerCppJwt, ES384, "ES384")->Name("BM_Peer/cpp-jwt/ES384");
BENCHMARK_CAPTURE(BM_PeerCppJwt, ES512, "ES512")->Name("BM_Peer/cpp-jwt/ES512");

}  // namespace jve::bench::peers
