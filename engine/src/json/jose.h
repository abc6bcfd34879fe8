// JOSE header and JWT claim parsing over strict DOM trees (stages 2-3, 8).
#pragma once

#include <simdjson.h>

#include "jve/claims.h"
#include "jve/policy.h"
#include "jve/status.h"

namespace jve::json {

// read_header fills |out| from a parsed header and applies the header rules
// of the policy: alg present, a string, known, allowed and never "none";
// kid / typ / cty strings; crit well formed and understood; no b64; typ and
// kid requirements. |out.json| is left to the caller.
[[nodiscard]] Status read_header(simdjson::dom::element root, const Policy& policy,
                                 Header& out) noexcept;

// read_claims type-checks the registered claims of a parsed payload and
// fills |out|'s registered fields; then applies the policy (required claims,
// exp / nbf / iat with leeway, max age, iss, aud) at time |now|.
[[nodiscard]] Status check_claims(simdjson::dom::element root, const Policy& policy,
                                  int64_t now, Claims& out) noexcept;

// typ_matches compares typ values as RFC 7515 §4.1.9 asks: case-insensitive,
// with the "application/" prefix optional on either side.
bool typ_matches(std::string_view header_typ, std::string_view wanted) noexcept;

}  // namespace jve::json
