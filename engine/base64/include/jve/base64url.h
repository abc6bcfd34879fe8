// jve/base64url.h: strict base64url (RFC 4648 §5 alphabet, no padding), as
// JWS requires (RFC 7515 §2): only A-Z a-z 0-9 - _, no '=', no whitespace,
// length % 4 != 1, and the unused low bits of the last character are zero, so
// every byte string has exactly one accepted encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jve/status.h"

namespace jve::base64url {

// decoded_max_len is an upper bound of the decoded size of |encoded_len| chars.
constexpr size_t decoded_max_len(size_t encoded_len) { return encoded_len / 4 * 3 + 2; }
constexpr size_t encoded_len(size_t decoded_len) { return decoded_len / 3 * 4 + (decoded_len % 3 ? decoded_len % 3 + 1 : 0); }

// decode writes the bytes of |in| to |out| (room for decoded_max_len(in.size()))
// and their count to |*out_len|. Returns ok or bad_base64. Uses the active
// kernel. Thread-safe; allocates nothing.
[[nodiscard]] Status decode(std::string_view in, uint8_t* out, size_t* out_len) noexcept;

// encode returns the unpadded base64url text of |in|.
std::string encode(std::span<const uint8_t> in);
inline std::string encode(std::string_view in) {
  return encode(std::span(reinterpret_cast<const uint8_t*>(in.data()), in.size()));
}

// A decoding kernel. The scalar kernel is the reference and always present.
struct Kernel {
  const char* name;
  Status (*decode)(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept;
};

// available_kernels lists the kernels this CPU can run, best first.
std::vector<const Kernel*> available_kernels();
// active_kernel is the one decode() uses; chosen once, at first use, unless
// JVE_FORCE_IMPLEMENTATION names another.
const Kernel& active_kernel() noexcept;
// force_kernel makes |name| active; false (and no change) for a name this
// machine cannot run.
bool force_kernel(std::string_view name) noexcept;

}  // namespace jve::base64url
