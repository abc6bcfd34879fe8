#!/usr/bin/env bash
# Builds BoringSSL's libcrypto once from Debian's source package and installs it
# into a cache folder; later runs reuse it. Prints the install prefix on stdout
# (the last line), which the set-up passes to CMake as JVE_BORINGSSL_ROOT.
#
#   JVE_CACHE   cache folder (default /var/cache/jve)
#
# The system's apt configuration is not touched: the deb-src list, the package
# lists and the downloads live in a private state folder inside the cache.
# The deb-src list is derived from the machine's own sources (apt-deb-src.sh:
# sources.list and sources.list.d, one-line and deb822 formats alike), so the
# source comes from the mirror or proxy the machine is set up with.
# Exits non-zero if the source cannot be had; callers then fall back to
# Debian's binary package with a warning.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${JVE_CACHE:-/var/cache/jve}
pkg=android-platform-external-boringssl
arch=$(uname -m)
jobs=$(nproc 2>/dev/null || echo 2)

mkdir -p "$cache"
# The installed tree is named after the source version and architecture, so a
# new Debian version rebuilds instead of silently reusing an old one.
stamp_glob="$cache/boringssl-*-$arch/.complete"
for s in $stamp_glob; do
  if [ -f "$s" ]; then dirname "$s"; exit 0; fi
done

apt_dir="$cache/apt"
mkdir -p "$apt_dir/etc" "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$cache/src"
if ! deb_src=$(bash "$here/apt-deb-src.sh"); then
  echo "build-boringssl: the apt configuration names no Debian archive to fetch the source from" >&2
  exit 1
fi
printf '%s\n' "$deb_src" > "$apt_dir/etc/sources.list"
echo "build-boringssl: source entries (from the apt configuration):" >&2
printf '  %s\n' "$deb_src" >&2
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State=$apt_dir/state" -o "Dir::Cache=$apt_dir/cache"
          -o APT::Sandbox::User=root -qq)
echo "build-boringssl: fetching the $pkg source package" >&2
apt-get "${apt_opts[@]}" update >&2
(cd "$cache/src" && apt-get "${apt_opts[@]}" source --download-only "$pkg" >&2)
orig=$(ls "$cache/src/${pkg}_"*.orig.tar.xz | sort | tail -n 1)
version=$(basename "$orig" .orig.tar.xz); version=${version#${pkg}_}
src="$cache/src/$pkg-$version"
if [ ! -f "$src/android-sources.cmake" ]; then
  rm -rf "$src"; mkdir -p "$src"
  tar xf "$orig" -C "$src" --strip-components=1
fi

prefix="$cache/boringssl-$version-$arch"
build="$cache/build-$version-$arch"
echo "build-boringssl: compiling libcrypto $version for $arch (about a minute on 2 cores)" >&2
cmake -S "$here/boringssl" -B "$build" -DCMAKE_BUILD_TYPE=Release \
      -DBORINGSSL_SOURCE="$src" -DCMAKE_INSTALL_PREFIX="$prefix" >&2
cmake --build "$build" -j "$jobs" >&2
cmake --install "$build" >&2
echo "$version" > "$prefix/VERSION"
touch "$prefix/.complete"
echo "$prefix"
