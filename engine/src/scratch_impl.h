// The per-thread state behind jve::Scratch: decode buffers and parsers.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "json/strict.h"
#include "jve/claims.h"

namespace jve::detail {

struct ScratchImpl {
  // Decoded segments. Header and payload keep SIMDJSON_PADDING spare bytes
  // after the largest possible decoded size, so simdjson can read past the end.
  std::vector<uint8_t> header;
  std::vector<uint8_t> payload;
  std::vector<uint8_t> signature;
  // Two parsers: the header stays readable (Claims::header) while the
  // payload is parsed.
  json::StrictParser header_parser;
  json::StrictParser payload_parser;
  simdjson::dom::element payload_root;
  size_t sized_for = 0;  // the max_token_bytes the buffers fit

  // The last header segment that passed the header rules of the Verifier
  // whose id is |header_owner| (0: none). A service's tokens repeat their
  // header byte for byte, so on the same bytes and the same Verifier the
  // decode, parse and rules are skipped: the result is a function of those
  // two alone. |cached_header| points into |header| and header_parser,
  // which nothing else writes; whoever changes them clears header_owner.
  static constexpr size_t kHeaderCacheBytes = 256;
  uint64_t header_owner = 0;
  size_t header_b64_len = 0;
  char header_b64[kHeaderCacheBytes];
  Header cached_header;

  // prepare grows the buffers and parsers once to fit tokens of up to
  // |max_token_bytes| with |max_depth| nesting. False if allocation failed.
  bool prepare(size_t max_token_bytes, uint32_t max_depth) noexcept;

  // Points |c| at this scratch's payload so name lookups work.
  void bind(Claims& c, std::string_view payload_json) const noexcept {
    c.scratch_ = this;
    c.json_ = payload_json;
  }
};

}  // namespace jve::detail
