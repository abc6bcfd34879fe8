// jve/authz.h: authorization on the claims of a verified token.
//
// Verifier::verify answers "is this token genuine"; authorize answers "may
// this token make this request". A Requirement is compiled once (from the
// builder below or from a JSON document) and evaluated per request without
// allocating:
//
//   using namespace jve::require;
//   auto req = jve::Requirement::compile(all_of({
//       scopes({"orders:read", "orders:write"}),
//       claim("/tenantId").equals_request("tenant"),
//       any_of({claim("/roles").contains("admin"),
//               claim("/realm_access/roles").contains("admin")}),
//   }));
//   ...
//   const jve::RequestValue values[] = {{"tenant", tenant_from_url}};
//   jve::Denial why;
//   switch (jve::authorize(claims, *req, values, &why)) {
//     case jve::Status::ok: break;
//     default: return reject(403, why.message);   // insufficient_scope, forbidden
//   }
//
// Failures are Status::insufficient_scope (a required scope is not granted)
// and Status::forbidden (any other requirement): the token is genuine, the
// request is not allowed, so HTTP 403 and never 401.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "jve/claims.h"
#include "jve/result.h"
#include "jve/status.h"

namespace jve {

namespace detail {
struct CompiledRequirement;
struct Pointer;
}

// ClaimValue is what a claim is compared with: a string, an integer or a
// boolean. A JSON value of another type never equals it (the string "1" is
// not the integer 1, and 1.0 is not the integer 1).
class ClaimValue {
 public:
  ClaimValue(std::string s) : v_(std::move(s)) {}            // NOLINT: implicit by design
  ClaimValue(std::string_view s) : v_(std::string(s)) {}     // NOLINT
  ClaimValue(const char* s) : v_(std::string(s)) {}          // NOLINT
  ClaimValue(int64_t i) : v_(i) {}                           // NOLINT
  ClaimValue(int i) : v_(static_cast<int64_t>(i)) {}         // NOLINT
  ClaimValue(bool b) : v_(b) {}                              // NOLINT

  const std::variant<std::string, int64_t, bool>& get() const noexcept { return v_; }

 private:
  std::variant<std::string, int64_t, bool> v_;
};

// Rule is the uncompiled form of a requirement, as the builder functions in
// jve::require make it. Plain data; Requirement::compile checks it.
struct Rule {
  enum class Kind : uint8_t { scopes, claim_equals, claim_contains, request_equals, request_contains, all_of, any_of };
  Kind kind = Kind::all_of;
  std::vector<std::string> scopes;        // scopes
  std::vector<std::string> scope_claims;  // scopes: JSON pointers of the granting claims
  std::string pointer;                    // claim_*, request_*: RFC 6901 JSON pointer
  ClaimValue value = false;               // claim_*
  std::string request_name;               // request_*
  std::vector<Rule> children;             // all_of, any_of
};

// The claims granted scopes are read from by default: "scope" (a
// space-delimited string, RFC 8693 §4.2, RFC 9068 §2.2.3) and "scp" (a
// string, space-delimited as Azure AD writes it, or an array of strings as
// Okta does).
inline const std::vector<std::string>& default_scope_claims() {
  static const std::vector<std::string> kDefault{"/scope", "/scp"};
  return kDefault;
}

namespace require {

// scopes: every scope in |required| is granted by one of |from| (JSON
// pointers; a string there is split on spaces, an array holds one scope per
// string entry).
inline Rule scopes(std::vector<std::string> required,
                   std::vector<std::string> from = default_scope_claims()) {
  Rule r;
  r.kind = Rule::Kind::scopes;
  r.scopes = std::move(required);
  r.scope_claims = std::move(from);
  return r;
}

// ClaimAt makes the rules about the claim at one JSON pointer.
class ClaimAt {
 public:
  explicit ClaimAt(std::string pointer) : pointer_(std::move(pointer)) {}
  // equals: the claim is |v| (same JSON type, same value).
  Rule equals(ClaimValue v) const { return make(Rule::Kind::claim_equals, std::move(v), {}); }
  // contains: the claim is |v|, or an array with an entry that is |v|.
  Rule contains(ClaimValue v) const { return make(Rule::Kind::claim_contains, std::move(v), {}); }
  // equals_request: the claim is a string equal to the request value named
  // |name| (RequestValue), e.g. the tenant in the URL.
  Rule equals_request(std::string name) const {
    return make(Rule::Kind::request_equals, false, std::move(name));
  }
  // contains_request: as contains, with the request value named |name|.
  Rule contains_request(std::string name) const {
    return make(Rule::Kind::request_contains, false, std::move(name));
  }

