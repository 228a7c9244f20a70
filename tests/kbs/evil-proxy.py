#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A malicious host proxy for the SVSM's KBS tests: it speaks the SVSM's
frames (svsm/kbs/frame.h) like tools/kbs-proxy, forwards to the KBS with
the session cookie, and alters what passes in one way (--mode):

  tamper-runtime   replaces the tee-pubkey in the attest body by its own key
  tamper-evidence  flips a bit of the report's measurement
  tamper-resource  flips a character of the JWE ciphertext
  swap-nonce       hands the SVSM another nonce than the KBS's challenge
  replay           records the first attest body (--record FILE) and sends
                   it instead of every later one (a replayed challenge)
  hang             never answers

Bound to 127.0.0.1; frames are bounded; it stops after --lifetime seconds.
"""
import argparse
import base64
import http.client
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse

FRAME_MAX = 4 + 256 + 64 * 1024


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def alter(args, path, body):
    if path != "/kbs/v0/attest":
        return body
    if args.mode == "replay":
        if os.path.exists(args.record):
            with open(args.record, "rb") as f:
                return f.read()
        with open(args.record, "wb") as f:
            f.write(body)
        return body
    doc = json.loads(body)
    if args.mode == "tamper-runtime":
        pk = doc["runtime-data"]["tee-pubkey"]
        pk["x"] = pk["x"][:10] + ("A" if pk["x"][10] != "A" else "B") + \
            pk["x"][11:]
    elif args.mode == "tamper-evidence":
        rep = doc["tee-evidence"]["primary_evidence"]["attestation_report"]
        rep["measurement"][0] ^= 1
    else:
        return body
    return json.dumps(doc, separators=(",", ":")).encode()


def alter_response(args, path, status, body):
    if args.mode == "swap-nonce" and path == "/kbs/v0/auth" and status == 200:
        doc = json.loads(body)
        doc["nonce"] = base64.b64encode(os.urandom(32)).decode()
        return json.dumps(doc).encode()
    if args.mode == "tamper-resource" and path.startswith(
            "/kbs/v0/resource/") and status == 200:
        doc = json.loads(body)
        ct = doc["ciphertext"]
        doc["ciphertext"] = ("B" if ct[0] == "A" else "A") + ct[1:]
        return json.dumps(doc).encode()
    return body


def serve(conn, args):
    url = urllib.parse.urlparse(args.url)
    cookie = None
    while True:
        n = struct.unpack("<I", read_exact(conn, 4))[0]
        if n > FRAME_MAX:
            return
        payload = read_exact(conn, n)
        method = "GET" if payload[1] == 1 else "POST"
        plen = struct.unpack("<H", payload[2:4])[0]
        path = payload[4:4 + plen].decode()
        body = payload[4 + plen:]
        if args.mode == "hang":
            time.sleep(args.lifetime)
            return
        body = alter(args, path, body)
        h = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        headers = {"Content-Type": "application/json"}
        if cookie:
            headers["Cookie"] = cookie
        h.request(method, path, body=body if method == "POST" else None,
                  headers=headers)
        r = h.getresponse()
        data = r.read()
        set_cookie = r.getheader("Set-Cookie")
        if set_cookie:
            cookie = set_cookie.split(";")[0]
        data = alter_response(args, path, r.status, data)
        out = bytes([1, 0]) + struct.pack("<H", r.status) + data
        conn.sendall(struct.pack("<I", len(out)) + out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--mode", required=True,
                    choices=("tamper-runtime", "tamper-evidence",
                             "tamper-resource", "swap-nonce", "replay",
                             "hang"))
    ap.add_argument("--record")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=int, default=120)
    args = ap.parse_args()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    with open(args.port_file + ".tmp", "w", encoding="ascii") as f:
        f.write(f"{srv.getsockname()[1]}\n")
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    while True:
        conn, _ = srv.accept()
        try:
            serve(conn, args)
        except (EOFError, OSError, ValueError, KeyError) as e:
            print(f"evil-proxy: {e!r}", file=sys.stderr)
        conn.close()


if __name__ == "__main__":
    main()
