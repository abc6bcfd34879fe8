// Scratch: sizing, the header cache, and the Verifier ids that key it.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "jve/base64url.h"
#include "jve/verifier.h"
#include "verify/scratch_impl.h"

namespace jve {

Scratch::Scratch() : impl_(std::make_unique<detail::ScratchImpl>()) {}
Scratch::~Scratch() = default;
Scratch::Scratch(Scratch&&) noexcept = default;
Scratch& Scratch::operator=(Scratch&&) noexcept = default;

namespace detail {

bool ScratchImpl::prepare(size_t max_token_bytes, uint32_t max_depth) noexcept {
  if (max_token_bytes <= sized_for && max_depth <= header_parser.max_depth() &&
      max_depth <= payload_parser.max_depth())
    return true;
  max_token_bytes = std::max(max_token_bytes, sized_for);
  header_owner_ = 0;  // |header| may move
  try {
    const size_t decoded = base64url::decoded_max_len(max_token_bytes);
    header.resize(decoded + simdjson::SIMDJSON_PADDING);
    payload.resize(decoded + simdjson::SIMDJSON_PADDING);
    signature.resize(decoded);
    if (!header_parser.reserve(decoded, max_depth) || !payload_parser.reserve(decoded, max_depth))
      return false;
  } catch (...) {  // std::bad_alloc: report, never throw through verify
    return false;
  }
  sized_for = max_token_bytes;
  return true;
}

void ScratchImpl::remember_header(uint64_t owner, std::string_view header_b64,
                                  const Header& h) noexcept {
  if (header_b64.size() > kHeaderCacheBytes) return;
  std::memcpy(header_b64_, header_b64.data(), header_b64.size());
  header_b64_len_ = header_b64.size();
  cached_header_ = h;
  header_owner_ = owner;
}

uint64_t next_verifier_id() noexcept {
  // Starts at 1: 0 means "nothing remembered".
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace detail
}  // namespace jve
