// Views of parsed JSON: a node (Value) and a string-or-array-of-strings
// member (Strings). Every view points into the StrictParser that parsed the
// document and is valid until that parser parses again. Nothing here
// allocates (but minified) or throws.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace jve::json {

// Value is one node of a parsed document, or absent.
class Value {
 public:
  enum class Kind : uint8_t { absent, string, number, boolean, null, array, object };

  Value() = default;
  explicit Value(simdjson::dom::element e) noexcept : e_(e), present_(true) {}

  Kind kind() const noexcept {
    if (!present_) return Kind::absent;
    switch (e_.type()) {
      case simdjson::dom::element_type::STRING: return Kind::string;
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE: return Kind::number;
      case simdjson::dom::element_type::BOOL: return Kind::boolean;
      case simdjson::dom::element_type::NULL_VALUE: return Kind::null;
      case simdjson::dom::element_type::ARRAY: return Kind::array;
      case simdjson::dom::element_type::OBJECT: return Kind::object;
    }
    return Kind::absent;
  }
  bool present() const noexcept { return present_; }

  // Each getter returns false, leaving |out| alone, when the value is absent
  // or of another JSON type. get_int accepts integers that fit int64 only;
  // get_number any number (integers converted to double).
  bool get_string(std::string_view& out) const noexcept {
    return present_ && e_.get_string().get(out) == simdjson::SUCCESS;
  }
  bool get_number(double& out) const noexcept;
  bool get_int(int64_t& out) const noexcept;
  bool get_bool(bool& out) const noexcept;

  // member looks up |name| in an object; absent for a non-object.
  Value member(std::string_view name) const noexcept {
    simdjson::dom::object obj;
    simdjson::dom::element e;
    if (!present_ || e_.get_object().get(obj) != simdjson::SUCCESS ||
        obj.at_key(name).get(e) != simdjson::SUCCESS)
      return Value();
    return Value(e);
  }
  // at_pointer follows an RFC 6901 JSON pointer ("" is the value itself);
  // absent when a step is missing or the pointer is malformed.
  Value at_pointer(std::string_view pointer) const noexcept;

  // size is the number of entries of an array or members of an object.
  size_t size() const noexcept;
  // for_each_element calls |f(Value)| for each array entry until it returns
  // false; returns false if |f| did (or the value is not an array).
  template <class F>
  bool for_each_element(F&& f) const noexcept {
    simdjson::dom::array a;
    if (!present_ || e_.get_array().get(a) != simdjson::SUCCESS) return false;
    for (simdjson::dom::element x : a)
      if (!f(Value(x))) return false;
    return true;
  }

  // minified writes the value as minified JSON (cold path: allocates).
  std::string minified() const;

  // raw is the simdjson element, for this component's own code.
  const simdjson::dom::element& raw() const noexcept { return e_; }

 private:
  simdjson::dom::element e_;
  bool present_ = false;
};

// Strings is a member that must be a string or an array of strings (aud,
// crit). A single string counts as one entry.
class Strings {
 public:
  Strings() = default;
  explicit Strings(Value v) noexcept : v_(v) {}

  bool present() const noexcept { return v_.present(); }
  const Value& value() const noexcept { return v_; }
  bool is_array() const noexcept { return v_.kind() == Value::Kind::array; }
  size_t size() const noexcept;
  // any_of is true when |pred(string_view)| holds for some entry.
  template <class Pred>
  bool any_of(Pred&& pred) const noexcept {
    std::string_view s;
    if (v_.get_string(s)) return pred(s);
    bool found = false;
    v_.for_each_element([&](Value e) {
      std::string_view x;
      found = e.get_string(x) && pred(x);
      return !found;
    });
    return found;
  }
  // entry returns the |i|-th string (the string itself for i == 0 when it is
  // not an array); empty when out of range or not a string.
  std::string_view entry(size_t i) const noexcept;

 private:
  Value v_;
};

}  // namespace jve::json
