// The verified-token cache: the table (see verify/token_cache.h for the
// thread design) and the hit path of Verifier and MultiIssuerVerifier.
//
// A hit copies back into the Scratch what the miss left there (the decoded
// payload and its simdjson tape and strings), so the Claims it returns,
// their JSON-pointer access and authorization read exactly what a miss
// gives; then it runs the Verifier's stage 8 (Verifier::check_claims), the
// function a miss ends with, at the current clock. Re-parsing the payload
// instead would cost more than the whole hit budget.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "jve/cache.h"
#include "jve/multi_issuer.h"
#include "jve/verifier.h"
#include "verify/prepared_token.h"
#include "verify/scratch_impl.h"
#include "verify/token_cache.h"

namespace jve {

namespace {

constexpr size_t kSlotOverhead = 64;  // sizeof(TokenCache::Slot)

size_t words_for(size_t bytes) noexcept { return (bytes + 7) / 8; }

std::string check_options(const VerifyCache& o) {
  if (o.entries == 0 || o.entries > kMaxCacheEntries)
    return "VerifyCache.entries must be 1 to " + std::to_string(kMaxCacheEntries);
  if (o.entry_bytes < 64 || o.entry_bytes > kMaxCacheEntryBytes)
    return "VerifyCache.entry_bytes must be 64 to " + std::to_string(kMaxCacheEntryBytes);
  if (o.max_token_bytes == 0 || o.max_token_bytes > kMaxTokenBytesCeiling)
    return "VerifyCache.max_token_bytes must be 1 to " + std::to_string(kMaxTokenBytesCeiling);
  return {};
}

size_t rounded_entries(size_t entries) noexcept { return (entries + 3) / 4 * 4; }

// Copies between the table's atomic words and plain bytes. Relaxed loads and
// stores compile to plain moves; the slot's sequence number orders them.
void load_bytes(const std::atomic<uint64_t>* src, uint8_t* dst, size_t bytes) noexcept {
#pragma GCC unroll 4
  for (size_t i = 0, n = words_for(bytes); i < n; ++i) {
    const uint64_t w = src[i].load(std::memory_order_relaxed);
    std::memcpy(dst + i * 8, &w, 8);  // |dst| has room for the whole last word
  }
}

void store_bytes(std::atomic<uint64_t>* dst, const uint8_t* src, size_t bytes) noexcept {
  size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    uint64_t w;
    std::memcpy(&w, src + i, 8);
    dst[i / 8].store(w, std::memory_order_relaxed);
  }
  if (i < bytes) {  // the last word, zero-padded
    uint64_t w = 0;
    std::memcpy(&w, src + i, bytes - i);
    dst[i / 8].store(w, std::memory_order_relaxed);
  }
}

bool equal_bytes(const std::atomic<uint64_t>* stored, std::string_view token) noexcept {
  const char* p = token.data();
  const size_t n = token.size();
  uint64_t diff = 0, diff2 = 0;  // two chains: the loads overlap
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    uint64_t w[2];
    std::memcpy(w, p + i, 16);
    diff |= w[0] ^ stored[i / 8].load(std::memory_order_relaxed);
    diff2 |= w[1] ^ stored[i / 8 + 1].load(std::memory_order_relaxed);
  }
  diff |= diff2;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    diff |= w ^ stored[i / 8].load(std::memory_order_relaxed);
  }
  if (i < n) {
    uint64_t w = 0;
    std::memcpy(&w, p + i, n - i);
    diff |= w ^ stored[i / 8].load(std::memory_order_relaxed);
  }
  return diff == 0;
}

}  // namespace

size_t cache_bytes(const VerifyCache& options) noexcept {
  if (!check_options(options).empty()) return 0;
  return rounded_entries(options.entries) * (kSlotOverhead + words_for(options.entry_bytes) * 8);
}

