// SHA-256 compression on the x86 SHA extensions, one, two or four streams.
//
// SHA256RNDS2 does two rounds on the state held as two registers, ABEF and
// CDGH (Intel SDM vol. 2, SHA256RNDS2), and SHA256MSG1/MSG2 extend the
// message schedule four words at a time. Each round pair depends on the
// last, so one stream is bound by the instruction's latency; two or four streams
// written side by side give the out-of-order core independent work for
// those cycles. The code is one template over the lane count so the single
// and the interleaved kernels are the same text.
#include "sha256_lanes.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#define JVE_SHA_NI __attribute__((target("sha,sse4.1")))

namespace jve::crypto::sha256_lanes {
namespace {

// FIPS 180-4 §4.2.2.
alignas(16) constexpr uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// The state of one lane in SHA256RNDS2's layout.
struct Lane {
  __m128i abef;
  __m128i cdgh;
};

JVE_SHA_NI inline Lane load_state(const uint32_t h[8]) noexcept {
  const __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h));      // lanes: A B C D
  const __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4));  // E F G H
  const __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);                             // B A D C
  const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);                             // H G F E
  // The register's top lane holds A: lanes F E B A, read high to low "ABEF".
  return {_mm_alignr_epi8(badc, hgfe, 8), _mm_blend_epi16(hgfe, badc, 0xF0)};
}

JVE_SHA_NI inline void store_state(const Lane& s, uint32_t h[8]) noexcept {
  const __m128i feba = _mm_shuffle_epi32(s.abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(s.cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}

// compress runs the 64 rounds of one block for each of N lanes. The loops
// have constant bounds and are unrolled, so each lane's registers stay
// registers and the lanes' instructions interleave.
template <int N>
JVE_SHA_NI inline void compress(Lane (&s)[N], const uint8_t* (&block)[N]) noexcept {
  // Big-endian words (FIPS 180-4 §3.1): byte-swap each 32-bit lane.
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  Lane saved[N];
  __m128i w[N][4];  // W[t-16..t-1], four words a register, used as a ring
#pragma GCC unroll 4
  for (int l = 0; l < N; ++l) saved[l] = s[l];
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {  // four rounds per g
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kK + 4 * g));
#pragma GCC unroll 4
    for (int l = 0; l < N; ++l) {
      __m128i x;
      if (g < 4) {
        x = _mm_shuffle_epi8(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(block[l] + 16 * g)), bswap);
      } else {
        // W[t..t+3] from W[t-16..t-13] (slot g%4), W[t-12..] (next slot),
        // W[t-7..t-4] (the two newest slots shifted by a word) and W[t-4..].
        x = _mm_sha256msg1_epu32(w[l][g % 4], w[l][(g + 1) % 4]);
        x = _mm_add_epi32(x, _mm_alignr_epi8(w[l][(g + 3) % 4], w[l][(g + 2) % 4], 4));
        x = _mm_sha256msg2_epu32(x, w[l][(g + 3) % 4]);
      }
      w[l][g % 4] = x;
      const __m128i wk = _mm_add_epi32(x, k);
      s[l].cdgh = _mm_sha256rnds2_epu32(s[l].cdgh, s[l].abef, wk);
      s[l].abef = _mm_sha256rnds2_epu32(s[l].abef, s[l].cdgh, _mm_shuffle_epi32(wk, 0x0E));
    }
  }
#pragma GCC unroll 4
  for (int l = 0; l < N; ++l) {
    s[l].abef = _mm_add_epi32(s[l].abef, saved[l].abef);
    s[l].cdgh = _mm_add_epi32(s[l].cdgh, saved[l].cdgh);
  }
}

// run compresses |count| blocks of each of the N streams, interleaved.
template <int N>
JVE_SHA_NI inline void run(Stream* const (&st)[N], size_t count) noexcept {
  Lane s[N];
#pragma GCC unroll 4
  for (int l = 0; l < N; ++l) s[l] = load_state(st[l]->h);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* blk[N];
#pragma GCC unroll 4
    for (int l = 0; l < N; ++l) blk[l] = st[l]->block(st[l]->next + i);
    compress<N>(s, blk);
  }
#pragma GCC unroll 4
  for (int l = 0; l < N; ++l) {
    store_state(s[l], st[l]->h);
    st[l]->next += count;
  }
}

}  // namespace

JVE_SHA_NI void sha_ni_x1(Stream& a, size_t count) noexcept {
  Stream* const st[1] = {&a};
  run<1>(st, count);
}

JVE_SHA_NI void sha_ni_x2(Stream& a, Stream& b, size_t count) noexcept {
  Stream* const st[2] = {&a, &b};
  run<2>(st, count);
}

JVE_SHA_NI void sha_ni_x4(Stream& a, Stream& b, Stream& c, Stream& d, size_t count) noexcept {
  Stream* const st[4] = {&a, &b, &c, &d};
  run<4>(st, count);
}

bool has_sha_ni() noexcept {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  const bool ssse3 = ecx & (1u << 9), sse41 = ecx & (1u << 19);
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const bool sha = ebx & (1u << 29);
  return ssse3 && sse41 && sha;
}

}  // namespace jve::crypto::sha256_lanes
#endif
