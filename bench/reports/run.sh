#!/usr/bin/env bash
# The network-access and changes reports over a large store, as whole processes:
#   1. builds (once; kept in bench/target/reports/store-CHANGES) the store ExposureIntervalBench
#      makes: ExposureWorkload's 30-day month of CHANGES changes, PODS pods at a time, with its
#      checkpoints brought up to date as ingest does;
#   2. runs `kubetrail report --type network-access` over the whole month and `--type changes`
#      between two random times (Python's random.Random(10) once gave them) through the launcher,
#      default JVM options, RUNS times each, and prints for each run the wall-clock time, the
#      process's CPU, its peak RSS and the CPU of its threads by name (main, read-ahead,
#      compilers, GC), with the load average before and after.
#
# Settings (environment): CHANGES (1000000), PODS (5000), RUNS (3).
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
CHANGES="${CHANGES:-1000000}"
PODS="${PODS:-5000}"
RUNS="${RUNS:-3}"
work="$root/bench/target/reports"
results="$root/bench/results"
store="$work/store-$CHANGES"
# Copies of the jars, so that rebuilding the project meanwhile cannot disturb a run.
cli_jar="$work/kubetrail.jar"
bench_jar="$work/benchmarks.jar"
mkdir -p "$work" "$results"
out="$results/reports-$(date -u +%Y%m%dT%H%M%SZ).txt"

say() { printf '%s\n' "$*" | tee -a "$out" >&2; }

say "== building kubetrail and the benchmarks"
(cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl kubetrail-cli,bench -am package)
cp "$root/kubetrail-cli/target/kubetrail.jar" "$cli_jar"
cp "$root/bench/target/benchmarks.jar" "$bench_jar"
# The launcher's first run of a jar makes its class-data archive, as it does for users.
KUBETRAIL_JAR="$cli_jar" "$root/kubetrail" --version >/dev/null

say "== store: $CHANGES changes, $PODS pods at a time ($store)"
java -cp "$bench_jar" io.kubetrail.bench.ExposureIntervalBench "$CHANGES" "$PODS" "$store" \
  --store-only | tee -a "$out" >&2

report() {
  local type=$1 start=$2 end=$3 run=$4
  local label="$type-$run" load0 load1
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  KUBETRAIL_JAR="$cli_jar" /usr/bin/time -f '%e s wall, %U s user, %S s system, %M KB peak RSS' \
    -o "$work/$label.time" "$here/threads.sh" "$work/$label.threads" "$root/kubetrail" report \
    --store "$store" --cluster cluster --type "$type" --start "$start" --end "$end" \
    >"$work/$label.json"
  load1=$(cut -d' ' -f1-3 /proc/loadavg)
  say "$type, run $run: $(cat "$work/$label.time"); load average $load0 -> $load1"
  say "  threads: $(awk '{n = $1; for (i = 2; i <= NF - 2; i++) n = n " " $i
    printf "%s%s %s s", (NR > 1 ? ", " : ""), n, $(NF - 1)}' "$work/$label.threads")"
}

for run in $(seq 1 "$RUNS"); do
  report network-access 2026-01-01T00:00:00Z 2026-01-31T00:00:00Z "$run"
  report changes 2026-01-13T20:48:00Z 2026-01-18T03:24:35Z "$run"
done
# Every run of a report must give the same bytes.
for type in network-access changes; do
  for run in $(seq 2 "$RUNS"); do
    cmp -s "$work/$type-1.json" "$work/$type-$run.json" || say "$type: run $run differs from run 1"
  done
done
say "results: $out"
