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
    "Event",
    "EventwireError",
    "InputError",
    "Place",
    "Rejected",
    "Settings",
    "__version__",
    "code",
]

_coders: dict = {}


def code(text: str, *, published: str | dt.date | None = None, title: str | None = None,
         doc_id: str = "doc", settings: Settings | None = None) -> list[Event]:
    """Code one clean text into events, without a store (the model loads on first call)."""
    from .pipeline import Coder

    settings = settings or Settings.load()
    if settings not in _coders:
        _coders[settings] = Coder.load(settings)
    if isinstance(published, str):
        published = dt.date.fromisoformat(published[:10])
    return _coders[settings].code_text(text, published=published, doc_id=doc_id, title=title)
