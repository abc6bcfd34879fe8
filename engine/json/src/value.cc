#include "json/value.h"

namespace jve::json {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool Value::get_number(double& out) const noexcept {
  if (!present_) return false;
  switch (e_.type()) {
    case element_type::INT64: out = static_cast<double>(e_.get_int64().value_unsafe()); return true;
    case element_type::UINT64: out = static_cast<double>(e_.get_uint64().value_unsafe()); return true;
    case element_type::DOUBLE: out = e_.get_double().value_unsafe(); return true;
    default: return false;
  }
}

bool Value::get_int(int64_t& out) const noexcept {
  return present_ && e_.get_int64().get(out) == simdjson::SUCCESS;
}

bool Value::get_bool(bool& out) const noexcept {
  return present_ && e_.get_bool().get(out) == simdjson::SUCCESS;
}

Value Value::at_pointer(std::string_view pointer) const noexcept {
  element e;
  if (!present_ || e_.at_pointer(pointer).get(e) != simdjson::SUCCESS) return Value();
  return Value(e);
}

size_t Value::size() const noexcept {
  simdjson::dom::array a;
  if (present_ && e_.get_array().get(a) == simdjson::SUCCESS) return a.size();
  simdjson::dom::object o;
  if (present_ && e_.get_object().get(o) == simdjson::SUCCESS) return o.size();
  return 0;
}

std::string Value::minified() const { return present_ ? simdjson::minify(e_) : std::string(); }

size_t Strings::size() const noexcept {
  if (v_.kind() == Value::Kind::string) return 1;
  return is_array() ? v_.size() : 0;
}

std::string_view Strings::entry(size_t i) const noexcept {
  std::string_view s;
  if (v_.get_string(s)) return i == 0 ? s : std::string_view();
  size_t n = 0;
  v_.for_each_element([&](Value e) {
    if (n++ != i) return true;
    e.get_string(s);
    return false;
  });
  return s;
}

}  // namespace jve::json
