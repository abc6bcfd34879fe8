#include "json/extract.h"

#include <cmath>

namespace jve::json {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Three-byte member names (alg, kid, exp, iss, ...) as one integer, so the
// hot loops over members switch on it instead of calling memcmp per name.
constexpr uint32_t name3(std::string_view n) noexcept {
  return static_cast<uint32_t>(static_cast<uint8_t>(n[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(n[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(n[2])) << 16;
}
// name3 of |k|, or 0 (no registered name) when |k| is not three bytes long.
constexpr uint32_t key3(std::string_view k) noexcept { return k.size() == 3 ? name3(k) : 0; }

// Reads a string member into |out|; false if it has another type.
bool string_member(element value, std::optional<std::string_view>& out) noexcept {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  out = s;
  return true;
}

// A NumericDate (RFC 7519 §2): any JSON number; strings, null, booleans are
// not. simdjson has already rejected values that overflow a double.
bool numeric_date(element value, std::optional<double>& out) noexcept {
  switch (value.type()) {
    case element_type::INT64: out = static_cast<double>(value.get_int64().value_unsafe()); return true;
    case element_type::UINT64: out = static_cast<double>(value.get_uint64().value_unsafe()); return true;
    case element_type::DOUBLE: out = value.get_double().value_unsafe(); return std::isfinite(*out);
    default: return false;
  }
}

// A string, or an array of strings only (RFC 7519 §4.1.3 for aud).
bool strings(element value) noexcept {
  if (value.is_string()) return true;
  simdjson::dom::array entries;
  if (value.get_array().get(entries) != simdjson::SUCCESS) return false;
  for (element e : entries)
    if (!e.is_string()) return false;
  return true;
}

}  // namespace

Status extract_header(const Value& root, HeaderFields& out) noexcept {
  simdjson::dom::object header;
  if (!root.present() || root.raw().get_object().get(header) != simdjson::SUCCESS)
    return Status::bad_json;
  out.object = root;
  for (auto field : header) {
    const std::string_view k = field.key;
    bool ok = true;
    switch (key3(k)) {
      case name3("alg"): ok = string_member(field.value, out.alg); break;
      case name3("kid"): ok = string_member(field.value, out.kid); break;
      case name3("typ"): ok = string_member(field.value, out.typ); break;
      case name3("cty"): ok = string_member(field.value, out.cty); break;
      case name3("b64"): out.has_b64 = true; return Status::ok;
      default:
        if (k == "crit") out.crit = Strings(Value(field.value));
        // jku, jwk, x5u, x5c and anything else: not read. Keys come only
        // from the configured key set.
    }
    if (!ok) return Status::bad_header;
  }
  return Status::ok;
}

Status extract_claims(const Value& root, ClaimFields& out) noexcept {
  simdjson::dom::object payload;
  if (!root.present() || root.raw().get_object().get(payload) != simdjson::SUCCESS)
    return Status::bad_json;
  out.object = root;
  // One pass over the members: type-check every registered claim present.
  for (auto field : payload) {
    bool ok = true;
    switch (key3(field.key)) {
      case name3("exp"): ok = numeric_date(field.value, out.exp); break;
      case name3("nbf"): ok = numeric_date(field.value, out.nbf); break;
      case name3("iat"): ok = numeric_date(field.value, out.iat); break;
      case name3("iss"): ok = string_member(field.value, out.iss); break;
      case name3("sub"): ok = string_member(field.value, out.sub); break;
      case name3("jti"): ok = string_member(field.value, out.jti); break;
      case name3("aud"):
        out.aud = Strings(Value(field.value));
        ok = strings(field.value);
        break;
      default: break;
    }
    if (!ok) return Status::bad_claim;
  }
  return Status::ok;
}

}  // namespace jve::json
