// The header rules (stage 3) and claim rules (stage 8) of the verify path:
// what a Policy accepts, applied to the fields the json component extracted.
#pragma once

#include <cstdint>
#include <string_view>

#include "json/extract.h"
#include "jve/claims.h"
#include "jve/policy.h"
#include "jve/status.h"

namespace jve::rules {

// check_header applies the header rules to |h| and fills |out|'s alg, kid,
// typ and cty (not its json): no b64; alg present, known, allowed and never
// "none"; crit well formed and understood; the policy's typ and kid
// requirements. Returns the first rule broken, in that order.
[[nodiscard]] Status check_header(const json::HeaderFields& h, const Policy& policy,
                                  Header& out) noexcept;

// check_claims applies the claim rules to |c| at time |now| (seconds since
// the epoch): required claims, exp / nbf / iat with leeway, max age, iss,
// aud. Returns the first rule broken, in that order.
[[nodiscard]] Status check_claims(const json::ClaimFields& c, const Policy& policy,
                                  int64_t now) noexcept;

// typ_matches compares typ values as RFC 7515 §4.1.9 asks: case-insensitive,
// with the "application/" prefix optional on either side.
bool typ_matches(std::string_view header_typ, std::string_view wanted) noexcept;

}  // namespace jve::rules
