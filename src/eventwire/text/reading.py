"""Read inputs into Articles: files, folders, .gz, JSONL, HTML, feeds, standard input.

INTERFACE:

    for item in read_inputs(["a.jsonl", "pages/", "-"], settings=settings, stdin=sys.stdin.buffer):
        item is Article | Rejected       # in input order, deterministically (folders sorted)

    article_from_record({"id": "x", "text": "..."}, origin="api") -> Article | Rejected
    read_feed(text, name="http://site/feed") -> Iterator[Article | Rejected]   # a fetched feed's items

    # JSONL/JSON dumps with other field names (dotted paths reach into nested objects):
    read_inputs(["dump.jsonl"], settings=settings, fields=FieldMap(text="body", date="meta.date"))

Raises ``InputError`` only for an unusable argument (path does not exist); every problem
inside a file becomes a ``Rejected`` with the doc id (or file:line) and a reason.

Every Article is made by ``intake.admit_article``: its text fields normalised (lone surrogates,
control characters, NFC), its id, URL and date checked ("invalid id: ...", "invalid url: ...",
"invalid date: ..."); a JSON number of over 4,300 digits or nesting too deep is "invalid JSON".

Formats, chosen by the name (after an optional ``.gz``), else by sniffing the content:

- ``.jsonl`` / ``.ndjson``: one record a line, ``{"id", "text"}`` plus ``title``,
  ``published``, ``url``, ``source``, ``html``. A bad line is ``Rejected("file:line", ...)``;
  a record without ``id`` gets ``sha1(url)[:16]``, else ``sha1(text or html)[:16]``.
- ``.txt`` / ``.html`` / ``.htm``: one document, id = the file name without extensions.
- ``.rss`` / ``.atom`` / ``.xml`` (RSS 2.0, RSS 1.0, Atom) and ``.json`` (JSON Feed, or a
  list of records): one Article per item; id = the item's guid/id, else ``sha1(link)[:16]``,
  else ``<file stem>:<n>``.
- ``.warc`` (``.warc.gz``): one Article per HTML response record (see ``warc.py``).
- ``-``: standard input; JSONL when every non-blank line is a JSON object, else one text
  document with id ``stdin``.

Bytes are decoded by BOM, then UTF-8, then charset-normalizer. PDF, images and other binary
content are rejected ("pdf", "image", "binary file"). A file is read only up to
``settings.max_chars * 10`` bytes (with a warning); JSONL and stdin are streamed line by line.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import logging
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..config import Settings
from ..errors import InputError
from ..records import Article, Rejected
from .decoding import Unreadable, check_binary, decode_bytes
from .intake import admit_article, storable_rejected

logger = logging.getLogger(__name__)

_JSONL = {".jsonl", ".ndjson"}
_TEXT = {".txt", ".text"}
_HTML = {".html", ".htm", ".xhtml"}
_FEED = {".rss", ".atom", ".xml"}
_JSON = {".json"}
_WARC = {".warc"}
# Binary types rejected with a reason when met in a folder (so the user learns why they were skipped).
_BINARY_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
_KNOWN = _JSONL | _TEXT | _HTML | _FEED | _JSON | _WARC

# Stdin is spooled to disk beyond this many bytes while we check whether it is JSONL.
_SPOOL_BYTES = 8 * 1024 * 1024

# [^<>]*, not [^>]*: each "<" starts at most one scan to the next "<" or ">", so a body of
# unclosed "<b <b <b ..." costs linear time (with [^>]* every start scanned to the end).
_TAG = re.compile(r"<(?:p|div|br|a|span|img|ul|ol|li|b|i|em|strong|h[1-6]|table|style|script)\b[^<>]*>", re.I)


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which record field holds what, for JSONL/JSON dumps with their own names.

    >>> FieldMap()                                    # id, text, title, published, url
    >>> FieldMap(text="body", date="date_published")  # --text-field body --date-field date_published
    >>> FieldMap(url="meta.link")                     # a dotted path reaches into nested objects

    A mapped field that a record lacks falls back to the standard name.
    """

    id: str = "id"
    text: str = "text"
    title: str = "title"
    date: str = "published"
    url: str = "url"

    def get(self, record: dict, name: str):
        """The value of standard field ``name`` ("id", "text", "title", "date", "url") in a record."""
        value = _lookup(record, getattr(self, name))
        standard = "published" if name == "date" else name
        return value if value is not None else record.get(standard)


def _lookup(record: dict, path: str):
    "A value by field name or dotted path; None when missing."
    if path in record:
        return record[path]
    value = record
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


_DEFAULT_FIELDS = FieldMap()


