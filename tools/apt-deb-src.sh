#!/usr/bin/env bash
# Prints the deb-src entries for this machine's own Debian archive, derived
# from its apt configuration, one line each (one-line sources.list format):
#
#   bash tools/apt-deb-src.sh [sources.list [sources.list.d]]
#
# tools/build-boringssl.sh fetches BoringSSL's source package through them,
# so the fetch goes to whatever mirror the machine uses (a local mirror, an
# apt-cacher proxy URI, mirror+file:), and the repository names no host
# (issue 12 §6). Proxies and credentials set in apt.conf apply as for any
# apt call.
#
# Read: the classic sources.list, and in sources.list.d every *.list
# (one-line format) and *.sources (deb822) file, as apt reads them; the
# paths default to apt-config's Dir::Etc::SourceList and SourceParts. Kept:
# entries of type deb or deb-src whose suite is the release's codename
# ($JVE_APT_SUITE, default VERSION_CODENAME of /etc/os-release: "bookworm",
# not bookworm-updates nor bookworm-security, which carry no such source)
# with the component $JVE_APT_COMPONENT (default main); deb822 stanzas with
# "Enabled: no" and cdrom: URIs are skipped. Of the options, signed-by (a
# keyring path or fingerprints; a key written inline in a .sources file
# cannot be carried and is dropped, apt then uses its trusted keyrings) and
# trusted are kept. Duplicates are printed once.
# Exits 1, printing nothing, when no entry fits.
set -euo pipefail
apt_list=/etc/apt/sources.list apt_parts=/etc/apt/sources.list.d
if [ $# -lt 2 ] && command -v apt-config >/dev/null; then
  eval "$(apt-config shell apt_list Dir::Etc::SourceList/f apt_parts Dir::Etc::SourceParts/d)"
fi
list=${1:-$apt_list}
parts=${2:-$apt_parts}
suite=${JVE_APT_SUITE:-}
if [ -z "$suite" ]; then
  # shellcheck disable=SC1091  # the machine's, not the repository's
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
fi
component=${JVE_APT_COMPONENT:-main}
[ -n "$suite" ] || { echo "apt-deb-src: no release codename (set JVE_APT_SUITE)" >&2; exit 1; }

# sources.list, then the parts (.list, then .sources, each in byte order).
one_line=()
deb822=()
[ -f "$list" ] && one_line+=("$list")
LC_ALL=C  # the glob sorts bytewise, as apt does
for f in "$parts"/*.list "$parts"/*.sources; do
  [ -f "$f" ] || continue
  case "$f" in
    *.list) one_line+=("$f") ;;
    *.sources) deb822+=("$f") ;;
  esac
done

# entry TYPE URI SUITES COMPONENTS OPTIONS: the awk function below, written
# once and used by both parsers.
awk_common='
function keep_option(o) { return o ~ /^(signed-by|trusted)=/ }
function entry(types, uri, suites, comps, opts,   t, s, c, nt, ns, nc, ta, sa, ca, line) {
  if (uri ~ /^cdrom:/ || uri == "") return
  nt = split(types, ta, /[ \t]+/); ns = split(suites, sa, /[ \t]+/); nc = split(comps, ca, /[ \t]+/)
  for (t = 1; t <= nt; t++) {
    if (ta[t] != "deb" && ta[t] != "deb-src") continue
    for (s = 1; s <= ns; s++) {
      if (sa[s] != SUITE) continue
      for (c = 1; c <= nc; c++) {
        if (ca[c] != COMPONENT) continue
        line = "deb-src " (opts == "" ? "" : "[" opts "] ") uri " " SUITE " " COMPONENT
        if (!(line in seen)) { seen[line] = 1; print line }
      }
    }
  }
}'

{
  if [ ${#one_line[@]} -gt 0 ]; then
    awk -v SUITE="$suite" -v COMPONENT="$component" "$awk_common"'
      {
        sub(/#.*/, "")
        if ($0 !~ /^[ \t]*deb(-src)?[ \t]/) next
        type = $1; rest = substr($0, index($0, $1) + length($1))
        opts = ""
        if (rest ~ /^[ \t]*\[/) {
          inner = substr(rest, index(rest, "[") + 1)
          rest = substr(inner, index(inner, "]") + 1)
          inner = substr(inner, 1, index(inner, "]") - 1)
          n = split(inner, oa, /[ \t]+/)
          for (i = 1; i <= n; i++) if (keep_option(oa[i])) opts = opts (opts == "" ? "" : " ") oa[i]
        }
        n = split(rest, f, /[ \t]+/)
        k = 0; delete w
        for (i = 1; i <= n; i++) if (f[i] != "") w[++k] = f[i]
        comps = ""
        for (i = 3; i <= k; i++) comps = comps " " w[i]
        entry(type, w[1], w[2], comps, opts)
      }' "${one_line[@]}"
  fi
  if [ ${#deb822[@]} -gt 0 ]; then
    # A stanza ends at a blank line or at the end of its file.
    awk -v SUITE="$suite" -v COMPONENT="$component" "$awk_common"'
      function flush(   uris, n, i, u, opts) {
        if (seen_field && tolower(v["enabled"]) != "no") {
          opts = ""
          if (v["signed-by"] != "" && v["signed-by"] !~ /BEGIN PGP/ && v["signed-by"] !~ /[ \t]/)
            opts = "signed-by=" v["signed-by"]
          if (tolower(v["trusted"]) == "yes") opts = opts (opts == "" ? "" : " ") "trusted=yes"
          n = split(v["uris"], u, /[ \t]+/)
          for (i = 1; i <= n; i++) if (u[i] != "") entry(v["types"], u[i], v["suites"], v["components"], opts)
        }
        delete v; seen_field = 0; last = ""
      }
      FNR == 1 { flush() }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { if (last != "") { x = $0; gsub(/^[ \t]+|[ \t]+$/, "", x); v[last] = v[last] " " x }; next }
      {
        i = index($0, ":"); if (i == 0) next
        last = tolower(substr($0, 1, i - 1))
        x = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", x)
        v[last] = x; seen_field = 1
      }
      END { flush() }' "${deb822[@]}"
  fi
} | awk '!seen[$0]++' | grep . || { echo "apt-deb-src: no deb or deb-src entry for $suite $component in $list or $parts" >&2; exit 1; }
