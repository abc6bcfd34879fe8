// RevocationList: an immutable open-addressing table per published version,
// read through detail::ReaderGate like KeyStore's key sets.
//
// Why a rebuilt immutable table rather than a concurrent map: the verify
// side must take no lock and allocate nothing, and writes are rare (a
// revocation, a resync) and batched by their owner, so copying the table on
// write (milliseconds for 100,000 entries) costs nothing a verify sees.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#include "jve/policy.h"
#include "jve/revocation.h"
#include "verify/revocation_check.h"

namespace jve {

namespace detail {

struct RevocationTable {
  // Strings live in |arena|: the kind byte, then iss, then value.
  struct Entry {
    uint32_t offset;
    uint16_t iss_len;
    uint16_t value_len;
    int64_t before;
    int64_t expires_at;
  };
  std::vector<Entry> entries;
  std::string arena;
  // A slot is (32-bit hash tag << 32) | (entry index + 1); 0 is empty.
  std::vector<uint64_t> slots;
  uint64_t mask = 0;
  uint64_t seed = 0;
  // Issuers: while there are at most kInterned distinct ones (a service
  // trusts a few), a slot's hash starts from its issuer's index here, so a
  // verify compares its iss with a few strings instead of hashing it. More
  // issuers: the issuer text is hashed. Index 0 is the empty issuer.
  static constexpr size_t kInterned = 8;
  std::vector<std::string> issuers = {std::string()};
  bool hashed_issuers = false;
  uint64_t empty_issuer_key = 0;
  size_t by_kind[4] = {0, 0, 0, 0};
  bool any_iss[4] = {false, false, false, false};  // entries with an empty iss
  bool any_kid = false;                            // key entries for every kid
  // Key cut-offs are rare (a leaked key); while there are few, a verify
  // scans them instead of hashing the kid.
  static constexpr size_t kKeyScan = 16;
  // {kid length, entry index}: a kid of another length is passed over
  // without touching the entry. Filled when by_kind[key] <= kKeyScan.
  std::vector<std::pair<uint32_t, uint32_t>> key_entries;

  uint8_t kind(const Entry& e) const noexcept { return static_cast<uint8_t>(arena[e.offset]); }
  std::string_view iss(const Entry& e) const noexcept {
    return {arena.data() + e.offset + 1, e.iss_len};
  }
  std::string_view value(const Entry& e) const noexcept {
    return {arena.data() + e.offset + 1 + e.iss_len, e.value_len};
  }
  size_t bytes() const noexcept {
    size_t n = sizeof(*this) + entries.capacity() * sizeof(Entry) + arena.capacity() +
               slots.capacity() * sizeof(uint64_t);
    for (const std::string& i : issuers) n += i.capacity();
    return n;
  }

