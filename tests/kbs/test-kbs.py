#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A test KBS following Trustee's HTTP API (RCAR 0.4.0), for the SVSM's tests.

It really verifies: the ARK in the evidence is the pinned one, ARK -> ASK ->
VCEK signatures (RSASSA-PSS SHA-384), the VCEK's hwID and SPL extensions
against the report, the report's ECDSA P-384 signature over the binary it
re-encodes from the JSON, the version, VMPL and CPU generation, REPORT_DATA
against the canonical runtime_data it rebuilds, and the measurement against
an allowlist (a file read at each attest). Then it encrypts the resource to
the tee-pubkey (JWE ECDH-ES+A256KW / A256GCM).

Bound to 127.0.0.1 only; every request body is bounded; it stops by itself
after --lifetime seconds. --mode makes it misbehave for the failure tests:
garbage (200 with bytes that are not JSON), hang (never answers), wrong-key
(encrypts the resource to another key), bad-tag (corrupts the JWE tag).
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import socketserver
import sys
import threading
import time

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

import kbsjwe

BODY_MAX = 2 * 1024 * 1024
SESSION_LIFE = 300
ERR = "https://github.com/confidential-containers/kbs/errors/"

# (name, offset, kind, size) of the report fields up to the signature.
FIELDS = [
    ("version", 0x000, "u", 4), ("guest_svn", 0x004, "u", 4),
    ("policy", 0x008, "u", 8), ("family_id", 0x010, "b", 16),
    ("image_id", 0x020, "b", 16), ("vmpl", 0x030, "u", 4),
    ("sig_algo", 0x034, "u", 4), ("current_tcb", 0x038, "t", 8),
    ("plat_info", 0x040, "u", 8), ("key_info", 0x048, "u", 4),
    ("report_data", 0x050, "b", 64), ("measurement", 0x090, "b", 48),
    ("host_data", 0x0C0, "b", 32), ("id_key_digest", 0x0E0, "b", 48),
    ("author_key_digest", 0x110, "b", 48), ("report_id", 0x140, "b", 32),
    ("report_id_ma", 0x160, "b", 32), ("reported_tcb", 0x180, "t", 8),
    ("cpuid_fam_id", 0x188, "u", 1), ("cpuid_mod_id", 0x189, "u", 1),
    ("cpuid_step", 0x18A, "u", 1), ("chip_id", 0x1A0, "b", 64),
    ("committed_tcb", 0x1E0, "t", 8), ("current", 0x1E8, "v", 4),
    ("committed", 0x1EC, "v", 4), ("launch_tcb", 0x1F0, "t", 8),
]
AMD = "1.3.6.1.4.1.3704.1."


class Refused(Exception):
    """The attestation is refused; the message says why."""


def unb64u(text):
    if not isinstance(text, str) or "=" in text:
        raise Refused("bad base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def byte_array(value, size, name):
    if (not isinstance(value, list) or len(value) != size or
            not all(isinstance(v, int) and 0 <= v <= 255 for v in value)):
        raise Refused(f"{name}: not an array of {size} bytes")
    return bytes(value)


def encode_report(rep):
    """The binary report (bytes 0..0x29F) from its JSON form."""
    out = bytearray(0x2A0)
    for name, off, kind, size in FIELDS:
        v = rep.get(name)
        if kind == "u":
            if not isinstance(v, int) or v < 0 or v >= 1 << (8 * size):
                raise Refused(f"{name}: bad integer")
            out[off:off + size] = v.to_bytes(size, "little")
        elif kind == "b":
            out[off:off + size] = byte_array(v, size, name)
        elif kind == "t":
            t = bytearray(8)
            for key, idx in (("bootloader", 0), ("tee", 1), ("snp", 6),
                             ("microcode", 7)):
                b = v.get(key) if isinstance(v, dict) else None
                if not isinstance(b, int) or not 0 <= b <= 255:
                    raise Refused(f"{name}.{key}: bad TCB")
                t[idx] = b
            out[off:off + 8] = t
        else:
            if not isinstance(v, dict):
                raise Refused(f"{name}: bad version")
            out[off:off + 3] = bytes([v["build"], v["minor"], v["major"]])
    return bytes(out)


def spl(cert, oid):
    ext = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(oid))
    der = ext.value.value
    if der[0] != 0x02 or der[1] not in (1, 2):
        raise Refused(f"{oid}: not an INTEGER")
    return der[-1]


def verify_pss(issuer, cert):
    issuer.public_key().verify(
        cert.signature, cert.tbs_certificate_bytes,
        padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48),
        hashes.SHA384())


