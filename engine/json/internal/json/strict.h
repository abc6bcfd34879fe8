// Strict JSON for JOSE headers, JWT payloads and JWKs.
//
// simdjson's DOM parser already enforces RFC 8259 and UTF-8 (no NaN, leading
// zeros, trailing commas, comments, raw control characters or trailing data,
// and no lone surrogate escapes). It accepts two things docs/design.md forbids,
// which this layer adds: a leading byte-order mark, and duplicate member
// names (RFC 7515 §5.2 lets us reject them; the alternative, "last one
// wins", is how parsers disagree about what was signed).
//
// Known departure from RFC 8259: integers outside the 64-bit range are
// rejected by simdjson (bad_json) rather than read as doubles.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "json/value.h"
#include "jve/status.h"

namespace jve::json {

// The deepest nesting any document may have, whatever the policy says.
inline constexpr uint32_t kMaxDepthCeiling = 1024;

// StrictParser is a DOM parser plus the buffer the duplicate check sorts
// member names in. reserve() sizes both for documents up to |capacity|
// bytes and |max_depth| levels; after that, parse() allocates nothing.
// Sizes only grow, so verifiers with different policies can share one
// Scratch without reallocating on every switch.
class StrictParser {
 public:
  // reserve sizes the parser for at least |capacity| bytes and |max_depth|
  // levels (an object holding scalars is depth 1; clamped to
  // kMaxDepthCeiling). False if allocation failed.
  bool reserve(size_t capacity, uint32_t max_depth);

  // parse reads |len| bytes at |buf|, which must be followed by
  // SIMDJSON_PADDING readable bytes. Returns ok and the root in |root|, or
  // bad_json, duplicate_member, too_deep (nesting beyond |max_depth| or
  // beyond what reserve() sized for), too_large (len > capacity).
  // |root| stays valid until the next parse on this parser.
  [[nodiscard]] Status parse(const uint8_t* buf, size_t len, uint32_t max_depth,
                             Value& root) noexcept;

  size_t capacity() const noexcept { return capacity_; }
  uint32_t max_depth() const noexcept { return max_depth_; }

  // Name is a member name with its first eight bytes packed (name_key):
  // names up to eight bytes (every registered JOSE and JWT name) compare
  // without memcmp.
  struct Name {
    uint64_t prefix;
    std::string_view text;
    bool operator==(const Name& o) const noexcept {
      return prefix == o.prefix && text.size() == o.text.size() &&
             (text.size() <= 8 || text == o.text);
    }
    bool operator<(const Name& o) const noexcept {
      if (prefix != o.prefix) return prefix < o.prefix;
      return text < o.text;
    }
  };
  // The root object's members, as the duplicate check saw them: finding
  // claims by name later (authorization) then compares integers instead of
  // walking the DOM again. Kept only for roots of up to kIndexedMembers
  // members (beyond that the check sorts the names).
  static constexpr size_t kIndexedMembers = 16;
  struct RootMembers {
    std::span<const Name> names;
    const simdjson::dom::element* values;  // values[i] belongs to names[i]
  };
  // root_members gives the members of the last successful parse's root
  // object, in document order; false when the root was not an object, had
  // more than kIndexedMembers members, or the last parse failed.
  bool root_members(RootMembers& out) const noexcept {
    if (root_pending_) index_root();  // after restore_root: built on first use
    if (!root_indexed_) return false;
    out = RootMembers{std::span<const Name>(names_.data(), root_count_), root_values_};
    return true;
  }

  // The parsed form of the last document: simdjson's tape refers to its
  // strings by offset, so these two arrays copied into another parser make
  // the same document there. The verify cache keeps them so that a hit
  // restores a parse instead of parsing again.
  struct Parsed {
    const uint64_t* tape = nullptr;
    size_t tape_words = 0;
    const uint8_t* strings = nullptr;
    size_t string_bytes = 0;
  };
  // parsed describes the last successful parse (walks its tape once).
  Parsed parsed() const noexcept;
  // tape_buffer / string_buffer are where a parse of |words| / |bytes| is
  // copied in; nullptr when this parser was not sized for that much.
  uint64_t* tape_buffer(size_t words) noexcept;
  uint8_t* string_buffer(size_t bytes) noexcept;
  // restore_root returns the root of what was copied in; root_members is
  // rebuilt for it on first use (a cache hit that is not authorized does
  // not pay for it). The caller vouches that the copy is a complete Parsed
  // of a strictly parsed document.
  Value restore_root() noexcept;

 private:
  Status check_members(simdjson::dom::element e, uint32_t depth, uint32_t max_depth) noexcept;

  simdjson::dom::parser parser_;
  // Capacity fixed by reserve(). The root's names stay at the front after
  // its check (root_members); each nested object's are checked after them
  // and dropped.
  // mutable: root_members builds the index of a restored parse lazily.
  void index_root() const noexcept;
  mutable std::vector<Name> names_;
  mutable simdjson::dom::element root_values_[kIndexedMembers];
  mutable size_t root_count_ = 0;
  mutable bool root_indexed_ = false;
  mutable bool root_pending_ = false;  // restore_root ran; index_root not yet
  size_t capacity_ = 0;
  uint32_t max_depth_ = 0;
};

// parse_document is the cold-path convenience (key loading): copies |text|
// into a padded string owned by |storage| and parses it strictly.
[[nodiscard]] Status parse_document(std::string_view text, uint32_t max_depth,
                                    StrictParser& parser, simdjson::padded_string& storage,
                                    Value& root);

}  // namespace jve::json
