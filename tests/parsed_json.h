// parsed_json.h: one JSON text parsed by the engine's strict parser, for the
// unit tests of the layers above it (extraction, header and claim rules).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>

#include "json/strict.h"
#include "json/value.h"
#include "jve/status.h"

namespace jve::test {

// ParsedJson owns the parser and the padded copy its views point into, so
// the root (and anything extracted from it) lives as long as the object.
class ParsedJson {
 public:
  explicit ParsedJson(std::string_view text, uint32_t max_depth = 64)
      : status_(json::parse_document(text, max_depth, parser_, storage_, root_)) {}
  ParsedJson(const ParsedJson&) = delete;
  ParsedJson& operator=(const ParsedJson&) = delete;

  Status status() const { return status_; }
  const json::Value& root() const { return root_; }

 private:
  json::StrictParser parser_;
  simdjson::padded_string storage_;
  json::Value root_;
  Status status_;
};

}  // namespace jve::test
