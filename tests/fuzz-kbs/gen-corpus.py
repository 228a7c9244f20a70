#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpus of fuzz-kbs into the directory named by argv[1]:
KBS-shaped JSON, a JWE, frames and scripted flows (see fuzz_kbs.c)."""
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
AUTH = b'{"nonce":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","extra-params":""}'
JWE = (b'{"protected":"eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIsImVuYyI6IkEyNTZHQ00iLCJlcGsi'
       b'OnsiY3J2IjoiUC01MjEiLCJrdHkiOiJFQyIsIngiOiJBQSIsInkiOiJBQSJ9fQ",'
       b'"encrypted_key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",'
       b'"iv":"AAAAAAAAAAAAAAAA","ciphertext":"AAAA","tag":"AAAAAAAAAAAAAAAAAAAAAA"}')
seeds = {
    "json-auth": b"\x00" + AUTH,
    "json-nested": b'\x00{"a":[1,2,{"b":"\\u0041"}],"x":-1.5e3,"n":null}',
    "jwe": b"\x01" + JWE,
    "frame-req": b"\x02" + bytes([1, 2]) + struct.pack("<H", 12) +
                 b"/kbs/v0/auth{}",
    "frame-resp": b"\x02" + bytes([1, 0]) + struct.pack("<H", 200) + AUTH,
    "flow-ok": b"\x03\x01" + AUTH + b"\x00\x01{\"token\":\"t\"}\x00\x01" + JWE,
    "flow-refused": b"\x03\x01" + AUTH + b"\x00\x00{}",
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
