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

step "1/10 Simulate a cluster" \
  "A control plane, four workers, controllers, kubelets and a few people at work: 20,000 API" \
  "requests, written as kube-apiserver's log backend writes its audit log."
printf '\n$ kubetrail simulate --steps 20000 --seed 7 > audit.log\n'
"$here/kubetrail" simulate --steps 20000 --seed 7 > audit.log

step "2/10 Would the seed audit policy log what replay needs?" \
  "kube-apiserver only writes what its audit policy asks for. Calico's recommended policy misses" \
  "status writes and the namespace controller's deletecollection calls: policy check says so." \
  "(The cis profile covers them: ./kubetrail policy generate --profile cis)"
printf '\n$ kubetrail policy generate --profile calico > policy.yaml\n'
"$here/kubetrail" policy generate --profile calico > policy.yaml
run policy check --policy policy.yaml

step "3/10 Ingest the log" \
  "Every event is stored once, with its cluster, the name of its object and when it arrived." \
  "Secret values are stored only as sha256 hashes."
run ingest --store store --cluster demo audit.log

step "4/10 Ingest it again" \
  "Nothing is stored twice: the file resumes where the last ingest stopped."
run ingest --store store --cluster demo audit.log

step "5/10 What changed in the payments namespace lately?"
run search --store store --namespace payments --changes-only --limit 10

step "6/10 What did bob try to delete, and was he allowed?"
run search --store store --user bob@example.com --verb delete,deletecollection --stage ResponseComplete --limit 5

step "7/10 One NetworkPolicy change, whole, as YAML" \
  "Output as json gives JSON Lines for other tools; every event carries cluster, name and" \
  "generated_time, as in Calico's audit indices."
run search --store store --resource networkpolicies.networking.k8s.io --changes-only --limit 1 -o yaml

step "8/10 Check that nothing in the store was changed" \
  "Stored batches form a hash chain; verify recomputes it."
run verify --store store

step "9/10 What did the cluster look like 30 minutes in?" \
  "Replays every stored change up to that time (checkpoints make the next question faster)."
run state --store store --at 2026-01-01T00:30:00Z --resource networkpolicies --output table

step "10/10 Every change to one NetworkPolicy, with diffs" \
  "Failed and dry-run attempts are listed too: security teams want to see them."
np=$("$here/kubetrail" search --store store --cluster demo --resource networkpolicies.networking.k8s.io \
  --changes-only --verb patch --limit 1 -o json | sed -n 's/.*"requestURI":"\/apis\/networking.k8s.io\/v1\/namespaces\/\([^/]*\)\/networkpolicies\/\([^"?/]*\).*/\1\/\2/p')
run history --store store "networkpolicies.networking.k8s.io/$np"

printf '\nThe store is in %s; try: ./kubetrail search --store demo/store --help\n' "$demo/store"
printf 'Browse it: ./kubetrail serve --store %s, then open the URL it prints.\n' "$demo/store"
