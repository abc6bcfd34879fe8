// JwksUrl's refresh schedule (remote/refresh_schedule.h).
#include "remote/refresh_schedule.h"

#include <algorithm>

#include "remote/http_cache.h"
#include "sources/periods.h"

namespace jve::remote {

using std::chrono::milliseconds;

ScheduleOptions schedule_options(const JwksUrlOptions& o) noexcept {
  ScheduleOptions s{sources::clamp_period(o.max_age),         o.honor_cache_control,
                    sources::clamp_period(o.min_refresh),     sources::clamp_period(o.cooldown),
                    sources::clamp_period(o.backoff_initial), sources::clamp_period(o.backoff_max),
                    o.backoff_jitter};
  s.backoff_max = std::max(s.backoff_max, s.backoff_initial);
  return s;
}

milliseconds refresh_interval(const ScheduleOptions& o, std::optional<int64_t> cache_max_age_s) noexcept {
  milliseconds interval = o.max_age;
  if (o.honor_cache_control && cache_max_age_s) {
    // Clamped again here: the value may come from anywhere, not only from
    // cache_control_max_age.
    const milliseconds advertised =
        std::chrono::seconds(std::clamp<int64_t>(*cache_max_age_s, 0, kMaxCacheAgeSeconds));
    if (advertised < interval) interval = std::max(advertised, std::min(o.min_refresh, interval));
  }
  return interval;
}

milliseconds backoff_delay(const ScheduleOptions& o, uint32_t failures, double jitter) noexcept {
  milliseconds delay = o.backoff_initial;
  for (uint32_t i = 1; i < failures && delay < o.backoff_max; ++i) {
    delay = delay > o.backoff_max / 2 ? o.backoff_max : delay * 2;  // no overflow
  }
  delay = std::min(delay, o.backoff_max);
  if (!(jitter >= 0.75)) jitter = 0.75;  // also NaN: the cast below must see a finite value
  if (jitter < 1.0) delay = milliseconds(static_cast<int64_t>(static_cast<double>(delay.count()) * jitter));
  return std::max(delay, sources::kMinPeriod);
}

RefreshSchedule::RefreshSchedule(const ScheduleOptions& options, Clock::time_point now, uint64_t seed)
    : options_(options), next_fetch_(now), rng_(seed) {}

RefreshSchedule::Clock::time_point RefreshSchedule::due(Clock::time_point now, bool kid_pending,
                                                        bool refresh_requested) const noexcept {
  if (refresh_requested) return now;
  if (kid_pending && failures_in_row_ == 0 && last_start_) {
    return std::min(next_fetch_, *last_start_ + options_.cooldown);
  }
  return next_fetch_;
}

void RefreshSchedule::started(Clock::time_point now) noexcept { last_start_ = now; }

milliseconds RefreshSchedule::succeeded(Clock::time_point now,
                                        std::optional<int64_t> cache_max_age_s) noexcept {
  failures_in_row_ = 0;
  const milliseconds interval = refresh_interval(options_, cache_max_age_s);
  next_fetch_ = now + interval;
  return interval;
}

milliseconds RefreshSchedule::failed(Clock::time_point now) noexcept {
  if (failures_in_row_ < UINT32_MAX) ++failures_in_row_;
  double jitter = 1.0;
  if (options_.backoff_jitter) jitter = std::uniform_real_distribution<double>(0.75, 1.0)(rng_);
  const milliseconds delay = backoff_delay(options_, failures_in_row_, jitter);
  next_fetch_ = now + delay;
  return delay;
}

}  // namespace jve::remote
