// common.cc: see common.h.
#include "common.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>

#include <simdjson.h>

namespace jve::cli {

bool read_file(const std::string& path, std::string& out) {
  const bool is_stdin = path == "-";
  std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  out.clear();
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool ok = !std::ferror(f);
  const int saved = errno;
  if (!is_stdin) std::fclose(f);
  errno = saved;
  return ok;
}

bool write_file(const std::string& path, std::string_view data, bool private_data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        private_data ? 0600 : 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      errno = saved;
      return false;
    }
    done += static_cast<size_t>(w);
  }
  return ::close(fd) == 0;
}

std::string json_pretty(std::string_view json, int indent) {
  std::string out;
  out.reserve(json.size() * 2);
  int depth = indent;
  auto newline = [&] {
    out += '\n';
    out.append(static_cast<size_t>(depth) * 2, ' ');
  };
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    switch (c) {
      case ' ': case '\t': case '\n': case '\r':
        break;  // insignificant whitespace outside strings
      case '"': {
        // Copy the string verbatim, escapes included.
        const size_t start = i++;
        while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
        out.append(json.substr(start, i - start + 1));
        break;
      }
      case '{': case '[': {
        // An empty container stays on one line.
        size_t j = i + 1;
        while (j < json.size() && (json[j] == ' ' || json[j] == '\t' || json[j] == '\n' || json[j] == '\r')) ++j;
        if (j < json.size() && (json[j] == '}' || json[j] == ']')) {
          out += c;
          out += json[j];
          i = j;
          break;
        }
        out += c;
        ++depth;
        newline();
        break;
      }
      case '}': case ']':
        --depth;
        newline();
        out += c;
        break;
      case ',':
        out += c;
        newline();
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string json_minify(std::string_view json) {
  std::string out(json.size(), '\0');
  size_t len = 0;
  if (simdjson::minify(json.data(), json.size(), out.data(), len) != simdjson::SUCCESS) {
    return std::string(json);
  }
  out.resize(len);
  return out;
}

std::optional<int64_t> parse_int64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  if (i == text.size()) return std::nullopt;
  int64_t v = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (INT64_MAX - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t unit = 1;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: unit = 0;
  }
  if (unit != 0) text.remove_suffix(1);
  else unit = 1;
  const std::optional<int64_t> n = parse_int64(text);
  // A century is plenty and keeps now + duration far from overflow.
  if (!n || *n > 3'200'000'000 / unit || *n < -3'200'000'000 / unit) return std::nullopt;
  return *n * unit;
}

std::string utc_date(double unix_seconds) {
  if (!std::isfinite(unix_seconds) || unix_seconds < -62135596800.0 || unix_seconds > 253402300799.0) {
    return "(out of range)";
  }
  const auto t = static_cast<std::time_t>(std::floor(unix_seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string relative_time(int64_t delta) {
  const bool future = delta > 0;
  uint64_t s = static_cast<uint64_t>(future ? delta : -delta);
  if (s == 0) return "now";
  std::string text;
  const uint64_t days = s / 86400, hours = s / 3600 % 24, minutes = s / 60 % 60, secs = s % 60;
  auto part = [&](uint64_t v, const char* unit) {
    if (!text.empty()) text += ' ';
    text += std::to_string(v) + unit;
  };
  if (days) part(days, "d");
  if (hours) part(hours, "h");
  if (minutes && !days) part(minutes, "m");
  if (secs && !days && !hours) part(secs, "s");
  if (text.empty()) part(days, "d");
  return future ? "in " + text : text + " ago";
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void trim_newline(std::string& s) {
  if (!s.empty() && s.back() == '\n') {
    s.pop_back();
    if (!s.empty() && s.back() == '\r') s.pop_back();
  }
}

}  // namespace jve::cli
