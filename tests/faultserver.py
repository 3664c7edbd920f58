"""A local HTTP server that misbehaves on purpose (127.0.0.1 only), for the fault tests.

Each path is given a *behaviour*: a function that answers the request its own way,
well or badly::

    with FaultServer() as server:
        server.add("/story", page(article_html("Ferry line opens")))
        server.add("/hang", hang())
        server.add("/503", status(503), "/retry")
        ...
        server.count("/503")          # requests seen for that path
        server.hosts()                # every Host header seen

Behaviours (factories returning the function):

========================  ================================================================
``page(body)``            a normal answer (status, Content-Type and headers settable)
``status(code)``          an error page with that status (``Retry-After`` etc. as headers)
``redirect(to)``          a redirect (loops: two paths redirecting to each other)
``flaky(n, then)``        ``503`` for the first ``n`` requests, then ``then``
``hang()``                accepts the connection, never answers (a timeout)
``drip(body, every)``     answers one byte every ``every`` seconds (a very slow response)
``reset_mid_body(body)``  announces the whole body, sends half, resets the connection
``truncated_gzip(body)``  ``Content-Encoding: gzip`` whose stream stops half-way
``gzip_bomb(size)``       ``Content-Encoding: gzip``: a few KiB that inflate to ``size`` bytes
``endless_chunked()``     a chunked HTML response that never ends
``big(size)``             a ``size``-byte HTML page (``Content-Length`` announced), streamed
========================  ================================================================

Every request is logged (path, ``Host`` header, arrival time) before it is answered,
so tests can count retries and prove which hosts and paths were asked for. The server
never serves files from disk and never makes connections itself.
"""

from __future__ import annotations

import gzip
import logging
import random
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

import attrs

logger = logging.getLogger(__name__)

Behaviour = Callable[["FaultHandler"], None]

#: Longest any misbehaving answer keeps a connection open (a safety net for hung tests).
MAX_HOLD_S = 120.0

#: Words the generated article bodies are made of (each title seeds its own sentences,
#: so that two fault-server articles are never near-duplicates of each other).
VOCABULARY = (
    "harbour", "authority", "ferry", "island", "crossing", "council", "mayor", "budget",
    "river", "bridge", "school", "teacher", "farmer", "harvest", "storm", "coast", "village",
    "museum", "festival", "market", "station", "railway", "engineer", "hospital", "nurse",
    "court", "judge", "minister", "election", "voter", "province", "border", "road",
    "airport", "pilot", "union", "worker", "factory", "shipyard", "bakery", "library",
    "garden", "forest", "mountain", "valley", "lake", "fisherman", "trawler", "lighthouse",
    "tunnel", "tram", "cyclist", "pedestrian", "square",
)  # fmt: skip
VERBS = ("said", "announced", "reported", "confirmed", "expected", "feared", "hoped")


@attrs.frozen
class Hit:
    """One request the server received."""

    method: str
    path: str
    host: str
    at: float
    """``time.monotonic()`` when the request line had been read."""


class FaultHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("fault server: %(msg)s", {"msg": format % args})

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path or "/"
        self.server.log(
            Hit(self.command, self.path, self.headers.get("Host", ""), time.monotonic())
        )
        behaviour = self.server.behaviours.get(path, not_found)
        try:
            behaviour(self)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client gave up: expected for most faults

    # --- helpers for behaviours -------------------------------------------------------

    def head(self, code: int, headers: Mapping[str, str]) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def answer(self, code: int, body: bytes, headers: Mapping[str, str]) -> None:
        """A whole response with ``Content-Length``."""
        self.head(code, {**headers, "Content-Length": str(len(body))})
        if self.command != "HEAD":
            self.wfile.write(body)

    def stopping(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True when the server is stopping (end the answer)."""
        return self.server.stop_event.wait(seconds)

    def reset(self) -> None:
        """Close the connection with a TCP reset (RST), not an orderly FIN."""
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.behaviours: dict[str, Behaviour] = {}
        self.hits: list[Hit] = []
        self.stop_event = threading.Event()
        self._lock = threading.Lock()

    def log(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("fault server: connection from %(addr)s ended badly", {"addr": client_address})


class FaultServer:
    """The misbehaving server, on a free port of 127.0.0.1, in a background thread."""

    def __init__(self, behaviours: Mapping[str, Behaviour] | None = None) -> None:
        self._server = _Server()
        self._server.behaviours.update(behaviours or {})
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def add(self, path: str, behaviour: Behaviour) -> str:
        """Give ``path`` a behaviour; return its full URL."""
        self._server.behaviours[path] = behaviour
        return self.url(path)

    @property
    def hits(self) -> list[Hit]:
        with self._server._lock:
            return list(self._server.hits)

    def paths(self) -> list[str]:
        """Request paths (with query) in arrival order."""
        return [h.path for h in self.hits]

    def count(self, path: str) -> int:
        """Requests seen for ``path`` (query strings ignored)."""
        return sum(1 for h in self.hits if urlsplit(h.path).path == path)

    def hosts(self) -> set[str]:
        """Every ``Host`` header seen."""
        return {h.host for h in self.hits}

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stop_event.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Tripwire:
    """A bare TCP listener on 127.0.0.1 that counts the connections made to it and
    answers nothing: point a URL the crawl must never follow at it (``ftp://``, another
    host name), then assert :attr:`connections` is 0."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self._stop = threading.Event()
        self._count = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def connections(self) -> int:
        return self._count

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self._count += 1
            connection.close()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


# --- behaviours ---------------------------------------------------------------------------

HTML = "text/html; charset=utf-8"


def not_found(handler: FaultHandler) -> None:
    handler.answer(404, b"<html><body><h1>404</h1></body></html>", {"Content-Type": HTML})


def page(
    body: bytes | str,
    content_type: str = HTML,
    code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Behaviour:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def behave(handler: FaultHandler) -> None:
        handler.answer(code, data, {"Content-Type": content_type, **(headers or {})})

    return behave


def status(code: int, headers: Mapping[str, str] | None = None) -> Behaviour:
    body = f"<html><body><h1>{code}</h1></body></html>"
    return page(body, code=code, headers=headers)


def redirect(to: str, code: int = 302) -> Behaviour:
    return page(b"", code=code, headers={"Location": to})


def flaky(failures: int, then: Behaviour, code: int = 503) -> Behaviour:
    """``code`` for the first ``failures`` requests, then ``then``."""
    seen = [0]
    lock = threading.Lock()

    def behave(handler: FaultHandler) -> None:
        with lock:
            seen[0] += 1
            failing = seen[0] <= failures
        (status(code) if failing else then)(handler)

    return behave


def hang() -> Behaviour:
    """Read the request, then say nothing until the client or the server gives up."""

    def behave(handler: FaultHandler) -> None:
        handler.stopping(MAX_HOLD_S)
        handler.close_connection = True

    return behave


def drip(body: bytes | str, every: float = 0.5) -> Behaviour:
    """Announce the whole body, then send it one byte every ``every`` seconds."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def behave(handler: FaultHandler) -> None:
        handler.head(200, {"Content-Type": HTML, "Content-Length": str(len(data))})
        for index in range(len(data)):
            handler.wfile.write(data[index : index + 1])
            handler.wfile.flush()
            if handler.stopping(every):
                break
        handler.close_connection = True

    return behave


def reset_mid_body(body: bytes | str) -> Behaviour:
    """Announce ``len(body)`` bytes, send half of them, then reset the connection."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def behave(handler: FaultHandler) -> None:
        handler.head(200, {"Content-Type": HTML, "Content-Length": str(len(data))})
        handler.wfile.write(data[: len(data) // 2])
        handler.reset()

    return behave


def truncated_gzip(body: bytes | str) -> Behaviour:
    """``Content-Encoding: gzip`` with a stream cut half-way (length honest for the cut)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    packed = gzip.compress(data, mtime=0)
    cut = packed[: len(packed) // 2]
    return page(cut, headers={"Content-Encoding": "gzip"})


def bomb_bytes(size: int, prefix: bytes = b"<html><body><p>") -> bytes:
    """Gzip data that inflates to ``size`` bytes (``prefix`` then zero-ish filler)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(prefix)]
    block = b"a" * (1 << 20)
    remaining = size - len(prefix)
    while remaining > 0:
        parts.append(packer.compress(block[: min(remaining, len(block))]))
        remaining -= len(block)
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb(size: int = 64 << 20, content_type: str = HTML) -> Behaviour:
    """``Content-Encoding: gzip``: a small body that inflates to ``size`` bytes."""
    return page(bomb_bytes(size), content_type=content_type, headers={"Content-Encoding": "gzip"})


def endless_chunked(chunk: bytes = b"<p>" + b"more " * 200 + b"</p>\n") -> Behaviour:
    """A chunked HTML response that keeps sending until the client hangs up."""

    def behave(handler: FaultHandler) -> None:
        handler.head(200, {"Content-Type": HTML, "Transfer-Encoding": "chunked"})
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        deadline = time.monotonic() + MAX_HOLD_S
        while time.monotonic() < deadline and not handler.server.stop_event.is_set():
            handler.wfile.write(frame)
        handler.close_connection = True

    return behave


def big(size: int = 50 << 20) -> Behaviour:
    """An HTML page of ``size`` bytes (announced), streamed in 64 KiB blocks."""
    block = (b"<p>" + b"word " * 13_000 + b"</p>\n")[: 64 << 10]

    def behave(handler: FaultHandler) -> None:
        handler.head(200, {"Content-Type": HTML, "Content-Length": str(size)})
        sent = 0
        while sent < size and not handler.server.stop_event.is_set():
            piece = block[: size - sent]
            handler.wfile.write(piece)
            sent += len(piece)

    return behave


# --- documents ------------------------------------------------------------------------------


def paragraphs(seed: str, count: int = 3, words: int = 30) -> list[str]:
    """``count`` paragraphs of about ``words`` words, the same for the same ``seed``."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        sentence = []
        while len(sentence) < words:
            sentence += ["The", rng.choice(VOCABULARY), rng.choice(VERBS), "that the"]
            sentence += [*rng.sample(VOCABULARY, 4), "plan", "would", "go", "ahead"]
        out.append(" ".join(sentence) + ".")
    return out


def article_html(title: str, links: Iterable[str] = (), extra_head: str = "") -> str:
    """A small, valid news article page (headline, byline, date, three paragraphs of
    words seeded by ``title``), with ``links`` in a "Read more" line of its body."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs(title))
    anchors = " ".join(
        f'<a href="{href}">{title} follow-up {i}</a>' for i, href in enumerate(links)
    )
    more = f"<p>Read more: {anchors}</p>" if anchors else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} - Harbour News</title><meta property="og:type" content="article">{extra_head}
</head><body><article><h1>{title}</h1><p class="byline">By Mara Quint</p>
<time datetime="2026-11-20T08:30:00+01:00">20 Nov 2026</time>
{body}{more}</article></body></html>"""


def sitemap(urls: Iterable[str]) -> str:
    """A urlset listing ``urls``."""
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


def billion_laughs_sitemap(article_url: str, levels: int = 10) -> str:
    """A urlset whose DTD defines ``lol9`` as 10**``levels`` copies of "lol"; the one
    ``<loc>`` carries ``article_url`` followed by ``&lol9;``."""
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels):
        refs = f"&lol{level - 1};" * 10
        entities.append(f'<!ENTITY lol{level} "{refs}">')
    dtd = "<!DOCTYPE urlset [" + "".join(entities) + "]>"
    return (
        f'<?xml version="1.0"?>{dtd}'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{article_url}?x=&lol{levels - 1};</loc></url>"
        f"<url><loc>{article_url}</loc></url></urlset>"
    )


def external_entity_feed(article_url: str, *systems: str) -> str:
    """An RSS feed declaring one external entity per ``systems`` URI (``file:///etc/passwd``,
    an ``http://`` probe) and using each in an item link and title."""
    names = [f"ext{i}" for i in range(len(systems))]
    dtd = "".join(f'<!ENTITY {n} SYSTEM "{s}">' for n, s in zip(names, systems, strict=True))
    items = "".join(
        f"<item><title>&{n};</title><link>{article_url}?leak=&{n};</link></item>" for n in names
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{dtd}]><rss version="2.0"><channel>'
        f"<title>Feed</title>{items}<item><title>Real</title><link>{article_url}</link></item>"
        "</channel></rss>"
    )
