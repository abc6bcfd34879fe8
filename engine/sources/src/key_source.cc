// The pieces every key source shares: SourceErrorKind names, the rule that
// a source publishes only a JWKS with at least one usable key, and how a
// left-out key is described.
#include <cstddef>
#include <string>

#include "jve/key_source.h"
#include "keys/loaders.h"

namespace jve {

namespace {

// Plain const char* table: no allocation, no destructor. Order matches the
// enum (jwks_file_test checks every name).
constexpr const char* kKindNames[] = {
    "none", "unreadable", "network", "timeout", "http_status", "too_large", "bad_jwks", "refused",
};

}  // namespace

std::string_view to_string(SourceErrorKind kind) noexcept {
  const size_t i = static_cast<size_t>(kind);
  return i < std::size(kKindNames) ? kKindNames[i] : "unknown";
}

Result<std::shared_ptr<const KeySet>> parse_usable_jwks(std::string_view json, std::string* why) {
  std::string reason;
  Result<KeySet> set = KeySet::from_jwks(json, &reason);
  if (!set.ok()) {
    if (reason.empty()) reason = std::string(message(set.status()));
    return keys::fail(why, set.status(), std::move(reason));
  }
  if (set->size() > 0) return std::make_shared<const KeySet>(std::move(*set));

  // Nothing usable. Publishing this set would turn a key rotation gone wrong
  // into an outage (every token key_not_found), so it is refused instead.
  const std::vector<KeyIssue>& issues = set->left_out();
  if (issues.empty()) return keys::fail(why, Status::key_not_found, "the JWKS has no keys");
  std::string text = "no usable key in the JWKS";
  if (issues.size() > 1) text += " (" + std::to_string(issues.size()) + " keys left out; the first)";
  text += ": " + describe_left_out(issues.front());
  return keys::fail(why, issues.front().status, std::move(text));
}

std::string describe_left_out(const KeyIssue& issue) {
  std::string text = "key #" + std::to_string(issue.index);
  if (issue.kid) text += " (kid " + keys::quoted(*issue.kid) + ")";
  text += " left out: ";
  text += to_string(issue.status);
  if (!issue.why.empty()) text += ": " + issue.why;
  return text;
}

}  // namespace jve
