"""The DuckDB event store: schema, idempotent writes, queries.

INTERFACE:

    with Store.open(path) as store:              # ":memory:" works; schema created if missing
        store.write_batch(articles, rejected, events, coder_version=None)
                                                  # one transaction; re-writing adds nothing
        store.events(actor=None, recipient=None, either=None, event_type=None, quad_class=None,
                     country=None, since=None, until=None, text=None, limit=100, cursor=None,
                     include_hypothetical=False) -> list[dict]
        store.summary() -> dict                   # documents, rejected, events per type, top dyads
        store.event(event_id) / store.document(doc_id) -> dict | None
        store.mentions_of(event_id) -> list[dict]
        store.dyad_series(a, b, freq="week") / actors(q) / network(since, until) / stats()
        store.known_doc_ids() / store.has_document(doc_id, content_hash)
        store.session()                           # a Store on a new cursor, one per thread

SCHEMA (one DuckDB file):

    documents  doc_id PK, title, text (cleaned), published DATE, url, source, kind, parent,
               language, origin, content_hash (see ``content_hash``), coder_version,
               ingested_at TIMESTAMP
    rejected   (doc_id, reason) PK, origin, first_seen TIMESTAMP
    mentions   one row per coded event in one sentence: mention_id PK (= Event.event_id),
               event_id (the deduplicated event it belongs to), doc_id, dyad_key, sentence,
               sentence_start, sentence_end, section ("text" | "title"), trigger, negated,
               hypothetical, confidence, coder_version, date, date_precision, event_type,
               mode, contexts VARCHAR[], actor_text/name/code/sector,
               recipient_text/name/code/sector, location_text/name/country/admin1/lat/lon/
               precision/geonameid, quad_class, cameo, score, doc_kind, extra (JSON text)
    events     one row per deduplicated event: event_id PK (kept when new mentions join; a new
               event takes the smallest mention_id of its
               cluster), dyad_key, event_type, mode, contexts, actor_code/name/sector,
               recipient_code/name/sector, date, date_precision, location_name, country, lat,
               lon, quad_class, cameo, score, confidence (max over mentions), num_mentions,
               num_documents, num_sources, num_stories (documents less near-duplicate copies),
               first_seen, last_seen (publication dates),
               negated, hypothetical (true only if every mention is), root_mention_id (the
               most confident mention: quad class, CAMEO, score and sentence come from it),
               doc_id, sentence
    runs       run_id PK, coder_version, started_at, finished_at, documents, rejected, events
               (one row per Store that wrote; counts add up over its batches)
    meta       key PK, value (schema_version)

Deduplication: mentions with the same ``dyad_key`` (event type + actor code/name + recipient
code/name) are clustered greedily in (date, mention_id) order; a mention joins the first
open cluster whose every member is within ``dedup_days`` of it and at a compatible place
(both have coordinates: within ``dedup_km``; else the same country; a missing place is
compatible with any). After each batch the clusters of every dyad the batch touched are
recomputed from scratch, so the result depends only on what is stored, never on the order
of batches, and re-ingesting keeps event ids stable.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ..config import Settings
from ..errors import InputError, StoreError
from ..records import Article, Event, Rejected

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "2"
_FREQS = ("day", "week", "month", "quarter", "year")
_EARTH_KM = 6371.0

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS documents (
        doc_id VARCHAR PRIMARY KEY, title VARCHAR, text VARCHAR, published DATE, url VARCHAR,
        source VARCHAR, kind VARCHAR, parent VARCHAR, language VARCHAR, origin VARCHAR,
        content_hash VARCHAR, coder_version VARCHAR, ingested_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS rejected (
        doc_id VARCHAR, reason VARCHAR, origin VARCHAR, first_seen TIMESTAMP,
        PRIMARY KEY (doc_id, reason))""",
    """CREATE TABLE IF NOT EXISTS mentions (
        mention_id VARCHAR PRIMARY KEY, event_id VARCHAR, doc_id VARCHAR, dyad_key VARCHAR,
        sentence VARCHAR, sentence_start INTEGER, sentence_end INTEGER, section VARCHAR,
        trigger VARCHAR, negated BOOLEAN, hypothetical BOOLEAN, confidence DOUBLE,
        coder_version VARCHAR, date DATE, date_precision VARCHAR, event_type VARCHAR,
        mode VARCHAR, contexts VARCHAR[],
        actor_text VARCHAR, actor_name VARCHAR, actor_code VARCHAR, actor_sector VARCHAR,
        recipient_text VARCHAR, recipient_name VARCHAR, recipient_code VARCHAR,
        recipient_sector VARCHAR,
        location_text VARCHAR, location_name VARCHAR, location_country VARCHAR,
        location_admin1 VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
        location_precision VARCHAR, location_geonameid BIGINT,
        quad_class INTEGER, cameo VARCHAR, score DOUBLE, doc_kind VARCHAR, extra VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS events (
        event_id VARCHAR PRIMARY KEY, dyad_key VARCHAR, event_type VARCHAR, mode VARCHAR,
        contexts VARCHAR[], actor_code VARCHAR, actor_name VARCHAR, actor_sector VARCHAR,
        recipient_code VARCHAR, recipient_name VARCHAR, recipient_sector VARCHAR,
        date DATE, date_precision VARCHAR, location_name VARCHAR, country VARCHAR,
        lat DOUBLE, lon DOUBLE, quad_class INTEGER, cameo VARCHAR, score DOUBLE,
        confidence DOUBLE, num_mentions INTEGER, num_documents INTEGER, num_sources INTEGER,
        first_seen DATE, last_seen DATE, negated BOOLEAN, hypothetical BOOLEAN,
        root_mention_id VARCHAR, doc_id VARCHAR, sentence VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id INTEGER PRIMARY KEY, coder_version VARCHAR, started_at TIMESTAMP,
        finished_at TIMESTAMP, documents INTEGER, rejected INTEGER, events INTEGER)""",
    """CREATE TABLE IF NOT EXISTS actors (
        actor_key VARCHAR PRIMARY KEY, code VARCHAR, name VARCHAR, sector VARCHAR,
        mentions INTEGER, as_actor INTEGER, as_recipient INTEGER, first_date DATE, last_date DATE)""",
    """CREATE TABLE IF NOT EXISTS inputs (
        input_id VARCHAR PRIMARY KEY, input_hash VARCHAR, coder_version VARCHAR,
        doc_ids VARCHAR[])""",
]

