#!/usr/bin/env bash
# Search and history latency on an OpenSearch store: the measurement of bench/query/run.sh
# (IngestQueryLatency), over EVENTS simulated events that `kubetrail ingest --store http://...`
# stored into the single-node OpenSearch that bench/ingest/run.sh starts (2 GB heap, 127.0.0.1,
# the integ-test zip from Maven Central, a fresh data directory each run).
#
# Settings (environment): EVENTS (1000000), QUERIES (2000), and bench/ingest/run.sh's
# OPENSEARCH_VERSION, OPENSEARCH_PORT, OPENSEARCH_USER.
set -euo pipefail
export LC_ALL=C

EVENTS="${EVENTS:-1000000}"
QUERIES="${QUERIES:-2000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../ingest/run.sh
source "$here/../ingest/run.sh"

trap stop_opensearch EXIT
build
make_log
install_opensearch
start_opensearch
say "kubetrail ingest: $EVENTS events into $os_url"
start=$(date +%s.%N)
kubetrail ingest --store "$os_url" --cluster "$CLUSTER" "$log" >&2
ingest_seconds=$(seconds_since "$start")
report="$results/query-opensearch-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB RAM; $(java -version 2>&1 | head -n 1)"
  echo "store: OpenSearch $OPENSEARCH_VERSION at $os_url (2 GB heap); $EVENTS events stored by kubetrail ingest in $(printf '%.1f' "$ingest_seconds") s"
  echo "load before: $(load_average)"
  java -Xmx1g -cp "$bench_jar" io.kubetrail.bench.IngestQueryLatency "$os_url" "$QUERIES" 42
  echo "load after: $(load_average)"
} | tee "$report"
echo "(saved in $report)" >&2