class Kbs:
    """The KBS's state: sessions, policy and resources."""

    def __init__(self, args):
        self.args = args
        with open(args.ark, "rb") as f:
            self.ark_der = f.read()
        self.resources = {}
        for spec in args.resource:
            path, _, file = spec.partition("=")
            with open(file, "rb") as f:
                self.resources[path] = f.read()
        self.sessions = {}
        self.lock = threading.Lock()

    def log(self, msg):
        print(f"test-kbs: {msg}", file=sys.stderr, flush=True)

    def allowlist(self):
        try:
            with open(self.args.allow_file, encoding="ascii") as f:
                return {line.strip().lower() for line in f if line.strip()}
        except OSError:
            return set()

    def verify(self, session, body):
        """Check an attest body; the tee-pubkey on success."""
        rd = body.get("runtime-data")
        te = body.get("tee-evidence")
        if not isinstance(rd, dict) or not isinstance(te, dict):
            raise Refused("missing runtime-data or tee-evidence")
        if rd.get("nonce") != session["nonce"]:
            raise Refused("nonce is not this session's challenge")
        pk = rd.get("tee-pubkey")
        if not isinstance(pk, dict) or pk.get("kty") != "EC" or \
                pk.get("crv") != "P-521" or pk.get("alg") != "ECDH-ES+A256KW":
            raise Refused("tee-pubkey is not an ECDH-ES+A256KW P-521 key")
        x, y = unb64u(pk.get("x")), unb64u(pk.get("y"))
        if len(x) != 66 or len(y) != 66:
            raise Refused("tee-pubkey coordinates are not 66 bytes")
        key = {k: pk[k] for k in ("alg", "crv", "kty", "x", "y")}
        add = te.get("additional_evidence")
        if add != "":
            raise Refused("additional_evidence is not empty")
        ev = te.get("primary_evidence")
        if not isinstance(ev, dict):
            raise Refused("no primary_evidence")
        rep = ev.get("attestation_report")
        if not isinstance(rep, dict):
            raise Refused("no attestation_report")
        binary = encode_report(rep)
        # The certificate chain: the pinned ARK, ARK -> ASK -> VCEK.
        chain = {}
        for entry in ev.get("cert_chain") or []:
            chain[entry.get("cert_type")] = byte_array(
                entry.get("data"), len(entry.get("data") or []), "cert")
        if set(chain) != {"ARK", "ASK", "VCEK"}:
            raise Refused("the chain is not ARK, ASK and VCEK")
        ark, ask, vcek = (x509.load_der_x509_certificate(chain[t])
                          for t in ("ARK", "ASK", "VCEK"))
        # As Trustee does: the ARK sent must verify under the pinned one.
        pinned = x509.load_der_x509_certificate(self.ark_der)
        try:
            verify_pss(pinned, ark)
            verify_pss(ark, ark)
            verify_pss(ark, ask)
            verify_pss(ask, vcek)
        except (InvalidSignature, ValueError, TypeError) as e:
            raise Refused(f"certificate chain: {e!r}") from e
        if rep["version"] not in (3, 4, 5) or rep["vmpl"] != 0:
            raise Refused("report version or VMPL not accepted")
        if rep["cpuid_fam_id"] != 0x19 or rep["cpuid_mod_id"] > 0x0F:
            raise Refused("not a Milan report")
        tcb = rep["reported_tcb"]
        for oid, name in (("3.1", "bootloader"), ("3.2", "tee"),
                          ("3.3", "snp"), ("3.8", "microcode")):
            if spl(vcek, AMD + oid) != tcb[name]:
                raise Refused(f"VCEK {name} SPL differs from reported_tcb")
        hwid = vcek.extensions.get_extension_for_oid(
            x509.ObjectIdentifier(AMD + "4")).value.value
        if hwid != binary[0x1A0:0x1E0]:
            raise Refused("VCEK hwID differs from chip_id")
        sig = rep.get("signature") or {}
        r = int.from_bytes(byte_array(sig.get("r"), 72, "r"), "little")
        s = int.from_bytes(byte_array(sig.get("s"), 72, "s"), "little")
        try:
            vcek.public_key().verify(utils.encode_dss_signature(r, s),
                                     binary, ec.ECDSA(hashes.SHA384()))
        except InvalidSignature as e:
            raise Refused("report signature does not verify") from e
        canon = json.dumps({"tee-pubkey": key, "nonce": session["nonce"],
                            "additional-evidence": add}, sort_keys=True,
                           separators=(",", ":")).encode()
        digest = (hashlib.sha512 if self.args.hash == "sha512"
                  else hashlib.sha384)(canon).digest()
        if binary[0x50:0x90] != digest.ljust(64, b"\0")[:64]:
            raise Refused("REPORT_DATA is not the hash of runtime_data")
        measurement = binary[0x90:0xC0].hex()
        if measurement not in self.allowlist():
            raise Refused(f"measurement {measurement} not allowed")
        return ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"),
            ec.SECP521R1()).public_key()

    def jwe(self, pub, plaintext):
        """The resource as a flattened JWE to `pub`."""
        if self.args.mode == "wrong-key":
            pub = ec.generate_private_key(ec.SECP521R1()).public_key()
        return kbsjwe.encrypt(pub, plaintext,
                              bad_tag=self.args.mode == "bad-tag")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    kbs = None

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj=None, cookie=None, raw=None):
        data = raw if raw is not None else (
            json.dumps(obj).encode() if obj is not None else b"")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if cookie:
            self.send_header("Set-Cookie", f"kbs-session-id={cookie}")
        self.end_headers()
        self.wfile.write(data)

    def error(self, variant, detail):
        self.kbs.log(f"{self.command} {self.path}: 401 {variant}: {detail}")
        self.reply(401, {"type": ERR + variant, "detail": detail})

    def session(self):
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "kbs-session-id":
                with self.kbs.lock:
                    s = self.kbs.sessions.get(value)
                if s and time.time() < s["expires"]:
                    return value, s
        return None, None

    def misbehave(self):
        mode = self.kbs.args.mode
        if mode == "hang":
            time.sleep(self.kbs.args.lifetime)
            return True
        if mode == "garbage":
            self.reply(200, raw=os.urandom(64) + b"\x00{\"nonce\":")
            return True
        return False

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or -1)
        if length < 0 or length > BODY_MAX:
            self.reply(413)
            return
        raw = self.rfile.read(length)
        if self.misbehave():
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self.error("ParseRequest", "body is not JSON")
            return
        if self.path == "/kbs/v0/auth":
            if not isinstance(body, dict) or body.get("version") != "0.4.0" \
                    or body.get("tee") != "snp" or "extra-params" not in body:
                self.error("UnAuthenticated", "protocol version mismatch")
                return
            sid = secrets.token_hex(16)
            nonce = base64.b64encode(os.urandom(32)).decode()
            with self.kbs.lock:
                self.kbs.sessions[sid] = {
                    "nonce": nonce, "attested": False, "key": None,
                    "expires": time.time() + SESSION_LIFE}
            self.kbs.log("auth: new session")
            self.reply(200, {"nonce": nonce, "extra-params": ""}, sid)
        elif self.path == "/kbs/v0/attest":
            sid, s = self.session()
            if s is None:
                self.error("UnAuthenticated", "no session")
                return
            try:
                if not isinstance(body, dict):
                    raise Refused("body is not an object")
                key = self.kbs.verify(s, body)
            except (Refused, KeyError, TypeError, ValueError) as e:
                self.error("AttestationError", f"refused: {e}")
                return
            with self.kbs.lock:
                s["attested"], s["key"] = True, key
            self.kbs.log("attest: verified")
            self.reply(200, {"token": "test." + secrets.token_hex(8)}, sid)
        else:
            self.reply(404)

    def do_GET(self):
        if self.misbehave():
            return
        prefix = "/kbs/v0/resource/"
        if not self.path.startswith(prefix):
            self.reply(404)
            return
        _, s = self.session()
        if s is None or not s["attested"]:
            self.error("TokenNotFound", "not attested")
            return
        data = self.kbs.resources.get(self.path[len(prefix):])
        if data is None:
            self.error("PluginInternalError", "no such resource")
            return
        self.kbs.log(f"resource: released {self.path[len(prefix):]}")
        self.reply(200, self.kbs.jwe(s["key"], data))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ark", required=True, help="pinned ARK (DER)")
    ap.add_argument("--allow-file", required=True,
                    help="allowed measurements, hex, one per line")
    ap.add_argument("--resource", action="append", default=[],
                    help="REPO/TYPE/TAG=FILE")
    ap.add_argument("--hash", choices=("sha384", "sha512"), default="sha384")
    ap.add_argument("--mode", default="normal",
                    choices=("normal", "garbage", "hang", "wrong-key",
                             "bad-tag"))
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=int, default=120)
    args = ap.parse_args()
    Handler.kbs = Kbs(args)
    srv = Server(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w", encoding="ascii") as f:
        f.write(f"{srv.server_address[1]}\n")
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Timer(args.lifetime, srv.shutdown).start()
    srv.serve_forever()
    srv.server_close()
    os._exit(0)  # do not wait for a hanging handler


if __name__ == "__main__":
    main()