# schema 1 -> 2: columns added to existing tables (ALTER ... IF NOT EXISTS is idempotent)
_MIGRATIONS = [
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS kind VARCHAR",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS dictionary_hash VARCHAR",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS skipped INTEGER",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS coder_version VARCHAR",
    # near-duplicate documents (the same wire story re-run by other outlets) and, per event,
    # the number of distinct stories behind it: syndicated copies are not independent evidence
    "CREATE TABLE IF NOT EXISTS duplicates (doc_id VARCHAR PRIMARY KEY, duplicate_of VARCHAR)",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS num_stories INTEGER",
]

_STR, _INT, _F, _B, _D = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()
_DOC_SCHEMA = pa.schema([
    ("doc_id", _STR), ("title", _STR), ("text", _STR), ("published", _D), ("url", _STR),
    ("source", _STR), ("kind", _STR), ("parent", _STR), ("language", _STR), ("origin", _STR),
    ("content_hash", _STR), ("coder_version", _STR)])
_MENTION_SCHEMA = pa.schema([
    ("mention_id", _STR), ("event_id", _STR), ("doc_id", _STR), ("dyad_key", _STR),
    ("sentence", _STR), ("sentence_start", _INT), ("sentence_end", _INT), ("section", _STR),
    ("trigger", _STR), ("negated", _B), ("hypothetical", _B), ("confidence", _F),
    ("coder_version", _STR), ("date", _D), ("date_precision", _STR), ("event_type", _STR),
    ("mode", _STR), ("contexts", pa.list_(_STR)),
    ("actor_text", _STR), ("actor_name", _STR), ("actor_code", _STR), ("actor_sector", _STR),
    ("recipient_text", _STR), ("recipient_name", _STR), ("recipient_code", _STR),
    ("recipient_sector", _STR),
    ("location_text", _STR), ("location_name", _STR), ("location_country", _STR),
    ("location_admin1", _STR), ("location_lat", _F), ("location_lon", _F),
    ("location_precision", _STR), ("location_geonameid", _INT),
    ("quad_class", _INT), ("cameo", _STR), ("score", _F), ("doc_kind", _STR), ("extra", _STR)])
_EVENT_SCHEMA = pa.schema([
    ("event_id", _STR), ("dyad_key", _STR), ("event_type", _STR), ("mode", _STR),
    ("contexts", pa.list_(_STR)), ("actor_code", _STR), ("actor_name", _STR),
    ("actor_sector", _STR), ("recipient_code", _STR), ("recipient_name", _STR),
    ("recipient_sector", _STR), ("date", _D), ("date_precision", _STR),
    ("location_name", _STR), ("country", _STR), ("lat", _F), ("lon", _F),
    ("quad_class", _INT), ("cameo", _STR), ("score", _F), ("confidence", _F),
    ("num_mentions", _INT), ("num_documents", _INT), ("num_sources", _INT), ("num_stories", _INT),
    ("first_seen", _D), ("last_seen", _D), ("negated", _B), ("hypothetical", _B),
    ("root_mention_id", _STR), ("doc_id", _STR), ("sentence", _STR), ("coder_version", _STR)])

# columns the event list returns (dyad_key stays internal)
_EVENT_COLUMNS = [f.name for f in _EVENT_SCHEMA if f.name != "dyad_key"]


def content_hash(article: Article) -> str:
    "A hash of what the coder reads from a document: its title and cleaned text."
    digest = hashlib.sha256()
    digest.update((article.title or "").encode("utf-8"))
    digest.update(b"\x00")
    digest.update(article.text.encode("utf-8"))
    return digest.hexdigest()[:32]


def dyad_key(event_type: str, actor_code: str | None, actor_name: str | None,
             recipient_code: str | None, recipient_name: str | None) -> str:
    "The deduplication key: event type, actor and recipient (codes and folded names)."
    parts = [event_type, actor_code or "", (actor_name or "").casefold(),
             recipient_code or "", (recipient_name or "").casefold()]
    return "\x1f".join(parts)


def encode_cursor(row: dict) -> str:
    "An opaque cursor that resumes an event listing after ``row``."
    date = row.get("date")
    raw = json.dumps([date.isoformat() if date else None, row["event_id"]])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.date, str]:
    "The (date, event_id) a cursor points after; InputError when it is not one of ours."
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        date, event_id = json.loads(raw)
        return (dt.date.fromisoformat(date) if date else dt.date.min), str(event_id)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InputError(f"invalid cursor: {cursor!r}") from exc


def _actor_key(code: str | None, name: str) -> str:
    "The actors table key: code and name (as ``rebuild_actors`` builds it in SQL)."
    return f"{code or ''}\x1f{name}"


@dataclass(frozen=True, slots=True)
class StoredInput:
    """One input document of a batch: its id, a hash of it, and the cleaned documents it gave."""

    input_id: str
    input_hash: str
    doc_ids: tuple[str, ...]


