// isa_end.h closes the target region isa_begin.h opened.
#if defined(__clang__)
_Pragma("clang attribute pop")
#elif defined(__GNUC__)
_Pragma("GCC pop_options")
#endif
#undef JVE_ISA_TARGET
#undef JVE_ISA_STR
#undef JVE_ISA_STR2
