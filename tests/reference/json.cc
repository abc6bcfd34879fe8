// The reference's JSON parser: recursive descent over RFC 8259's grammar,
// written for obviousness, not speed. Depth is bounded, so the recursion is.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "reference.h"

namespace jve::reference {
namespace {

// valid_utf8 checks RFC 3629: shortest form only, no surrogates (U+D800 to
// U+DFFF), nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  Parser(std::string_view text, uint32_t max_depth) : s_(text), max_depth_(max_depth) {}

  Status document(Value& out) {
    skip_ws();
    if (Status st = value(out, 0); st != Status::ok) return st;
    skip_ws();
    return i_ == s_.size() ? Status::ok : Status::bad_json;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  void skip_ws() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  Status value(Value& out, uint32_t depth) {
    switch (peek()) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"': out.kind = Value::Kind::string; return string(out.string);
      case 't': out.kind = Value::Kind::boolean; out.boolean = true;
        return literal("true") ? Status::ok : Status::bad_json;
      case 'f': out.kind = Value::Kind::boolean; out.boolean = false;
        return literal("false") ? Status::ok : Status::bad_json;
      case 'n': out.kind = Value::Kind::null;
        return literal("null") ? Status::ok : Status::bad_json;
      default: out.kind = Value::Kind::number; return number(out.number);
    }
  }

  Status object(Value& out, uint32_t depth) {
    if (depth > max_depth_) return Status::too_deep;
    out.kind = Value::Kind::object;
    ++i_;  // '{'
    skip_ws();
    if (peek() == '}') { ++i_; return Status::ok; }
    while (true) {
      skip_ws();
      if (peek() != '"') return Status::bad_json;
      Member m;
      if (Status st = string(m.name); st != Status::ok) return st;
      skip_ws();
      if (peek() != ':') return Status::bad_json;
      ++i_;
      skip_ws();
      if (Status st = value(m.value, depth); st != Status::ok) return st;
      out.members.push_back(std::move(m));
      skip_ws();
      if (peek() == ',') { ++i_; continue; }
      if (peek() == '}') { ++i_; break; }
      return Status::bad_json;
    }
    // Duplicate names, compared after unescaping ("a" and "\u0061" are one
    // name), checked once the object is complete: a syntax error later in
    // the same object wins, as it does in a parser that validates first.
    for (size_t a = 0; a < out.members.size(); ++a)
      for (size_t b = 0; b < a; ++b)
        if (out.members[a].name == out.members[b].name) return Status::duplicate_member;
    return Status::ok;
  }

  Status array(Value& out, uint32_t depth) {
    if (depth > max_depth_) return Status::too_deep;
    out.kind = Value::Kind::array;
    ++i_;  // '['
    skip_ws();
    if (peek() == ']') { ++i_; return Status::ok; }
    while (true) {
      skip_ws();
      Value v;
      if (Status st = value(v, depth); st != Status::ok) return st;
      out.items.push_back(std::move(v));
      skip_ws();
      if (peek() == ',') { ++i_; continue; }
      if (peek() == ']') { ++i_; return Status::ok; }
      return Status::bad_json;
    }
  }

  bool hex4(uint32_t& v) {
    if (i_ + 4 > s_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  Status string(std::string& out) {
    ++i_;  // '"'
    while (true) {
      if (at_end()) return Status::bad_json;
      const auto c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return Status::ok;
      if (c < 0x20) return Status::bad_json;  // raw control characters
      if (c != '\\') { out += static_cast<char>(c); continue; }
      if (at_end()) return Status::bad_json;
      switch (s_[i_++]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return Status::bad_json;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Status::bad_json;  // lone low surrogate
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate must be followed by an escaped low one.
            uint32_t lo;
            if (!literal("\\u") || !hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return Status::bad_json;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: return Status::bad_json;
      }
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  Status number(double& out) {
    const size_t start = i_;
    bool integer = true;
    if (peek() == '-') ++i_;
    if (peek() == '0') {
      ++i_;
    } else if (digit(peek())) {
      while (digit(peek())) ++i_;
    } else {
      return Status::bad_json;
    }
    if (peek() == '.') {
      integer = false;
      ++i_;
      if (!digit(peek())) return Status::bad_json;
      while (digit(peek())) ++i_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integer = false;
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!digit(peek())) return Status::bad_json;
      while (digit(peek())) ++i_;
    }
    const std::string text(s_.substr(start, i_ - start));
    errno = 0;
    if (integer) {
      // Integers must fit int64 or uint64 (the engine's documented
      // departure from RFC 8259, inherited from simdjson).
      char* end = nullptr;
      if (text[0] == '-') {
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (errno == ERANGE) return Status::bad_json;
        out = static_cast<double>(v);
      } else {
        const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
        if (errno == ERANGE) return Status::bad_json;
        out = static_cast<double>(v);
      }
      return Status::ok;
    }
    // strtod reads the C locale's '.', which is all a fuzzer or test uses.
    out = std::strtod(text.c_str(), nullptr);
    // Overflow is an error (docs/design.md); underflow to zero or a subnormal is
    // a value like any other.
    return std::isinf(out) ? Status::bad_json : Status::ok;
  }

  std::string_view s_;
  size_t i_ = 0;
  uint32_t max_depth_;
};

}  // namespace

const Value* Value::find(std::string_view name) const noexcept {
  for (const Member& m : members)
    if (m.name == name) return &m.value;
  return nullptr;
}

Status parse_json(std::string_view text, uint32_t max_depth, Value& out) {
  out = Value{};
  // RFC 8259 §8.1: no byte-order mark; it is not valid UTF-8 JSON text here.
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") return Status::bad_json;
  if (!valid_utf8(text)) return Status::bad_json;
  Parser p(text, max_depth);
  return p.document(out);
}

}  // namespace jve::reference
