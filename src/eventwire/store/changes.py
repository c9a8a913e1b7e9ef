"""Which events changed when: the change numbers behind the update files of `serve` (``updates``).

INTERFACE (functions of a connection; ``Store`` wraps them):

    TABLES                                  event_changes, update_files (``schema`` runs them)
    record_changes(con, event_ids)          inside a batch's (or a correction's) transaction: these
                                            events take the next change number
    change_mark(con) -> int                 the highest change number committed (0 when none)
    last_update(con) -> dict | None         the last update file recorded: name, change_seq, ...
    record_update(con, name, *, change_seq, events, mentions)   after its files are written

Each batch that creates, changes or empties events gives them one new change number (the
highest so far plus one); the store's lock serializes batches, so numbers grow in commit order.
An event keeps only its latest number. An emptied event keeps its row here; the events table
no longer has it, so no file lists it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import pyarrow as pa

TABLES = [
    """CREATE TABLE IF NOT EXISTS event_changes (
        event_id VARCHAR PRIMARY KEY, change_seq BIGINT, changed_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS update_files (
        name VARCHAR PRIMARY KEY, change_seq BIGINT, created_at TIMESTAMP, events INTEGER, mentions INTEGER)""",
]


def _now() -> dt.datetime:
    "The current UTC time, naive (DuckDB TIMESTAMP)."
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def record_changes(con: duckdb.DuckDBPyConnection, event_ids: Iterable[str]) -> None:
    "Give these events the next change number (inside the caller's transaction)."
    ids = sorted(set(event_ids))
    if not ids:
        return
    seq = change_mark(con) + 1
    con.register("_changed", pa.table({"event_id": pa.array(ids, pa.string())}))
    con.execute("INSERT OR REPLACE INTO event_changes SELECT event_id, ?, ? FROM _changed", [seq, _now()])
    con.unregister("_changed")


def change_mark(con: duckdb.DuckDBPyConnection) -> int:
    "The highest change number recorded (0 when none)."
    return con.execute("SELECT coalesce(max(change_seq), 0) FROM event_changes").fetchall()[0][0]


def last_update(con: duckdb.DuckDBPyConnection) -> dict | None:
    "The last update file recorded (name, change_seq, created_at, events, mentions), or None."
    cur = con.execute("SELECT * FROM update_files ORDER BY name DESC LIMIT 1")
    rows = cur.fetchall()  # all of them: a half-read result blocks the connection's next statement
    return dict(zip([d[0] for d in cur.description], rows[0])) if rows else None


def record_update(con: duckdb.DuckDBPyConnection, name: str, *, change_seq: int, events: int, mentions: int) -> None:
    "Record an update file written (its files are whole on disk)."
    con.execute("INSERT OR REPLACE INTO update_files VALUES (?, ?, ?, ?, ?)",
                [name, change_seq, _now(), events, mentions])


__all__ = ["TABLES", "change_mark", "last_update", "record_changes", "record_update"]
