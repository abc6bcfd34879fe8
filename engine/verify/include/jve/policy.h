// jve/policy.h: what a Verifier accepts. Plain data; copy it into a Verifier.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jve/alg.h"

namespace jve {

class RevocationList;  // jve/revocation.h

// Defaults of the size and depth limits below; the C API (jve.h) starts
// from the same values.
inline constexpr size_t kDefaultMaxTokenBytes = 16 * 1024;
// The largest max_token_bytes validate() accepts. A Scratch holds about
// three times this much, so a mistyped limit (bytes for kilobytes) would
// otherwise cost every verifying thread gigabytes; real tokens travel in
// HTTP headers, which servers cap at tens of kilobytes.
inline constexpr size_t kMaxTokenBytesCeiling = 16 * 1024 * 1024;
inline constexpr uint32_t kDefaultMaxJsonDepth = 64;

struct Policy {
  // Algorithms accepted in the header's alg. "none" cannot be added.
  AlgSet algorithms = AlgSet::all();

  // iss must equal one of these (exact, case-sensitive). Empty: iss unchecked.
  // Non-empty and the token has no iss: missing_claim.
  std::vector<std::string> issuers;

  // aud (a string or an array of strings) must contain one of these. A token
  // with aud and no audience configured is bad_audience (RFC 7519 §4.1.3)
  // unless check_audience is false. Configured and no aud: missing_claim.
  std::vector<std::string> audiences;
  bool check_audience = true;

  // Seconds of clock skew allowed on exp, nbf and the max age.
  int64_t leeway_seconds = 0;

  // Claims that must be present (any JSON type; the registered ones are then
  // type-checked). Default {"exp"}; may be emptied.
  std::vector<std::string> required_claims = {"exp"};

  // When set, iat is required and now - iat must be <= max_age (+ leeway);
  // an iat in the future (beyond leeway) is then issued_in_future.
  std::optional<int64_t> max_age_seconds;

  // When non-empty, the header's typ must match, case-insensitively, with an
  // optional "application/" prefix on either side (RFC 7515 §4.1.9).
  std::string typ;

  // Header parameters the caller understands and allows in crit (RFC 7515
  // §4.1.11). Registered names (alg, kid, ...) and b64 are never accepted.
  std::vector<std::string> critical_headers;

  // Tokens without kid are rejected with missing_kid.
  bool require_kid = false;

  // Longer tokens are too_large before any decoding. 1 to
  // kMaxTokenBytesCeiling.
  size_t max_token_bytes = kDefaultMaxTokenBytes;

  // JSON nesting deeper than this is too_deep (an object holding a scalar is
  // depth 1). 0 is read as 1 and values above 1024 are clamped.
  uint32_t max_json_depth = kDefaultMaxJsonDepth;

  // Current time in seconds since the epoch. Empty: the system clock.
  std::function<int64_t()> clock;

  // When set, a token whose claims pass is checked against this replica of
  // a revocation list (jve/revocation.h) and fails with revoked if listed.
  std::shared_ptr<const RevocationList> revocation;
};

// validate checks the values a Policy cannot mean: no algorithm allowed, a
// negative leeway or max age, max_token_bytes 0 or above
// kMaxTokenBytesCeiling. Returns true, or false with a sentence naming the
// field in |*why| (when given). The Verifier constructors and the C API's
// jve_verifier_new both refuse what it refuses. Never throws.
[[nodiscard]] bool validate(const Policy& policy, std::string* why = nullptr) noexcept;

}  // namespace jve
