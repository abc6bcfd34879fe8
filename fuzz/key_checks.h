// Invariants every loaded key must meet, shared by fuzz_jwk and fuzz_pem:
// it fits at least one algorithm (and its pinned one), a KeySet holding it
// selects it for every algorithm it fits (or says weak_key for an HMAC key
// shorter than that hash), and verifying a signature of the right length
// that cannot be valid (all zero bytes) gives bad_signature, never ok or
// internal_error.
#pragma once

#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "crypto/verify.h"
#include "keys/key_access.h"
#include "jve/jve.hpp"

namespace jve_fuzz {

inline void check_usable(const std::shared_ptr<const jve::Key>& key) {
  if (key->alg() && !key->fits(*key->alg())) std::abort();
  const jve::KeySet set({key});
  bool fits_one = false;
  for (int a = 0; a < jve::kNumAlgs; ++a) {
    const auto alg = static_cast<jve::Alg>(a);
    if (!key->fits(alg)) continue;
    fits_one = true;
    const jve::Key* chosen = nullptr;
    std::string_view kid = key->kid() ? std::string_view(*key->kid()) : std::string_view();
    const jve::Status s = set.select(alg, key->kid() ? &kid : nullptr, &chosen);
    if (s == jve::Status::weak_key && key->type() == jve::KeyType::oct) continue;
    if (s != jve::Status::ok || chosen != key.get()) std::abort();
    const std::vector<uint8_t> zero(jve::crypto::signature_len(jve::keys::material(*key), alg), 0);
    if (zero.empty()) std::abort();
    if (jve::crypto::verify(jve::keys::material(*key), alg, "e30.e30", zero) != jve::Status::bad_signature) std::abort();
  }
  if (!fits_one) std::abort();
}

// A failed load names a key-loading status and says why.
inline bool is_load_failure(jve::Status s) {
  switch (s) {
    case jve::Status::bad_json: case jve::Status::duplicate_member: case jve::Status::too_deep:
    case jve::Status::bad_key: case jve::Status::weak_key: case jve::Status::unsupported_key:
    case jve::Status::key_not_for_signing: case jve::Status::key_alg_mismatch:
      return true;
    default:
      return false;
  }
}

}  // namespace jve_fuzz
