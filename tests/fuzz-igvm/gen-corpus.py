#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpus of fuzz_igvm: small valid IGVM files (SNP and
native platforms, parameter areas, page data, a VMSA) for the fuzzer to
mutate. Usage: gen-corpus.py OUTDIR
"""
import os
import struct
import sys
import zlib

SNP, NATIVE = 1, 2
VMSA_GPA = 0xFFFFFFFFF000


class Igvm:
    def __init__(self):
        self.headers = []  # (type, payload, data or None, offset field)

    def add(self, typ, payload, data=None, field=None):
        self.headers.append((typ, payload, data, field))

    def build(self):
        hdrs = b""
        size = 24 + sum((8 + len(p) + 7) & ~7 for _, p, _, _ in self.headers)
        data = b""
        for typ, payload, blob, field in self.headers:
            if blob is not None:
                off = size + len(data)
                payload = payload[:field] + struct.pack("<I", off) \
                    + payload[field + 4:]
                data += blob
            tlv = struct.pack("<II", typ, len(payload)) + payload
            hdrs += tlv + b"\0" * (-len(tlv) % 8)
        total = 24 + len(hdrs) + len(data)
        fixed = struct.pack("<6I", 0x4D564749, 1, 24, len(hdrs), total, 0)
        crc = zlib.crc32(hdrs, zlib.crc32(fixed))
        fixed = fixed[:20] + struct.pack("<I", crc)
        return fixed + hdrs + data


def platforms(f):
    f.add(0x1, struct.pack("<IBBHQ", SNP, 0, 2, 1, 0))
    f.add(0x1, struct.pack("<IBBHQ", NATIVE, 0, 0, 1, 0))


def vmsa(rip):
    page = bytearray(4096)
    struct.pack_into("<HHIQ", page, 0x10, 8, 0xC9B, 0xFFFFFFFF, 0)
    for off in (0x00, 0x20, 0x30, 0x40, 0x50):
        struct.pack_into("<HHIQ", page, off, 16, 0xC93, 0xFFFFFFFF, 0)
    struct.pack_into("<Q", page, 0xD0, 0x1000)
    struct.pack_into("<Q", page, 0x158, 0x31)
    struct.pack_into("<Q", page, 0x170, 2)
    struct.pack_into("<Q", page, 0x178, rip)
    struct.pack_into("<Q", page, 0x3B0, 1)
    return bytes(page)


def page(gpa, mask=SNP, flags=0, typ=0):
    return struct.pack("<QIIIHH", gpa, mask, 0, flags, typ, 0)


def seeds():
    f = Igvm()
    platforms(f)
    f.add(0x101, struct.pack("<QII", 0x30000, SNP, 0))
    f.add(0x305, struct.pack("<QIIII", 0x8000000, SNP | NATIVE, 0x4000000,
                             0, 0))
    f.add(0x301, struct.pack("<QII", 4096, 0, 0))
    f.add(0x307, struct.pack("<II", 0, 0))
    f.add(0x313, struct.pack("<II", 0, 4))
    f.add(0x301, struct.pack("<QII", 8192, 1, 0))
    f.add(0x30C, struct.pack("<II", 1, 0))
    f.add(0x303, struct.pack("<QII", 0x8010000, SNP | NATIVE, 0))
    f.add(0x303, struct.pack("<QII", 0x8011000, SNP | NATIVE, 1))
    f.add(0x302, page(0x8000000), bytes(range(256)) * 16, 12)
    f.add(0x302, page(0x8001000))
    f.add(0x302, page(0x8002000, typ=1))
    f.add(0x302, page(0x8003000, typ=2))
    f.add(0x304, struct.pack("<QIIHH", VMSA_GPA, SNP, 0, 0, 0), vmsa(
        0x8000000), 12)
    yield "snp-full", f.build()

    f = Igvm()
    platforms(f)
    f.add(0x302, page(0x200000, flags=1))
    f.add(0x302, page(0x400000, flags=2))
    f.add(0x304, struct.pack("<QIIHH", VMSA_GPA, SNP, 0, 0, 0), vmsa(
        0x100000), 12)
    yield "snp-2m-unmeasured", f.build()

    f = Igvm()
    platforms(f)
    f.add(0x302, page(0x100000, mask=NATIVE))
    yield "native-only", f.build()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, blob in seeds():
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(blob)


if __name__ == "__main__":
    main()
