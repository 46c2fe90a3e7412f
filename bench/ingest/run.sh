#!/usr/bin/env bash
# End-to-end ingest benchmark, all on this machine in one run, on the same simulated audit log:
#   1. OpenSearch (single node, 2 GB heap) bulk-indexing it as Calico stores audit events: the
#      _bulk bodies (5,000 documents each) are prepared before the clock starts and sent by curl,
#      two at a time; timed from the first _bulk to the end of the _refresh;
#   2. `./kubetrail ingest --store DIR FILE` as a user runs it: default options (state checkpoints
#      included), the launcher's JVM options and default heap, the whole process timed;
#      steps 1 and 2 alternate ROUNDS times (a fresh OpenSearch node and a fresh store each round),
#      and the ratio is taken round by round: this machine's speed drifts from minute to minute;
#   3. in each round too, fresh processes timed the same way, the floors under any store's
#      end-to-end rate: Jackson parsing the file and nothing else (at its best: the fastest of
#      JACKSON_RUNS processes), and kubetrail's ingest pipeline handing its batches to a store that
#      keeps nothing (kubetrail's share of Jackson's rate is taken round by round as well);
#   4. optionally (PROFILE=1), a second kubetrail ingest under Java Flight Recorder, summarised
#      per thread: where the time goes;
#   5. optionally (JMH=1), with JMH (warmed-up code): Jackson parsing it and nothing else,
#      kubetrail's decoder alone, and the pipeline without the store.
# Idempotent: downloads, the build and the audit log are reused; every measurement starts afresh.
#
# Settings (environment): EVENTS (200000), ROUNDS (3), JACKSON_RUNS (3), SEED (42),
# OPENSEARCH_VERSION (2.19.6), OPENSEARCH_PORT (9250), OPENSEARCH_USER (kubetrail-bench; created when
# running as root), SKIP_OPENSEARCH=1, PROFILE=1, JMH=1.
# Run it on a quiet machine: every figure is wall-clock throughput on the same cores; the report
# records the load average before each system runs.
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/bench/target/ingest"
results="$root/bench/results"
EVENTS="${EVENTS:-200000}"
ROUNDS="${ROUNDS:-3}"
JACKSON_RUNS="${JACKSON_RUNS:-3}"
if ! [ "$JACKSON_RUNS" -ge 1 ] 2>/dev/null; then
  echo "JACKSON_RUNS must be a whole number of at least 1, not '$JACKSON_RUNS'" >&2
  exit 2
fi
SEED="${SEED:-42}"
OPENSEARCH_VERSION="${OPENSEARCH_VERSION:-2.19.6}"
OPENSEARCH_PORT="${OPENSEARCH_PORT:-9250}"
OPENSEARCH_USER="${OPENSEARCH_USER:-kubetrail-bench}"
CLUSTER=bench
# Copies of the jars, so that rebuilding the project meanwhile cannot disturb a run.
cli_jar="$work/kubetrail.jar"
bench_jar="$work/benchmarks.jar"
log="$work/audit-$EVENTS.log"
mkdir -p "$work" "$results"

# kubetrail runs as the launcher runs it (with the JVM options in jvm.options), on the copied jar.
kubetrail() { KUBETRAIL_JAR="$cli_jar" "$root/kubetrail" "$@"; }
jvm_options() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$root/jvm.options"; }
# Where the kernel gives transparent huge pages on request, the launcher asks for them for
# kubetrail's heap; OpenSearch and the floors' processes get them too, so that the comparison is
# of the systems, not of their memory pages.
huge_pages=""
if grep -qs '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled; then
  huge_pages=-XX:+UseTransparentHugePages
fi

