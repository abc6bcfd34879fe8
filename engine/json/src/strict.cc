#include "json/strict.h"
#include "json/name_key.h"

#include <algorithm>
#include <cstring>

namespace jve::json {

bool StrictParser::reserve(size_t capacity, uint32_t max_depth) {
  max_depth = std::clamp<uint32_t>(max_depth, 1, kMaxDepthCeiling);
  if (capacity <= capacity_ && max_depth <= max_depth_) return true;
  capacity = std::max(capacity, capacity_);
  max_depth = std::max(max_depth, max_depth_);
  // simdjson counts the document itself as a level, so depth d needs d + 1.
  if (parser_.allocate(capacity, max_depth + 1) != simdjson::SUCCESS) return false;
  // The document too: simdjson would size it on the first parse to that
  // document's length and grow it later, on the verify path (and the verify
  // cache copies parses in up to this capacity: tape_buffer).
  if (parser_.doc.capacity() < capacity && parser_.doc.allocate(capacity) != simdjson::SUCCESS)
    return false;
  // Every member takes at least four bytes ("":0 plus a separator), so this
  // bounds the names of all open objects together.
  names_.reserve(capacity / 4 + 1);
  capacity_ = capacity;
  max_depth_ = max_depth;
  return true;
}

Status StrictParser::parse(const uint8_t* buf, size_t len, uint32_t max_depth,
                           Value& root) noexcept {
  root_indexed_ = false;
  root_pending_ = false;
  if (len > capacity_) return Status::too_large;
  // RFC 8259 §8.1: implementations MUST NOT add a byte order mark, and
  // RFC 7515 signs bytes, so a BOM is not JSON here.
  if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) return Status::bad_json;
  simdjson::dom::element e;
  auto err = parser_.parse(buf, len, /*realloc_if_needed=*/false).get(e);
  if (err == simdjson::DEPTH_ERROR) return Status::too_deep;
  if (err != simdjson::SUCCESS) return Status::bad_json;
  names_.clear();
  root = Value(e);
  root_count_ = 0;
  const Status st = check_members(e, 1, max_depth);
  root_indexed_ = st == Status::ok && e.is_object() && root_count_ <= kIndexedMembers;
  return st;
}

StrictParser::Parsed StrictParser::parsed() const noexcept {
  Parsed p;
  const uint64_t* tape = parser_.doc.tape.get();
  if (tape == nullptr || (tape[0] >> 56) != 'r') return p;
  // tape[0] is the root word holding the index of the closing root word.
  const size_t last = static_cast<size_t>(tape[0] & simdjson::internal::JSON_VALUE_MASK);
  size_t strings_end = 0;
  for (size_t i = 1; i < last; ++i) {
    const uint64_t word = tape[i];
    switch (static_cast<char>(word >> 56)) {
      case '"': {  // offset of a 32-bit length, the bytes and a NUL
        const size_t at = static_cast<size_t>(word & simdjson::internal::JSON_VALUE_MASK);
        uint32_t len = 0;
        std::memcpy(&len, parser_.doc.string_buf.get() + at, sizeof len);
        strings_end = std::max(strings_end, at + sizeof len + len + 1);
        break;
      }
      case 'l': case 'u': case 'd': ++i; break;  // the number is the next word
      default: break;
    }
  }
  p.tape = tape;
  p.tape_words = last + 1;
  p.strings = parser_.doc.string_buf.get();
  p.string_bytes = strings_end;
  return p;
}

Value StrictParser::restore_root() noexcept {
  root_indexed_ = false;
  root_pending_ = true;
  return Value(parser_.doc.root());
}

void StrictParser::index_root() const noexcept {
  root_pending_ = false;
  const simdjson::dom::element e = parser_.doc.root();
  names_.clear();
  root_count_ = 0;
  root_indexed_ = false;
  simdjson::dom::object obj;
  if (e.get_object().get(obj) == simdjson::SUCCESS) {
    size_t count = 0;
    for (auto field : obj) {
      if (count == kIndexedMembers) return;  // too many: not indexed, as parse
      const std::string_view k = field.key;
      root_values_[count++] = field.value;
      names_.push_back({name_key(k), k});  // within reserved capacity
    }
    root_count_ = count;
    root_indexed_ = true;
  }
}

