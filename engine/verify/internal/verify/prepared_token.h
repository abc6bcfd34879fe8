// PreparedToken: what MultiIssuerVerifier hands the Verifier it routed a
// token to, so that nothing is split, sized or decoded twice.
#pragma once

#include <cstdint>
#include <string_view>

#include "verify/compact.h"

namespace jve::detail {

struct PreparedToken {
  CompactParts parts;        // stage 1, against the largest limits of all issuers
  std::string_view payload;  // decoded into the scratch's payload buffer
  uint32_t depth;            // the nesting limit the payload was parsed with
};

}  // namespace jve::detail
