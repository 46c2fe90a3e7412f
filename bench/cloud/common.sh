# Shared by drain.sh and exports.sh: builds kubetrail and the benchmarks, and simulates the audit
# log both read ($log, EVENTS events, seed SEED) unless it is there already.
export LC_ALL=C

root="$(cd "$here/../.." && pwd)"
work="$root/bench/target/cloud"
results="$root/bench/results"
EVENTS="${EVENTS:-200000}"
SEED="${SEED:-42}"
cli_jar="$work/kubetrail.jar"
bench_jar="$work/benchmarks.jar"
log="$work/audit-$EVENTS.log"
mkdir -p "$work" "$results"

kubetrail() { KUBETRAIL_JAR="$cli_jar" "$root/kubetrail" "$@"; }
jvm_options() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$root/jvm.options"; }
machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(java -version 2>&1 | head -n 1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "== building kubetrail and the benchmarks" >&2
(cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl kubetrail-cli,bench -am package)
cp "$root/kubetrail-cli/target/kubetrail.jar" "$cli_jar"
cp "$root/bench/target/benchmarks.jar" "$bench_jar"

if ! [ -f "$log" ] || [ "$(wc -l < "$log")" -ne "$EVENTS" ]; then
  echo "== simulating a cluster: $EVENTS audit events (seed $SEED)" >&2
  kubetrail simulate --steps "$((EVENTS / 2 + 1000))" --seed "$SEED" > "$work/simulated.log"
  head -n "$EVENTS" "$work/simulated.log" > "$log"
  rm -f "$work/simulated.log"
fi
