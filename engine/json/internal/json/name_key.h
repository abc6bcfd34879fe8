// name_key: a member name packed into an integer for fast equality checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace jve::json {

// name_key packs a name's bytes into an integer that, for names of equal
// length up to eight bytes, is equal exactly when the names are. Fixed-size
// loads only: a variable-length copy into a stack integer stalls on store
// forwarding (it was 40% of check_members in perf).
inline uint64_t name_key(std::string_view k) noexcept {
  const char* p = k.data();
  const size_t n = k.size();
  if (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  if (n >= 4) {  // bytes [0,4) and [n-4,n) cover all n bytes
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | static_cast<uint64_t>(hi) << 32;
  }
  if (n == 0) return 0;
  return static_cast<uint64_t>(static_cast<uint8_t>(p[0])) |
         static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8 |
         static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << 16;
}

}  // namespace jve::json
