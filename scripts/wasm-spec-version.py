#!/usr/bin/env python3
"""Prints the spec_version embedded in a runtime WASM (its `runtime_version` custom section)."""
import sys


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1
        r |= (x & 0x7F) << s; s += 7
        if x < 0x80:
            return r, i


def compact(b, i):
    m = b[i] & 3
    if m == 0:
        return b[i] >> 2, i + 1
    if m == 1:
        return int.from_bytes(b[i:i + 2], "little") >> 2, i + 2
    return int.from_bytes(b[i:i + 4], "little") >> 2, i + 4


b = open(sys.argv[1], "rb").read()
assert b[:4] == b"\0asm", "not an uncompressed WASM module"
i = 8
while i < len(b):
    sid = b[i]; size, j = leb(b, i + 1)
    if sid == 0:
        n, k = leb(b, j)
        if b[k:k + n] == b"runtime_version":
            p = k + n
            for _ in range(2):  # spec_name, impl_name
                l, p = compact(b, p); p += l
            p += 4  # authoring_version
            print(int.from_bytes(b[p:p + 4], "little"))
            sys.exit(0)
    i = j + size
sys.exit("no runtime_version section")
