#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpus of fuzz_request: one file per core-call scenario.

Files named regress-* in the corpus are inputs a long run found, and files
named by their SHA-1 are a long run's corpus merged in with -merge=1; both
are kept as they are and not written by this script.
"""
import os
import struct
import sys

MEM = 16 << 20
LOW = 2 << 20


def record(vcpu, call, mode, v, entries=()):
    entries = list(entries) + [0] * (8 - len(entries))
    return struct.pack("<BBB4Q8Q", vcpu, call, mode, *v, *entries)


def pval(gpa, size=0, validate=1, ignore_cf=0):
    return gpa | size | (validate << 2) | (ignore_cf << 3)


SEEDS = {
    "query": record(0, 6, 0, [0x100000001, 0, 0, 0]),
    "query-unsupported": record(0, 0xF5, 0, [0, 0, 0, 3]),
    "pvalidate-one": record(0, 1, 0x50, [0, 0, 0, 0], [pval(LOW)]),
    "pvalidate-validate-invalidate":
        record(0, 1, 0x50, [0, 0, 0, 1], [pval(LOW), pval(LOW + 4096)])
        + record(0, 1, 0x50, [0, 0, 0, 0], [pval(LOW, validate=0)]),
    "pvalidate-2m": record(0, 1, 0x50, [0, 0, 0, 0], [pval(8 << 20, 1)]),
    "create-delete-vcpu":
        record(0, 1, 0x50, [0, 0, 0, 1], [pval(LOW + 0x11000),
                                          pval(LOW + 0x12000)])
        + record(0, 2, 0xA3, [LOW + 0x11000, LOW + 0x12000, 1, 6])
        + record(1, 6, 0, [0x100000001, 0, 0, 0])
        + record(0, 3, 0x01, [LOW + 0x11000, 0, 0, 0]),
    "reonline-same-ca":
        record(0, 1, 0x50, [0, 0, 0, 2], [pval(LOW + 0x11000),
                                          pval(LOW + 0x12000),
                                          pval(LOW + 0x13000)])
        + record(0, 2, 0xA3, [LOW + 0x11000, LOW + 0x12000, 1, 6])
        + record(0, 2, 0xA3, [LOW + 0x13000, LOW + 0x12000, 1, 6])
        + record(0, 3, 0x01, [LOW + 0x11000, 0, 0, 0])
        + record(1, 6, 0, [0x100000001, 0, 0, 0]),
    "remap-ca":
        record(0, 1, 0x50, [0, 0, 0, 0], [pval(LOW + 0x20000)])
        + record(0, 0, 0x01, [LOW + 0x20000, 0, 0, 0]),
    "deposit-withdraw":
        record(0, 1, 0x50, [0, 0, 0, 0], [pval(LOW + 0x30000)])
        + record(0, 4, 0x50, [0, 0, 0, 0], [LOW + 0x30000])
        + record(0, 5, 0x01, [LOW + 0x40000, 0, 0, 0]),
    "configure-vtom": record(0, 7, 0, [1, 0, 0, 0]),
    "pending-reserved": record(0, 0xE0, 0, [0, 0, 0, 2]),
    "pending-none": record(0, 0xE0, 0, [0, 0, 0, 0]),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
