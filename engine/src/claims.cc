#include "jve/claims.h"

#include "scratch_impl.h"

namespace jve {
namespace {

using simdjson::dom::element;

bool lookup(const detail::ScratchImpl* s, std::string_view name, element& out) noexcept {
  if (s == nullptr) return false;
  simdjson::dom::object obj;
  if (s->payload_root.get_object().get(obj) != simdjson::SUCCESS) return false;
  return obj.at_key(name).get(out) == simdjson::SUCCESS;
}

}  // namespace

size_t Claims::audience_count() const noexcept {
  element aud;
  if (!lookup(scratch_, "aud", aud)) return 0;
  if (aud.is_string()) return 1;
  simdjson::dom::array a;
  return aud.get_array().get(a) == simdjson::SUCCESS ? a.size() : 0;
}

std::string_view Claims::audience(size_t i) const noexcept {
  element aud;
  if (!lookup(scratch_, "aud", aud)) return {};
  std::string_view v;
  if (aud.is_string()) return i == 0 ? std::string_view(aud.get_string().value_unsafe()) : v;
  simdjson::dom::array a;
  if (aud.get_array().get(a) != simdjson::SUCCESS) return {};
  element e;
  if (a.at(i).get(e) != simdjson::SUCCESS || e.get_string().get(v) != simdjson::SUCCESS) return {};
  return v;
}

ClaimType Claims::type(std::string_view name) const noexcept {
  element e;
  if (!lookup(scratch_, name, e)) return ClaimType::absent;
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: return ClaimType::string;
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: return ClaimType::number;
    case simdjson::dom::element_type::BOOL: return ClaimType::boolean;
    case simdjson::dom::element_type::NULL_VALUE: return ClaimType::null;
    case simdjson::dom::element_type::ARRAY: return ClaimType::array;
    case simdjson::dom::element_type::OBJECT: return ClaimType::object;
  }
  return ClaimType::absent;
}

std::optional<std::string_view> Claims::get_string(std::string_view name) const noexcept {
  element e;
  std::string_view v;
  if (!lookup(scratch_, name, e) || e.get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::optional<double> Claims::get_number(std::string_view name) const noexcept {
  element e;
  if (!lookup(scratch_, name, e) || !e.is_number()) return std::nullopt;
  double v;
  if (e.get_double().get(v) == simdjson::SUCCESS) return v;
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return static_cast<double>(u);
  return std::nullopt;
}

std::optional<int64_t> Claims::get_int(std::string_view name) const noexcept {
  element e;
  int64_t v;
  if (!lookup(scratch_, name, e) || e.get_int64().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::optional<bool> Claims::get_bool(std::string_view name) const noexcept {
  element e;
  bool v;
  if (!lookup(scratch_, name, e) || e.get_bool().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

bool Claims::get_json(std::string_view name, std::string& out) const {
  element e;
  if (!lookup(scratch_, name, e)) return false;
  out = simdjson::minify(e);
  return true;
}

}  // namespace jve