uint64_t* StrictParser::tape_buffer(size_t words) noexcept {
  // document::allocate gives the tape ROUNDUP(capacity + 3, 64) words.
  const size_t cap = parser_.doc.capacity();
  if (cap == 0 || words > cap + 3) return nullptr;
  return parser_.doc.tape.get();
}

uint8_t* StrictParser::string_buffer(size_t bytes) noexcept {
  // ... and the strings ROUNDUP(5 * capacity / 3 + SIMDJSON_PADDING, 64)
  // bytes; the caller writes whole words, within the padding.
  const size_t cap = parser_.doc.capacity();
  if (cap == 0 || bytes > 5 * cap / 3) return nullptr;
  return parser_.doc.string_buf.get();
}

// |depth| is the nesting level of |e| (the root container is 1). The
// recursion is bounded by |max_depth|, and simdjson has already refused
// documents deeper than the parser was sized for.
Status StrictParser::check_members(simdjson::dom::element e, uint32_t depth,
                                   uint32_t max_depth) noexcept {
  if (depth > max_depth) return Status::too_deep;
  if (e.is_array()) {
    const simdjson::dom::array items = e.get_array().value_unsafe();
    for (simdjson::dom::element child : items) {
      if (child.is_array() || child.is_object()) {
        if (Status s = check_members(child, depth + 1, max_depth); s != Status::ok) return s;
      }
    }
    return Status::ok;
  }
  if (!e.is_object()) return Status::ok;
  simdjson::dom::object obj = e.get_object().value_unsafe();
  const size_t base = names_.size();
  const bool root_object = depth == 1;  // its members are kept (root_members)
  if (root_object) {
    size_t count = 0;  // a local: the member would be reloaded after every store
    for (auto field : obj) {  // within reserved capacity
      const std::string_view k = field.key;
      if (count < kIndexedMembers) root_values_[count] = field.value;
      ++count;
      names_.push_back({name_key(k), k});
    }
    root_count_ = count;
  } else {
    for (auto field : obj) {
      const std::string_view k = field.key;
      names_.push_back({name_key(k), k});
    }
  }
  auto first = names_.begin() + static_cast<ptrdiff_t>(base);
  const size_t n = names_.size() - base;
  bool dup = false;
  if (n <= kIndexedMembers) {  // 16
    // Headers and typical payloads: pairwise integer compares beat sorting.
    // A branch-free pass over (prefix, length) keys first; the exact check
    // runs only when two keys collide.
    uint64_t keys[kIndexedMembers];
    for (size_t i = 0; i < n; ++i) keys[i] = first[i].prefix ^ (first[i].text.size() * 0x9E3779B97F4A7C15ull);
    bool collision = false;
    for (size_t i = 1; i < n; ++i)
      for (size_t j = 0; j < i; ++j) collision |= keys[i] == keys[j];
    for (size_t i = 1; collision && i < n && !dup; ++i)
      for (size_t j = 0; j < i && !dup; ++j) dup = first[i] == first[j];
  } else {
    std::sort(first, names_.end());
    dup = std::adjacent_find(first, names_.end()) != names_.end();
  }
  if (!root_object || n > kIndexedMembers) names_.resize(base);  // (sorted above)
  if (dup) return Status::duplicate_member;
  for (auto field : obj) {
    if (field.value.is_array() || field.value.is_object()) {
      if (Status s = check_members(field.value, depth + 1, max_depth); s != Status::ok) return s;
    }
  }
  return Status::ok;
}

Status parse_document(std::string_view text, uint32_t max_depth, StrictParser& parser,
                      simdjson::padded_string& storage, Value& root) {
  if (!parser.reserve(std::max<size_t>(text.size(), 64), max_depth)) return Status::internal_error;
  storage = simdjson::padded_string(text);
  return parser.parse(reinterpret_cast<const uint8_t*>(storage.data()), text.size(), max_depth, root);
}

}  // namespace jve::json
