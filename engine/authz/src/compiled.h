// The compiled form of a Requirement: the rule tree with its JSON pointers
// split into unescaped steps and every message written once, so that
// evaluation only reads.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <string>
#include <variant>
#include <vector>

#include "json/name_key.h"
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
  int top = -1;      // the slot of steps[0] in CompiledRequirement::top_names, or -1
};

// The distinct top-level claim names a requirement reads (the first steps
// of its pointers), up to this many: authorize finds them all in one pass
// over the payload's members instead of one member scan per pointer (a
// missing claim, such as "scp" next to "scope", costs a full scan).
inline constexpr size_t kMaxTopNames = 8;

// name_key (json/name_key.h) packs a member name into an integer: the pass over
// the payload compares integers, not memcmp calls.
using json::name_key;

struct TopName {
  std::string name;
  uint64_t key = 0;  // name_key(name)
};

// A scope requirement checks at most this many granting claims, so the
// evaluator can resolve them into a fixed array on the stack.
inline constexpr size_t kMaxScopeClaims = 8;
// A scope requirement lists at most this many scopes: the evaluator tracks
// the missing ones in a 64-bit mask.
inline constexpr size_t kMaxScopes = 64;

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
  std::vector<TopName> top_names;
};

}  // namespace jve::detail
