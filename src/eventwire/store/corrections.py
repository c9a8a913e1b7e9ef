"""Analyst corrections: an append-only trail anchored to mentions, applied by every read.

INTERFACE (functions of a connection; ``Store`` and ``Queryable`` call them):

    FIELDS                                   the correctable event columns (and ``status``)
    DERIVED                                  quad_class, cameo, score: set by the caller with a new type
    EXTRA_COLUMNS                            columns a listing gains once the store holds corrections:
                                             corrected, review_status, coder_agrees
    has_corrections(con) -> bool             whether any correction is stored (a store without
                                             any reads the events table as before, byte for byte)
    events_source(con, *, include_rejected=False, alias="events") -> str
        # what a read selects FROM: the events table, or the events with corrections applied (as ``alias``)
    add(con, event_id, changes, *, analyst, note, reverts=()) -> list[int]   # correction ids
    relink(con)                              re-anchor every correction to the mention it names
    trail(con, event_id) -> list[dict]       the corrections that apply to an event, oldest first
    corrected_events(con) -> list[dict]      every linked corrected or confirmed event with its root mention

A correction row holds who (``analyst``), when (``created_at``), the ``field``, ``before`` and
``after`` (text; NULL after = the field set to nothing), ``op`` (``set``, or ``revert``: back to
the coder's value) and a ``note``. Nothing is updated or deleted: the latest row per event and
field wins. Each row is anchored to the event's root mention when it was made: document,
section, sentence offsets and the coded type, actor and recipient codes (``anchor_id`` hashes
them). ``relink`` (run after every batch, so after ``recode --all``, re-ingest and merging)
finds, in the same sentence, the mention with the same coded values, else the one the coder now
types as the analyst did, else the sentence's only mention; an anchor with two candidates and
no clear match links to nothing rather than to the wrong event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence

import duckdb


# field -> SQL type of its values
FIELDS: dict[str, str] = {
    "event_type": "VARCHAR", "mode": "VARCHAR",
    "actor_code": "VARCHAR", "actor_name": "VARCHAR", "actor_sector": "VARCHAR",
    "recipient_code": "VARCHAR", "recipient_name": "VARCHAR", "recipient_sector": "VARCHAR",
    "date": "DATE", "date_precision": "VARCHAR",
    "location_name": "VARCHAR", "country": "VARCHAR", "lat": "DOUBLE", "lon": "DOUBLE",
    "negated": "BOOLEAN", "hypothetical": "BOOLEAN", "status": "VARCHAR",
    # derived by the caller from a new type and mode (the ontology's); coder_agrees ignores them
    "quad_class": "INTEGER", "cameo": "VARCHAR", "score": "DOUBLE",
}
DERIVED = ("quad_class", "cameo", "score")
EXTRA_COLUMNS = ("corrected", "review_status", "coder_agrees")
_VALUE_FIELDS = [f for f in FIELDS if f != "status"]
_COMPARED = [f for f in _VALUE_FIELDS if f not in DERIVED]

TABLES = [
    """CREATE TABLE IF NOT EXISTS corrections (
        correction_id INTEGER PRIMARY KEY, created_at TIMESTAMP, analyst VARCHAR, note VARCHAR,
        event_id VARCHAR, anchor_id VARCHAR, doc_id VARCHAR, section VARCHAR,
        sentence_start INTEGER, sentence_end INTEGER, coded_type VARCHAR, coded_actor VARCHAR,
        coded_recipient VARCHAR, field VARCHAR, op VARCHAR, before VARCHAR, after VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS correction_links (
        anchor_id VARCHAR PRIMARY KEY, mention_id VARCHAR, event_id VARCHAR)""",
]


def has_corrections(con: duckdb.DuckDBPyConnection) -> bool:
    "Whether the store holds any correction (False for a store made before corrections)."
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'corrections' "
                         "AND database_name = current_database()").fetchall()[0][0]
    return bool(exists) and con.execute("SELECT EXISTS (SELECT 1 FROM corrections)").fetchall()[0][0]


def _latest_sql() -> str:
    "One row per event and field: the latest correction of the field in effect (``set`` only)."
    flags = ",\n       ".join(
        f"bool_or(field = '{f}') AS has_{f}, "
        f"max(TRY_CAST(after AS {t})) FILTER (WHERE field = '{f}') AS new_{f}"
        for f, t in FIELDS.items())
    return f"""
    SELECT event_id, {flags}
    FROM (SELECT l.event_id, c.field, c.op, c.after FROM corrections c
          JOIN correction_links l USING (anchor_id)
          QUALIFY row_number() OVER (PARTITION BY l.event_id, c.field ORDER BY c.correction_id DESC) = 1)
    WHERE op = 'set' GROUP BY event_id"""


def events_source(con: duckdb.DuckDBPyConnection, *, include_rejected: bool = False, alias: str = "events",
                  corrected: bool | None = None) -> str:
    """What an events read selects FROM: the table itself while no correction is stored, else
    a subquery (as ``alias``) with corrected values, ``corrected``, ``review_status`` and
    ``coder_agrees`` (every corrected field but the derived ones equals the coder's value now);
    rejected events left out unless ``include_rejected``. ``corrected``: whether the store holds a
    correction, when the caller knows (else asked here)."""
    if not (has_corrections(con) if corrected is None else corrected):
        return "events" if alias == "events" else f"events AS {alias}"
    replaced = [f"CASE WHEN f.has_{f} THEN f.new_{f} ELSE e.{f} END AS {f}" for f in _VALUE_FIELDS]
    agrees = " AND ".join(f"(NOT f.has_{f} OR f.new_{f} IS NOT DISTINCT FROM e.{f})" for f in _COMPARED)
    where = "" if include_rejected else "WHERE f.new_status IS DISTINCT FROM 'rejected'"
    return f"""(SELECT e.* REPLACE ({', '.join(replaced)}),
           f.event_id IS NOT NULL AS corrected, f.new_status AS review_status,
           CASE WHEN f.event_id IS NULL THEN NULL ELSE {agrees} END AS coder_agrees
    FROM events e LEFT JOIN ({_latest_sql()}) f USING (event_id) {where}) AS {alias}"""


def _now() -> dt.datetime:
    "The current UTC time, naive (DuckDB TIMESTAMP)."
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def anchor_id(doc_id: str, section: str, start: int, end: int, coded_type: str,
              actor: str | None, recipient: str | None) -> str:
    "The id of a mention anchor: where the sentence is, and what the coder said of it then."
    raw = "\x1f".join(str(v) if v is not None else "" for v in
                      (doc_id, section, start, end, coded_type, actor, recipient))
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def _text(value) -> str | None:
    "A value as the trail stores it (ISO dates, lower-case booleans)."
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _anchor(con: duckdb.DuckDBPyConnection, event_id: str) -> dict | None:
    "The anchor of an event: its root mention's place and coded values (an earlier anchor if linked)."
    cur = con.execute(
        "SELECT l.anchor_id, c.doc_id, c.section, c.sentence_start, c.sentence_end, c.coded_type, "
        "c.coded_actor, c.coded_recipient FROM correction_links l JOIN corrections c USING (anchor_id) "
        "WHERE l.event_id = ? ORDER BY c.correction_id LIMIT 1", [event_id])
    row = next(iter(cur.fetchall()), None)
    if row is None:
        cur = con.execute(
            "SELECT NULL, m.doc_id, m.section, m.sentence_start, m.sentence_end, m.event_type, m.actor_code, "
            "m.recipient_code FROM events e JOIN mentions m ON m.mention_id = e.root_mention_id "
            "WHERE e.event_id = ?", [event_id])
        row = next(iter(cur.fetchall()), None)
    if row is None:
        return None
    names = ("anchor_id", "doc_id", "section", "sentence_start", "sentence_end", "coded_type",
             "coded_actor", "coded_recipient")
    anchor = dict(zip(names, row))
    anchor["anchor_id"] = anchor["anchor_id"] or anchor_id(*(anchor[n] for n in names[1:]))
    return anchor


def add(con: duckdb.DuckDBPyConnection, event_id: str, changes: Mapping[str, object], current: Mapping,
        *, analyst: str | None, note: str | None, reverts: Sequence[str] = ()) -> list[int]:
    """Append one row per changed (or reverted) field of an event; ``current`` holds the event's
    values as listed now (the ``before``). Returns the new correction ids; [] for an unknown event."""
    anchor = _anchor(con, event_id)
    if anchor is None:
        return []
    ((next_id,),) = con.execute("SELECT coalesce(max(correction_id), 0) + 1 FROM corrections").fetchall()
    stamp, rows = _now(), []
    if {"event_type", "mode"} & set(reverts):  # back to the coder's type: its quad class, CAMEO, score too
        reverts = [*reverts, *(f for f in DERIVED if f not in reverts and f not in changes)]
    ops = [(f, "set", v) for f, v in changes.items()] + [(f, "revert", None) for f in reverts]
    if not ops and note:
        ops = [("note", "note", None)]
    if not ops:  # a body that changes nothing (an empty revert list, an empty location)
        return []
    for field, op, value in ops:
        rows.append([next_id + len(rows), stamp, analyst, note, event_id, anchor["anchor_id"], anchor["doc_id"],
                     anchor["section"], anchor["sentence_start"], anchor["sentence_end"], anchor["coded_type"],
                     anchor["coded_actor"], anchor["coded_recipient"], field, op,
                     _text(current.get(field)), _text(value)])
    con.executemany("INSERT INTO corrections VALUES (" + ", ".join("?" * 17) + ")", rows)
    relink(con)
    return [r[0] for r in rows]


# The mention a correction's anchor names now: same document, section and sentence; the one
# with the coded values of the anchor first, then the one the coder now types as the analyst did,
# then the sentence's only mention. Two candidates and no match: no link.
_RELINK_SQL = """
INSERT INTO correction_links
WITH anchors AS (
    SELECT anchor_id, any_value(doc_id) AS doc_id, any_value(section) AS section,
           any_value(sentence_start) AS s, any_value(sentence_end) AS t, any_value(coded_type) AS coded_type,
           any_value(coded_actor) AS coded_actor, any_value(coded_recipient) AS coded_recipient,
           arg_max(after, correction_id) FILTER (WHERE field = 'event_type' AND op = 'set') AS typed_as
    FROM corrections GROUP BY anchor_id),
ranked AS (
    SELECT a.anchor_id, m.mention_id, m.event_id,
           CASE WHEN m.event_type = a.coded_type AND m.actor_code IS NOT DISTINCT FROM a.coded_actor
                     AND m.recipient_code IS NOT DISTINCT FROM a.coded_recipient THEN 0
                WHEN m.event_type = a.typed_as THEN 1
                WHEN m.event_type = a.coded_type THEN 2 ELSE 3 END AS rank,
           count(*) OVER (PARTITION BY a.anchor_id) AS candidates
    FROM anchors a JOIN mentions m ON m.doc_id = a.doc_id AND m.section = a.section
         AND m.sentence_start = a.s AND m.sentence_end = a.t),
best AS (
    SELECT *, min(rank) OVER (PARTITION BY anchor_id) AS best FROM ranked WHERE rank < 3 OR candidates = 1)
SELECT anchor_id, min(mention_id), arg_min(event_id, mention_id)
FROM best WHERE rank = best GROUP BY anchor_id
HAVING any_value(best) = 0 OR count(*) = 1
"""


def relink(con: duckdb.DuckDBPyConnection) -> None:
    "Re-anchor every correction to the mention (and so the event) it names after a write."
    if not has_corrections(con):
        return
    con.execute("DELETE FROM correction_links")
    con.execute(_RELINK_SQL)


def trail(con: duckdb.DuckDBPyConnection, event_id: str) -> list[dict]:
    "Every correction that applies to an event (through its linked anchors), oldest first."
    cur = con.execute(
        "SELECT c.correction_id, c.created_at, c.analyst, c.field, c.op, c.before, c.after, c.note, "
        "c.event_id AS corrected_as, c.doc_id, c.section, c.sentence_start, c.sentence_end "
        "FROM corrections c JOIN correction_links l USING (anchor_id) WHERE l.event_id = ? "
        "ORDER BY c.correction_id", [event_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def corrected_events(con: duckdb.DuckDBPyConnection, source: str) -> list[dict]:
    "Every linked event with a correction in effect (``source``: events_source), with its anchor sentence."
    cur = con.execute(
        f"SELECT e.*, m.sentence AS anchor_sentence, m.doc_id AS anchor_doc, m.trigger AS anchor_trigger, "
        f"m.actor_name AS coded_actor_name, m.event_type AS coded_event_type, d.published AS published "
        f"FROM {source} "
        "JOIN (SELECT event_id, min(mention_id) AS mention_id FROM correction_links GROUP BY event_id) l "
        "USING (event_id) JOIN mentions m ON m.mention_id = l.mention_id "
        "LEFT JOIN documents d ON d.doc_id = m.doc_id WHERE e.corrected ORDER BY e.event_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


__all__ = ["DERIVED", "EXTRA_COLUMNS", "FIELDS", "TABLES", "add", "anchor_id", "corrected_events", "events_source",
           "has_corrections", "relink", "trail"]
