// Signature verification with prepared keys (stage 6 of the verify path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "jve/alg.h"
#include "jve/key_set.h"
#include "jve/status.h"

namespace jve::crypto {

// signature_len is the exact length a signature for |alg| with |key| must
// have: HMAC the full tag (32/48/64), RSA the modulus length, ECDSA raw r||s
// (64/96/132), Ed25519 64. The key must fit |alg|.
size_t signature_len(const Key& key, Alg alg) noexcept;

// verify checks |sig| over |signing_input| (the exact bytes "header.payload")
// with |key|, which the caller has already selected as fitting |alg|.
// Returns ok, bad_signature (any mismatch, wrong length, r or s out of
// range, non-canonical Ed25519 S) or internal_error. Clears BoringSSL's
// error queue. Thread-safe; jve's own code allocates nothing here.
[[nodiscard]] Status verify(const Key& key, Alg alg, std::string_view signing_input,
                            std::span<const uint8_t> sig) noexcept;

}  // namespace jve::crypto