namespace detail {

TokenCache::TokenCache(const VerifyCache& options) {
  static_assert(sizeof(Slot) == kSlotOverhead);
  if (std::string why = check_options(options); !why.empty()) throw std::invalid_argument(why);
  max_token_bytes_ = options.max_token_bytes;
  admit_on_second_verify_ = options.admit_on_second_verify;
  buckets_ = rounded_entries(options.entries) / kWays;
  words_ = words_for(options.entry_bytes);
  slots_ = std::make_unique<Slot[]>(buckets_ * kWays);
  data_ = std::make_unique<std::atomic<uint64_t>[]>(buckets_ * kWays * words_);
}

// The last 32 bytes and the length pick the bucket: they end in the
// signature, which differs between any two tokens that both verified, so
// hashing the whole token would only cost time. Tokens sharing a tail (a
// forger's edits of a cached token) share a bucket and are told apart by
// the full compare; none of them can be inserted, since they do not verify.
uint64_t TokenCache::hash(std::string_view token) noexcept {
  uint8_t tail[32] = {};
  const size_t n = std::min<size_t>(token.size(), sizeof tail);
  if (n != 0) std::memcpy(tail, token.data() + token.size() - n, n);  // "" may have a null data()
  uint64_t h = 0x9E3779B97F4A7C15ull ^ token.size();
  for (size_t i = 0; i < sizeof tail; i += 8) {
    uint64_t w;
    std::memcpy(&w, tail + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  return h;
}

bool TokenCache::admit(std::string_view token, ScratchImpl& s) const noexcept {
  if (!admit_on_second_verify_) return true;
  const uint64_t h = hash(token);
  uint64_t& seen = s.seen_tokens[h >> 56];
  if (seen == h) return true;
  seen = h;
  return false;
}

bool TokenCache::lookup(std::string_view token, ScratchImpl& s, Hit& out) const noexcept {
  const uint64_t h = hash(token);
  const size_t first = bucket(h) * kWays;
  for (size_t slot = first; slot < first + kWays; ++slot) {
    const Slot& e = slots_[slot];
    const uint64_t seq = e.seq.load(std::memory_order_acquire);
    if (seq == 0 || (seq & 1) != 0) continue;
    if (e.hash.load(std::memory_order_relaxed) != h) continue;
    const uint64_t lengths = e.lengths.load(std::memory_order_relaxed);
    if ((lengths & 0xFFFFFFFF) != token.size()) continue;
    const std::atomic<uint64_t>* d = data(slot);
    if (words_for(token.size()) > words_ || !equal_bytes(d, token)) continue;
    // The rest may be torn by a concurrent insert: bound every length before
    // copying, and let the sequence check below throw the copy away.
    const uint64_t lengths2 = e.lengths2.load(std::memory_order_relaxed);
    const size_t payload_len = lengths2 & 0x1FFFFF;
    const size_t tape_words = (lengths2 >> 21) & 0x1FFFFF;
    const size_t string_bytes = (lengths2 >> 42) & 0x1FFFFF;
    const size_t at_payload = words_for(token.size());
    const size_t at_tape = at_payload + words_for(payload_len);
    const size_t at_strings = at_tape + tape_words;
    if (at_strings + words_for(string_bytes) > words_) return false;
    if (payload_len + 8 > s.payload.size()) return false;
    uint64_t* tape = s.payload_parser.tape_buffer(tape_words);
    uint8_t* strings = s.payload_parser.string_buffer(string_bytes);
    if (tape == nullptr || strings == nullptr) return false;
    load_bytes(d + at_payload, s.payload.data(), payload_len);
#pragma GCC unroll 4
    for (size_t i = 0; i < tape_words; ++i) tape[i] = d[at_tape + i].load(std::memory_order_relaxed);
    load_bytes(d + at_strings, strings, string_bytes);
    out.owner = e.owner.load(std::memory_order_relaxed);
    out.keys_version = e.keys_version.load(std::memory_order_relaxed);
    out.header_b64_len = static_cast<size_t>(lengths >> 32);
    out.payload_len = payload_len;
    std::atomic_thread_fence(std::memory_order_acquire);
    return e.seq.load(std::memory_order_relaxed) == seq && tape_words > 0 &&
           out.header_b64_len < token.size();
  }
  return false;
}

void TokenCache::insert(std::string_view token, uint64_t owner, uint64_t keys_version,
                        size_t header_b64_len, const ScratchImpl& s, size_t payload_len) noexcept {
  if (!cacheable(token)) return;
  const json::StrictParser::Parsed parsed = s.payload_parser.parsed();
  if (parsed.tape == nullptr || parsed.tape_words > 0x1FFFFF || parsed.string_bytes > 0x1FFFFF ||
      payload_len > 0x1FFFFF)
    return;
  const size_t at_payload = words_for(token.size());
  const size_t at_tape = at_payload + words_for(payload_len);
  const size_t at_strings = at_tape + parsed.tape_words;
  if (at_strings + words_for(parsed.string_bytes) > words_) return;  // does not fit an entry

  // The victim: the same token's slot (an entry of an older key set), else
  // an empty one, else the bucket's oldest. Four slots: bounded work.
  const uint64_t h = hash(token);
  const size_t first = bucket(h) * kWays;
  size_t victim = first;
  uint64_t oldest = UINT64_MAX, newest = 0;
  for (size_t slot = first; slot < first + kWays; ++slot) {
    const Slot& e = slots_[slot];
    const uint64_t stamp = e.stamp.load(std::memory_order_relaxed);
    newest = std::max(newest, stamp);
    if (e.seq.load(std::memory_order_relaxed) == 0) {
      if (oldest != 0) victim = slot;
      oldest = 0;
    } else if (e.hash.load(std::memory_order_relaxed) == h &&
               (e.lengths.load(std::memory_order_relaxed) & 0xFFFFFFFF) == token.size()) {
      victim = slot;
      oldest = 0;
      break;
    } else if (stamp < oldest) {
      victim = slot;
      oldest = stamp;
    }
  }

  Slot& e = slots_[victim];
  uint64_t seq = e.seq.load(std::memory_order_relaxed);
  // Another thread is writing this slot: skip rather than wait.
  if ((seq & 1) != 0 ||
      !e.seq.compare_exchange_strong(seq, seq + 1, std::memory_order_acquire,
                                     std::memory_order_relaxed))
    return;
  // Orders the odd sequence before the writes below, for readers.
  std::atomic_thread_fence(std::memory_order_release);
  std::atomic<uint64_t>* d = data(victim);
  e.hash.store(h, std::memory_order_relaxed);
  e.owner.store(owner, std::memory_order_relaxed);
  e.keys_version.store(keys_version, std::memory_order_relaxed);
  e.stamp.store(newest + 1, std::memory_order_relaxed);
  e.lengths.store(token.size() | (static_cast<uint64_t>(header_b64_len) << 32),
                  std::memory_order_relaxed);
  e.lengths2.store(payload_len | (static_cast<uint64_t>(parsed.tape_words) << 21) |
                       (static_cast<uint64_t>(parsed.string_bytes) << 42),
                   std::memory_order_relaxed);
  store_bytes(d, reinterpret_cast<const uint8_t*>(token.data()), token.size());
  store_bytes(d + at_payload, s.payload.data(), payload_len);
  for (size_t i = 0; i < parsed.tape_words; ++i)
    d[at_tape + i].store(parsed.tape[i], std::memory_order_relaxed);
  store_bytes(d + at_strings, parsed.strings, parsed.string_bytes);
  e.seq.store(seq + 2, std::memory_order_release);
}

// ---- The hit path ------------------------------------------------------

// hit finishes a lookup for |v|: the header (remembered by the scratch, or
// stages 2-3 again), the Claims bound to the restored parse, then stage 8.
// False when the entry is not |v|'s current one: the caller verifies.
bool CacheAccess::hit(const Verifier& v, const TokenCache::Hit& hit, uint64_t keys_version,
                      std::string_view token, ScratchImpl& s, Claims& out,
                      Status& status) noexcept {
  if (hit.owner != v.id_ || hit.keys_version != keys_version) return false;
  // |out| is not cleared first (zeroing it costs a tenth of a hit): the
  // header stage sets all of out.header, and stage 8 every registered claim.
  if (v.check_header_segment(token.substr(0, hit.header_b64_len), s, out.header) != Status::ok)
    return false;
  s.claims.root = s.payload_parser.restore_root();
  ClaimsAccess::bind(out, &s.claims,
                     {reinterpret_cast<const char*>(s.payload.data()), hit.payload_len});
  ++s.cache_hits;
  status = v.check_claims(s, out);
  return true;
}

Status CacheAccess::verify(const Verifier& v, std::string_view token, ScratchImpl& s,
                           Claims& out) noexcept {
  TokenCache& cache = *v.cache_;
  if (!cache.cacheable(token) || token.size() > v.policy_.max_token_bytes)
    return v.verify_token(token, s, nullptr, out);
  if (!s.prepare(v.policy_.max_token_bytes, v.policy_.max_json_depth))
    return Status::internal_error;
  // Read before the verify pins its snapshot: replace() publishes the set
  // before it bumps the version, so an entry is never tagged with a
  // version newer than the set that verified it.
  const uint64_t version = v.store_->version();
  TokenCache::Hit h;
  Status st;
  // A stale entry (older key set) was admitted before: replace it at once.
  const bool found = cache.lookup(token, s, h);
  if (found && hit(v, h, version, token, s, out, st)) return st;
  st = v.verify_token(token, s, nullptr, out);
  if (st == Status::ok && (found || cache.admit(token, s)))
    cache.insert(token, v.id_, version, token.find('.'), s, out.json().size());
  return st;
}

Status CacheAccess::verify(const MultiIssuerVerifier& m, std::string_view token,
                           ScratchImpl& s, Claims& out) noexcept {
  TokenCache& cache = *m.cache_;
  bool found = false;
  if (cache.cacheable(token) && token.size() <= m.max_token_bytes_) {
    if (!s.prepare(m.max_token_bytes_, m.max_json_depth_)) return Status::internal_error;
    TokenCache::Hit h;
    if ((found = cache.lookup(token, s, h))) {
      const Verifier* v = m.find_by_id(h.owner);
      Status st;
      if (v && token.size() <= v->policy_.max_token_bytes &&
          hit(*v, h, v->store_->version(), token, s, out, st))
        return st;
    }
  }
  out = Claims{};
  PreparedToken pre;
  const Verifier* v = nullptr;
  if (Status st = m.route(token, s, pre, v); st != Status::ok) return st;
  const uint64_t version = v->store_->version();
  const Status st = v->verify_token(token, s, &pre, out);
  if (st == Status::ok && cache.cacheable(token) && (found || cache.admit(token, s)))
    cache.insert(token, v->id_, version, token.find('.'), s, out.json().size());
  return st;
}

}  // namespace detail
}  // namespace jve
