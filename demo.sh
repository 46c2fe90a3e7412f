#!/usr/bin/env bash
# The kubetrail demo: simulate a busy cluster, ingest its audit log into a store, search it.
# Everything it writes goes to ./demo (removed and made afresh on each run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
demo="$here/demo"

step() {
  printf '\n== %s\n' "$1"
  shift
  for line in "$@"; do
    printf '   %s\n' "$line"
  done
}

# Shows a kubetrail command, then runs it.
run() {
  printf '\n$ kubetrail %s\n' "$*"
  "$here/kubetrail" "$@"
}

rm -rf "$demo"
mkdir -p "$demo"
cd "$demo"

step "1/7 Simulate a cluster" \
  "A control plane, four workers, controllers, kubelets and a few people at work: 20,000 API" \
  "requests, written as kube-apiserver's log backend writes its audit log."
printf '\n$ kubetrail simulate --steps 20000 --seed 7 > audit.log\n'
"$here/kubetrail" simulate --steps 20000 --seed 7 > audit.log

step "2/7 Ingest the log" \
  "Every event is stored once, with its cluster, the name of its object and when it arrived." \
  "Secret values are stored only as sha256 hashes."
run ingest --store store --cluster demo audit.log

step "3/7 Ingest it again" \
  "Nothing is stored twice: the file resumes where the last ingest stopped."
run ingest --store store --cluster demo audit.log

step "4/7 What changed in the payments namespace lately?"
run search --store store --namespace payments --changes-only --limit 10

step "5/7 What did bob try to delete, and was he allowed?"
run search --store store --user bob@example.com --verb delete,deletecollection --stage ResponseComplete --limit 5

step "6/7 One NetworkPolicy change, whole, as YAML" \
  "Output as json gives JSON Lines for other tools; every event carries cluster, name and" \
  "generated_time, as in Calico's audit indices."
run search --store store --resource networkpolicies.networking.k8s.io --changes-only --limit 1 -o yaml

step "7/7 Check that nothing in the store was changed" \
  "Stored batches form a hash chain; verify recomputes it."
run verify --store store

printf '\nThe store is in %s; try: ./kubetrail search --store demo/store --help\n' "$demo/store"
