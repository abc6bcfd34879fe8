// Requirement: compiling rules, and reading them from JSON documents. Cold
// path: everything here may allocate.
#include <charconv>
#include <cstdio>
#include <string>

#include "compiled.h"
#include "json/strict.h"
#include "jve/authz.h"

namespace jve {
namespace {

using detail::Node;
using detail::Pointer;

// Descriptions of wide rules are cut here, so one requirement cannot make
// every denial message kilobytes long.
constexpr size_t kMaxDescription = 400;

// quote writes |s| as a JSON string: messages and descriptions end up in
// logs and HTTP headers, so no byte of a value reaches them raw.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string show(const std::variant<std::string, int64_t, bool>& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return quote(*s);
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  return std::get<bool>(v) ? "true" : "false";
}

std::string where(const std::string& path) { return path.empty() ? "at the root" : "at " + path; }

bool fail(std::string* error, const std::string& path, const std::string& what) {
  if (error != nullptr) *error = "requirement " + where(path) + ": " + what;
  return false;
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). It also
// keeps scopes safe inside a quoted WWW-Authenticate attribute.
bool is_scope_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == '"' || c == '\\') return false;
  }
  return true;
}

bool parse_pointer(const std::string& text, Pointer& out, std::string& why) {
  if (text.empty() || text[0] != '/') {
    why = "JSON pointer " + quote(text) + " does not start with '/' (RFC 6901)";
    return false;
  }
  out.text = text;
  size_t i = 1;
  while (true) {
    Pointer::Step step;
    while (i < text.size() && text[i] != '/') {
      if (text[i] == '~') {
        const char next = i + 1 < text.size() ? text[i + 1] : '\0';
        if (next != '0' && next != '1') {
          why = "JSON pointer " + quote(text) + " has '~' not followed by 0 or 1 (RFC 6901 §3)";
          return false;
        }
        step.key += next == '0' ? '~' : '/';
        i += 2;
      } else {
        step.key += text[i++];
      }
    }
    // RFC 6901 §4: an array index is "0" or digits without a leading zero.
    const std::string& k = step.key;
    if (!k.empty() && k.size() <= 18 && (k == "0" || k[0] != '0') &&
        k.find_first_not_of("0123456789") == std::string::npos) {
      std::from_chars(k.data(), k.data() + k.size(), step.index);
    }
    out.steps.push_back(std::move(step));
    if (i >= text.size()) break;
    ++i;  // the '/'
  }
  return true;
}

std::string cut(std::string s) {
  if (s.size() > kMaxDescription) {
    s.resize(kMaxDescription - 3);
    s += "...";
  }
  return s;
}

const char* kind_name(Rule::Kind k) {
  switch (k) {
    case Rule::Kind::claim_equals: return "equals";
    case Rule::Kind::claim_contains: return "contains";
    case Rule::Kind::request_equals: return "equals_request";
    case Rule::Kind::request_contains: return "contains_request";
    default: return "";
  }
}

