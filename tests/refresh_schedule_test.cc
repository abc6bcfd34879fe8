// JwksUrl's refresh schedule (engine/remote: remote/refresh_schedule.h),
// without a server or a real clock: every time is made up.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

#include "remote/refresh_schedule.h"

namespace jve::remote {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using Clock = RefreshSchedule::Clock;

constexpr milliseconds kYear = std::chrono::hours(24 * 365);
const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1000);

ScheduleOptions options(bool jitter = false) {
  JwksUrlOptions o;
  o.max_age = 10min;
  o.min_refresh = 30s;
  o.cooldown = 30s;
  o.backoff_initial = 1s;
  o.backoff_max = 5min;
  o.backoff_jitter = jitter;
  return schedule_options(o);
}

TEST(ScheduleOptions, ClampsEveryPeriod) {
  struct Field {
    milliseconds JwksUrlOptions::*given;
    milliseconds ScheduleOptions::*used;
  };
  const Field fields[] = {
      {&JwksUrlOptions::max_age, &ScheduleOptions::max_age},
      {&JwksUrlOptions::min_refresh, &ScheduleOptions::min_refresh},
      {&JwksUrlOptions::cooldown, &ScheduleOptions::cooldown},
      {&JwksUrlOptions::backoff_initial, &ScheduleOptions::backoff_initial},
      {&JwksUrlOptions::backoff_max, &ScheduleOptions::backoff_max},
  };
  struct Extreme {
    milliseconds given, clamped;
  };
  const Extreme extremes[] = {{milliseconds::max(), kYear}, {milliseconds::min(), 10ms},
                              {0ms, 10ms},                  {-1ms, 10ms},
                              {1ms, 10ms},                  {kYear + 1ms, kYear}};
  for (const Field& f : fields) {
    for (const Extreme& e : extremes) {
      JwksUrlOptions o;
      o.backoff_initial = 10ms;  // so that backoff_max is not raised to it
      o.*f.given = e.given;
      const ScheduleOptions s = schedule_options(o);
      EXPECT_EQ(s.*f.used, e.clamped) << e.given.count();
      EXPECT_GE(s.backoff_max, s.backoff_initial);
    }
  }
  // backoff_max below backoff_initial is raised to it.
  JwksUrlOptions o;
  o.backoff_initial = 2s;
  o.backoff_max = 1s;
  EXPECT_EQ(schedule_options(o).backoff_max, 2s);
}

TEST(RefreshInterval, UsesMaxAgeOrASmallerAdvertisedAgeAboveTheFloor) {
  const ScheduleOptions o = options();
  EXPECT_EQ(refresh_interval(o, std::nullopt), 10min);
  EXPECT_EQ(refresh_interval(o, 120), 2min);
  EXPECT_EQ(refresh_interval(o, 0), 30s);        // no-cache: the floor
  EXPECT_EQ(refresh_interval(o, 10), 30s);       // below the floor
  EXPECT_EQ(refresh_interval(o, 3600), 10min);   // a larger age never lengthens max_age
  EXPECT_EQ(refresh_interval(o, -5), 30s);       // impossible ages are clamped, not trusted
  EXPECT_EQ(refresh_interval(o, std::numeric_limits<int64_t>::max()), 10min);
  ScheduleOptions ignore = o;
  ignore.honor_cache_control = false;
  EXPECT_EQ(refresh_interval(ignore, 0), 10min);
  // A floor above max_age: max_age still bounds the interval.
  ScheduleOptions high_floor = o;
  high_floor.min_refresh = 1h;
  EXPECT_EQ(refresh_interval(high_floor, 0), 10min);
}

TEST(BackoffDelay, DoublesUpToTheCap) {
  const ScheduleOptions o = options();
  const milliseconds expected[] = {1s, 2s, 4s, 8s, 16s, 32s, 64s, 128s, 256s, 5min, 5min};
  for (uint32_t n = 1; n <= std::size(expected); ++n) {
    EXPECT_EQ(backoff_delay(o, n, 1.0), expected[n - 1]) << n;
  }
  EXPECT_EQ(backoff_delay(o, UINT32_MAX, 1.0), 5min);  // no overflow, no long loop
  EXPECT_EQ(backoff_delay(o, 0, 1.0), 1s);
}

TEST(BackoffDelay, AppliesTheJitterFactorAndNeverGoesBelowTheMinimum) {
  const ScheduleOptions o = options();
  EXPECT_EQ(backoff_delay(o, 1, 0.75), 750ms);
  EXPECT_EQ(backoff_delay(o, 3, 0.5), 3s);    // below 0.75: taken as 0.75
  EXPECT_EQ(backoff_delay(o, 3, 2.0), 4s);    // above 1: taken as 1
  EXPECT_EQ(backoff_delay(o, 3, std::numeric_limits<double>::quiet_NaN()), 3s);
  ScheduleOptions tiny = o;
  tiny.backoff_initial = 10ms;
  EXPECT_EQ(backoff_delay(tiny, 1, 0.75), 10ms);  // 7.5 ms would be below the minimum
  // The extremes after clamping: a year, times the jitter, stays a year at most.
  JwksUrlOptions huge;
  huge.backoff_initial = milliseconds::max();
  huge.backoff_max = milliseconds::max();
  const ScheduleOptions h = schedule_options(huge);
  EXPECT_EQ(backoff_delay(h, 1, 1.0), kYear);
  EXPECT_EQ(backoff_delay(h, 40, 1.0), kYear);
  EXPECT_GE(backoff_delay(h, 1, 0.75), kYear * 3 / 4 - 1ms);
}

