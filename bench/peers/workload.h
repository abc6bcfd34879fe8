// workload.h: the token texts every benchmark verifies, without any crypto,
// so that jve_bench_peers (OpenSSL) can build byte-identical headers and
// payloads to jve_bench (BoringSSL, tools/testkit).
//
// This is a copy of testkit::header_json and testkit::realistic_payload for
// the ASCII values used here. jve_bench checks at start-up that both give
// the same bytes (bench_util.h, fixture()), so the two cannot drift apart
// silently.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace jve::bench::workload {

inline constexpr int64_t kNow = 1'700'000'000;
inline constexpr std::string_view kIssuer = "https://auth.example.com/";
inline constexpr std::string_view kAudience = "https://api.example.com";
inline constexpr size_t kPayloadBytes = 350;
inline constexpr size_t kLargePayloadBytes = 4096;

// quoted returns "s" (the values here need no escaping). Appends rather
// than "\"" + std::string(s), which trips GCC 12's -Wrestrict false positive.
inline std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

inline void add_member(std::string& j, std::string_view name, std::string_view value_json) {
  if (j.size() > 1) j += ',';
  j += quoted(name);
  j += ':';
  j += value_json;
}

inline std::string header_json(std::string_view alg, std::string_view kid) {
  std::string j = "{";
  add_member(j, "alg", quoted(alg));
  add_member(j, "typ", quoted("JWT"));
  if (!kid.empty()) add_member(j, "kid", quoted(kid));
  j += '}';
  return j;
}

inline std::string realistic_payload(int64_t now, size_t target_bytes = kPayloadBytes,
                                     uint64_t serial = 0) {
  char id[64];
  std::snprintf(id, sizeof(id), "%016" PRIx64,
                static_cast<uint64_t>(serial * 0x9E3779B97F4A7C15ull + 0x1234567));
  std::string j = "{";
  add_member(j, "iss", quoted(kIssuer));
  add_member(j, "sub", quoted("user-" + std::to_string(100000 + serial)));
  add_member(j, "aud", quoted(kAudience));
  add_member(j, "exp", std::to_string(now + 3600));
  add_member(j, "iat", std::to_string(now));
  add_member(j, "nbf", std::to_string(now));
  add_member(j, "jti", quoted(std::string("8f14e45f-ceea-4e7a-") + id));
  add_member(j, "scope", "\"openid profile email api:read api:write\"");
  add_member(j, "client_id", "\"web-frontend\"");
  add_member(j, "roles", "[\"user\",\"billing\"]");
  add_member(j, "tenant", "{\"id\":4711,\"region\":\"eu-west-1\"}");
  constexpr size_t kOverhead = 13;  // ,"session":"..." around the padding
  if (j.size() + 1 + kOverhead < target_bytes) {
    const size_t n = target_bytes - (j.size() + 1 + kOverhead);
    std::string pad;
    pad.reserve(n);
    const std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t x = serial + 0x51ED270B;
    for (size_t i = 0; i < n; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      pad += alphabet[(x >> 33) % alphabet.size()];
    }
    add_member(j, "session", quoted(pad));
  }
  j += '}';
  return j;
}

// kid_for gives the kid jve_bench uses: "hs256-2024-01".
inline std::string kid_for(std::string_view alg) {
  std::string kid(alg);
  for (char& c : kid) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return kid + "-2024-01";
}

}  // namespace jve::bench::workload
