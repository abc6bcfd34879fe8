// The per-thread state behind jve::Scratch: decode buffers, parsers, and the
// last accepted header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "json/extract.h"
#include "json/strict.h"
#include "jve/claims.h"
#include "jve/verifier.h"

namespace jve::detail {

// ClaimsSource is what a Claims looks claims up in: the parsed payload.
struct ClaimsSource {
  json::Value root;
  const json::StrictParser* parser = nullptr;  // the one that parsed root
};

// ClaimsAccess points a Claims at its source, and lets the engine's own
// components above verify (authorization, ...) read it; Claims has no other
// way in.
struct ClaimsAccess {
  static void bind(Claims& c, const ClaimsSource* source, std::string_view json) noexcept {
    c.source_ = source;
    c.json_ = json;
  }
  // root is the verified payload as parsed JSON; absent before a successful
  // verify (or after a failed one).
  static json::Value root(const Claims& c) noexcept {
    return c.source_ != nullptr ? c.source_->root : json::Value();
  }
  // root_members gives the payload's top-level members as the strict
  // parser recorded them (StrictParser::root_members); false when there is
  // no such record (then walk root).
  static bool root_members(const Claims& c, json::StrictParser::RootMembers& out) noexcept {
    return c.source_ != nullptr && c.source_->parser != nullptr && c.source_->parser->root_members(out);
  }
};

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
  ClaimsSource claims{json::Value(), &payload_parser};  // the payload of the last token verified
  size_t sized_for = 0;  // the max_token_bytes the buffers fit
  uint64_t cache_hits = 0;  // verified-token cache hits on this scratch (tests, CLI)
  // The verified-token cache's admission filter: hashes of tokens verified
  // once, direct-mapped (TokenCache::admit).
  uint64_t seen_tokens[256] = {};

  // prepare grows the buffers and parsers once to fit tokens of up to
  // |max_token_bytes| with |max_depth| nesting. False if allocation failed.
  // Sizes only grow: a Scratch shared by verifiers with different policies
  // settles at the largest and then never allocates again.
  bool prepare(size_t max_token_bytes, uint32_t max_depth) noexcept;

  // The header cache. A service's tokens repeat their header byte for byte,
  // so the outcome of stages 2-3 for the last accepted header segment is
  // kept, keyed by those bytes and the Verifier whose rules accepted it
  // (|owner|, never 0 and never reused: see next_verifier_id).
  //
  // lookup_header fills |out| and returns true when |header_b64| is the
  // remembered segment of |owner|. On a miss it forgets what it held, since
  // the caller is about to decode into |header|, which the cached view
  // points into.
  bool lookup_header(uint64_t owner, std::string_view header_b64, Header& out) noexcept {
    if (header_owner_ == owner && header_b64.size() == header_b64_len_ &&
        std::memcmp(header_b64.data(), header_b64_, header_b64_len_) == 0) {
      out = cached_header_;
      return true;
    }
    header_owner_ = 0;
    return false;
  }
  // remember_header keeps |h| (whose views point into |header| and
  // header_parser) as the outcome for |header_b64| under |owner|. Segments
  // longer than kHeaderCacheBytes are not kept.
  void remember_header(uint64_t owner, std::string_view header_b64, const Header& h) noexcept;

 private:
  static constexpr size_t kHeaderCacheBytes = 256;
  uint64_t header_owner_ = 0;  // 0: nothing remembered
  size_t header_b64_len_ = 0;
  char header_b64_[kHeaderCacheBytes];
  Header cached_header_;
};

// next_verifier_id returns a process-wide unique, non-zero id (the header
// cache's key), so a Verifier built where a destroyed one lived cannot match
// a header the old one remembered.
uint64_t next_verifier_id() noexcept;

// ScratchAccess reaches a Scratch's state; for the engine and its tests.
struct ScratchAccess {
  static ScratchImpl& impl(Scratch& s) noexcept { return *s.impl_; }
};

}  // namespace jve::detail
