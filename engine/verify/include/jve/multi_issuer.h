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
#include <utility>
#include <vector>

#include "jve/cache.h"
#include "jve/claims.h"
#include "jve/key_store.h"
#include "jve/policy.h"
#include "jve/status.h"
#include "jve/verifier.h"

namespace jve {

namespace detail {
struct CacheAccess;
class TokenCache;
struct PreparedToken;
struct ScratchImpl;
}  // namespace detail

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
  // With one verified-token cache (jve/cache.h) for all issuers, looked up
  // before the routing; an entry belongs to the issuer's Verifier.
  MultiIssuerVerifier(std::vector<Issuer> issuers, const VerifyCache& cache);

  // verify: as Verifier::verify, with the policy and keys of the token's iss.
  // WARNING: |out| points into |scratch| and |token|; see claims.h.
  [[nodiscard]] Status verify(std::string_view token, Scratch& scratch, Claims& out) const noexcept;

  // find returns the Verifier of |iss|, or nullptr.
  const Verifier* find(std::string_view iss) const noexcept;
  size_t size() const noexcept { return by_iss_.size(); }

 private:
  friend struct detail::CacheAccess;
  // Stage 1 and the payload parse against the largest limits; |verifier| is
  // the token's issuer's.
  Status route(std::string_view token, detail::ScratchImpl& s, detail::PreparedToken& pre,
               const Verifier*& verifier) const noexcept;
  const Verifier* find_by_id(uint64_t id) const noexcept;

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
  std::shared_ptr<detail::TokenCache> cache_;  // null: no cache
  std::vector<std::pair<uint64_t, const Verifier*>> by_id_;  // sorted: a cache entry's owner
};

}  // namespace jve
