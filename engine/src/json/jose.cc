#include "json/jose.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace jve::json {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Header parameters registered by RFC 7515 §4.1 (and b64, RFC 7797). A crit
// list may not name them: they are understood by definition.
constexpr std::array<std::string_view, 11> kRegisteredHeaders = {
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"};

bool is_registered_header(std::string_view name) noexcept {
  return std::find(kRegisteredHeaders.begin(), kRegisteredHeaders.end(), name) !=
         kRegisteredHeaders.end();
}

// Reads a string member into |out|; false if present with another type.
bool optional_string(element value, std::optional<std::string_view>& out) noexcept {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  out = s;
  return true;
}

Status check_crit(element crit, simdjson::dom::object header, const Policy& policy) noexcept {
  simdjson::dom::array names;
  // RFC 7515 §4.1.11: a non-empty array of strings naming extensions that
  // are present in the header.
  if (crit.get_array().get(names) != simdjson::SUCCESS || names.size() == 0)
    return Status::bad_header;
  size_t i = 0;
  for (element e : names) {
    std::string_view name;
    if (e.get_string().get(name) != simdjson::SUCCESS) return Status::bad_header;
    if (is_registered_header(name)) return Status::bad_header;
    // A name listed twice is as malformed as a member named twice.
    size_t j = 0;
    for (element prev : names) {
      if (j++ == i) break;
      if (std::string_view(prev.get_string().value_unsafe()) == name) return Status::bad_header;
    }
    ++i;
    // b64 (RFC 7797) changes what is signed; jve never verifies unencoded
    // payloads, so it is not understood whatever the policy says.
    if (name == "b64") return Status::unsupported_crit;
    if (std::find(policy.critical_headers.begin(), policy.critical_headers.end(), name) ==
        policy.critical_headers.end())
      return Status::unsupported_crit;
    if (header.at_key(name).error() != simdjson::SUCCESS) return Status::bad_header;
  }
  return Status::ok;
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view strip_application(std::string_view t) noexcept {
  constexpr std::string_view kPrefix = "application/";
  if (t.size() >= kPrefix.size() && iequals(t.substr(0, kPrefix.size()), kPrefix))
    t.remove_prefix(kPrefix.size());
  return t;
}

// Three-byte member names (alg, kid, exp, iss, ...) as one integer, so the
// hot loops over members switch on it instead of calling memcmp per name.
constexpr uint32_t name3(std::string_view n) noexcept {
  return static_cast<uint32_t>(static_cast<uint8_t>(n[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(n[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(n[2])) << 16;
}
// name3 of |k|, or 0 (no registered name) when |k| is not three bytes long.
constexpr uint32_t key3(std::string_view k) noexcept { return k.size() == 3 ? name3(k) : 0; }

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

}  // namespace

bool typ_matches(std::string_view header_typ, std::string_view wanted) noexcept {
  return iequals(strip_application(header_typ), strip_application(wanted));
}

Status read_header(element root, const Policy& policy, Header& out) noexcept {
  simdjson::dom::object header;
  if (root.get_object().get(header) != simdjson::SUCCESS) return Status::bad_json;
  std::optional<std::string_view> alg;
  element crit;
  bool has_crit = false;
  for (auto field : header) {
    const std::string_view k = field.key;
    switch (key3(k)) {
      case name3("alg"):
        if (!optional_string(field.value, alg)) return Status::bad_header;
        break;
      case name3("kid"):
        if (!optional_string(field.value, out.kid)) return Status::bad_header;
        break;
      case name3("typ"):
        if (!optional_string(field.value, out.typ)) return Status::bad_header;
        break;
      case name3("cty"):
        if (!optional_string(field.value, out.cty)) return Status::bad_header;
        break;
      case name3("b64"):
        // RFC 7797 unencoded payloads: refused even outside crit, since a
        // b64=false token signs different bytes than it carries.
        return Status::unsupported_crit;
      default:
        if (k == "crit") {
          crit = field.value;
          has_crit = true;
        }
        // jku, jwk, x5u, x5c: keys come only from the configured key set,
        // so these are ignored, never fetched or trusted.
    }
  }
  if (!alg) return Status::bad_header;
  // Exact, case-sensitive match: "none", "None", "hs256" are all unknown.
  std::optional<Alg> a = alg_from_name(*alg);
  if (!a || !policy.algorithms.contains(*a)) return Status::alg_not_allowed;
  out.alg = *a;
  if (has_crit) {
    if (Status s = check_crit(crit, header, policy); s != Status::ok) return s;
  }
  if (!policy.typ.empty() && (!out.typ || !typ_matches(*out.typ, policy.typ))) return Status::bad_typ;
  if (policy.require_kid && !out.kid) return Status::missing_kid;
  return Status::ok;
}

Status check_claims(element root, const Policy& policy, int64_t now, Claims& out) noexcept {
  simdjson::dom::object payload;
  if (root.get_object().get(payload) != simdjson::SUCCESS) return Status::bad_json;
  element aud;
  bool has_aud = false;
  // One pass over the members: type-check every registered claim present.
  for (auto field : payload) {
    bool ok = true;
    switch (key3(field.key)) {
      case name3("exp"): ok = numeric_date(field.value, out.exp); break;
      case name3("nbf"): ok = numeric_date(field.value, out.nbf); break;
      case name3("iat"): ok = numeric_date(field.value, out.iat); break;
      case name3("iss"): ok = optional_string(field.value, out.iss); break;
      case name3("sub"): ok = optional_string(field.value, out.sub); break;
      case name3("jti"): ok = optional_string(field.value, out.jti); break;
      case name3("aud"):
        aud = field.value;
        has_aud = true;
        if (!aud.is_string()) {
          simdjson::dom::array entries;
          if (aud.get_array().get(entries) != simdjson::SUCCESS) return Status::bad_claim;
          for (element e : entries)
            if (!e.is_string()) return Status::bad_claim;
        }
        break;
      default: break;
    }
    if (!ok) return Status::bad_claim;
  }

  for (const std::string& name : policy.required_claims) {
    if (payload.at_key(name).error() != simdjson::SUCCESS) return Status::missing_claim;
  }
  if (policy.max_age_seconds && !out.iat) return Status::missing_claim;
  if (!policy.issuers.empty() && !out.iss) return Status::missing_claim;
  if (policy.check_audience && !policy.audiences.empty() && !has_aud) return Status::missing_claim;

  // Times compare as doubles: NumericDate may be fractional (RFC 7519 §2).
  const double t = static_cast<double>(now);
  const double leeway = static_cast<double>(policy.leeway_seconds);
  if (out.exp && !(t < *out.exp + leeway)) return Status::expired;
  if (out.nbf && !(t >= *out.nbf - leeway)) return Status::not_yet_valid;
  if (policy.max_age_seconds) {
    if (*out.iat > t + leeway) return Status::issued_in_future;
    if (t - *out.iat > static_cast<double>(*policy.max_age_seconds) + leeway) return Status::too_old;
  }

  if (!policy.issuers.empty() &&
      std::find(policy.issuers.begin(), policy.issuers.end(), *out.iss) == policy.issuers.end())
    return Status::bad_issuer;

  if (policy.check_audience && has_aud) {
    // RFC 7519 §4.1.3: a recipient that cannot identify itself with a value
    // in aud must reject; with no audience configured it cannot.
    if (policy.audiences.empty()) return Status::bad_audience;
    auto wanted = [&](std::string_view v) {
      return std::find(policy.audiences.begin(), policy.audiences.end(), v) != policy.audiences.end();
    };
    bool match = false;
    if (aud.is_string()) {
      match = wanted(aud.get_string().value_unsafe());
    } else {
      const simdjson::dom::array entries = aud.get_array().value_unsafe();
      for (element e : entries)
        if (wanted(e.get_string().value_unsafe())) { match = true; break; }
    }
    if (!match) return Status::bad_audience;
  }
  return Status::ok;
}

}  // namespace jve::json
