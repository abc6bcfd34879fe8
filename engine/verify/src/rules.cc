// The policy's rules over extracted header parameters and claims
// (docs/design.md "Algorithm and key", "Claims").
#include "verify/rules.h"

#include <algorithm>
#include <array>

namespace jve::rules {
namespace {

// Header parameters registered by RFC 7515 §4.1 (and b64, RFC 7797). A crit
// list may not name them: they are understood by definition.
constexpr std::array<std::string_view, 11> kRegisteredHeaders = {
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"};

bool is_registered_header(std::string_view name) noexcept {
  return std::find(kRegisteredHeaders.begin(), kRegisteredHeaders.end(), name) !=
         kRegisteredHeaders.end();
}

template <class List>
bool contains(const List& list, std::string_view v) noexcept {
  return std::find(list.begin(), list.end(), v) != list.end();
}

Status check_crit(const json::Strings& crit, const json::Value& header,
                  const Policy& policy) noexcept {
  // RFC 7515 §4.1.11: a non-empty array of strings naming extensions that
  // are present in the header.
  if (!crit.is_array() || crit.size() == 0) return Status::bad_header;
  Status result = Status::ok;
  size_t i = 0;
  crit.value().for_each_element([&](json::Value entry) {
    std::string_view name;
    if (!entry.get_string(name) || is_registered_header(name)) {
      result = Status::bad_header;
      return false;
    }
    // A name listed twice is as malformed as a member named twice.
    size_t j = 0;
    bool twice = false;
    crit.value().for_each_element([&](json::Value prev) {
      std::string_view p;
      if (j++ == i) return false;
      twice = prev.get_string(p) && p == name;
      return !twice;
    });
    ++i;
    if (twice) {
      result = Status::bad_header;
    } else if (name == "b64" || !contains(policy.critical_headers, name)) {
      // b64 (RFC 7797) changes what is signed; jve never verifies unencoded
      // payloads, so it is not understood whatever the policy says.
      result = Status::unsupported_crit;
    } else if (!header.member(name).present()) {
      result = Status::bad_header;
    }
    return result == Status::ok;
  });
  return result;
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

}  // namespace

bool typ_matches(std::string_view header_typ, std::string_view wanted) noexcept {
  return iequals(strip_application(header_typ), strip_application(wanted));
}

Status check_header(const json::HeaderFields& h, const Policy& policy, Header& out) noexcept {
  // RFC 7797 unencoded payloads: refused even outside crit, since a
  // b64=false token signs different bytes than it carries.
  if (h.has_b64) return Status::unsupported_crit;
  if (!h.alg) return Status::bad_header;
  // Exact, case-sensitive match: "none", "None", "hs256" are all unknown.
  std::optional<Alg> a = alg_from_name(*h.alg);
  if (!a || !policy.algorithms.contains(*a)) return Status::alg_not_allowed;
  out.alg = *a;
  out.kid = h.kid;
  out.typ = h.typ;
  out.cty = h.cty;
  if (h.crit.present()) {
    if (Status s = check_crit(h.crit, h.object, policy); s != Status::ok) return s;
  }
  if (!policy.typ.empty() && (!h.typ || !typ_matches(*h.typ, policy.typ))) return Status::bad_typ;
  if (policy.require_kid && !h.kid) return Status::missing_kid;
  return Status::ok;
}

Status check_claims(const json::ClaimFields& c, const Policy& policy, int64_t now) noexcept {
  for (const std::string& name : policy.required_claims) {
    if (!c.object.member(name).present()) return Status::missing_claim;
  }
  if (policy.max_age_seconds && !c.iat) return Status::missing_claim;
  if (!policy.issuers.empty() && !c.iss) return Status::missing_claim;
  if (policy.check_audience && !policy.audiences.empty() && !c.aud.present())
    return Status::missing_claim;

  // Times compare as doubles: NumericDate may be fractional (RFC 7519 §2).
  const double t = static_cast<double>(now);
  const double leeway = static_cast<double>(policy.leeway_seconds);
  if (c.exp && !(t < *c.exp + leeway)) return Status::expired;
  if (c.nbf && !(t >= *c.nbf - leeway)) return Status::not_yet_valid;
  if (policy.max_age_seconds) {
    if (*c.iat > t + leeway) return Status::issued_in_future;
    if (t - *c.iat > static_cast<double>(*policy.max_age_seconds) + leeway) return Status::too_old;
  }

  if (!policy.issuers.empty() && !contains(policy.issuers, *c.iss)) return Status::bad_issuer;

  if (policy.check_audience && c.aud.present()) {
    // RFC 7519 §4.1.3: a recipient that cannot identify itself with a value
    // in aud must reject; with no audience configured it cannot.
    if (policy.audiences.empty()) return Status::bad_audience;
    if (!c.aud.any_of([&](std::string_view v) { return contains(policy.audiences, v); }))
      return Status::bad_audience;
  }
  return Status::ok;
}

}  // namespace jve::rules
