// The SHA-256 block kernels behind hs256_batch.cc (private to crypto).
#pragma once

#include <cstddef>
#include <cstdint>

namespace jve::crypto::sha256_lanes {

// Stream is one message being hashed: the chaining value |h| (FIPS 180-4
// order, H0..H7) and where its blocks are. Block i is data + 64 * i for
// i < full, then tail + 64 * (i - full): the message's whole blocks are read
// where they lie, only the padded end is copied.
struct Stream {
  uint32_t h[8];
  const uint8_t* data;
  size_t full;
  const uint8_t* tail;

  const uint8_t* block(size_t i) const noexcept { return i < full ? data + 64 * i : tail + 64 * (i - full); }
};

#if defined(__x86_64__)
// SHA-NI kernels (sha256_ni.cc, compiled for sha and sse4.1): compress
// blocks [first, first + count) of each stream into its |h|. x2 runs two
// streams interleaved, the same count of blocks each.
void sha_ni_x1(Stream& a, size_t first, size_t count) noexcept;
void sha_ni_x2(Stream& a, Stream& b, size_t first, size_t count) noexcept;

// has_sha_ni tells whether this CPU runs the kernels above.
bool has_sha_ni() noexcept;
#endif

}  // namespace jve::crypto::sha256_lanes
