#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Pack the snp-emu test payload (an ELF linked at 128 MiB) into an IGVM
file for the SEV-SNP platform, as docs/SNP-BOOT.md lays one out: parameter
areas (vCPU count, memory map, MADT) inserted first, then the page data
sorted by GPA (the mode page, the image, the secrets and CPUID pages), and
the BSP's VMSA at 0xFFFFFFFFF000 last.

Interim writer for the emulator's tests until the project's IGVM builder
(tools/igvm-build) can pack an arbitrary ELF; the GPAs are payload.h's.

usage: mkigvm.py PAYLOAD.elf MODE OUT.igvm
"""
import struct
import sys
import zlib

PL_GENERAL, PL_MEMMAP, PL_MADT = 0x7FF0000, 0x7FF1000, 0x7FF2000
PL_SECRETS, PL_CPUID, PL_MODE = 0x7FF3000, 0x7FF4000, 0x7FF5000
VMSA_GPA = 0xFFFFFFFFF000
SNP_MASK = 1


def tlv(t, payload):
    pad = (8 - len(payload) % 8) % 8
    return struct.pack("<II", t, len(payload)) + payload + b"\0" * pad


def elf_pages(path):
    """{gpa: 4 KiB bytes} of the ELF's PT_LOAD segments, and the entry."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit("mkigvm: not an ELF64 file: " + path)
    entry, phoff = struct.unpack_from("<QQ", data, 0x18)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    pages = {}
    for i in range(phnum):
        p_type, _, p_off, _, p_paddr, p_filesz, p_memsz, _ = \
            struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type != 1:
            continue
        seg = data[p_off:p_off + p_filesz] + b"\0" * (p_memsz - p_filesz)
        start = p_paddr & ~0xFFF
        seg = b"\0" * (p_paddr - start) + seg
        for off in range(0, len(seg), 4096):
            gpa = start + off
            chunk = seg[off:off + 4096].ljust(4096, b"\0")
            old = pages.get(gpa, b"\0" * 4096)
            pages[gpa] = bytes(a | b for a, b in zip(old, chunk))
    return pages, entry


def seg(sel, attr, limit, base):
    return struct.pack("<HHIQ", sel, attr, limit, base)


def vmsa(entry):
    v = bytearray(4096)
    for i in range(6):
        v[i * 16:i * 16 + 16] = seg(0x10, 0xC93, 0xFFFFFFFF, 0)
    v[0x10:0x20] = seg(0x08, 0xC9B, 0xFFFFFFFF, 0)
    v[0x60:0x70] = seg(0, 0, 0xFFFF, 0)        # GDTR
    v[0x70:0x80] = seg(0, 0x82, 0xFFFF, 0)     # LDTR
    v[0x80:0x90] = seg(0, 0, 0xFFFF, 0)        # IDTR
    v[0x90:0xA0] = seg(0, 0x8B, 0xFFFF, 0)     # TR
    struct.pack_into("<Q", v, 0xD0, 0x1000)    # EFER.SVME
    struct.pack_into("<Q", v, 0x158, 0x31)     # CR0
    struct.pack_into("<Q", v, 0x160, 0x400)    # DR7
    struct.pack_into("<Q", v, 0x168, 0xFFFF0FF0)
    struct.pack_into("<Q", v, 0x170, 2)        # RFLAGS
    struct.pack_into("<Q", v, 0x178, entry)    # RIP
    struct.pack_into("<Q", v, 0x268, 0x0007040600070406)
    struct.pack_into("<Q", v, 0x3B0, 1)        # SEV_FEATURES: SNPActive
    struct.pack_into("<Q", v, 0x3E8, 1)        # XCR0
    return bytes(v)


def cpuid_template():
    leaves = [(0, 0), (1, 0), (7, 0), (0x80000000, 0), (0x80000001, 0),
              (0x8000001F, 0)]
    t = struct.pack("<IIQ", len(leaves), 0, 0)
    for fn, sub in leaves:
        t += struct.pack("<IIQQIIIIQ", fn, sub, 0, 0, 0, 0, 0, 0, 0)
    return t.ljust(4096, b"\0")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    pages, entry = elf_pages(sys.argv[1])
    pages[PL_MODE] = struct.pack("<I", int(sys.argv[2], 0)).ljust(4096, b"\0")
    data = bytearray()   # file data after the headers

    def add_data(blob):
        off = len(data)
        data.extend(blob)
        return off

    hdrs = [tlv(0x001, struct.pack("<IBBHQ", SNP_MASK, 0, 2, 1, 0)),
            tlv(0x101, struct.pack("<QII", 0x30000, SNP_MASK, 0))]
    for idx in range(3):
        hdrs.append(tlv(0x301, struct.pack("<QII", 4096, idx, 0)))
    hdrs.append(tlv(0x307, struct.pack("<II", 0, 0)))
    hdrs.append(tlv(0x313, struct.pack("<II", 0, 4)))
    hdrs.append(tlv(0x30C, struct.pack("<II", 1, 0)))
    hdrs.append(tlv(0x309, struct.pack("<II", 2, 0)))
    for idx, gpa in enumerate((PL_GENERAL, PL_MEMMAP, PL_MADT)):
        hdrs.append(tlv(0x303, struct.pack("<QII", gpa, SNP_MASK, idx)))
    page_dirs = []
    for gpa in sorted(pages):
        blob = pages[gpa]
        off = None if blob == b"\0" * 4096 else add_data(blob)
        page_dirs.append((gpa, off, 0))
    page_dirs.append((PL_SECRETS, None, 1))
    page_dirs.append((PL_CPUID, add_data(cpuid_template()), 2))
    page_dirs.sort()
    vmsa_off = add_data(vmsa(entry))
    # Directives hold absolute file offsets: size the headers first.
    n_pages = len(page_dirs)
    hdr_len = sum(len(h) for h in hdrs) + n_pages * 32 + 32
    base = 24 + hdr_len

    def fix(off):
        return 0 if off is None else base + off

    for gpa, off, dtype in page_dirs:
        fo = fix(off)
        hdrs.append(tlv(0x302, struct.pack("<QIIIHH", gpa, SNP_MASK, fo, 0,
                                           dtype, 0)))
    hdrs.append(tlv(0x304, struct.pack("<QIIHH", VMSA_GPA, SNP_MASK,
                                       fix(vmsa_off), 0, 0)))
    vh = b"".join(hdrs)
    assert len(vh) == hdr_len, (len(vh), hdr_len)
    total = 24 + len(vh) + len(data)
    fixed = struct.pack("<IIIIII", 0x4D564749, 1, 24, len(vh), total, 0)
    crc = zlib.crc32(fixed + vh) & 0xFFFFFFFF
    fixed = struct.pack("<IIIIII", 0x4D564749, 1, 24, len(vh), total, crc)
    with open(sys.argv[3], "wb") as f:
        f.write(fixed + vh + bytes(data))


if __name__ == "__main__":
    main()
