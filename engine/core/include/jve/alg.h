// jve/alg.h: the JWS algorithms jve verifies (RFC 7518 §3, RFC 8037 §3.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace jve {

enum class Alg : uint8_t {
  HS256, HS384, HS512,
  RS256, RS384, RS512,
  PS256, PS384, PS512,
  ES256, ES384, ES512,
  EdDSA,
};
inline constexpr int kNumAlgs = 13;

// alg_from_name parses a header "alg" value. Case-sensitive, exact: "none",
// "hs256" and "RS256 " all give nullopt.
std::optional<Alg> alg_from_name(std::string_view name) noexcept;

// alg_name returns the registered name ("ES256").
std::string_view alg_name(Alg a) noexcept;

// hmac_min_key_len is the shortest HMAC key RFC 7518 §3.2 allows for an HS*
// alg: as long as its hash output (32, 48, 64 bytes). 0 for other algs.
constexpr size_t hmac_min_key_len(Alg a) noexcept {
  switch (a) {
    case Alg::HS256: return 32;
    case Alg::HS384: return 48;
    case Alg::HS512: return 64;
    default: return 0;
  }
}

// AlgSet is a bit set of algorithms; "none" cannot be represented.
class AlgSet {
 public:
  constexpr AlgSet() = default;
  static constexpr AlgSet all() { return AlgSet((1u << kNumAlgs) - 1); }
  constexpr AlgSet& add(Alg a) { bits_ |= bit(a); return *this; }
  constexpr bool contains(Alg a) const { return (bits_ & bit(a)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }

 private:
  explicit constexpr AlgSet(uint32_t bits) : bits_(bits) {}
  static constexpr uint32_t bit(Alg a) { return 1u << static_cast<unsigned>(a); }
  uint32_t bits_ = 0;
};

}  // namespace jve