# ---- entry point -------------------------------------------------------------------------
def read_inputs(paths: Iterable[str | os.PathLike], *, settings: Settings,
                stdin: IO | None = None, fields: FieldMap | None = None) -> Iterator[Article | Rejected]:
    """Articles and rejections from files, folders and ``-``, in input order."""
    fields = fields or _DEFAULT_FIELDS
    paths = [str(p) for p in paths]
    for path in paths:
        if path != "-" and not os.path.exists(path):
            raise InputError(f"no such file or folder: {path}")
    limit = max(1, settings.max_chars * 10)
    seen: set[str] = set()
    for path in paths:
        if path == "-":
            items = _read_stdin(stdin if stdin is not None else sys.stdin.buffer, limit=limit, fields=fields)
        elif os.path.isdir(path):
            items = _read_folder(Path(path), limit=limit, fields=fields)
        else:
            items = _read_file(Path(path), limit=limit, explicit=True, fields=fields)
        for item in items:
            if isinstance(item, Article):
                if item.id in seen:
                    logger.warning("duplicate document id %s (%s)", item.id, item.origin)
                seen.add(item.id)
            else:
                item = storable_rejected(item)  # a file name may not be valid UTF-8
            yield item


def _read_folder(folder: Path, *, limit: int, fields: FieldMap) -> Iterator[Article | Rejected]:
    "Every readable file under a folder, walked in sorted order; hidden entries skipped."
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            suffix = _format_suffix(path)
            if suffix in _KNOWN or suffix in _BINARY_SUFFIXES:
                yield from _read_file(path, limit=limit, explicit=False, fields=fields)
            else:
                logger.debug("skipping %s: unknown file type", path)


def _read_file(path: Path, *, limit: int, explicit: bool, fields: FieldMap) -> Iterator[Article | Rejected]:
    "The documents of one file, by its name (after .gz) or, failing that, by its content."
    suffix = _format_suffix(path)
    doc_id = _stem(path)
    origin = str(path)
    if suffix in _JSONL:
        yield from _read_jsonl_file(path, limit=limit, fields=fields)
        return
    if suffix in _WARC:
        from .warc import read_warc

        yield from read_warc(path, limit=limit)
        return
    try:
        data = _read_bounded(path, limit=limit)
    except OSError as exc:
        yield Rejected(doc_id, f"unreadable: {exc.strerror or exc}", origin)
        return
    try:
        check_binary(data)
        text = decode_bytes(data)
    except Unreadable as exc:
        yield Rejected(doc_id, exc.reason, origin)
        return
    if not text.strip():
        yield Rejected(doc_id, "empty", origin)
        return
    if suffix in _FEED or suffix in _JSON:
        yield from _read_structured(text, path=path, suffix=suffix, fields=fields)
    elif suffix in _HTML:
        yield admit_article(doc_id=doc_id, text="", html=text, origin=origin)
    elif suffix in _TEXT:
        yield _text_article(text, doc_id=doc_id, origin=origin)
    else:  # an explicit file with an unknown name: sniff
        yield from _read_sniffed(text, path=path, fields=fields)


def _read_sniffed(text: str, *, path: Path, fields: FieldMap) -> Iterator[Article | Rejected]:
    "A file of unknown type: feed, JSON lines, HTML or plain text, by its first characters."
    head = text.lstrip()[:512].lower()
    if head.startswith(("<?xml", "<rss", "<feed", "<rdf:rdf")) and re.search(r"<(rss|feed|rdf:rdf)\b", head):
        yield from _read_structured(text, path=path, suffix=".xml", fields=fields)
    elif head.startswith("{") and _all_json_objects(text.splitlines()):
        for lineno, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield _parse_jsonl_line(line, name=str(path), lineno=lineno, fields=fields)
    else:
        yield _text_article(text, doc_id=_stem(path), origin=str(path))


def _text_article(text: str, *, doc_id: str, origin: str) -> Article | Rejected:
    "One text document; a .txt that is really an HTML page goes to the HTML path."
    head = text.lstrip()[:256].lower()
    if head.startswith(("<!doctype html", "<html")):
        return admit_article(doc_id=doc_id, text="", html=text, origin=origin)
    return admit_article(doc_id=doc_id, text=text, origin=origin)


# ---- names and bytes ---------------------------------------------------------------------
def _format_suffix(path: Path) -> str:
    "The suffix that names the format, looking past a final .gz."
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _stem(path: Path) -> str:
    "The file name without .gz and without its format extension."
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    base, ext = os.path.splitext(name)
    return base if ext.lower() in _KNOWN | _BINARY_SUFFIXES and base else name


