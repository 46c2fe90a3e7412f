#!/usr/bin/env bash
# Export formats: `kubetrail ingest` of the same simulated audit log as plain JSON Lines (default
# options), as a GKE Cloud Logging export and as an AKS diagnostic export (both with --format auto,
# one record a line, see ExportFiles), and the plain log with --format auto too. Each is a whole
# process through the ./kubetrail launcher into a fresh store, RUNS times, in turn; the median is
# printed.
#
# Settings (environment): EVENTS (200000), SEED (42), RUNS (3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS="${RUNS:-3}"
# shellcheck source=common.sh
. "$here/common.sh"

gke="$work/gke-$EVENTS.json"
aks="$work/aks-$EVENTS.json"
if ! [ -f "$gke" ] || ! [ -f "$aks" ] || [ "$gke" -ot "$log" ]; then
  echo "== writing the GKE and AKS exports" >&2
  # shellcheck disable=SC2046
  java $(jvm_options) -cp "$bench_jar" io.kubetrail.bench.ExportFiles "$log" "$gke.part" "$aks.part"
  mv "$aks.part" "$aks"
  mv "$gke.part" "$gke"
fi

# One timed ingest into a fresh store; prints seconds.
run() {
  local store="$work/store-export"
  rm -rf "$store"
  sync
  local start end
  start=$(date +%s%N)
  kubetrail ingest --store "$store" "$@" > "$work/ingest.out" 2>&1 || {
    cat "$work/ingest.out" >&2
    exit 1
  }
  end=$(date +%s%N)
  echo "scale=2; ($end - $start) / 1000000000" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

out="$results/cloud-exports-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  machine
  declare -A times
  for ((i = 0; i < RUNS; i++)); do
    times[plain]+="$(run "$log") "
    times[plain-auto]+="$(run --format auto "$log") "
    times[gke]+="$(run --format auto "$gke") "
    times[aks]+="$(run --format auto "$aks") "
  done
  for name in plain plain-auto gke aks; do
    case $name in
      plain) file="$log"; how="JSON Lines, default options" ;;
      plain-auto) file="$log"; how="JSON Lines, --format auto" ;;
      gke) file="$gke"; how="GKE export, --format auto" ;;
      aks) file="$aks"; how="AKS export, --format auto" ;;
    esac
    secs=$(tr ' ' '\n' <<< "${times[$name]}" | grep -v '^$' | median)
    printf '%-30s %12s bytes  median %6.2f s of %s (%s)  %8.0f events/s\n' \
      "$how" "$(stat -c %s "$file")" "$secs" "$RUNS" "${times[$name]% }" \
      "$(echo "$EVENTS / $secs" | bc -l)"
  done
  tail -n 2 "$work/ingest.out"
  rm -rf "$work/store-export"
} | tee "$out"
