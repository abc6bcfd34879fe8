// bench_peer_libjwt.cc: BM_Peer/libjwt/<ALG>, libjwt (Debian libjwt-dev,
// 1.10) verifying the same tokens as BM_Verify/<ALG>.
//
// Used the way libjwt's documentation shows: jwt_decode(&jwt, token, key,
// key_len) checks the signature with the key (PEM public key, or the HMAC
// secret) and parses the claims; 1.10 has no claim validation API, so the
// harness then does what a caller must: check the alg is the expected one
// (jwt_decode trusts the header's alg), exp and nbf against the same fixed
// "now" as jve_bench, iss and aud; then jwt_free. libjwt has no prepared-key
// object: it parses the PEM on every call. libjwt 1.10 implements HS*, RS*
// and ES* only: no PS* and no EdDSA, so those are not registered.
//
// Before timing, run_peer (peer_harness.h) checks that the token is
// accepted and that tampered (signature, payload) and expired tokens are
// rejected, and skips with an error otherwise.
#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <jwt.h>

#include "peer_harness.h"

namespace jve::bench::peers {
namespace {

struct LibjwtCase {
  std::vector<unsigned char> key_bytes;  // what jwt_decode takes
  jwt_alg_t alg = JWT_ALG_NONE;
};

// verify_libjwt returns true when |token| verifies and its claims hold.
bool verify_libjwt(const LibjwtCase& c, const std::string& token) {
  jwt_t* jwt = nullptr;
  if (jwt_decode(&jwt, token.c_str(), c.key_bytes.data(), static_cast<int>(c.key_bytes.size())) !=
      0)
    return false;
  bool ok = jwt_get_alg(jwt) == c.alg;
  if (ok) {
    errno = 0;
    const long exp = jwt_get_grant_int(jwt, "exp");
    ok = errno == 0 && exp > workload::kNow;
  }
  if (ok) {
    errno = 0;
    const long nbf = jwt_get_grant_int(jwt, "nbf");
    ok = errno == 0 && nbf <= workload::kNow;
  }
  if (ok) {
    const char* iss = jwt_get_grant(jwt, "iss");
    ok = iss != nullptr && std::string_view(iss) == workload::kIssuer;
  }
  if (ok) {
    const char* aud = jwt_get_grant(jwt, "aud");
    ok = aud != nullptr && std::string_view(aud) == workload::kAudience;
  }
  jwt_free(jwt);
  return ok;
}

void BM_PeerLibjwt(benchmark::State& state, const char* alg_name, jwt_alg_t alg) {
  const PeerCase* pc = peer_case_or_skip(state, alg_name);
  if (pc == nullptr) return;
  LibjwtCase c;
  c.alg = alg;
  if (!pc->key.secret.empty()) {
    c.key_bytes = pc->key.secret;
  } else {
    c.key_bytes.assign(pc->key.public_pem.begin(), pc->key.public_pem.end());
  }
  run_peer(state, "libjwt", *pc, [&c](const std::string& token) { return verify_libjwt(c, token); });
}

}  // namespace

BENCHMARK_CAPTURE(BM_PeerLibjwt, HS256, "HS256", JWT_ALG_HS256)->Name("BM_Peer/libjwt/HS256");
BENCHMARK_CAPTURE(BM_PeerLibjwt, HS384, "HS384", JWT_ALG_HS384)->Name("BM_Peer/libjwt/HS384");
BENCHMARK_CAPTURE(BM_PeerLibjwt, HS512, "HS512", JWT_ALG_HS512)->Name("BM_Peer/libjwt/HS512");
BENCHMARK_CAPTURE(BM_PeerLibjwt, RS256, "RS256", JWT_ALG_RS256)->Name("BM_Peer/libjwt/RS256");
BENCHMARK_CAPTURE(BM_PeerLibjwt, RS384, "RS384", JWT_ALG_RS384)->Name("BM_Peer/libjwt/RS384");
BENCHMARK_CAPTURE(BM_PeerLibjwt, RS512, "RS512", JWT_ALG_RS512)->Name("BM_Peer/libjwt/RS512");
BENCHMARK_CAPTURE(BM_PeerLibjwt, ES256, "ES256", JWT_ALG_ES256)->Name("BM_Peer/libjwt/ES256");
BENCHMARK_CAPTURE(BM_PeerLibjwt, ES384, "ES384", JWT_ALG_ES384)->Name("BM_Peer/libjwt/ES384");
BENCHMARK_CAPTURE(BM_PeerLibjwt, ES512, "ES512", JWT_ALG_ES512)->Name("BM_Peer/libjwt/ES512");

}  // namespace jve::bench::peers
