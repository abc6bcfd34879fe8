// bench_allocator.cc: records which malloc the benchmarks run on.
//
// With JVE_BENCH_MIMALLOC (CMake option, default ON when libmimalloc-dev is
// installed) jve_bench links libmimalloc.so, which overrides malloc for the
// whole process. At start-up this file adds to the benchmark context
//   allocator=mimalloc   (and mimalloc_version=2.0.9), when a malloc'd block
//                        is in mimalloc's heap
//   allocator=system     otherwise (built without mimalloc, or linked but not
//                        overriding, which would make the figures mislabelled)
// so every console and JSON report says which allocator produced it.
#include <cstdlib>
#include <string>

#include <benchmark/benchmark.h>

#ifdef JVE_BENCH_MIMALLOC
#include <mimalloc.h>
#endif

namespace jve::bench {
namespace {

[[maybe_unused]] const bool kAllocatorContext = [] {
  std::string allocator = "system";
#ifdef JVE_BENCH_MIMALLOC
  const int v = mi_version();  // e.g. 209 for 2.0.9
  benchmark::AddCustomContext("mimalloc_version", std::to_string(v / 100) + "." +
                                                      std::to_string(v / 10 % 10) + "." +
                                                      std::to_string(v % 10));
  void* p = std::malloc(64);
  if (p != nullptr && mi_is_in_heap_region(p)) allocator = "mimalloc";
  std::free(p);
#endif
  benchmark::AddCustomContext("allocator", allocator);
  return true;
}();

}  // namespace
}  // namespace jve::bench