 private:
  Rule make(Rule::Kind k, ClaimValue v, std::string name) const {
    Rule r;
    r.kind = k;
    r.pointer = pointer_;
    r.value = std::move(v);
    r.request_name = std::move(name);
    return r;
  }
  std::string pointer_;
};

// claim names the claim at an RFC 6901 JSON pointer: "/tenantId",
// "/realm_access/roles", "/https:~1~1example.com~1roles" (~1 is '/', ~0 '~').
inline ClaimAt claim(std::string pointer) { return ClaimAt(std::move(pointer)); }

// all_of holds when every child does (an empty all_of always holds: any
// verified token); any_of when at least one does (it must not be empty).
inline Rule all_of(std::vector<Rule> children) {
  Rule r;
  r.kind = Rule::Kind::all_of;
  r.children = std::move(children);
  return r;
}
inline Rule any_of(std::vector<Rule> children) {
  Rule r;
  r.kind = Rule::Kind::any_of;
  r.children = std::move(children);
  return r;
}

}  // namespace require

// member_pointer returns the JSON pointer of the top-level claim |name|,
// escaping '~' and '/' (RFC 6901 §3): "cognito:groups" -> "/cognito:groups".
std::string member_pointer(std::string_view name);

// RequestValue is one per-request value a requirement may bind a claim to.
struct RequestValue {
  std::string_view name;
  std::string_view value;
};

// Denial says why authorize refused. Both views point into the Requirement
// and stay valid as long as it (or a copy of it) lives.
struct Denial {
  // message names the requirement that failed: 'scope "orders:write" is not
  // granted', 'claim /tenantId does not equal request value "tenant"', ...
  std::string_view message;
  // scope: for insufficient_scope, the scopes of the failed scope
  // requirement, space-separated (the scope attribute of RFC 6750 §3);
  // empty otherwise.
  std::string_view scope;
};

// Requirement is a compiled rule tree. Immutable; copies share it, and any
// number of threads may evaluate one.
class Requirement {
 public:
  // The deepest all_of / any_of nesting compile and from_json accept.
  static constexpr uint32_t kMaxDepth = 32;

  // compile checks |rule| and prepares it for evaluation. On failure,
  // returns bad_json (a JSON pointer that is not RFC 6901, no scopes, a scope
  // outside RFC 6749's scope-token characters, an empty any_of or request
  // name) or too_deep, and writes a sentence naming the place into |error|
  // when given ("/all_of/1: ...", paths as in the JSON document form).
  static Result<Requirement> compile(const Rule& rule, std::string* error = nullptr);

  // from_json parses a requirement document (README "Authorization") with
  // the engine's strict JSON parser: duplicate members, unknown members and
  // wrong types are refused (bad_json, duplicate_member, too_deep), with the
  // place in |error|.
  static Result<Requirement> from_json(std::string_view document, std::string* error = nullptr);

  // describe returns the requirement as one line of text, for logs.
  std::string_view describe() const noexcept;

 private:
  friend struct RequirementAccess;
  explicit Requirement(std::shared_ptr<const detail::CompiledRequirement> c) : c_(std::move(c)) {}
  std::shared_ptr<const detail::CompiledRequirement> c_;
};

// ClaimPath is a compiled RFC 6901 JSON pointer to one claim, for passing a
// claim of a verified token on (the example service's claim headers, logs).
// Immutable; copies share it.
class ClaimPath {
 public:
  // parse accepts any RFC 6901 pointer ("/sub", "/tenant/id",
  // "/https:~1~1example.com~1roles"); otherwise bad_json, with why in |error|.
  static Result<ClaimPath> parse(std::string_view pointer, std::string* error = nullptr);
  std::string_view text() const noexcept;  // the pointer as written

 private:
  friend struct RequirementAccess;
  explicit ClaimPath(std::shared_ptr<const detail::Pointer> p) : p_(std::move(p)) {}
  std::shared_ptr<const detail::Pointer> p_;
};

// append_claim_text appends the claim at |path| of verified |claims| as text:
// a string as it is, a number or a boolean as JSON writes it, an array of
// those joined with ','. Returns false and appends nothing when the claim is
// absent, null, an object, or an array holding anything else. The text is
// the signer's: escape it for where it goes.
bool append_claim_text(const Claims& claims, const ClaimPath& path, std::string& out);

// authorize evaluates |requirement| against |claims|, which must come from
// a successful verify (otherwise: forbidden). Request values are looked up
// by name in |values|; a missing one fails its requirement. Returns ok,
// insufficient_scope (a scope requirement failed) or forbidden (any other),
// and fills |denial| when given. Of an all_of, the first failing child
// decides; an any_of that fails is insufficient_scope only when every
// alternative failed for want of scope. Never allocates, never throws; a
// missing claim or a claim of another JSON type simply does not satisfy.
[[nodiscard]] Status authorize(const Claims& claims, const Requirement& requirement,
                               std::span<const RequestValue> values = {},
                               Denial* denial = nullptr) noexcept;

}  // namespace jve
