"""WARC files (plain or gzipped, as crawlers write them) -> Articles, one per HTML response.

    for item in read_warc(path, limit=2_000_000):
        item is Article | Rejected

Each ``response`` record whose HTTP Content-Type is HTML becomes an Article with ``html``
set, ``url`` = WARC-Target-URI, id = ``sha1(url)[:16]`` (``clean`` names the source from the host),
``published`` = the date in the URL, else the record's WARC-Date (the crawl date: a late
bound on publication; HTML metadata cannot override it because it is set). Non-HTML
responses (images, scripts, styles), requests, metadata and warcinfo records are skipped
with a debug line; an HTML response with an HTTP error status is ``Rejected("HTTP 404")``.
A record's payload is read up to ``limit`` bytes, so a huge page costs bounded memory.
Each page passes ``intake.admit_article``: its HTML normalised, its URL and date checked.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from pathlib import Path
from typing import Iterator

from ..records import Article, Rejected
from .datelines import date_from_url, parse_published
from .decoding import Unreadable, decode_bytes
from .intake import admit_article

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def read_warc(path: Path, *, limit: int) -> Iterator[Article | Rejected]:
    """HTML responses of a WARC file as Articles; broken archives end in one Rejected."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    origin, n = str(path), 0
    if not _starts_like_warc(path):
        yield Rejected(path.name, "invalid WARC: no WARC/1.x record header", origin)
        return
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                n += 1
                item = _response(record, origin=f"{origin}#{n}", limit=limit)
                if item is not None:
                    yield item
    except (ArchiveLoadFailed, OSError, ValueError, EOFError) as exc:
        yield Rejected(f"{path.name}:{n + 1}", f"invalid WARC: {exc}", origin)


def _starts_like_warc(path: Path) -> bool:
    "Whether the (decompressed) file starts with a WARC record header (warcio would read junk as ARC)."
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rb") as fh:
            return fh.read(8).lstrip().startswith(b"WARC/")
    except (OSError, EOFError):
        return False


def _response(record, *, origin: str, limit: int) -> Article | Rejected | None:
    "One WARC response record, or None when it is not an HTML page."

    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
    doc_id = hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:16] if url else origin
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if not content_type.startswith(_HTML_TYPES):
        logger.debug("%s: skipping %s (%s)", origin, url, content_type or "no content type")
        return None
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return Rejected(doc_id, f"HTTP {status or 'status missing'}", origin)
    data = record.content_stream().read(limit + 1)
    if len(data) > limit:
        logger.warning("%s: page larger than %d bytes, read only that much", origin, limit)
        data = data[:limit]
    try:
        html = _decode(data, content_type, decode_bytes)
    except Unreadable as exc:
        return Rejected(doc_id, exc.reason, origin)
    if not html.strip():
        return Rejected(doc_id, "empty", origin)
    published = (date_from_url(url) if url else None) or parse_published(record.rec_headers.get_header("WARC-Date"))
    return admit_article(doc_id=doc_id, text="", html=html, url=url or None, published=published, origin=origin)


def _decode(data: bytes, content_type: str, fallback) -> str:
    "Decode by the HTTP charset when it names a known codec, else by sniffing."
    match = _CHARSET.search(content_type)
    if match:
        try:
            return data.decode(match.group(1), errors="replace")
        except LookupError:
            logger.debug("unknown charset %s", match.group(1))
    return fallback(data)
