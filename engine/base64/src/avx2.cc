// The AVX2 base64url kernel (32 characters per block, SSE blocks of 16 for
// inputs of 16 to 31 characters).
//
// References:
//   W. Muła, D. Lemire, "Faster Base64 Encoding and Decoding Using AVX2
//   Instructions", ACM Transactions on the Web 12(3), 2018, arXiv:1704.00605:
//   the nibble-lookup validation, the "roll" translation, and the
//   vpmaddubsw / vpmaddwd packing used here.
//   W. Muła, "Base64 decoding with SIMD instructions",
//   http://0x80.pl/notesen/2016-01-17-sse-base64-decoding.html
// The lookup tables are not copied from there: they are derived below from
// kDecode (the scalar kernel's table) for the url alphabet, and checked
// against it for all 256 byte values at compile time.
#include "base64/kernels.h"

#if JVE_BASE64_X86

#include <immintrin.h>

#include <type_traits>

namespace jve::base64url::avx2 {
namespace {

// --- Lookup tables, computed and proven at compile time --------------------
//
// Validation (Muła & Lemire §3.2): a byte c is in the alphabet iff
// lo_lut[c & 15] & hi_lut[c >> 4] == 0. Each high nibble h gets one bit,
// shared by all high nibbles with the same set of valid low nibbles;
// lo_lut[l] holds the bits of every class for which (h, l) is invalid.
// The url alphabet needs 6 classes: 2x {D} ('-'), 3x {0-9}, 4x and 6x {1-F},
// 5x {0-A, F} ('P'-'Z', '_'), 7x {0-A}, and "nothing" (0x, 1x, 8x-Fx).
//
// Translation (the "roll" trick): within a high nibble the letters and
// digits are contiguous, so value = c + shift[c >> 4]. The one exception is
// '_' (0x5F), which shares 5x with 'P'-'Z'; it is sent to slot 0 instead
// (index = (c == '_') ? 0 : c >> 4, one compare and one andnot), which is
// free because no 0x byte is valid.

struct Luts {
  uint8_t lo[16]{};
  uint8_t hi[16]{};
  uint8_t shift[16]{};
};

constexpr uint16_t valid_lows(int h) {
  uint16_t m = 0;
  for (int l = 0; l < 16; ++l) {
    if (kDecode[h * 16 + l] != kInvalid) m = static_cast<uint16_t>(m | 1u << l);
  }
  return m;
}

constexpr uint8_t kUnderscore = '_';

constexpr Luts make_luts() {
  Luts t;
  uint16_t class_mask[8]{};
  int classes = 0;
  for (int h = 0; h < 16; ++h) {
    const uint16_t m = valid_lows(h);
    int c = 0;
    while (c < classes && class_mask[c] != m) ++c;
    if (c == classes) class_mask[classes++] = m;  // > 8 classes: not constexpr, build fails
    t.hi[h] = static_cast<uint8_t>(1u << c);
    for (int l = 0; l < 16; ++l) {
      if (!(m >> l & 1)) t.lo[l] = static_cast<uint8_t>(t.lo[l] | 1u << c);
    }
    for (int l = 15; l >= 0; --l) {
      const int ch = h * 16 + l;
      if (ch != kUnderscore && kDecode[ch] != kInvalid) t.shift[h] = static_cast<uint8_t>(kDecode[ch] - ch);
    }
  }
  t.shift[0] = static_cast<uint8_t>(kDecode[kUnderscore] - kUnderscore);
  return t;
}
constexpr Luts kLuts = make_luts();

constexpr bool luts_match_scalar() {
  for (int c = 0; c < 256; ++c) {
    const bool valid = (kLuts.lo[c & 15] & kLuts.hi[c >> 4]) == 0;
    if (valid != (kDecode[c] != kInvalid)) return false;
    const int idx = c == kUnderscore ? 0 : c >> 4;
    if (valid && static_cast<uint8_t>(c + kLuts.shift[idx]) != kDecode[c]) return false;
  }
  return true;
}
static_assert(luts_match_scalar(), "AVX2 lookup tables disagree with the scalar kernel");

// Per 16-byte lane after vpmaddwd, each dword is 00 b0 b1 b2 (little endian:
// byte 2 is the first output byte); gather the three bytes of each of the 4
// dwords, in order, into the first 12 bytes of the lane.
alignas(16) constexpr int8_t kPackShuffle[16] = {2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1};

}  // namespace
}  // namespace jve::base64url::avx2

#define JVE_ISA_TARGET "avx2"
#include "isa_begin.h"