def _open(path: Path) -> IO[bytes]:
    "Open a file for reading bytes, decompressing .gz."
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _read_bounded(path: Path, *, limit: int) -> bytes:
    "At most ``limit`` bytes of a (decompressed) file, with a warning when cut."
    with _open(path) as fh:
        try:
            data = fh.read(limit + 1)
        except (gzip.BadGzipFile, EOFError, OSError) as exc:
            raise OSError(f"bad gzip data: {exc}") from exc
    if len(data) > limit:
        logger.warning("%s: larger than %d bytes, read only that much", path, limit)
        data = data[:limit]
    return data


# ---- JSONL and records --------------------------------------------------------------------
def _read_jsonl_file(path: Path, *, limit: int, fields: FieldMap) -> Iterator[Article | Rejected]:
    "Stream a (gzipped) JSONL file, one record per line."
    try:
        with _open(path) as fh:
            yield from _read_jsonl_stream(fh, name=str(path), limit=limit, fields=fields)
    except (OSError, EOFError) as exc:
        yield Rejected(str(path), f"unreadable: {exc}", str(path))


def _read_jsonl_stream(fh: IO[bytes], *, name: str, limit: int, fields: FieldMap) -> Iterator[Article | Rejected]:
    "Records from a binary stream of JSON lines; one line never longer than ``limit`` bytes."
    lineno = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the over-long line
                raw = fh.readline(limit + 1)
            logger.warning("%s:%d: line longer than %d bytes", name, lineno, limit)
            yield Rejected(f"{name}:{lineno}", f"line longer than {limit} bytes", f"{name}:{lineno}")
            continue
        if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("cp1252", errors="replace")
        yield _parse_jsonl_line(line, name=name, lineno=lineno, fields=fields)


def _parse_jsonl_line(line: str, *, name: str, lineno: int, fields: FieldMap) -> Article | Rejected:
    "One JSONL line to an Article, or a Rejected naming file:line."
    where = f"{name}:{lineno}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejected(where, f"invalid JSON: {exc.msg} (column {exc.colno})", where)
    except (ValueError, RecursionError) as exc:  # a number of over 4,300 digits; nesting too deep
        return Rejected(where, f"invalid JSON: {_json_problem(exc)}", where)
    if not isinstance(record, dict):
        return Rejected(where, "invalid JSON: not an object", where)
    return article_from_record(record, origin=where, fallback_id=where, fields=fields)


def _json_problem(exc: ValueError | RecursionError) -> str:
    "What json.loads refused besides a syntax error."
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0][:80]


def article_from_record(record: dict, *, origin: str | None = None, fallback_id: str | None = None,
                        fields: FieldMap | None = None) -> Article | Rejected:
    """An Article from a ``{"id", "text", ...}`` record (JSONL line, JSON file, API body).

    Its id, URL and date are checked and its text fields normalised by ``intake.admit_article``.
    """
    fields = fields or _DEFAULT_FIELDS
    text = fields.get(record, "text")
    html = record.get("html")
    text = text if isinstance(text, str) and text.strip() else None
    html = html if isinstance(html, str) and html.strip() else None
    url = fields.get(record, "url")
    doc_id = _record_id(fields.get(record, "id"), url=_opt_str(url), body=text or html or "")
    item = admit_article(doc_id=(fallback_id or "doc") if doc_id is None else doc_id, text=text or "",
                         html=None if text else html, title=fields.get(record, "title"),
                         published=fields.get(record, "date"), url=url, source=record.get("source"),
                         origin=origin, fallback_id=fallback_id)
    if isinstance(item, Article) and not item.text.strip() and item.html is None:
        return Rejected(item.id, "no text", item.origin)
    return item


