"""A small local HTTP server for the demo site and the test sites (127.0.0.1 only).

It serves the files of a folder, in a background thread; a ``_routes.json`` file gives
paths a status, headers, a delay or another file (data only), and a route with an ``ETag``
or ``Last-Modified`` answers a matching conditional GET with ``304``::

    with SiteServer(folder) as server:
        server.url("/sitemap.xml")
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from email.message import Message
    from pathlib import Path

logger = logging.getLogger(__name__)

ROUTES_FILE = "_routes.json"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%(client)s %(msg)s", {"client": self.client_address[0], "msg": format % args})

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        self.server.record(self.path)
        route = self.server.route_for(path)
        delay = float(route.get("delay", 0) or 0) + self.server.delay
        if delay:
            time.sleep(delay)
        status = int(route.get("status", 200))
        headers: dict[str, str] = dict(route.get("headers", {}))
        body = b""
        file = self.server.file_for(str(route.get("file", path)))
        if status == 200 and file is None:
            status = 404
        if status == 200 and _not_modified(self.headers, headers):
            status = 304
        if status == 200 and file is not None:
            body = file.read_bytes()
            headers.setdefault("Content-Type", _content_type(file))
        elif status >= 400:
            body = f"<html><body><h1>{status}</h1></body></html>".encode()
            headers.setdefault("Content-Type", "text/html; charset=utf-8")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


def _not_modified(request: Message, response: dict[str, str]) -> bool:
    """A conditional GET matching the route's ``ETag`` or ``Last-Modified`` header."""
    etag, modified = response.get("ETag"), response.get("Last-Modified")
    return bool(etag and request.get("If-None-Match") == etag) or bool(
        modified and request.get("If-Modified-Since") == modified
    )


def _content_type(file: Path) -> str:
    if file.suffix in _TYPES:
        return _TYPES[file.suffix]
    guessed, _ = mimetypes.guess_type(file.name)
    return guessed or "application/octet-stream"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.delay = delay
        routes_file = self.root / ROUTES_FILE
        self.routes: dict[str, dict[str, Any]] = (
            json.loads(routes_file.read_text("utf-8")) if routes_file.exists() else {}
        )
        self.requests: list[str] = []
        self._lock = threading.Lock()

    def record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def route_for(self, path: str) -> dict[str, Any]:
        if path in self.routes:
            return self.routes[path]
        for prefix, route in self.routes.items():
            if route.get("prefix") and path.startswith(prefix):
                return route
        return {}

    def file_for(self, path: str) -> Path | None:
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        if candidate.name == ROUTES_FILE:
            return None
        return candidate


class SiteServer:
    """Serve ``root`` on 127.0.0.1 on a free port, in a background thread.

    ``delay`` (seconds) slows every response, for tests that need a crawl to take time.
    """

    def __init__(self, root: Path, delay: float = 0.0) -> None:
        self._server = _Server(root, delay)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[str]:
        """Paths requested so far, in order."""
        return list(self._server.requests)

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
