"""A real HTTP server on 127.0.0.1 for the web-address tests: normal pages, slow and endless answers,
redirects and loops, 404/500/429/503, wrong content types and hostile HTML, every page in our own words.

`serve()` starts it on a free port in a thread and stops it afterwards; `Site.hits` counts the
requests per path and `Site.agents` keeps the User-Agent of each. Every slow or endless answer ends
by itself after at most `LIMIT` seconds, or as soon as the client hangs up.
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

LIMIT = 30.0  # seconds an endless or slow answer may last at most

PARAGRAPHS = [
    "Russian drones struck Kharkiv overnight, killing one man and injuring 11 people, Governor Oleh "
    "Syniehubov said on Saturday morning.",
    "Russia launched 45 drones, of which 30 were shot down over the country, the Ukrainian air force said in "
    "its daily update.",
    "Rescue crews worked through the night to clear the rubble of a five-storey building in the city's "
    "north, the regional emergency service said.",
]


def page(paragraphs: list[str], title: str = "Drones hit Kharkiv overnight", head: str = "") -> bytes:
    """An HTML news page with a menu, the article and a footer."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title} | Test Wire</title>{head}</head>"
            "<body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/sport\">Sport</a></nav>"
            f"<main><article><h1>{title}</h1>{body}</article></main>"
            "<footer>Copyright Test Wire. All rights reserved.</footer></body></html>").encode("utf-8")


ARTICLE_HEAD = ('<link rel="canonical" href="/news/kharkiv-drones">'
                '<meta property="og:site_name" content="Test Wire">'
                '<meta property="article:published_time" content="2024-11-02T07:30:00Z">')
HOSTILE_HEAD = ('<link rel="canonical" href="javascript:alert(1)">'
                '<meta property="og:site_name" content="Evil &lt;script&gt;alert(1)&lt;/script&gt; Wire">'
                '<meta property="article:published_time" content="2024-11-03">'
                '<script>window.pwned = 1; fetch("http://127.0.0.1:9/steal")</script>')
HOSTILE_TEXT = [
    "A Russian missile hit the port of Odesa on Tuesday, injuring three workers, the regional administration "
    "said. <script>window.pwned = 2</script>",
    "Officials said <img src=x onerror=\"window.pwned = 3\"> the strike damaged two warehouses and a grain "
    "terminal near the harbour.",
    "\"We will rebuild,\" the mayor said, according to a statement posted <a href=\"javascript:alert(4)\">here"
    "</a> on Tuesday evening.",
]


@dataclass
class Site:
    """The running server: its base address and what it saw."""

    base: str = ""
    hits: Counter = field(default_factory=Counter)
    agents: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        """The full address of a path on the server."""
        return f"{self.base}{path}"


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to site."""

    class Handler(BaseHTTPRequestHandler):
        """Answers each test path."""

        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            """Quiet."""

        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            """Route by path."""
            path = self.path.split("?")[0]
            site.hits[path] += 1
            site.agents.append(self.headers.get("User-Agent", ""))
            route = ROUTES.get(path)
            try:
                if route is None:
                    self._send(404, b"<html><body>not here</body></html>")
                else:
                    route(self, site)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client hung up (a size cap or a time-out): the answer ends here

        def _send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8",
                  headers: dict[str, str] | None = None) -> None:
            """A whole answer."""
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, to: str) -> None:
            """A 302 to another path."""
            self._send(302, b"", headers={"Location": to})

        def _stream(self, piece: bytes, pause: float, kind: str = "text/html") -> None:
            """An answer without a length that sends piece after piece until the client hangs up or LIMIT passes."""
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Connection", "close")
            self.end_headers()
            ends = time.monotonic() + LIMIT
            self.wfile.write(b"<html><body><p>")
            while time.monotonic() < ends and not site.stop.is_set():
                self.wfile.write(piece)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
            self.close_connection = True

    return Handler


def _nth(site: Site, path: str) -> int:
    """How many times path has been asked for, this time included."""
    return site.hits[path]


def _declare_huge(handler: BaseHTTPRequestHandler) -> None:
    """Headers that announce a 2 GB body, then a few bytes and the connection closed."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(2 * 1024 ** 3))
    handler.end_headers()
    handler.wfile.write(b"<html>")
    handler.close_connection = True


ROUTES = {
    "/news/kharkiv-drones": lambda h, s: h._send(200, page(PARAGRAPHS, head=ARTICLE_HEAD)),
    "/plain": lambda h, s: h._send(200, page(PARAGRAPHS[:2], title="Air force tally")),
    "/text": lambda h, s: h._send(200, "\n\n".join(PARAGRAPHS).encode("utf-8"), "text/plain; charset=utf-8"),
    "/moved": lambda h, s: h._redirect("/moved-again"),
    "/moved-again": lambda h, s: h._redirect("/news/kharkiv-drones"),
    "/loop": lambda h, s: h._redirect("/loop"),
    "/missing": lambda h, s: h._send(404, b"<html><body>gone</body></html>"),
    "/forbidden": lambda h, s: h._send(403, b"<html><body>no</body></html>"),
    "/broken": lambda h, s: h._send(500, b"<html><body>oops</body></html>"),
    "/busy": lambda h, s: h._send(429, b"slow down", headers={"Retry-After": "0"}),
    "/flaky": lambda h, s: (h._send(503, b"try later", headers={"Retry-After": "0"}) if _nth(s, "/flaky") <= 2
                            else h._send(200, page(PARAGRAPHS, title="Flaky but fine"))),
    "/slow": lambda h, s: (time.sleep(min(LIMIT, 3.0)), h._send(200, page(PARAGRAPHS))),
    "/drip": lambda h, s: h._stream(b"a", 0.05),
    "/endless": lambda h, s: h._stream(b"<span>more</span>" * 4096, 0.0),
    "/huge-declared": lambda h, s: _declare_huge(h),
    "/report.pdf": lambda h, s: h._send(200, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf"),
    "/photo.png": lambda h, s: h._send(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    "/nothing": lambda h, s: h._send(200, b"<!DOCTYPE html><html><head><title>Menu</title></head><body><nav>"
                                          b"<a href='/'>Home</a></nav></body></html>"),
    "/hostile": lambda h, s: h._send(200, page(HOSTILE_TEXT, title="Odesa port <script>x()</script> hit",
                                               head=HOSTILE_HEAD)),
}


class _Server(ThreadingHTTPServer):
    """The threading server, quiet about clients that hang up mid-answer (the size-cap and time-out tests)."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """Ignore a dropped connection; report anything else as the standard server does."""
        import sys

        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve() -> Iterator[Site]:
    """The test site on a free port of 127.0.0.1 while the block runs."""
    site = Site()
    server = _Server(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