  // issuer_key: the start of the hash of |iss|'s entries; false when the
  // table holds none for |iss|.
  bool issuer_key(std::string_view iss, uint64_t& out) const noexcept;
  const Entry* find(uint8_t k, std::string_view i, std::string_view v, uint64_t h) const noexcept;
  const Entry* lookup(uint8_t k, uint64_t ikey, std::string_view i, std::string_view v,
                      int64_t now) const noexcept;
};

namespace {

// 64x64 -> 128-bit multiply, folded: one instruction's latency per 16 bytes.
inline uint64_t mum(uint64_t a, uint64_t b) noexcept {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t read8(const char* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// A short multiply-fold hash (wyhash's shape) over 16-byte steps; the seed
// is random per table, so colliding entries cannot be prepared in advance.
// The verify hashes a jti and a sub with it: its latency is the check's.
uint64_t hash_bytes(std::string_view s, uint64_t seed) noexcept {
  constexpr uint64_t k1 = 0xA0761D6478BD642Full, k2 = 0xE7037ED1A0B428DBull;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t a = 0, b = 0;
  // Fixed-size, overlapping loads (no memcpy call); n is mixed in below.
  if (n >= 8 && n <= 16) {
    a = read8(p);
    b = read8(p + n - 8);
  } else if (n >= 4 && n < 8) {
    uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0 && n < 4) {
    const auto u = [p](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(p[i])); };
    a = u(0) << 16 | u(n >> 1) << 8 | u(n - 1);
  } else if (n > 16) {
    size_t i = n;
    for (; i > 16; i -= 16, p += 16) seed = mum(read8(p) ^ k1, read8(p + 8) ^ seed);
    a = read8(p + i - 16);  // the last 16 bytes, overlapping the steps above
    b = read8(p + i - 8);
  }
  return mum(k1 ^ n, mum(a ^ k2, b ^ seed ^ k1));
}

inline uint64_t slot_hash(uint64_t issuer_key, uint8_t kind, std::string_view value) noexcept {
  return hash_bytes(value, issuer_key ^ (kind * 0xC2B2AE3D27D4EB4Full));
}

}  // namespace

const RevocationTable::Entry* RevocationTable::find(uint8_t k, std::string_view i,
                                                    std::string_view v,
                                                    uint64_t h) const noexcept {
  const uint64_t tag = h >> 32;
  for (uint64_t at = h & mask;; at = (at + 1) & mask) {
    const uint64_t slot = slots[at];
    if (slot == 0) return nullptr;
    if ((slot >> 32) != tag) continue;
    const Entry& e = entries[(slot & 0xFFFFFFFFu) - 1];
    if (kind(e) == k && iss(e) == i && value(e) == v) return &e;
  }
}

bool RevocationTable::issuer_key(std::string_view iss, uint64_t& out) const noexcept {
  if (hashed_issuers) {
    out = hash_bytes(iss, seed);
    return true;
  }
  for (size_t i = 0; i < issuers.size(); ++i) {
    if (issuers[i] == iss) {
      out = seed + i * 0x9E3779B97F4A7C15ull;
      return true;
    }
  }
  return false;
}

const RevocationTable::Entry* RevocationTable::lookup(uint8_t k, uint64_t ikey, std::string_view i,
                                                      std::string_view v,
                                                      int64_t now) const noexcept {
  const Entry* e = find(k, i, v, slot_hash(ikey, k, v));
  return e && now <= e->expires_at ? e : nullptr;
}

namespace {

// Builder fills a table: inserting a key already present merges the two
// (the later cut-off and the later expiry win).
class Builder {
 public:
  Builder(size_t expected, uint64_t seed) {
    size_t n = 16;
    while (n < expected * 2) n <<= 1;  // load factor at most 1/2
    t_ = std::make_unique<RevocationTable>();
    t_->slots.assign(n, 0);
    t_->mask = n - 1;
    t_->seed = seed;
    t_->entries.reserve(expected);
  }

  void insert(uint8_t kind, std::string_view iss, std::string_view value, int64_t before,
              int64_t expires_at) {
    if (iss.size() > kMaxRevocationField || value.size() > kMaxRevocationField) return;
    if (t_->entries.size() * 2 >= t_->slots.size()) grow();
    uint64_t ikey = 0;
    if (!t_->issuer_key(iss, ikey)) {
      if (t_->issuers.size() < RevocationTable::kInterned) {
        t_->issuers.emplace_back(iss);
      } else {
        t_->hashed_issuers = true;
        rehash(t_->slots.size());
      }
      t_->issuer_key(iss, ikey);
    }
    const uint64_t h = slot_hash(ikey, kind, value);
    if (RevocationTable::Entry* e = const_cast<RevocationTable::Entry*>(t_->find(kind, iss, value, h))) {
      e->before = std::max(e->before, before);
      e->expires_at = std::max(e->expires_at, expires_at);
      return;
    }
    RevocationTable::Entry e{static_cast<uint32_t>(t_->arena.size()),
                             static_cast<uint16_t>(iss.size()),
                             static_cast<uint16_t>(value.size()), before, expires_at};
    t_->arena.push_back(static_cast<char>(kind));
    t_->arena.append(iss);
    t_->arena.append(value);
    t_->entries.push_back(e);
    place(h, t_->entries.size());
    t_->by_kind[kind] += 1;
    if (iss.empty()) t_->any_iss[kind] = true;
    if (kind == static_cast<uint8_t>(Revocation::Kind::key) && value.empty()) t_->any_kid = true;
  }

