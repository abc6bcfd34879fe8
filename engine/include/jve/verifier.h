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
#include <string_view>

#include "jve/claims.h"
#include "jve/key_set.h"
#include "jve/key_store.h"
#include "jve/policy.h"
#include "jve/status.h"

namespace jve {

// Scratch holds one thread's decode buffers and JSON parsers. It grows on
// first use to fit the verifier's max_token_bytes, and after that verifying
// allocates nothing. Not thread-safe: use one per thread.
class Scratch {
 public:
  Scratch();
  ~Scratch();
  Scratch(Scratch&&) noexcept;
  Scratch& operator=(Scratch&&) noexcept;

  detail::ScratchImpl& impl() noexcept { return *impl_; }

 private:
  std::unique_ptr<detail::ScratchImpl> impl_;
};

// Verifier is a Policy plus a KeyStore. All members are const and
// thread-safe; one Verifier serves every thread.
class Verifier {
 public:
  Verifier(Policy policy, std::shared_ptr<const KeySet> keys);
  Verifier(Policy policy, std::shared_ptr<KeyStore> store);

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

  const Policy& policy() const noexcept { return policy_; }
  KeyStore& key_store() const noexcept { return *store_; }

 private:
  friend class MultiIssuerVerifier;
  // A payload MultiIssuerVerifier has already decoded into the scratch and
  // parsed (with nesting limit |depth|) to read its iss.
  struct PreparsedPayload {
    std::string_view json;
    uint32_t depth;
  };
  Status verify_claims(std::string_view token, detail::ScratchImpl& s, Claims& out,
                       const PreparsedPayload* pre) const noexcept;
  // Stages 1-6. With |payload_decoded|, |payload| already holds the decoded
  // payload (in the scratch) and stage 5 does not decode it again.
  Status verify_signed(std::string_view token, detail::ScratchImpl& s, Header& header,
                       std::string_view& payload, bool payload_decoded) const noexcept;

  Policy policy_;
  std::shared_ptr<KeyStore> store_;
  uint64_t id_;  // unique per Verifier: keys the Scratch's header cache
};

}  // namespace jve
