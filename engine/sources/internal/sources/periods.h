// The bounds of the key sources' duration options (JwksFile's watch
// interval, JwksUrl's periods and timeouts): no option may make a source
// spin or overflow its clock arithmetic.
#pragma once

#include <algorithm>
#include <chrono>

namespace jve::sources {

// Shorter periods would make a misconfigured source spin on its file or
// hammer its server.
inline constexpr std::chrono::milliseconds kMinPeriod{10};
// Longer ones would overflow steady_clock arithmetic: now() + max() wraps to
// a time in the past, and a wait until then returns at once, in a loop. A
// year is "never" for a key source.
inline constexpr std::chrono::milliseconds kMaxPeriod = std::chrono::hours(24 * 365);

// clamp_period returns |d| within [kMinPeriod, kMaxPeriod] (zero and
// negative periods give kMinPeriod).
constexpr std::chrono::milliseconds clamp_period(std::chrono::milliseconds d) noexcept {
  return std::clamp(d, kMinPeriod, kMaxPeriod);
}

// clamp_timeout returns |fallback| for a non-positive |d| (libcurl reads 0 as
// "no timeout", which would let a stalled server hold a source's thread for
// ever), else |d| capped at kMaxPeriod.
constexpr std::chrono::milliseconds clamp_timeout(std::chrono::milliseconds d,
                                                  std::chrono::milliseconds fallback) noexcept {
  return d.count() > 0 ? std::min(d, kMaxPeriod) : fallback;
}

}  // namespace jve::sources
