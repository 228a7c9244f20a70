#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the small ELF images the IGVM tool tests build from.

  mkelf.py kernel OUT [NOTE]   PT_LOADs at 128 MiB; NOTE=1 adds the
                               "SVSM" note naming the entry 0x8000010
  mkelf.py guest OUT [SIZE]    a PVH ELF at 16 MiB (Xen PHYS32_ENTRY note)
                               of 5000 (or SIZE) HLT bytes
"""
import struct
import sys


def elf(segs, notes):
    ehsz, phsz = 64, 56
    nph = len(segs) + (1 if notes else 0)
    off = ehsz + phsz * nph
    body, phs = b"", []
    for paddr, data, memsz in segs:
        phs.append(struct.pack("<IIQQQQQQ", 1, 7, off + len(body), paddr,
                               paddr, len(data), memsz, 0x1000))
        body += data + b"\0" * (-len(data) % 16)
    if notes:
        nb = b""
        for name, typ, desc in notes:
            n = name.encode() + b"\0"
            nb += struct.pack("<III", len(n), len(desc), typ) + n \
                + b"\0" * (-len(n) % 4) + desc + b"\0" * (-len(desc) % 4)
        phs.append(struct.pack("<IIQQQQQQ", 4, 4, off + len(body), 0, 0,
                               len(nb), len(nb), 4))
        body += nb
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8 + struct.pack(
        "<HHIQQQIHHHHHH", 2, 62, 1, 0, ehsz, 0, 0, ehsz, phsz, nph, 64, 0, 0)
    return eh + b"".join(phs) + body


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "kernel":
        notes = []
        if len(sys.argv) > 3 and sys.argv[3] == "1":
            notes = [("SVSM", 1, struct.pack("<Q", 0x8000010))]
        image = elf([(0x8000000, bytes(range(256)) * 20, 0x3000),
                     (0x8004000, b"\x90" * 100, 0x2000)], notes)
    else:
        size = int(sys.argv[3], 0) if len(sys.argv) > 3 else 5000
        image = elf([(0x1000000, b"\xf4" * size, max(size, 0x4000))],
                    [("Xen", 18, struct.pack("<Q", 0x1000000))])
    with open(out, "wb") as fh:
        fh.write(image)


if __name__ == "__main__":
    main()
