"""The live service's watcher: poll feeds, pages and folders, code what is new, store it, while the API serves.

INTERFACE:

    sources = read_sources("sources.txt")       # one a line, '#' comments: feed URL, page URL, folder, file
    watcher = Watcher(sources, settings=s, coding=SharedCoder(s), every=900, spool=Spool(db_path),  # run/handoff.py
                      workers=1)               # coder processes kept between polls (0: code in this process)
    watcher.start(store)                        # a daemon thread: a poll now, then every ``every`` seconds,
                                                # the ingest spool drained every second in between
    report = watcher.poll(store)                # one poll of every source (tests call it directly)
    watcher.state() / watcher.metrics()         # for /stats, the dashboard and /metrics (``serve.api.Watching``)
    watcher.stop()

A poll reads each source. A feed (RSS, Atom, JSON Feed, told by its content) gives items keyed by
GUID, else link (its document id is that key when it is an absolute URI, else ``FEED#KEY``:
``feed_item_id``); an item whose key is stored (``store.seen_keys``) or whose page failed
``_MAX_ATTEMPTS`` times is not fetched again; each new item's page is fetched (``text.fetch``)
and goes, with the item's title and date, through the ingest pipeline (``run.ingest``, the
served Settings and coder) into the store, marked seen in the batch that stores it. A page URL
is fetched conditionally and re-coded when it changed; a folder or file is read as ``ingest``
reads it (unchanged inputs are skipped). A source's validators are recorded only after its items
are stored, so a crash re-reads it and re-fetches nothing already stored. Every fetch failure is
recorded with its reason (``store.record_failure``); nothing a source does stops the loop.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..config import Settings
from ..errors import InputError
from ..records import Article, Rejected
from ..store import SeenItem, Store
from ..text.decoding import Unreadable, decode_bytes
from ..text.fetch import Fetched, Fetcher
from ..text.intake import admit_article
from ..text.reading import read_feed, read_inputs
from .ingest import KeptIndex, ingest_items
from .handoff import Spool
from .pool import CoderProcesses, load_background_coder

logger = logging.getLogger(__name__)

_MAX_ATTEMPTS = 3  # fetches of one item's page before the watcher stops trying it
_TICK = 1.0  # seconds between two looks at the spool
_ABSOLUTE_URI = re.compile(r"^(?:https?://\S+|(?:tag|urn):\S+)$", re.IGNORECASE)  # globally unique item ids


def read_sources(path: str | os.PathLike) -> list[str]:
    """The sources of a SOURCES file: one a line, blank lines and '#' comments left out."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the sources file {path}: {exc.strerror or exc}") from exc
    sources = [line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else "" for line in lines]
    return [s for s in sources if s]


@dataclass
class PollReport:
    """What one poll did: counts, per-reason failures and rejections, seconds."""

    fetched: int = 0
    documents: int = 0
    events: int = 0
    skipped: int = 0
    failures: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    seconds: float = 0.0


