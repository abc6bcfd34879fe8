// keyformat/json_text.h: writing JSON text (JWKs, JOSE headers, claims, the
// CLI's reports). Header-only and free of jve and crypto includes, because
// the OpenSSL-based peer benchmarks (bench/peers, through
// tools/testkit/payload.h) build their token texts with it too, and must
// never see BoringSSL's headers.
//
// Nothing here throws but std::bad_alloc.
#pragma once

#include <string>
#include <string_view>

namespace jve::keyformat {

// append_json_string appends |s| to |out| as a quoted JSON string (RFC 8259
// §7): '"' and '\\' escaped, \n \r \t as such, other control characters as
// \u00XX. Other bytes are copied as they are: callers pass UTF-8 (the engine
// has checked it wherever the text came from a token).
inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

// json_string returns |s| as a quoted JSON string (append_json_string).
inline std::string json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_string(out, s);
  return out;
}

// add_member_name appends "name": to the object being built in |json|,
// which starts with '{' and is not closed yet, with a ',' before it unless
// it is the first member. The caller appends the value.
inline void add_member_name(std::string& json, std::string_view name) {
  if (json.size() > 1) json += ',';
  append_json_string(json, name);
  json += ':';
}

// add_member appends "name":value_json; |value_json| is used as is.
inline void add_member(std::string& json, std::string_view name, std::string_view value_json) {
  add_member_name(json, name);
  json += value_json;
}

// add_string_member appends "name":"value", the value escaped.
inline void add_string_member(std::string& json, std::string_view name, std::string_view value) {
  add_member_name(json, name);
  append_json_string(json, value);
}

// jose_header returns the JOSE header {"alg":...,"typ":...,"kid":...} in that
// order; typ and kid are left out when empty.
inline std::string jose_header(std::string_view alg, std::string_view kid = {},
                               std::string_view typ = "JWT") {
  std::string j = "{";
  add_string_member(j, "alg", alg);
  if (!typ.empty()) add_string_member(j, "typ", typ);
  if (!kid.empty()) add_string_member(j, "kid", kid);
  j += '}';
  return j;
}

}  // namespace jve::keyformat
