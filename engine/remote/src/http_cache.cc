// Cache-Control parsing for JwksUrl (remote/http_cache.h).
#include "remote/http_cache.h"

#include <algorithm>

namespace jve::remote {

namespace {

// Optional whitespace around a list element (RFC 9110 §5.6.1), and the line
// end libcurl leaves on a header line.
std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

void take_min(std::optional<int64_t>& acc, int64_t v) noexcept { acc = acc ? std::min(*acc, v) : v; }

}  // namespace

bool starts_with_icase(std::string_view s, std::string_view lower_prefix) noexcept {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

std::optional<int64_t> cache_control_max_age(std::string_view value) noexcept {
  std::optional<int64_t> result;
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view directive = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    if (starts_with_icase(directive, "no-store") || starts_with_icase(directive, "no-cache")) {
      take_min(result, 0);
    } else if (starts_with_icase(directive, "max-age=")) {
      std::string_view digits = directive.substr(8);
      if (digits.size() >= 2 && digits.front() == '"' && digits.back() == '"') {
        digits = digits.substr(1, digits.size() - 2);
      }
      if (digits.empty()) continue;
      int64_t v = 0;
      bool ok = true;
      for (char c : digits) {
        if (c < '0' || c > '9') {
          ok = false;
          break;
        }
        v = std::min<int64_t>(v * 10 + (c - '0'), kMaxCacheAgeSeconds);
      }
      if (ok) take_min(result, v);
    }
  }
  return result;
}

void CacheControl::header_line(std::string_view line) noexcept {
  if (starts_with_icase(line, "http/")) {
    max_age_s_.reset();
  } else if (starts_with_icase(line, "cache-control:")) {
    if (const std::optional<int64_t> v = cache_control_max_age(line.substr(14))) take_min(max_age_s_, *v);
  }
}

}  // namespace jve::remote
