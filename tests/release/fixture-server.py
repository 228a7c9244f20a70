#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A GitHub REST API stand-in for the release tooling tests.

Serves recorded JSON fixtures on 127.0.0.1 (a free port, written to
--port-file) and logs every request, with its parsed JSON body, to --log as
JSON lines so tests can assert on what was sent.

A scenario file holds {"routes": [...]}; a route is
  {"method": "GET", "path": "/repos/o/r/issues", "query": {"page": "2"},
   "status": 200, "headers": {"Link": "<{base}/...>; rel=\\"next\\""},
   "body": <JSON> | "body_file": "name.json", "times": 1}
A request takes the matching route with the most query keys (every listed
key must equal the request's); "times" limits how often a route answers.
"{base}" in headers and bodies becomes http://127.0.0.1:PORT. Unmatched
requests get 404 and are logged with "unmatched": true.
"""

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

LOCK = threading.Lock()


def load_routes(files):
    routes = []
    for name in files:
        with open(name, encoding="utf-8") as f:
            data = json.load(f)
        for r in data["routes"]:
            if "body_file" in r:
                path = os.path.join(os.path.dirname(name), r["body_file"])
                with open(path, encoding="utf-8") as f:
                    r["body"] = json.load(f)
            r.setdefault("method", "GET")
            r.setdefault("status", 200)
            r.setdefault("query", {})
            routes.append(r)
    return routes


class Handler(BaseHTTPRequestHandler):
    server_version = "fixture-github/1"

    def log_message(self, fmt, *args):
        pass

    def _handle(self):
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else ""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        with LOCK:
            best = None
            for r in self.server.routes:
                if r["method"] != self.command or r["path"] != path:
                    continue
                if any(query.get(k) != str(v) for k, v in r["query"].items()):
                    continue
                if r.get("times") is not None and r["times"] <= 0:
                    continue
                if best is None or len(r["query"]) > len(best["query"]):
                    best = r
            if best is not None and best.get("times") is not None:
                best["times"] -= 1
            entry = {"method": self.command, "path": path, "query": query,
                     "body": body,
                     "auth": self.headers.get("Authorization") is not None,
                     "unmatched": best is None}
            with open(self.server.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")
        if best is None:
            status, headers = 404, {}
            payload = {"message": "Not Found (no fixture for %s %s)"
                       % (self.command, self.path)}
        else:
            status, headers = best["status"], best.get("headers", {})
            payload = best.get("body")
        out = b""
        if payload is not None:
            out = json.dumps(payload).replace("{base}", base).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        for k, v in headers.items():
            self.send_header(k, str(v).replace("{base}", base))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("scenario", nargs="+")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.routes = load_routes(args.scenario)
    srv.log = args.log
    open(args.log, "w", encoding="utf-8").close()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