def input_hash(article: Article) -> str:
    "A hash of everything cleaning reads from an input document."
    digest = hashlib.sha256()
    for value in (article.id, article.title, article.text, article.html, article.published,
                  article.url, article.source, article.kind, article.parent, article.language):
        digest.update(b"\x00" if value is None else b"\x01" + str(value).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class _Mention:
    """The fields clustering and event aggregation read from one stored mention."""

    mention_id: str
    doc_id: str
    date: dt.date | None
    country: str | None
    lat: float | None
    lon: float | None
    place: str | None
    row: dict
    published: dt.date | None
    source: str | None
    story: str | None = None  # the document this one near-duplicates, else itself


class Store:
    """A DuckDB event store; open it with ``Store.open(path)``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, lock: threading.Lock,
                 dedup_days: int, dedup_km: float, owner: bool = True):
        self._con = con
        self._lock = lock
        self._dedup_days = dedup_days
        self._dedup_km = dedup_km
        self._owner = owner
        self._run_id: int | None = None

    # -- opening and closing -------------------------------------------------

    @classmethod
    def open(cls, path: str = ":memory:", *, read_only: bool = False, dedup_days: int | None = None,
             dedup_km: float | None = None) -> Store:
        """Open (and create the schema of) a store; use it as a context manager.

        ``dedup_days`` and ``dedup_km`` (how mentions merge into events) default to the settings'."""
        defaults = Settings.defaults()
        dedup_days = defaults.dedup_days if dedup_days is None else dedup_days
        dedup_km = defaults.dedup_km if dedup_km is None else dedup_km
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        if not read_only:
            for statement in (*_SCHEMA, *_MIGRATIONS):
                con.execute(statement)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            store = cls(con, lock=threading.Lock(), dedup_days=dedup_days, dedup_km=dedup_km)
            if con.execute("SELECT (SELECT count(*) FROM actors) = 0 AND EXISTS (SELECT 1 FROM mentions)").fetchone()[0]:
                store.rebuild_actors()  # a schema-1 store: its actors table starts empty
            return store
        return cls(con, lock=threading.Lock(), dedup_days=dedup_days, dedup_km=dedup_km)

    def session(self) -> Store:
        """A Store on a new cursor of the same database, for one thread or request."""
        return Store(self._con.cursor(), lock=self._lock, dedup_days=self._dedup_days,
                     dedup_km=self._dedup_km, owner=False)

    def close(self) -> None:
        """Close the connection (or this session's cursor)."""
        if self._run_id is not None:
            try:
                self._con.execute("UPDATE runs SET finished_at = ? WHERE run_id = ?",
                                  [_now(), self._run_id])
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
                    inputs: Sequence[StoredInput] = (), duplicates: dict[str, str] | None = None) -> None:
        """Store documents, rejections and event mentions in one transaction; idempotent.

        ``inputs`` names the input documents the batch came from, with a hash of each and the
        cleaned documents it gave: stored in the same transaction, so ``unchanged_inputs``
        never claims a document whose events were lost, and documents an input no longer
        gives are dropped with their mentions. ``duplicates`` maps a document of the batch to
        the earlier document it near-duplicates (``dedup.DuplicateIndex``).
        """
        docs = {a.id: a for a in articles}  # last copy of a document wins
        mentions = {e.event_id: e for e in events}
        if coder_version is None:
            coder_version = next((e.coder_version for e in mentions.values()), None)
        con = self._con
        with self._lock:
            con.begin()
            try:
                gone = self._write_inputs(inputs, coder_version) - set(docs)
                doc_ids = sorted(set(docs) | {e.doc_id for e in mentions.values()} | gone)
                con.register("_batch_docs", pa.table({"doc_id": pa.array(doc_ids, _STR)}))
                old = con.execute(
                    "SELECT DISTINCT dyad_key, date, event_id FROM mentions "
                    "WHERE doc_id IN (SELECT doc_id FROM _batch_docs)").fetchall()
                old_actors = self._actor_keys_of("doc_id IN (SELECT doc_id FROM _batch_docs)")
                con.execute("DELETE FROM mentions WHERE doc_id IN (SELECT doc_id FROM _batch_docs)")
                if gone:
                    con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM _batch_docs) "
                                "AND doc_id NOT IN (SELECT unnest(?::VARCHAR[]))", [sorted(docs)])
                self._write_documents(list(docs.values()), coder_version)
                if duplicates:
                    self._insert_or_replace_duplicates(duplicates)
                self._write_rejected(rejected)
                new_rows = [_mention_row(e) for e in mentions.values()]
                self._insert("mentions", new_rows, _MENTION_SCHEMA)
                touched = {(key, date) for key, date, _ in old} | {(r["dyad_key"], r["date"]) for r in new_rows}
                self._recompute_events(touched, stale={event_id for _, _, event_id in old})
                new_actors = {_actor_key(r[f"{side}_code"], r[f"{side}_name"])
                              for r in new_rows for side in ("actor", "recipient") if r[f"{side}_name"]}
                self.rebuild_actors(old_actors | new_actors)
                self._log_run(coder_version, len(docs), len(rejected), len(new_rows))
                con.unregister("_batch_docs")
                con.commit()
            except Exception:
                con.rollback()
                raise
        logger.debug("stored %d documents, %d rejected, %d mentions",
                     len(docs), len(rejected), len(mentions))

    def _write_inputs(self, inputs: Sequence[StoredInput], coder_version: str | None) -> set[str]:
        "Record the batch's inputs; returns the documents they gave before."
        if not inputs:
            return set()
        table = pa.Table.from_pylist(
            [{"input_id": i.input_id, "input_hash": i.input_hash, "coder_version": coder_version,
              "doc_ids": list(i.doc_ids)} for i in {i.input_id: i for i in inputs}.values()],
            schema=pa.schema([("input_id", _STR), ("input_hash", _STR), ("coder_version", _STR),
                              ("doc_ids", pa.list_(_STR))]))
        con = self._con
        con.register("_inputs", table)
        before = {row[0] for row in con.execute(
            "SELECT DISTINCT unnest(doc_ids) FROM inputs WHERE input_id IN (SELECT input_id FROM _inputs)"
        ).fetchall()}
        con.execute("INSERT OR REPLACE INTO inputs SELECT * FROM _inputs")
        con.unregister("_inputs")
        return before

    def unchanged_inputs(self, coder_version: str) -> dict[str, str]:
        """Input id -> hash of every input stored with its documents by ``coder_version``."""
        return dict(self._con.execute(
            "SELECT input_id, input_hash FROM inputs WHERE coder_version = ?", [coder_version]).fetchall())

    def start_run(self, *, kind: str, coder_version: str | None) -> int:
        """Log a run (``ingest``, ``recode``, ``api``) now; later batches add their counts to it."""
        with self._lock:
            (run_id,) = self._con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()
            dictionary = coder_version.rpartition("+")[2] if coder_version and "+" in coder_version else None
            self._con.execute(
                "INSERT INTO runs (run_id, kind, coder_version, dictionary_hash, started_at, documents, "
                "rejected, events, skipped) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0)",
                [run_id, kind, coder_version, dictionary, _now()])
            self._run_id = run_id
        return run_id

    def add_skipped(self, n: int) -> None:
        """Count ``n`` inputs this run skipped as already stored."""
        if self._run_id is not None and n:
            self._con.execute("UPDATE runs SET skipped = skipped + ? WHERE run_id = ?", [n, self._run_id])

    def stored_documents(self, *, exclude_version: str | None = None) -> Iterator[Article]:
        """Stored documents as Articles in doc_id order (those coded by ``exclude_version`` left out)."""
        ids = [row[0] for row in self._con.execute(
            "SELECT doc_id FROM documents WHERE coder_version IS DISTINCT FROM ? ORDER BY doc_id",
            [exclude_version]).fetchall()]
        for start in range(0, len(ids), 256):  # a page at a time: writes may come in between
            rows = self._rows(
                "SELECT doc_id, text, title, published, url, source, kind, parent, language, origin "
                "FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY doc_id",
                [ids[start:start + 256]])
            for row in rows:
                yield Article(id=row.pop("doc_id"), **row)

    def mark_inputs_recoded(self, coder_version: str) -> None:
        """Mark inputs whose every document is now coded by ``coder_version`` as coded by it."""
        with self._lock:
            self._con.execute(
                "UPDATE inputs SET coder_version = ? WHERE coder_version IS DISTINCT FROM ? AND len(doc_ids) > 0 "
                "AND NOT EXISTS ("
                " SELECT 1 FROM documents d WHERE list_contains(inputs.doc_ids, d.doc_id)"
                " AND d.coder_version IS DISTINCT FROM ?)", [coder_version, coder_version, coder_version])

    def _actor_keys_of(self, where: str) -> set[str]:
        "The actor keys of the mentions matching ``where`` (a constant SQL condition)."
        rows = self._con.execute(
            f"SELECT DISTINCT actor_code, actor_name FROM mentions WHERE {where} UNION "  # where: a constant
            f"SELECT DISTINCT recipient_code, recipient_name FROM mentions WHERE {where} "
            "AND recipient_name IS NOT NULL").fetchall()
        return {_actor_key(code, name) for code, name in rows}

    def rebuild_actors(self, keys: set[str] | None = None) -> None:
        """Recount the actors table from the mentions (only ``keys`` when given)."""
        con = self._con
        filter_ = ""
        if keys is not None:
            if not keys:
                return
            con.register("_actor_keys", pa.table({"actor_key": pa.array(sorted(keys), _STR)}))
            filter_ = " WHERE actor_key IN (SELECT actor_key FROM _actor_keys)"
            con.execute("DELETE FROM actors" + filter_)
        else:
            con.execute("DELETE FROM actors")
        con.execute(
            "WITH sides AS ("
            " SELECT actor_code AS code, actor_name AS name, actor_sector AS sector, 1 AS a, 0 AS r, date"
            " FROM mentions UNION ALL"
            " SELECT recipient_code, recipient_name, recipient_sector, 0, 1, date FROM mentions"
            " WHERE recipient_name IS NOT NULL),"
            " keyed AS (SELECT coalesce(code, '') || chr(31) || name AS actor_key, * FROM sides),"
            " picked AS (SELECT * FROM keyed" + filter_ + "),"
            " per_sector AS (SELECT actor_key, sector, count(*) AS n FROM picked GROUP BY ALL)"
            " INSERT INTO actors SELECT p.actor_key, first(p.code), first(p.name),"
            "  (SELECT first(s.sector ORDER BY s.n DESC, s.sector NULLS LAST) FROM per_sector s"
            "   WHERE s.actor_key = p.actor_key),"
            "  count(*), sum(p.a), sum(p.r), min(p.date), max(p.date)"
            " FROM picked p GROUP BY p.actor_key")
        if keys is not None:
            con.unregister("_actor_keys")

    def _write_documents(self, articles: list[Article], coder_version: str | None) -> None:
        "Upsert documents; a document now coded leaves the rejected list."
        if not articles:
            return
        rows = [{"doc_id": a.id, "title": a.title, "text": a.text, "published": a.published,
                 "url": a.url, "source": a.source, "kind": a.kind, "parent": a.parent,
                 "language": a.language, "origin": a.origin, "content_hash": content_hash(a),
                 "coder_version": coder_version} for a in articles]
        table = pa.Table.from_pylist(rows, schema=_DOC_SCHEMA)
        self._con.register("_new_docs", table)
        self._con.execute("INSERT OR REPLACE INTO documents SELECT *, ? AS ingested_at FROM _new_docs",
                          [_now()])
        self._con.execute("DELETE FROM rejected WHERE doc_id IN (SELECT doc_id FROM _new_docs)")
        self._con.unregister("_new_docs")

    def _write_rejected(self, rejected: Sequence[Rejected]) -> None:
        "Record rejections once per (doc_id, reason)."
        if rejected:
            now = _now()
            self._con.executemany(
                "INSERT INTO rejected VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [[r.doc_id, r.reason, r.origin, now] for r in rejected])

    def _insert_or_replace_duplicates(self, duplicates: dict[str, str]) -> None:
        "Record near-duplicate links (inside the batch's transaction)."
        rows = [{"doc_id": d, "duplicate_of": c} for d, c in sorted(duplicates.items())]
        self._con.register("_dups", pa.Table.from_pylist(
            rows, schema=pa.schema([("doc_id", _STR), ("duplicate_of", _STR)])))
        self._con.execute("INSERT OR REPLACE INTO duplicates SELECT doc_id, duplicate_of FROM _dups")
        self._con.unregister("_dups")

    def original_articles(self) -> list[tuple[str, str | None, str]]:
        "(doc_id, title, text) of stored main articles that copy no earlier one, by id."
        return self._con.cursor().execute(
            "SELECT doc_id, title, coalesce(text, '') FROM documents WHERE kind = 'article' "
            "AND doc_id NOT IN (SELECT doc_id FROM duplicates) ORDER BY doc_id").fetchall()

    def duplicate_of(self) -> dict[str, str]:
        "Every recorded near-duplicate link: document id -> the earlier document it copies."
        return dict(self._con.cursor().execute("SELECT doc_id, duplicate_of FROM duplicates").fetchall())

    def _insert(self, table: str, rows: list[dict], schema: pa.Schema) -> None:
        "Insert dict rows through an Arrow table (columns by name)."
        if not rows:
            return
        self._con.register("_rows", pa.Table.from_pylist(rows, schema=schema))
        self._con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")  # table: a constant
        self._con.unregister("_rows")

    def _log_run(self, coder_version: str | None, documents: int, rejected: int, events: int) -> None:
        "Add this batch's counts to this Store's run row (inside the batch's transaction)."
        if self._run_id is None:
            (run_id,) = self._con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()
            dictionary = coder_version.rpartition("+")[2] if coder_version and "+" in coder_version else None
            self._con.execute(
                "INSERT INTO runs (run_id, kind, coder_version, dictionary_hash, started_at, documents, "
                "rejected, events, skipped) VALUES (?, 'write', ?, ?, ?, 0, 0, 0, 0)",
                [run_id, coder_version, dictionary, _now()])
            self._run_id = run_id
        self._con.execute(
            "UPDATE runs SET documents = documents + ?, rejected = rejected + ?, events = events + ?, "
            "finished_at = ? WHERE run_id = ?", [documents, rejected, events, _now(), self._run_id])

    # -- deduplication ----------------------------------------------------------

    def _recompute_events(self, touched: set[tuple[str, dt.date | None]], *, stale: set[str]) -> None:
        """Re-cluster the mentions near each touched (dyad, date) and rewrite their events.

        Within one dyad, mentions whose dates are more than ``dedup_days`` from every earlier
        one start a fresh run that no earlier cluster can reach, so the greedy clustering of
        a whole dyad is the union of its runs' clusterings: only the runs within
        ``dedup_days`` of a touched date (and the undated mentions of a touched dyad) change.
        ``stale`` names the events of deleted mentions, which are dropped too.
        """
        if not touched:
            return
        con = self._con
        con.register("_touched", pa.Table.from_pylist(
            [{"dyad_key": k, "date": d} for k, d in sorted(touched, key=lambda kd: (kd[0], kd[1] or dt.date.min))],
            schema=pa.schema([("dyad_key", _STR), ("date", _D)])))
        days = self._dedup_days
        cur = con.execute(
            """WITH dates AS (
                   SELECT DISTINCT dyad_key, date FROM mentions
                   WHERE date IS NOT NULL AND dyad_key IN (SELECT dyad_key FROM _touched)),
               gaps AS (
                   SELECT dyad_key, date, lag(date) OVER (PARTITION BY dyad_key ORDER BY date) AS prev FROM dates),
               runs AS (
                   SELECT dyad_key, date, sum(CASE WHEN prev IS NULL OR date - prev > ? THEN 1 ELSE 0 END)
                          OVER (PARTITION BY dyad_key ORDER BY date ROWS UNBOUNDED PRECEDING) AS run FROM gaps),
               hit AS (
                   SELECT DISTINCT r.dyad_key, r.run FROM runs r JOIN _touched t
                   ON r.dyad_key = t.dyad_key AND r.date BETWEEN t.date - ? AND t.date + ?),
               chosen AS (
                   SELECT m.mention_id FROM mentions m
                   JOIN runs r ON m.dyad_key = r.dyad_key AND m.date = r.date
                   JOIN hit h ON h.dyad_key = r.dyad_key AND h.run = r.run
                   UNION ALL
                   SELECT mention_id FROM mentions WHERE date IS NULL AND dyad_key IN
                       (SELECT dyad_key FROM _touched WHERE date IS NULL))
               SELECT m.*, d.published AS _published, d.source AS _source,
                      coalesce(x.duplicate_of, m.doc_id) AS _story FROM mentions m
               LEFT JOIN documents d USING (doc_id) LEFT JOIN duplicates x USING (doc_id)
               WHERE m.mention_id IN (SELECT mention_id FROM chosen)
               ORDER BY m.dyad_key, m.date NULLS LAST, m.mention_id""", [days, days, days])
        names = [c[0] for c in cur.description]
        by_key: dict[str, list[_Mention]] = {}
        for values in cur.fetchall():
            row = dict(zip(names, values))
            by_key.setdefault(row["dyad_key"], []).append(_Mention(
                mention_id=row["mention_id"], doc_id=row["doc_id"], date=row["date"],
                country=row["location_country"], lat=row["location_lat"], lon=row["location_lon"],
                place=(row["location_name"] or "").casefold() or None, row=row,
                published=row.pop("_published"), source=row.pop("_source"), story=row.pop("_story")))
        existing = {r[0] for r in con.execute(
            "SELECT event_id FROM events WHERE dyad_key IN (SELECT dyad_key FROM _touched)").fetchall()}
        claimed: set[str] = set()
        clusters = [(key, cluster) for key, members in by_key.items() for cluster in self._cluster(members)]
        ids: list[str | None] = []
        for _key, cluster in clusters:
            # an event keeps the id it already had when new mentions join it (as ACLED's
            # event ids do); a new event takes its smallest free mention id
            prior = sorted({m.row["event_id"] for m in cluster} & existing - claimed)
            ids.append(prior[0] if prior else None)
            claimed.update(prior[:1])
        for cluster in (c for _k, c in clusters):
            stale.update(m.row["event_id"] for m in cluster)
        kept = existing - stale  # events of untouched clusters stay in the table
        assignments: list[dict] = []
        event_rows: list[dict] = []
        for (key, cluster), event_id in zip(clusters, ids):
            if event_id is None:
                free = sorted(m.mention_id for m in cluster if m.mention_id not in claimed | kept)
                event_id = free[0] if free else hashlib.sha1(
                    "|".join(sorted(m.mention_id for m in cluster)).encode()).hexdigest()[:16]
                claimed.add(event_id)
            event = _event_row(key, cluster, event_id=event_id)
            event_rows.append(event)
            for m in cluster:
                if m.row["event_id"] != event["event_id"]:
                    assignments.append({"mention_id": m.mention_id, "event_id": event["event_id"]})
        if assignments:
            con.register("_assign", pa.Table.from_pylist(
                assignments, schema=pa.schema([("mention_id", _STR), ("event_id", _STR)])))
            con.execute("UPDATE mentions SET event_id = a.event_id FROM _assign a "
                        "WHERE mentions.mention_id = a.mention_id")
            con.unregister("_assign")
        if stale:
            con.register("_stale", pa.table({"event_id": pa.array(sorted(stale), _STR)}))
            con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _stale)")
            con.unregister("_stale")
        self._insert("events", event_rows, _EVENT_SCHEMA)
        con.unregister("_touched")

    def _cluster(self, members: list[_Mention]) -> list[list[_Mention]]:
        "Greedy complete-linkage clusters of one dyad's mentions, in (date, mention_id) order."
        done: list[list[_Mention]] = []
        open_: list[list[_Mention]] = []
        for m in members:  # sorted by date (None last), then mention_id
            still_open = []
            for cluster in open_:
                if m.date is not None and cluster[0].date is not None and \
                        (m.date - cluster[0].date).days > self._dedup_days:
                    done.append(cluster)  # dates only grow: nothing later can join it
                else:
                    still_open.append(cluster)
            open_ = still_open
            for cluster in open_:
                if all(self._same_event(m, other) for other in cluster):
                    cluster.append(m)
                    break
            else:
                open_.append([m])
        return done + open_

    def _same_event(self, a: _Mention, b: _Mention) -> bool:
        "Whether two mentions of one dyad are close enough in time and place to be one event."
        if (a.date is None) != (b.date is None):
            return False
        if a.date is not None and abs((a.date - b.date).days) > self._dedup_days:
            return False
        if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
            return _haversine_km(a.lat, a.lon, b.lat, b.lon) <= self._dedup_km
        if a.country and b.country:
            return a.country == b.country
        if a.place and b.place and not (a.country or b.country):
            return a.place == b.place
        return True  # a missing place contradicts nothing

    # -- queries ---------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence = ()) -> list[dict]:
        "Run a parameterized query and return dict rows."
        cur = self._con.execute(sql, list(params))
        names = [c[0] for c in cur.description]
        return [dict(zip(names, values)) for values in cur.fetchall()]

    def events(self, *, actor: str | None = None, recipient: str | None = None,
               either: str | None = None, event_type: str | None = None,
               types: Sequence[str] | None = None, quad_class: int | None = None,
               country: str | None = None, since: dt.date | str | None = None,
               until: dt.date | str | None = None, text: str | None = None,
               limit: int | None = 100, cursor: str | None = None,
               include_hypothetical: bool = False) -> list[dict]:
        """Deduplicated events, newest first; ``actor``/``recipient``/``either`` match a code or a name.

        ``text`` searches the sentences of the event's mentions; negated and hypothetical
        events are left out unless ``include_hypothetical``. Pass ``encode_cursor(rows[-1])``
        as ``cursor`` for the next page.
        """
        sql, params = self._events_sql(**_options(locals()))
        return self._rows(sql, params)

    def events_arrow(self, *, actor: str | None = None, recipient: str | None = None,
                     either: str | None = None, event_type: str | None = None,
                     types: Sequence[str] | None = None, quad_class: int | None = None,
                     country: str | None = None, since: dt.date | str | None = None,
                     until: dt.date | str | None = None, text: str | None = None,
                     limit: int | None = None, cursor: str | None = None,
                     include_hypothetical: bool = False) -> pa.Table:
        """The same selection as ``events`` as an Arrow table (no row limit by default)."""
        sql, params = self._events_sql(**_options(locals()))
        return self._con.sql(sql, params=params).to_arrow_table()

    def _events_sql(self, *, actor, recipient, either, event_type, types, quad_class, country,
                    since, until, text, limit, cursor, include_hypothetical) -> tuple[str, list]:
        "The SQL and parameters of one event selection."
        where, params = [], []
        for column, value in (("actor", actor), ("recipient", recipient)):
            if value:
                where.append(self._party_filter(column, value, params))
        if either:
            where.append(f"({self._party_filter('actor', either, params)} OR "
                         f"{self._party_filter('recipient', either, params)})")
        wanted = [t.upper() for t in ([event_type] if event_type else []) + list(types or [])]
        if wanted:
            where.append(f"event_type IN ({', '.join('?' * len(wanted))})")
            params += wanted
        if quad_class is not None:
            where.append("quad_class = ?")
            params.append(int(quad_class))
        if country:
            where.append("country = upper(?)")
            params.append(country)
        if since:
            where.append("date >= ?")
            params.append(_as_date(since))
        if until:
            where.append("date <= ?")
            params.append(_as_date(until))
        if text:
            where.append("event_id IN (SELECT event_id FROM mentions "
                         "WHERE contains(lower(sentence), lower(?)))")
            params.append(text)
        if not include_hypothetical:
            where.append("NOT negated AND NOT hypothetical")
        if cursor:
            after_date, after_id = _decode_cursor(cursor)
            if after_date == dt.date.min:  # the cursor is among the undated events, which come last
                where.append("(date IS NULL AND event_id > ?)")
                params.append(after_id)
            else:
                where.append("(date < ? OR (date = ? AND event_id > ?) OR date IS NULL)")
                params += [after_date, after_date, after_id]
        sql = f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        # a plain column first: DuckDB's top-N then skips row groups by their date range
        # (ordering by an expression of it made a page of 100 scan every row: 25x slower)
        sql += " ORDER BY date DESC NULLS LAST, event_id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return sql, params

    def query_arrow(self, sql: str, params: Sequence = (), *, batch_rows: int = 10_000) -> pa.RecordBatchReader:
        """Stream a parameterized read-only query as Arrow record batches."""
        return self._con.sql(sql, params=list(params)).to_arrow_reader(batch_rows)

    def _party_filter(self, column: str, value: str, params: list) -> str:
        """SQL matching ``value`` as the code or (any case) the name of ``column`` (actor, recipient).

        Names are looked up in the small actors table first, so the scan of the events table
        compares dictionary-encoded strings for equality instead of lower-casing every row.
        """
        # a name whose every actor has this code adds nothing to the code test: leave it out
        names = [row[0] for row in self._con.execute(
            "SELECT DISTINCT name FROM actors WHERE lower(name) = lower(?) AND name IN "
            "(SELECT name FROM actors WHERE code IS DISTINCT FROM upper(?))", [value, value]).fetchall()]
        params.append(value.upper())
        if not names:
            return f"{column}_code = ?"
        params += sorted(names)  # a constant IN list: DuckDB pushes it into the scan
        return f"({column}_code = ? OR {column}_name IN ({', '.join('?' * len(names))}))"

    def event(self, event_id: str) -> dict | None:
        """One deduplicated event, or None."""
        rows = self._rows(f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events WHERE event_id = ?", [event_id])
        return rows[0] if rows else None

    def mentions_of(self, event_id: str) -> list[dict]:
        """The mentions of one event with their documents' title, url, source and date."""
        return self._rows(
            "SELECT m.* EXCLUDE (dyad_key), d.title AS doc_title, d.url AS doc_url, "
            "d.source AS doc_source, d.published AS doc_published FROM mentions m "
            "LEFT JOIN documents d USING (doc_id) WHERE m.event_id = ? "
            "ORDER BY d.published NULLS LAST, m.doc_id, m.section DESC, m.sentence_start, m.mention_id",
            [event_id])

    def document(self, doc_id: str) -> dict | None:
        """One stored document (cleaned text), or None."""
        rows = self._rows("SELECT * FROM documents WHERE doc_id = ?", [doc_id])
        return rows[0] if rows else None

    def known_doc_ids(self) -> set[str]:
        """Every stored document id."""
        return {row[0] for row in self._con.execute("SELECT doc_id FROM documents").fetchall()}

    def has_document(self, doc_id: str, content_hash: str, *, coder_version: str | None = None) -> bool:
        """Whether this document is stored unchanged (and coded by ``coder_version`` if given)."""
        row = self._con.execute("SELECT content_hash, coder_version FROM documents WHERE doc_id = ?",
                                [doc_id]).fetchone()
        if row is None or row[0] != content_hash:
            return False
        return coder_version is None or row[1] == coder_version

    def dyad_series(self, a: str, b: str, *, freq: str = "week", directed: bool = True,
                    include_hypothetical: bool = False) -> list[dict]:
        """Events from ``a`` to ``b`` (both ways unless ``directed``) per period: counts per quad class, mean score."""
        if freq not in _FREQS:
            raise InputError(f"freq must be one of {', '.join(_FREQS)}, not {freq!r}")
        params: list = []
        where = [f"({self._party_filter('actor', a, params)} AND {self._party_filter('recipient', b, params)})"]
        if not directed:
            where = [f"({where[0]} OR ({self._party_filter('actor', b, params)} AND "
                     f"{self._party_filter('recipient', a, params)}))"]
        if not include_hypothetical:
            where.append("NOT negated AND NOT hypothetical")
        sql = (
            "SELECT CAST(date_trunc(?, date) AS DATE) AS period, count(*) AS events, "
            + ", ".join(f"count(*) FILTER (WHERE quad_class = {q}) AS quad{q}" for q in (1, 2, 3, 4))
            + ", avg(score) AS mean_score FROM events WHERE date IS NOT NULL AND "
            + " AND ".join(where) + " GROUP BY period ORDER BY period")
        return self._rows(sql, [freq, *params])

    def summary(self, *, top: int = 10) -> dict:
        """Counts of documents, rejections, mentions and events; events per type; top dyads."""
        con = self._con
        count = {name: con.execute(sql).fetchone()[0] for name, sql in (
            ("documents", "SELECT count(*) FROM documents"),
            ("rejected", "SELECT count(DISTINCT doc_id) FROM rejected"),
            ("mentions", "SELECT count(*) FROM mentions"),
            ("events", "SELECT count(*) FROM events"))}
        by_type = dict(con.execute(
            "SELECT event_type, count(*) FROM events GROUP BY event_type ORDER BY event_type").fetchall())
        top_dyads = [tuple(row) for row in con.execute(
            "SELECT coalesce(actor_code, actor_name) AS a, coalesce(recipient_code, recipient_name) AS b, "
            "count(*) AS n FROM events GROUP BY a, b ORDER BY n DESC, a, b NULLS FIRST LIMIT ?",
            [top]).fetchall()]
        return {**count, "by_type": by_type, "top_dyads": top_dyads}

    def actors(self, q: str | None = None, *, limit: int = 100) -> list[dict]:
        """Actors (code, name) with their event counts as actor and as recipient."""
        sql = (
            "WITH sides AS ("
            " SELECT actor_code AS code, actor_name AS name, 1 AS as_actor, 0 AS as_recipient FROM events"
            " UNION ALL SELECT recipient_code, recipient_name, 0, 1 FROM events WHERE recipient_name IS NOT NULL)"
            " SELECT code, name, sum(as_actor)::INTEGER AS as_actor, sum(as_recipient)::INTEGER AS as_recipient,"
            " count(*) AS events FROM sides")
        params: list = []
        if q:
            sql += " WHERE contains(lower(name), lower(?)) OR code = upper(?)"
            params += [q, q]
        sql += " GROUP BY code, name ORDER BY events DESC, name LIMIT ?"
        return self._rows(sql, [*params, limit])

    def network(self, since: dt.date | None = None, until: dt.date | None = None, *,
                limit: int = 200) -> dict:
        """Directed actor-to-recipient edges (counts per quad class, mean score) and their nodes."""
        where, params = ["recipient_name IS NOT NULL", "NOT negated", "NOT hypothetical"], []
        if since:
            where.append("date >= ?")
            params.append(since)
        if until:
            where.append("date <= ?")
            params.append(until)
        edges = self._rows(
            "SELECT coalesce(actor_code, actor_name) AS source, coalesce(recipient_code, recipient_name) AS target, "
            "count(*) AS events, "
            + ", ".join(f"count(*) FILTER (WHERE quad_class = {q}) AS quad{q}" for q in (1, 2, 3, 4))
            + ", avg(score) AS mean_score FROM events WHERE " + " AND ".join(where)
            + " GROUP BY source, target ORDER BY events DESC, source, target LIMIT ?", [*params, limit])
        weight: dict[str, int] = {}
        for edge in edges:
            for end in (edge["source"], edge["target"]):
                weight[end] = weight.get(end, 0) + edge["events"]
        nodes = [{"id": node, "events": n} for node, n in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))]
        return {"nodes": nodes, "edges": edges}

    def stats(self) -> dict:
        """Table sizes, date range, coder versions and the latest runs."""
        con = self._con
        tables = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # t: a constant
                  for t in ("documents", "rejected", "mentions", "events", "runs")}
        first, last = con.execute("SELECT min(date), max(date) FROM events").fetchone()
        versions = [row[0] for row in con.execute(
            "SELECT DISTINCT coder_version FROM documents WHERE coder_version IS NOT NULL ORDER BY 1").fetchall()]
        reasons = dict(con.execute(
            "SELECT reason, count(*) FROM rejected GROUP BY reason ORDER BY 2 DESC, 1").fetchall())
        runs = self._rows("SELECT * FROM runs ORDER BY run_id DESC LIMIT 5")
        return {"tables": tables, "first_date": first, "last_date": last, "coder_versions": versions,
                "rejected_reasons": reasons, "runs": runs, "schema_version": SCHEMA_VERSION}


