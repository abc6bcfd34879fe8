// The AVX-512 VBMI base64url kernel (64 characters per block, masked tail).
//
// References:
//   W. Muła, D. Lemire, "Base64 encoding and decoding at almost the speed of
//   a memory copy", Software: Practice and Experience 50(2), 2020,
//   arXiv:1910.05109: translation with one vpermi2b over a 128-entry table,
//   validation by OR-ing the translated value with the input, packing with
//   vpmaddubsw + vpmaddwd + vpermb.
//   W. Muła, D. Lemire, "Faster Base64 Encoding and Decoding Using AVX2
//   Instructions", ACM TWEB 12(3), 2018 (the multiply-add packing).
// The 128-entry table is the first half of kDecode, the scalar kernel's.
#include "base64/kernels.h"

#if JVE_BASE64_X86

#include <immintrin.h>

#include <type_traits>

namespace jve::base64url::avx512 {
namespace {

// After vpmaddwd each dword is 00 b0 b1 b2 (little endian: byte 2 is the
// first output byte). Output byte j comes from quad j / 3, byte 2 - j % 3.
// Bytes 48-63 take byte 3 of dword 0, which is always zero for valid input:
// the masked tail relies on the unused positions reading zero.
struct PackIndex {
  uint8_t i[64];
};
constexpr PackIndex make_pack_index() {
  PackIndex p{};
  for (int j = 0; j < 64; ++j) p.i[j] = static_cast<uint8_t>(j < 48 ? 4 * (j / 3) + 2 - j % 3 : 3);
  return p;
}
alignas(64) constexpr PackIndex kPackIndex = make_pack_index();

static_assert(kInvalid & 0x80, "the validity test below reads bit 7 of the table entry");

}  // namespace
}  // namespace jve::base64url::avx512

#define JVE_ISA_TARGET "avx512f,avx512bw,avx512vbmi,bmi2"
#include "isa_begin.h"

namespace jve::base64url::avx512 {
namespace {

struct VbmiBlock {
  using V = __m512i;
  static constexpr size_t kChars = 64;
  static constexpr bool kMaskedTail = true;
  static constexpr __mmask64 kOutMask = (__mmask64{1} << 48) - 1;

  // vpermi2b indexes 128 bytes (two registers) by the low 7 bits of each
  // character, so the table is kDecode[0..127]: the value for alphabet
  // characters, 0xFF otherwise. A character >= 0x80 aliases c & 0x7F, so
  // validity is bit 7 of (value | character): set for a non-alphabet ASCII
  // byte (value 0xFF) and for every byte >= 0x80 (character bit 7).
  V lut_lo, lut_hi, pack_index, merge_pairs, merge_quads;

  // User-provided, so it is compiled inside this target region (an implicit
  // constructor is not, and cannot inline the intrinsics).
  VbmiBlock()
      : lut_lo(_mm512_loadu_si512(kDecode.data())),
        lut_hi(_mm512_loadu_si512(kDecode.data() + 64)),
        pack_index(_mm512_loadu_si512(kPackIndex.i)),
        // vpmaddubsw: per byte pair (x0, x1), x0 * 64 + x1: 12 bits per word.
        merge_pairs(_mm512_set1_epi32(0x01400140)),
        // vpmaddwd: per word pair (w0, w1), w0 * 4096 + w1: the 24 bits of a quad.
        merge_quads(_mm512_set1_epi32(0x00011000)) {}

  V zero() const { return _mm512_setzero_si512(); }

  static V load(const uint8_t* p) { return _mm512_loadu_si512(p); }

  V translate(V c, V& err) const {
    const V values = _mm512_permutex2var_epi8(lut_lo, c, lut_hi);
    err = _mm512_ternarylogic_epi32(err, values, c, 0xFE);  // err | values | c
    return values;
  }

  V pack(V values) const {
    const V quads = _mm512_madd_epi16(_mm512_maddubs_epi16(values, merge_pairs), merge_quads);
    // The merge-masking form with an all-ones mask is plain vpermb; the
    // unmasked intrinsic trips GCC 12's -Wmaybe-uninitialized on its
    // _mm512_undefined_epi32() (GCC bug 105593).
    return _mm512_mask_permutexvar_epi8(quads, ~__mmask64{0}, pack_index, quads);
  }

  static void store(uint8_t* o, V v) { _mm512_mask_storeu_epi8(o, kOutMask, v); }

  static bool valid(V err) {
    return _mm512_test_epi8_mask(err, _mm512_set1_epi8(static_cast<char>(0x80))) == 0;
  }

  // tail decodes the last n < 64 characters with masked loads and stores: no
  // byte past in[n - 1] is read and none past out[decoded_len(n) - 1] is
  // written (masked-off lanes neither fault nor store). Masked-off characters
  // load as 0 and translate (zero-masked) to 0, so they are neither errors
  // nor bits: a partial quad decodes as if padded with 'A', and its bytes
  // past decoded_len(n) are exactly the unused low bits of the last
  // character (4 bits for 2 characters, 2 for 3), which must be zero.
  // Cost note: when the masked-off part of the load or store falls on an
  // unmapped page, the CPU suppresses the fault with a microcode assist
  // (slow, still correct); JWT segments sit inside the token's buffer.
  bool tail(const uint8_t* p, size_t n, uint8_t* o, V& err) const {
    const __mmask64 in_mask = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(n));
    const V c = _mm512_maskz_loadu_epi8(in_mask, p);
    const V values = _mm512_maskz_permutex2var_epi8(in_mask, lut_lo, c, lut_hi);
    err = _mm512_ternarylogic_epi32(err, values, c, 0xFE);
    const V bytes = pack(values);
    const __mmask64 out_mask = _bzhi_u64(~uint64_t{0}, static_cast<unsigned>(decoded_len(n)));
    _mm512_mask_storeu_epi8(o, out_mask, bytes);
    return _mm512_mask_test_epi8_mask(~out_mask, bytes, bytes) == 0;
  }
};

#include "generic.h"

}  // namespace

Status decode(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept {
  return generic_decode<VbmiBlock>(in, in_len, out, out_len);
}

}  // namespace jve::base64url::avx512

#include "isa_end.h"

#endif  // JVE_BASE64_X86