bool compile_node(const Rule& r, const std::string& path, uint32_t depth, Node& n,
                  std::string* error, Status& status) {
  n.kind = r.kind;
  switch (r.kind) {
    case Rule::Kind::scopes: {
      if (r.scopes.empty()) return fail(error, path + "/scopes", "no scopes listed");
      if (r.scopes.size() > detail::kMaxScopes)
        return fail(error, path + "/scopes",
                    "more than " + std::to_string(detail::kMaxScopes) + " scopes (split them with all_of)");
      if (r.scope_claims.empty()) return fail(error, path + "/scope_claims", "no claims to read scopes from");
      if (r.scope_claims.size() > detail::kMaxScopeClaims)
        return fail(error, path + "/scope_claims",
                    "more than " + std::to_string(detail::kMaxScopeClaims) + " claims");
      for (size_t i = 0; i < r.scopes.size(); ++i) {
        const std::string& s = r.scopes[i];
        if (!is_scope_token(s))
          return fail(error, path + "/scopes/" + std::to_string(i),
                      "scope " + quote(s) +
                          " is not a scope-token (RFC 6749 §3.3: printable ASCII, no space, '\"' or '\\')");
        n.scopes.push_back({s, "scope " + quote(s) + " is not granted", detail::pack_head(s), detail::pack_tail(s)});
        n.scope_lengths |= detail::length_bit(s.size());
        if (!n.scope_list.empty()) n.scope_list += ' ';
        n.scope_list += s;
      }
      for (size_t i = 0; i < r.scope_claims.size(); ++i) {
        Pointer p;
        std::string why;
        if (!parse_pointer(r.scope_claims[i], p, why))
          return fail(error, path + "/scope_claims/" + std::to_string(i), why);
        n.scope_claims.push_back(std::move(p));
      }
      std::string d = "scopes(";
      for (size_t i = 0; i < n.scopes.size(); ++i) d += (i ? " " : "") + n.scopes[i].scope;
      n.description = cut(d + ")");
      return true;
    }
    case Rule::Kind::claim_equals:
    case Rule::Kind::claim_contains:
    case Rule::Kind::request_equals:
    case Rule::Kind::request_contains: {
      std::string why;
      if (!parse_pointer(r.pointer, n.pointer, why)) return fail(error, path + "/claim", why);
      const bool request = r.kind == Rule::Kind::request_equals || r.kind == Rule::Kind::request_contains;
      const std::string verb = r.kind == Rule::Kind::claim_equals || r.kind == Rule::Kind::request_equals
                                   ? "equal"
                                   : "contain";
      std::string target;
      if (request) {
        if (r.request_name.empty())
          return fail(error, path + "/" + kind_name(r.kind), "empty request value name");
        n.request_name = r.request_name;
        target = "request value " + quote(r.request_name);
        n.missing_message = cut("request value " + quote(r.request_name) + " was not supplied (claim " +
                                quote(r.pointer) + ")");
      } else {
        n.value = r.value.get();
        target = show(n.value);
      }
      n.message = cut("claim " + quote(r.pointer) + " does not " + verb + " " + target);
      n.description = cut(quote(r.pointer) + " " + verb + "s " + target);
      return true;
    }
    case Rule::Kind::all_of:
    case Rule::Kind::any_of: {
      const bool any = r.kind == Rule::Kind::any_of;
      const std::string name = any ? "any_of" : "all_of";
      if (depth >= Requirement::kMaxDepth) {
        status = Status::too_deep;
        return fail(error, path, "all_of / any_of nested deeper than " +
                                     std::to_string(Requirement::kMaxDepth));
      }
      if (any && r.children.empty()) return fail(error, path + "/any_of", "an empty any_of never holds");
      std::string d = name + "(";
      for (size_t i = 0; i < r.children.size(); ++i) {
        Node child;
        if (!compile_node(r.children[i], path + "/" + name + "/" + std::to_string(i), depth + 1, child,
                          error, status))
          return false;
        d += (i ? ", " : "") + child.description;
        n.children.push_back(std::move(child));
      }
      n.description = cut(d + ")");
      if (any) n.message = cut("no alternative holds: " + n.description);
      return true;
    }
  }
  return fail(error, path, "unknown rule kind");
}

// ---- The JSON document form ----------------------------------------------

bool read_strings(json::Value v, const std::string& path, std::vector<std::string>& out,
                  std::string* error) {
  if (v.kind() != json::Value::Kind::array) return fail(error, path, "expected an array of strings");
  size_t i = 0;
  bool ok = true;
  v.for_each_element([&](json::Value e) {
    std::string_view s;
    if (!e.get_string(s)) {
      ok = fail(error, path + "/" + std::to_string(i), "expected a string");
      return false;
    }
    out.emplace_back(s);
    ++i;
    return true;
  });
  return ok;
}

bool read_string(json::Value v, const std::string& path, std::string& out, std::string* error) {
  std::string_view s;
  if (!v.get_string(s)) return fail(error, path, "expected a string");
  out = std::string(s);
  return true;
}

bool read_rule(json::Value v, const std::string& path, uint32_t depth, Rule& out, std::string* error,
               Status& status);

bool read_children(json::Value v, const std::string& path, uint32_t depth, std::vector<Rule>& out,
                   std::string* error, Status& status) {
  if (v.kind() != json::Value::Kind::array) return fail(error, path, "expected an array of requirements");
  size_t i = 0;
  bool ok = true;
  v.for_each_element([&](json::Value e) {
    Rule child;
    ok = read_rule(e, path + "/" + std::to_string(i++), depth + 1, child, error, status);
    if (ok) out.push_back(std::move(child));
    return ok;
  });
  return ok;
}

