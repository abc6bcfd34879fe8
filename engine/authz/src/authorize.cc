// authorize: evaluating a compiled Requirement against verified claims.
// Hot path: reads the compiled tree and the parsed payload, allocates
// nothing, and reports failures with messages written at compile time.
#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

#include "compiled.h"
#include "json/value.h"
#include "jve/authz.h"
#include "verify/scratch_impl.h"

namespace jve {

struct RequirementAccess {
  static const detail::CompiledRequirement* get(const Requirement& r) noexcept { return r.c_.get(); }
  static const detail::Pointer* get(const ClaimPath& p) noexcept { return p.p_.get(); }
};

namespace {

using detail::Node;
using detail::Pointer;

constexpr std::string_view kUnverified = "the claims are not those of a verified token";

struct Context {
  json::Value root;
  const json::Value* top;  // the payload's members named by top_names, by slot
  std::span<const RequestValue> values;
};

// resolve walks |p| from |root|, or from its first step's member in |top|
// when the requirement found that member already.
json::Value resolve(const json::Value& root, const json::Value* top, const Pointer& p) noexcept {
  json::Value v = root;
  size_t first = 0;
  if (top != nullptr && p.top >= 0) {
    if (p.steps.size() == 1) return top[p.top];  // most pointers name a top-level claim
    v = top[p.top];
    first = 1;
  }
  for (size_t i = first; i < p.steps.size(); ++i) {
    const Pointer::Step& step = p.steps[i];
    switch (v.kind()) {
      case json::Value::Kind::object: v = v.member(step.key); break;
      case json::Value::Kind::array: {
        simdjson::dom::element e;
        if (step.index < 0 ||
            v.raw().get_array().value_unsafe().at(static_cast<size_t>(step.index)).get(e) !=
                simdjson::SUCCESS)
          return json::Value();
        v = json::Value(e);
        break;
      }
      default: return json::Value();
    }
  }
  return v;
}

// ScopeSet tracks which of a node's required scopes (at most 64) are still
// missing while the granting claims are read once each: every granted token
// is compared with the missing scopes, so a scope string is scanned once
// per requirement, not once per required scope.
struct ScopeSet {
  const Node& node;
  uint64_t missing;

