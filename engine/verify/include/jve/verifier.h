// jve/verifier.h: the verify path.
//
//   auto keys = jve::KeySet::from_jwks(jwks_json);
//   jve::Verifier verifier(policy, std::make_shared<const jve::KeySet>(std::move(*keys)));
//   thread_local jve::Scratch scratch;
//   jve::Claims claims;
//   if (verifier.verify(token, scratch, claims) != jve::Status::ok) reject();
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "jve/cache.h"
#include "jve/claims.h"
#include "jve/key_set.h"
#include "jve/key_store.h"
#include "jve/policy.h"
#include "jve/status.h"

namespace jve {

namespace detail {
struct ScratchImpl;
struct ScratchAccess;
struct PreparedToken;
struct SignedInput;
struct CacheAccess;
class TokenCache;
}  // namespace detail

// Scratch holds one thread's decode buffers and JSON parsers. It grows on
// first use to fit the verifier's max_token_bytes, and after that verifying
// allocates nothing. Not thread-safe: use one per thread.
class Scratch {
 public:
  Scratch();
  ~Scratch();
  Scratch(Scratch&&) noexcept;
  Scratch& operator=(Scratch&&) noexcept;

 private:
  friend struct detail::ScratchAccess;
  std::unique_ptr<detail::ScratchImpl> impl_;
};

// Verifier is a Policy plus a KeyStore. All members are const and
// thread-safe; one Verifier serves every thread.
class Verifier {
 public:
  // The constructors throw std::invalid_argument, naming the field, for a
  // policy validate() refuses or a null KeyStore: a configuration mistake is
  // reported where the Verifier is made, once, rather than as a crash or a
  // wrong verdict on the first token. (A factory returning Result<Verifier>
  // would need a Status for "bad configuration", which no token can earn;
  // MultiIssuerVerifier reports its own configuration the same way.) A null
  // KeySet is an empty set.
  Verifier(Policy policy, std::shared_ptr<const KeySet> keys);
  Verifier(Policy policy, std::shared_ptr<KeyStore> store);
  // With a verified-token cache (jve/cache.h), reserved here; also throws
  // std::invalid_argument for options cache_bytes() refuses.
  Verifier(Policy policy, std::shared_ptr<KeyStore> store, const VerifyCache& cache);

  // verify checks |token| (compact JWS carrying a JWT) against the policy and
  // the current key set: bounds, header, alg, key, signature, then claims.
  // Returns ok and fills |out|, or the most specific error. Never throws;
  // allocates nothing once |scratch| has been used.
  // WARNING: |out| points into |scratch| and |token|; see claims.h.
  [[nodiscard]] Status verify(std::string_view token, Scratch& scratch,
                              Claims& out) const noexcept;

  // verify_jws checks only the header, key and signature rules: the payload
  // is returned as bytes and may be anything (signed webhooks, ...).
  [[nodiscard]] Status verify_jws(std::string_view token, Scratch& scratch,
                                  Jws& out) const noexcept;

  // verify_batch verifies tokens[i] as verify() would, into statuses[i] and
  // claims[i], with scratches[i]: one Scratch per token, because claims[i]
  // points into scratches[i] (and tokens[i]) and must stay readable after
  // the call. The verdicts and claims are those of verify() token by token,
  // whatever the mix of algorithms and keys; what differs is the speed:
  // the HS256 signatures of the batch are hashed together, four at a time
  // on CPUs with SHA-NI. All tokens of up to kBatchChunk are checked against
  // one snapshot of the key set. The spans must be at least as long as
  // |tokens|; if one is shorter, every status written is internal_error.
  // With a verified-token cache, each token takes verify(). Never throws;
  // allocates nothing once each Scratch has been used.
  static constexpr size_t kBatchChunk = 16;
  void verify_batch(std::span<const std::string_view> tokens, std::span<Scratch> scratches,
                    std::span<Status> statuses, std::span<Claims> claims) const noexcept;

  const Policy& policy() const noexcept { return policy_; }
  KeyStore& key_store() const noexcept { return *store_; }

 private:
  friend class MultiIssuerVerifier;
  friend struct detail::CacheAccess;
  // Stages 1-8. |pre| is a token MultiIssuerVerifier has already split,
  // sized the scratch for, and whose payload it has decoded and parsed.
  Status verify_token(std::string_view token, detail::ScratchImpl& s,
                      const detail::PreparedToken* pre, Claims& out) const noexcept;
  // Stages 1-6: |payload| receives the decoded payload bytes.
  Status verify_signed(std::string_view token, detail::ScratchImpl& s,
                       const detail::PreparedToken* pre, Header& header,
                       std::string_view& payload) const noexcept;
  // Stages 1-5 for |keys|: what stage 6 then checks goes to |in|. The
  // caller holds the snapshot |keys| came from until stage 6 is done.
  Status verify_until_signature(std::string_view token, detail::ScratchImpl& s,
                                const detail::PreparedToken* pre, const KeySet& keys,
                                Header& header, std::string_view& payload,
                                detail::SignedInput& in) const noexcept;
  // Stages 2-3 for one header segment (or the scratch's remembered outcome).
  Status check_header_segment(std::string_view header_b64, detail::ScratchImpl& s,
                              Header& header) const noexcept;
  // Stage 8, on the payload parsed in |s|: what a miss ends with and a cache
  // hit runs again.
  Status check_claims(const detail::ScratchImpl& s, Claims& out) const noexcept;

  Policy policy_;
  std::shared_ptr<KeyStore> store_;
  uint64_t id_;  // unique per Verifier: keys the Scratch's header cache
  std::shared_ptr<detail::TokenCache> cache_;  // null: no verified-token cache
};

}  // namespace jve