  std::unique_ptr<RevocationTable> finish() {
    t_->issuer_key(std::string_view(), t_->empty_issuer_key);
    constexpr auto kKey = static_cast<uint8_t>(Revocation::Kind::key);
    if (t_->by_kind[kKey] <= RevocationTable::kKeyScan)
      for (uint32_t i = 0; i < t_->entries.size(); ++i)
        if (t_->kind(t_->entries[i]) == kKey) t_->key_entries.emplace_back(t_->entries[i].value_len, i);
    t_->entries.shrink_to_fit();
    t_->arena.shrink_to_fit();
    return std::move(t_);
  }

 private:
  void place(uint64_t h, size_t index_plus_one) {
    uint64_t at = h & t_->mask;
    while (t_->slots[at] != 0) at = (at + 1) & t_->mask;
    t_->slots[at] = ((h >> 32) << 32) | index_plus_one;
  }
  void grow() { rehash(t_->slots.size() * 2); }
  void rehash(size_t slots) {
    t_->slots.assign(slots, 0);
    t_->mask = slots - 1;
    for (size_t i = 0; i < t_->entries.size(); ++i) {
      const auto& e = t_->entries[i];
      uint64_t ikey = 0;
      t_->issuer_key(t_->iss(e), ikey);
      place(slot_hash(ikey, t_->kind(e), t_->value(e)), i + 1);
    }
  }

  std::unique_ptr<RevocationTable> t_;
};

uint64_t fresh_seed() {
  static std::atomic<uint64_t> counter{std::random_device{}()};
  return hash_bytes("jve", counter.fetch_add(0x9E3779B97F4A7C15ull));
}

int64_t steady_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Pins the current table for a scope.
class Pin {
 public:
  Pin(const ReaderGate& gate, const std::atomic<const RevocationTable*>& current) noexcept
      : ticket_(gate.enter()), table_(current.load(std::memory_order_seq_cst)) {}
  ~Pin() { ReaderGate::leave(ticket_); }
  Pin(const Pin&) = delete;
  Pin& operator=(const Pin&) = delete;
  const RevocationTable& operator*() const noexcept { return *table_; }

