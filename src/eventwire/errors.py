"""Exceptions raised by eventwire.

    EventwireError
     ├── ConfigError          bad settings, a missing model or package, bad data files   (exit 3)
     ├── InputError           an input path or stream that cannot be used at all        (exit 2)
     ├── StoreError           a store that cannot be opened or written (locked, not DuckDB) (exit 4)
     └── ArticleRejected      one document cannot be coded; the batch goes on
          (``reason`` is a short, stable, human-readable string)

Stages raise ``ArticleRejected``; ``run/pipeline.py`` catches it in one place, and turns any
other exception on one record into the rejection ``internal: Type``. ``cli`` (exit codes above;
1 for anything unexpected) and ``serve/api.py`` (HTTP statuses) translate the others at the edge.
"""


class EventwireError(Exception):
    """Base class of every error eventwire raises on purpose."""


class ConfigError(EventwireError):
    """Settings or a data file are invalid."""


class InputError(EventwireError):
    """An input argument cannot be used (missing path, unknown format)."""


class StoreError(EventwireError):
    """The event store cannot be opened or written."""


class ArticleRejected(EventwireError):
    """One document cannot be coded."""

    def __init__(self, reason: str, *, doc_id: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.doc_id = doc_id