say() { printf '\n== %s\n' "$*" >&2; }
seconds_since() { echo "$(date +%s.%N) - $1" | bc -l; }
rate() { echo "scale=0; $1 / $2" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

build() {
  say "building kubetrail and the benchmarks"
  (cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl kubetrail-cli,bench -am package)
  cp "$root/kubetrail-cli/target/kubetrail.jar" "$cli_jar"
  cp "$root/bench/target/benchmarks.jar" "$bench_jar"
  # The launcher's first run of a jar makes its class-data archive, as it does for users.
  kubetrail --version >/dev/null
}

make_log() {
  if [ -f "$log" ] && [ "$(wc -l < "$log")" -eq "$EVENTS" ]; then
    return
  fi
  say "simulating a cluster: $EVENTS audit events (seed $SEED)"
  # A simulated step is one API request, written as two or three events.
  kubetrail simulate --steps "$((EVENTS / 2 + 1000))" --seed "$SEED" > "$work/simulated.log"
  local have
  have=$(wc -l < "$work/simulated.log")
  if [ "$have" -lt "$EVENTS" ]; then
    echo "simulate wrote $have events, fewer than $EVENTS; give it more --steps in $0" >&2
    exit 1
  fi
  head -n "$EVENTS" "$work/simulated.log" > "$log"
  rm -f "$work/simulated.log"
}

log_stats() {
  local bytes
  bytes=$(stat -c %s "$log")
  echo "$EVENTS events, $bytes bytes, $((bytes / EVENTS)) bytes per event on average"
}

# --- OpenSearch -------------------------------------------------------------------------------
os_home="$work/opensearch-$OPENSEARCH_VERSION"
os_url="http://127.0.0.1:$OPENSEARCH_PORT"

as_opensearch_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$OPENSEARCH_USER" -- "$@"
  else
    "$@"
  fi
}

