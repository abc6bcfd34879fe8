// keyformat/json_document.h: reading one JSON text (a key file, the claims
// given to `jve sign`, a token's header) with the engine's own strict parser
// (engine/json, json/strict.h), so the tools accept exactly the JSON the
// verifier accepts: RFC 8259 and UTF-8 as simdjson checks them, no
// byte-order mark, no duplicate member names, bounded depth.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "json/strict.h"
#include "json/value.h"
#include "jve/policy.h"

namespace jve::keyformat {

// JsonDocument owns one parsed document. Cold path: it allocates a parser
// per document. Not copyable or movable, since root() and every view taken
// from it point into the parser; they stay valid until the next parse() or
// the document's end. One thread at a time.
class JsonDocument {
 public:
  // The nesting limit: the verifier's default (Policy::max_json_depth).
  static constexpr uint32_t kMaxDepth = kDefaultMaxJsonDepth;

  JsonDocument() = default;
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  // parse reads |text| strictly. Returns an empty string on success, else a
  // sentence saying what is wrong ("duplicate member name in an object",
  // "not a JSON object", ...). |must_be_object| also requires an object at
  // the top. Never throws but std::bad_alloc.
  [[nodiscard]] std::string parse(std::string_view text, bool must_be_object);

  // root is the top-level value (absent before a successful parse).
  const json::Value& root() const noexcept { return root_; }

  // for_each_member calls |f(std::string_view name, json::Value value)| for
  // each member of the object |v|, in document order, until it returns
  // false. Does nothing for a non-object.
  template <class F>
  static void for_each_member(const json::Value& v, F&& f) {
    simdjson::dom::object object;
    if (!v.present() || v.raw().get_object().get(object) != simdjson::SUCCESS) return;
    for (auto field : object) {
      if (!f(field.key, json::Value(field.value))) return;
    }
  }

  // string_member returns the string member |name| of the object |v|;
  // nullopt when it is absent or not a string.
  static std::optional<std::string_view> string_member(const json::Value& v,
                                                       std::string_view name) noexcept {
    std::string_view s;
    if (!v.member(name).get_string(s)) return std::nullopt;
    return s;
  }

 private:
  json::StrictParser parser_;
  simdjson::padded_string storage_;
  json::Value root_;
};

}  // namespace jve::keyformat
