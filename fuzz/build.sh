#!/usr/bin/env bash
# Builds every fuzz target the OSS-Fuzz way (simdutf:fuzz/build.sh,
# simdjson:fuzz/ossfuzz.sh): compiles with $CC/$CXX/$CFLAGS/$CXXFLAGS, links
# with $LIB_FUZZING_ENGINE, and writes to $OUT each target plus
# <target>_seed_corpus.zip, <target>.dict and <target>.options.
#
# On a developer's machine ($LIB_FUZZING_ENGINE unset) it builds with clang
# and -fsanitize=fuzzer,address,undefined into $OUT, or build-ossfuzz/out:
#
#   OUT=/tmp/ossout bash fuzz/build.sh
#   /tmp/ossout/fuzz_token /tmp/ossout/fuzz_token_seed_corpus.zip ...
#
# BoringSSL: $JVE_BORINGSSL_ROOT (an install with include/ and lib/libcrypto.a:
# upstream BoringSSL, AWS-LC, or tools/build-boringssl.sh's build of Debian's
# source package); when unset, the newest build in $JVE_CACHE
# (/var/cache/jve) is used, else CMake falls back to Debian's binary package.
# simdjson: CMake's normal search (Debian's libsimdjson-dev, or a source
# install on CMAKE_PREFIX_PATH, which is what fuzz/oss-fuzz/build.sh does).
set -euo pipefail
# The physical path: $SRC/jve may be a symlink to the clone (the CI check,
# fuzz/oss-fuzz/check_build.sh), and CMake's cache must see one source path.
src=$(cd "$(dirname "$0")/.." && pwd -P)

if [ -z "${LIB_FUZZING_ENGINE:-}" ]; then
  # Local build: libFuzzer plus ASan/UBSan, like OSS-Fuzz's default job.
  export CC=${CC:-clang} CXX=${CXX:-clang++}
  sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
  export CFLAGS="${CFLAGS:-} -O1 -g -fsanitize=fuzzer-no-link $sanitize"
  export CXXFLAGS="${CXXFLAGS:-} -O1 -g -fsanitize=fuzzer-no-link $sanitize"
  LIB_FUZZING_ENGINE="-fsanitize=fuzzer $sanitize"
  OUT=${OUT:-$src/build-ossfuzz/out}
  build=${WORK:-$src/build-ossfuzz}/cmake
else
  : "${OUT:?OSS-Fuzz sets OUT}"
  build=${WORK:-/tmp}/jve-cmake
fi
mkdir -p "$OUT" "$build"
OUT=$(realpath "$OUT") build=$(realpath "$build")
# CMake maps a physical path back to the logical one of a symlinked working
# folder ($SRC/jve), which would tie the build folder to that link: run it
# from the physical source folder.
cd "$src"

if [ -z "${JVE_BORINGSSL_ROOT:-}" ]; then
  for s in "${JVE_CACHE:-/var/cache/jve}"/boringssl-*/.complete; do
    [ -f "$s" ] && JVE_BORINGSSL_ROOT=$(dirname "$s")
  done
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

cmake -S "$src" -B "$build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_C_FLAGS_RELEASE="" -DCMAKE_CXX_FLAGS_RELEASE="" \
  -DJVE_BUILD_FUZZERS=ON -DJVE_BUILD_TESTS=OFF -DJVE_BUILD_BENCHMARKS=OFF -DJVE_BUILD_TOOLS=OFF \
  -DJVE_BUILD_EXAMPLES=ON -DJVE_SANITIZE=OFF -DJVE_SANITIZE_THREAD=OFF \
  -DJVE_FUZZING_UNSAFE_FOR_PRODUCTION=OFF \
  -DJVE_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DJVE_BORINGSSL_ROOT="${JVE_BORINGSSL_ROOT:-}" >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"

# Every target CMake registered (cmake/fuzzing.cmake writes the list): name,
# binary, seed corpus, dictionaries, the -max_len recorded in fuzz/README.md.
while IFS=$'\t' read -r name binary corpus dicts max_len; do
  cp "$binary" "$OUT/"
  rm -f "$OUT/${name}_seed_corpus.zip"
  (cd "$corpus" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
  IFS=, read -r -a dict_files <<<"$dicts"
  cat "${dict_files[@]}" > "$OUT/$name.dict"
  printf '[libfuzzer]\nmax_len = %s\ntimeout = 10\n' "$max_len" > "$OUT/$name.options"
  echo "fuzz/build.sh: $OUT/$name"
done < "$build/fuzz_targets.tsv"
