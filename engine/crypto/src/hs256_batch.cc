// HS256 over a batch: HMAC-SHA256 (RFC 2104) of two tokens at a time on the
// SHA-NI kernels, or one at a time through BoringSSL. See hs256_batch.h.
#include "crypto/hs256_batch.h"

#include <openssl/mem.h>
#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "crypto/verify.h"
#include "sha256_lanes.h"

namespace jve::crypto {

namespace {

using sha256_lanes::Stream;

enum class Kernel : uint8_t { boringssl, sha_ni_x2 };

struct Entry {
  std::string_view name;
  Kernel kernel;
  bool (*supported)() noexcept;
};
bool always() noexcept { return true; }

#if defined(__x86_64__)
constexpr Entry kKernels[] = {
    {"sha_ni_x2", Kernel::sha_ni_x2, &sha256_lanes::has_sha_ni},
    {"boringssl", Kernel::boringssl, &always},
};
#else
constexpr Entry kKernels[] = {{"boringssl", Kernel::boringssl, &always}};
#endif

const Entry* choose() noexcept {
  if (const char* forced = std::getenv("JVE_FORCE_HS256_KERNEL"); forced && *forced) {
    for (const Entry& e : kKernels) {
      if (std::string_view(forced) == e.name && e.supported()) return &e;
    }
    return &kKernels[std::size(kKernels) - 1];  // boringssl: never a wrong verdict
  }
  for (const Entry& e : kKernels) {
    if (e.supported()) return &e;
  }
  return &kKernels[std::size(kKernels) - 1];
}

std::atomic<const Entry*>& active() noexcept {
  static std::atomic<const Entry*> e{choose()};  // thread-safe, once
  return e;
}

void put_be32(uint8_t* p, uint32_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// HmacLane is one job's HMAC in flight: the stream and its padded last
// block(s). The inner pass hashes msg after the 64-byte ipad block, so its
// length field counts 64 more bytes than msg (FIPS 180-4 §5.1.1).
struct HmacLane {
  Stream s;
  size_t blocks;
  alignas(16) uint8_t tail[128];

  void start_inner(const Hs256Job& j) noexcept {
    std::memcpy(s.h, j.key->hs256.inner.h, sizeof(s.h));
    const size_t len = j.msg.size();
    const size_t rest = len % 64;
    s.data = reinterpret_cast<const uint8_t*>(j.msg.data());
    s.full = len / 64;
    s.tail = tail;
    std::memset(tail, 0, sizeof(tail));
    if (rest != 0) std::memcpy(tail, s.data + 64 * s.full, rest);
    tail[rest] = 0x80;
    // The 8-byte bit length must fit after the 0x80: from 56 bytes on it
    // takes a second block.
    const size_t tail_blocks = rest < 56 ? 1 : 2;
    const uint64_t bits = (uint64_t{64} + len) * 8;
    put_be32(tail + 64 * tail_blocks - 8, static_cast<uint32_t>(bits >> 32));
    put_be32(tail + 64 * tail_blocks - 4, static_cast<uint32_t>(bits));
    blocks = s.full + tail_blocks;
  }

  // The outer pass: opad block (already in the pad state), then the 32-byte
  // inner digest, padded to one block of 96 bytes' length.
  void start_outer(const Hs256Job& j) noexcept {
    std::memset(tail, 0, 64);
    for (int i = 0; i < 8; ++i) put_be32(tail + 4 * i, s.h[i]);
    tail[32] = 0x80;
    put_be32(tail + 60, (64 + 32) * 8);
    std::memcpy(s.h, j.key->hs256.outer.h, sizeof(s.h));
    s.data = nullptr;
    s.full = 0;
    blocks = 1;
  }

  void tag(uint8_t out[32]) const noexcept {
    for (int i = 0; i < 8; ++i) put_be32(out + 4 * i, s.h[i]);
  }
};

#if defined(__x86_64__)
// Two jobs side by side. Their block counts differ when their lengths do:
// the common blocks run interleaved, the longer one's rest alone.
void tags_x2(const Hs256Job& ja, const Hs256Job& jb, uint8_t ta[32], uint8_t tb[32]) noexcept {
  HmacLane a, b;
  a.start_inner(ja);
  b.start_inner(jb);
  const size_t common = std::min(a.blocks, b.blocks);
  sha256_lanes::sha_ni_x2(a.s, b.s, 0, common);
  if (a.blocks > common) sha256_lanes::sha_ni_x1(a.s, common, a.blocks - common);
  if (b.blocks > common) sha256_lanes::sha_ni_x1(b.s, common, b.blocks - common);
  a.start_outer(ja);
  b.start_outer(jb);
  sha256_lanes::sha_ni_x2(a.s, b.s, 0, 1);
  a.tag(ta);
  b.tag(tb);
  // The states are key-dependent; do not leave them on the stack.
  OPENSSL_cleanse(&a, sizeof(a));
  OPENSSL_cleanse(&b, sizeof(b));
}

void tags_x1(const Hs256Job& j, uint8_t t[32]) noexcept {
  HmacLane a;
  a.start_inner(j);
  sha256_lanes::sha_ni_x1(a.s, 0, a.blocks);
  a.start_outer(j);
  sha256_lanes::sha_ni_x1(a.s, 0, 1);
  a.tag(t);
  OPENSSL_cleanse(&a, sizeof(a));
}
#endif

// The reference: BoringSSL's SHA-256 from the same pad states.
void tag_boringssl(const Hs256Job& j, uint8_t t[32]) noexcept {
  SHA256_CTX ctx = j.key->hs256.inner;
  SHA256_Update(&ctx, j.msg.data(), j.msg.size());
  SHA256_Final(t, &ctx);
  ctx = j.key->hs256.outer;
  SHA256_Update(&ctx, t, 32);
  SHA256_Final(t, &ctx);
  OPENSSL_cleanse(&ctx, sizeof(ctx));
}

// for_each_pair calls |two| on consecutive jobs two by two and |one| on an
// odd last one; jobs |usable| refuses are skipped (their index is not paired).
template <class Usable, class Two, class One>
void for_each_pair(std::span<const Hs256Job> jobs, Usable usable, Two two, One one) noexcept {
  size_t pending = jobs.size();  // an index waiting for a partner; size(): none
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!usable(i)) continue;
    if (pending == jobs.size()) {
      pending = i;
    } else {
      two(pending, i);
      pending = jobs.size();
    }
  }
  if (pending != jobs.size()) one(pending);
}

}  // namespace

