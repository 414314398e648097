"""A local HTTP server for the pull and webhook tests (http.server in a thread): it answers
from a script of behaviours, one per request (the last repeats), and keeps what it received.

Behaviours: ("json", obj) / ("body", bytes, content_type) / ("status", code) / ("hold",) —
the handler waits (on an event the test's teardown sets) so the client times out."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Server:
    def __init__(self):
        self.script: list[tuple] = [("status", 200)]
        self.received: list[dict] = []
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.require_header: tuple[str, str] | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with outer.lock:
                    outer.received.append(
                        {"method": self.command, "headers": dict(self.headers), "body": body}
                    )
                    step = outer.script.pop(0) if len(outer.script) > 1 else outer.script[0]
                if outer.require_header:
                    name, value = outer.require_header
                    if self.headers.get(name) != value:
                        step = ("status", 401)
                kind = step[0]
                if kind == "hold":
                    outer.release.wait(10)
                    return
                if kind == "json":
                    data, ctype, code = json.dumps(step[1]).encode(), "application/json", 200
                elif kind == "body":
                    data, ctype, code = step[1], step[2], 200
                else:
                    data, ctype, code = b'{"error": "x"}', "application/json", step[1]
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _answer
            do_POST = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
