#!/usr/bin/env bash
# Query latency over a large store (5 million events by default):
#   1. builds the store from simulated clusters, one chunk at a time, each chunk a cluster of its
#      own, every ingest in a 512 MB heap; resumable: finished chunks are never redone, and a chunk
#      cut short is ingested again (the store keeps each event once);
#   2. measures p50/p90/p99 of object history and of the first page of filtered searches.
#
# Settings (environment): EVENTS (5000000), CHUNK (500000), SEED (1000), QUERIES (2000).
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/bench/target/query"
results="$root/bench/results"
EVENTS="${EVENTS:-5000000}"
CHUNK="${CHUNK:-500000}"
SEED="${SEED:-1000}"
QUERIES="${QUERIES:-2000}"
# Copies of the jars, so that rebuilding the project meanwhile cannot disturb a run.
cli_jar="$work/kubetrail.jar"
bench_jar="$work/benchmarks.jar"
store="$work/store"
mkdir -p "$work" "$results"

# kubetrail runs as the launcher runs it (with the JVM options in jvm.options), on the copied jar.
kubetrail() { KUBETRAIL_JAR="$cli_jar" "$root/kubetrail" "$@"; }

say() { printf '\n== %s\n' "$*" >&2; }

build() {
  say "building kubetrail and the benchmarks"
  (cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl kubetrail-cli,bench -am package)
  cp "$root/kubetrail-cli/target/kubetrail.jar" "$cli_jar"
  cp "$root/bench/target/benchmarks.jar" "$bench_jar"
  # The launcher's first run of a jar makes its class-data archive, as it does for users.
  kubetrail --version >/dev/null
}

build_store() {
  local chunks=$(((EVENTS + CHUNK - 1) / CHUNK))
  for i in $(seq 0 $((chunks - 1))); do
    local done_marker="$work/chunk-$i.done"
    if [ -f "$done_marker" ]; then
      continue
    fi
    say "chunk $((i + 1)) of $chunks: simulating $CHUNK events as cluster sim-$i and ingesting them"
    local start
    start=$(date +%s)
    # A simulated step is one API request, written as two or three events, about 0.12 s of cluster
    # time: each chunk starts where the one before ended, so time moves on across the store.
    local start_time
    start_time=$(date -u -d "@$((1767225600 + i * CHUNK * 6 / 100))" +%Y-%m-%dT%H:%M:%SZ)
    kubetrail simulate --steps "$((CHUNK / 2))" --seed "$((SEED + i))" --start "$start_time" \
      | KUBETRAIL_JAVA_OPTS=-Xmx512m kubetrail ingest --no-checkpoints --store "$store" --cluster "sim-$i" - >&2
    echo "$(( $(date +%s) - start )) s" > "$done_marker"
  done
}

measure() {
  say "measuring query latency ($QUERIES queries of each kind, after warm-up)"
  local report="$results/query-$(date -u +%Y%m%dT%H%M%SZ).txt"
  {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB RAM; $(java -version 2>&1 | head -n 1)"
    echo "store on disk: $(du -sh "$store" | cut -f1)"
    java -Xmx1g -cp "$bench_jar" io.kubetrail.bench.IngestQueryLatency "$store" "$QUERIES" 42
  } | tee "$report"
  echo "(saved in $report)" >&2
}

main() {
  build
  build_store
  measure
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
