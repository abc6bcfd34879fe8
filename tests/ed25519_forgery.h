// ed25519_forgery.h: the Ed25519 public keys jve refuses because anyone can
// forge signatures for them (small order) or because RFC 8032 cannot decode
// them (non-canonical), and the forged tokens that show why, for the key,
// crypto, differential and CLI tests (issue 12 §1).
//
// The forgery: ED25519_verify(M, R || S, A) recomputes [S]B - [k]A with
// k = SHA-512(R || A || M) mod L and compares its encoding with R. With
// R = identity and S = 0 that holds exactly when [k]A is the identity, which
// for a point A of order d happens for 1 message in d: every message for the
// identity, half of them for the order-2 point. No private key is needed.
#pragma once

#include <openssl/curve25519.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "jve/base64url.h"
#include "jve/status.h"

namespace jve::ed25519_forgery {

using PublicKey = std::array<uint8_t, 32>;

struct FlawedKey {
  std::string_view name;  // for test messages and kids
  PublicKey pub;
  // The order of the point BoringSSL's lenient decoder makes of |pub|
  // (it reduces y mod p and ignores a sign bit on x = 0).
  int order;
  Status status;  // what jve's loaders answer: weak_key or bad_key
};

inline PublicKey from_hex(std::string_view hex) {
  PublicKey out{};
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i < out.size() && 2 * i + 1 < hex.size(); ++i)
    out[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

// flawed_keys lists every encoding of a small-order point below 2^256: the
// eight canonical ones (weak_key), then the non-canonical ones (bad_key):
// the sign bit on x = 0, and y + p (only y = 0 and y = 1 stay below 2^255).
// The eight points are the identity, (0, -1) of order 2, (±sqrt(-1), 0) of
// order 4 and four points of order 8 (the list in Chalkias, Garillot and
// Nikolaenko, "Taming the many EdDSAs", 2020, and in libsodium); that each
// has the order given here is checked against BoringSSL's own verifier by
// Ed25519KeyFlaw.TableMatchesForgeriesBoringSslAccepts.
inline const std::vector<FlawedKey>& flawed_keys() {
  static const std::vector<FlawedKey> keys = {
      {"identity", from_hex("0100000000000000000000000000000000000000000000000000000000000000"), 1,
       Status::weak_key},
      {"order2", from_hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 2,
       Status::weak_key},
      {"order4", from_hex("0000000000000000000000000000000000000000000000000000000000000000"), 4,
       Status::weak_key},
      {"order4-neg", from_hex("0000000000000000000000000000000000000000000000000000000000000080"), 4,
       Status::weak_key},
      {"order8-a", from_hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"), 8,
       Status::weak_key},
      {"order8-a-neg", from_hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"), 8,
       Status::weak_key},
      {"order8-b", from_hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), 8,
       Status::weak_key},
      {"order8-b-neg", from_hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"), 8,
       Status::weak_key},
      // x = 0 with the sign bit set (RFC 8032 §5.1.3 step 4: decoding fails).
      {"identity-signed", from_hex("0100000000000000000000000000000000000000000000000000000000000080"), 1,
       Status::bad_key},
      {"order2-signed", from_hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), 2,
       Status::bad_key},
      // y + p (RFC 8032 §5.1.3 step 1: y >= p, decoding fails).
      {"order4-y+p", from_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 4,
       Status::bad_key},
      {"order4-y+p-neg", from_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), 4,
       Status::bad_key},
      {"identity-y+p", from_hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), 1,
       Status::bad_key},
      {"identity-y+p-signed", from_hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), 1,
       Status::bad_key},
  };
  return keys;
}

// The forged signature: R = the identity's encoding, S = 0.
inline std::array<uint8_t, 64> forged_signature() {
  std::array<uint8_t, 64> sig{};
  sig[0] = 0x01;
  return sig;
}

// boringssl_accepts tells whether ED25519_verify accepts the forged
// signature over |signing_input| under |pub|.
inline bool boringssl_accepts(std::string_view signing_input, const PublicKey& pub) {
  const std::array<uint8_t, 64> sig = forged_signature();
  return ED25519_verify(reinterpret_cast<const uint8_t*>(signing_input.data()), signing_input.size(),
                        sig.data(), pub.data()) == 1;
}

// forge returns a compact token with |header_json| and a payload granting
// "admin" until 2096, whose forged signature ED25519_verify accepts under
// |pub|: the payload's "jti" counts up until [k]A is the identity (about
// 1 try in the point's order). Empty when 64 tries per unit of order fail,
// which for a point of small order does not happen.
inline std::string forge(const PublicKey& pub, int order, std::string_view header_json) {
  const std::array<uint8_t, 64> sig = forged_signature();
  const std::string sig_b64 = base64url::encode(sig);
  for (int jti = 0; jti < 64 * order; ++jti) {
    const std::string payload =
        R"({"sub":"admin","exp":4000000000,"jti":")" + std::to_string(jti) + "\"}";
    const std::string signing_input =
        base64url::encode(header_json) + "." + base64url::encode(std::string_view(payload));
    if (boringssl_accepts(signing_input, pub)) return signing_input + "." + sig_b64;
  }
  return "";
}

}  // namespace jve::ed25519_forgery