TEST(RefreshSchedule, FetchesAtOnceThenAfterEachOutcome) {
  RefreshSchedule s(options(), kT0, 1);
  EXPECT_EQ(s.due(kT0, false, false), kT0);
  s.started(kT0);
  EXPECT_EQ(s.succeeded(kT0 + 1s, 120), 2min);
  EXPECT_EQ(s.due(kT0 + 2s, false, false), kT0 + 1s + 2min);
  EXPECT_EQ(s.failures_in_row(), 0u);

  s.started(kT0 + 10min);
  EXPECT_EQ(s.failed(kT0 + 10min), 1s);
  EXPECT_EQ(s.failed(kT0 + 11min), 2s);
  EXPECT_EQ(s.failures_in_row(), 2u);
  EXPECT_EQ(s.due(kT0 + 11min, false, false), kT0 + 11min + 2s);
  EXPECT_EQ(s.succeeded(kT0 + 12min, std::nullopt), 10min);
  EXPECT_EQ(s.failures_in_row(), 0u);
  EXPECT_EQ(s.failed(kT0 + 13min), 1s);  // the backoff starts over
}

TEST(RefreshSchedule, RefetchesAnUnknownKidAfterTheCooldown) {
  RefreshSchedule s(options(), kT0, 1);
  // Before any fetch started, an unknown kid changes nothing.
  EXPECT_EQ(s.due(kT0, true, false), kT0);
  s.started(kT0);
  s.succeeded(kT0 + 100ms, std::nullopt);
  EXPECT_EQ(s.due(kT0 + 1s, false, false), kT0 + 100ms + 10min);
  // A cooldown counted from the last fetch's start.
  EXPECT_EQ(s.due(kT0 + 1s, true, false), kT0 + 30s);
  // A refresh due sooner than the cooldown ends wins.
  ScheduleOptions slow = options();
  slow.cooldown = 1h;
  RefreshSchedule t(slow, kT0, 1);
  t.started(kT0);
  t.succeeded(kT0, std::nullopt);
  EXPECT_EQ(t.due(kT0 + 1s, true, false), kT0 + 10min);
}

TEST(RefreshSchedule, LetsOnlyTheBackoffDecideWhileFetchesFail) {
  RefreshSchedule s(options(), kT0, 1);
  s.started(kT0);
  s.failed(kT0);
  s.started(kT0 + 1s);
  s.failed(kT0 + 1s);  // 2 s backoff
  EXPECT_EQ(s.due(kT0 + 1s, true, false), kT0 + 3s);
  // refresh_now overrides both.
  EXPECT_EQ(s.due(kT0 + 1500ms, true, true), kT0 + 1500ms);
}

TEST(RefreshSchedule, JittersWithinBoundsAndRepeatsForOneSeed) {
  const ScheduleOptions o = options(true);
  RefreshSchedule a(o, kT0, 42), b(o, kT0, 42);
  bool varied = false;
  milliseconds first{0};
  for (int i = 0; i < 50; ++i) {
    a.succeeded(kT0, std::nullopt);  // back to the first failure each time
    b.succeeded(kT0, std::nullopt);
    const milliseconds d = a.failed(kT0);
    EXPECT_EQ(d, b.failed(kT0));
    EXPECT_GE(d, 750ms);
    EXPECT_LE(d, 1s);
    if (i == 0) first = d;
    varied = varied || d != first;
  }
  EXPECT_TRUE(varied) << "50 jittered delays were all " << first.count() << " ms";
}

// Whatever the options, every delay lies in [10 ms, 1 year], so the
// thread's deadline arithmetic cannot overflow and it never spins.
TEST(RefreshSchedule, KeepsEveryDelayInBoundsForExtremeOptions) {
  const milliseconds values[] = {milliseconds::max(), milliseconds::min(), 0ms, -1ms, 1ms, 1h};
  for (milliseconds v : values) {
    JwksUrlOptions o;
    o.max_age = o.min_refresh = o.cooldown = o.backoff_initial = o.backoff_max = v;
    RefreshSchedule s(schedule_options(o), kT0, 7);
    s.started(kT0);
    for (std::optional<int64_t> age : {std::optional<int64_t>(), std::optional<int64_t>(0),
                                       std::optional<int64_t>(INT64_MAX)}) {
      const milliseconds d = s.succeeded(kT0, age);
      EXPECT_GE(d, 10ms) << v.count();
      EXPECT_LE(d, kYear) << v.count();
      EXPECT_LE(s.due(kT0, true, false), kT0 + kYear);
      EXPECT_GE(s.due(kT0, true, false), kT0 + 10ms);
    }
    for (int i = 0; i < 64; ++i) {
      const milliseconds d = s.failed(kT0);
      EXPECT_GE(d, 10ms) << v.count();
      EXPECT_LE(d, kYear) << v.count();
    }
  }
}

}  // namespace
}  // namespace jve::remote
