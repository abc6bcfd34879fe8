// The scalar base64url kernel: the reference every SIMD kernel must match.
#include <string>

#include "base64/kernels.h"

namespace jve::base64url {

namespace scalar {

Status decode(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept {
  // A single leftover character carries 6 bits: never a whole byte.
  if (in_len % 4 == 1) return Status::bad_base64;
  const auto* p = reinterpret_cast<const uint8_t*>(in);
  const size_t quads = in_len / 4;
  if (!decode_quads(p, quads, out)) return Status::bad_base64;
  if (const size_t rest = in_len % 4; rest != 0 && !decode_last(p + quads * 4, rest, out + quads * 3)) {
    return Status::bad_base64;
  }
  *out_len = decoded_len(in_len);
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