namespace jve::base64url::avx2 {
namespace {

// Thin overloads so that the translation and packing below are written once
// for 128- and 256-bit registers.
inline __m128i v_and(__m128i a, __m128i b) { return _mm_and_si128(a, b); }
inline __m256i v_and(__m256i a, __m256i b) { return _mm256_and_si256(a, b); }
inline __m128i v_andnot(__m128i a, __m128i b) { return _mm_andnot_si128(a, b); }
inline __m256i v_andnot(__m256i a, __m256i b) { return _mm256_andnot_si256(a, b); }
inline __m128i v_or(__m128i a, __m128i b) { return _mm_or_si128(a, b); }
inline __m256i v_or(__m256i a, __m256i b) { return _mm256_or_si256(a, b); }
inline __m128i v_add8(__m128i a, __m128i b) { return _mm_add_epi8(a, b); }
inline __m256i v_add8(__m256i a, __m256i b) { return _mm256_add_epi8(a, b); }
inline __m128i v_eq8(__m128i a, __m128i b) { return _mm_cmpeq_epi8(a, b); }
inline __m256i v_eq8(__m256i a, __m256i b) { return _mm256_cmpeq_epi8(a, b); }
inline __m128i v_srl32(__m128i a, int n) { return _mm_srli_epi32(a, n); }
inline __m256i v_srl32(__m256i a, int n) { return _mm256_srli_epi32(a, n); }
inline __m128i v_shuffle(__m128i t, __m128i i) { return _mm_shuffle_epi8(t, i); }
inline __m256i v_shuffle(__m256i t, __m256i i) { return _mm256_shuffle_epi8(t, i); }
inline __m128i v_maddubs(__m128i a, __m128i b) { return _mm_maddubs_epi16(a, b); }
inline __m256i v_maddubs(__m256i a, __m256i b) { return _mm256_maddubs_epi16(a, b); }
inline __m128i v_madd16(__m128i a, __m128i b) { return _mm_madd_epi16(a, b); }
inline __m256i v_madd16(__m256i a, __m256i b) { return _mm256_madd_epi16(a, b); }

// The register type of a width; a specialization rather than __m128i as a
// template argument, which drops the type's attributes (-Wignored-attributes).
template <int Bytes>
struct Reg;
template <>
struct Reg<16> {
  using type = __m128i;
};
template <>
struct Reg<32> {
  using type = __m256i;
};

template <class V>
V splat16(const void* table16) {
  const __m128i t = _mm_loadu_si128(static_cast<const __m128i*>(table16));
  if constexpr (sizeof(V) == 16) {
    return t;
  } else {
    return _mm256_broadcastsi128_si256(t);  // pshufb looks up within each lane
  }
}
template <class V>
V splat32(uint32_t x) {
  if constexpr (sizeof(V) == 16) {
    return _mm_set1_epi32(static_cast<int>(x));
  } else {
    return _mm256_set1_epi32(static_cast<int>(x));
  }
}

// NibbleBlock<Bytes>: Muła & Lemire's decoder on one register of
// characters. The constants live in the object, so the drivers load them
// once per call; the constructor is user-provided so that it is compiled
// inside this target region (an implicit one is not, and cannot inline the
// intrinsics).
template <int Bytes>
struct NibbleBlock {
  using V = typename Reg<Bytes>::type;
  static constexpr size_t kChars = Bytes;
  static constexpr bool kMaskedTail = false;
  using Half = std::conditional_t<Bytes == 32, NibbleBlock<16>, void>;

  V lo_lut, hi_lut, shift_lut, nibble, underscore, pack_shuffle, merge_pairs, merge_quads;

  NibbleBlock()
      : lo_lut(splat16<V>(kLuts.lo)),
        hi_lut(splat16<V>(kLuts.hi)),
        shift_lut(splat16<V>(kLuts.shift)),
        nibble(splat32<V>(0x0F0F0F0F)),
        underscore(splat32<V>(0x5F5F5F5F)),
        pack_shuffle(splat16<V>(kPackShuffle)),
        // vpmaddubsw: per byte pair (x0, x1), x0 * 64 + x1: 12 bits per word.
        merge_pairs(splat32<V>(0x01400140)),
        // vpmaddwd: per word pair (w0, w1), w0 * 4096 + w1: the 24 bits of a quad.
        merge_quads(splat32<V>(0x00011000)) {}

  V zero() const { return V{}; }

  static V load(const uint8_t* p) {
    if constexpr (sizeof(V) == 16) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    } else {
      return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    }
  }

  V translate(V c, V& err) const {
    // The high nibble of each byte; the bits shifted in from the next byte
    // land in the masked-off upper half.
    const V hi = v_and(v_srl32(c, 4), nibble);
    const V lo = v_and(c, nibble);
    err = v_or(err, v_and(v_shuffle(lo_lut, lo), v_shuffle(hi_lut, hi)));
    const V idx = v_andnot(v_eq8(c, underscore), hi);
    return v_add8(c, v_shuffle(shift_lut, idx));
  }

  V pack(V values) const {
    const V quads = v_madd16(v_maddubs(values, merge_pairs), merge_quads);
    const V lanes = v_shuffle(quads, pack_shuffle);  // 12 bytes at the start of each lane
    if constexpr (sizeof(V) == 16) {
      return lanes;
    } else {
      // Join the two 12-byte runs: dwords 0-2 and 4-5-6 of the lanes.
      return _mm256_permutevar8x32_epi32(lanes, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7));
    }
  }

  static void store(uint8_t* o, V v) {
    if constexpr (sizeof(V) == 16) {  // 12 bytes
      _mm_storel_epi64(reinterpret_cast<__m128i*>(o), v);
      const uint32_t last = static_cast<uint32_t>(_mm_extract_epi32(v, 2));
      __builtin_memcpy(o + 8, &last, 4);
    } else {  // 24 bytes
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm256_castsi256_si128(v));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(o + 16), _mm256_extracti128_si256(v, 1));
    }
  }

  static void store_wide(uint8_t* o, V v) {
    if constexpr (sizeof(V) == 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o), v);
    } else {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), v);
    }
  }

  static bool valid(V err) {
    if constexpr (sizeof(V) == 16) {
      return _mm_testz_si128(err, err);
    } else {
      return _mm256_testz_si256(err, err);
    }
  }
};

#include "generic.h"

}  // namespace

Status decode(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept {
  return generic_decode<NibbleBlock<32>>(in, in_len, out, out_len);
}

}  // namespace jve::base64url::avx2

#include "isa_end.h"

#endif  // JVE_BASE64_X86