install_opensearch() {
  if [ ! -x "$os_home/bin/opensearch" ]; then
    say "fetching OpenSearch $OPENSEARCH_VERSION (integ-test zip) from Maven Central"
    (cd "$root" && mvn -B -q dependency:copy \
      -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip" \
      -DoutputDirectory="$work")
    unzip -q -o "$work/opensearch-$OPENSEARCH_VERSION.zip" -d "$work"
  fi
  # OpenSearch refuses to run as root.
  if [ "$(id -u)" -eq 0 ]; then
    id "$OPENSEARCH_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$OPENSEARCH_USER"
    chown -R "$OPENSEARCH_USER" "$os_home"
  fi
}

stop_opensearch() {
  local pidfile="$work/opensearch.pid"
  if [ -f "$pidfile" ]; then
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    rm -f "$pidfile"
  fi
}

start_opensearch() {
  stop_opensearch
  rm -rf "$work/os-data" "$work/os-logs"
  mkdir -p "$work/os-data" "$work/os-logs"
  [ "$(id -u)" -ne 0 ] || chown "$OPENSEARCH_USER" "$work/os-data" "$work/os-logs" "$work"
  say "starting OpenSearch on $os_url (heap 2 GB)"
  local java_home os_java_opts="-Xms2g -Xmx2g"
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  os_java_opts+="${huge_pages:+ $huge_pages}"
  as_opensearch_user env OPENSEARCH_JAVA_HOME="$java_home" OPENSEARCH_JAVA_OPTS="$os_java_opts" \
    "$os_home/bin/opensearch" -d -p "$work/opensearch.pid" \
    -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 -Ehttp.port="$OPENSEARCH_PORT" \
    -Epath.data="$work/os-data" -Epath.logs="$work/os-logs"
  for _ in $(seq 1 120); do
    if curl -fsS "$os_url/_cluster/health?wait_for_status=green&timeout=1s" >/dev/null 2>&1; then
      return
    fi
    sleep 1
  done
  echo "OpenSearch did not turn green in 2 minutes; see $work/os-logs" >&2
  exit 1
}

# The _bulk bodies, made once per log: documents as Calico's collector stores them.
make_bodies() {
  local bodies="$work/bulk-$EVENTS"
  if [ ! -f "$bodies/done" ]; then
    say "preparing the _bulk bodies (5,000 documents each)"
    rm -rf "$bodies"
    local docs
    docs=$(java -cp "$bench_jar" io.kubetrail.bench.BulkBodies "$log" "$bodies" "$CLUSTER" 5000)
    [ "$docs" -eq "$EVENTS" ] || { echo "BulkBodies wrote $docs documents, expected $EVENTS" >&2; exit 1; }
    touch "$bodies/done"
  fi
  bodies_dir="$bodies"
}

# Sends one body; OpenSearch answers 429 when its write queue is full, and a shipper retries.
send_body() {
  local body="$1" url="$2" tries=0 status
  while :; do
    status=$(curl -sS -o "$body.response" -w '%{http_code}' -XPOST "$url" \
      -H 'Content-Type: application/x-ndjson' --data-binary @"$body")
    [ "$status" = 429 ] && [ $((tries += 1)) -lt 10 ] || break
    sleep 0.$((tries))
  done
  [ "$status" = 200 ] || { echo "bulk request $body: HTTP $status: $(head -c 500 "$body.response")" >&2; return 1; }
}
export -f send_body

bench_opensearch() {
  install_opensearch
  make_bodies
  start_opensearch
  trap stop_opensearch EXIT
  local index="tigera_secure_ee_audit_kube.$CLUSTER.$(date -u +%Y%m%d)"
  curl -fsS -XPUT "$os_url/$index" -H 'Content-Type: application/json' \
    --data-binary @"$here/opensearch-index.json" >/dev/null
  rm -f "$bodies_dir"/*.response
  sync
  os_load="$(load_average)"
  say "OpenSearch: bulk-indexing $EVENTS events (5,000 per request, 2 in flight, curl)"
  local start
  start=$(date +%s.%N)
  find "$bodies_dir" -name 'bulk-*.ndjson' -print0 | sort -z |
    xargs -0 -P 2 -I{} bash -c 'send_body "$1" "$2"' _ {} "$os_url/$index/_bulk?filter_path=errors,items.*.error"
  curl -fsS -XPOST "$os_url/$index/_refresh" >/dev/null
  os_seconds=$(seconds_since "$start")
  if grep -l '"errors":true' "$bodies_dir"/*.response >/dev/null 2>&1; then
    echo "OpenSearch refused documents; see $(grep -l '"errors":true' "$bodies_dir"/*.response | head -n 1)" >&2
    exit 1
  fi
  local count
  count=$(curl -fsS "$os_url/$index/_count" | sed -E 's/.*"count":([0-9]+).*/\1/')
  [ "$count" -eq "$EVENTS" ] || { echo "OpenSearch holds $count documents, expected $EVENTS" >&2; exit 1; }
  os_rate=$(rate "$EVENTS" "$os_seconds")
  os_disk=$(du -sb "$work/os-data" | cut -f1)
  stop_opensearch
  trap - EXIT
}

# --- kubetrail ----------------------------------------------------------------------------------
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

bench_kubetrail() {
  rm -rf "$work/store"
  sync
  kt_load="$(load_average)"
  say "kubetrail: ingesting $EVENTS events into a fresh store, as a user runs it (default options)"
  local start
  start=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$work/kubetrail.rss" \
    env KUBETRAIL_JAR="$cli_jar" "$root/kubetrail" ingest --store "$work/store" --cluster "$CLUSTER" "$log" >&2
  kt_seconds=$(seconds_since "$start")
  kt_rate=$(rate "$EVENTS" "$kt_seconds")
  read -r kt_rss_kb kt_user kt_sys < <(tail -n 1 "$work/kubetrail.rss")
  kt_disk=$(du -sb "$work/store" | cut -f1)
}

# --- Floors: fresh processes doing less than ingest ---------------------------------------------
floor_rate() {
  local start events
  start=$(date +%s.%N)
  # shellcheck disable=SC2046,SC2086 # one option per line; huge_pages is one option or none
  events=$(java $(jvm_options) $huge_pages -Xmx512m -cp "$bench_jar" io.kubetrail.bench.FreshProcessFloor "$1" "$log")
  [ "$events" -eq "$EVENTS" ] || { echo "FreshProcessFloor $1 read $events events, expected $EVENTS" >&2; exit 1; }
  rate "$EVENTS" "$(seconds_since "$start")"
}

bench_floors() {
  say "fresh processes on the same file: Jackson parse-only; the ingest pipeline without the store"
  sync
  floor_load="$(load_average)"
  # Jackson at its best: a single fresh process's rate moves by a third from one minute to the
  # next on this machine, and a slow one would flatter kubetrail's share of it.
  local _ rate
  jackson_fresh_rate=0
  for _ in $(seq 1 "$JACKSON_RUNS"); do
    rate=$(floor_rate jackson)
    [ "$rate" -le "$jackson_fresh_rate" ] || jackson_fresh_rate=$rate
  done
  pipeline_fresh_rate=$(floor_rate pipeline)
}

# --- Where kubetrail's time goes: one more run under Java Flight Recorder ------------------------
bench_profile() {
  rm -rf "$work/store-profiled"
  say "kubetrail: ingesting again under Java Flight Recorder (not timed)"
  KUBETRAIL_JAVA_OPTS="-XX:FlightRecorderOptions:stackdepth=256 -XX:StartFlightRecording=filename=$work/ingest.jfr,settings=profile" \
    KUBETRAIL_JAR="$cli_jar" "$root/kubetrail" ingest --store "$work/store-profiled" --cluster "$CLUSTER" "$log" >/dev/null 2>&1
  jfr print --events jdk.ExecutionSample "$work/ingest.jfr" > "$work/ingest-samples.txt"
  python3 "$here/profile.py" "$work/ingest-samples.txt" > "$work/profile.txt"
  rm -rf "$work/store-profiled"
}

# --- Jackson parse-only, decoding, and the pipeline without the store (JMH) -------------------
bench_jmh() {
  say "JMH on the same file: Jackson parse-only, kubetrail's decoder, the ingest pipeline without the store"
  # JMH runs one benchmark at a time on a machine (a lock file says so): wait for another to end.
  local tries=0
  until java -jar "$bench_jar" 'DecodeBenchmark\.(jacksonParseOnly|reader)$' 'IngestPipelineBenchmark' \
    -p file="$log" -rf json -rff "$work/jmh.json" > "$work/jmh.out" 2>&1; do
    if grep -q "Unable to acquire the JMH lock" "$work/jmh.out" && [ $((tries += 1)) -lt 40 ]; then
      echo "another JMH run holds the lock; waiting" >&2
      sleep 30
    else
      cat "$work/jmh.out" >&2
      return 1
    fi
  done
  cat "$work/jmh.out" >&2
  # One operation reads the whole file; each benchmark's "events" counter is events per second.
  read -r jackson_rate decode_rate pipeline_rate < <(python3 - "$work/jmh.json" <<'PY'
import json, sys
rates = {r["benchmark"].rsplit(".", 1)[1]: int(r["secondaryMetrics"]["events"]["score"])
         for r in json.load(open(sys.argv[1]))}
print(rates["jacksonParseOnly"], rates["reader"], rates["pipelineWithoutStore"])
PY
)
}

main() {
  build
  make_log
  os_rate=""; os_seconds=""; os_disk=""; os_load=""; jackson_rate=""; jackson_fresh_rate=""; pipeline_fresh_rate=""; decode_rate=""; pipeline_rate=""
  # Each system starts with nothing left to write back from what ran before (the log just
  # written, the other system's files): a commit's fsync would otherwise wait for it.
  local rounds=() os_rates=() kt_rates=() ratios=() jackson_rates=() pipeline_rates=() of_jackson=() round line
  for round in $(seq 1 "$ROUNDS"); do
    say "round $round of $ROUNDS"
    [ "${SKIP_OPENSEARCH:-0}" = 1 ] || bench_opensearch
    bench_kubetrail
    # The floors in every round too: a single fresh process's rate moves with the machine's speed.
    bench_floors
    kt_rates+=("$kt_rate")
    jackson_rates+=("$jackson_fresh_rate")
    pipeline_rates+=("$pipeline_fresh_rate")
    of_jackson+=("$(echo "100 * $kt_rate / $jackson_fresh_rate" | bc -l)")
    if [ -n "$os_rate" ]; then
      os_rates+=("$os_rate")
      ratios+=("$(echo "$kt_rate / $os_rate" | bc -l)")
      line="$(printf 'round %d: OpenSearch %s events/s (%.1f s, load %s), kubetrail %s events/s (%.1f s, load %s): %.2fx' \
        "$round" "$os_rate" "$os_seconds" "$os_load" "$kt_rate" "$kt_seconds" "$kt_load" "${ratios[-1]}")"
    else
      line="$(printf 'round %d: kubetrail %s events/s (%.1f s, load %s)' "$round" "$kt_rate" "$kt_seconds" "$kt_load")"
    fi
    rounds+=("$(printf '%s; Jackson %s events/s (%.1f%%), pipeline %s events/s (load %s)' \
      "$line" "$jackson_fresh_rate" "${of_jackson[-1]}" "$pipeline_fresh_rate" "$floor_load")")
  done
  # The table gives each system's median round; the ratios are the medians of the rounds' ratios.
  kt_rate=$(printf %.0f "$(median "${kt_rates[@]}")")
  kt_seconds=$(echo "$EVENTS / $kt_rate" | bc -l)
  jackson_fresh_rate=$(printf %.0f "$(median "${jackson_rates[@]}")")
  pipeline_fresh_rate=$(printf %.0f "$(median "${pipeline_rates[@]}")")
  jackson_share=$(median "${of_jackson[@]}")
  if [ -n "$os_rate" ]; then
    os_rate=$(printf %.0f "$(median "${os_rates[@]}")")
    os_seconds=$(echo "$EVENTS / $os_rate" | bc -l)
    ratio=$(median "${ratios[@]}")
  fi
  if [ "${PROFILE:-0}" = 1 ]; then bench_profile; fi
  if [ "${JMH:-0}" = 1 ]; then bench_jmh; fi

  report="$results/ingest-$(date -u +%Y%m%dT%H%M%SZ).txt"
  {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB RAM; $(java -version 2>&1 | head -n 1)"
    echo "input:   $(log_stats)"
    printf '%s\n' "${rounds[@]}"
    echo "medians of $ROUNDS rounds:"
    printf '%-34s %12s %10s %14s\n' "system" "events/s" "seconds" "on disk (MB)"
    if [ -n "$os_rate" ]; then
      printf '%-34s %12s %10.1f %14s\n' "OpenSearch $OPENSEARCH_VERSION (2 GB heap)" "$os_rate" "$os_seconds" "$((os_disk / 1048576))"
    fi
    printf '%-34s %12s %10.1f %14s\n' "kubetrail ingest (default options)" "$kt_rate" "$kt_seconds" "$((kt_disk / 1048576))"
    printf '%-34s %12s\n' "Jackson parse only (fresh, best)" "$jackson_fresh_rate"
    printf '%-34s %12s\n' "pipeline, no store (fresh process)" "$pipeline_fresh_rate"
    if [ -n "$jackson_rate" ]; then
      printf '%-34s %12s\n' "Jackson parse only (JMH)" "$jackson_rate"
      printf '%-34s %12s\n' "kubetrail decoder only (JMH)" "$decode_rate"
      printf '%-34s %12s\n' "ingest pipeline, no store (JMH)" "$pipeline_rate"
    fi
    echo "kubetrail peak RSS: $((kt_rss_kb / 1024)) MB; CPU ${kt_user} s user, ${kt_sys} s system (last round)"
    if [ -n "$os_rate" ]; then
      printf 'kubetrail / OpenSearch, median of the rounds: %.2fx (goal: at least 3x)\n' "$ratio"
      printf '3x OpenSearch is %s events/s; the pipeline without a store, fresh, reaches %.2fx OpenSearch\n' \
        "$((3 * os_rate))" "$(echo "$pipeline_fresh_rate / $os_rate" | bc -l)"
    fi
    printf 'kubetrail / Jackson parse-only (fresh process, best of %s), median of the rounds: %.1f%% (goal: at least 20%%)\n' \
      "$JACKSON_RUNS" "$jackson_share"
    if [ -n "$jackson_rate" ]; then
      printf 'decoder / Jackson parse-only: %.1f%%; pipeline without store / Jackson: %.1f%%\n' \
        "$(echo "100 * $decode_rate / $jackson_rate" | bc -l)" "$(echo "100 * $pipeline_rate / $jackson_rate" | bc -l)"
      printf 'fresh processes / Jackson parse-only (JMH): Jackson itself %.1f%%, pipeline without store %.1f%%\n' \
        "$(echo "100 * $jackson_fresh_rate / $jackson_rate" | bc -l)" "$(echo "100 * $pipeline_fresh_rate / $jackson_rate" | bc -l)"
    fi
    if [ -f "$work/profile.txt" ] && [ "${PROFILE:-0}" = 1 ]; then
      echo
      echo "profile of a second kubetrail ingest (Java Flight Recorder samples):"
      cat "$work/profile.txt"
    fi
  } | tee "$report"
  echo "(saved in $report)" >&2
}

# Sourcing this file only defines the steps (handy for running one of them).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
