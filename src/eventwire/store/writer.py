"""What one batch writes: documents, rejections, mentions, inputs, near-duplicates, actors, runs.

INTERFACE (functions of a connection; a batch runs them inside its transaction):

    write_batch(con, docs, rejected, mentions, *, coder_version, inputs, duplicates,
                dedup_days, dedup_km)    replace the batch's documents and mentions, merge the
                                         new mentions into events, recount their actors;
                                         returns the ids of the events it touched
    rebuild_actors(con, keys=None)       recount the actors table (only ``keys`` when given)
    mark_inputs_recoded(con, coder_version)  inputs whose documents are all re-coded by it
    insert_run(con, *, kind, coder_version) -> run_id    a new row in runs, counts zero
    add_run_counts(con, run_id, *, documents, rejected, events) / add_skipped(con, run_id, n)
    finish_run(con, run_id)
    StoredInput(input_id, input_hash, doc_ids)   one input document of a batch
    input_hash(article), content_hash(article)   hashes of what cleaning / coding reads
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ..records import Article, Event, Rejected
from .clustering import assign_events, dyad_key, rebuild_events
from .schema import DOC_SCHEMA, MENTION_SCHEMA, STR, insert_rows


@dataclass(frozen=True, slots=True)
class StoredInput:
    """One input document of a batch: its id, a hash of it, and the cleaned documents it gave."""

    input_id: str
    input_hash: str
    doc_ids: tuple[str, ...]


def content_hash(article: Article) -> str:
    "A hash of what the coder reads from a document: its title and cleaned text."
    digest = hashlib.sha256()
    digest.update((article.title or "").encode("utf-8"))
    digest.update(b"\x00")
    digest.update(article.text.encode("utf-8"))
    return digest.hexdigest()[:32]


def input_hash(article: Article) -> str:
    "A hash of everything cleaning reads from an input document."
    digest = hashlib.sha256()
    for value in (article.id, article.title, article.text, article.html, article.published,
                  article.url, article.source, article.kind, article.parent, article.language):
        digest.update(b"\x00" if value is None else b"\x01" + str(value).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:32]


def _now() -> dt.datetime:
    "The current UTC time, naive (DuckDB TIMESTAMP)."
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def write_batch(con: duckdb.DuckDBPyConnection, docs: Mapping[str, Article], rejected: Sequence[Rejected],
                mentions: Mapping[str, Event], *, coder_version: str | None, inputs: Sequence[StoredInput],
                duplicates: dict[str, str] | None, dedup_days: int, dedup_km: float) -> set[str]:
    """Replace the batch's documents and mentions, merge the new mentions into events, recount actors;
    returns the ids of the events the batch created, changed or emptied.

    Documents are taken in stream order: a re-coded or changed document's old mentions leave its
    events (rebuilt from the mentions they keep) just before its new mentions look for theirs
    (``clustering.assign_events``), so how a stream is cut into batches never changes its events."""
    gone = _write_inputs(con, inputs, coder_version) - set(docs)
    doc_ids = sorted(set(docs) | {e.doc_id for e in mentions.values()} | gone)
    con.register("_batch_docs", pa.table({"doc_id": pa.array(doc_ids, STR)}))
    old = dict(con.execute("SELECT doc_id, list(DISTINCT event_id) FROM mentions "
                           "WHERE doc_id IN (SELECT doc_id FROM _batch_docs) GROUP BY doc_id").fetchall())
    old_actors = _actor_keys_of(con, "doc_id IN (SELECT doc_id FROM _batch_docs)")
    if gone:
        con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM _batch_docs) "
                    "AND doc_id NOT IN (SELECT unnest(?::VARCHAR[]))", [sorted(docs)])
    _write_documents(con, list(docs.values()), coder_version)
    if duplicates:
        _write_duplicates(con, duplicates)
    _write_rejected(con, rejected)
    new_rows = [_mention_row(e) for e in mentions.values()]
    rows_by_doc: dict[str, list[dict]] = {}
    for row in new_rows:
        rows_by_doc.setdefault(row["doc_id"], []).append(row)
    segment: list[dict] = []
    changed: set[str] = set()
    for doc_id in [*sorted(gone), *docs, *(d for d in rows_by_doc if d not in docs)]:
        if doc_id in old:
            changed |= _merge(con, segment, dedup_days=dedup_days, dedup_km=dedup_km)
            segment = []
            con.execute("DELETE FROM mentions WHERE doc_id = ?", [doc_id])
            emptied = set(old.pop(doc_id))
            rebuild_events(con, emptied)
            changed |= emptied
        segment.extend(rows_by_doc.pop(doc_id, []))
    changed |= _merge(con, segment, dedup_days=dedup_days, dedup_km=dedup_km)
    new_actors = {_actor_key(r[f"{side}_code"], r[f"{side}_name"])
                  for r in new_rows for side in ("actor", "recipient") if r[f"{side}_name"]}
    rebuild_actors(con, old_actors | new_actors)
    con.unregister("_batch_docs")
    return changed


def _merge(con: duckdb.DuckDBPyConnection, rows: list[dict], *, dedup_days: int, dedup_km: float) -> set[str]:
    "Give new mentions rows their events, store them, and rewrite the events they touched (returned)."
    if not rows:
        return set()
    touched = assign_events(con, rows, dedup_days=dedup_days, dedup_km=dedup_km)
    insert_rows(con, "mentions", rows, MENTION_SCHEMA)
    rebuild_events(con, touched)
    return touched


def _write_inputs(con: duckdb.DuckDBPyConnection, inputs: Sequence[StoredInput],
                  coder_version: str | None) -> set[str]:
    "Record the batch's inputs; returns the documents they gave before."
    if not inputs:
        return set()
    table = pa.Table.from_pylist(
        [{"input_id": i.input_id, "input_hash": i.input_hash, "coder_version": coder_version,
          "doc_ids": list(i.doc_ids)} for i in {i.input_id: i for i in inputs}.values()],
        schema=pa.schema([("input_id", STR), ("input_hash", STR), ("coder_version", STR),
                          ("doc_ids", pa.list_(STR))]))
    con.register("_inputs", table)
    before = {row[0] for row in con.execute(
        "SELECT DISTINCT unnest(doc_ids) FROM inputs WHERE input_id IN (SELECT input_id FROM _inputs)"
    ).fetchall()}
    con.execute("INSERT OR REPLACE INTO inputs SELECT * FROM _inputs")
    con.unregister("_inputs")
    return before


def _write_documents(con: duckdb.DuckDBPyConnection, articles: list[Article], coder_version: str | None) -> None:
    "Upsert documents; a document now coded leaves the rejected list."
    if not articles:
        return
    rows = [{"doc_id": a.id, "title": a.title, "text": a.text, "published": a.published,
             "url": a.url, "source": a.source, "kind": a.kind, "parent": a.parent,
             "language": a.language, "origin": a.origin, "content_hash": content_hash(a),
             "coder_version": coder_version} for a in articles]
    con.register("_new_docs", pa.Table.from_pylist(rows, schema=DOC_SCHEMA))
    con.execute("INSERT OR REPLACE INTO documents SELECT *, ? AS ingested_at FROM _new_docs", [_now()])
    con.execute("DELETE FROM rejected WHERE doc_id IN (SELECT doc_id FROM _new_docs)")
    con.unregister("_new_docs")


def _write_rejected(con: duckdb.DuckDBPyConnection, rejected: Sequence[Rejected]) -> None:
    "Record rejections once per (doc_id, reason)."
    if rejected:
        stamp = _now()
        con.executemany("INSERT INTO rejected VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        [[r.doc_id, r.reason, r.origin, stamp] for r in rejected])


def _write_duplicates(con: duckdb.DuckDBPyConnection, duplicates: dict[str, str]) -> None:
    "Record near-duplicate links."
    rows = [{"doc_id": d, "duplicate_of": c} for d, c in sorted(duplicates.items())]
    con.register("_dups", pa.Table.from_pylist(rows, schema=pa.schema([("doc_id", STR), ("duplicate_of", STR)])))
    con.execute("INSERT OR REPLACE INTO duplicates SELECT doc_id, duplicate_of FROM _dups")
    con.unregister("_dups")


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


def mark_inputs_recoded(con: duckdb.DuckDBPyConnection, coder_version: str) -> None:
    "Mark inputs whose every document is now coded by ``coder_version`` as coded by it."
    con.execute(
        "UPDATE inputs SET coder_version = ? WHERE coder_version IS DISTINCT FROM ? AND len(doc_ids) > 0 "
        "AND NOT EXISTS ("
        " SELECT 1 FROM documents d WHERE list_contains(inputs.doc_ids, d.doc_id)"
        " AND d.coder_version IS DISTINCT FROM ?)", [coder_version, coder_version, coder_version])


# -- actors ----------------------------------------------------------------------

def _actor_key(code: str | None, name: str) -> str:
    "The actors table key: code and name (as ``rebuild_actors`` builds it in SQL)."
    return f"{code or ''}\x1f{name}"


def _actor_keys_of(con: duckdb.DuckDBPyConnection, where: str) -> set[str]:
    "The actor keys of the mentions matching ``where`` (a constant SQL condition)."
    rows = con.execute(
        f"SELECT DISTINCT actor_code, actor_name FROM mentions WHERE {where} UNION "  # where: a constant
        f"SELECT DISTINCT recipient_code, recipient_name FROM mentions WHERE {where} "
        "AND recipient_name IS NOT NULL").fetchall()
    return {_actor_key(code, name) for code, name in rows}


def rebuild_actors(con: duckdb.DuckDBPyConnection, keys: set[str] | None = None) -> None:
    "Recount the actors table from the mentions (only ``keys`` when given)."
    filter_ = ""
    if keys is not None:
        if not keys:
            return
        con.register("_actor_keys", pa.table({"actor_key": pa.array(sorted(keys), STR)}))
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


# -- runs --------------------------------------------------------------------------

def insert_run(con: duckdb.DuckDBPyConnection, *, kind: str, coder_version: str | None) -> int:
    "Log a new run (``ingest``, ``recode``, ``api``, ``write``) with zero counts; returns its id."
    (run_id,) = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()
    dictionary = coder_version.rpartition("+")[2] if coder_version and "+" in coder_version else None
    con.execute(
        "INSERT INTO runs (run_id, kind, coder_version, dictionary_hash, started_at, documents, "
        "rejected, events, skipped) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0)",
        [run_id, kind, coder_version, dictionary, _now()])
    return run_id


def add_run_counts(con: duckdb.DuckDBPyConnection, run_id: int, *, documents: int, rejected: int,
                   events: int) -> None:
    "Add a batch's counts to a run and mark it finished now."
    con.execute(
        "UPDATE runs SET documents = documents + ?, rejected = rejected + ?, events = events + ?, "
        "finished_at = ? WHERE run_id = ?", [documents, rejected, events, _now(), run_id])


def add_skipped(con: duckdb.DuckDBPyConnection, run_id: int, n: int) -> None:
    "Count ``n`` inputs a run skipped as already stored."
    con.execute("UPDATE runs SET skipped = skipped + ? WHERE run_id = ?", [n, run_id])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    "Mark a run finished now."
    con.execute("UPDATE runs SET finished_at = ? WHERE run_id = ?", [_now(), run_id])


__all__ = ["StoredInput", "add_run_counts", "add_skipped", "content_hash", "finish_run", "input_hash", "insert_run",
           "mark_inputs_recoded", "rebuild_actors", "write_batch"]
