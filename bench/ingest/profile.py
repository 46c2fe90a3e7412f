#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample` output: the share of samples per thread
(numbered threads counted together) and, for each busy thread, the methods most often on its
stack (inclusive) and on top of it (self). Usage: profile.py SAMPLES.txt [TOP]"""
import collections
import re
import sys

text = open(sys.argv[1]).read()
top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 12
threads = collections.Counter()
inclusive = collections.defaultdict(collections.Counter)
own = collections.defaultdict(collections.Counter)
for sample in text.split("jdk.ExecutionSample")[1:]:
    match = re.search(r'sampledThread = "([^"]*)"', sample)
    thread = re.sub(r"\d+", "N", match.group(1)) if match else "?"
    frames = re.findall(r"^\s+([\w.$<>]+)\(", sample, re.M)
    threads[thread] += 1
    if frames:
        own[thread][frames[0]] += 1
    for frame in set(frames):
        inclusive[thread][frame] += 1

total = sum(threads.values())
print(f"{total} samples")
for thread, n in threads.most_common():
    print(f"  {100 * n / total:5.1f}%  {thread}")
for thread, n in threads.most_common(5):
    print(f"\n{thread} ({n} samples): on the stack / on top")
    for frame, k in inclusive[thread].most_common(top_n):
        print(f"  {100 * k / n:5.1f}%  {frame}")
    print("  --")
    for frame, k in own[thread].most_common(top_n // 2):
        print(f"  {100 * k / n:5.1f}%  {frame}")
