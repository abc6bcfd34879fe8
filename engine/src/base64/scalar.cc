// The scalar base64url kernel: the reference every SIMD kernel must match.
#include <array>
#include <string>

#include "base64/kernels.h"

namespace jve::base64url {
namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xFF;

constexpr std::array<uint8_t, 256> make_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = i;
  return t;
}
constexpr std::array<uint8_t, 256> kDecode = make_table();

}  // namespace

namespace scalar {

Status decode(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept {
  // A single leftover character carries 6 bits: never a whole byte.
  if (in_len % 4 == 1) return Status::bad_base64;
  const auto* p = reinterpret_cast<const uint8_t*>(in);
  const size_t full = in_len / 4 * 4;
  uint8_t* o = out;
  for (size_t i = 0; i < full; i += 4) {
    // OR the four lookups: any 0xFF makes the result >= 64, one branch per quad.
    uint32_t a = kDecode[p[i]], b = kDecode[p[i + 1]], c = kDecode[p[i + 2]],
             d = kDecode[p[i + 3]];
    if ((a | b | c | d) & 0xC0) return Status::bad_base64;
    uint32_t v = a << 18 | b << 12 | c << 6 | d;
    o[0] = static_cast<uint8_t>(v >> 16);
    o[1] = static_cast<uint8_t>(v >> 8);
    o[2] = static_cast<uint8_t>(v);
    o += 3;
  }
  const size_t rest = in_len - full;
  if (rest != 0) {
    uint32_t a = kDecode[p[full]], b = kDecode[p[full + 1]];
    uint32_t c = rest == 3 ? kDecode[p[full + 2]] : 0;
    if ((a | b | c) & 0xC0) return Status::bad_base64;
    // The unused low bits of the last character must be zero, or two
    // encodings would decode to the same bytes (RFC 4648 §3.5).
    if (rest == 2 && (b & 0x0F) != 0) return Status::bad_base64;
    if (rest == 3 && (c & 0x03) != 0) return Status::bad_base64;
    uint32_t v = a << 18 | b << 12 | c << 6;
    *o++ = static_cast<uint8_t>(v >> 16);
    if (rest == 3) *o++ = static_cast<uint8_t>(v >> 8);
  }
  *out_len = static_cast<size_t>(o - out);
  return Status::ok;
}

}  // namespace scalar

std::string encode(std::span<const uint8_t> in) {
  std::string s;
  s.resize(encoded_len(in.size()));
  char* o = s.data();
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    *o++ = kAlphabet[(v >> 6) & 63];
    *o++ = kAlphabet[v & 63];
  }
  if (size_t rest = in.size() - i; rest != 0) {
    uint32_t v = uint32_t{in[i]} << 16 | (rest == 2 ? uint32_t{in[i + 1]} << 8 : 0);
    *o++ = kAlphabet[v >> 18];
    *o++ = kAlphabet[(v >> 12) & 63];
    if (rest == 2) *o++ = kAlphabet[(v >> 6) & 63];
  }
  return s;
}

}  // namespace jve::base64url
