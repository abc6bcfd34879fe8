// When JwksUrl's thread fetches next: the refresh period after a success
// (max_age, or a smaller Cache-Control max-age above min_refresh), the
// exponential backoff with jitter after failures, and the cooldown of
// unknown-kid refetches. Pure logic: nothing here reads a clock (every call
// takes |now|) or the system's entropy (the jitter comes from a generator
// seeded by the caller), so tests run it with made-up times and seeds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "jve/jwks_url.h"

namespace jve::remote {

// ScheduleOptions are JwksUrlOptions' schedule fields after schedule_options:
// periods in [10 ms, 1 year] (sources/periods.h), backoff_max >= backoff_initial.
struct ScheduleOptions {
  std::chrono::milliseconds max_age;
  bool honor_cache_control;
  std::chrono::milliseconds min_refresh;
  std::chrono::milliseconds cooldown;
  std::chrono::milliseconds backoff_initial;
  std::chrono::milliseconds backoff_max;
  bool backoff_jitter;
};

// schedule_options takes the schedule's fields of |o| and clamps them as
// ScheduleOptions says; any value, milliseconds::max() and negative ones
// included, gives a usable schedule.
ScheduleOptions schedule_options(const JwksUrlOptions& o) noexcept;

// refresh_interval returns the delay after a successful fetch whose response
// advertised |cache_max_age_s| (seconds, >= 0; nullopt: nothing): max_age, or
// a smaller advertised age when honor_cache_control, but never below
// min(min_refresh, max_age). A server may ask for sooner refreshes, not for
// a storm.
std::chrono::milliseconds refresh_interval(const ScheduleOptions& o,
                                           std::optional<int64_t> cache_max_age_s) noexcept;

// backoff_delay returns the delay after the |failures|-th failure in a row
// (>= 1): min(backoff_initial * 2^(failures-1), backoff_max), times |jitter|
// (a factor in [0.75, 1], values outside taken as the nearest end; pass 1
// without jitter), and never below 10 ms.
std::chrono::milliseconds backoff_delay(const ScheduleOptions& o, uint32_t failures,
                                        double jitter) noexcept;

// RefreshSchedule is the fetch thread's plan. Not thread-safe: the fetch
// thread owns it.
class RefreshSchedule {
 public:
  using Clock = std::chrono::steady_clock;

  // The first fetch is due at |now|; |seed| seeds the jitter.
  RefreshSchedule(const ScheduleOptions& options, Clock::time_point now, uint64_t seed);

  // due returns when the next fetch should start: |now| when
  // |refresh_requested| (refresh_now ignores cooldown and backoff); when
  // |kid_pending| (a token named a kid the set lacks) and the last fetch
  // succeeded, no later than a cooldown after the last fetch's start (while
  // fetches fail, the backoff alone decides: unknown kids must not turn a
  // struggling server into a hammered one); else the time the last outcome
  // set. Never later than a year from the last outcome.
  Clock::time_point due(Clock::time_point now, bool kid_pending, bool refresh_requested) const noexcept;

  // started records that a fetch started at |now|.
  void started(Clock::time_point now) noexcept;
  // succeeded records a fetch that succeeded at |now| (its response
  // advertised |cache_max_age_s|) and returns the delay to the next one
  // (refresh_interval).
  std::chrono::milliseconds succeeded(Clock::time_point now, std::optional<int64_t> cache_max_age_s) noexcept;
  // failed records a fetch that failed at |now| and returns the backoff to
  // the next one (backoff_delay, with a jitter factor from the generator).
  std::chrono::milliseconds failed(Clock::time_point now) noexcept;

  uint32_t failures_in_row() const noexcept { return failures_in_row_; }

 private:
  ScheduleOptions options_;
  Clock::time_point next_fetch_;
  std::optional<Clock::time_point> last_start_;
  uint32_t failures_in_row_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace jve::remote
