"""The Python API over a store: events and series as pandas, Arrow or polars frames.

    >>> import eventwire
    >>> db = eventwire.open("eventwire.duckdb")                       # doctest: +SKIP
    >>> db.events(actor="USA", recipient="ISR", since="2024-08-01")   # doctest: +SKIP
    >>> db.events_arrow(types=["ASSAULT", "COERCE"])                  # doctest: +SKIP
    >>> db.dyad_series("USA", "ISR", freq="week")                     # doctest: +SKIP
    >>> db.export("events.tsv", format="gdelt")                       # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

import pyarrow as pa

from ..errors import EventwireError
from .core import Store

_SERIES_SCHEMA = pa.schema([("period", pa.date32()), ("events", pa.int64()), ("quad1", pa.int64()),
                            ("quad2", pa.int64()), ("quad3", pa.int64()), ("quad4", pa.int64()),
                            ("mean_score", pa.float64())])


class Database:
    """An open event store; ``eventwire.open(path)`` makes one. Close it, or use ``with``.

    Selections take the options of ``eventwire events``: ``actor``, ``recipient`` and
    ``either`` match a code (``"USA"``) or a name (``"Hamas"``); ``types`` lists PLOVER
    event types; ``since``/``until`` are dates or ISO strings.

        with eventwire.open("eventwire.duckdb", read_only=True) as db:
            frame = db.events(actor="USA", types=["ASSAULT"], since="2024-08-01")
            series = db.dyad_series("USA", "ISR", freq="month")
    """

    def __init__(self, store: Store):
        self.store = store

    @classmethod
    def open(cls, path: str | os.PathLike = ":memory:", *, read_only: bool = False) -> Database:
        """Open (creating when needed and not ``read_only``) the store at ``path``."""
        return cls(Store.open(str(path), read_only=read_only))

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- events -----------------------------------------------------------------

    def events(self, *, actor: str | None = None, recipient: str | None = None, either: str | None = None,
               types: Sequence[str] | None = None, quad_class: int | None = None, country: str | None = None,
               since: dt.date | str | None = None, until: dt.date | str | None = None, text: str | None = None,
               limit: int | None = None, include_hypothetical: bool = False, include_rejected: bool = False,
               language: str | None = None):
        """Deduplicated events, newest first, as a pandas DataFrame (one row per event).

        Analysts' corrections win (rows gain ``corrected``); rejected events only with ``include_rejected``;
        ``language`` ("es") keeps the events reported in documents of that language."""
        return self.events_arrow(actor=actor, recipient=recipient, either=either, types=types,
                                 quad_class=quad_class, country=country, since=since, until=until, text=text,
                                 limit=limit, include_hypothetical=include_hypothetical,
                                 include_rejected=include_rejected, language=language).to_pandas()

    def events_arrow(self, *, actor: str | None = None, recipient: str | None = None,
                     either: str | None = None, types: Sequence[str] | None = None,
                     quad_class: int | None = None, country: str | None = None,
                     since: dt.date | str | None = None, until: dt.date | str | None = None,
                     text: str | None = None, limit: int | None = None,
                     include_hypothetical: bool = False, include_rejected: bool = False,
                     language: str | None = None) -> pa.Table:
        """The same selection as ``events`` as a pyarrow Table."""
        return self.store.events_arrow(actor=actor, recipient=recipient, either=either, types=types,
                                       quad_class=quad_class, country=country, since=since, until=until,
                                       text=text, limit=limit, include_hypothetical=include_hypothetical,
                                       include_rejected=include_rejected, language=language)

    def events_polars(self, **options):
        """The same selection as ``events`` as a polars DataFrame (needs ``pip install polars``)."""
        return _polars().from_arrow(self.events_arrow(**options))

    def mentions(self, event_id: str):
        """The mentions of one event (sentence, offsets, document, coder version) as a DataFrame."""
        return pa.Table.from_pylist(self.store.mentions_of(event_id)).to_pandas()

    # -- series and actors ------------------------------------------------------

    def dyad_series(self, actor: str, recipient: str, *, freq: str = "week", directed: bool = True,
                    include_hypothetical: bool = False):
        """Events from ``actor`` to ``recipient`` per period: counts per quad class and mean score.

        Columns: ``period`` (first day), ``events``, ``quad1``..``quad4``, ``mean_score``;
        ``freq`` is day, week, month, quarter or year; ``directed=False`` counts both ways.
        """
        rows = self.store.dyad_series(actor, recipient, freq=freq, directed=directed,
                                      include_hypothetical=include_hypothetical)
        return pa.Table.from_pylist(rows, schema=_SERIES_SCHEMA).to_pandas()

    def actors(self, q: str | None = None, *, limit: int = 100):
        """Actors with their event counts as actor and recipient, as a DataFrame."""
        return pa.Table.from_pylist(self.store.actors(q, limit=limit)).to_pandas()

    def export(self, path: str | os.PathLike, *, format: str, language: str | None = None) -> int:  # noqa: A002
        """Write every event (of one ``language``) to ``path`` (jsonl, csv, parquet, gdelt or plover); returns the count."""
        from .exports import export_events

        return export_events(self.store, path, fmt=format, language=language)

    def stats(self) -> dict:
        """Table sizes, date range, coder versions and the latest runs."""
        return self.store.stats()


def open(path: str | os.PathLike = "eventwire.duckdb", *, read_only: bool = False) -> Database:  # noqa: A001
    """Open the event store at ``path`` for queries (``eventwire.open("x.duckdb")``)."""
    return Database.open(path, read_only=read_only)


def _polars():
    "The polars module, or a clear error when it is not installed."
    try:
        import polars
    except ImportError as exc:
        raise EventwireError("polars is not installed: pip install polars (or use events_arrow / events)") from exc
    return polars


__all__ = ["Database", "open"]
