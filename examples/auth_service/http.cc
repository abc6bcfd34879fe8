// http.cc: see http.h. RFC 9112 (HTTP/1.1 message syntax) section numbers
// are cited where a choice follows from them.
#include "http.h"

#include <cstring>
#include <ctime>

namespace auth_service {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// tchar of RFC 9110 §5.6.2: the characters of methods and field names.
bool is_tchar(unsigned char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != 0;
}

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// next_line cuts the next line off |rest| (without its LF or CRLF). Returns
// false when a CR appears anywhere but before the LF: a bare CR is how some
// request-smuggling attacks split lines differently for two parsers.
bool next_line(std::string_view& rest, std::string_view& line) noexcept {
  size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) nl = rest.size();  // cannot happen in a complete head
  line = rest.substr(0, nl);
  rest.remove_prefix(nl < rest.size() ? nl + 1 : nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line.find('\r') == std::string_view::npos;
}

bool parse_request_line(std::string_view line, Request& out) noexcept {
  // method SP request-target SP HTTP-version, single spaces (§3).
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return false;
  out.method = line.substr(0, sp1);
  for (char c : out.method) {
    if (!is_tchar(static_cast<unsigned char>(c))) return false;
  }
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return false;
  out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  for (char c : out.target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  std::string_view version = line.substr(sp2 + 1);
  // HTTP/1.<digit>: a higher 1.x minor is served as 1.1 (§2.3); other majors
  // are refused.
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || version[7] < '0' ||
      version[7] > '9') {
    return false;
  }
  out.minor_version = version[7] == '0' ? 0 : 1;

  // The path, for the prefix check: origin-form "/p?q", or absolute-form
  // "http://host/p?q", which §3.2.2 requires servers to accept.
  std::string_view path = out.target;
  if (istarts_with(path, "http://") || istarts_with(path, "https://")) {
    path.remove_prefix(path.find("//") + 2);
    size_t slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  size_t end = path.find_first_of("?#");
  out.path = path.substr(0, end);
  return true;
}

bool parse_content_length(std::string_view v, uint64_t& out) noexcept {
  // 1*DIGIT; 18 digits cannot overflow and are far above any body we take.
  if (v.empty() || v.size() > 18) return false;
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  out = n;
  return true;
}

}  // namespace

size_t find_head_end(std::string_view buf, HeadScanner& s) noexcept {
  while (s.pos < buf.size()) {
    const void* nl = std::memchr(buf.data() + s.pos, '\n', buf.size() - s.pos);
    if (nl == nullptr) {
      s.pos = buf.size();
      return 0;
    }
    size_t i = static_cast<size_t>(static_cast<const char*>(nl) - buf.data());
    size_t len = i - s.line_start;
    bool empty = len == 0 || (len == 1 && buf[s.line_start] == '\r');
    s.pos = s.line_start = i + 1;
    if (!empty) {
      s.in_request = true;
    } else if (s.in_request) {
      return i + 1;
    }
  }
  return 0;
}

HeadError parse_head(std::string_view head, Request& out) noexcept {
  out = Request{};
  std::string_view rest = head, line;
  do {  // empty lines before the request line are ignored (§2.2)
    if (rest.empty() || !next_line(rest, line)) return HeadError::bad_request;
  } while (line.empty());
  if (!parse_request_line(line, out)) return HeadError::bad_request;

  bool have_length = false, close = false, keep_alive_token = false;
  for (;;) {
    if (rest.empty() || !next_line(rest, line)) return HeadError::bad_request;
    if (line.empty()) break;
    // obs-fold (a line starting with whitespace) is refused (§5.2).
    if (is_ows(line.front())) return HeadError::bad_request;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return HeadError::bad_request;
    std::string_view name = line.substr(0, colon);
    // Includes whitespace before the colon, which §5.1 says must get a 400.
    for (char c : name) {
      if (!is_tchar(static_cast<unsigned char>(c))) return HeadError::bad_request;
    }
    std::string_view value = trim_ows(line.substr(colon + 1));
    for (char c : value) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) return HeadError::bad_request;
    }

    if (iequals(name, "authorization")) {
      ++out.authorization_count;
      out.authorization = value;
    } else if (iequals(name, "x-original-uri")) {
      ++out.original_uri_count;
      out.original_uri = value;
    } else if (iequals(name, "x-original-method")) {
      ++out.original_method_count;
      out.original_method = value;
    } else if (iequals(name, "content-length")) {
      uint64_t n = 0;
      if (!parse_content_length(value, n)) return HeadError::bad_request;
      // Two different lengths: the body's end is ambiguous (§6.3).
      if (have_length && n != out.content_length) return HeadError::bad_request;
      have_length = true;
      out.content_length = n;
    } else if (iequals(name, "transfer-encoding")) {
      // Chunked bodies are not supported; with Content-Length as well this
      // is also the classic smuggling shape. Either way: 501 and close.
      return HeadError::not_implemented;
    } else if (iequals(name, "connection")) {
      while (!value.empty()) {
        size_t comma = value.find(',');
        std::string_view option = trim_ows(value.substr(0, comma));
        if (iequals(option, "close")) close = true;
        if (iequals(option, "keep-alive")) keep_alive_token = true;
        value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
      }
    } else if (iequals(name, "expect")) {
      out.expect_continue = iequals(value, "100-continue");
    }
  }
  // HTTP/1.1 is persistent unless "close"; 1.0 only with "keep-alive" (§9.3).
  out.keep_alive = !close && (out.minor_version == 1 || keep_alive_token);
  return HeadError::none;
}

bool bearer_token(std::string_view authorization, std::string_view& token) noexcept {
  size_t sp = authorization.find(' ');
  std::string_view scheme = authorization.substr(0, sp);
  if (!iequals(scheme, "bearer")) return false;
  token = sp == std::string_view::npos ? std::string_view() : trim_ows(authorization.substr(sp));
  return true;
}

bool path_matches(std::string_view path, std::string_view prefix) noexcept {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return true;
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

void append_header_value(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f && c != '%') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
}

size_t http_date(int64_t unix_seconds, char* buf) noexcept {
  static constexpr char kDays[] = "SunMonTueWedThuFriSat";
  static constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  // Written by hand rather than with strftime: %a and %b follow the locale.
  auto two = [](char* p, int v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  std::memcpy(buf, kDays + 3 * tm.tm_wday, 3);
  std::memcpy(buf + 3, ", ", 2);
  two(buf + 5, tm.tm_mday);
  buf[7] = ' ';
  std::memcpy(buf + 8, kMonths + 3 * tm.tm_mon, 3);
  buf[11] = ' ';
  int year = tm.tm_year + 1900;
  two(buf + 12, (year / 100) % 100);
  two(buf + 14, year % 100);
  buf[16] = ' ';
  two(buf + 17, tm.tm_hour);
  buf[19] = ':';
  two(buf + 20, tm.tm_min);
  buf[22] = ':';
  two(buf + 23, tm.tm_sec);
  std::memcpy(buf + 25, " GMT", 4);
  return 29;
}

}  // namespace auth_service