def _mention_row(e: Event) -> dict:
    "The mentions row of one Event record."
    loc, rec = e.location, e.recipient
    return {
        "mention_id": e.event_id, "event_id": e.event_id, "doc_id": e.doc_id,
        "dyad_key": dyad_key(e.event_type, e.actor.code, e.actor.name,
                             rec.code if rec else None, rec.name if rec else None),
        "sentence": e.sentence, "sentence_start": e.sentence_start, "sentence_end": e.sentence_end,
        "section": e.section, "trigger": e.trigger, "negated": e.negated,
        "hypothetical": e.hypothetical, "confidence": e.confidence, "coder_version": e.coder_version,
        "date": e.date, "date_precision": e.date_precision, "event_type": e.event_type,
        "mode": e.mode, "contexts": list(e.contexts),
        "actor_text": e.actor.text, "actor_name": e.actor.name, "actor_code": e.actor.code,
        "actor_sector": e.actor.sector,
        "recipient_text": rec.text if rec else None, "recipient_name": rec.name if rec else None,
        "recipient_code": rec.code if rec else None, "recipient_sector": rec.sector if rec else None,
        "location_text": loc.text if loc else None, "location_name": loc.name if loc else None,
        "location_country": loc.country if loc else None, "location_admin1": loc.admin1 if loc else None,
        "location_lat": loc.lat if loc else None, "location_lon": loc.lon if loc else None,
        "location_precision": loc.precision if loc else None,
        "location_geonameid": loc.geonameid if loc else None,
        "quad_class": e.quad_class, "cameo": e.cameo, "score": e.score, "doc_kind": e.doc_kind,
        "extra": None,  # kept in the schema (version 2); no stage writes it
    }


