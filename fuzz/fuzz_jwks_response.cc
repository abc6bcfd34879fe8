// JwksUrl's response handling, without a network: a fuzzed status code,
// header lines and body go through what the curl driver does with them
// (CacheControl::header_line per line, HttpResponse::append_body per chunk
// up to max_bytes), judge_response, and the refresh schedule with fuzzed
// duration options. Invariants beyond "no crash":
// - an accepted response yields a set with at least one key, exactly when
//   KeySet::from_jwks of the body loads one (the usable-JWKS rule), and the
//   same bytes judged again as the published ones yield no new set;
// - a refused one has a kind that fits the status (http_status for any
//   status but 200, else bad_jwks with the loader's status) and a message
//   that starts with the request;
// - the body never exceeds max_bytes, and is whole when under it;
// - judging is deterministic; the Cache-Control age is in [0, a year];
// - the next fetch comes after the refresh interval on success, within
//   [min(min_refresh, max_age), max_age], and after the backoff on failure,
//   within [10 ms, backoff_max]; periods are clamped to [10 ms, a year]
//   whatever the options.
//
// Input layout (FuzzedDataProvider; fuzz/make_seeds.py writes seeds in it):
// from the back, a bool "status is not 200" (then the status in
// [-1, 999]), the number of header lines (0-32), max_age, min_refresh,
// cooldown, backoff_initial, backoff_max (int64 milliseconds each),
// honor_cache_control, backoff_jitter, kid_pending (bools), max_bytes
// (1 .. 1 MiB), the body chunk size (1-4096), the jitter seed (uint64);
// from the front, the header lines as random-length strings, then the body.
#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/err.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "jve/jve.hpp"
#include "remote/http_cache.h"
#include "remote/jwks_response.h"
#include "remote/refresh_schedule.h"

