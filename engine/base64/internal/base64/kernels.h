// The base64url kernel interface. Each ISA supplies one decode function with
// exactly the scalar kernel's rules and results; dispatch.cc picks one.
//
// The alphabet, the decode table and the quad helpers below are the single
// definition of the strict rules: scalar.cc uses them for everything, the
// SIMD kernels derive their lookup tables from kDecode (and check them
// against it at compile time) and use the helpers for the last partial quad.
// This header is included before any ISA target region opens (isa_begin.h), so
// its inline functions are always compiled for the baseline ISA.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "jve/base64url.h"
#include "jve/status.h"

namespace jve::base64url {

inline constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// kInvalid marks non-alphabet bytes. It has bit 7 set, and so does every
// byte >= 0x80: the AVX-512 kernel relies on that (see avx512.cc).
inline constexpr uint8_t kInvalid = 0xFF;

constexpr std::array<uint8_t, 256> make_decode_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = i;
  return t;
}
inline constexpr std::array<uint8_t, 256> kDecode = make_decode_table();

// decode_quads decodes |quads| groups of 4 characters at |p| into 3 bytes
// each at |o|. False on a non-alphabet byte (|o| then holds a prefix).
inline bool decode_quads(const uint8_t* p, size_t quads, uint8_t* o) noexcept {
  for (size_t q = 0; q < quads; ++q, p += 4, o += 3) {
    // OR the four lookups: any 0xFF makes the result >= 64, one branch per quad.
    uint32_t a = kDecode[p[0]], b = kDecode[p[1]], c = kDecode[p[2]], d = kDecode[p[3]];
    if ((a | b | c | d) & 0xC0) return false;
    uint32_t v = a << 18 | b << 12 | c << 6 | d;
    o[0] = static_cast<uint8_t>(v >> 16);
    o[1] = static_cast<uint8_t>(v >> 8);
    o[2] = static_cast<uint8_t>(v);
  }
  return true;
}

// decode_last decodes the final |rest| (2 or 3) characters at |p| into
// rest - 1 bytes at |o|. False on a non-alphabet byte or when the unused low
// bits of the last character are not zero: otherwise two encodings would
// decode to the same bytes (RFC 4648 §3.5), and RFC 7515 §2 has exactly one.
inline bool decode_last(const uint8_t* p, size_t rest, uint8_t* o) noexcept {
  uint32_t a = kDecode[p[0]], b = kDecode[p[1]];
  uint32_t c = rest == 3 ? kDecode[p[2]] : 0;
  if ((a | b | c) & 0xC0) return false;
  if (rest == 2 && (b & 0x0F) != 0) return false;
  if (rest == 3 && (c & 0x03) != 0) return false;
  uint32_t v = a << 18 | b << 12 | c << 6;
  o[0] = static_cast<uint8_t>(v >> 16);
  if (rest == 3) o[1] = static_cast<uint8_t>(v >> 8);
  return true;
}

// decoded_len is the exact output size of a valid |in_len|-character input
// (in_len % 4 != 1).
constexpr size_t decoded_len(size_t in_len) {
  return in_len / 4 * 3 + (in_len % 4 ? in_len % 4 - 1 : 0);
}

// Every kernel: strict RFC 7515 §2 base64url, writing at most
// decoded_len(in_len) <= decoded_max_len(in_len) bytes to |out|, allocating
// nothing, returning ok or bad_base64 exactly when scalar::decode does.
namespace scalar {
// decode is the reference kernel.
Status decode(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept;
}  // namespace scalar

#if defined(__x86_64__)
#define JVE_BASE64_X86 1
namespace avx2 {
Status decode(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept;
}  // namespace avx2
namespace avx512 {
Status decode(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept;
}  // namespace avx512
#endif

}  // namespace jve::base64url