def _event_row(key: str, cluster: list[_Mention], *, event_id: str) -> dict:
    "Aggregate one cluster of mentions into an events row."
    # the root: the most confident asserted mention, ties to the smallest id
    root = min(cluster, key=lambda m: (m.row["negated"] or m.row["hypothetical"],
                                       -(m.row["confidence"] or 0.0), m.mention_id)).row
    dated = [m for m in cluster if m.date is not None]
    first = min(dated, key=lambda m: (m.date, m.mention_id)) if dated else None
    placed = [m for m in cluster if m.row["location_name"] is not None]
    place = min(placed, key=lambda m: (-(m.row["confidence"] or 0.0), m.mention_id)).row if placed else {}
    seen = [m.published or m.date for m in cluster if (m.published or m.date) is not None]
    return {
        "event_id": event_id, "dyad_key": key, "event_type": root["event_type"], "mode": root["mode"],
        "contexts": sorted({c for m in cluster for c in (m.row["contexts"] or [])}),
        "actor_code": root["actor_code"], "actor_name": root["actor_name"],
        "actor_sector": root["actor_sector"], "recipient_code": root["recipient_code"],
        "recipient_name": root["recipient_name"], "recipient_sector": root["recipient_sector"],
        "date": first.date if first else None,
        "date_precision": first.row["date_precision"] if first else root["date_precision"],
        "location_name": place.get("location_name"), "country": place.get("location_country"),
        "lat": place.get("location_lat"), "lon": place.get("location_lon"),
        "quad_class": root["quad_class"], "cameo": root["cameo"], "score": root["score"],
        "confidence": max(m.row["confidence"] or 0.0 for m in cluster),
        "num_mentions": len(cluster), "num_documents": len({m.doc_id for m in cluster}),
        "num_sources": len({m.source for m in cluster if m.source}),
        "num_stories": len({m.story for m in cluster}),
        "first_seen": min(seen) if seen else None, "last_seen": max(seen) if seen else None,
        "negated": all(m.row["negated"] for m in cluster),
        "hypothetical": all(m.row["hypothetical"] for m in cluster),
        "root_mention_id": root["mention_id"], "doc_id": root["doc_id"], "sentence": root["sentence"],
        "coder_version": root["coder_version"],
    }


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    "Great-circle distance in kilometres."
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


def _options(scope: dict) -> dict:
    "A method's keyword options from its ``locals()``."
    return {k: v for k, v in scope.items() if k not in ("self", "__class__")}


def _as_date(value: dt.date | str) -> dt.date:
    "A date from a date, a datetime or an ISO string; InputError otherwise."
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise InputError(f"not an ISO date: {value!r}") from exc


def _now() -> dt.datetime:
    "The current UTC time, naive (DuckDB TIMESTAMP)."
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


__all__ = ["Store", "StoredInput", "content_hash", "dyad_key", "encode_cursor", "input_hash"]