bool read_rule(json::Value v, const std::string& path, uint32_t depth, Rule& out, std::string* error,
               Status& status) {
  if (v.kind() != json::Value::Kind::object)
    return fail(error, path, "expected an object (a requirement)");
  if (depth > Requirement::kMaxDepth) {
    status = Status::too_deep;
    return fail(error, path, "all_of / any_of nested deeper than " + std::to_string(Requirement::kMaxDepth));
  }
  simdjson::dom::object obj = v.raw().get_object().value_unsafe();
  // Exactly one kind per object; the members allowed with it are checked
  // below, so that a misspelt member is an error, not a silent no-op.
  const char* kinds[] = {"scopes", "claim", "all_of", "any_of"};
  const char* kind = nullptr;
  for (const char* k : kinds) {
    if (v.member(k).present()) {
      if (kind != nullptr)
        return fail(error, path, std::string("both \"") + kind + "\" and \"" + k + "\": one kind per object");
      kind = k;
    }
  }
  if (kind == nullptr)
    return fail(error, path, "no \"scopes\", \"claim\", \"all_of\" or \"any_of\" member");
  const std::string k = kind;
  const char* ops[] = {"equals", "contains", "equals_request", "contains_request"};
  for (auto field : obj) {
    const std::string_view name = field.key;
    bool allowed = name == k || (k == "scopes" && name == "scope_claims");
    if (k == "claim")
      for (const char* op : ops) allowed |= name == op;
    if (!allowed)
      return fail(error, path + "/" + member_pointer(name).substr(1),
                  "unknown member " + quote(name) + " in a \"" + k + "\" requirement");
  }
  if (k == "scopes") {
    out = require::scopes({});
    if (!read_strings(v.member("scopes"), path + "/scopes", out.scopes, error)) return false;
    const json::Value from = v.member("scope_claims");
    if (from.present()) {
      out.scope_claims.clear();
      if (!read_strings(from, path + "/scope_claims", out.scope_claims, error)) return false;
    }
    return true;
  }
  if (k == "all_of" || k == "any_of") {
    out = k == "all_of" ? require::all_of({}) : require::any_of({});
    return read_children(v.member(k), path + "/" + k, depth, out.children, error, status);
  }
  // "claim" with exactly one operator.
  std::string pointer;
  if (!read_string(v.member("claim"), path + "/claim", pointer, error)) return false;
  const char* op = nullptr;
  for (const char* o : ops) {
    if (v.member(o).present()) {
      if (op != nullptr)
        return fail(error, path, std::string("both \"") + op + "\" and \"" + o + "\": one operator per claim");
      op = o;
    }
  }
  if (op == nullptr)
    return fail(error, path, "a \"claim\" needs one of \"equals\", \"contains\", \"equals_request\", \"contains_request\"");
  const std::string o = op;
  const json::Value value = v.member(op);
  const require::ClaimAt at = require::claim(pointer);
  if (o == "equals_request" || o == "contains_request") {
    std::string name;
    if (!read_string(value, path + "/" + o, name, error)) return false;
    out = o == "equals_request" ? at.equals_request(name) : at.contains_request(name);
    return true;
  }
  std::string_view s;
  int64_t i;
  bool b;
  std::optional<ClaimValue> cv;
  if (value.get_string(s)) cv.emplace(s);
  else if (value.get_bool(b)) cv.emplace(b);
  else if (value.get_int(i)) cv.emplace(i);
  if (!cv) return fail(error, path + "/" + o, "expected a string, an integer (int64) or a boolean");
  out = o == "equals" ? at.equals(*cv) : at.contains(*cv);
  return true;
}

// assign_top gives every pointer of |n| its slot in |names|.
void assign_top(Node& n, std::vector<detail::TopName>& names) {
  auto slot = [&](Pointer& p) {
    if (p.steps.empty()) return;
    const std::string& first = p.steps[0].key;
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i].name == first) {
        p.top = static_cast<int>(i);
        return;
      }
    if (names.size() < detail::kMaxTopNames) {
      p.top = static_cast<int>(names.size());
      names.push_back({first, detail::name_key(first)});
    }
  };
  for (Pointer& p : n.scope_claims) slot(p);
  slot(n.pointer);
  for (Node& c : n.children) assign_top(c, names);
}

}  // namespace

std::string member_pointer(std::string_view name) {
  std::string out = "/";
  for (const char c : name) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

Result<Requirement> Requirement::compile(const Rule& rule, std::string* error) {
  auto c = std::make_shared<detail::CompiledRequirement>();
  Status status = Status::bad_json;
  if (!compile_node(rule, "", 0, c->root, error, status)) return status;
  assign_top(c->root, c->top_names);
  return Requirement(std::move(c));
}

Result<Requirement> Requirement::from_json(std::string_view document, std::string* error) {
  json::StrictParser parser;
  simdjson::padded_string storage;
  json::Value root;
  // Each all_of / any_of level is two JSON levels (object, array), plus the
  // innermost requirement object and its arrays.
  const uint32_t max_depth = 2 * kMaxDepth + 3;
  if (Status s = json::parse_document(document, max_depth, parser, storage, root); s != Status::ok) {
    if (error != nullptr) {
      *error = "requirement document: ";
      *error += to_string(s);
      *error += ": ";
      *error += message(s);
      if (s == Status::too_deep) *error += " (all_of / any_of nested deeper than " + std::to_string(kMaxDepth) + ")";
    }
    return s;
  }
  Rule rule;
  Status status = Status::bad_json;
  if (!read_rule(root, "", 0, rule, error, status)) return status;
  return compile(rule, error);
}

Result<ClaimPath> ClaimPath::parse(std::string_view pointer, std::string* error) {
  auto p = std::make_shared<detail::Pointer>();
  std::string why;
  if (!parse_pointer(std::string(pointer), *p, why)) {
    if (error != nullptr) *error = why;
    return Status::bad_json;
  }
  return ClaimPath(std::move(p));
}

std::string_view ClaimPath::text() const noexcept { return p_ != nullptr ? std::string_view(p_->text) : std::string_view(); }

std::string_view Requirement::describe() const noexcept {
  return c_ != nullptr ? std::string_view(c_->root.description) : std::string_view();
}

}  // namespace jve
