#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Seed inputs for fuzz-services: well-formed vTPM commands and attestation
operations in the record format of fuzz_services.c, written to argv[1]."""
import os
import struct
import sys

HDR = 24


def record(kind, place, sub, off, body, extra=0):
    hdr = struct.pack("<BBBBIII", kind, place, sub, extra, off, len(body), 0)
    hdr += b"\0" * (HDR - len(hdr))
    return hdr + body


def tpm(cmd):
    return struct.pack("<IBI", 8, 0, len(cmd)) + cmd


STARTUP = bytes.fromhex("80010000000c000001440000")
RANDOM = bytes.fromhex("80010000000c0000017b0020")
_EXTEND_BODY = (struct.pack(">I", 16) + bytes.fromhex("00000009400000090000000000")
                + struct.pack(">I", 1) + bytes.fromhex("000b") + b"\x11" * 32)
EXTEND = (bytes.fromhex("8002") + struct.pack(">I", 10 + len(_EXTEND_BODY))
          + bytes.fromhex("00000182") + _EXTEND_BODY)


def attest_op(single):
    op = b""
    for off, size in ((0x1000, 4096), (0x3000, 64), (0x2000, 4096),
                      (0x4000, 16384)):
        op += struct.pack("<IIIBBBB", off, 0, size, 0, 0, 0, 0)
    if single:
        op += bytes.fromhex("ebf176c42301a5459641b4e7dde5bfe3") + b"\0" * 8
    return op


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "startup": record(1, 0, 0, 0, tpm(STARTUP)),
        "session": record(1, 0, 0, 0, tpm(STARTUP)) + record(1, 1, 0, 0x800, tpm(RANDOM))
        + record(1, 2, 0, 0x1000, tpm(EXTEND)),
        "query": record(0, 0, 0, 0, b""),
        "attest": record(2, 0, 0, 0, attest_op(False)),
        "attest-single": record(2, 0, 1, 0, attest_op(True)),
        "bad-places": record(1, 4, 0, 0, tpm(RANDOM)) + record(1, 3, 0, 8, tpm(RANDOM))
        + record(2, 6, 0, 0, attest_op(False)),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
