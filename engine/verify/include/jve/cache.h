// jve/cache.h: the verified-token cache, opt-in per Verifier and per
// MultiIssuerVerifier.
//
//   jve::Verifier verifier(policy, store, jve::VerifyCache{.entries = 10000});
//
// A repeated token then costs a lookup: the complete token bytes are the key
// (a hash picks the bucket, the bytes are compared in full), and a hit runs
// the same post-signature claim checks as a miss (exp, nbf, max age with the
// current clock and the policy's leeway), so a cached token never passes
// after a fresh verify would fail it. An entry stops matching when the
// KeyStore is replaced, and belongs to the Verifier that verified it. Only
// successful verifies are cached.
#pragma once

#include <cstddef>

namespace jve {

struct VerifyCache {
  // Entries (rounded up to a multiple of 4: buckets are 4-way). 1 to
  // kMaxCacheEntries.
  size_t entries = 10000;
  // Longer tokens are never cached.
  size_t max_token_bytes = 4096;
  // What one entry holds: the token, its decoded payload and the payload's
  // parsed form (about twice the payload's size). A token whose entry would
  // not fit is not cached. A 350-byte-payload RS256 token needs ~1.8 KiB.
  // 64 to kMaxCacheEntryBytes; each entry also costs 64 bytes of bookkeeping.
  size_t entry_bytes = 3072;
  // Admission. false (default): a token is inserted on its first successful
  // verify. true: on its second on one thread (a filter of the last 256
  // token hashes in each Scratch remembers the first), so tokens seen once
  // (a scan, one-shot tokens) neither pay for an insert nor evict repeated
  // ones; but a token that comes back only after 256 others on that thread
  // is never inserted, so with many active tokens hits become rare.
  bool admit_on_second_verify = false;
};

inline constexpr size_t kMaxCacheEntries = size_t{1} << 24;
inline constexpr size_t kMaxCacheEntryBytes = size_t{1} << 20;

// cache_bytes is the memory a cache with |options| reserves when it is made.
size_t cache_bytes(const VerifyCache& options) noexcept;

}  // namespace jve