 private:
  ReaderGate::Ticket ticket_;
  const RevocationTable* table_;
};

}  // namespace

Status check_revocation(const Policy& policy, const Claims& claims, int64_t now) noexcept {
  if (!policy.revocation) return Status::ok;
  return policy.revocation->check(claims, claims.header.kid.value_or(std::string_view()), now);
}

}  // namespace detail

using detail::RevocationTable;

RevocationList::RevocationList() : current_(detail::Builder(0, detail::fresh_seed()).finish().release()) {}

RevocationList::~RevocationList() { delete current_.load(); }

void RevocationList::swap_in(const RevocationTable* next) noexcept {
  std::unique_ptr<const RevocationTable> old(current_.exchange(next, std::memory_order_seq_cst));
  version_.fetch_add(1, std::memory_order_release);
  if (!gate_.wait_for_readers()) detail::ReaderGate::keep_forever(std::move(old));
}

size_t RevocationList::replace(std::span<const Revocation> entries, int64_t now) {
  detail::Builder b(entries.size(), detail::fresh_seed());
  for (const Revocation& r : entries)
    if (now <= r.expires_at)
      b.insert(static_cast<uint8_t>(r.kind), r.iss, r.value, r.before, r.expires_at);
  std::unique_ptr<RevocationTable> next = b.finish();
  const size_t n = next->entries.size();
  std::lock_guard<std::mutex> lock(writers_);
  swap_in(next.release());
  return n;
}

size_t RevocationList::add(std::span<const Revocation> entries, int64_t now) {
  std::lock_guard<std::mutex> lock(writers_);
  const RevocationTable& cur = *current_.load(std::memory_order_acquire);  // writers_ keeps it
  detail::Builder b(cur.entries.size() + entries.size(), detail::fresh_seed());
  for (const auto& e : cur.entries)
    if (now <= e.expires_at) b.insert(cur.kind(e), cur.iss(e), cur.value(e), e.before, e.expires_at);
  for (const Revocation& r : entries)
    if (now <= r.expires_at)
      b.insert(static_cast<uint8_t>(r.kind), r.iss, r.value, r.before, r.expires_at);
  std::unique_ptr<RevocationTable> next = b.finish();
  const size_t n = next->entries.size();
  swap_in(next.release());
  return n;
}

size_t RevocationList::prune(int64_t now) { return add({}, now); }

Status RevocationList::check(const Claims& claims, std::string_view kid,
                             int64_t now) const noexcept {
  if (stale_policy_.load(std::memory_order_relaxed) == static_cast<uint8_t>(StalePolicy::reject) &&
      stale())
    return Status::revoked;
  detail::Pin pin(gate_, current_);
  const RevocationTable& t = *pin;
  if (t.entries.empty()) return Status::ok;
  const std::string_view iss = claims.iss.value_or(std::string_view());
  constexpr auto kJti = static_cast<uint8_t>(Revocation::Kind::jti);
  constexpr auto kSub = static_cast<uint8_t>(Revocation::Kind::subject);
  constexpr auto kKey = static_cast<uint8_t>(Revocation::Kind::key);
  // A cut-off revokes tokens issued before it; a token without iat cannot
  // show it came after, so it is revoked too.
  auto applies = [&](const RevocationTable::Entry* e, bool cutoff) noexcept {
    return e != nullptr && (!cutoff || !claims.iat || *claims.iat < static_cast<double>(e->before));
  };
  // Each kind: the entry for this issuer, then (when the table has any) the
  // one for every issuer; each is tested on its own cut-off.
  uint64_t ikey = 0;
  const bool listed_issuer = t.issuer_key(iss, ikey);
  auto hit = [&](uint8_t k, std::string_view v, bool cutoff) noexcept {
    if (listed_issuer && applies(t.lookup(k, ikey, iss, v, now), cutoff)) return true;
    return t.any_iss[k] && !iss.empty() &&
           applies(t.lookup(k, t.empty_issuer_key, std::string_view(), v, now), cutoff);
  };
  if (t.by_kind[kJti] != 0 && claims.jti && hit(kJti, *claims.jti, false)) return Status::revoked;
  if (t.by_kind[kSub] != 0 && claims.sub && hit(kSub, *claims.sub, true)) return Status::revoked;
  if (t.by_kind[kKey] != 0 && t.by_kind[kKey] <= RevocationTable::kKeyScan) {
    for (const auto& [len, i] : t.key_entries) {
      if (len != 0 && len != kid.size()) continue;
      const RevocationTable::Entry& e = t.entries[i];
      const std::string_view ei = t.iss(e), ev = t.value(e);
      // The kid first: it tells entries apart; the issuer is usually shared.
      if ((ev.empty() || ev == kid) && (ei.empty() || ei == iss) && now <= e.expires_at &&
          applies(&e, true))
        return Status::revoked;
    }
  } else if (t.by_kind[kKey] != 0) {
    if (hit(kKey, kid, true)) return Status::revoked;
    if (t.any_kid && !kid.empty() && hit(kKey, std::string_view(), true)) return Status::revoked;
  }
  return Status::ok;
}

void RevocationList::set_stale_policy(StalePolicy policy, int64_t max_age_ms) noexcept {
  stale_after_ms_.store(max_age_ms, std::memory_order_relaxed);
  stale_policy_.store(static_cast<uint8_t>(policy), std::memory_order_relaxed);
}

void RevocationList::mark_synced() noexcept {
  synced_at_ms_.store(detail::steady_ms(), std::memory_order_release);
}

int64_t RevocationList::age_ms() const noexcept {
  const int64_t at = synced_at_ms_.load(std::memory_order_acquire);
  return at < 0 ? -1 : detail::steady_ms() - at;
}

bool RevocationList::stale() const noexcept {
  const int64_t age = age_ms();
  return age < 0 || age > stale_after_ms_.load(std::memory_order_relaxed);
}

size_t RevocationList::size() const noexcept {
  detail::Pin pin(gate_, current_);
  return (*pin).entries.size();
}

size_t RevocationList::memory_bytes() const noexcept {
  detail::Pin pin(gate_, current_);
  return (*pin).bytes();
}

std::vector<Revocation> RevocationList::entries() const {
  detail::Pin pin(gate_, current_);
  const RevocationTable& t = *pin;
  std::vector<Revocation> out;
  out.reserve(t.entries.size());
  for (const auto& e : t.entries)
    out.push_back(Revocation{static_cast<Revocation::Kind>(t.kind(e)), std::string(t.iss(e)),
                             std::string(t.value(e)), e.before, e.expires_at});
  return out;
}

}  // namespace jve
