#!/usr/bin/env bash
# Soak test of the followed-file source: FollowKillTest with more kills. A collector in a child JVM
# follows a log written at a steady rate and rotated (renamed, sometimes gzipped); it is killed with
# SIGKILL at random moments and started again each time; at the end it catches up and every event
# written must be stored exactly once (no gap, no batch stored twice), the store verifying.
#
# Settings (environment): KILLS (200), RATE (events per second, 2000), MAX_KILL_MILLIS (random
# extra time before each kill, 2000), SEED (a test seed; new and printed when unset).
# About 2 s per kill on two cores. Builds with Maven in the reactor; installs nothing.
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
results="$root/bench/results"
KILLS="${KILLS:-200}"
RATE="${RATE:-2000}"
MAX_KILL_MILLIS="${MAX_KILL_MILLIS:-2000}"
mkdir -p "$results"
out="$results/soak-$(date -u +%Y%m%dT%H%M%SZ).txt"

seed_arg=()
if [[ -n "${SEED:-}" ]]; then seed_arg=("-Dtests.seed=$SEED"); fi

cd "$root"
mvn -B -pl kubetrail-collect -am test \
  -Dtest=FollowKillTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfollow.kills="$KILLS" -Dfollow.rate="$RATE" -Dfollow.maxKillMillis="$MAX_KILL_MILLIS" \
  "${seed_arg[@]}" 2>&1 | tee "$out" | grep -E 'seed|wrote|Tests run:|FAIL|BUILD' || true
if grep -q 'BUILD SUCCESS' "$out"; then
  echo "soak passed: $out"
else
  echo "soak FAILED: $out (the seed above reproduces the kill moments)" >&2
  exit 1
fi
