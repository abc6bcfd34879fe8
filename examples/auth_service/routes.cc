// routes.cc: the routes file and the path matcher (routes.h).
#include "routes.h"

#include <cctype>
#include <string>

namespace auth_service {

namespace {

bool is_tchar(char c) {
  // RFC 9110 §5.6.2 token characters.
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

// next_word splits off the first space-separated word of |rest|.
std::string_view next_word(std::string_view& rest) {
  size_t b = rest.find_first_not_of(" \t");
  if (b == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(b);
  size_t e = rest.find_first_of(" \t");
  std::string_view w = rest.substr(0, e);
  rest = e == std::string_view::npos ? std::string_view() : rest.substr(e);
  return w;
}

bool parse_methods(std::string_view text, std::vector<std::string>& out, std::string& why) {
  if (text == "*") return true;
  while (true) {
    size_t comma = text.find(',');
    std::string_view m = text.substr(0, comma);
    if (!is_token(m)) {
      why = "method '" + std::string(m) + "' is not an HTTP method token (or '*' for any)";
      return false;
    }
    out.emplace_back(m);
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

bool parse_pattern(std::string_view text, Route& r, std::string& why) {
  r.pattern = std::string(text);
  if (text.empty() || text[0] != '/') {
    why = "path pattern '" + r.pattern + "' does not start with '/'";
    return false;
  }
  if (text == "/") return true;  // the root: no segment
  size_t named = 0;
  std::string_view rest = text.substr(1);
  while (true) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    if (seg == "**") {
      if (!last) {
        why = "'**' may only end the pattern '" + r.pattern + "'";
        return false;
      }
      r.rest = true;
      return true;
    }
    Route::Segment s;
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      s.named = true;
      s.text = std::string(seg.substr(1, seg.size() - 2));
      if (!is_token(s.text) || s.text.find_first_of("{}") != std::string::npos) {
        why = "segment '" + std::string(seg) + "' of '" + r.pattern + "' needs a name of token characters";
        return false;
      }
      for (const Route::Segment& o : r.segments)
        if (o.named && o.text == s.text) {
          why = "'" + r.pattern + "' names {" + s.text + "} twice";
          return false;
        }
      if (++named > kMaxPathValues) {
        why = "'" + r.pattern + "' has more than " + std::to_string(kMaxPathValues) + " named segments";
        return false;
      }
    } else {
      // Literal segments are compared with the decoded request segments, so
      // they are written decoded; the characters that never match are refused.
      if (seg.empty() || seg == "." || seg == ".." || seg.find_first_of("{}%*") != std::string_view::npos) {
        why = "segment '" + std::string(seg) + "' of '" + r.pattern +
              "' is empty, a dot segment, or holds '{', '}', '%' or '*'";
        return false;
      }
      s.text = std::string(seg);
    }
    r.segments.push_back(std::move(s));
    if (last) return true;
    rest.remove_prefix(slash + 1);
  }
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// decode_segment appends the percent-decoded |seg| to |out|; false for a
// malformed escape, or a result that is empty, a dot segment, or holds '/'
// or a control character.
bool decode_segment(std::string_view seg, std::string& out) {
  const size_t start = out.size();
  for (size_t i = 0; i < seg.size(); ++i) {
    char c = seg[i];
    if (c == '%') {
      if (i + 2 >= seg.size()) return false;
      const int hi = hex(seg[i + 1]), lo = hex(seg[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || u < 0x20 || u == 0x7f) return false;
    out += c;
  }
  const std::string_view d(out.data() + start, out.size() - start);
  return !d.empty() && d != "." && d != "..";
}

bool method_matches(const Route& r, std::string_view method) {
  if (r.methods.empty()) return true;
  for (const std::string& m : r.methods)
    if (m == method) return true;
  return false;
}

}  // namespace

std::shared_ptr<const Routes> parse_routes(std::string_view text, std::string* error) {
  auto routes = std::make_shared<Routes>();
  size_t line_no = 0;
  auto fail = [&](const std::string& why) {
    if (error != nullptr) *error = "line " + std::to_string(line_no) + ": " + why;
    return nullptr;
  };
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view rest = line;
    const std::string_view kind = next_word(rest);
    if (kind.empty() || kind[0] == '#') continue;
    std::string why;
    if (kind == "route") {
      const std::string_view methods = next_word(rest);
      const std::string_view pattern = next_word(rest);
      if (pattern.empty()) return fail("route wants METHODS PATTERN REQUIREMENT");
      const size_t b = rest.find_first_not_of(" \t");
      if (b == std::string_view::npos)
        return fail("route " + std::string(pattern) + " has no requirement (write {\"all_of\": []} for any verified token)");
      auto req = jve::Requirement::from_json(rest.substr(b), &why);
      if (!req.ok()) return fail("route " + std::string(pattern) + ": " + why);
      Route r(*req);
      if (!parse_methods(methods, r.methods, why) || !parse_pattern(pattern, r, why)) return fail(why);
      routes->routes.push_back(std::move(r));
    } else if (kind == "header") {
      const std::string_view name = next_word(rest);
      const std::string_view pointer = next_word(rest);
      if (pointer.empty() || !next_word(rest).empty()) return fail("header wants NAME POINTER");
      // Only X- names: a claim must not be able to set a header that frames
      // or routes the response (Content-Length, Connection, Location, ...).
      if (!is_token(name) || name.size() < 3 || (name[0] != 'X' && name[0] != 'x') || name[1] != '-')
        return fail("header name '" + std::string(name) + "' must be a field name starting with X-");
      auto path = jve::ClaimPath::parse(pointer, &why);
      if (!path.ok()) return fail("header " + std::string(name) + ": " + why);
      routes->headers.push_back({std::string(name), *path});
    } else {
      return fail("unknown directive '" + std::string(kind) + "' (route, header or # comment)");
    }
  }
  return routes;
}

const Route* match_route(const Routes& routes, std::string_view method, std::string_view path,
                         PathMatch& match) {
  if (path.empty() || path[0] != '/') return nullptr;
  // Decode every segment once; patterns then compare decoded text.
  match.decoded.clear();
  std::array<std::string_view, 64> segs;
  std::array<size_t, 64> offs;
  size_t n = 0;
  if (path != "/") {
    std::string_view rest = path.substr(1);
    while (true) {
      if (n == segs.size()) return nullptr;  // deeper than any sane route
      size_t slash = rest.find('/');
      offs[n] = match.decoded.size();
      if (!decode_segment(rest.substr(0, slash), match.decoded)) return nullptr;
      ++n;
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
  }
  // Views only after decoding: appending may move the buffer.
  for (size_t i = 0; i < n; ++i) {
    const size_t end = i + 1 < n ? offs[i + 1] : match.decoded.size();
    segs[i] = std::string_view(match.decoded).substr(offs[i], end - offs[i]);
  }
  for (const Route& r : routes.routes) {
    if (!method_matches(r, method)) continue;
    if (r.rest ? n < r.segments.size() : n != r.segments.size()) continue;
    match.count = 0;
    bool ok = true;
    for (size_t i = 0; i < r.segments.size() && ok; ++i) {
      const Route::Segment& s = r.segments[i];
      if (s.named) match.values[match.count++] = jve::RequestValue{s.text, segs[i]};
      else ok = s.text == segs[i];
    }
    if (ok) return &r;
  }
  match.count = 0;
  return nullptr;
}

}  // namespace auth_service