class Watcher:
    """Polls the sources into the store on a thread of the serving process."""

    def __init__(self, sources: list[str], *, settings: Settings, coding, every: float = 900.0,
                 fetcher: Fetcher | None = None, spool: Spool | None = None,
                 on_stop: Callable[[], None] | None = None, workers: int = 0):
        self.sources = sources
        self.workers = workers  # coder processes started by start() (0: code with ``coding`` in this process)
        self._processes: CoderProcesses | None = None
        self._kept = KeptIndex()  # the store's near-duplicate index, kept between polls
        self.settings = settings
        self.coding = coding
        self.every = every
        self.fetcher = fetcher or Fetcher(timeout=settings.fetch_timeout, max_bytes=settings.fetch_max_bytes,
                                          host_delay=settings.fetch_host_delay, retries=settings.fetch_retries)
        self.spool = spool
        # hosts named in the sources file: their pages may sit on loopback or a private network
        self._trusted = {urlsplit(s).hostname for s in sources if "://" in s}
        self._on_stop = on_stop  # called last by stop() (the server withdraws its server file)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._write = threading.Lock()  # one poll or spool drain at a time
        self._totals = {"fetched": 0, "documents": 0, "events": 0, "polls": 0}
        self._failures: Counter = Counter()
        self._rejected: Counter = Counter()
        self._last_poll: float | None = None
        self._next_poll: float | None = None
        self._last_seconds: float | None = None
        self._queue = 0

    # -- the loop ---------------------------------------------------------------

    def start(self, store: Store) -> None:
        """Poll now and every ``every`` seconds on a daemon thread, draining the spool between polls;
        with ``workers``, what it stores is coded in that many long-lived worker processes (started
        by the first poll or spool batch: a server with no sources and no spool loads no second model)."""
        self._thread = threading.Thread(target=self._run, args=(store,), name="eventwire-watch", daemon=True)
        self._thread.start()

    def stop(self, *, timeout: float = 30.0) -> None:
        """Ask the loop to stop and wait for the poll in flight (at most ``timeout`` seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._processes is not None:
            self._processes.close()
            self._processes = None
        self.fetcher.close()
        if self._on_stop is not None:
            self._on_stop()

    def _run(self, store: Store) -> None:
        "The loop: poll when due, drain the spool every tick, until stopped."
        self._next_poll = time.time()
        while not self._stop.is_set():
            try:
                if self.spool is not None:
                    self.drain_spool(store)
                if time.time() >= self._next_poll:
                    if self.sources:
                        self.poll(store)
                    self._prune_spool()
                    self._next_poll = time.time() + self.every
            except Exception:  # noqa: BLE001 - the service outlives any one poll's bug
                logger.exception("watcher: poll failed; trying again at the next one")
                self._next_poll = time.time() + self.every
            self._stop.wait(_TICK)

    # -- one poll ---------------------------------------------------------------

    def poll(self, store: Store) -> PollReport:
        """Read every source once and store what is new; returns what it did."""
        report, started = PollReport(), time.monotonic()
        with self._write:
            for source in self.sources:
                if self._stop.is_set():
                    break
                session = store.session()
                try:
                    self._poll_source(session, source, report)
                except Exception as exc:  # noqa: BLE001 - one source's bug never stops the others
                    logger.exception("watcher: %s failed", source)
                    reason = f"internal: {type(exc).__name__}"
                    report.failures[reason] += 1
                    try:
                        session.record_poll(source, kind="url" if "://" in source else "path", status=reason)
                    except Exception:  # noqa: BLE001 - the store itself failed: logged above
                        pass
                finally:
                    session.close()
        report.seconds = time.monotonic() - started
        self._count(report)
        logger.info("watcher: poll done in %.1f s: %d fetched, %d documents, %d events, %d failures",
                    report.seconds, report.fetched, report.documents, report.events, sum(report.failures.values()))
        return report

    def _poll_source(self, store: Store, source: str, report: PollReport) -> None:
        "One source: a local path, or a URL (a feed or a page, told by what it answers)."
        if "://" not in source:
            self._poll_path(store, source, report)
            return
        etag, modified = store.validators(source)
        got = self.fetcher.get(source, etag=etag, last_modified=modified)
        if got.not_modified:
            store.record_poll(source, kind="url", status="not modified")
            return
        if not got.ok:
            self._failed(store, source, source, got.failure, report)
            store.record_poll(source, kind="url", status=got.failure)
            return
        report.fetched += 1
        try:
            text = decode_bytes(got.body)
        except Unreadable as exc:
            self._failed(store, source, source, exc.reason, report)
            store.record_poll(source, kind="url", status=exc.reason)
            return
        if _looks_like_feed(text):
            complete = self._poll_feed(store, source, text, report)
            kind = "feed"
        else:
            self._store(store, [_page_article(source, got, text)], report, seen={})
            kind, complete = "page", True
        if complete:
            store.record_poll(source, kind=kind, status="ok", etag=got.etag, last_modified=got.last_modified)
        else:  # keep the old validators: the feed is read again next time, for the pages that failed
            store.record_poll(source, kind=kind, status="ok", etag=etag, last_modified=modified)

    def _poll_feed(self, store: Store, source: str, text: str, report: PollReport) -> bool:
        """The new items of a feed: fetch each page, code and store them, mark them seen.
        Returns False when a page failed that will be tried again."""
        seen, attempts = store.seen_keys(source), store.failure_attempts(source)
        todo: dict[str, Article] = {}
        for item in read_feed(text, name=source):
            if isinstance(item, Rejected):
                report.rejected[item.reason.split(":")[0]] += 1
                continue
            key = item.id  # the seen key stays the feed's own id (seen items are kept per source)
            if key in seen or key in todo or attempts.get(key, 0) >= _MAX_ATTEMPTS:
                continue  # stored, a duplicate GUID in this feed, or given up on
            todo[key] = replace(item, id=feed_item_id(source, key))
        self._queue = len(todo)
        pages, marks, complete = [], {}, True
        for key, item in todo.items():
            article = self._fetch_item(store, source, key, item, report)
            self._queue -= 1
            if article is not None:
                pages.append(article)
                marks[article.id] = SeenItem(source, key, article.id)
            elif attempts.get(key, 0) + 1 < _MAX_ATTEMPTS:
                complete = False
        self._store(store, pages, report, seen=marks)
        return complete

    def _fetch_item(self, store: Store, source: str, key: str, item: Article, report: PollReport) -> Article | None:
        "The feed item with its page's HTML, or None (the failure recorded) when the page fails."
        if not item.url:  # an item without a link: its own content is the document
            return item
        if self._internal(item.url):  # a third party's feed must not make us read our own network
            self._failed(store, source, key, "refused: internal address", report)
            return None
        got = self.fetcher.get(item.url, want_html=True)
        if not got.ok:
            self._failed(store, source, key, got.failure or f"HTTP {got.status}", report)
            return None
        if got.final_url and got.final_url != item.url and self._internal(got.final_url):  # redirected inside
            self._failed(store, source, key, "refused: internal address", report)
            return None
        report.fetched += 1
        try:
            html = decode_bytes(got.body)
        except Unreadable as exc:
            self._failed(store, source, key, exc.reason, report)
            return None
        admitted = admit_article(doc_id=item.id, text="", html=html, title=item.title, published=item.published,
                                 url=item.url, source=item.source, origin=source)
        if isinstance(admitted, Rejected):
            self._failed(store, source, key, admitted.reason, report)
            return None
        return admitted

    def _internal(self, url: str) -> bool:
        "Whether a link's host (not one the sources file names) resolves to a loopback, private or link-local address."
        host = urlsplit(url).hostname
        return bool(host) and host not in self._trusted and _internal_address(host)

    def _poll_path(self, store: Store, source: str, report: PollReport) -> None:
        "A local folder or file, read as ingest reads it (unchanged inputs skipped)."
        if not os.path.exists(source):
            self._failed(store, source, source, "no such file or folder", report)
            store.record_poll(source, kind="path", status="no such file or folder")
            return
        self._store(store, read_inputs([source], settings=self.settings), report, seen={})
        store.record_poll(source, kind="path", status="ok")

    def _store(self, store: Store, items, report: PollReport, *, seen: dict[str, SeenItem]) -> None:
        "Code and store items through the ingest pipeline with the served coder."
        if isinstance(items, list) and not items:
            return  # nothing new: no need to read the store's inputs and near-duplicate index

        def rejected(outcome: Rejected) -> None:
            report.rejected[outcome.reason.split(":")[0]] += 1

        counts = ingest_items(items, store=store, settings=self.settings, seen=seen, on_rejected=rejected, kind="watch",
                              **self._ingest_options())
        report.documents += counts["documents"]
        report.events += counts["events"]
        report.skipped += counts["skipped"]

    def _ingest_options(self) -> dict:
        "How ingest codes (in the worker processes when started, else with the served coder here), and its kept index."
        if self._processes is None and self.workers and self._thread is not None:  # started
            self._processes = CoderProcesses(self.settings, size=self.workers, loader=load_background_coder)
        coding = {"processes": self._processes} if self._processes is not None else {"coder": self.coding.coder()}
        return {**coding, "kept": self._kept}

    def _failed(self, store: Store, source: str, url: str, reason: str, report: PollReport) -> None:
        "Record a failed fetch with its reason."
        logger.warning("watcher: %s: %s", url, reason)
        store.record_failure(source, url, reason)
        report.failures[reason.split(":")[0]] += 1

    # -- the ingest spool ---------------------------------------------------------

    def drain_spool(self, store: Store) -> int:
        """Store every batch `eventwire ingest` left in the spool; returns how many."""
        done = 0
        for ticket in self.spool.pending():
            with self._write:
                session = store.session()
                try:
                    rejected: list[Rejected] = []
                    counts = ingest_items(self.spool.read(ticket), store=session, settings=self.settings,
                                          on_rejected=rejected.append, **self._ingest_options())
                except Exception as exc:  # noqa: BLE001 - one bad spool file never stops the service
                    logger.exception("watcher: spool file %s could not be stored", ticket)
                    self.spool.fail(ticket, f"{type(exc).__name__}: {exc}")
                    continue
                finally:
                    session.close()
            self.spool.finish(ticket, counts, rejected)
            self._totals["documents"] += counts["documents"]
            self._totals["events"] += counts["events"]
            self._rejected.update(r.reason.split(":")[0] for r in rejected)
            done += 1
        return done

    def _prune_spool(self) -> None:
        "Delete the spool's uncollected answers older than ``spool_keep_days`` (once per poll)."
        if self.spool is None:
            return
        pruned = self.spool.prune(keep_days=self.settings.spool_keep_days)
        if pruned:
            logger.info("watcher: deleted %d uncollected spool answers older than %g days", pruned,
                        self.settings.spool_keep_days)

    # -- what it shows ------------------------------------------------------------

    def _count(self, report: PollReport) -> None:
        "Add a poll's counts to the totals."
        self._totals["polls"] += 1
        for name in ("fetched", "documents", "events"):
            self._totals[name] += getattr(report, name)
        self._failures.update(report.failures)
        self._rejected.update(report.rejected)
        self._last_poll, self._last_seconds = time.time(), report.seconds

    def state(self) -> dict:
        """The watcher's own state (the per-source state is the store's ``poll_state``)."""
        return {"sources": len(self.sources), "every": self.every, "polls": self._totals["polls"],
                "last_poll": _iso(self._last_poll), "next_poll": _iso(self._next_poll) if self.sources else None,
                "last_poll_seconds": self._last_seconds, "running": bool(self._thread and self._thread.is_alive())}

    def metrics(self) -> dict:
        """Counters and gauges for /metrics."""
        pending = len(self.spool.pending()) if self.spool is not None else 0
        return {"documents_fetched": self._totals["fetched"], "documents_stored": self._totals["documents"],
                "events_stored": self._totals["events"], "polls": self._totals["polls"],
                "poll_seconds": self._last_seconds or 0.0, "queue_depth": self._queue + pending,
                "fetch_failures": dict(self._failures), "rejected": dict(self._rejected)}


def feed_item_id(feed: str, key: str) -> str:
    """The document id of a feed item: its GUID or link when that is an absolute URI (an Atom id, a
    permalink: the same story in two feeds is one document), else ``FEED#GUID``. RSS only asks a
    GUID to be unique within its feed: two feeds that both number their items 1, 2, 3 must not
    overwrite each other's documents."""
    return key if _ABSOLUTE_URI.match(key) else f"{feed}#{key}"


def _iso(stamp: float | None) -> str | None:
    "A Unix time as ISO 8601 UTC, seconds."
    if stamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def _looks_like_feed(text: str) -> bool:
    "RSS, Atom or JSON Feed, by the first characters."
    head = text.lstrip()[:512].lower()
    if head.startswith("{"):
        return "jsonfeed" in head
    return head.startswith(("<?xml", "<rss", "<feed", "<rdf")) and any(t in head for t in ("<rss", "<feed", "<rdf"))


def _page_article(source: str, got: Fetched, html: str) -> Article | Rejected:
    "A watched page as an input document (its URL is its id)."
    return admit_article(doc_id=source, text="", html=html, url=got.final_url or source, origin=source)


def _internal_address(host: str) -> bool:
    "Whether a host name resolves to a loopback, private, link-local, reserved or unspecified address."
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False  # does not resolve: the fetch fails by itself
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_unspecified:
            return True
    return False


__all__ = ["PollReport", "Watcher", "feed_item_id", "read_sources"]

