"""A local news site on 127.0.0.1 for the live-service tests: an RSS feed, article pages, and bad hosts."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_PARTIES = ["Israel", "Hamas", "Russia", "Ukraine", "the United States", "Iran", "China", "Taiwan", "Egypt", "Qatar"]
_VERBS = ["attacked", "criticized", "met with", "threatened", "praised", "accused", "condemned", "urged"]


def story(n: int) -> str:
    "Two sentences with events, different for each n."
    a, b = _PARTIES[n % 10], _PARTIES[(n * 3 + 1) % 10]
    c, d = _PARTIES[(n + 4) % 10], _PARTIES[(n * 7 + 2) % 10]
    if b == a:
        b = _PARTIES[(n + 1) % 10]
    if d == c:
        d = _PARTIES[(n + 5) % 10]
    return (f"{a} {_VERBS[n % 8]} {b} in Cairo on Monday, officials said. "
            f"{c} {_VERBS[(n + 3) % 8]} {d} on Tuesday.")


class NewsSite:
    """A ThreadingHTTPServer on a free loopback port; ``items`` is the feed's list of article numbers."""

    def __init__(self, items=range(8)):
        self.items = list(items)
        self.extra_xml = ""  # raw <item>s appended to the feed (duplicates, broken links)
        self.hits: dict[str, int] = {}
        self.page_delay = 0.0  # seconds each article page takes (a slow site)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                status, body, ctype, headers = site.answer(self.path, self.headers)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body is not None:
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> NewsSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def feed(self) -> bytes:
        "The RSS feed of the current items."
        items = "".join(f"<item><title>Story {n}</title><link>{self.url}/a/{n}.html</link>"
                        f"<guid>story-{n}</guid><pubDate>Tue, 06 Aug 2024 10:00:00 GMT</pubDate>"
                        f"<description>Teaser {n}.</description></item>" for n in self.items)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local news</title>{items}'
                f"{self.extra_xml}</channel></rss>").encode()

    def answer(self, path: str, headers) -> tuple[int, bytes | None, str, dict]:
        "Status, body, content type and headers for a path."
        if path.split("?", 1)[0] == "/feed.xml":  # /feed.xml?edition=b: a second feed with the same GUIDs
            body = self.feed()
            etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
            if headers.get("If-None-Match") == etag:
                return 304, None, "", {"ETag": etag}
            return 200, body, "application/rss+xml", {"ETag": etag}
        if path.startswith("/a/") and path.endswith(".html"):
            n = int(path[3:-5])
            time.sleep(self.page_delay)
            html = (f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
                    f"<p>{story(n)}</p></article></body></html>")
            return 200, html.encode(), "text/html; charset=utf-8", {}
        if path == "/broken.html":
            return 500, b"oops", "text/plain", {}
        return 404, b"not found", "text/plain", {}
