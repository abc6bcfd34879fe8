// jve/multi_issuer.h: one service, tokens from several issuers, each with its
// own keys and policy.
//
//   std::vector<jve::MultiIssuerVerifier::Issuer> issuers;
//   issuers.push_back({"https://a.example", policy_a, store_a});
//   issuers.push_back({"https://b.example", policy_b, store_b});
//   jve::MultiIssuerVerifier verifier(std::move(issuers));
//   if (verifier.verify(token, scratch, claims) != jve::Status::ok) reject();
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "jve/claims.h"
#include "jve/key_store.h"
#include "jve/policy.h"
#include "jve/status.h"
#include "jve/verifier.h"

namespace jve {

// MultiIssuerVerifier routes each token by its payload's iss to that issuer's
// Verifier. The payload is decoded and strictly parsed before the signature
// is checked (that is the only way to know the issuer), then reused by the
// chosen Verifier, so a routed verify costs one hash lookup more than a
// direct one, whatever the number of issuers. A token whose iss is absent is
// missing_claim, not a string is bad_claim, and unknown is bad_issuer: all
// before any key lookup or crypto. Immutable and thread-safe once built.
class MultiIssuerVerifier {
 public:
  struct Issuer {
    std::string iss;                  // exact, case-sensitive
    Policy policy;                    // its issuers list is set to {iss}
    std::shared_ptr<KeyStore> keys;   // may be shared between issuers
  };

  // Throws std::invalid_argument on an empty list, an empty or repeated iss,
  // or a null key store.
  explicit MultiIssuerVerifier(std::vector<Issuer> issuers);

  // verify: as Verifier::verify, with the policy and keys of the token's iss.
  // WARNING: |out| points into |scratch| and |token|; see claims.h.
  [[nodiscard]] Status verify(std::string_view token, Scratch& scratch, Claims& out) const noexcept;

  // find returns the Verifier of |iss|, or nullptr.
  const Verifier* find(std::string_view iss) const noexcept;
  size_t size() const noexcept { return by_iss_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<const Verifier>, Hash, std::equal_to<>> by_iss_;
  // The largest limits over all issuers: what the routing step accepts.
  size_t max_token_bytes_ = 0;
  uint32_t max_json_depth_ = 0;
};

}  // namespace jve
