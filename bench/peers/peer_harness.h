// peer_harness.h: what every BM_Peer/<lib>/<ALG> shares, so the peers are
// measured, checked and reported the same way:
//   peer_case(alg)  one key and its tokens per algorithm, made once per run
//                   and verified by every peer (RSA key generation costs far
//                   more than a benchmark, and Google Benchmark calls each
//                   function several times);
//   run_peer        before timing, the genuine token must verify and a token
//                   with a flipped signature byte, one with a changed payload
//                   byte, and an expired one must be rejected; otherwise
//                   SkipWithError, so no number comes from a broken path.
//                   Then the timed loop: items = tokens, bytes = token bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "openssl_workload.h"
#include "workload.h"

namespace jve::bench::peers {

struct PeerCase {
  PeerKey key;
  std::string token;          // realistic header, kPayloadBytes payload
  std::string bad_signature;  // tamper_signature(token)
  std::string bad_payload;    // tamper_payload(token): same signature
  std::string expired;        // exp = kNow - 1, correctly signed
};

// peer_case returns the case of |alg| ("HS256", ...), built on first use.
// Throws std::runtime_error when OpenSSL cannot make the key or token.
inline const PeerCase& peer_case(std::string_view alg) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<PeerCase>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(alg);
  if (it == cache.end()) {
    auto c = std::make_unique<PeerCase>();
    c->key = generate_key(alg);
    c->token = realistic_token(c->key, workload::kPayloadBytes);
    c->bad_signature = tamper_signature(c->token);
    c->bad_payload = tamper_payload(c->token, workload::kPayloadBytes);
    c->expired = expired_token(c->key, workload::kPayloadBytes);
    it = cache.emplace(std::string(alg), std::move(c)).first;
  }
  return *it->second;
}

// peer_case_or_skip is peer_case, or nullptr after SkipWithError.
inline const PeerCase* peer_case_or_skip(benchmark::State& state, std::string_view alg) {
  try {
    return &peer_case(alg);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return nullptr;
  }
}

// run_peer times |verify|(c.token) after the checks above. |verify| takes a
// const std::string& and returns true when |lib| accepts the token and its
// claims; it catches the library's exceptions itself (a throw is a reject).
template <typename Verify>
void run_peer(benchmark::State& state, std::string_view lib, const PeerCase& c, Verify&& verify) {
  const auto skip = [&](std::string_view why) {
    state.SkipWithError((std::string(lib) + " " + std::string(why)).c_str());
  };
  if (!verify(c.token)) return skip("rejects the valid token");
  if (verify(c.bad_signature)) return skip("accepts a token with a tampered signature");
  if (verify(c.bad_payload)) return skip("accepts a token with a tampered payload");
  if (verify(c.expired)) return skip("accepts an expired token");
  size_t failures = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.token);
    bool ok = verify(c.token);
    benchmark::DoNotOptimize(ok);
    failures += !ok;
  }
  if (failures != 0) return skip("failed inside the loop");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.token.size()));
}

}  // namespace jve::bench::peers