def _record_id(value, *, url: str | None, body: str):
    "The record's own id (checked by admit_article), else a stable hash of its url, else of its content."
    if value is not None and not (isinstance(value, str) and not value.strip()):
        return value
    # surrogatepass: a lone surrogate hashes (intake replaces it afterwards) instead of raising
    if url:
        return hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    if body.strip():
        return hashlib.sha1(body.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return None


def _opt_str(value) -> str | None:
    "A stripped non-empty string, or None."
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


# ---- feeds and JSON files ------------------------------------------------------------------
def _read_structured(text: str, *, path: Path, suffix: str, fields: FieldMap,
                     linked: bool = False) -> Iterator[Article | Rejected]:
    """A feed (RSS/Atom/JSON Feed) or a JSON list of records; ``linked``: an item with a link and
    no body is kept (its page is fetched later), with its title as a stand-in text."""
    if suffix in _JSON or text.lstrip().startswith(("{", "[")):
        yield from _read_json(text, path=path, fields=fields, linked=linked)
    else:
        yield from _read_xml_feed(text, path=path, linked=linked)


def read_feed(text: str, *, name: str) -> Iterator[Article | Rejected]:
    """The items of a feed already read (RSS, Atom or JSON Feed text), as a feed file's items."""
    suffix = ".json" if text.lstrip().startswith(("{", "[")) else ".xml"
    yield from _read_structured(text, path=Path(name), suffix=suffix, fields=_DEFAULT_FIELDS, linked=True)


def _read_json(text: str, *, path: Path, fields: FieldMap, linked: bool = False) -> Iterator[Article | Rejected]:
    "A JSON Feed, a list of records or one record."
    stem, origin = _stem(path), str(path)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        # A .json file may be JSON lines after all.
        lines = text.splitlines()
        if _all_json_objects(lines):
            for lineno, line in enumerate(lines, 1):
                if line.strip():
                    yield _parse_jsonl_line(line, name=origin, lineno=lineno, fields=fields)
            return
        problem = exc.msg if isinstance(exc, json.JSONDecodeError) else _json_problem(exc)
        yield Rejected(stem, f"invalid JSON: {problem}", origin)
        return
    if isinstance(data, dict) and isinstance(data.get("items"), list) and "jsonfeed" in str(data.get("version", "")):
        for n, item in enumerate(data["items"], 1):
            if isinstance(item, dict):
                yield _json_feed_item(item, stem=stem, n=n, origin=f"{origin}#{n}", linked=linked)
    elif isinstance(data, list):
        for n, record in enumerate(data, 1):
            where = f"{origin}#{n}"
            if isinstance(record, dict):
                yield article_from_record(record, origin=where, fallback_id=f"{stem}:{n}", fields=fields)
            else:
                yield Rejected(f"{stem}:{n}", "invalid JSON: not an object", where)
    elif isinstance(data, dict) and (fields.get(data, "text") is not None or "html" in data):
        yield article_from_record(data, origin=origin, fallback_id=stem, fields=fields)
    else:
        yield Rejected(stem, "not a feed or document", origin)


def _json_feed_item(item: dict, *, stem: str, n: int, origin: str, linked: bool = False) -> Article | Rejected:
    "One JSON Feed item."
    url = _opt_str(item.get("url")) or _opt_str(item.get("external_url"))
    record = {
        "id": _opt_str(item.get("id")) or (None if url else f"{stem}:{n}"),
        "url": url,
        "title": item.get("title"),
        "published": item.get("date_published") or item.get("date_modified"),
        "html": item.get("content_html"),
        "text": item.get("content_text") or (None if item.get("content_html") else item.get("summary")),
    }
    _stand_in(record, linked=linked)
    return article_from_record(record, origin=origin, fallback_id=f"{stem}:{n}")


def _local(tag) -> str:
    "An element's tag without its namespace, lower-cased."
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _read_xml_feed(text: str, *, path: Path, linked: bool = False) -> Iterator[Article | Rejected]:
    "Items of an RSS 2.0, RSS 1.0 or Atom feed, streamed with iterparse."
    stem, origin = _stem(path), str(path)
    data = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1).encode("utf-8")  # already decoded
    root_seen, n = None, 0
    try:
        for event, elem in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            name = _local(elem.tag)
            if event == "start":
                if root_seen is None:
                    root_seen = name
                    if name not in {"rss", "feed", "rdf"}:
                        yield Rejected(stem, "not a feed", origin)
                        return
                continue
            if name in {"item", "entry"}:
                n += 1
                try:
                    yield _xml_item(elem, stem=stem, n=n, origin=f"{origin}#{n}", linked=linked)
                except RecursionError:  # serialising content nested thousands deep
                    yield Rejected(f"{stem}:{n}", "invalid XML: nested too deeply", f"{origin}#{n}")
                elem.clear()
    except ET.ParseError as exc:
        if n == 0:
            yield Rejected(stem, f"invalid XML: {exc}", origin)
        else:
            logger.warning("%s: invalid XML after item %d: %s", origin, n, exc)
            yield Rejected(f"{stem}:{n + 1}", f"invalid XML: {exc}", origin)
        return
    if n == 0:
        logger.info("%s: feed without items", origin)


