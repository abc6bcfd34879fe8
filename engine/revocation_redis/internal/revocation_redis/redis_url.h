// Pure pieces of jve_revocation_redis, lent to the tests: the URL form and
// the reconnection backoff. No network, no clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace jve::revocation_redis {

struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string user;      // AUTH user password (Redis 6 ACL) when both are set
  std::string password;  // AUTH password when only it is set
  int db = 0;
};

// parse_redis_url reads redis://[[user]:password@]host[:port][/db]. False,
// with a sentence in |*why|, for anything else (another scheme, a port
// outside 1-65535, a db that is not a number, an empty host).
bool parse_redis_url(std::string_view url, RedisAddress& out, std::string* why);

// backoff_delay: min(initial * 2^(failures-1), max) times |jitter| (clamped
// to [0.75, 1]), never below 10 ms. |failures| >= 1.
std::chrono::milliseconds backoff_delay(std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, uint32_t failures,
                                        double jitter) noexcept;

}  // namespace jve::revocation_redis
