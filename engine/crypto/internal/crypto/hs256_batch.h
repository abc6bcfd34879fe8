// HS256 for several tokens at once (issue 15): the one piece of crypto jve
// writes itself instead of taking from BoringSSL.
//
// One HMAC-SHA256 is a chain of compressions, each waiting on the last, so a
// single stream leaves the SHA-NI unit idle most of the time. Independent
// messages interleaved fill that idle time. The kernels here hash the HMAC
// inner and outer passes of four or two messages side by side, from the pad
// states key_material.cc already computed with BoringSSL.
//
// Kernels, best first; the first this CPU runs is active at first use, and
// JVE_FORCE_HS256_KERNEL or force_hs256_kernel() override it (tests):
//   sha_ni_x4  SHA-NI (with SSSE3, SSE4.1), four messages interleaved
//   sha_ni_x2  the same, two messages
//   boringssl  one at a time through crypto::verify: the reference, and what
//              a CPU without SHA-NI runs (never slower than the single path)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/key_material.h"
#include "jve/status.h"

namespace jve::crypto {

// Hs256Job is one HS256 check: |key| (family hmac) over |msg| against the
// 32-byte tag at |sig|.
struct Hs256Job {
  const KeyMaterial* key;
  std::string_view msg;
  const uint8_t* sig;
};

// verify_hs256_batch checks every job and writes ok or bad_signature to the
// matching |out| entry (|out| as long as |jobs|; internal_error for a key
// that is not an HMAC key). Verdicts are those of crypto::verify, the tag
// comparison constant time. Allocates nothing; thread-safe.
void verify_hs256_batch(std::span<const Hs256Job> jobs, std::span<Status> out) noexcept;

// hs256_tags computes the HMAC-SHA256 tag of every job's message (|sig|
// unused) into |tags| (as long as |jobs|) with the active kernel. For the
// tests and the fuzzer, which compare each lane with BoringSSL's HMAC.
void hs256_tags(std::span<const Hs256Job> jobs, std::span<std::array<uint8_t, 32>> tags) noexcept;

// The kernels this CPU can run, best first; the name of the active one; and
// force_hs256_kernel, which makes |name| active (false, nothing changed, for
// an unknown name or one this CPU cannot run). An unknown JVE_FORCE_HS256_KERNEL
// falls back to boringssl, which is always correct.
std::vector<std::string_view> available_hs256_kernels();
std::string_view active_hs256_kernel() noexcept;
bool force_hs256_kernel(std::string_view name) noexcept;

}  // namespace jve::crypto
