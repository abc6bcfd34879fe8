#!/usr/bin/env bash
# tools/apt-deb-src.sh on sample apt configurations in a temporary folder,
# no network (issue 12 §6): classic sources.list lines and *.list files,
# deb822 *.sources files (multi-value fields, continuation lines, comments,
# Enabled: no, an inline key), third-party and update suites left out,
# duplicates printed once, and no fitting entry an error.
set -euo pipefail
script="$(cd "$(dirname "$0")/.." && pwd)/tools/apt-deb-src.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
# expect NAME EXPECTED_OUTPUT SOURCES_LIST PARTS_DIR
expect() {
  local got
  got=$(JVE_APT_SUITE=bookworm bash "$script" "$3" "$4" 2>"$tmp/err") || got="exit $?"
  if [ "$got" != "$2" ]; then
    printf 'FAIL %s\n--- want\n%s\n--- got\n%s\n' "$1" "$2" "$got"
    cat "$tmp/err"
    failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}

# 1. Classic lines only: options in brackets (arch dropped, signed-by kept),
# comments, -updates and -security suites, contrib next to main, a deb-src
# line already there, a cdrom entry, a third-party repository.
mkdir -p "$tmp/1/parts"
cat > "$tmp/1/sources.list" <<'L'
# deb http://commented.example/debian bookworm main
deb [ arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg ] http://mirror.example/debian bookworm main contrib non-free-firmware
deb http://mirror.example/debian bookworm-updates main
deb http://security.example/debian-security bookworm-security main
deb cdrom:[Debian GNU/Linux 12]/ bookworm main
   deb-src	http://src.example/debian   bookworm   main # trailing comment
deb [trusted=yes] http://proxy.example:3142/debian bookworm contrib main
L
cat > "$tmp/1/parts/vendor.list" <<'L'
deb https://vendor.example/apt stable main
deb http://mirror.example/debian bookworm non-free
L
printf 'deb http://disabled.example/debian bookworm main\n' > "$tmp/1/parts/old.list.disabled"
expect "classic lines" "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb-src [trusted=yes] http://proxy.example:3142/debian bookworm main" "$tmp/1/sources.list" "$tmp/1/parts"

# 2. deb822 only, as Debian 12 installs it (debian.sources), plus a mirror+
# URI with two suites, a disabled stanza, an inline key, a lower-case field
# name, a continued Suites field, and no sources.list at all.
mkdir -p "$tmp/2/parts"
cat > "$tmp/2/parts/debian.sources" <<'L'
Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
L
cat > "$tmp/2/parts/more.sources" <<'L'
Types: deb deb-src
URIs: mirror+file:/etc/apt/mirrors/debian.list http://second.example/debian
Suites: bookworm-backports
 bookworm
Components: contrib main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGPL0BUBEADmW5NlL7Y2N8l8qLoDuBiDA4i56yLCwr4M1QldmzQbSAu4vRoj
 -----END PGP PUBLIC KEY BLOCK-----

Enabled: no
Types: deb
URIs: http://off.example/debian
Suites: bookworm
Components: main

types: deb
uris: http://lower.example/debian
suites: bookworm
components: main
trusted: yes
L
cat > "$tmp/2/parts/vendor.sources" <<'L'
Types: deb
URIs: https://vendor.example/node_20.x
Suites: nodistro
Components: main
L
expect "deb822 files" "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm main
deb-src mirror+file:/etc/apt/mirrors/debian.list bookworm main
deb-src http://second.example/debian bookworm main
deb-src [trusted=yes] http://lower.example/debian bookworm main" "$tmp/2/sources.list" "$tmp/2/parts"

# 3. Both formats naming the same archive: printed once.
mkdir -p "$tmp/3/parts"
printf 'deb [signed-by=/k.gpg] http://mirror.example/debian bookworm main\n' > "$tmp/3/sources.list"
printf 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nComponents: main\nSigned-By: /k.gpg\n' \
  > "$tmp/3/parts/debian.sources"
expect "one line per archive" "deb-src [signed-by=/k.gpg] http://mirror.example/debian bookworm main" \
  "$tmp/3/sources.list" "$tmp/3/parts"

# 4. Nothing for the release (only a third party, a disabled stanza, an
# update suite): an error, nothing printed.
mkdir -p "$tmp/4/parts"
printf 'deb https://vendor.example/apt stable main\ndeb http://mirror.example/debian bookworm-updates main\n' \
  > "$tmp/4/sources.list"
printf 'Enabled: no\nTypes: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nComponents: main\n' \
  > "$tmp/4/parts/debian.sources"
expect "no entry is an error" "exit 1" "$tmp/4/sources.list" "$tmp/4/parts"
grep -q "no deb or deb-src entry for bookworm main" "$tmp/err" || { echo "FAIL error message"; failures=$((failures + 1)); }

# 5. Neither file nor folder exists.
expect "no configuration is an error" "exit 1" "$tmp/none/sources.list" "$tmp/none/parts"

[ "$failures" -eq 0 ] || { echo "$failures case(s) failed"; exit 1; }
