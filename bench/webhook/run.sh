#!/usr/bin/env bash
# Webhook benchmark: the same simulated audit log stored by `ingest` and POSTed to the webhook
# source in EventLists of 400 events by 2 concurrent clients (as kube-apiserver's batching webhook
# sends them), in one process with a 512 MB heap; see WebhookThroughput. Then `./kubetrail ingest`
# of the same log as a whole process, twice, as users run it.
#
# Settings (environment): EVENTS (200000), SEED (42), CLIENTS (2), PER_REQUEST (400).
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/bench/target/webhook"
results="$root/bench/results"
EVENTS="${EVENTS:-200000}"
SEED="${SEED:-42}"
CLIENTS="${CLIENTS:-2}"
PER_REQUEST="${PER_REQUEST:-400}"
cli_jar="$work/kubetrail.jar"
bench_jar="$work/benchmarks.jar"
log="$work/audit-$EVENTS.log"
mkdir -p "$work" "$results"

kubetrail() { KUBETRAIL_JAR="$cli_jar" "$root/kubetrail" "$@"; }
jvm_options() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$root/jvm.options"; }

echo "== building kubetrail and the benchmarks" >&2
(cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl kubetrail-cli,bench -am package)
cp "$root/kubetrail-cli/target/kubetrail.jar" "$cli_jar"
cp "$root/bench/target/benchmarks.jar" "$bench_jar"

if ! [ -f "$log" ] || [ "$(wc -l < "$log")" -ne "$EVENTS" ]; then
  echo "== simulating a cluster: $EVENTS audit events (seed $SEED)" >&2
  kubetrail simulate --steps "$((EVENTS / 2 + 1000))" --seed "$SEED" > "$work/simulated.log"
  head -n "$EVENTS" "$work/simulated.log" > "$log"
  rm -f "$work/simulated.log"
fi

out="$results/webhook-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(java -version 2>&1 | head -n 1)"
  echo "log: $EVENTS events, $(stat -c %s "$log") bytes"
  sync
  # shellcheck disable=SC2046
  java $(jvm_options) -Xmx512m -cp "$bench_jar" io.kubetrail.bench.WebhookThroughput "$log" "$CLIENTS" "$PER_REQUEST"
  # The command users run, as a whole process, doing the same work as the webhook above (no state
  # checkpoints) with the launcher's default heap: the webhook's sustained rate is held to this.
  kubetrail --version >/dev/null # makes the launcher's class-data archive for this jar
  for run in 1 2; do
    rm -rf "$work/ingest-store"
    sync
    start=$(date +%s.%N)
    kubetrail ingest --no-checkpoints --store "$work/ingest-store" "$log" >/dev/null
    end=$(date +%s.%N)
    awk -v n="$EVENTS" -v s="$start" -v e="$end" -v r="$run" 'BEGIN {
      printf "./kubetrail ingest --no-checkpoints, whole process, run %d: %d events in %.2f s, %d events/s\n", r, n, e - s, n / (e - s) }'
  done
  rm -rf "$work/ingest-store"
} | tee "$out"
