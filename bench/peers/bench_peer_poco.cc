// bench_peer_poco.cc: BM_Peer/poco/<ALG>, POCO JWT (Debian libpoco-dev 1.11,
// Poco::JWT over Poco::Crypto and OpenSSL) verifying the same tokens as
// BM_Verify/<ALG>.
//
// Used the way POCO's JWT documentation shows: a Poco::JWT::Signer holding
// the key (setHMACKey, or a Poco::Crypto::RSAKey / ECKey read from the public
// key PEM) and the allowed algorithms (setAlgorithms({alg})), then
// Signer::tryVerify(jwt, token) per token (Signer::verify is the same call
// that throws on a bad signature; tryVerify still throws on malformed input
// or an alg outside the set, so a throw counts as a reject).
//
// What POCO checks: the header's alg is in the allowed set (one alg here, so
// it is pinned) and the signature. No claims: the Signer leaves exp, nbf,
// iss and aud to the caller, so the harness checks them from the Token
// (getExpiration, getNotBefore, getIssuer, getAudience) against the same
// fixed kNow as jve_bench, as jve's Policy does: exp present and > kNow,
// nbf (when present) <= kNow, iss equal, aud containing the audience.
//
// Keys are prepared once: the Signer and its RSAKey / ECKey (the parsed
// EVP_PKEY) are built before timing. Per token POCO still builds the
// algorithm object through a factory, a digest engine, a std::string per
// segment, and Poco::JSON objects for the header and payload. Its HMAC
// check compares digests with operator== (not constant time).
//
// POCO 1.11 implements HS*, RS* and ES* only (its algorithm factory has no
// PS* and no EdDSA), so those are not registered.
#include <algorithm>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/Crypto/Crypto.h>
#include <Poco/Crypto/ECKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/SharedPtr.h>
#include <benchmark/benchmark.h>

#include "peer_harness.h"

namespace jve::bench::peers {
namespace {

// verify_poco returns true when |jwt| verifies and its claims hold.
bool verify_poco(const Poco::JWT::Signer& signer, const std::string& jwt) {
  try {
    Poco::JWT::Token token;
    if (!signer.tryVerify(jwt, token)) return false;
    if (token.getExpiration().epochTime() <= workload::kNow) return false;  // 0 when absent
    if (token.getNotBefore().epochTime() > workload::kNow) return false;
    if (token.getIssuer() != workload::kIssuer) return false;
    const std::vector<std::string> audience = token.getAudience();
    return std::find(audience.begin(), audience.end(), workload::kAudience) != audience.end();
  } catch (const Poco::Exception&) {
    return false;
  } catch (const std::exception&) {
    return false;
  }
}

// make_signer loads |key| into a Signer that allows only |alg|.
std::unique_ptr<Poco::JWT::Signer> make_signer(const PeerKey& key, const std::string& alg) {
  auto signer = std::make_unique<Poco::JWT::Signer>();
  if (!key.secret.empty()) {
    signer->setHMACKey(std::string(key.secret.begin(), key.secret.end()));
  } else if (alg[0] == 'R') {
    std::istringstream pem(key.public_pem);
    signer->setRSAKey(Poco::SharedPtr<Poco::Crypto::RSAKey>(new Poco::Crypto::RSAKey(&pem)));
  } else {
    std::istringstream pem(key.public_pem);
    signer->setECKey(Poco::SharedPtr<Poco::Crypto::ECKey>(new Poco::Crypto::ECKey(&pem)));
  }
  signer->setAlgorithms({alg});
  return signer;
}

void BM_PeerPoco(benchmark::State& state, const char* alg_name) {
  // POCO's documentation asks for this once per process before using Crypto.
  static const bool crypto_initialized = [] {
    Poco::Crypto::initializeCrypto();
    return true;
  }();
  benchmark::DoNotOptimize(crypto_initialized);
  const PeerCase* pc = peer_case_or_skip(state, alg_name);
  if (pc == nullptr) return;
  std::unique_ptr<Poco::JWT::Signer> signer;
  try {
    signer = make_signer(pc->key, alg_name);
  } catch (const Poco::Exception& e) {
    state.SkipWithError(("poco: loading the key: " + e.displayText()).c_str());
    return;
  }
  run_peer(state, "poco", *pc,
           [&signer](const std::string& token) { return verify_poco(*signer, token); });
}

}  // namespace

BENCHMARK_CAPTURE(BM_PeerPoco, HS256, "HS256")->Name("BM_Peer/poco/HS256");
BENCHMARK_CAPTURE(BM_PeerPoco, HS384, "HS384")->Name("BM_Peer/poco/HS384");
BENCHMARK_CAPTURE(BM_PeerPoco, HS512, "HS512")->Name("BM_Peer/poco/HS512");
BENCHMARK_CAPTURE(BM_PeerPoco, RS256, "RS256")->Name("BM_Peer/poco/RS256");
BENCHMARK_CAPTURE(BM_PeerPoco, RS384, "RS384")->Name("BM_Peer/poco/RS384");
BENCHMARK_CAPTURE(BM_PeerPoco, RS512, "RS512")->Name("BM_Peer/poco/RS512");
BENCHMARK_CAPTURE(BM_PeerPoco, ES256, "ES256")->Name("BM_Peer/poco/ES256");
BENCHMARK_CAPTURE(BM_PeerPoco, ES384, "ES384")->Name("BM_Peer/poco/ES384");
BENCHMARK_CAPTURE(BM_PeerPoco, ES512, "ES512")->Name("BM_Peer/poco/ES512");

}  // namespace jve::bench::peers
