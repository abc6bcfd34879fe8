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

// same_text tells whether |a| equals a name whose first and last eight bytes
// are packed in |head| and |tail| (pack_head / pack_tail) and whose bytes
// are |b|: for names up to 16 bytes, two integer compares instead of a
// memcmp call (scope tokens are short).
inline uint64_t pack_head(std::string_view s) noexcept { return name_key(s); }
inline uint64_t pack_tail(std::string_view s) noexcept {
  return s.size() > 8 ? name_key(s.substr(s.size() - 8)) : 0;
}
inline bool same_text(std::string_view a, uint64_t head, uint64_t tail, std::string_view b) noexcept {
  if (a.size() != b.size() || name_key(a) != head) return false;
  if (a.size() <= 8) return true;
  if (a.size() <= 16) return pack_tail(a) == tail;
  return std::memcmp(a.data(), b.data(), a.size()) == 0;
}

// same_bytes is a == b, with two integer compares for strings up to 16
// bytes (claim values, request values, names) instead of a memcmp call.
inline bool same_bytes(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return std::memcmp(a.data(), b.data(), a.size()) == 0;
  return name_key(a) == name_key(b) && pack_tail(a) == pack_tail(b);
}

// length_bit is the bit of Node::scope_lengths for a scope of |n| bytes
// (all lengths from 63 up share the last bit).
inline uint64_t length_bit(size_t n) noexcept { return uint64_t{1} << (n < 63 ? n : 63); }

struct Node {
  Rule::Kind kind = Rule::Kind::all_of;
  struct Scope {
    std::string scope;
    std::string message;  // 'scope "x" is not granted'
    uint64_t head = 0, tail = 0;  // pack_head / pack_tail of scope
  };
  std::vector<Scope> scopes;
  std::vector<Pointer> scope_claims;
  uint64_t scope_lengths = 0;  // length_bit of every scope: most granted tokens fit none
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
