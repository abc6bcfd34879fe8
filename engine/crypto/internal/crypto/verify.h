// Signature verification with prepared key material (stage 6 of the verify
// path). crypto knows key material, not jve::Key: choosing a key for a token
// is the keys component's business, checking a signature with it is ours.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/key_material.h"
#include "jve/alg.h"
#include "jve/status.h"

namespace jve::crypto {

// signature_len is the exact length a signature for |alg| made with |key|
// must have: HMAC the full tag (32/48/64), RSA the modulus length, ECDSA raw
// r||s (64/96/132), Ed25519 64.
size_t signature_len(const KeyMaterial& key, Alg alg) noexcept;

// verify checks |sig| over |signing_input| (the exact bytes "header.payload")
// with |key|, whose family must be |alg|'s (else internal_error: the caller
// selected the wrong key, and no signature is checked with the wrong kind of
// state). Returns ok, bad_signature (any mismatch, wrong length, r or s out
// of range, non-canonical Ed25519 S) or internal_error. Clears BoringSSL's
// error queue. Thread-safe; jve's own code allocates nothing here.
[[nodiscard]] Status verify(const KeyMaterial& key, Alg alg, std::string_view signing_input,
                            std::span<const uint8_t> sig) noexcept;

}  // namespace jve::crypto
