"""The poll state of ``serve --watch``: sources and their validators, seen items, fetch failures.

INTERFACE (functions of a connection; ``Store`` wraps them):

    SeenItem(source, item_key, doc_id)            an item whose input a batch stores
    write_seen(con, items)                        inside the batch's transaction (``writer``)
    seen_keys(con, source) -> set[str]            item keys of a source already stored
    validators(con, source) -> (etag, last_modified)
    record_poll(con, source, *, kind, status, etag=None, last_modified=None)
                                                  after a source's items are stored: a crash
                                                  before it re-reads the source, never skips it
    record_failure(con, source, url, reason)      attempts + 1, the latest reason
    failure_attempts(con, source) -> {url: attempts}
    poll_state(con) -> list[dict]                 per source: kind, last poll, status, items seen,
                                                  failures (and the latest reasons)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True, slots=True)
class SeenItem:
    """A feed item or page of a watched source, stored as the input ``doc_id``."""

    source: str
    item_key: str
    doc_id: str


def _now() -> dt.datetime:
    "The current UTC time, naive (DuckDB TIMESTAMP)."
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def write_seen(con: duckdb.DuckDBPyConnection, items: Sequence[SeenItem]) -> None:
    "Mark items seen and forget their failures (inside the caller's transaction)."
    if not items:
        return
    stamp = _now()
    con.executemany("INSERT OR REPLACE INTO seen_items VALUES (?, ?, ?, ?)",
                    [[i.source, i.item_key, i.doc_id, stamp] for i in items])
    con.executemany("DELETE FROM fetch_failures WHERE source = ? AND url = ?",
                    [[i.source, i.item_key] for i in items])


def seen_keys(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    "The item keys of ``source`` already stored."
    return {row[0] for row in con.execute("SELECT item_key FROM seen_items WHERE source = ?", [source]).fetchall()}


def validators(con: duckdb.DuckDBPyConnection, source: str) -> tuple[str | None, str | None]:
    "The ETag and Last-Modified kept for ``source`` (None, None when none)."
    row = con.execute("SELECT etag, last_modified FROM sources WHERE source = ?", [source]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def record_poll(con: duckdb.DuckDBPyConnection, source: str, *, kind: str, status: str,
                etag: str | None = None, last_modified: str | None = None) -> None:
    "Record a finished poll of ``source``; validators are kept unless new ones are given."
    old_etag, old_modified = validators(con, source)
    con.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?)",
                [source, kind, etag or old_etag, last_modified or old_modified, _now(), status])


def record_failure(con: duckdb.DuckDBPyConnection, source: str, url: str, reason: str) -> None:
    "Count one more failed fetch of ``url`` for ``source``, with its reason."
    con.execute("INSERT INTO fetch_failures VALUES (?, ?, ?, 1, ?) ON CONFLICT (source, url) DO UPDATE SET "
                "reason = excluded.reason, attempts = fetch_failures.attempts + 1, last_at = excluded.last_at",
                [source, url, reason, _now()])


def failure_attempts(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, int]:
    "Failed URLs of ``source`` and how often each failed."
    return dict(con.execute("SELECT url, attempts FROM fetch_failures WHERE source = ?", [source]).fetchall())


def poll_state(con: duckdb.DuckDBPyConnection) -> list[dict]:
    "Per source: kind, last poll, last status, items seen, failures and the latest three reasons."
    rows = con.execute(
        "SELECT s.source, s.kind, s.last_poll, s.last_status,"
        " (SELECT count(*) FROM seen_items i WHERE i.source = s.source),"
        " (SELECT count(*) FROM fetch_failures f WHERE f.source = s.source)"
        " FROM sources s ORDER BY s.source").fetchall()
    reasons = con.execute(
        "SELECT source, url, reason, attempts FROM fetch_failures ORDER BY last_at DESC, url").fetchall()
    out = []
    for source, kind, last_poll, status, seen, failures in rows:
        latest = [{"url": u, "reason": r, "attempts": a} for s, u, r, a in reasons if s == source][:3]
        out.append({"source": source, "kind": kind, "last_poll": last_poll, "last_status": status,
                    "items_seen": seen, "failures": failures, "latest_failures": latest})
    return out


__all__ = ["SeenItem", "failure_attempts", "poll_state", "record_failure", "record_poll", "seen_keys",
           "validators", "write_seen"]
