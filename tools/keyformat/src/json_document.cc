#include "keyformat/json_document.h"

namespace jve::keyformat {

std::string JsonDocument::parse(std::string_view text, bool must_be_object) {
  root_ = json::Value();
  json::Value root;
  switch (json::parse_document(text, kMaxDepth, parser_, storage_, root)) {
    case Status::ok: break;
    case Status::duplicate_member: return "duplicate member name in an object";
    case Status::too_deep: return "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
    case Status::internal_error: return "out of memory for the JSON parser";
    default: return "not valid JSON (RFC 8259 text in UTF-8, without a byte-order mark)";
  }
  if (must_be_object && root.kind() != json::Value::Kind::object) return "not a JSON object";
  root_ = root;
  return {};
}

}  // namespace jve::keyformat
