// The revocation check of the verify path: the last thing a verify does
// before returning claims (stage 8, after the claim rules). One function,
// so that every path that hands out verified claims (a verify, a cache hit)
// runs the same check.
#pragma once

#include <cstdint>

#include "jve/claims.h"
#include "jve/policy.h"
#include "jve/status.h"

namespace jve::detail {

// ok when |policy| has no revocation list or |claims| (with their header's
// kid) match no live entry at |now|; else revoked. No lock, no allocation.
[[nodiscard]] Status check_revocation(const Policy& policy, const Claims& claims,
                                      int64_t now) noexcept;

}  // namespace jve::detail
