"""A local HTTP server that serves calendar feeds the way Google and Outlook do (ETag, 304),
and the hostile answers a feed reader must survive (HTML, huge, slow, redirects)."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    """The bytes of a fixture feed."""
    return (FIXTURES / name).read_bytes()


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/calendar; charset=UTF-8"
    location: str | None = None
    drip_seconds: float = 0.0  # pause between 1-byte writes: a slow server
    etag: bool = True
    send_length: bool = True  # False: no Content-Length, the body just streams
    stall_seconds: float = 0.0  # silence before the status line


@dataclass
class FeedServer:
    """``serve(path, Route)``, then point feeds at ``url(path)``; ``hits`` counts requests."""

    host: str = "127.0.0.1"
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def start(self) -> FeedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                server.hits.setdefault(path, []).append({k.lower(): v for k, v in self.headers.items()})
                route = server.routes.get(path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                if route.stall_seconds:
                    time.sleep(route.stall_seconds)
                tag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                if route.status == 200 and route.etag and self.headers.get("If-None-Match") == tag:
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                if route.location:
                    self.send_header("Location", route.location)
                self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", tag)
                if not route.drip_seconds and route.send_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    if route.drip_seconds:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.drip_seconds)
                    else:
                        self.wfile.write(route.body)
                except OSError:
                    pass  # the reader hung up: what a reader with a deadline does

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer((self.host, 0), Handler)
        self._httpd.daemon_threads = True
        # A short poll interval keeps stop() fast: shutdown() waits for one poll (0.5 s by default).
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
