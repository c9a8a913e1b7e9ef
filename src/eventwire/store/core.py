"""The DuckDB event store: open it, write batches into it, and read it (``queries.Queryable``).

INTERFACE:

    with Store.open(path, read_only=False, dedup_days=None, dedup_km=None) as store:
                                                  # ":memory:" works; schema created if missing
        store.write_batch(articles, rejected, events, coder_version=None, inputs=(), duplicates=None,
                          seen=())                # one transaction; re-writing adds nothing
        store.seen_keys(source) / validators(source) / failure_attempts(source) / poll_state()
        store.record_poll(source, kind=, status=, etag=, last_modified=) / record_failure(source, url, reason)
                                                  # the watcher's poll state (``polls``)
        store.start_run(kind="ingest", coder_version=v) / add_skipped(n) / mark_inputs_recoded(v)
        store.add_correction(event_id, {"event_type": "PROTEST"}, analyst=, note=, reverts=())
                                                  # an analyst's correction (``corrections``)
        store.rebuild_actors()                    # recount the actors table from the mentions
        store.change_mark() / last_update() / record_update(name, change_seq=, events=, mentions=)
                                                  # the update files' change numbers (``changes``)
        store.session()                           # a Store on a new cursor, one per thread
        store.remember(key, compute)              # a read kept until the next committed write
                                                  # (``generation``: the API's /stats and event pages)
        store.events(...), store.summary(), ...   # every read: see ``queries``

Errors: ``StoreError`` when DuckDB cannot open the file (another process holds it, it is not
a DuckDB database, a read-only store that does not exist, ...) or a batch cannot be written;
its message names the cause and the fix. DuckDB's own errors are translated here and nowhere
else. Tables: ``schema``; how mentions become events: ``clustering``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import duckdb

from ..config import Settings
from ..errors import StoreError
from ..records import Article, Event, Rejected
from . import corrections, polls, writer
from . import changes as change_log  # not ``changes``: add_correction's argument is
from .generation import Writes
from .queries import Queryable
from .schema import create_schema
from .polls import SeenItem
from .writer import StoredInput

logger = logging.getLogger(__name__)


class Store(Queryable):
    """A DuckDB event store; open it with ``Store.open(path)``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, writes: Writes,
                 dedup_days: int, dedup_km: float, path: str = ":memory:"):
        super().__init__(con, writes=writes)
        self._dedup_days = dedup_days
        self._dedup_km = dedup_km
        self._path = path
        self._run_id: int | None = None

    # -- opening and closing -------------------------------------------------

    @classmethod
    def open(cls, path: str = ":memory:", *, read_only: bool = False, dedup_days: int | None = None,
             dedup_km: float | None = None) -> Store:
        """Open (and create the schema of) a store; use it as a context manager.

        ``dedup_days`` and ``dedup_km`` (how mentions merge into events) default to the settings'.
        StoreError when the file cannot be opened (held by another process, not DuckDB)."""
        defaults = Settings.defaults()
        path = str(path)
        store = cls(_connect(path, read_only=read_only), writes=Writes(), path=path,
                    dedup_days=defaults.dedup_days if dedup_days is None else dedup_days,
                    dedup_km=defaults.dedup_km if dedup_km is None else dedup_km)
        if not read_only:
            store._prepare()
        return store

    def _prepare(self) -> None:
        "Create or migrate the tables; StoreError (the connection closed) when DuckDB refuses."
        con = self._con
        try:
            create_schema(con)
            schema_1 = "SELECT (SELECT count(*) FROM actors) = 0 AND EXISTS (SELECT 1 FROM mentions)"
            if con.execute(schema_1).fetchone()[0]:
                self.rebuild_actors()  # a schema-1 store: its actors table starts empty
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"cannot create the tables of store {self._path}: {exc} (is it another "
                             "program's DuckDB database? pass an eventwire store or a new path)") from exc

    def session(self) -> Store:
        """A Store on a new cursor of the same database, for one thread or request."""
        return Store(self._con.cursor(), writes=self._writes, dedup_days=self._dedup_days,
                     dedup_km=self._dedup_km, path=self._path)

    def close(self) -> None:
        """Close the connection (or this session's cursor)."""
        if self._run_id is not None:
            try:
                writer.finish_run(self._con, self._run_id)
            except duckdb.Error:  # closing must not fail over the run log
                logger.warning("could not close run %s", self._run_id)
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing --------------------------------------------------------------

    def write_batch(self, articles: Sequence[Article], rejected: Sequence[Rejected],
                    events: Sequence[Event], *, coder_version: str | None = None,
                    inputs: Sequence[StoredInput] = (), duplicates: dict[str, str] | None = None,
                    seen: Sequence[SeenItem] = ()) -> None:
        """Store documents, rejections and event mentions in one transaction; idempotent.

        ``inputs`` names the input documents the batch came from, with a hash of each and the
        cleaned documents it gave: stored in the same transaction, so ``unchanged_inputs``
        never claims a document whose events were lost, and documents an input no longer
        gives are dropped with their mentions. ``duplicates`` maps a document of the batch to
        the earlier document it near-duplicates (``dedup.DuplicateIndex``). ``seen``: the
        watched items the batch stores, marked seen in the same transaction (``polls``).
        """
        docs = {a.id: a for a in articles}  # last copy of a document wins
        mentions = {e.event_id: e for e in events}
        if coder_version is None:
            coder_version = next((e.coder_version for e in mentions.values()), None)
        con = self._con
        with self._writes.writing():
            con.begin()
            try:
                changed = writer.write_batch(con, docs, rejected, mentions, coder_version=coder_version,
                                             inputs=inputs, duplicates=duplicates, dedup_days=self._dedup_days,
                                             dedup_km=self._dedup_km)
                change_log.record_changes(con, changed)  # for the update files of `serve` (``updates``)
                polls.write_seen(con, seen)
                corrections.relink(con)  # analysts' corrections follow their mentions
                self._log_run(coder_version, len(docs), len(rejected), len(mentions))
                con.commit()
            except duckdb.Error as exc:
                con.rollback()
                raise StoreError(f"cannot write to store {self._path}: {exc}") from exc
            except Exception:
                con.rollback()
                raise
        logger.debug("stored %d documents, %d rejected, %d mentions",
                     len(docs), len(rejected), len(mentions))

    def add_correction(self, event_id: str, changes: dict, *, analyst: str | None = None,
                       note: str | None = None, reverts: Sequence[str] = ()) -> list[int] | None:
        """Append an analyst's corrections of one event (field -> new value; ``reverts``: fields back
        to the coder's value) in one transaction; returns their ids, None for an unknown event."""
        current = self.event(event_id)
        if current is None:
            return None
        con = self._con
        with self._writes.writing():
            con.begin()
            try:
                ids = corrections.add(con, event_id, changes, current, analyst=analyst, note=note, reverts=reverts)
                change_log.record_changes(con, [event_id])
                con.commit()
            except duckdb.Error as exc:
                con.rollback()
                raise StoreError(f"cannot write to store {self._path}: {exc}") from exc
        return ids

    def start_run(self, *, kind: str, coder_version: str | None) -> int:
        """Log a run (``ingest``, ``recode``, ``api``) now; later batches add their counts to it."""
        with self._writes.writing():
            self._run_id = writer.insert_run(self._con, kind=kind, coder_version=coder_version)
        return self._run_id

    def _log_run(self, coder_version: str | None, documents: int, rejected: int, events: int) -> None:
        "Add this batch's counts to this Store's run row (inside the batch's transaction)."
        if self._run_id is None:
            self._run_id = writer.insert_run(self._con, kind="write", coder_version=coder_version)
        writer.add_run_counts(self._con, self._run_id, documents=documents, rejected=rejected, events=events)

    def add_skipped(self, n: int) -> None:
        """Count ``n`` inputs this run skipped as already stored."""
        if self._run_id is not None and n:
            writer.add_skipped(self._con, self._run_id, n)
            self._writes.moved()

    def mark_inputs_recoded(self, coder_version: str) -> None:
        """Mark inputs whose every document is now coded by ``coder_version`` as coded by it."""
        with self._writes.writing():
            writer.mark_inputs_recoded(self._con, coder_version)

    def rebuild_actors(self, keys: set[str] | None = None) -> None:
        """Recount the actors table from the mentions (only ``keys`` when given)."""
        writer.rebuild_actors(self._con, keys)
        self._writes.moved()

    # -- the update files' change numbers (changes) ------------------------------

    def change_mark(self) -> int:
        """The highest change number committed (read under the writer's lock: no batch is half done)."""
        with self._writes.lock:  # a read: the generation stays
            return change_log.change_mark(self._con)

    def last_update(self) -> dict | None:
        """The last update file recorded (name, change_seq, created_at, events, mentions), or None."""
        return change_log.last_update(self._con)

    def record_update(self, name: str, *, change_seq: int, events: int, mentions: int) -> None:
        """Record an update file whose files are written."""
        with self._writes.writing():
            change_log.record_update(self._con, name, change_seq=change_seq, events=events, mentions=mentions)

    # -- the watcher's poll state (polls) ---------------------------------------

    def seen_keys(self, source: str) -> set[str]:
        """Item keys of a watched source whose inputs are stored."""
        return polls.seen_keys(self._con, source)

    def validators(self, source: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified kept for a watched source."""
        return polls.validators(self._con, source)

    def failure_attempts(self, source: str) -> dict[str, int]:
        """Failed URLs of a watched source and their attempts."""
        return polls.failure_attempts(self._con, source)

    def poll_state(self) -> list[dict]:
        """Per watched source: last poll, status, items seen, failures."""
        return polls.poll_state(self._con)

    def record_poll(self, source: str, *, kind: str, status: str, etag: str | None = None,
                    last_modified: str | None = None) -> None:
        """Record a finished poll of a source (after its items are stored)."""
        with self._writes.writing():
            polls.record_poll(self._con, source, kind=kind, status=status, etag=etag, last_modified=last_modified)

    def record_failure(self, source: str, url: str, reason: str) -> None:
        """Record a failed fetch of ``url`` for a watched source."""
        with self._writes.writing():
            polls.record_failure(self._con, source, url, reason)


def _connect(path: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    "A DuckDB connection to ``path``; StoreError naming the cause and the fix when DuckDB refuses."
    try:
        return duckdb.connect(path, read_only=read_only)
    except duckdb.Error as exc:
        cause = _open_failure(str(exc), path=path, read_only=read_only)
        raise StoreError(f"cannot open store {path}: {cause}") from exc


def _open_failure(message: str, *, path: str, read_only: bool) -> str:
    "Why DuckDB could not open a store, and what to do about it, from its error message."
    if "Conflicting lock" in message or "Could not set lock" in message:  # "... is held in ... (PID n)"
        pid = re.search(r"\(PID (\d+)\)", message)
        holder = f"another process (PID {pid.group(1)})" if pid else "another process"
        served = (" (if it is `eventwire serve`: eventwire.open(path), and `eventwire ingest`, `events`, "
                  "`summary` and `export`, go through it)")
        if read_only:
            return (f"{holder} is writing to it (an eventwire server or an ingest?): stop it, or wait "
                    "until it has finished" + served)
        return (f"{holder} holds it (an eventwire server or an ingest?): stop it, or open the store "
                "read-only (only readers can share a store)" + served)
    if "not a valid DuckDB database" in message:
        return "the file is not a DuckDB database: pass the path of an eventwire store, or move the file away"
    if read_only and "does not exist" in message:
        return f"there is no store there: create one first (eventwire ingest ... --db {path})"
    if "version number" in message:  # a file from a newer (or much older) DuckDB
        return (f"{message}: open it with the DuckDB version that wrote it, or ingest the documents "
                "into a new store")
    return message


__all__ = ["Store"]
