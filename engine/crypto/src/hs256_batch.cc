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

// The value of a SHA-NI kernel is its lane count.
enum class Kernel : uint8_t { boringssl = 0, sha_ni_x2 = 2, sha_ni_x4 = 4 };

struct Entry {
  std::string_view name;
  Kernel kernel;
  bool (*supported)() noexcept;
};
bool always() noexcept { return true; }

#if defined(__x86_64__)
constexpr Entry kKernels[] = {
    {"sha_ni_x4", Kernel::sha_ni_x4, &sha256_lanes::has_sha_ni},
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
    s.next = 0;
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
    s.next = 0;
    blocks = 1;
  }

  void tag(uint8_t out[32]) const noexcept {
    for (int i = 0; i < 8; ++i) put_be32(out + 4 * i, s.h[i]);
  }
};

#if defined(__x86_64__)
// run_lanes compresses every block of up to four lanes: while four have
// blocks left, four at a time; then two; a last one alone. Lanes of equal
// length (a service's tokens mostly are) stay in one kernel call.
void run_lanes(HmacLane* const* lanes, size_t n, size_t width) noexcept {
  for (;;) {
    HmacLane* live[4];
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
      if (lanes[i]->s.next < lanes[i]->blocks) live[k++] = lanes[i];
    }
    if (k == 0) return;
    auto left = [](const HmacLane* l) { return l->blocks - l->s.next; };
    if (k == 4 && width == 4) {
      const size_t m = std::min({left(live[0]), left(live[1]), left(live[2]), left(live[3])});
      sha256_lanes::sha_ni_x4(live[0]->s, live[1]->s, live[2]->s, live[3]->s, m);
    } else if (k >= 2) {
      sha256_lanes::sha_ni_x2(live[0]->s, live[1]->s, std::min(left(live[0]), left(live[1])));
    } else {
      sha256_lanes::sha_ni_x1(live[0]->s, left(live[0]));
    }
  }
}

// tags_lanes computes the tags of |n| (2 to 4) jobs side by side: all the
// inner passes, then all the outer ones.
void tags_lanes(const Hs256Job* const* jobs, size_t n, size_t width, uint8_t (*tags)[32]) noexcept {
  HmacLane lane[4];
  HmacLane* lanes[4] = {&lane[0], &lane[1], &lane[2], &lane[3]};
  for (size_t i = 0; i < n; ++i) lane[i].start_inner(*jobs[i]);
  run_lanes(lanes, n, width);
  for (size_t i = 0; i < n; ++i) lane[i].start_outer(*jobs[i]);
  run_lanes(lanes, n, width);
  for (size_t i = 0; i < n; ++i) lane[i].tag(tags[i]);
  // The states are key-dependent; do not leave them on the stack.
  OPENSSL_cleanse(lane, sizeof(lane));
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

// for_each_group calls |group| with the indices of consecutive usable jobs,
// |width| at a time (the last group may be smaller); jobs |usable| refuses
// are skipped.
template <class Usable, class Group>
void for_each_group(std::span<const Hs256Job> jobs, size_t width, Usable usable, Group group) noexcept {
  size_t idx[4];
  size_t k = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!usable(i)) continue;
    idx[k++] = i;
    if (k == width) {
      group(idx, k);
      k = 0;
    }
  }
  if (k != 0) group(idx, k);
}

}  // namespace

void hs256_tags(std::span<const Hs256Job> jobs, std::span<std::array<uint8_t, 32>> tags) noexcept {
  const size_t width = static_cast<size_t>(active().load(std::memory_order_relaxed)->kernel);
#if defined(__x86_64__)
  if (width != 0) {
    for_each_group(jobs, width, [](size_t) { return true; }, [&](const size_t* idx, size_t k) {
      const Hs256Job* group[4];
      uint8_t t[4][32];
      for (size_t i = 0; i < k; ++i) group[i] = &jobs[idx[i]];
      if (k == 1) {
        tag_boringssl(*group[0], t[0]);
      } else {
        tags_lanes(group, k, width, t);
      }
      for (size_t i = 0; i < k; ++i) std::memcpy(tags[idx[i]].data(), t[i], 32);
    });
    return;
  }
#endif
  (void)width;  // no SHA-NI kernels off x86-64
  for (size_t i = 0; i < jobs.size(); ++i) tag_boringssl(jobs[i], tags[i].data());
}

void verify_hs256_batch(std::span<const Hs256Job> jobs, std::span<Status> out) noexcept {
  const size_t width = static_cast<size_t>(active().load(std::memory_order_relaxed)->kernel);
#if defined(__x86_64__)
  if (width != 0) {
    auto usable = [&](size_t i) {
      if (jobs[i].key->family == Family::hmac) return true;
      out[i] = Status::internal_error;  // the caller selected the wrong key
      return false;
    };
    for_each_group(jobs, width, usable, [&](const size_t* idx, size_t k) {
      if (k == 1) {
        // A job without a partner gains nothing from the lanes, and
        // BoringSSL's single stream is the faster one.
        const Hs256Job& j = jobs[idx[0]];
        out[idx[0]] = verify(*j.key, Alg::HS256, j.msg, std::span<const uint8_t>(j.sig, 32));
        return;
      }
      const Hs256Job* group[4];
      uint8_t t[4][32];
      for (size_t i = 0; i < k; ++i) group[i] = &jobs[idx[i]];
      tags_lanes(group, k, width, t);
      // Constant time, like crypto::verify: how many leading bytes of a
      // forged tag were right must not show.
      for (size_t i = 0; i < k; ++i) {
        out[idx[i]] = CRYPTO_memcmp(t[i], group[i]->sig, 32) == 0 ? Status::ok : Status::bad_signature;
      }
      OPENSSL_cleanse(t, sizeof(t));
    });
    return;
  }
#endif
  (void)width;  // no SHA-NI kernels off x86-64
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
