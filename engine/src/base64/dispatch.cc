// Kernel selection: a table from best to worst, the first one this CPU can
// run becomes active at first use; JVE_FORCE_IMPLEMENTATION or force_kernel()
// override it. Only the scalar kernel exists so far; the SIMD kernels add
// rows to kKernels (see the SIMD base64url issue).
#include <atomic>
#include <cstdlib>

#include "base64/kernels.h"

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
constexpr Entry kKernels[] = {{&kScalar, &always}};

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
