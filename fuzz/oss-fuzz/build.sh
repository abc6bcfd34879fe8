#!/bin/bash -eu
# OSS-Fuzz build: the dependencies first (statically, with $CC/$CXX and the
# sanitizer flags in $CFLAGS/$CXXFLAGS, so MSan sees initialized memory in
# them too), then jve's own fuzz/build.sh, which writes the targets, seed
# corpora, dictionaries and options to $OUT.
#
# Prebuilt dependencies are used as they are: an exported JVE_BORINGSSL_ROOT
# (an install with include/ and lib/libcrypto.a) skips the BoringSSL build,
# and without a $SRC/simdjson checkout CMake finds simdjson where it is
# installed. tools/setup.sh relies on both to run this script in CI without
# Docker or network, with the BoringSSL it built (issue 12 §7). A prebuilt
# BoringSSL is not instrumented: fine for ASan and UBSan, which only miss
# bugs inside it, not for MSan, which needs every library built with it.
deps=$WORK/deps

if [ -z "${JVE_BORINGSSL_ROOT:-}" ]; then
  # BoringSSL, upstream. OPENSSL_NO_ASM for MSan, which cannot see into
  # assembly; the other sanitizers keep the assembly paths jve ships with.
  asm=()
  [ "${SANITIZER:-}" = memory ] && asm=(-DOPENSSL_NO_ASM=1)
  cmake -S $SRC/boringssl -B $WORK/boringssl -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DCMAKE_INSTALL_PREFIX=$deps/boringssl -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF "${asm[@]}"
  cmake --build $WORK/boringssl --target crypto
  mkdir -p $deps/boringssl/lib
  cp -r $SRC/boringssl/include $deps/boringssl/
  cp $(find $WORK/boringssl -name libcrypto.a | head -n 1) $deps/boringssl/lib/
  export JVE_BORINGSSL_ROOT=$deps/boringssl
fi

if [ -d $SRC/simdjson ]; then
  # simdjson, static.
  cmake -S $SRC/simdjson -B $WORK/simdjson -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DCMAKE_INSTALL_PREFIX=$deps/simdjson -DBUILD_SHARED_LIBS=OFF \
    -DSIMDJSON_DEVELOPER_MODE=OFF -DSIMDJSON_BUILD_STATIC_LIB=ON
  cmake --build $WORK/simdjson
  cmake --install $WORK/simdjson
  export CMAKE_PREFIX_PATH=$deps/simdjson
fi

bash $SRC/jve/fuzz/build.sh
