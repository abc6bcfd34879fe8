// bench_base64.cc: base64url decoding per kernel, against memcpy.
//
//   BM_Base64urlDecode/<kernel>/<chars>         decode <chars> valid characters
//                                               with one kernel, called through
//                                               its function pointer as
//                                               base64url::decode does
//   BM_Base64urlDecode_Reject/<kernel>/<chars>  the same input with '=' as its
//                                               last character (rejected)
//   BM_Memcpy/<bytes>                           memcpy of the same number of
//                                               bytes: the physical limit
//
// Bytes processed are input characters, so GB/s compares directly with
// memcpy's. Sizes: the 16 ... 65536, plus 43 and 342 (the HS256 and
// RS256 signature segments, which end in a partial quad).
// One run per kernel of available_kernels(), registered before main().
#include "bench_util.h"

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "jve/base64url.h"

namespace jve::bench {
namespace {

constexpr int64_t kSizes[] = {16, 32, 43, 64, 128, 256, 342, 512, 1024, 4096, 65536};

// random_encoded returns |chars| characters of canonical base64url (chars %
// 4 != 1), the same for every kernel.
std::string random_encoded(size_t chars) {
  std::mt19937 rng(static_cast<unsigned>(chars));
  std::vector<uint8_t> bytes(chars / 4 * 3 + (chars % 4 ? chars % 4 - 1 : 0));
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  return base64url::encode(bytes);
}

void BM_Base64urlDecode(benchmark::State& state, const base64url::Kernel* k, bool reject) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::string in = random_encoded(n);
  if (reject) in.back() = '=';
  // Exactly what a caller must provide, so a kernel writing past it would
  // show under ASan.
  std::vector<uint8_t> out(base64url::decoded_max_len(n));
  size_t len = 0;
  const Status want = reject ? Status::bad_base64 : Status::ok;
  if (k->decode(in.data(), n, out.data(), &len) != want ||
      (!reject && base64url::encode(std::span(out.data(), len)) != in)) {
    state.SkipWithError("decode gave the wrong result");
    return;
  }
  state.SetLabel(k->name);
  const char* p = in.data();
  uint8_t* o = out.data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(p);
    Status s = k->decode(p, n, o, &len);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(len);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_Memcpy(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string in = random_encoded(n);
  std::vector<uint8_t> out(n);
  const char* p = in.data();
  uint8_t* o = out.data();
  for (auto _ : state) {
    benchmark::DoNotOptimize(p);
    benchmark::DoNotOptimize(o);
    std::memcpy(o, p, n);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const base64url::Kernel* k : base64url::available_kernels()) {
    auto* b = benchmark::RegisterBenchmark((std::string("BM_Base64urlDecode/") + k->name).c_str(),
                                           BM_Base64urlDecode, k, false);
    for (int64_t size : kSizes) b->Arg(size);
    benchmark::RegisterBenchmark((std::string("BM_Base64urlDecode_Reject/") + k->name).c_str(),
                                 BM_Base64urlDecode, k, true)
        ->Arg(43)
        ->Arg(512);
  }
  auto* m = benchmark::RegisterBenchmark("BM_Memcpy", BM_Memcpy);
  for (int64_t size : kSizes) m->Arg(size);
  return true;
}();

}  // namespace
}  // namespace jve::bench
