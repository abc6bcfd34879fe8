// generic.h: the SIMD base64url decode driver, written once for every ISA.
//
// No include guard and no #includes: an ISA file (avx2.cc, avx512.cc)
// includes kernels.h, <immintrin.h> and <type_traits> first, then opens its
// target region (isa_begin.h) and includes this file inside
// `namespace jve::base64url::<isa> { namespace { ... } }`, so every function
// here is compiled for that ISA only and has internal linkage
// (simdutf:src/generic/base64.h does the same with a per-ISA block64).
//
// A Block type B supplies, for blocks of B::kChars characters (a multiple of
// 4, so a block is whole quads):
//   V    B::load(const uint8_t*)       load kChars characters
//   V    B::translate(V chars, V& err) 6-bit values; err |= non-zero (in a way
//                                      B::valid understands) for a byte
//                                      outside the alphabet
//   V    B::pack(V values)             the kChars / 4 * 3 decoded bytes,
//                                      first in the register
//   void B::store(uint8_t*, V)         write exactly kChars / 4 * 3 bytes
//   void B::store_wide(uint8_t*, V)    write sizeof(V) bytes (the tail is junk)
//   bool B::valid(V err)               no invalid byte was seen
//   static constexpr bool kMaskedTail
// and either (kMaskedTail) a masked tail:
//   bool B::tail(const uint8_t*, size_t n, uint8_t*, V& err)
//        decode the last n < kChars characters (whole quads plus maybe a
//        partial one), writing exactly decoded_len(n) bytes; false when the
//        unused bits of the last character are not zero
// or (!kMaskedTail) a narrower Block for inputs shorter than kChars:
//   using Half = <Block with kChars / 2> or void (then the scalar helpers).
//
// Errors are OR-ed into one register and tested once at the end: the strict
// rules only ask for ok / bad_base64, not the offset, and a branch per block
// costs more than decoding a few bytes of an input we then reject. On
// bad_base64 the output buffer holds junk, as with the scalar kernel.

template <class B>
inline void decode_block(const B& b, const uint8_t* in, uint8_t* out, typename B::V& err) {
  b.store(out, b.pack(b.translate(b.load(in), err)));
}

// decode_whole_quads decodes |full| characters (full % 4 == 0,
// full >= B::kChars) without a scalar loop for the remainder: the last block
// is placed to end exactly at |full|, overlapping the one before it.
// Decoding a quad twice gives the same bytes, and one more block costs less
// than up to kChars / 4 - 1 scalar quads. Returns the error register.
template <class B>
inline typename B::V decode_whole_quads(const B& b, const uint8_t* in, size_t full, uint8_t* out) {
  constexpr size_t K = B::kChars;
  typename B::V err = b.zero();
  size_t i = 0;
  // While a whole block follows, one full-width store is cheaper than an
  // exact one, and the next block overwrites its junk: the store ends at
  // i / 4 * 3 + sizeof(V) <= (i + K) / 4 * 3 + K / 4 * 3 since sizeof(V) == K.
  for (; i + 2 * K <= full; i += K) {
    b.store_wide(out + i / 4 * 3, b.pack(b.translate(b.load(in + i), err)));
  }
  decode_block(b, in + i, out + i / 4 * 3, err);
  i += K;
  if (i < full) decode_block(b, in + (full - K), out + (full - K) / 4 * 3, err);
  return err;
}

// decode_overlapping: the driver for ISAs without masked loads (AVX2).
// Inputs shorter than one block fall to the narrower Block (SSE), and below
// that to the scalar helpers; the last partial quad is always scalar (one
// table lookup per character, and it also checks the unused bits).
template <class B>
inline Status decode_overlapping(const uint8_t* in, size_t n, uint8_t* out, size_t* out_len) {
  const size_t full = n / 4 * 4;
  if (full < B::kChars) {
    if constexpr (std::is_void_v<typename B::Half>) {
      if (!decode_quads(in, full / 4, out)) return Status::bad_base64;
    } else {
      return decode_overlapping<typename B::Half>(in, n, out, out_len);
    }
  } else {
    const B b;
    if (!b.valid(decode_whole_quads(b, in, full, out))) return Status::bad_base64;
  }
  if (const size_t rest = n - full; rest != 0 && !decode_last(in + full, rest, out + full / 4 * 3)) {
    return Status::bad_base64;
  }
  *out_len = decoded_len(n);
  return Status::ok;
}

// decode_masked: the driver for ISAs with masked loads and stores (AVX-512).
// Whole blocks, then one masked block for the rest, partial quad included:
// no scalar code at all, and an input shorter than a block (a JWT header or
// HS256 signature) is a single masked block.
template <class B>
inline Status decode_masked(const uint8_t* in, size_t n, uint8_t* out, size_t* out_len) {
  constexpr size_t K = B::kChars;
  const B b;
  typename B::V err = b.zero();
  size_t i = 0;
  // Two blocks per iteration: independent work for the out-of-order core,
  // half the loop overhead.
  for (; i + 2 * K <= n; i += 2 * K) {
    decode_block(b, in + i, out + i / 4 * 3, err);
    decode_block(b, in + i + K, out + (i + K) / 4 * 3, err);
  }
  if (i + K <= n) {
    decode_block(b, in + i, out + i / 4 * 3, err);
    i += K;
  }
  bool canonical = true;
  if (i < n) canonical = b.tail(in + i, n - i, out + i / 4 * 3, err);
  if (!canonical || !b.valid(err)) return Status::bad_base64;
  *out_len = decoded_len(n);
  return Status::ok;
}

template <class B>
inline Status generic_decode(const char* in, size_t n, uint8_t* out, size_t* out_len) {
  // A single leftover character carries 6 bits: never a whole byte.
  if (n % 4 == 1) return Status::bad_base64;
  const auto* p = reinterpret_cast<const uint8_t*>(in);
  if constexpr (B::kMaskedTail) {
    return decode_masked<B>(p, n, out, out_len);
  } else {
    return decode_overlapping<B>(p, n, out, out_len);
  }
}
