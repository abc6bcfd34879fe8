// The compiled form of a Requirement: the rule tree with its JSON pointers
// split into unescaped steps and every message written once, so that
// evaluation only reads.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "jve/authz.h"

namespace jve::detail {

// Pointer is an RFC 6901 JSON pointer split into steps, each unescaped
// (simdjson's own at_pointer allocates to unescape "~1": not on our path).
struct Pointer {
  struct Step {
    std::string key;
    int64_t index = -1;  // the step as an array index (canonical decimal), or -1
  };
  std::vector<Step> steps;
  std::string text;  // as written, for messages
};

// A scope requirement checks at most this many granting claims, so the
// evaluator can resolve them into a fixed array on the stack.
inline constexpr size_t kMaxScopeClaims = 8;

struct Node {
  Rule::Kind kind = Rule::Kind::all_of;
  struct Scope {
    std::string scope;
    std::string message;  // 'scope "x" is not granted'
  };
  std::vector<Scope> scopes;
  std::vector<Pointer> scope_claims;
  std::string scope_list;  // the scopes, space-separated (RFC 6750 §3 scope attribute)
  Pointer pointer;
  std::variant<std::string, int64_t, bool> value;
  std::string request_name;
  std::vector<Node> children;
  std::string message;          // claim, request and any_of nodes: why it failed
  std::string missing_message;  // request nodes: the value was not supplied
  std::string description;      // the requirement itself, one line
};

struct CompiledRequirement {
  Node root;
};

}  // namespace jve::detail
