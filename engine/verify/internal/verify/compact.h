// Stage 1 of the verify path, shared by Verifier and MultiIssuerVerifier:
// bounds and the three segments of a compact JWS.
#pragma once

#include <cstddef>
#include <string_view>

#include "jve/status.h"

namespace jve::detail {

struct CompactParts {
  std::string_view header, payload, signature;  // base64url text
  std::string_view signing_input;               // "header.payload", as received
};

// split_compact refuses tokens longer than |max_bytes| (too_large, before
// any decoding) and anything but exactly two dots with a non-empty header
// (malformed: a JWE's five segments included).
inline Status split_compact(std::string_view token, size_t max_bytes, CompactParts& out) noexcept {
  if (token.size() > max_bytes) return Status::too_large;
  const size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos || dot1 == 0) return Status::malformed;
  const size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return Status::malformed;
  out.header = token.substr(0, dot1);
  out.payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  out.signature = token.substr(dot2 + 1);
  out.signing_input = token.substr(0, dot2);
  return Status::ok;
}

}  // namespace jve::detail
