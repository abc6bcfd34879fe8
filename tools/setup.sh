#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root):
#
#   bash tools/setup.sh demo   install, build, run the main job (jve bench)
#   bash tools/setup.sh test   install, build, run every test: unit and vector
#                              tests, the package check, OSS-Fuzz's build
#                              script with a check of its output and a short
#                              run of every fuzzer, the threading tests under
#                              TSan, then the ASan+UBSan build of the tests
#
# Both install what they need with apt-get, build BoringSSL once from Debian's
# source package into $JVE_CACHE (default /var/cache/jve), and build jve into
# build/ (and build-oss-fuzz/, build-tsan/, build-asan/). Re-running reuses
# everything already built. The README's order, demo then test in one clone,
# is what .ci/run does.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=${1:-}
case "$mode" in demo|test) ;; *) echo "usage: bash tools/setup.sh demo|test" >&2; exit 2 ;; esac

jobs=$(nproc 2>/dev/null || echo 2)
export DEBIAN_FRONTEND=noninteractive

packages=(build-essential cmake ninja-build pkg-config ca-certificates xz-utils
          clang libclang-rt-14-dev libfuzzer-14-dev
          libsimdjson-dev libmimalloc-dev libgtest-dev libgmock-dev libbenchmark-dev
          python3 python3-jwt python3-cryptography
          libcurl4-gnutls-dev  # jve_remote (JWKS URLs): libcurl on GnuTLS, not OpenSSL (see README)
          libhiredis-dev redis-server  # jve_revocation_redis; the tests start their own redis-server
          libcli11-dev)  # CLI11: option parsing of jve decode/sign/keygen/jwks (header-only)
# Peer JWT libraries for jve_bench_peers (bench/peers/, OpenSSL-based):
# demo mode only. The build skips each peer whose package is missing.
bench_packages=(libjwt-dev libssl-dev libcpp-jwt-dev libpoco-dev python3-matplotlib)
if [ "$mode" = demo ]; then
  packages+=("${bench_packages[@]}")
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== apt-get install ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== BoringSSL"
if boringssl_root=$(bash tools/build-boringssl.sh | tail -n 1) && [ -n "$boringssl_root" ]; then
  :
else
  echo "!!! WARNING: could not build BoringSSL from Debian's source package." >&2
  echo "!!! Falling back to Debian's android-libboringssl binary (OPENSSL_SMALL: slow P-256)." >&2
  apt-get install -y -qq android-libboringssl-dev >/dev/null
  boringssl_root=
fi

# Every configure states every option its build depends on: CMake's cache
# keeps a value until it is given again, so a folder configured by one mode
# (demo: no tests) would otherwise carry it into the other, and `test` would
# run zero tests (issue 12 §4). configure_and_build refuses a call that
# leaves one out; tests/setup_script_test.sh checks that no configure of a
# jve build folder bypasses it and that every ctest call has --no-tests=error.
jve_options=(CMAKE_BUILD_TYPE CMAKE_C_COMPILER CMAKE_CXX_COMPILER JVE_BUILD_TESTS
             JVE_BUILD_FUZZERS JVE_BUILD_BENCHMARKS JVE_BUILD_TOOLS JVE_BUILD_EXAMPLES
             JVE_SANITIZE JVE_SANITIZE_THREAD JVE_FUZZING_UNSAFE_FOR_PRODUCTION)
configure() {  # dir, -D<option>=<value> for every name in jve_options
  local dir=$1; shift
  local name
  for name in "${jve_options[@]}"; do
    if ! printf '%s\n' "$@" | grep -q "^-D$name="; then
      echo "setup.sh: the configure of $dir does not state $name" >&2; exit 1
    fi
  done
  # The BoringSSL root too: empty selects Debian's binary (the fallback).
  cmake -S . -B "$dir" -G Ninja -DJVE_BORINGSSL_ROOT="$boringssl_root" "$@" >/dev/null
}
configure_and_build() {  # dir, options as for configure
  configure "$@"
  cmake --build "$1" -j "$jobs"
}
# The two compiler pairs: GCC for the Release, TSan and ASan builds, clang
# for the fuzzers (libFuzzer).
gcc_flags=(-DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++)

if [ "$mode" = demo ]; then
  echo "== build (Release)"
  # No tests, fuzzers or examples: `test` turns them on in this same folder.
  configure_and_build build -DCMAKE_BUILD_TYPE=Release "${gcc_flags[@]}" \
    -DJVE_BUILD_TESTS=OFF -DJVE_BUILD_FUZZERS=OFF -DJVE_BUILD_BENCHMARKS=ON \
    -DJVE_BUILD_TOOLS=ON -DJVE_BUILD_EXAMPLES=OFF \
    -DJVE_SANITIZE=OFF -DJVE_SANITIZE_THREAD=OFF -DJVE_FUZZING_UNSAFE_FOR_PRODUCTION=OFF
  echo "== jve bench: generate keys and tokens for every algorithm, verify, tokens/s"
  ./build/tools/jve bench "${@:2}"
  exit 0
