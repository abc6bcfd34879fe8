// authorize: evaluating a compiled Requirement against verified claims.
// Hot path: reads the compiled tree and the parsed payload, allocates
// nothing, and reports failures with messages written at compile time.
#include <string_view>

#include "compiled.h"
#include "json/value.h"
#include "jve/authz.h"
#include "verify/scratch_impl.h"

namespace jve {

struct RequirementAccess {
  static const detail::CompiledRequirement* get(const Requirement& r) noexcept { return r.c_.get(); }
};

namespace {

using detail::Node;
using detail::Pointer;

constexpr std::string_view kUnverified = "the claims are not those of a verified token";

json::Value resolve(json::Value v, const Pointer& p) noexcept {
  for (const Pointer::Step& step : p.steps) {
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

// in_space_list: |scope| is one of the space-separated tokens of |list|.
bool in_space_list(std::string_view list, std::string_view scope) noexcept {
  size_t pos = 0;
  while (pos < list.size()) {
    size_t end = list.find(' ', pos);
    if (end == std::string_view::npos) end = list.size();
    if (end - pos == scope.size() && list.compare(pos, scope.size(), scope) == 0) return true;
    pos = end + 1;
  }
  return false;
}

// grants: a scope claim is a space-delimited string, or an array holding
// one scope per string entry (entries of other types grant nothing).
bool grants(const json::Value& claim, std::string_view scope) noexcept {
  std::string_view s;
  if (claim.get_string(s)) return in_space_list(s, scope);
  if (claim.kind() != json::Value::Kind::array) return false;
  bool found = false;
  claim.for_each_element([&](json::Value e) {
    std::string_view x;
    found = e.get_string(x) && x == scope;
    return !found;
  });
  return found;
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
  return v.get_string(s) && s == want;
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

struct Context {
  json::Value root;
  std::span<const RequestValue> values;
};

Status deny(Status s, std::string_view message, std::string_view scope, Denial* d) noexcept {
  if (d != nullptr) *d = Denial{message, scope};
  return s;
}

// The recursion is bounded by Requirement::kMaxDepth, checked at compile.
Status eval(const Node& n, const Context& cx, Denial* d) noexcept {
  switch (n.kind) {
    case Rule::Kind::scopes: {
      json::Value granting[detail::kMaxScopeClaims];
      const size_t count = n.scope_claims.size();
      for (size_t i = 0; i < count; ++i) granting[i] = resolve(cx.root, n.scope_claims[i]);
      for (const Node::Scope& s : n.scopes) {
        bool granted = false;
        for (size_t i = 0; i < count && !granted; ++i) granted = grants(granting[i], s.scope);
        if (!granted) return deny(Status::insufficient_scope, s.message, n.scope_list, d);
      }
      return Status::ok;
    }
    case Rule::Kind::claim_equals:
      if (is(resolve(cx.root, n.pointer), n.value)) return Status::ok;
      return deny(Status::forbidden, n.message, {}, d);
    case Rule::Kind::claim_contains: {
      const json::Value v = resolve(cx.root, n.pointer);
      if (is_or_holds(v, [&](const json::Value& e) { return is(e, n.value); })) return Status::ok;
      return deny(Status::forbidden, n.message, {}, d);
    }
    case Rule::Kind::request_equals:
    case Rule::Kind::request_contains: {
      const RequestValue* rv = nullptr;
      for (const RequestValue& x : cx.values)
        if (x.name == n.request_name) {
          rv = &x;
          break;
        }
      if (rv == nullptr) return deny(Status::forbidden, n.missing_message, {}, d);
      const json::Value v = resolve(cx.root, n.pointer);
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
  return eval(c->root, Context{root, values}, denial);
}

}  // namespace jve
