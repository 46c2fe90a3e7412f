#!/usr/bin/env bash
# HTTP API search latency under concurrent clients, over the store of bench/query/run.sh
# (5 million events by default, built once and reused):
#   1. builds kubetrail and the benchmarks, and the store when it is missing (resumable);
#   2. serves it with `kubetrail serve --auth users.yaml` (an auditor's token) on loopback;
#   3. runs CLIENTS clients, each sending REQUESTS first pages of filtered searches one after the
#      other (a quarter followed by their next page), and prints p50/p90/p99 of each request (the
#      figure) and of each first page with its next, the server's CPU per request and its GC pauses;
#   4. does it again on the same server, now warm (PASSES passes in all, 2 by default).
#
# Settings (environment): EVENTS (5000000), CHUNK (500000), SEED (1000), CLIENTS (50),
# REQUESTS (200 per client), PORT (18080), SERVER_HEAP (2g), PASSES (2), TRACE (unset; when set,
# each request's start and latency go to bench/target/api/trace-PASS.txt).
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The store and the jars are those of the query benchmark.
# shellcheck source=../query/run.sh
source "$here/../query/run.sh"
CLIENTS="${CLIENTS:-50}"
REQUESTS="${REQUESTS:-200}"
PORT="${PORT:-18080}"
SERVER_HEAP="${SERVER_HEAP:-2g}"
PASSES="${PASSES:-2}"
api_work="$root/bench/target/api"
mkdir -p "$api_work"

serve_and_measure() {
  local token="bench-$(date +%s%N)"
  printf 'users:\n  - {name: bench, role: auditor, tokenHash: %s}\n' \
    "$(kubetrail serve hash-token --token "$token" | sed -n 's/^tokenHash: //p')" > "$api_work/users.yaml"
  say "serving $store on 127.0.0.1:$PORT"
  # The launcher itself, not the kubetrail function: in the background a function runs in a
  # subshell, whose pid is not the server's, and killing it would leave the server running.
  rm -f "$api_work/gc.log"
  KUBETRAIL_JAVA_OPTS="-Xmx$SERVER_HEAP -Xlog:gc:file=$api_work/gc.log" KUBETRAIL_JAR="$cli_jar" "$root/kubetrail" serve --store "$store" --listen "127.0.0.1:$PORT" \
    --auth "$api_work/users.yaml" --access-log "$api_work/access-log" > "$api_work/serve.out" 2> "$api_work/serve.err" &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 300); do
    grep -q "open http" "$api_work/serve.out" 2>/dev/null && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "kubetrail serve did not start; see $api_work/serve.err" >&2
      exit 1
    fi
    sleep 0.2
  done
  local report="$results/api-$(date -u +%Y%m%dT%H%M%SZ).txt"
  {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB RAM; $(java -version 2>&1 | head -n 1)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "store on disk: $(du -sh "$store" | cut -f1)"
    # Two passes of the same clients on the same server: the first on a fresh server (the only
    # pass before 2026-12-06), whose JIT compiler and heap still settle (its compiler threads took
    # a third of the server's CPU in that pass); the second on the warm server, as a server that
    # has run for a while answers. Each with the server's CPU ticks
    # (user + system, fields 14 and 15 of its stat) and GC pauses over the pass.
    local pass ticks_before ticks_after pauses_before sent cpu_ms
    for pass in $(seq 1 "$PASSES"); do
      if [ "$pass" = 1 ]; then
        echo "pass 1, a fresh server (its 200 warm-up searches included in its CPU):"
      else
        echo "pass $pass, the same server, warm (load $(cut -d' ' -f1-3 /proc/loadavg)):"
      fi
      ticks_before=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
      pauses_before=$(grep -c 'Pause' "$api_work/gc.log" || true)
      java -Xmx512m ${TRACE:+-Dtrace="$api_work/trace-$pass.txt"} -cp "$bench_jar" io.kubetrail.bench.ApiSearchLatency \
        "http://127.0.0.1:$PORT/" "$token" "$CLIENTS" "$REQUESTS" "$((42 + (pass - 1) * 1000))" | tee "$api_work/client.out"
      ticks_after=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
      # Every search the pass sent: the timed ones and the warm-up before the clock.
      sent=$(sed -n -e 's/.*per request (\([0-9,]*\) searches).*/\1/p' \
        -e 's/^before the clock: \([0-9]*\) searches.*then \([0-9]*\) by.*/\1 \2/p' "$api_work/client.out" \
        | tr -d , | awk '{for (i = 1; i <= NF; i++) n += $i} END {print n}')
      cpu_ms=$(( (ticks_after - ticks_before) * 1000 / $(getconf CLK_TCK) ))
      echo "server CPU: $cpu_ms ms for the pass, $(awk -v c="$cpu_ms" -v n="$sent" 'BEGIN {printf "%.2f", c / n}') ms per search ($sent sent, warm-up included)"
      tail -n +"$((pauses_before + 1))" <(grep 'Pause' "$api_work/gc.log") \
        | awk '{ms = $NF; sub(/ms$/, "", ms); ms += 0; n++; total += ms; if (ms > max) max = ms}
               END {printf "server GC pauses: %d, total %.0f ms, longest %.0f ms\n", n, total, max}'
    done
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$report"
  echo "(saved in $report)" >&2
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
}

build
build_store
serve_and_measure
