#include "revocation_redis/redis_url.h"

#include <algorithm>
#include <charconv>

namespace jve::revocation_redis {

namespace {

bool number(std::string_view s, int lo, int hi, int& out) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

bool refuse(std::string* why, const char* what) {
  if (why) *why = what;
  return false;
}

}  // namespace

bool parse_redis_url(std::string_view url, RedisAddress& out, std::string* why) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme)
    return refuse(why, "the Redis URL must start with redis://");
  std::string_view rest = url.substr(scheme.size());
  RedisAddress a;
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = cred.find(':');
    if (colon == std::string_view::npos) {
      a.password = cred;  // redis://secret@host
    } else {
      a.user = cred.substr(0, colon);
      a.password = cred.substr(colon + 1);
    }
  }
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty() && !number(db, 0, 1 << 20, a.db))
      return refuse(why, "the Redis URL's database (after /) must be a number");
  }
  if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos &&
                                            rest.find(']') == std::string_view::npos) {
    if (!number(rest.substr(colon + 1), 1, 65535, a.port))
      return refuse(why, "the Redis URL's port must be 1-65535");
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return refuse(why, "the Redis URL has no host");
  a.host = rest;
  out = std::move(a);
  return true;
}

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, uint32_t failures,
                                        double jitter) noexcept {
  using ms = std::chrono::milliseconds;
  const int64_t lo = std::max<int64_t>(initial.count(), 10);
  const int64_t hi = std::max<int64_t>(max.count(), lo);
  int64_t d = lo;
  for (uint32_t i = 1; i < failures && d < hi; ++i) d *= 2;
  d = std::min(d, hi);
  jitter = std::clamp(jitter, 0.75, 1.0);
  return ms(std::max<int64_t>(static_cast<int64_t>(static_cast<double>(d) * jitter), 10));
}

}  // namespace jve::revocation_redis
