// Kernel selection: a table from best to worst, the first one this CPU can
// run becomes active at first use; JVE_FORCE_IMPLEMENTATION or force_kernel()
// override it (simdjson:src/implementation.cpp, simdutf:src/implementation.cpp).
#include <atomic>
#include <cstdlib>

#include "base64/kernels.h"

#if JVE_BASE64_X86
#include <cpuid.h>
#endif

namespace jve::base64url {
namespace {

Status fail_all(const char*, size_t, uint8_t*, size_t*) noexcept { return Status::bad_base64; }

constexpr Kernel kScalar{"scalar", &scalar::decode};
// An unknown forced name selects this kernel, which fails every call: the
// library never aborts or prints, and a typo is loud in every test.
constexpr Kernel kUnknown{"unknown", &fail_all};

struct Entry {
  const Kernel* kernel;
  bool (*supported)();
};
bool always() { return true; }

#if JVE_BASE64_X86
// CPUID says what the CPU implements; XGETBV(0) says which register state the
// OS saves on a context switch. Both must agree, or the first AVX instruction
// faults (Intel SDM vol. 1 §13.3; simdjson:src/internal/isadetection.h).
struct CpuFeatures {
  bool avx2 = false;
  bool avx512vbmi = false;  // with F, BW and BMI2: what avx512.cc is compiled for
};

uint64_t xgetbv0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));  // needs no -mxsave
  return uint64_t{edx} << 32 | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool osxsave = ecx & (1u << 27), avx = ecx & (1u << 28);
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = xgetbv0();
  const bool ymm_state = (xcr0 & 0x06) == 0x06;  // XMM, YMM upper halves
  const bool zmm_state = (xcr0 & 0xE6) == 0xE6;  // and opmask, ZMM0-15 upper, ZMM16-31
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const bool avx2 = ebx & (1u << 5), bmi2 = ebx & (1u << 8), avx512f = ebx & (1u << 16),
             avx512bw = ebx & (1u << 30), avx512vbmi = ecx & (1u << 1);
  f.avx2 = ymm_state && avx2;
  f.avx512vbmi = zmm_state && avx512f && avx512bw && avx512vbmi && bmi2;
  return f;
}

const CpuFeatures& cpu() {
  static const CpuFeatures f = detect();
  return f;
}
bool has_avx2() { return cpu().avx2; }
bool has_avx512vbmi() { return cpu().avx512vbmi; }

constexpr Kernel kAvx512{"avx512", &avx512::decode};
constexpr Kernel kAvx2{"avx2", &avx2::decode};
constexpr Entry kKernels[] = {
    {&kAvx512, &has_avx512vbmi},
    {&kAvx2, &has_avx2},
    {&kScalar, &always},
};
#else
constexpr Entry kKernels[] = {{&kScalar, &always}};
#endif

const Kernel* choose() noexcept {
  if (const char* forced = std::getenv("JVE_FORCE_IMPLEMENTATION"); forced && *forced) {
    for (const Entry& e : kKernels) {
      if (std::string_view(forced) == e.kernel->name) return e.supported() ? e.kernel : &kUnknown;
    }
    return &kUnknown;
  }
  for (const Entry& e : kKernels) {
    if (e.supported()) return e.kernel;
  }
  return &kScalar;
}

std::atomic<const Kernel*>& active() noexcept {
  static std::atomic<const Kernel*> k{choose()};  // thread-safe, once
  return k;
}

}  // namespace

std::vector<const Kernel*> available_kernels() {
  std::vector<const Kernel*> v;
  for (const Entry& e : kKernels) {
    if (e.supported()) v.push_back(e.kernel);
  }
  return v;
}

const Kernel& active_kernel() noexcept { return *active().load(std::memory_order_acquire); }

bool force_kernel(std::string_view name) noexcept {
  for (const Entry& e : kKernels) {
    if (name == e.kernel->name && e.supported()) {
      active().store(e.kernel, std::memory_order_release);
      return true;
    }
  }
  return false;
}

Status decode(std::string_view in, uint8_t* out, size_t* out_len) noexcept {
  return active().load(std::memory_order_relaxed)->decode(in.data(), in.size(), out, out_len);
}

}  // namespace jve::base64url
