"""eventwire: news in, PLOVER political event data out.

    >>> import eventwire
    >>> events = eventwire.code("Russian troops shelled Kharkiv on Monday.", published="2024-05-14")
    >>> events[0].event_type
    'ASSAULT'
"""

from __future__ import annotations

import datetime as dt
import logging

from .config import Settings, __version__
from .errors import ArticleRejected, ConfigError, EventwireError, InputError
from .records import Actor, Article, Event, Place, Rejected

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Actor",
    "Article",
    "ArticleRejected",
    "ConfigError",
    "Database",
    "Event",
    "EventwireError",
    "InputError",
    "Place",
    "Rejected",
    "Settings",
    "__version__",
    "code",
    "open",
    "places",
]

_coders: dict = {}


def code(text: str, *, published: str | dt.date | None = None, title: str | None = None,
         doc_id: str = "doc", settings: Settings | None = None) -> list[Event]:
    """Code one clean text into events, without a store (the model loads on first call)."""
    from .batch import load_coder

    settings = settings or Settings.load()
    if settings not in _coders:
        _coders[settings] = load_coder(settings)
    if isinstance(published, str):
        published = dt.date.fromisoformat(published[:10])
    return _coders[settings].code_text(text, published=published, doc_id=doc_id, title=title)


def places(text: str, *, published: str | dt.date | None = None, doc_id: str = "doc",
           settings: Settings | None = None) -> list[dict]:
    """Every place mention of a text as ``eventwire places`` writes it (offsets into ``text``)."""
    from .batch import load_coder
    from .geo import places_records

    settings = settings or Settings.load()
    if settings not in _coders:
        _coders[settings] = load_coder(settings)
    if isinstance(published, str):
        published = dt.date.fromisoformat(published[:10])
    article = Article(id=doc_id, text=text, published=published)
    return places_records(article, coder=_coders[settings])


def open(path: str = "eventwire.duckdb", *, read_only: bool = False):  # noqa: A001 - eventwire.open
    """Open an event store for queries: ``db = eventwire.open("x.duckdb"); db.events(actor="USA")``."""
    from .database import Database

    return Database.open(path, read_only=read_only)


def __getattr__(name: str):
    "Import ``Database`` (duckdb, pyarrow) only when it is used."
    if name == "Database":
        from .database import Database

        return Database
    raise AttributeError(f"module 'eventwire' has no attribute {name!r}")
