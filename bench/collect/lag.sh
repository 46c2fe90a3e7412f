#!/usr/bin/env bash
# Lag of a followed audit log: simulated events written at a steady rate to kube-audit.log, rotated
# by rename as lumberjack does, followed by a FollowedFileSource (default 250 ms poll) into a fresh
# embedded store; the lag of each event is the time from its write to its batch being committed and
# searchable. Prints p50/p90/p99/max after a 5 s warm-up.
#
# Settings (environment): RATE (events per second, 10000), DURATION (seconds, 60), ROTATE_MB (64),
# GZIP (1 gzips each backup on another thread, as --audit-log-compress; 0), STORE (lucene, or
# discard: a store that keeps nothing, for the lag without the store's commit).
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/bench/target/collect"
results="$root/bench/results"
RATE="${RATE:-10000}"
DURATION="${DURATION:-60}"
ROTATE_MB="${ROTATE_MB:-64}"
GZIP="${GZIP:-0}"
STORE="${STORE:-lucene}"
mkdir -p "$work" "$results"

(cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package)
cp "$root/bench/target/benchmarks.jar" "$work/benchmarks.jar"
rm -rf "$work/run"
out="$results/lag-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(java -version 2>&1 | head -n 1)"
  echo "RATE=$RATE DURATION=$DURATION ROTATE_MB=$ROTATE_MB GZIP=$GZIP STORE=$STORE"
  java -Xmx1g -cp "$work/benchmarks.jar" io.kubetrail.bench.FollowLag \
    "$work/run" "$RATE" "$DURATION" "$ROTATE_MB" "$GZIP" "$STORE"
} | tee "$out"
rm -rf "$work/run"
