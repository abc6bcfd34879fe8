// isa_begin.h opens a region whose functions are compiled for the ISA named by
// JVE_ISA_TARGET (a string for the target attribute, e.g. "avx2,bmi,bmi2");
// isa_end.h closes it. No include guard: each kernel file opens one region.
//
// Why a region and not a file-wide -mavx2: with the flag, inline functions of
// shared headers (the standard library's, kernels.h's) would be compiled with
// AVX too, the linker keeps one copy of each for the whole program, and a CPU
// without AVX could then crash in code that never meant to use it
// (simdjson:include/simdjson/haswell/begin.h, doc/implementation-selection.md).
// Include every shared header, and <immintrin.h>, before this one.
#ifndef JVE_ISA_TARGET
#error "define JVE_ISA_TARGET before including isa_begin.h"
#endif

#define JVE_ISA_STR2(x) #x
#define JVE_ISA_STR(x) JVE_ISA_STR2(x)

#if defined(__clang__)
// Clang ignores "#pragma GCC target"; its attribute pragma applies the target
// to every function declared in the region, template instantiations included.
_Pragma(JVE_ISA_STR(clang attribute push(__attribute__((target(JVE_ISA_TARGET))), apply_to = function)))
#elif defined(__GNUC__)
_Pragma("GCC push_options")
_Pragma(JVE_ISA_STR(GCC target(JVE_ISA_TARGET)))
#else
#error "jve's SIMD kernels need GCC or Clang"
#endif
