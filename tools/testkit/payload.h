// payload.h: the JSON texts of the test and benchmark tokens (headers and a
// realistic access-token payload). No crypto and no jve dependency (only the
// header-only keyformat/json_text.h), so the OpenSSL-based peer benchmarks
// (bench/peers/) build byte-identical tokens from the same code as testkit
// (which includes this file) and `jve bench`.
#pragma once

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "keyformat/json_text.h"

namespace jve::testkit {

// Issuer and audience of realistic_payload(); a Policy that lists them
// accepts its tokens.
inline constexpr std::string_view kIssuer = "https://auth.example.com/";
inline constexpr std::string_view kAudience = "https://api.example.com";

// The JSON text writers are keyformat's (tools/keyformat/include/keyformat/
// json_text.h, header-only and crypto-free like this file): one escaper for
// the tests, the benchmarks and the CLI.
using keyformat::add_member;
using keyformat::json_string;

// header_text returns {"alg":...,"typ":...,"kid":...}; typ and kid are left
// out when empty.
inline std::string header_text(std::string_view alg, std::string_view kid = {},
                               std::string_view typ = "JWT") {
  return keyformat::jose_header(alg, kid, typ);
}

// realistic_payload returns the claims of a typical OAuth access token:
// iss (kIssuer), sub, aud (kAudience), exp = now + 3600, iat = now,
// nbf = now, jti, scope, client_id and a few custom claims, padded with a
// "session" claim to about |target_bytes| (never shorter than the claims
// themselves). Different |serial| values give different sub and jti.
inline std::string realistic_payload(int64_t now, size_t target_bytes = 350, uint64_t serial = 0) {
  char id[64];
  std::snprintf(id, sizeof(id), "%016" PRIx64,
                static_cast<uint64_t>(serial * 0x9E3779B97F4A7C15ull + 0x1234567));
  std::string j = "{";
  add_member(j, "iss", json_string(kIssuer));
  add_member(j, "sub", json_string("user-" + std::to_string(100000 + serial)));
  add_member(j, "aud", json_string(kAudience));
  add_member(j, "exp", std::to_string(now + 3600));
  add_member(j, "iat", std::to_string(now));
  add_member(j, "nbf", std::to_string(now));
  add_member(j, "jti", json_string(std::string("8f14e45f-ceea-4e7a-") + id));
  add_member(j, "scope", "\"openid profile email api:read api:write\"");
  add_member(j, "client_id", "\"web-frontend\"");
  add_member(j, "roles", "[\"user\",\"billing\"]");
  add_member(j, "tenant", "{\"id\":4711,\"region\":\"eu-west-1\"}");
  // The padding claim brings the payload to |target_bytes|: ,"session":"..."}
  // costs 13 bytes around its value.
  constexpr size_t kOverhead = 13;
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
    add_member(j, "session", json_string(pad));
  }
  j += '}';
  return j;
}

}  // namespace jve::testkit
