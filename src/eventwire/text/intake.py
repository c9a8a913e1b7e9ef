"""Intake: every document a reader makes passes here once, on its way into the pipeline.

INTERFACE:

    admit_article(doc_id="a1", text="...", html=None, title=None, published="2024-08-15",
                  url="https://example.org/a1", source=None, origin="docs.jsonl:1",
                  fallback_id="docs.jsonl:1") -> Article | Rejected
        # text, html, title, source and origin through normalise_chars; the id, URL and date
        # checked: Rejected(<fallback id>, "invalid id: ..." | "invalid url: ..." |
        # "invalid date: ..."), or Rejected(id, "binary") for a text that is mostly control characters,
        # or Rejected(id, "no text") for one that is nothing else
    normalise_chars(text) -> str       # lone surrogates -> U+FFFD, control characters but
                                       # \\t \\n \\r \\f dropped, then NFC
    is_binary_text(text) -> bool       # over 5% C0 controls in its first 8,192 characters
    storable_rejected(Rejected) -> Rejected   # its id, reason and origin through normalise_chars

What is checked (a record's raw values, any JSON type):

- id: a string or an integer; non-empty; at most 512 characters; no control character or
  lone surrogate. A bad id is not echoed into the store: the rejection carries the reader's
  fallback id (``file:line``) or, without one, ``invalid-id-<sha1[:16]>``.
- url (optional): a string of at most 2,048 characters, no whitespace or control character,
  ``http`` or ``https``, with a host and a valid port.
- date (optional): an ISO or RFC 822 string of at most 100 characters (``parse_published``),
  or a date; from 1800-01-01 to tomorrow (UTC). Missing, null or blank means no date.

So nothing downstream meets a lone surrogate (which cannot be encoded as UTF-8: hashing or
storing it raised), a NUL, an unbounded id, or a URL that is not a web address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

from ..records import Article, Rejected
from .datelines import parse_published

# An id names a document in the store, the API's URLs and the logs; 512 characters is far above
# any real one (the shared corpora's longest is 27) and keeps a junk id from bloating every row.
_MAX_ID_CHARS = 512
# The sitemaps protocol's limit and what browsers and crawlers reliably handle.
_MAX_URL_CHARS = 2048
# The longest RFC 822 date with a zone name runs to ~40 characters.
_MAX_DATE_CHARS = 100
# Publication dates before this are sentinels ("0001-01-01") or typos, not news.
_EARLIEST = dt.date(1800, 1, 1)
# A date after tomorrow (UTC; the latest zone is UTC+14) has not been published yet.
_FUTURE_SLACK = dt.timedelta(days=1)
# Above this share of control characters (not \t \n \r \f) in the first _SNIFF_CHARS, a text is
# binary data passed as text. Real text has none; legacy files carry a few stray \x1a or \x0c.
_MAX_CONTROL_SHARE = 0.05
_SNIFF_CHARS = 8192

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # C0 (but \t \n \r \f), DEL, C1: dropped
# What counts towards the binary share: C0 and DEL only, as before C1 was dropped (a mis-decoded
# cp1252 text carries C1 quotes and dashes, a few in every line, and is still text).
_C0 = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BAD_ID_CHAR = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_URL_CHAR = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class _Invalid(Exception):
    """A field that fails its check; ``reason`` is the rejection reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_chars(text: str) -> str:
    """Lone surrogates replaced by U+FFFD, control characters (but \\t \\n \\r \\f) dropped, NFC."""
    if _SURROGATE.search(text):
        # Through UTF-16: a high+low pair left split (a 'surrogatepass' decode) becomes its
        # character again, and each lone surrogate becomes U+FFFD.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = _CONTROL.sub("", text)
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def is_binary_text(text: str) -> bool:
    """Whether a text is mostly control characters (binary data passed as text)."""
    sample = text[:_SNIFF_CHARS]
    return bool(sample) and len(_C0.findall(sample)) / len(sample) > _MAX_CONTROL_SHARE


def storable_rejected(item: Rejected) -> Rejected:
    """A rejection whose id, reason and origin can be encoded and stored (paths may hold surrogates)."""
    fields = (item.doc_id, item.reason, item.origin or "")
    if not any(_BAD_ID_CHAR.search(value) for value in fields):
        return item
    return Rejected(normalise_chars(item.doc_id), normalise_chars(item.reason),
                    normalise_chars(item.origin) if item.origin is not None else None)


