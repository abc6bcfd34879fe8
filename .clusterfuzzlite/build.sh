#!/bin/bash -eu
# ClusterFuzzLite build: identical to OSS-Fuzz's (BoringSSL and simdjson from
# source, statically, then fuzz/build.sh); kept in one place.
exec bash $SRC/jve/fuzz/oss-fuzz/build.sh
