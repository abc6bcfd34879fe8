// jve/revocation.h: a local replica of a revocation list, checked by every
// verify in memory (no lock shared with other verifying threads, no
// allocation, no network). A Policy names one with Policy::revocation; a
// revoked token fails with Status::revoked after the claim rules pass.
//
// The list is filled by whoever owns it: the application (replace/add), or
// jve::RedisRevocations (jve/redis_revocations.h, library jve_revocation_redis),
// which keeps it current from Redis for a whole fleet.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jve/claims.h"
#include "jve/reader_gate.h"
#include "jve/status.h"

namespace jve {

// Revocation is one entry. Every entry carries the time after which it can
// no longer match a valid token, and drops out by itself then.
struct Revocation {
  enum class Kind : uint8_t {
    jti = 1,      // the token with this jti from issuer |iss|
    subject = 2,  // tokens of subject |value| from |iss| with iat < |before|
    key = 3,      // tokens from |iss| signed under kid |value| with iat < |before|;
                  // an empty |value| means every key of |iss|
  };
  Kind kind = Kind::jti;
  // The issuer the entry applies to; empty: tokens of any issuer (a token
  // without iss is matched by empty-iss entries only).
  std::string iss;
  std::string value;   // the jti, sub or kid
  int64_t before = 0;  // subject/key: the iat cut-off (seconds); unused for jti
  // Seconds since the epoch after which the entry is ignored and dropped:
  // for a jti, the token's exp plus the leeway; for a cut-off, the cut-off
  // plus the longest lifetime a token may have.
  int64_t expires_at = 0;

  bool operator==(const Revocation&) const = default;
};

// Limits of one entry; longer fields are refused by the parser and by add().
inline constexpr size_t kMaxRevocationField = 1024;
// The largest entry text (JSON) parse_revocation reads.
inline constexpr size_t kMaxRevocationText = 4096;

// parse_revocation reads one entry in its text form, a JSON object (the
// Redis member and pub/sub message, README "Revocation"):
//   {"jti":"<jti>","iss":"<iss>","exp":<expires_at>}
//   {"sub":"<sub>","iss":"<iss>","before":<iat cut-off>,"exp":<expires_at>}
//   {"kid":"<kid>","iss":"<iss>","before":<iat cut-off>,"exp":<expires_at>}
//   {"iss":"<iss>","before":<iat cut-off>,"exp":<expires_at>}   (every key of iss)
// At most one of jti/sub/kid; "iss" may be omitted (any issuer); times are
// integers; no other member; fields at most kMaxRevocationField bytes,
// the text at most kMaxRevocationText. Returns ok, or bad_json (not
// strict JSON, wrong types, unknown or conflicting members), too_large,
// duplicate_member. Never throws.
[[nodiscard]] Status parse_revocation(std::string_view text, Revocation& out) noexcept;

// format_revocation writes the canonical text form of |r| (members in the
// order above), which parse_revocation reads back to |r|.
std::string format_revocation(const Revocation& r);

// What a verify does when the list has not been confirmed current (mark_synced)
// for longer than a bound, e.g. while Redis is unreachable.
enum class StalePolicy : uint8_t {
  accept,  // fail open (default): keep checking against the last state
  reject,  // fail closed: every token is Status::revoked until the list is current again
};

namespace detail {
struct RevocationTable;
}

// RevocationList: the replica. Writers (replace/add/prune) build a new
// immutable table and publish it with one atomic exchange; a verify pins
// the current table through a detail::ReaderGate (the KeyStore mechanism:
// striped counters, no lock, no allocation) and probes an open-addressing
// hash table. Writers are serialised among themselves and wait one verify
// for the readers of the table they replaced.
class RevocationList {
 public:
  RevocationList();
  ~RevocationList();
  RevocationList(const RevocationList&) = delete;
  RevocationList& operator=(const RevocationList&) = delete;

  // replace publishes exactly |entries| (a full load), less those expired at
  // |now|. Duplicates merge (the later cut-off and expiry win). Entries
  // with a field longer than kMaxRevocationField are skipped. Returns the
  // number of entries kept.
  size_t replace(std::span<const Revocation> entries, int64_t now);
  // add merges |entries| into the current list, dropping the expired ones.
  size_t add(std::span<const Revocation> entries, int64_t now);
  // prune drops the entries expired at |now|.
  size_t prune(int64_t now);

  // check is the verify's test of a token whose claim rules passed: ok, or
  // revoked. |kid| is the header's kid (empty when none). |now| is the
  // verify's clock. No lock, no allocation.
  [[nodiscard]] Status check(const Claims& claims, std::string_view kid,
                             int64_t now) const noexcept;

  // Freshness: an owner that keeps the list current (RedisRevocations) calls
  // mark_synced whenever it has confirmed that the list matches the store.
  // With StalePolicy::reject, a verify more than |max_age_ms| after the last
  // mark (or before the first) fails with revoked. Set before verifying.
  void set_stale_policy(StalePolicy policy, int64_t max_age_ms) noexcept;
  void mark_synced() noexcept;
  // Milliseconds since the last mark_synced; -1 if never.
  int64_t age_ms() const noexcept;
  bool stale() const noexcept;

  size_t size() const noexcept;
  // Bytes the current table holds (entries, strings, hash slots).
  size_t memory_bytes() const noexcept;
  uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }
  // A copy of the current entries (cold path; tests, the CLI, resyncs).
  std::vector<Revocation> entries() const;

 private:
  // Publishes |next| and frees the previous table once no verify holds it;
  // writers_ held.
  void swap_in(const detail::RevocationTable* next) noexcept;

  std::atomic<const detail::RevocationTable*> current_;
  std::atomic<uint64_t> version_{0};
  std::atomic<int64_t> synced_at_ms_{-1};  // steady clock
  std::atomic<int64_t> stale_after_ms_{0};
  std::atomic<uint8_t> stale_policy_{static_cast<uint8_t>(StalePolicy::accept)};
  detail::ReaderGate gate_;
  std::mutex writers_;
};

}  // namespace jve
