#!/usr/bin/env bash
# The web UI's Timeline: time to first render in headless Chromium, over the store of
# bench/query/run.sh (5 million events by default, built once and reused):
#   1. builds kubetrail, and the store when it is missing (resumable);
#   2. serves it with `kubetrail serve` on loopback (no login: the API's cost, not the login's);
#   3. opens Timeline URLs RUNS times each in a fresh page of Debian's chromium (through
#      chromedriver) and prints, per URL, the median and the worst of: first contentful paint, and
#      the end of the first render (rows, counts, facets and histogram shown; the page's
#      "kubetrail-rendered" mark), both from navigation start.
#
# Needs: chromium and chromium-driver (apt-get install -y chromium chromium-driver), python3.
# Settings (environment): EVENTS (5000000), CHUNK (500000), SEED (1000), RUNS (15),
# PORT (18081), DRIVER_PORT (19515), SERVER_HEAP (2g).
set -euo pipefail
export LC_ALL=C

ui_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../query/run.sh
source "$ui_dir/../query/run.sh"
RUNS="${RUNS:-15}"
PORT="${PORT:-18081}"
DRIVER_PORT="${DRIVER_PORT:-19515}"
SERVER_HEAP="${SERVER_HEAP:-2g}"
ui_work="$root/bench/target/ui"
mkdir -p "$ui_work"

for tool in /usr/bin/chromium /usr/bin/chromedriver python3; do
  command -v "$tool" > /dev/null || { echo "first-render.sh needs $tool (apt-get install -y chromium chromium-driver python3)" >&2; exit 2; }
done

measure_ui() {
  say "serving $store on 127.0.0.1:$PORT"
  # In a process group of its own, so that stopping it stops the JVM the launcher starts.
  setsid env KUBETRAIL_JAR="$cli_jar" KUBETRAIL_JAVA_OPTS="-Xmx$SERVER_HEAP" "$root/kubetrail" serve \
    --store "$store" --listen "127.0.0.1:$PORT" --access-log "$ui_work/access-log" \
    > "$ui_work/serve.out" 2> "$ui_work/serve.err" &
  server=$!
  /usr/bin/chromedriver --port="$DRIVER_PORT" > "$ui_work/chromedriver.log" 2>&1 &
  driver=$!
  trap 'kill -- "-$server" "$driver" 2>/dev/null || true' EXIT
  for _ in $(seq 1 300); do
    grep -q "open http" "$ui_work/serve.out" 2>/dev/null && break
    sleep 0.2
  done
  grep -q "open http" "$ui_work/serve.out" || { echo "kubetrail serve did not start: see $ui_work/serve.err" >&2; exit 1; }
  local report="$results/ui-$(date -u +%Y%m%dT%H%M%SZ).txt"
  {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB RAM; $(/usr/bin/chromium --version 2>/dev/null)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "store on disk: $(du -sh "$store" | cut -f1)"
    python3 "$ui_dir/first_render.py" "http://127.0.0.1:$PORT" "http://127.0.0.1:$DRIVER_PORT" "$RUNS" "$ui_work/profile"
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$report"
  echo "(saved in $report)" >&2
  kill -- "-$server" "$driver" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}

build
build_store
measure_ui
