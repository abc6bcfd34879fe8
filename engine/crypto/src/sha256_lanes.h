// The SHA-256 block kernels behind hs256_batch.cc (private to crypto).
#pragma once

#include <cstddef>
#include <cstdint>

namespace jve::crypto::sha256_lanes {

// Stream is one message being hashed: the chaining value |h| (FIPS 180-4
// order, H0..H7), where its blocks are, and the next one to compress. Block
// i is data + 64 * i for i < full, then tail + 64 * (i - full): the
// message's whole blocks are read where they lie, only the padded end is
// copied.
struct Stream {
  uint32_t h[8];
  const uint8_t* data;
  size_t full;
  const uint8_t* tail;
  size_t next;

  const uint8_t* block(size_t i) const noexcept { return i < full ? data + 64 * i : tail + 64 * (i - full); }
};

#if defined(__x86_64__)
// SHA-NI kernels (sha256_ni.cc, compiled for sha and sse4.1): compress the
// next |count| blocks of each stream into its |h| and advance its |next|.
// x2 and x4 run two and four streams interleaved, |count| blocks each.
void sha_ni_x1(Stream& a, size_t count) noexcept;
void sha_ni_x2(Stream& a, Stream& b, size_t count) noexcept;
void sha_ni_x4(Stream& a, Stream& b, Stream& c, Stream& d, size_t count) noexcept;

// has_sha_ni tells whether this CPU runs the kernels above.
bool has_sha_ni() noexcept;
#endif

}  // namespace jve::crypto::sha256_lanes
