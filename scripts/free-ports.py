#!/usr/bin/env python3
"""Prints N loopback ports (default 1) free now, distinct, from 32000-32767.

Below the kernel's ephemeral range (32768 up on Debian), so no outgoing connection takes one
between this check and the node binding it (a Substrate node then silently serves on a random port
and the script waits on the wrong one); above the blocks the Rust suite's tests take (20000-32000,
node/tests/common/mod.rs), which scripts/test.sh runs at the same time. Tried from a random start,
so that scripts run at once seldom try the same ports first.
"""
import random
import socket
import sys

FIRST, LAST = 32000, 32767
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
span = LAST - FIRST + 1
start = random.randrange(span)
held = []
for i in range(span):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", FIRST + (start + i) % span))
    except OSError:
        s.close()
        continue
    held.append(s)
    if len(held) == n:
        break
else:
    sys.exit(f"no {n} free loopback ports in {FIRST}-{LAST}")
print(*(s.getsockname()[1] for s in held))