void hs256_tags(std::span<const Hs256Job> jobs, std::span<std::array<uint8_t, 32>> tags) noexcept {
  const Kernel k = active().load(std::memory_order_relaxed)->kernel;
  auto usable = [](size_t) { return true; };
#if defined(__x86_64__)
  if (k == Kernel::sha_ni_x2) {
    for_each_pair(
        jobs, usable, [&](size_t a, size_t b) { tags_x2(jobs[a], jobs[b], tags[a].data(), tags[b].data()); },
        [&](size_t a) { tags_x1(jobs[a], tags[a].data()); });
    return;
  }
#endif
  (void)k;
  for (size_t i = 0; i < jobs.size(); ++i) tag_boringssl(jobs[i], tags[i].data());
}

void verify_hs256_batch(std::span<const Hs256Job> jobs, std::span<Status> out) noexcept {
  const Kernel k = active().load(std::memory_order_relaxed)->kernel;
#if defined(__x86_64__)
  if (k == Kernel::sha_ni_x2) {
    // Constant time, like crypto::verify: how many leading bytes of a forged
    // tag were right must not show.
    auto check = [&](size_t i, const uint8_t tag[32]) {
      out[i] = CRYPTO_memcmp(tag, jobs[i].sig, 32) == 0 ? Status::ok : Status::bad_signature;
    };
    auto usable = [&](size_t i) {
      if (jobs[i].key->family == Family::hmac) return true;
      out[i] = Status::internal_error;  // the caller selected the wrong key
      return false;
    };
    for_each_pair(
        jobs, usable,
        [&](size_t a, size_t b) {
          uint8_t ta[32], tb[32];
          tags_x2(jobs[a], jobs[b], ta, tb);
          check(a, ta);
          check(b, tb);
        },
        [&](size_t a) {
          // A job without a partner gains nothing from the lanes, and
          // BoringSSL's single stream is the faster one.
          out[a] = verify(*jobs[a].key, Alg::HS256, jobs[a].msg, std::span<const uint8_t>(jobs[a].sig, 32));
        });
    return;
  }
#endif
  (void)k;
  for (size_t i = 0; i < jobs.size(); ++i) {
    out[i] = verify(*jobs[i].key, Alg::HS256, jobs[i].msg, std::span<const uint8_t>(jobs[i].sig, 32));
  }
}

std::vector<std::string_view> available_hs256_kernels() {
  std::vector<std::string_view> v;
  for (const Entry& e : kKernels) {
    if (e.supported()) v.push_back(e.name);
  }
  return v;
}

std::string_view active_hs256_kernel() noexcept {
  return active().load(std::memory_order_acquire)->name;
}

bool force_hs256_kernel(std::string_view name) noexcept {
  for (const Entry& e : kKernels) {
    if (name == e.name && e.supported()) {
      active().store(&e, std::memory_order_release);
      return true;
    }
  }
  return false;
}

}  // namespace jve::crypto