fi

echo "== build (Release) and tests"
# Fuzzers ON: with GCC they link the replay driver, and each seed corpus is
# replayed as a test (<target>_replay).
configure_and_build build -DCMAKE_BUILD_TYPE=Release "${gcc_flags[@]}" \
  -DJVE_BUILD_TESTS=ON -DJVE_BUILD_FUZZERS=ON -DJVE_BUILD_BENCHMARKS=ON \
  -DJVE_BUILD_TOOLS=ON -DJVE_BUILD_EXAMPLES=ON \
  -DJVE_SANITIZE=OFF -DJVE_SANITIZE_THREAD=OFF -DJVE_FUZZING_UNSAFE_FOR_PRODUCTION=OFF
(cd build && ctest --output-on-failure --no-tests=error -j "$jobs")

# ---- Package (issue 7): install the Release build into a temporary prefix,
# build examples/consumer_cpp (CMake package: jve::jve, then jve::static) and
# examples/consumer_c (pkg-config: jve.pc with CMake, jve-static.pc with cc)
# against it, and run each on a token made here. The examples are copied out
# of the tree and see jve only through CMAKE_PREFIX_PATH / PKG_CONFIG_PATH.
echo "== package: install, then build and run examples/consumer_* against it"
pkg_start=$SECONDS
pkg=$(mktemp -d)
cmake --install build --prefix "$pkg/prefix" >/dev/null
cp -r examples/consumer_cpp examples/consumer_c "$pkg/"
"$root/build/tools/jve" keygen --alg ES256 --kid k1 --public "$pkg/jwks.json" > "$pkg/private.jwk"
"$root/build/tools/jve" keygen --alg ES256 --kid k1 > "$pkg/impostor.jwk"  # same kid, other key
pkg_token=$("$root/build/tools/jve" sign --key "$pkg/private.jwk" --alg ES256 --sub alice --iss https://issuer.example)
pkg_forged=$("$root/build/tools/jve" sign --key "$pkg/impostor.jwk" --alg ES256 --sub mallory)
pkg_pc_dir=$(dirname "$(find "$pkg/prefix" -name jve.pc | head -n 1)")
pkg_check() {  # label, consumer binary: accepts the token, rejects the forgery
  local out
  if ! out=$("$2" "$pkg/jwks.json" "$pkg_token" 2>&1) ||
     ! grep -q '^valid alg=ES256 sub=alice iss=https://issuer.example' <<<"$out"; then
    echo "PACKAGE $1: the valid token was not accepted: $out" >&2; exit 1
  fi
  if out=$("$2" "$pkg/jwks.json" "$pkg_forged" 2>&1) || ! grep -q '^invalid: bad_signature' <<<"$out"; then
    echo "PACKAGE $1: the forged token was not rejected as bad_signature: $out" >&2; exit 1
  fi
  echo "-- $1: ok"
}
cmake -S "$pkg/consumer_cpp" -B "$pkg/cpp" -G Ninja -DCMAKE_PREFIX_PATH="$pkg/prefix" >/dev/null
cmake --build "$pkg/cpp" >/dev/null
pkg_check "consumer_cpp, find_package(jve CONFIG), jve::jve" "$pkg/cpp/jve_consumer_cpp"
cmake -S "$pkg/consumer_cpp" -B "$pkg/cpp-static" -G Ninja -DCMAKE_PREFIX_PATH="$pkg/prefix" \
  -DJVE_CONSUMER_STATIC=ON >/dev/null
cmake --build "$pkg/cpp-static" >/dev/null
pkg_check "consumer_cpp, find_package(jve CONFIG COMPONENTS static), jve::static" "$pkg/cpp-static/jve_consumer_cpp"
PKG_CONFIG_PATH="$pkg_pc_dir" cmake -S "$pkg/consumer_c" -B "$pkg/c" -G Ninja >/dev/null
cmake --build "$pkg/c" >/dev/null
pkg_check "consumer_c, pkg-config jve (libjve.so)" "$pkg/c/jve_consumer_c"
# shellcheck disable=SC2046  # pkg-config output is meant to be split
cc -std=c11 -Wall -Wextra -pedantic -Werror "$pkg/consumer_c/main.c" -o "$pkg/c-static" \
  $(PKG_CONFIG_PATH="$pkg_pc_dir" pkg-config --cflags --libs jve-static)
pkg_check "consumer_c, cc + pkg-config jve-static (libjve.a)" "$pkg/c-static"
rm -rf "$pkg"
echo "== package took $((SECONDS - pkg_start))s"

# OSS-Fuzz's build contract (issue 12 §7), without Docker:
# fuzz/oss-fuzz/check_build.sh runs fuzz/oss-fuzz/build.sh with base-builder's
# environment (clang, its ASan and libFuzzer flags, $LIB_FUZZING_ENGINE,
# $SRC/$WORK/$OUT) and the BoringSSL built above, checks that $OUT holds
# every target of build/fuzz_targets.tsv with its seed corpus zip, .dict and
# .options, and runs each from $OUT for 1,000 inputs on its seed corpus.
# UBSan is added to OSS-Fuzz's address flags: the fuzzers ran under
# ASan+UBSan before this build replaced build-fuzz/, and one build with both
# costs less than two. $WORK is build-oss-fuzz/, so re-runs are incremental.
echo "== OSS-Fuzz build (clang + libFuzzer + ASan/UBSan) into \$OUT, 1,000 runs of each fuzzer"
oss_start=$SECONDS
oss_out=$(mktemp -d)
WORK="$root/build-oss-fuzz" OUT="$oss_out" JVE_BORINGSSL_ROOT="$boringssl_root" \
  JVE_OSS_FUZZ_EXTRA_FLAGS="-fsanitize=undefined -fno-sanitize-recover=all" \
  bash fuzz/oss-fuzz/check_build.sh build/fuzz_targets.tsv
echo "== OSS-Fuzz build and check took $((SECONDS - oss_start))s"

# Then each fuzzer, the binary OSS-Fuzz would get, runs from its seed corpus
# for a bounded time with its .dict and .options; a crash, leak, timeout,
# differential mismatch with the reference verifier or other broken
# invariant (abort) fails the run and prints the reproducer. Ten targets at
# JVE_FUZZ_SECONDS (default 30) each, one after the other: 5 minutes of
# fuzzing; the step prints its own duration.
fuzz_seconds=${JVE_FUZZ_SECONDS:-30}
echo "== fuzzers from \$OUT, ${fuzz_seconds}s each"
fuzz_start=$SECONDS
# build/fuzz_targets.tsv lists every target CMake registered
# (cmake/fuzzing.cmake): name, binary, seed corpus, dictionaries, max_len.
while IFS=$'\t' read -r name _ corpus dicts _; do
  work=$(mktemp -d)
  dict_flag=()
  [ -z "$dicts" ] || dict_flag=(-dict="$oss_out/$name.dict")
  max_len=$(sed -n 's/^max_len *= *//p' "$oss_out/$name.options")
  echo "-- $name"
  if ! (cd "$work" && "$oss_out/$name" -max_len="$max_len" -timeout=10 -rss_limit_mb=2560 \
          "${dict_flag[@]}" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
          "$work" "$corpus" < /dev/null > "$work/log" 2>&1); then
    grep -B2 -A12 "MISMATCH" "$work/log" || true
    tail -n 60 "$work/log"
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [ -f "$a" ] && { echo "reproducer $a (base64):"; base64 -w0 "$a"; echo; }
    done
    echo "FUZZER $name FAILED: keep the reproducer in $corpus/ once fixed" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^Done|cov: " "$work/log" | tail -n 2
  rm -rf "$work"
done < build/fuzz_targets.tsv
rm -rf "$oss_out"
echo "== fuzzers took $((SECONDS - fuzz_start))s"

# ThreadSanitizer over the tests that share a Verifier, KeyStore or kernel
# choice between threads.
echo "== build (TSan) and threading tests"
# Only jve_thread_tests (the suites with multi-threaded tests) is built: the
# whole test tree would triple this step's time.
configure build-tsan -DCMAKE_BUILD_TYPE=Debug "${gcc_flags[@]}" \
  -DJVE_BUILD_TESTS=ON -DJVE_BUILD_FUZZERS=OFF -DJVE_BUILD_BENCHMARKS=OFF \
  -DJVE_BUILD_TOOLS=ON -DJVE_BUILD_EXAMPLES=ON \
  -DJVE_SANITIZE=OFF -DJVE_SANITIZE_THREAD=ON -DJVE_FUZZING_UNSAFE_FOR_PRODUCTION=OFF
cmake --build build-tsan -j "$jobs" --target jve_thread_tests
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
   ctest --output-on-failure --no-tests=error -j "$jobs" -R '^tsan\..*(Thread|thread|Jwks)')

# Last, so that CTest's summary is the closing line of the run.
echo "== build (ASan+UBSan) and tests"
configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug "${gcc_flags[@]}" \
  -DJVE_BUILD_TESTS=ON -DJVE_BUILD_FUZZERS=ON -DJVE_BUILD_BENCHMARKS=OFF \
  -DJVE_BUILD_TOOLS=ON -DJVE_BUILD_EXAMPLES=ON \
  -DJVE_SANITIZE=ON -DJVE_SANITIZE_THREAD=OFF -DJVE_FUZZING_UNSAFE_FOR_PRODUCTION=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest --output-on-failure --no-tests=error -j "$jobs")
