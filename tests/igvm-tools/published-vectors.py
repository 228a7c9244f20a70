#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn the inputs of sev-snp-measure's hardware-measured SNP:SVSM vectors
(tests/fixtures/svsm.bin and svsm_ovmf.fd of github.com/virtee/
sev-snp-measure, launched with 2 and 4 vCPUs of EPYC-v4, OVMF vars 540672
bytes) into an IGVM file with the same launch: OVMF's pages, the SVSM's
pages below them, the SVSM's SEV metadata sections (memory as data-less
pages: ZERO with --native-zero, secrets, CPUID), and the VMSA the SVSM
starts from (32-bit flat at its SVSM_INFO entry, RDX the CPU signature,
MXCSR 0x1F80). `igvm-measure --native-zero --vcpus N` of the result must
print the published digests.

  published-vectors.py FIXTURES_DIR OUT.igvm
"""
import importlib.util
import os
import struct
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "corpus", os.path.join(HERE, "..", "fuzz-igvm", "gen-corpus.py"))
corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus)

OVMF_VARS_SIZE = 540672
EPYC_V4_SIG = 0x800F12
SVSM_INFO = "a789a612-0597-4c4b-a49f-cbb1fe9d1ddd"
SEV_METADATA = "dc886566-984a-4798-a75e-5585a7bf67cc"
FOOTER = "96b582de-1fb2-45f7-baea-a366c55a082d"


def guid_table(image):
    end = len(image) - 0x20
    assert str(uuid.UUID(bytes_le=image[end - 16:end])) == FOOTER
    length = struct.unpack("<H", image[end - 18:end - 16])[0]
    pos, start, table = end - 18, end - length, {}
    while pos > start:
        guid = str(uuid.UUID(bytes_le=image[pos - 16:pos]))
        elen = struct.unpack("<H", image[pos - 18:pos - 16])[0]
        table[guid] = image[pos - elen:pos - 18]
        pos -= elen
    return table


def main():
    fixtures, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(fixtures, "svsm_ovmf.fd"), "rb") as fh:
        ovmf = fh.read()
    with open(os.path.join(fixtures, "svsm.bin"), "rb") as fh:
        svsm = fh.read()
    ovmf_gpa = (1 << 32) - len(ovmf)
    svsm_gpa = ovmf_gpa - OVMF_VARS_SIZE - len(svsm)
    table = guid_table(svsm)
    entry = struct.unpack("<I", table[SVSM_INFO][:4])[0] + svsm_gpa
    meta = len(svsm) - struct.unpack("<I", table[SEV_METADATA][:4])[0]
    count = struct.unpack("<I", svsm[meta + 12:meta + 16])[0]
    sections = [struct.unpack("<III", svsm[meta + 16 + 12 * i:
                                           meta + 28 + 12 * i])
                for i in range(count)]

    f = corpus.Igvm()
    f.add(0x1, struct.pack("<IBBHQ", 1, 0, 2, 1, 0))
    for base, image in ((ovmf_gpa, ovmf), (svsm_gpa, svsm)):
        for off in range(0, len(image), 4096):
            f.add(0x302, corpus.page(base + off), image[off:off + 4096], 12)
    data_type = {1: 0, 2: 1, 3: 2, 4: 0}  # SEC_MEM, SECRETS, CPUID, CAA
    for gpa, size, typ in sections:
        for off in range(0, size, 4096):
            f.add(0x302, corpus.page(gpa + off, typ=data_type[typ]))
    vmsa = bytearray(4096)

    def seg(off, sel, attr, limit):
        struct.pack_into("<HHIQ", vmsa, off, sel, attr, limit, 0)

    for off in (0x00, 0x20, 0x30, 0x40):
        seg(off, 16, 0xC93, 0xFFFFFFFF)
    seg(0x10, 8, 0xC9B, 0xFFFFFFFF)
    seg(0x50, 0, 0x93, 0xFFFF)
    seg(0x60, 0, 0, 0xFFFF)
    seg(0x70, 0, 0x82, 0xFFFF)
    seg(0x80, 0, 0, 0xFFFF)
    seg(0x90, 0, 0x8B, 0xFFFF)
    for off, value in ((0x158, 0x11), (0x160, 0x400), (0x168, 0xFFFF0FF0),
                       (0x178, entry), (0x268, 0x0007040600070406),
                       (0x310, EPYC_V4_SIG), (0x3B0, 1)):
        struct.pack_into("<Q", vmsa, off, value)
    struct.pack_into("<I", vmsa, 0x408, 0x1F80)  # MXCSR
    f.add(0x304, struct.pack("<QIIHH", 0xFFFFFFFFF000, 1, 0, 0, 0),
          bytes(vmsa), 12)
    with open(out, "wb") as fh:
        fh.write(f.build())


if __name__ == "__main__":
    main()
