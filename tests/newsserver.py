"""A local news site for the feed tests: feeds and article pages served on 127.0.0.1.

Routes are set by each test; the server honours If-None-Match (304), records every request,
and has the failure modes a real outlet shows (slow answers, redirect loops, endless bodies).
"""

import hashlib
import html
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None  # for redirects
    delay_s: float = 0.0
    etag: bool = True  # answer If-None-Match with 304


@dataclass
class NewsServer:
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # "GET /path 200"
    server: ThreadingHTTPServer | None = None
    port: int = 0  # 0: any free port

    @property
    def host_port(self) -> str:
        """The allow-list entry for this site ("127.0.0.1:PORT")."""
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests_to(self, path: str) -> list[str]:
        return [line for line in self.log if line.split()[1] == path]

    def start(self) -> "NewsServer":
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                self.path = self.path.split("?")[0]  # a query (utm_...) names the same page
                route = site.routes.get(self.path)
                if route is None:
                    return self._send(404, b"not found", "text/plain", None)
                if route.delay_s:
                    time.sleep(route.delay_s)
                tag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if route.etag and self.headers.get("If-None-Match") == tag:
                    return self._send(304, b"", None, tag)
                if route.location:
                    self.send_response(route.status)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    site.log.append(f"GET {self.path} {route.status}")
                    return None
                return self._send(route.status, route.body, route.content_type, tag)

            def _send(self, status, body, ctype, tag):
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if tag and route_etag(site.routes.get(self.path)):
                    self.send_header("ETag", tag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client stopped reading (size cap): expected
                site.log.append(f"GET {self.path} {status}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def route_etag(route: Route | None) -> bool:
    return route is not None and route.etag


def rss(title: str, items: list[dict]) -> bytes:
    """An RSS 2.0 feed; items: link, title, and optionally updated (RFC 822 dates)."""
    entries = []
    for item in items:
        date = item.get("updated") or format_datetime(datetime(2024, 3, 4, 9, 0, tzinfo=UTC))
        entries.append(
            f"<item><title>{html.escape(item['title'])}</title><link>{item['link']}</link>"
            f"<guid>{item['link']}</guid><pubDate>{date}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>{html.escape(title)}</description>{''.join(entries)}</channel></rss>"
    ).encode()


def page(title: str, body: str, outlet: str, url: str, date: str = "2024-03-04") -> bytes:
    """An article page with the boilerplate real outlets wrap around the story."""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
    return f"""<!doctype html><html><head><title>{html.escape(title)} | {html.escape(outlet)}</title>
<meta property="og:title" content="{html.escape(title, quote=True)}">
<meta property="og:site_name" content="{html.escape(outlet, quote=True)}">
<meta property="article:published_time" content="{date}T08:00:00Z">
<link rel="canonical" href="{url}?utm_source=rss"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{html.escape(title)}</h1>{paras}</article>
<aside>Most read: Local team wins the derby · Rates held steady</aside>
<footer>Copyright 2024 {html.escape(outlet)}. Subscribe to our newsletter.</footer>
</body></html>""".encode()
