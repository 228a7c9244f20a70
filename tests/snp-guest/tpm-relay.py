#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# tpm-relay.py: tpm2-tss's mssim TCTI (and the TCG simulator's clients)
# talk to two TCP ports, a command channel and a platform channel; the
# SNP test guest reads one mssim stream from one serial port (COM2, a QEMU
# chardev socket). The relay listens on 127.0.0.1:PORT (command) and
# PORT+1 (platform), reads one whole request frame at a time from
# whichever client sends, writes it to the stream, reads the answer the
# frame's command calls for and sends it back to that client. The two
# channels' command numbers do not overlap, so the guest needs no tag.
#
# The stream starts with one mode byte for the guest: C (its checks, then
# the bridge; the default) or B (the bridge alone).
#
# usage: tpm-relay.py --listen PORT --connect HOST:PORT [--mode checks|bridge]
# Prints "relay ready" once listening; exits 0 after relaying a STOP, 1 if
# the stream closes.
import argparse
import select
import socket
import struct
import sys

SEND_COMMAND, REMOTE_HANDSHAKE, SESSION_END, STOP = 8, 15, 20, 21
ACT_GET_SIGNALED = 26


class Closed(Exception):
    pass


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise Closed()
        data += chunk
    return data


def read_request(sock):
    """One request frame from a client: (command, raw bytes)."""
    head = recv_exact(sock, 4)
    (cmd,) = struct.unpack(">I", head)
    if cmd == SEND_COMMAND:
        meta = recv_exact(sock, 5)
        (size,) = struct.unpack(">I", meta[1:])
        return cmd, head + meta + recv_exact(sock, size)
    if cmd in (REMOTE_HANDSHAKE, ACT_GET_SIGNALED):
        return cmd, head + recv_exact(sock, 4)
    return cmd, head


def read_answer(stream, cmd):
    """The answer the guest gives to `cmd` (none for SESSION_END, STOP)."""
    if cmd == SEND_COMMAND:
        head = recv_exact(stream, 4)
        (size,) = struct.unpack(">I", head)
        return head + recv_exact(stream, size) + recv_exact(stream, 4)
    if cmd == REMOTE_HANDSHAKE:
        return recv_exact(stream, 12)
    if cmd in (SESSION_END, STOP):
        return b""
    return recv_exact(stream, 4)


def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4)
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--connect", required=True, help="HOST:PORT of the stream")
    ap.add_argument("--mode", choices=("checks", "bridge"), default="checks")
    args = ap.parse_args()
    host, _, port = args.connect.rpartition(":")
    stream = socket.create_connection((host, int(port)))
    stream.sendall(b"C" if args.mode == "checks" else b"B")
    listeners = [listen(args.listen), listen(args.listen + 1)]
    clients = []
    print("relay ready", flush=True)
    while True:
        ready, _, _ = select.select(listeners + clients, [], [])
        for sock in ready:
            if sock in listeners:
                clients.append(sock.accept()[0])
                continue
            try:
                cmd, frame = read_request(sock)
            except (Closed, ConnectionError):
                clients.remove(sock)
                sock.close()
                continue
            stream.sendall(frame)
            try:
                answer = read_answer(stream, cmd)
            except (Closed, ConnectionError):
                print("relay: the stream closed", file=sys.stderr)
                return 1
            if answer:
                try:
                    sock.sendall(answer)
                except ConnectionError:
                    pass
            if cmd == STOP:
                return 0


if __name__ == "__main__":
    sys.exit(main())
