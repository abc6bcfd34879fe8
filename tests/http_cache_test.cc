// Cache-Control parsing for JwksUrl (engine/remote: remote/http_cache.h),
// without a server: one field value, then a response's header lines as
// libcurl delivers them.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "remote/http_cache.h"

namespace jve::remote {
namespace {

constexpr std::optional<int64_t> kNone = std::nullopt;

TEST(CacheControlMaxAge, ReadsDirectives) {
  struct Case {
    std::string_view value;
    std::optional<int64_t> age;
  };
  // RFC 9111 §5.2.2.1 (max-age), §5.2.2.4 (no-cache), §5.2.2.5 (no-store).
  const Case cases[] = {
      {"max-age=300", 300},
      {" public, max-age=600 ", 600},
      {"max-age=0", 0},
      {"no-cache", 0},
      {"no-store", 0},
      {"public, max-age=300, no-cache", 0},  // the smallest wins
      {"max-age=60, max-age=30", 30},
      {"max-age=\"120\"", 120},  // quoted-string form (RFC 9111 §5.2)
      {"\tmax-age=7\r\n", 7},    // a header line's whitespace and line end
      {"public", kNone},
      {"private, must-revalidate", kNone},
      {"", kNone},
      {",,,", kNone},
      {"s-maxage=60", kNone},  // shared caches only
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.value));
    EXPECT_EQ(cache_control_max_age(c.value), c.age);
  }
}

TEST(CacheControlMaxAge, IgnoresDirectiveNameCase) {
  EXPECT_EQ(cache_control_max_age("MAX-AGE=5"), 5);
  EXPECT_EQ(cache_control_max_age("Max-Age=6"), 6);
  EXPECT_EQ(cache_control_max_age("No-Cache"), 0);
  EXPECT_EQ(cache_control_max_age("NO-STORE"), 0);
}

TEST(CacheControlMaxAge, IgnoresGarbageValues) {
  using std::string_view_literals::operator""sv;
  const std::string_view values[] = {
       "max-age=", "max-age=\"\"", "max-age=-5", "max-age=+5", "max-age=5s", "max-age=0x10",
        "max-age=1.5", "max-age = 5", "max-age=\"5", "max-age=5\"", "max-age=\"\"\"", "max-age",
        "maxage=5", "max-age=\xff", "max-age=\0" "5"sv};
  for (std::string_view garbage : values) {
    SCOPED_TRACE(std::string(garbage));
    EXPECT_EQ(cache_control_max_age(garbage), kNone);
  }
  // A garbage directive does not hide a good one beside it.
  EXPECT_EQ(cache_control_max_age("max-age=abc, max-age=40"), 40);
}

TEST(CacheControlMaxAge, ClampsHugeNumbersToAYear) {
  EXPECT_EQ(cache_control_max_age("max-age=31536000"), kMaxCacheAgeSeconds);
  EXPECT_EQ(cache_control_max_age("max-age=31536001"), kMaxCacheAgeSeconds);
  EXPECT_EQ(cache_control_max_age("max-age=9223372036854775807"), kMaxCacheAgeSeconds);
  EXPECT_EQ(cache_control_max_age("max-age=" + std::string(400, '9')), kMaxCacheAgeSeconds);
  EXPECT_EQ(cache_control_max_age("max-age=" + std::string(400, '0') + "12"), 12);
}

// Header lines as libcurl hands them to the header callback: the status
// line of each response (redirects included), "Name: value\r\n", the blank
// line.
TEST(CacheControl, TakesTheSmallestAgeOfSeveralHeaders) {
  CacheControl cache;
  EXPECT_EQ(cache.max_age_seconds(), kNone);
  for (std::string_view line : {"HTTP/1.1 200 OK\r\n", "Content-Type: application/json\r\n",
                                "Cache-Control: public, max-age=300\r\n", "cache-control: max-age=90\r\n",
                                "CACHE-CONTROL: max-age=600\r\n", "\r\n"}) {
    cache.header_line(line);
  }
  EXPECT_EQ(cache.max_age_seconds(), 90);
}

TEST(CacheControl, ForgetsWhatARedirectSaid) {
  CacheControl cache;
  cache.header_line("HTTP/1.1 302 Found\r\n");
  cache.header_line("Cache-Control: no-store\r\n");
  cache.header_line("Location: /jwks2.json\r\n");
  cache.header_line("\r\n");
  EXPECT_EQ(cache.max_age_seconds(), 0);
  cache.header_line("HTTP/2 200\r\n");
  EXPECT_EQ(cache.max_age_seconds(), kNone);
  cache.header_line("cache-control: max-age=120\r\n");
  EXPECT_EQ(cache.max_age_seconds(), 120);
  cache.header_line("http/1.0 200 OK\r\n");  // the status line in any case
  EXPECT_EQ(cache.max_age_seconds(), kNone);
}

TEST(CacheControl, IgnoresOtherHeadersAndGarbageLines) {
  CacheControl cache;
  for (std::string_view line :
       {"X-Cache-Control: max-age=1\r\n", "Cache-Controls: max-age=2\r\n", "Cache-Control max-age=3\r\n",
        "Expires: Thu, 01 Dec 1994 16:00:00 GMT\r\n", "Age: 100\r\n", "", "\r\n", "Cache-Control:\r\n",
        "Cache-Control: max-age=\r\n", "\x01\x02garbage"}) {
    cache.header_line(line);
  }
  EXPECT_EQ(cache.max_age_seconds(), kNone);
}

TEST(StartsWithIcase, ComparesAsciiCaseInsensitively) {
  EXPECT_TRUE(starts_with_icase("HTTPS://x", "https://"));
  EXPECT_TRUE(starts_with_icase("https://", "https://"));
  EXPECT_FALSE(starts_with_icase("https:/", "https://"));
  EXPECT_FALSE(starts_with_icase("xhttps://", "https://"));
  EXPECT_TRUE(starts_with_icase("anything", ""));
}

}  // namespace
}  // namespace jve::remote
