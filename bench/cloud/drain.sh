#!/usr/bin/env bash
# CloudWatch benchmark: the EKS source draining a backlog spread over STREAMS streams of a fake
# CloudWatch Logs server on loopback into a fresh store, then the lag once caught up (events
# published at RATE a second for LAG_SECONDS, each timed from publication to searchable); one
# process with a 512 MB heap, see CloudwatchDrain.
#
# Settings (environment): EVENTS (200000), SEED (42), STREAMS (200), INTERVAL_MS (1000, the
# shortest fetchInterval a configuration can give), RATE (500), LAG_SECONDS (20).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STREAMS="${STREAMS:-200}"
INTERVAL_MS="${INTERVAL_MS:-1000}"
RATE="${RATE:-500}"
LAG_SECONDS="${LAG_SECONDS:-20}"
# shellcheck source=common.sh
. "$here/common.sh"

out="$results/cloud-drain-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  machine
  sync
  # shellcheck disable=SC2046
  java $(jvm_options) -Xmx512m -cp "$bench_jar" io.kubetrail.bench.CloudwatchDrain \
    "$log" "$STREAMS" "$INTERVAL_MS" "$RATE" "$LAG_SECONDS" "$work"
  rm -rf "$work"/store-*
} | tee "$out"
