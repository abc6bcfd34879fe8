// KeyAccess: what the engine's own components may do with a Key that its
// users may not: build one from validated material (the loaders) and reach
// that material to check a signature (the verify stage). Not installed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "crypto/key_material.h"
#include "jve/key_set.h"

namespace jve::keys {

struct KeyAccess {
  static const crypto::KeyMaterial& material(const Key& key) noexcept { return *key.material_; }

  static std::shared_ptr<const Key> make(std::optional<std::string> kid, KeyType type,
                                         std::optional<Alg> alg,
                                         std::unique_ptr<const crypto::KeyMaterial> material) {
    return std::shared_ptr<const Key>(
        new Key(std::move(kid), type, alg, std::move(material)));
  }
};

// material is the prepared crypto state of |key|, for crypto::verify.
inline const crypto::KeyMaterial& material(const Key& key) noexcept {
  return KeyAccess::material(key);
}

}  // namespace jve::keys
