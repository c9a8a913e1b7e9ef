"""eventwire: news in, PLOVER political event data out.

    >>> import eventwire
    >>> events = eventwire.code("Russian troops shelled Kharkiv on Monday.", published="2024-05-14")
    >>> events[0].event_type
    'ASSAULT'
"""

from __future__ import annotations

import datetime as dt
import functools
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

@functools.lru_cache(maxsize=2)
def _coder(settings: Settings):
    "The Coder of the last settings used (the model loads on the first call; at most two kept)."
    from .run.pool import load_coder

    return load_coder(settings)


def _as_date(published: str | dt.date | None) -> dt.date | None:
    "An ISO date string (or date) as a date."
    return dt.date.fromisoformat(published[:10]) if isinstance(published, str) else published


def code(text: str, *, published: str | dt.date | None = None, title: str | None = None,
         doc_id: str = "doc", language: str | None = None, settings: Settings | None = None) -> list[Event]:
    """Code one clean text into events, without a store (the model loads on first call).

    ``language`` ("en", "es") skips detection; a text in a language no coder reads raises
    ``ArticleRejected`` ("language: fr")."""
    coder = _coder(settings or Settings.load())
    return coder.code_text(text, published=_as_date(published), doc_id=doc_id, title=title, language=language)


def places(text: str, *, published: str | dt.date | None = None, doc_id: str = "doc",
           settings: Settings | None = None) -> list[dict]:
    """Every place mention of a text as ``eventwire places`` writes it (offsets into ``text``)."""
    coder = _coder(settings or Settings.load())
    return coder.places_text(Article(id=doc_id, text=text, published=_as_date(published)))


def open(path: str = "eventwire.duckdb", *, read_only: bool = False):  # noqa: A001 - eventwire.open
    """Open an event store for queries: ``db = eventwire.open("x.duckdb"); db.events(actor="USA")``.

    While `eventwire serve` holds the store (``DB.server.json`` names a live process), the store
    is read through that server: the same reads (events, events_arrow, events_polars, mentions,
    dyad_series, actors, stats, export), read-only (``serve.remote.ServedDatabase``)."""
    from .run.handoff import live_server

    server = live_server(str(path))
    if server is not None:
        from .serve.remote import ServedDatabase, ServedStore

        return ServedDatabase(ServedStore(server["url"], db_path=str(path)))
    from .store.database import Database

    return Database.open(path, read_only=read_only)


def __getattr__(name: str):
    "Import ``Database`` (duckdb, pyarrow) only when it is used."
    if name == "Database":
        from .store.database import Database

        return Database
    raise AttributeError(f"module 'eventwire' has no attribute {name!r}")
