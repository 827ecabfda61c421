#!/usr/bin/env python3
"""Summarises Prometheus histograms of a running node: count, mean and the bucket bound under
which 99% of observations fall (a histogram keeps no exact quantiles).
Usage: prom-histogram.py http://127.0.0.1:9615/metrics metric_name [metric_name ...]"""
import re
import sys
import urllib.request

url, names = sys.argv[1], sys.argv[2:]
text = urllib.request.urlopen(url, timeout=10).read().decode()
for name in names:
    buckets, total, count = [], 0.0, 0
    for line in text.splitlines():
        m = re.match(rf'{name}_bucket{{.*le="([^"]+)".*}} (\S+)$', line)
        if m:
            buckets.append((float(m.group(1)), float(m.group(2))))
        elif line.startswith(f"{name}_sum"):
            total += float(line.split()[-1])
        elif line.startswith(f"{name}_count"):
            count += int(float(line.split()[-1]))
    if not count:
        print(f"{name}: no observations")
        continue
    p99 = next(le for le, c in sorted(buckets) if c >= 0.99 * count)
    print(f"{name}: {count} observations, mean {1000 * total / count:.1f} ms, p99 <= {1000 * p99:g} ms")
