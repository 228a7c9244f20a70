# SPDX-License-Identifier: MIT
"""The KBS's resource encryption (RFC 7516 flattened JWE, ECDH-ES+A256KW on
P-521, A256GCM with the protected header as AAD), as Trustee does it; used
by the test KBS and by the unit tests' vector generator."""
import base64
import hashlib
import json
import os

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

ALG = b"ECDH-ES+A256KW"


def b64u(data):
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def concat_kdf(z):
    """RFC 7518 4.6.2 for ECDH-ES+A256KW, apu = apv = empty, 256 bits."""
    return hashlib.sha256((1).to_bytes(4, "big") + z +
                          len(ALG).to_bytes(4, "big") + ALG + bytes(8) +
                          (256).to_bytes(4, "big")).digest()


def encrypt(pub, plaintext, bad_tag=False):
    """The JWE (a dict) of `plaintext` to the P-521 public key `pub`."""
    eph = ec.generate_private_key(ec.SECP521R1())
    n = eph.public_key().public_numbers()
    header = {"alg": ALG.decode(), "enc": "A256GCM",
              "epk": {"crv": "P-521", "kty": "EC",
                      "x": b64u(n.x.to_bytes(66, "big")),
                      "y": b64u(n.y.to_bytes(66, "big"))}}
    protected = b64u(json.dumps(header, separators=(",", ":")).encode())
    kek = concat_kdf(eph.exchange(ec.ECDH(), pub))
    cek, iv = os.urandom(32), os.urandom(12)
    ct = AESGCM(cek).encrypt(iv, plaintext, protected.encode())
    tag = ct[-16:]
    if bad_tag:
        tag = bytes([tag[0] ^ 1]) + tag[1:]
    return {"protected": protected,
            "encrypted_key": b64u(aes_key_wrap(kek, cek)),
            "iv": b64u(iv), "ciphertext": b64u(ct[:-16]), "tag": b64u(tag)}
