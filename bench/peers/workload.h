// workload.h: the token texts every benchmark verifies, without any crypto,
// so that jve_bench_peers (OpenSSL) builds byte-identical headers and
// payloads to jve_bench (BoringSSL, tools/testkit): both come from
// tools/testkit/payload.h, which includes neither jve nor any crypto.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "payload.h"

namespace jve::bench::workload {

inline constexpr int64_t kNow = 1'700'000'000;
inline constexpr std::string_view kIssuer = testkit::kIssuer;
inline constexpr std::string_view kAudience = testkit::kAudience;
inline constexpr size_t kPayloadBytes = 350;
inline constexpr size_t kLargePayloadBytes = 4096;

// The header every benchmark token carries: alg, typ JWT, kid.
inline std::string header_json(std::string_view alg, std::string_view kid) {
  return testkit::header_text(alg, kid, "JWT");
}

using testkit::realistic_payload;

// kid_for gives the kid jve_bench uses: "hs256-2024-01".
inline std::string kid_for(std::string_view alg) {
  std::string kid(alg);
  for (char& c : kid) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return kid + "-2024-01";
}

}  // namespace jve::bench::workload
