#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root):
#
#   bash tools/setup.sh demo   install, build, run the main job (jve bench)
#   bash tools/setup.sh test   install, build, run every test: unit and vector
#                              tests, a short run of every fuzzer, then the
#                              ASan+UBSan build of the tests
#
# Both install what they need with apt-get, build BoringSSL once from Debian's
# source package into $JVE_CACHE (default /var/cache/jve), and build jve into
# build/ (and build-asan/). Re-running reuses everything already built.
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
          python3 python3-jwt python3-cryptography)
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
if boringssl=$(bash tools/build-boringssl.sh | tail -n 1) && [ -n "$boringssl" ]; then
  boringssl_flag=(-DJVE_BORINGSSL_ROOT="$boringssl")
else
  echo "!!! WARNING: could not build BoringSSL from Debian's source package." >&2
  echo "!!! Falling back to Debian's android-libboringssl binary (OPENSSL_SMALL: slow P-256)." >&2
  apt-get install -y -qq android-libboringssl-dev >/dev/null
  boringssl_flag=()
fi

configure_and_build() {  # dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja "${boringssl_flag[@]}" "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

if [ "$mode" = demo ]; then
  echo "== build (Release)"
  configure_and_build build -DCMAKE_BUILD_TYPE=Release -DJVE_BUILD_TESTS=OFF
  echo "== jve bench: generate keys and tokens for every algorithm, verify, tokens/s"
  ./build/tools/jve bench "${@:2}"
  exit 0
fi

echo "== build (Release) and tests"
configure_and_build build -DCMAKE_BUILD_TYPE=Release -DJVE_BUILD_FUZZERS=ON
(cd build && ctest --output-on-failure -j "$jobs")

# Each fuzzer runs from its seed corpus for a bounded time; a crash, leak,
# timeout or broken invariant (abort) fails the run and prints the input.
fuzz_seconds=${JVE_FUZZ_SECONDS:-30}
echo "== fuzzers (clang + libFuzzer + ASan/UBSan), ${fuzz_seconds}s each"
configure_and_build build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DJVE_BUILD_FUZZERS=ON -DJVE_SANITIZE=ON \
  -DJVE_BUILD_TESTS=OFF -DJVE_BUILD_BENCHMARKS=OFF -DJVE_BUILD_TOOLS=OFF
for target in fuzz/fuzz_*.cc; do
  name=$(basename "$target" .cc)
  work=$(mktemp -d)
  echo "-- $name"
  if ! (cd "$work" && "$root/build-fuzz/fuzz/$name" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
          -max_total_time="$fuzz_seconds" -print_final_stats=1 "$work" "$root/fuzz/corpus/$name" \
          > "$work/log" 2>&1); then
    tail -n 60 "$work/log"
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [ -f "$a" ] && { echo "reproducer $a (base64):"; base64 -w0 "$a"; echo; }
    done
    echo "FUZZER $name FAILED" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^Done" "$work/log" | tail -n 2
  rm -rf "$work"
done

# Last, so that CTest's summary is the closing line of the run.
echo "== build (ASan+UBSan) and tests"
configure_and_build build-asan -DJVE_SANITIZE=ON -DJVE_BUILD_BENCHMARKS=OFF -DJVE_BUILD_FUZZERS=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest --output-on-failure -j "$jobs")