def admit_article(*, doc_id, text: str, html: str | None = None, title=None, published=None, url=None,
                  source=None, origin: str | None = None, fallback_id: str | None = None) -> Article | Rejected:
    """An Article with normalised text fields and a checked id, URL and date; else a Rejected saying why."""
    origin = normalise_chars(origin) if origin is not None else None
    try:
        doc_id = _check_id(doc_id)
    except _Invalid as exc:
        return Rejected(_stand_in_id(doc_id, fallback_id), exc.reason, origin)
    if is_binary_text(text):
        return Rejected(doc_id, "binary", origin)
    try:
        url, published = _check_url(url), _check_date(published)
    except _Invalid as exc:
        return Rejected(doc_id, exc.reason, origin)
    given = text.strip() or (html.strip() if isinstance(html, str) else "")
    text = normalise_chars(text)
    html = normalise_chars(html) if isinstance(html, str) else None
    html = html if html and html.strip() else None
    if given and not text.strip() and html is None:  # nothing but control characters
        return Rejected(doc_id, "no text", origin)
    return Article(id=doc_id, text=text, title=_opt_text(title), published=published,
                   url=url, source=_opt_text(source), html=html, origin=origin)


def _opt_text(value) -> str | None:
    "A normalised, stripped non-empty string, or None."
    if not isinstance(value, str):
        return None
    value = normalise_chars(value).strip()
    return value or None


def _check_id(value) -> str:
    "The id as a string; raises _Invalid for a wrong type, empty, over-long or control-laden id."
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= 10 ** _MAX_ID_CHARS:
            raise _Invalid(f"invalid id: longer than {_MAX_ID_CHARS} characters")
        value = str(value)
    if not isinstance(value, str):
        raise _Invalid(f"invalid id: not a string ({type(value).__name__})")
    value = value.strip()
    if not value:
        raise _Invalid("invalid id: empty")
    if len(value) > _MAX_ID_CHARS:
        raise _Invalid(f"invalid id: longer than {_MAX_ID_CHARS} characters")
    bad = _BAD_ID_CHAR.search(value)
    if bad:
        kind = "lone surrogate" if "\ud800" <= bad.group() <= "\udfff" else "control character"
        raise _Invalid(f"invalid id: {kind} {ascii(bad.group())}")
    return value


def _stand_in_id(value, fallback_id: str | None) -> str:
    "The id a rejection carries when the document's own id is unusable."
    if fallback_id:
        try:
            return _check_id(fallback_id)
        except _Invalid:
            pass
    return "invalid-id-" + hashlib.sha1(ascii(value).encode("ascii")).hexdigest()[:16]


def _check_url(value) -> str | None:
    "An http(s) URL, None when absent; raises _Invalid for anything else."
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Invalid(f"invalid url: not a string ({type(value).__name__})")
    value = value.strip()
    if not value:
        return None
    if len(value) > _MAX_URL_CHARS:
        raise _Invalid(f"invalid url: longer than {_MAX_URL_CHARS} characters")
    if _BAD_URL_CHAR.search(value):
        raise _Invalid("invalid url: whitespace or control character")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise _Invalid(f"invalid url: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise _Invalid(f"invalid url: not http(s): {ascii(value[:40])}")
    if not parts.hostname:
        raise _Invalid("invalid url: no host")
    return value


def _check_date(value) -> dt.date | None:
    "A publication date, None when absent; raises _Invalid for one present but unparseable or absurd."
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        if len(value.strip()) > _MAX_DATE_CHARS:
            raise _Invalid(f"invalid date: longer than {_MAX_DATE_CHARS} characters")
        when = parse_published(value)
        if when is None:
            raise _Invalid(f"invalid date: unparseable {ascii(value.strip()[:40])}")
    elif isinstance(value, (dt.date, dt.datetime)):
        when = parse_published(value)
    else:
        raise _Invalid(f"invalid date: not a string ({type(value).__name__})")
    if when < _EARLIEST:
        raise _Invalid(f"invalid date: {when.isoformat()} is before {_EARLIEST.isoformat()}")
    if when > dt.datetime.now(dt.timezone.utc).date() + _FUTURE_SLACK:
        raise _Invalid(f"invalid date: {when.isoformat()} is in the future")
    return when
