#!/usr/bin/env bash
# OSS-Fuzz's build contract, checked without Docker (issue 12 §7): runs
# fuzz/oss-fuzz/build.sh the way OSS-Fuzz's base-builder image does, then
# checks what it left in $OUT and runs every fuzzer from there.
#
#   JVE_BORINGSSL_ROOT=<prefix> bash fuzz/oss-fuzz/check_build.sh [fuzz_targets.tsv]
#
# The environment is base-builder's for the address job: CC=clang,
# CXX=clang++, its CFLAGS/CXXFLAGS (-fsanitize=address
# -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link ...),
# LIB_FUZZING_ENGINE=-fsanitize=fuzzer, SANITIZER, FUZZING_ENGINE, and
# $SRC (holding jve, a link to this clone), $WORK and $OUT. Two departures,
# because the libraries come from Debian: no -stdlib=libc++ (Debian's
# simdjson and GoogleTest are built against libstdc++), and BoringSSL and
# simdjson are the prebuilt ones (JVE_BORINGSSL_ROOT, libsimdjson-dev), not
# checkouts in $SRC. JVE_OSS_FUZZ_EXTRA_FLAGS is appended to both flag sets;
# tools/setup.sh passes UBSan's there, so that one build covers what the
# address and undefined jobs would.
#
# $OUT must then hold, for every target of the list (default: the one this
# build's CMake wrote), the binary, <name>_seed_corpus.zip with every file
# of the seed corpus, <name>.dict when the target has dictionaries and
# <name>.options with its max_len; every fuzz_*.cc under fuzz/ and
# examples/*/fuzz/ must be in the list. Each binary then runs from $OUT for
# 1,000 inputs on its unzipped seed corpus with its .dict and .options
# settings, as ClusterFuzz would start it.
#
# SRC, WORK and OUT default to new temporary folders; give WORK to reuse a
# build and OUT to keep the binaries (tools/setup.sh fuzzes with them).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd -P)
manifest_in=${1:-}
[ -z "$manifest_in" ] || manifest_in=$(realpath "$manifest_in")

SRC=$(mktemp -d)
WORK=${WORK:-$(mktemp -d)}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$WORK" "$OUT"
WORK=$(realpath "$WORK") OUT=$(realpath "$OUT")
ln -s "$root" "$SRC/jve"
cp "$root/fuzz/oss-fuzz/build.sh" "$SRC/build.sh"  # the Dockerfile's COPY
cleanup() { rm -rf "$SRC"; }
trap cleanup EXIT

flags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
flags+=" -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
flags+=" ${JVE_OSS_FUZZ_EXTRA_FLAGS:-}"
start=$SECONDS
echo "check_build: fuzz/oss-fuzz/build.sh with SRC=$SRC WORK=$WORK OUT=$OUT"
(cd "$SRC/jve" &&
 env CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags" \
     LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER=address FUZZING_ENGINE=libfuzzer \
     ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c++ SRC="$SRC" WORK="$WORK" OUT="$OUT" \
     JVE_BORINGSSL_ROOT="${JVE_BORINGSSL_ROOT:-}" \
     bash -eu "$SRC/build.sh")
echo "check_build: build took $((SECONDS - start))s"

manifest=${manifest_in:-$WORK/jve-cmake/fuzz_targets.tsv}
fail() { echo "OSS-FUZZ CONTRACT: $*" >&2; exit 1; }
[ -s "$manifest" ] || fail "no fuzz targets listed in $manifest"

names=()
while IFS=$'\t' read -r name _ _ _ _; do names+=("$name"); done < "$manifest"
# Every harness in the tree is registered (a file left out of CMake would
# never be fuzzed, here or on OSS-Fuzz).
for f in "$root"/fuzz/fuzz_*.cc "$root"/examples/*/fuzz/fuzz_*.cc; do
  n=$(basename "$f" .cc)
  printf '%s\n' "${names[@]}" | grep -qx "$n" || fail "$f is not a registered fuzz target"
done

check_start=$SECONDS
while IFS=$'\t' read -r name _ corpus dicts _; do
  [ -x "$OUT/$name" ] || fail "$OUT/$name is missing"
  zip="$OUT/${name}_seed_corpus.zip"
  [ -s "$zip" ] || fail "$zip is missing"
  want=$(find "$corpus" -type f | wc -l)
  have=$(unzip -Z1 "$zip" | grep -vc '/$' || true)
  [ "$want" -eq "$have" ] || fail "$zip holds $have files, $corpus has $want"
  dict_flag=()
  if [ -n "$dicts" ]; then
    [ -s "$OUT/$name.dict" ] || fail "$OUT/$name.dict is missing"
    dict_flag=(-dict="$OUT/$name.dict")
  fi
  options="$OUT/$name.options"
  [ -s "$options" ] || fail "$options is missing"
  max_len=$(sed -n 's/^max_len *= *\([0-9][0-9]*\)$/\1/p' "$options")
  timeout=$(sed -n 's/^timeout *= *\([0-9][0-9]*\)$/\1/p' "$options")
  if ! grep -qx '\[libfuzzer\]' "$options" || [ -z "$max_len" ] || [ -z "$timeout" ]; then
    fail "$options has no [libfuzzer] max_len and timeout"
  fi

  run=$(mktemp -d)
  mkdir "$run/seeds"
  unzip -q "$zip" -d "$run/seeds"
  t=$SECONDS
  if ! (cd "$run" && "$OUT/$name" -runs=1000 -max_len="$max_len" -timeout="$timeout" \
          -rss_limit_mb=2560 "${dict_flag[@]}" -artifact_prefix="$run/" \
          "$run/seeds" < /dev/null > "$run/log" 2>&1); then
    tail -n 60 "$run/log"
    for a in "$run"/crash-* "$run"/leak-* "$run"/timeout-* "$run"/oom-*; do
      [ -f "$a" ] && { echo "reproducer $a (base64):"; base64 -w0 "$a"; echo; }
    done
    fail "$name failed within 1,000 runs from its seed corpus"
  fi
  grep -q "^Done 1000 runs" "$run/log" || { tail -n 20 "$run/log"; fail "$name did not run 1,000 inputs"; }
  echo "-- $name: $have seeds, 1,000 runs in $((SECONDS - t))s"
  rm -rf "$run"
done < "$manifest"
echo "check_build: ${#names[@]} fuzzers in $OUT, 1,000 runs each, $((SECONDS - check_start))s"
