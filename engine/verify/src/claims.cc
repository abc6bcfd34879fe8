// Claims: lookups of any claim by name in the verified payload.
#include "jve/claims.h"

#include "verify/scratch_impl.h"

namespace jve {
namespace {

json::Value lookup(const detail::ClaimsSource* source, std::string_view name) noexcept {
  return source != nullptr ? source->root.member(name) : json::Value();
}

}  // namespace

size_t Claims::audience_count() const noexcept {
  return json::Strings(lookup(source_, "aud")).size();
}

std::string_view Claims::audience(size_t i) const noexcept {
  return json::Strings(lookup(source_, "aud")).entry(i);
}

ClaimType Claims::type(std::string_view name) const noexcept {
  switch (lookup(source_, name).kind()) {
    case json::Value::Kind::absent: return ClaimType::absent;
    case json::Value::Kind::string: return ClaimType::string;
    case json::Value::Kind::number: return ClaimType::number;
    case json::Value::Kind::boolean: return ClaimType::boolean;
    case json::Value::Kind::null: return ClaimType::null;
    case json::Value::Kind::array: return ClaimType::array;
    case json::Value::Kind::object: return ClaimType::object;
  }
  return ClaimType::absent;
}

std::optional<std::string_view> Claims::get_string(std::string_view name) const noexcept {
  std::string_view v;
  if (!lookup(source_, name).get_string(v)) return std::nullopt;
  return v;
}

std::optional<double> Claims::get_number(std::string_view name) const noexcept {
  double v;
  if (!lookup(source_, name).get_number(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> Claims::get_int(std::string_view name) const noexcept {
  int64_t v;
  if (!lookup(source_, name).get_int(v)) return std::nullopt;
  return v;
}

std::optional<bool> Claims::get_bool(std::string_view name) const noexcept {
  bool v;
  if (!lookup(source_, name).get_bool(v)) return std::nullopt;
  return v;
}

bool Claims::get_json(std::string_view name, std::string& out) const {
  const json::Value v = lookup(source_, name);
  if (!v.present()) return false;
  out = v.minified();
  return true;
}

}  // namespace jve
