#include "jve/alg.h"

#include <cstddef>

namespace jve {
namespace {
constexpr std::string_view kAlgNames[kNumAlgs] = {
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
    "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
};
}  // namespace

std::optional<Alg> alg_from_name(std::string_view name) noexcept {
  for (int i = 0; i < kNumAlgs; ++i) {
    if (kAlgNames[i] == name) return static_cast<Alg>(i);
  }
  return std::nullopt;
}

std::string_view alg_name(Alg a) noexcept {
  auto i = static_cast<size_t>(a);
  return i < static_cast<size_t>(kNumAlgs) ? kAlgNames[i] : "unknown";
}

}  // namespace jve