  void grant(std::string_view token) noexcept {
    if (token.empty() || (node.scope_lengths & detail::length_bit(token.size())) == 0) return;
    for (uint64_t m = missing; m != 0; m &= m - 1) {
      const int i = __builtin_ctzll(m);
      const Node::Scope& want = node.scopes[static_cast<size_t>(i)];
      if (detail::same_text(token, want.head, want.tail, want.scope)) {
        missing &= ~(uint64_t{1} << i);
        return;
      }
    }
  }
  // read takes the scopes a claim grants: a string is space-delimited, an
  // array holds one scope per string entry (other entries grant nothing).
  inline void split_spaces(std::string_view s) noexcept;
  void read(const json::Value& claim) noexcept {
    std::string_view s;
    if (claim.get_string(s)) {
      split_spaces(s);
      return;
    }
    if (claim.kind() != json::Value::Kind::array) return;
    claim.for_each_element([&](json::Value e) {
      std::string_view x;
      if (e.get_string(x)) grant(x);
      return missing != 0;
    });
  }
};

// split_spaces grants each space-separated token of |s|. The spaces are
// found eight bytes at a time (a byte-per-step loop was a fifth of
// BM_Authorize/two_scopes_tenant in callgrind), the last < 8 bytes one by
// one; nothing is read outside |s|.
inline void ScopeSet::split_spaces(std::string_view s) noexcept {
  constexpr uint64_t kSpaces = 0x2020202020202020ull, kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const char* const p = s.data();
  const size_t n = s.size();
  size_t start = 0, i = 0;
  // (ctz / 8 is the byte's position in a little-endian load.)
  for (; std::endian::native == std::endian::little && i + 8 <= n && missing != 0; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    const uint64_t x = w ^ kSpaces;  // a zero byte where there is a space
    // The high bit of each byte of |m| is set exactly where x has a zero byte.
    uint64_t m = ~(((x & kLow7) + kLow7) | x | kLow7);
    for (; m != 0; m &= m - 1) {
      const size_t at = i + static_cast<size_t>(__builtin_ctzll(m)) / 8;
      grant(std::string_view(p + start, at - start));
      start = at + 1;
    }
  }
  if (std::endian::native == std::endian::little && n >= 8 && i < n && missing != 0) {
    // The last < 8 bytes: one load of the final eight, with the bytes
    // already scanned masked off.
    uint64_t w;
    std::memcpy(&w, p + n - 8, 8);
    const uint64_t x = w ^ kSpaces;
    uint64_t m = ~(((x & kLow7) + kLow7) | x | kLow7);
    m &= ~uint64_t{0} << (8 * (i - (n - 8)));
    for (; m != 0; m &= m - 1) {
      const size_t at = n - 8 + static_cast<size_t>(__builtin_ctzll(m)) / 8;
      grant(std::string_view(p + start, at - start));
      start = at + 1;
    }
    i = n;
  }
  for (; i < n && missing != 0; ++i) {  // strings shorter than eight bytes
    if (p[i] != ' ') continue;
    grant(std::string_view(p + start, i - start));
    start = i + 1;
  }
  if (missing != 0 && start < n) grant(std::string_view(p + start, n - start));
}

bool is(const json::Value& v, const std::variant<std::string, int64_t, bool>& want) noexcept {
  switch (want.index()) {
    case 0: {
      std::string_view s;
      return v.get_string(s) && s == std::get<0>(want);
    }
    case 1: {
      int64_t i;
      return v.get_int(i) && i == std::get<1>(want);
    }
    default: {
      bool b;
      return v.get_bool(b) && b == std::get<2>(want);
    }
  }
}

bool is_string(const json::Value& v, std::string_view want) noexcept {
  std::string_view s;
  return v.get_string(s) && detail::same_bytes(s, want);
}

template <class Pred>
bool is_or_holds(const json::Value& v, Pred&& pred) noexcept {
  if (pred(v)) return true;
  if (v.kind() != json::Value::Kind::array) return false;
  bool found = false;
  v.for_each_element([&](json::Value e) {
    found = pred(e);
    return !found;
  });
  return found;
}

Status deny(Status s, std::string_view message, std::string_view scope, Denial* d) noexcept {
  if (d != nullptr) *d = Denial{message, scope};
  return s;
}

// The recursion is bounded by Requirement::kMaxDepth, checked at compile.
Status eval(const Node& n, const Context& cx, Denial* d) noexcept {
  switch (n.kind) {
    case Rule::Kind::scopes: {
      const size_t count = n.scopes.size();  // 1..64, checked at compile
      ScopeSet set{n, count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1};
      for (size_t i = 0; i < n.scope_claims.size() && set.missing != 0; ++i)
        set.read(resolve(cx.root, cx.top, n.scope_claims[i]));
      if (set.missing == 0) return Status::ok;
      const Node::Scope& first = n.scopes[static_cast<size_t>(__builtin_ctzll(set.missing))];
      return deny(Status::insufficient_scope, first.message, n.scope_list, d);
    }
    case Rule::Kind::claim_equals:
      if (is(resolve(cx.root, cx.top, n.pointer), n.value)) return Status::ok;
      return deny(Status::forbidden, n.message, {}, d);
    case Rule::Kind::claim_contains: {
      const json::Value v = resolve(cx.root, cx.top, n.pointer);
      if (is_or_holds(v, [&](const json::Value& e) { return is(e, n.value); })) return Status::ok;
      return deny(Status::forbidden, n.message, {}, d);
    }
    case Rule::Kind::request_equals:
    case Rule::Kind::request_contains: {
      const RequestValue* rv = nullptr;
      for (const RequestValue& x : cx.values)
        if (detail::same_bytes(x.name, n.request_name)) {
          rv = &x;
          break;
        }
      if (rv == nullptr) return deny(Status::forbidden, n.missing_message, {}, d);
      const json::Value v = resolve(cx.root, cx.top, n.pointer);
      const bool ok = n.kind == Rule::Kind::request_equals
                          ? is_string(v, rv->value)
                          : is_or_holds(v, [&](const json::Value& e) { return is_string(e, rv->value); });
      return ok ? Status::ok : deny(Status::forbidden, n.message, {}, d);
    }
    case Rule::Kind::all_of:
      for (const Node& c : n.children)
        if (Status s = eval(c, cx, d); s != Status::ok) return s;
      return Status::ok;
    case Rule::Kind::any_of: {
      bool all_scope = true;
      std::string_view first_scope;
      for (const Node& c : n.children) {
        Denial child;
        const Status s = eval(c, cx, &child);
        if (s == Status::ok) return Status::ok;
        if (s != Status::insufficient_scope) all_scope = false;
        else if (first_scope.empty()) first_scope = child.scope;
      }
      return all_scope ? deny(Status::insufficient_scope, n.message, first_scope, d)
                       : deny(Status::forbidden, n.message, {}, d);
    }
  }
  return deny(Status::forbidden, kUnverified, {}, d);
}

}  // namespace

Status authorize(const Claims& claims, const Requirement& requirement,
                 std::span<const RequestValue> values, Denial* denial) noexcept {
  const detail::CompiledRequirement* c = RequirementAccess::get(requirement);
  const json::Value root = detail::ClaimsAccess::root(claims);
  // Claims that no verify filled (or a failed verify cleared) satisfy
  // nothing, not even an empty all_of.
  if (c == nullptr || root.kind() != json::Value::Kind::object)
    return deny(Status::forbidden, kUnverified, {}, denial);
  // One pass over the payload's members finds every top-level claim the
  // requirement reads (member names are unique: the strict parser refused
  // duplicates).
  json::Value top[detail::kMaxTopNames];
  const size_t want = c->top_names.size();
  size_t found = 0;
  json::StrictParser::RootMembers members;
  if (want != 0 && detail::ClaimsAccess::root_members(claims, members)) {
    // The strict parser kept the root's members with their names packed: a
    // lookup is integer compares over a small array, not a DOM walk.
    for (size_t i = 0; i < want; ++i) {
      const detail::TopName& name = c->top_names[i];
      for (size_t j = 0; j < members.names.size(); ++j) {
        const std::string_view k = members.names[j].text;
        if (members.names[j].prefix == name.key && k.size() == name.name.size() &&
            (k.size() <= 8 || std::memcmp(k.data(), name.name.data(), k.size()) == 0)) {
          top[i] = json::Value(members.values[j]);
          break;
        }
      }
    }
  } else if (want != 0) {
    // A named copy: a range-for over value_unsafe() of the temporary
    // result would iterate a dead object.
    const simdjson::dom::object members = root.raw().get_object().value_unsafe();
    for (auto field : members) {
      const std::string_view k = field.key;
      const uint64_t key = detail::name_key(k);
      for (size_t i = 0; i < want; ++i) {
        const detail::TopName& name = c->top_names[i];
        if (name.key == key && name.name.size() == k.size() &&
            (k.size() <= 8 || std::memcmp(name.name.data(), k.data(), k.size()) == 0)) {
          top[i] = json::Value(field.value);
          ++found;
          break;
        }
      }
      if (found == want) break;
    }
  }
  return eval(c->root, Context{root, top, values}, denial);
}

namespace {

// append_scalar writes a string, number or boolean as text; false for
// anything else.
bool append_scalar(const json::Value& v, std::string& out) {
  std::string_view s;
  if (v.get_string(s)) {
    out += s;
    return true;
  }
  bool b;
  if (v.get_bool(b)) {
    out += b ? "true" : "false";
    return true;
  }
  if (v.kind() != json::Value::Kind::number) return false;
  char buf[32];
  std::to_chars_result r;
  int64_t i;
  double d;
  const simdjson::dom::element& e = v.raw();
  uint64_t u;
  if (v.get_int(i)) r = std::to_chars(buf, buf + sizeof buf, i);
  else if (e.get_uint64().get(u) == simdjson::SUCCESS) r = std::to_chars(buf, buf + sizeof buf, u);
  else if (v.get_number(d)) r = std::to_chars(buf, buf + sizeof buf, d);
  else return false;
  out.append(buf, r.ptr);
  return true;
}

}  // namespace

bool append_claim_text(const Claims& claims, const ClaimPath& path, std::string& out) {
  const Pointer* p = RequirementAccess::get(path);
  const json::Value root = detail::ClaimsAccess::root(claims);
  if (p == nullptr || root.kind() != json::Value::Kind::object) return false;
  const json::Value v = resolve(root, nullptr, *p);
  const size_t start = out.size();
  if (v.kind() != json::Value::Kind::array) return append_scalar(v, out);
  bool ok = true, first = true;
  v.for_each_element([&](json::Value e) {
    if (!first) out += ',';
    first = false;
    ok = append_scalar(e, out);
    return ok;
  });
  if (!ok) out.resize(start);
  return ok;
}

}  // namespace jve