def _xml_item(elem: ET.Element, *, stem: str, n: int, origin: str, linked: bool = False) -> Article | Rejected:
    "One RSS item or Atom entry as an Article."
    fields: dict[str, str] = {}
    link = None
    for child in elem:
        name = _local(child.tag)
        if name == "link":
            href = child.get("href")
            if href is None:
                href = (child.text or "").strip()
            if href and (link is None or child.get("rel", "alternate") == "alternate"):
                link = href
            continue
        if name == "content" and child.get("type") == "xhtml":
            value = "".join(ET.tostring(c, encoding="unicode") for c in child)
            fields.setdefault("content", value)
            continue
        if name == "content" and child.get("type") == "text":
            fields.setdefault("plain", (child.text or ""))
            continue
        value = "".join(child.itertext()).strip()
        if value:
            fields.setdefault(name, value)
    body = fields.get("encoded") or fields.get("content") or fields.get("description") or fields.get("summary")
    guid = fields.get("guid") or fields.get("id")
    record = {
        "id": guid if guid and len(guid) <= 200 else None,
        "url": link,
        "title": fields.get("title"),
        "published": fields.get("pubdate") or fields.get("published") or fields.get("updated") or fields.get("date"),
    }
    if fields.get("plain") and not body:
        record["text"] = fields["plain"]
    elif body and _TAG.search(body):
        record["html"] = body
    else:
        record["text"] = body
    if record["id"] is None and not link:
        record["id"] = f"{stem}:{n}"
    _stand_in(record, linked=linked)
    return article_from_record(record, origin=origin, fallback_id=f"{stem}:{n}")


def _stand_in(record: dict, *, linked: bool) -> None:
    "A linked item without a body keeps its title (or link) as its text: its page is fetched later."
    if linked and record.get("url") and not (record.get("text") or record.get("html")):
        record["text"] = record.get("title") or record["url"]


# ---- standard input ------------------------------------------------------------------------
def _read_stdin(stream: IO, *, limit: int, fields: FieldMap) -> Iterator[Article | Rejected]:
    "JSONL when every non-blank line is a JSON object, else one document 'stdin'."
    binary = getattr(stream, "buffer", stream)
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
        all_json, any_line = True, False
        for raw in iter(lambda: binary.read(1 << 16), b"" if _is_binary(binary) else ""):
            spool.write(raw.encode("utf-8") if isinstance(raw, str) else raw)
        spool.seek(0)
        for raw in iter(lambda: spool.readline(limit + 1), b""):
            if not raw.strip():
                continue
            any_line = True
            if not _is_json_object(raw):
                all_json = False
                break
        spool.seek(0)
        if any_line and all_json:
            yield from _read_jsonl_stream(spool, name="stdin", limit=limit, fields=fields)
            return
        data = spool.read(limit + 1)
    if len(data) > limit:
        logger.warning("stdin: larger than %d bytes, read only that much", limit)
        data = data[:limit]
    try:
        check_binary(data)
        text = decode_bytes(data)
    except Unreadable as exc:
        yield Rejected("stdin", exc.reason, "stdin")
        return
    if not text.strip():
        yield Rejected("stdin", "empty", "stdin")
        return
    yield _text_article(text, doc_id="stdin", origin="stdin")


def _is_binary(stream: IO) -> bool:
    "Whether a stream yields bytes (a text stream without .buffer yields str)."
    return not isinstance(stream, io.TextIOBase)


def _is_json_object(raw: bytes | str) -> bool:
    "Whether one line is a JSON object."
    stripped = raw.strip()
    if not stripped.startswith(b"{" if isinstance(stripped, bytes) else "{"):
        return False
    try:
        return isinstance(json.loads(stripped), dict)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return False


def _all_json_objects(lines: list[str]) -> bool:
    "Whether every non-blank line is a JSON object (and there is one)."
    nonblank = [line for line in lines if line.strip()]
    return bool(nonblank) and all(_is_json_object(line) for line in nonblank)


# ---- counting, for the progress bar -----------------------------------------------------------
def count_inputs(paths: Iterable[str | os.PathLike]) -> int | None:
    """How many documents the inputs hold, when cheap to tell (JSONL lines, text/HTML files); else None."""
    total = 0
    for path in map(str, paths):
        if path == "-" or not os.path.exists(path):
            return None
        files = [Path(path)] if not os.path.isdir(path) else sorted(
            Path(root) / name for root, _, names in os.walk(path) for name in names if not name.startswith("."))
        for file in files:
            suffix = _format_suffix(file)
            if suffix in _JSONL:
                try:
                    with _open(file) as fh:
                        total += sum(1 for line in fh if line.strip())
                except (OSError, EOFError):
                    total += 1
            elif suffix in _TEXT | _HTML | _BINARY_SUFFIXES:
                total += 1
            elif suffix in _KNOWN or not os.path.isdir(path):
                return None  # feeds, WARC and sniffed files: unknown until read
    return total
