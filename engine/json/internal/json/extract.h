// Extraction of the JOSE header parameters and registered JWT claims
// (RFC 7515 §4.1, RFC 7519 §4.1) from parsed JSON.
//
// This layer parses and extracts only: it says what a document holds and
// whether each registered member has its registered JSON type. What is
// acceptable (allowed algs, crit, typ, times, iss, aud, required claims) is
// policy, and lives with the verify stages (engine/verify/src/rules.cc).
//
// The fields are views into the parsed document (json/value.h). Nothing
// here allocates or throws.
#pragma once

#include <optional>
#include <string_view>

#include "json/value.h"
#include "jve/status.h"

namespace jve::json {

// The JOSE header parameters jve reads. Type errors are reported by
// extract_header; everything else is for the header rules.
struct HeaderFields {
  std::optional<std::string_view> alg, kid, typ, cty;
  // RFC 7797's b64 anywhere in the header. Extraction stops there: such a
  // header is refused whatever else it holds.
  bool has_b64 = false;
  Strings crit;          // as found: its shape is a rule (RFC 7515 §4.1.11)
  Value object;          // the header itself, for "crit names a present member"
};

// extract_header reads the registered header parameters from a parsed
// header: bad_json when it is not an object, bad_header when alg, kid, typ
// or cty is present but not a string.
[[nodiscard]] Status extract_header(const Value& root, HeaderFields& out) noexcept;

// The registered claims of RFC 7519 §4.1, type-checked.
struct ClaimFields {
  std::optional<double> exp, nbf, iat;          // NumericDate: any finite number
  std::optional<std::string_view> iss, sub, jti;
  Strings aud;                                  // a string or an array of strings
  Value object;                                 // the payload, for any other claim
};

// extract_claims reads the registered claims from a parsed payload: bad_json
// when it is not an object, bad_claim when a registered claim has another
// JSON type (exp a string, aud an array holding a number, ...).
[[nodiscard]] Status extract_claims(const Value& root, ClaimFields& out) noexcept;

}  // namespace jve::json
