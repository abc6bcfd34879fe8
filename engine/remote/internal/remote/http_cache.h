// How long a JWKS response says it stays fresh: Cache-Control (RFC 9111
// §5.2.2) read from the header lines libcurl hands over. Pure functions of
// their input; no allocation, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace jve::remote {

// Advertised ages are clamped to a year: the source takes the minimum with
// its own max_age (at most a year) anyway, and the clamp keeps the digit
// loop and the conversion to milliseconds from overflowing.
inline constexpr int64_t kMaxCacheAgeSeconds = int64_t{365} * 24 * 3600;

// cache_control_max_age reads one Cache-Control field value, e.g.
// "public, max-age=300": the smallest max-age=N (N may be quoted, RFC 9111
// §5.2), with no-cache and no-store counting as 0, directive names in any
// case. nullopt when the value says none of these; a max-age that is empty
// or not all digits is ignored.
std::optional<int64_t> cache_control_max_age(std::string_view value) noexcept;

// CacheControl collects the freshness of one response from its header lines.
// Not thread-safe; one per transfer.
class CacheControl {
 public:
  // header_line takes one raw header line as libcurl delivers it ("Name:
  // value\r\n"). A status line ("HTTP/...") starts a new response (after a
  // redirect, or a 1xx) and forgets what the previous one said; each
  // Cache-Control line (several may come) can only lower the age.
  void header_line(std::string_view line) noexcept;

  // max_age_seconds is the smallest age the current response advertised,
  // in [0, kMaxCacheAgeSeconds]; nullopt when it advertised none.
  std::optional<int64_t> max_age_seconds() const noexcept { return max_age_s_; }

 private:
  std::optional<int64_t> max_age_s_;
};

// starts_with_icase tells whether |s| starts with |lower_prefix|, compared
// ASCII-case-insensitively (|lower_prefix| must be lower case). HTTP field
// names and URL schemes are case-insensitive.
bool starts_with_icase(std::string_view s, std::string_view lower_prefix) noexcept;

}  // namespace jve::remote
