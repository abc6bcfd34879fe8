// The base64url kernel interface. Each ISA supplies one decode function with
// exactly the scalar kernel's rules and results; dispatch.cc picks one.
#pragma once

#include <cstddef>
#include <cstdint>

#include "jve/base64url.h"
#include "jve/status.h"

namespace jve::base64url::scalar {
// decode is the reference kernel: strict RFC 7515 §2 base64url.
Status decode(const char* in, size_t in_len, uint8_t* out, size_t* out_len) noexcept;
}  // namespace jve::base64url::scalar
