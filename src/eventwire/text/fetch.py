"""Polite, robust HTTP fetching of feeds and pages (httpx): one record per request, never an exception.

INTERFACE:

    fetcher = Fetcher(timeout=20, max_bytes=10_000_000, host_delay=1.0, retries=2)
    got = fetcher.get(url, etag=None, last_modified=None, want_html=False)   # -> Fetched
    got.ok / got.not_modified / got.failure      # failure: one line ("HTTP 500", "timeout", ...)
    got.body, got.etag, got.last_modified, got.content_type, got.final_url
    fetcher.close()

Politeness: one request at a time per host, ``host_delay`` seconds between two requests to the
same host, a User-Agent that names eventwire (``USER_AGENT``), conditional GET with the ETag and
Last-Modified a caller kept (a 304 is ``not_modified``, not a failure). Robustness: a timeout per
request, a size cap read as the body streams (``too large``), at most ``_MAX_REDIRECTS`` redirects
(``too many redirects``), retries with exponential backoff on timeouts, connection errors, 429 and
5xx. Failure reasons: ``HTTP <status>``, ``timeout``, ``connection error: ...``, ``too large``,
``too many redirects``, ``not HTML: <content type>``, ``invalid url``.

Tests pass ``transport=httpx.MockTransport(handler)`` and ``sleep=`` a fake; nothing here knows
the pipeline or the store.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import httpx

from ..config import __version__

logger = logging.getLogger(__name__)

USER_AGENT = f"eventwire/{__version__} (political event coder; polite fetcher, one request per host at a time)"
_MAX_REDIRECTS = 5
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one GET gave: a body, a 304, or the one-line reason it failed."""

    url: str
    status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    final_url: str | None = None
    failure: str | None = None

    @property
    def ok(self) -> bool:
        "A 2xx answer with a body."
        return self.failure is None and self.body is not None

    @property
    def not_modified(self) -> bool:
        "A 304: the caller's copy is current."
        return self.status == 304


class _Failed(Exception):
    """A request's failure, with its reason and whether another try may help."""

    def __init__(self, reason: str, *, retry: bool, status: int | None = None):
        super().__init__(reason)
        self.reason, self.retry, self.status = reason, retry, status


class Fetcher:
    """An httpx client that is polite per host and turns every failure into a reason."""

    def __init__(self, *, timeout: float = 20.0, max_bytes: int = 10_000_000, host_delay: float = 1.0,
                 retries: int = 2, backoff: float = 1.0, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self._client = httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=_MAX_REDIRECTS,
                                    headers={"User-Agent": USER_AGENT}, transport=transport)
        self.max_bytes = max_bytes
        self.timeout = timeout  # also the limit on the whole body: a server that trickles bytes is cut off
        self.host_delay = host_delay
        self.retries = retries
        self.backoff = backoff
        self._sleep, self._clock = sleep, clock
        self._hosts: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            want_html: bool = False) -> Fetched:
        """GET ``url`` politely (conditional when validators are given); never raises."""
        host = urlsplit(url).hostname
        if not host or urlsplit(url).scheme not in {"http", "https"}:
            return Fetched(url, failure="invalid url")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with self._host_lock(host):
            for attempt in range(self.retries + 1):
                self._wait_turn(host)
                try:
                    return self._once(url, headers, want_html=want_html)
                except _Failed as failed:
                    if not failed.retry or attempt == self.retries:
                        logger.info("fetch %s failed: %s", url, failed.reason)
                        return Fetched(url, status=failed.status, failure=failed.reason)
                    self._sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _host_lock(self, host: str) -> threading.Lock:
        "The lock that keeps one request at a time on ``host``."
        with self._guard:
            return self._hosts.setdefault(host, threading.Lock())

    def _wait_turn(self, host: str) -> None:
        "Sleep until ``host_delay`` has passed since the last request to ``host``."
        last = self._last.get(host)
        if last is not None:
            gap = self.host_delay - (self._clock() - last)
            if gap > 0:
                self._sleep(gap)
        self._last[host] = self._clock()

    def _once(self, url: str, headers: dict, *, want_html: bool) -> Fetched:
        "One request; _Failed with its reason when it does not give a usable answer."
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(url, status=304, etag=response.headers.get("etag"),
                                   last_modified=response.headers.get("last-modified"), final_url=str(response.url))
                if response.status_code >= 400:
                    raise _Failed(f"HTTP {response.status_code}", retry=response.status_code in _RETRY_STATUSES,
                                  status=response.status_code)
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if want_html and content_type and not content_type.startswith(_HTML_TYPES):
                    raise _Failed(f"not HTML: {content_type}", retry=False, status=response.status_code)
                body = self._read_capped(response)
                return Fetched(url, status=response.status_code, body=body, etag=response.headers.get("etag"),
                               last_modified=response.headers.get("last-modified"),
                               content_type=content_type or None, final_url=str(response.url))
        except httpx.TooManyRedirects:
            raise _Failed("too many redirects", retry=False) from None
        except httpx.TimeoutException:
            raise _Failed("timeout", retry=True) from None
        except httpx.TransportError as exc:
            raise _Failed(f"connection error: {type(exc).__name__}", retry=True) from None
        except httpx.InvalidURL:
            raise _Failed("invalid url", retry=False) from None
        except httpx.HTTPError as exc:  # a body that does not decode, a bad header: never a crash
            raise _Failed(f"bad response: {type(exc).__name__}", retry=False) from None

    def _read_capped(self, response: httpx.Response) -> bytes:
        "The body, or _Failed('too large') once it passes ``max_bytes`` (declared or read)."
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise _Failed("too large", retry=False, status=response.status_code)
        chunks, size = [], 0
        deadline = self._clock() + self.timeout
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise _Failed("too large", retry=False, status=response.status_code)
            if self._clock() > deadline:
                raise _Failed("timeout", retry=True, status=response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)


__all__ = ["USER_AGENT", "Fetched", "Fetcher"]
