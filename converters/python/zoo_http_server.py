#!/usr/bin/env python3
"""A small HTTP/1.1 file server with Range support and fault modes, for the SignZoo zoo tests
(Tests/SignZooTests). Standard library only.

    zoo_http_server.py ROOT LOG

serves the files under ROOT on 127.0.0.1 (a free port), prints the port on stdout (one line,
flushed) and appends one line per request to LOG:  METHOD PATH range=<Range header or ->.

The first path component may pick a fault mode for the rest of the path:

  /ok/P               the file P, honouring `Range: bytes=A-` (206 + Content-Range)
  /tamper/P           the file P with one byte flipped in the middle (same size)
  /truncate/P         only the first half of P, with a matching Content-Length (a short file)
  /cut/P              announces P's full length but closes the connection at half of the file, always
  /drop-N/P           the first request for P closes the connection after N body bytes; later
                      requests behave like /ok/ (an interrupted download that can be resumed)
  /html/P             200 with Content-Type text/html and an HTML error page
  /status-CODE/P      answers CODE (e.g. 404, 503) with a short text body
  /fail-once-CODE/P   answers CODE the first time P is asked for, then behaves like /ok/
  /slow-MS/P          sends P in 64 KiB pieces with MS milliseconds between them
  P                   (no mode) like /ok/

Stop it by closing its stdin or killing it.
"""
import http.server
import os
import sys
import threading
import time

ROOT = os.path.abspath(sys.argv[1])
LOG = sys.argv[2]
_lock = threading.Lock()
_seen = set()


def log(line):
    with _lock:
        with open(LOG, "a") as f:
            f.write(line + "\n")


def first_time(key):
    with _lock:
        if key in _seen:
            return False
        _seen.add(key)
        return True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        rng = self.headers.get("Range")
        log("GET %s range=%s" % (self.path, rng or "-"))
        parts = self.path.lstrip("/").split("/", 1)
        mode, rest = (parts[0], parts[1]) if len(parts) == 2 and self.is_mode(parts[0]) else ("ok", self.path.lstrip("/"))
        path = os.path.normpath(os.path.join(ROOT, rest))
        if not path.startswith(ROOT) or not os.path.isfile(path):
            return self.text(404, "not found: %s\n" % rest)
        data = open(path, "rb").read()
        if mode.startswith("status-"):
            return self.text(int(mode[7:]), "status %s\n" % mode[7:])
        if mode.startswith("fail-once-") and first_time(self.path):
            return self.text(int(mode[10:]), "failing once\n")
        if mode == "html":
            body = b"<!DOCTYPE html><html><head><title>Error</title></head><body>Service unavailable</body></html>\n"
            return self.send(200, body, "text/html; charset=utf-8")
        if mode == "tamper":
            data = bytearray(data)
            data[len(data) // 2] ^= 0xFF
            data = bytes(data)
        if mode == "truncate":
            data = data[: len(data) // 2]
        start = 0
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        body = data[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if start:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        self.end_headers()
        if mode == "cut":
            return self.close_after(body[: max(0, len(data) // 2 - start)])
        if mode.startswith("drop-") and first_time(self.path):
            return self.close_after(body[: int(mode[5:])])
        if mode.startswith("slow-"):
            delay = int(mode[5:]) / 1000.0
            for i in range(0, len(body), 65536):
                self.wfile.write(body[i : i + 65536])
                self.wfile.flush()
                time.sleep(delay)
            return
        self.wfile.write(body)

    @staticmethod
    def is_mode(name):
        return name in ("ok", "tamper", "truncate", "cut", "html") or name.startswith(
            ("drop-", "status-", "fail-once-", "slow-"))

    def close_after(self, prefix):
        self.wfile.write(prefix)
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass

    def text(self, code, message):
        self.send(code, message.encode(), "text/plain")

    def send(self, code, body, content_type):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the test closes our stdin (or exits)
    server.shutdown()


if __name__ == "__main__":
    main()
