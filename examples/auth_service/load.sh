#!/usr/bin/env bash
# load.sh: load jve_auth_service on loopback with wrk and print the figures
# for BENCHMARKS.md: requests/s and latency percentiles for a valid token
# (200) and for a token with a bad signature (401: the costliest refusal, a
# full signature check), with the exact commands, the CPU, the commit and
# the date.
#
#   examples/auth_service/load.sh                      # after a build in build/
#   BUILD_DIR=build-rel DURATION=30 CONNECTIONS=128 ALG=RS256 examples/auth_service/load.sh
#
# Environment (default):
#   BUILD_DIR    (build)  where jve and jve_auth_service were built
#   JVE          ($BUILD_DIR/tools/jve)
#   SERVICE      ($BUILD_DIR/examples/auth_service/jve_auth_service)
#   ALG          (ES256)  algorithm of the key and the token
#   DURATION     (10)     seconds per wrk run
#   CONNECTIONS  (64)     wrk -c
#   WRK_THREADS  (nproc)  wrk -t (at most CONNECTIONS)
#   THREADS      (nproc)  the service's --threads
#
# Exit: 0 when both runs went as expected; 1 when the valid run saw any
# non-2xx response (or none at all), the invalid run saw a 2xx, or the
# service failed; 2 when a tool is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$root/$BUILD_DIR" ;; esac
JVE=${JVE:-$BUILD_DIR/tools/jve}
SERVICE=${SERVICE:-$BUILD_DIR/examples/auth_service/jve_auth_service}
ALG=${ALG:-ES256}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-$(nproc)}
THREADS=${THREADS:-$(nproc)}
if (( WRK_THREADS > CONNECTIONS )); then WRK_THREADS=$CONNECTIONS; fi

for tool in wrk "$JVE" "$SERVICE"; do
  if ! command -v "$tool" > /dev/null; then
    echo "load.sh: $tool not found (apt-get install wrk; build jve_cli and jve_auth_service)" >&2
    exit 2
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/jve_auth_load.XXXXXX")
service_pid=""
cleanup() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2> /dev/null; then
    kill -TERM "$service_pid" 2> /dev/null || true
    wait "$service_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

iss=https://issuer.example/
aud=api
"$JVE" keygen --alg "$ALG" --kid k1 --public "$work/jwks.json" > "$work/k1.jwk"
"$JVE" keygen --alg "$ALG" --kid k1 > "$work/impostor.jwk"  # same kid, another key
sign() { "$JVE" sign --key "$1" --alg "$ALG" --sub alice --iss "$iss" --aud "$aud" --exp +2h; }
good_token=$(sign "$work/k1.jwk")
bad_token=$(sign "$work/impostor.jwk")

service_cmd=("$SERVICE" --jwks-file "$work/jwks.json" --listen 127.0.0.1:0 --threads "$THREADS"
             --issuer "$iss" --audience "$aud" --path-prefix /auth)
"${service_cmd[@]}" 2> "$work/service.log" &
service_pid=$!
port=""
for _ in $(seq 100); do  # up to 10 s for the start-up line, which names the port
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/service.log")
  [[ -n "$port" ]] && break
  kill -0 "$service_pid" 2> /dev/null || break
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "load.sh: the service did not start:" >&2
  cat "$work/service.log" >&2
  exit 1
fi

url="http://127.0.0.1:$port/auth"
wrk_cmd=(wrk "-t$WRK_THREADS" "-c$CONNECTIONS" "-d${DURATION}s" --latency -s "$here/bearer.lua" "$url")

status=0
rows=()
# run_wrk NAME TOKEN EXPECT: EXPECT is 2xx (no non-2xx allowed) or 401 (all non-2xx).
run_wrk() {
  local name=$1 token=$2 expect=$3 out
  out=$(JVE_TOKEN=$token "${wrk_cmd[@]}" 2>&1) || { echo "$out" >&2; echo "load.sh: wrk failed" >&2; exit 1; }
  echo "---- $name"
  echo "$out"
  local total rps non2xx p50 p75 p90 p99 errors
  total=$(awk '/ requests in /{print $1}' <<< "$out")
  rps=$(awk '/^Requests\/sec:/{print $2}' <<< "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<< "$out")
  non2xx=${non2xx:-0}
  errors=$(sed -n 's/^ *Socket errors: *//p' <<< "$out")
  read -r p50 p75 p90 p99 < <(awk '/Latency Distribution/{f=1; next}
                                    f && $1 ~ /%$/ {printf "%s ", $2} END {print ""}' <<< "$out")
  if [[ -z "$total" || "$total" == 0 ]]; then
    echo "load.sh: $name: no request completed" >&2
    status=1
  elif [[ "$expect" == 2xx && "$non2xx" != 0 ]]; then
    echo "load.sh: $name: $non2xx of $total responses were not 2xx" >&2
    status=1
  elif [[ "$expect" == 401 && "$non2xx" != "$total" ]]; then
    echo "load.sh: $name: only $non2xx of $total responses were refusals" >&2
    status=1
  fi
  rows+=("| $name | $rps | $p50 | $p75 | $p90 | $p99 | $non2xx of $total | ${errors:-none} |")
}

run_wrk "valid token (200)" "$good_token" 2xx
run_wrk "bad signature (401)" "$bad_token" 401

kill -TERM "$service_pid"
if ! wait "$service_pid"; then
  echo "load.sh: the service did not exit cleanly:" >&2
  cat "$work/service.log" >&2
  status=1
fi
service_pid=""

commit=$(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)
if [[ -n "$(git -C "$root" status --porcelain 2> /dev/null)" ]]; then commit="$commit (dirty tree)"; fi
lscpu_field() { lscpu | sed -n "s/^$1: *//p" | head -1; }
echo
echo "## jve_auth_service under wrk, $ALG"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $commit; kernel: $(uname -r)"
echo "- CPU: $(lscpu_field 'Model name'); $(nproc) CPUs online ($(lscpu_field 'Socket(s)') socket(s)," \
     "$(lscpu_field 'Core(s) per socket') core(s) per socket, $(lscpu_field 'Thread(s) per core') thread(s) per core);" \
     "wrk and the service share them"
echo "- service: jve_auth_service --threads $THREADS --jwks-file jwks.json (1 $ALG key) --issuer $iss --audience $aud --path-prefix /auth"
echo "- command: JVE_TOKEN=<token of ${#good_token} bytes> ${wrk_cmd[*]/#$root\//}"
echo
echo "| run | requests/s | p50 | p75 | p90 | p99 | non-2xx | socket errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
exit "$status"
