#!/usr/bin/env bash
# threads.sh OUT COMMAND...: runs COMMAND (which must exec the JVM itself, as ./kubetrail does) and
# writes the CPU time (user + system) its threads took, by thread name, sampled from /proc every
# 0.25 s until it exits. Threads that live less than that may be missed.
set -uo pipefail
out=$1
shift
"$@" &
pid=$!
samples=$(mktemp)
while kill -0 "$pid" 2>/dev/null; do
  for t in /proc/"$pid"/task/*; do
    # Builtins only (no process per thread and sample): the sampler must not take the cores it
    # measures. A thread that ends before its read is left for the next sample's.
    { read -r stat <"$t/stat"; } 2>/dev/null || continue
    name=${stat#*(}
    name=${name%)*}
    fields=${stat##*) }
    # shellcheck disable=SC2086 # split the fields after the name
    set -- $fields
    printf '%s\t%s\t%s\n' "${t##*/}" "$name" "$((${12} + ${13}))" >>"$samples"
  done
  sleep 0.25
done
wait "$pid"
rc=$?
python3 - "$samples" "$(getconf CLK_TCK)" >"$out" <<'PY'
import collections, re, sys
ticks = int(sys.argv[2])
latest = {}
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if len(parts) != 3 or not parts[2].isdigit():
        continue
    tid, name, cpu = parts
    latest[tid] = (name, max(int(cpu), latest.get(tid, (name, 0))[1]))
by_name = collections.Counter()
for name, cpu in latest.values():
    group = re.sub(r"[#0-9]+$", "", name).strip() or name
    if group.startswith(("C1 Comp", "C2 Comp")):
        group = group[:2] + " compiler"
    elif group == "java":
        group = "main"
    elif group.startswith("kubetrail-read"):
        group = "read-ahead"
    by_name[group] += cpu
for name, cpu in by_name.most_common():
    if cpu == 0:
        continue
    print(f"{name:20s} {cpu / ticks:7.2f} s")
print(f"{'all threads':20s} {sum(by_name.values()) / ticks:7.2f} s")
PY
rm -f "$samples"
exit "$rc"
