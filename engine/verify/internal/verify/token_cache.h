// TokenCache: the shared table behind jve::VerifyCache.
//
// Threads: one table shared by every thread, each slot guarded by a
// sequence lock. A hit only reads shared memory (the slot's sequence number
// before and after copying the entry out), so threads hitting the same
// token never write a common cache line and never wait; an insert takes the
// slot by moving its sequence to odd with one compare-exchange and skips
// the insert if another writer holds it, so it never blocks anyone; a hit
// that overlaps an insert sees the sequence move and counts as a miss.
// Every shared word is a std::atomic read and written with relaxed order
// (the sequence number carries the ordering), so the protocol is
// data-race-free in the C++ model and clean under TSan. Per-thread shards
// were the alternative: no atomics, but a token verified on one thread
// would miss on every other and the memory would grow with the threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "jve/cache.h"
#include "jve/claims.h"
#include "jve/status.h"

namespace jve {
class Verifier;
class MultiIssuerVerifier;
}  // namespace jve

namespace jve::detail {

struct ScratchImpl;

class TokenCache {
 public:
  explicit TokenCache(const VerifyCache& options);  // throws std::invalid_argument, bad_alloc

  // What a hit restored into the scratch: s.payload holds the decoded
  // payload (|payload_len| bytes) and s.payload_parser its parse.
  struct Hit {
    uint64_t owner = 0;         // the Verifier id that verified the token
    uint64_t keys_version = 0;  // its KeyStore's version() before that verify
    size_t header_b64_len = 0;  // the header segment is token[0, header_b64_len)
    size_t payload_len = 0;
  };

  bool cacheable(std::string_view token) const noexcept {
    return token.size() <= max_token_bytes_;
  }

  // lookup copies the entry of |token| into |s| and returns true, or returns
  // false (no entry, or one being written meanwhile); on false |s|'s payload
  // buffers hold garbage. Never allocates.
  bool lookup(std::string_view token, ScratchImpl& s, Hit& out) const noexcept;

  // insert keeps what |s| holds after a successful verify of |token|: the
  // payload (|payload_len| bytes of s.payload) and its parse. Skipped when
  // the entry does not fit or the slot is being written. Never allocates;
  // evicts the oldest entry of the bucket.
  void insert(std::string_view token, uint64_t owner, uint64_t keys_version,
              size_t header_b64_len, const ScratchImpl& s, size_t payload_len) noexcept;

  // admit says whether a token just verified (a miss) is inserted: always
  // without admit_on_second_verify, else when |s| saw its hash before; it
  // remembers the hash otherwise. Per Scratch, so nothing shared is written.
  bool admit(std::string_view token, ScratchImpl& s) const noexcept;

  size_t entries() const noexcept { return buckets_ * kWays; }

 private:
  static constexpr size_t kWays = 4;
  struct alignas(64) Slot {
    std::atomic<uint64_t> seq{0};  // odd while written; 0 never written
    std::atomic<uint64_t> hash{0};
    std::atomic<uint64_t> owner{0};
    std::atomic<uint64_t> keys_version{0};
    std::atomic<uint64_t> stamp{0};     // insert order within the bucket
    std::atomic<uint64_t> lengths{0};   // token_len | header_b64_len << 32
    std::atomic<uint64_t> lengths2{0};  // payload_len | tape_words << 21 | string_bytes << 42
  };
  static uint64_t hash(std::string_view token) noexcept;
  size_t bucket(uint64_t h) const noexcept {
    return static_cast<size_t>((static_cast<unsigned __int128>(h) * buckets_) >> 64);
  }
  std::atomic<uint64_t>* data(size_t slot) const noexcept { return data_.get() + slot * words_; }

  size_t max_token_bytes_;
  bool admit_on_second_verify_;
  size_t buckets_;
  size_t words_;  // data words per slot
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<std::atomic<uint64_t>[]> data_;
};

// CacheAccess is the cached verify of Verifier and MultiIssuerVerifier
// (cache.cc): a lookup, and on a miss the ordinary verify and an insert.
struct CacheAccess {
  static Status verify(const Verifier& v, std::string_view token, ScratchImpl& s,
                       Claims& out) noexcept;
  static Status verify(const MultiIssuerVerifier& m, std::string_view token, ScratchImpl& s,
                       Claims& out) noexcept;

 private:
  static bool hit(const Verifier& v, const TokenCache::Hit& hit, uint64_t keys_version,
                  std::string_view token, ScratchImpl& s, Claims& out, Status& status) noexcept;
};

}  // namespace jve::detail
