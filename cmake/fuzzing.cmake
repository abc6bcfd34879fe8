# jve_fuzzer(): how a libFuzzer target is built and registered, wherever its
# source lives (fuzz/ for the library, examples/auth_service/fuzz/ for the
# example service's HTTP parser). Included by the top-level CMakeLists.txt
# when JVE_BUILD_FUZZERS is on, before any folder that declares a target.
#
# With clang, targets link -fsanitize=fuzzer (JVE_SANITIZE adds ASan+UBSan);
# with any other compiler they link fuzz/replay_main.cc, which runs files and
# folders given on the command line, so GCC builds still compile the
# fuzzers and replay their corpora as tests. OSS-Fuzz (fuzz/build.sh) passes
# its engine as JVE_FUZZ_ENGINE instead ($LIB_FUZZING_ENGINE; the compile
# flags then come from $CXXFLAGS).
#
# Every target is also written to ${CMAKE_BINARY_DIR}/fuzz_targets.tsv, one
# line each: name, binary, seed corpus, dictionaries (comma-separated
# paths), recommended -max_len. tools/setup.sh and fuzz/build.sh read it, so
# a target registered here is run in CI and packaged for OSS-Fuzz with no
# other list to update.
set(JVE_FUZZ_ENGINE "" CACHE STRING
    "Link flags of the fuzzing engine (OSS-Fuzz's \$LIB_FUZZING_ENGINE); empty: -fsanitize=fuzzer with clang, else the replay driver")
include(CheckCXXSourceCompiles)
set(jve_libfuzzer OFF)
if(JVE_FUZZ_ENGINE STREQUAL "" AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
  check_cxx_source_compiles(
    "#include <cstdint>\n#include <cstddef>\nextern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }"
    JVE_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  set(jve_libfuzzer ${JVE_HAVE_LIBFUZZER})
endif()

# FuzzedDataProvider.h ships with clang (libclang-rt-14-dev); GCC builds,
# which only replay, borrow that one header. It is copied on its own because
# clang's include folder also holds clang's stddef.h, which GCC cannot read.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  file(GLOB jve_fdp_dirs "/usr/lib/llvm-*/lib/clang/*/include")
  find_file(JVE_FUZZED_DATA_PROVIDER fuzzer/FuzzedDataProvider.h HINTS ${jve_fdp_dirs})
  if(NOT JVE_FUZZED_DATA_PROVIDER)
    message(FATAL_ERROR "fuzzer/FuzzedDataProvider.h not found: install libclang-rt-14-dev "
                        "or set JVE_FUZZED_DATA_PROVIDER to the header")
  endif()
  set(JVE_FUZZED_DATA_PROVIDER_DIR "${CMAKE_BINARY_DIR}/fdp")
  configure_file("${JVE_FUZZED_DATA_PROVIDER}"
                 "${JVE_FUZZED_DATA_PROVIDER_DIR}/fuzzer/FuzzedDataProvider.h" COPYONLY)
endif()

get_filename_component(JVE_FUZZ_REPLAY_MAIN "${CMAKE_CURRENT_LIST_DIR}/../fuzz/replay_main.cc" ABSOLUTE)
set(JVE_FUZZ_MANIFEST "${CMAKE_BINARY_DIR}/fuzz_targets.tsv")
file(WRITE "${JVE_FUZZ_MANIFEST}" "")

# jve_fuzzer(<name> [MAIN <file>] [SOURCES <extra files>...] CORPUS <dir>
#            DICTS <files>... MAX_LEN <n> [LIBS <targets>...])
# MAIN (the file with LLVMFuzzerTestOneInput) defaults to <name>.cc in the
# calling folder; the corpus is replayed as a test.
function(jve_fuzzer name)
  cmake_parse_arguments(arg "" "MAIN;CORPUS;MAX_LEN" "SOURCES;DICTS;LIBS" ${ARGN})
  if(NOT arg_CORPUS OR NOT arg_MAX_LEN OR NOT arg_DICTS)
    message(FATAL_ERROR "jve_fuzzer(${name}): CORPUS, DICTS and MAX_LEN are required")
  endif()
  if(NOT arg_MAIN)
    set(arg_MAIN ${name}.cc)
  endif()
  add_executable(${name} ${arg_MAIN} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_LIBS})
  target_include_directories(${name} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  if(JVE_FUZZED_DATA_PROVIDER_DIR)
    target_include_directories(${name} SYSTEM PRIVATE "${JVE_FUZZED_DATA_PROVIDER_DIR}")
  endif()
  # A libFuzzer binary given a folder fuzzes it forever; -runs=0 makes it only
  # execute the inputs, which is what the replay test wants.
  set(replay_flags -runs=0)
  if(NOT JVE_FUZZ_ENGINE STREQUAL "")
    separate_arguments(engine_flags UNIX_COMMAND "${JVE_FUZZ_ENGINE}")
    target_link_options(${name} PRIVATE ${engine_flags})
  elseif(jve_libfuzzer)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${name} PRIVATE "${JVE_FUZZ_REPLAY_MAIN}")
    set(replay_flags "")
  endif()
  jve_warnings(${name})
  get_filename_component(corpus "${arg_CORPUS}" ABSOLUTE)
  set(dicts "")
  foreach(d IN LISTS arg_DICTS)
    get_filename_component(d "${d}" ABSOLUTE)
    list(APPEND dicts "${d}")
  endforeach()
  list(JOIN dicts "," dicts)
  file(APPEND "${JVE_FUZZ_MANIFEST}"
       "${name}\t${CMAKE_CURRENT_BINARY_DIR}/${name}\t${corpus}\t${dicts}\t${arg_MAX_LEN}\n")
  # Replaying the seed corpus (which holds every regression input too) is a
  # test in every build.
  if(JVE_BUILD_TESTS)
    add_test(NAME ${name}_replay COMMAND ${name} ${replay_flags} "${corpus}")
  endif()
endfunction()
