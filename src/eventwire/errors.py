"""Exceptions raised by eventwire.

    EventwireError
     ├── ConfigError          bad settings or data files
     ├── InputError           an input path or stream that cannot be used at all (exit 2)
     └── ArticleRejected      one document cannot be coded; the batch goes on
          (``reason`` is a short, stable, human-readable string)

Stages raise ``ArticleRejected``; ``pipeline`` catches it in one place. ``cli`` and
``api`` translate the others at the edge.
"""


class EventwireError(Exception):
    """Base class of every error eventwire raises on purpose."""


class ConfigError(EventwireError):
    """Settings or a data file are invalid."""


class InputError(EventwireError):
    """An input argument cannot be used (missing path, unknown format)."""


class ArticleRejected(EventwireError):
    """One document cannot be coded."""

    def __init__(self, reason: str, *, doc_id: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.doc_id = doc_id