namespace {

using std::chrono::milliseconds;
using jve::remote::RefreshSchedule;

constexpr std::string_view kWhat = "GET https://idp.example/.well-known/jwks.json: ";
constexpr milliseconds kMinPeriod{10};
constexpr milliseconds kYear = std::chrono::hours(24 * 365);

void check(bool ok) {
  if (!ok) std::abort();
}

bool same(const jve::remote::ResponseVerdict& a, const jve::remote::ResponseVerdict& b) {
  if (!(a.error == b.error) || a.digest != b.digest || a.cache_max_age_s != b.cache_max_age_s) return false;
  if ((a.keys == nullptr) != (b.keys == nullptr)) return false;
  return a.keys == nullptr ||
         (a.keys->size() == b.keys->size() && a.keys->left_out().size() == b.keys->left_out().size());
}

// The usable-JWKS rule, restated from KeySet::from_jwks: ok, or the status
// the rule refuses the body with.
jve::Status expected_status(const std::string& body) {
  const jve::Result<jve::KeySet> set = jve::KeySet::from_jwks(body);
  if (!set.ok()) return set.status();
  if (set->size() > 0) return jve::Status::ok;
  return set->left_out().empty() ? jve::Status::key_not_found : set->left_out().front().status;
}

void check_periods(const jve::remote::ScheduleOptions& s) {
  for (milliseconds p : {s.max_age, s.min_refresh, s.cooldown, s.backoff_initial, s.backoff_max}) {
    check(p >= kMinPeriod && p <= kYear);
  }
  check(s.backoff_max >= s.backoff_initial);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const long status = fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<long>(-1, 999) : 200;
  const size_t line_count = fdp.ConsumeIntegralInRange<size_t>(0, 32);
  jve::JwksUrlOptions options;
  for (milliseconds* d : {&options.max_age, &options.min_refresh, &options.cooldown, &options.backoff_initial,
                          &options.backoff_max}) {
    *d = milliseconds(fdp.ConsumeIntegral<int64_t>());
  }
  options.honor_cache_control = fdp.ConsumeBool();
  options.backoff_jitter = fdp.ConsumeBool();
  const bool kid_pending = fdp.ConsumeBool();
  const size_t max_bytes = fdp.ConsumeIntegralInRange<size_t>(1, size_t{1} << 20);
  const size_t chunk = fdp.ConsumeIntegralInRange<size_t>(1, 4096);
  const uint64_t seed = fdp.ConsumeIntegral<uint64_t>();
  std::vector<std::string> lines;
  for (size_t i = 0; i < line_count; ++i) lines.push_back(fdp.ConsumeRandomLengthString(1024));
  const std::string body = fdp.ConsumeRemainingBytesAsString();

  // What the driver collects.
  jve::remote::HttpResponse response;
  response.status = status;
  jve::remote::CacheControl alone;
  for (const std::string& line : lines) {
    response.cache.header_line(line);
    alone.header_line(line);
  }
  bool too_large = false;
  for (size_t at = 0; at < body.size() && !too_large; at += chunk) {
    const std::string_view piece = std::string_view(body).substr(at, chunk);
    const size_t before = response.body.size();
    too_large = !response.append_body(piece, max_bytes);
    check(!too_large || response.body.size() == before);
  }
  check(response.body.size() <= max_bytes);
  check(too_large == (body.size() > max_bytes));
  check(too_large || response.body == body);
  const std::optional<int64_t> age = response.cache.max_age_seconds();
  check(age == alone.max_age_seconds());
  check(!age || (*age >= 0 && *age <= jve::remote::kMaxCacheAgeSeconds));

  // The verdict (none when the driver aborted the transfer at max_bytes).
  bool accepted = false;
  if (!too_large) {
    const jve::remote::ResponseVerdict v = jve::remote::judge_response(response, kWhat, std::nullopt);
    check(same(v, jve::remote::judge_response(response, kWhat, std::nullopt)));
    check(v.cache_max_age_s == age);
    accepted = v.error.ok();
    if (accepted) {
      check(status == 200 && v.keys != nullptr && v.keys->size() >= 1);
      const jve::remote::ResponseVerdict again = jve::remote::judge_response(response, kWhat, v.digest);
      check(again.error.ok() && again.keys == nullptr && again.digest == v.digest);
    } else {
      check(v.keys == nullptr && !v.error.message.empty() && v.error.message.rfind(kWhat, 0) == 0 &&
            v.error.message.size() > kWhat.size());
      if (status != 200) {
        check(v.error.kind == jve::SourceErrorKind::http_status && v.error.jwks_status == jve::Status::ok);
      } else {
        check(v.error.kind == jve::SourceErrorKind::bad_jwks && v.error.jwks_status != jve::Status::ok);
      }
    }
    if (status == 200) check((accepted ? jve::Status::ok : v.error.jwks_status) == expected_status(body));
  }

  // The schedule after this fetch.
  const jve::remote::ScheduleOptions s = jve::remote::schedule_options(options);
  check_periods(s);
  const RefreshSchedule::Clock::time_point t0 = RefreshSchedule::Clock::time_point() + std::chrono::hours(1);
  RefreshSchedule schedule(s, t0, seed);
  check(schedule.due(t0, kid_pending, false) == t0);
  schedule.started(t0);
  const RefreshSchedule::Clock::time_point t1 = t0 + milliseconds(5);
  if (accepted) {
    const milliseconds d = schedule.succeeded(t1, age);
    check(d >= std::min(s.min_refresh, s.max_age) && d <= s.max_age && d >= kMinPeriod);
    if (!s.honor_cache_control || !age) check(d == s.max_age);
    check(schedule.failures_in_row() == 0);
    const auto due = schedule.due(t1, kid_pending, false);
    check(due == (kid_pending ? std::min(t1 + d, t0 + s.cooldown) : t1 + d));
  } else {
    const milliseconds d = schedule.failed(t1);
    check(d >= kMinPeriod && d <= s.backoff_max);
    if (!s.backoff_jitter) check(d == s.backoff_initial);
    check(schedule.failures_in_row() == 1);
    check(schedule.due(t1, kid_pending, false) == t1 + d);  // the backoff alone decides
  }
  check(schedule.due(t1, kid_pending, true) == t1);
  ERR_clear_error();
  return 0;
}
