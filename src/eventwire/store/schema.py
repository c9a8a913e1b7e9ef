"""The store's tables: DDL, migrations, the Arrow shapes of written rows, and inserting them.

INTERFACE:

    SCHEMA_VERSION                              "3"; written to meta.schema_version on open
    create_schema(con)                          every table (IF NOT EXISTS), then the migrations
    insert_rows(con, table, rows, schema)       dict rows into ``table`` through an Arrow table
    DOC_SCHEMA, MENTION_SCHEMA, EVENT_SCHEMA    pyarrow schemas of documents, mentions, events rows
    EVENT_COLUMNS                               the columns an event listing returns (no dyad_key)
    STR, DATE                                   the Arrow types of key columns (for registered tables)

SCHEMA (one DuckDB file):

    documents  doc_id PK, title, text (cleaned), published DATE, url, source, kind, parent,
               language, origin, content_hash (see ``writer.content_hash``), coder_version,
               ingested_at TIMESTAMP
    rejected   (doc_id, reason) PK, origin, first_seen TIMESTAMP
    mentions   one row per coded event in one sentence: mention_id PK (= Event.event_id),
               event_id (the deduplicated event it belongs to), doc_id, dyad_key, sentence,
               sentence_start, sentence_end, section ("text" | "title"), trigger, negated,
               hypothetical, confidence, coder_version, date, date_precision, event_type,
               mode, contexts VARCHAR[], actor_text/name/code/sector,
               recipient_text/name/code/sector, location_text/name/country/admin1/lat/lon/
               precision/geonameid, quad_class, cameo, score, doc_kind, extra (JSON text);
               indexed on event_id (an event's mentions)
    events     one row per deduplicated event (see ``clustering``): event_id PK, dyad_key,
               event_type, mode, contexts, actor_code/name/sector, recipient_code/name/sector,
               date, date_precision, location_name, country, lat, lon, quad_class, cameo, score,
               confidence (max over mentions), num_mentions, num_documents, num_sources,
               num_stories (documents less near-duplicate copies), first_seen, last_seen
               (publication dates), negated, hypothetical (true only if every mention is),
               root_mention_id (the most confident mention: quad class, CAMEO, score and
               sentence come from it), doc_id, sentence, coder_version
    actors     actor_key PK (code \\x1f name), code, name, sector, mentions, as_actor,
               as_recipient, first_date, last_date (recounted from the mentions)
    inputs     input_id PK, input_hash, coder_version, doc_ids VARCHAR[] (the documents it gave)
    duplicates doc_id PK, duplicate_of (the earlier document it near-duplicates)
    runs       run_id PK, kind, coder_version, dictionary_hash, started_at, finished_at,
               documents, rejected, events, skipped (one row per Store that wrote; counts add
               up over its batches)
    corrections  correction_id PK, created_at, analyst, note, event_id (as corrected), anchor_id,
               doc_id, section, sentence_start, sentence_end, coded_type, coded_actor,
               coded_recipient (the anchor: the root mention then), field, op (set | revert),
               before, after: append-only, see ``corrections``
    correction_links  anchor_id PK, mention_id, event_id (rebuilt after every batch)
    meta       key PK, value (schema_version)
    sources    source PK (a URL, folder or file of `serve --watch`), kind, etag, last_modified
               (the validators of its last 200), last_poll TIMESTAMP, last_status
    seen_items (source, item_key) PK: a feed item (GUID, else link) or page whose input is stored;
               doc_id (its input id), seen_at TIMESTAMP; written in the batch that stores it
    fetch_failures (source, url) PK, reason (one line), attempts, last_at TIMESTAMP
    event_changes event_id PK, change_seq (the batch that last created, changed or emptied it),
               changed_at TIMESTAMP: written in that batch's transaction, see ``changes``
    update_files name PK (YYYYMMDDHHMMSS), change_seq (the last change it holds), created_at,
               events, mentions: the update files `serve` wrote, see ``changes``
"""

from __future__ import annotations

import duckdb

# Non-state armed parties (rebels and insurgents, unidentified armed groups, criminal groups): listings
# and dyads write them with their sector (SOMREB), and event merging never joins them with their state.
NON_STATE_ARMED = ("REB", "UAF", "CRM")
import pyarrow as pa

from . import changes, corrections

SCHEMA_VERSION = "3"

_TABLES = [
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
    # schema 2 -> 3: the poll state of `serve --watch` (store/polls.py)
    """CREATE TABLE IF NOT EXISTS sources (
        source VARCHAR PRIMARY KEY, kind VARCHAR, etag VARCHAR, last_modified VARCHAR,
        last_poll TIMESTAMP, last_status VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS seen_items (
        source VARCHAR, item_key VARCHAR, doc_id VARCHAR, seen_at TIMESTAMP, PRIMARY KEY (source, item_key))""",
    """CREATE TABLE IF NOT EXISTS fetch_failures (
        source VARCHAR, url VARCHAR, reason VARCHAR, attempts INTEGER, last_at TIMESTAMP,
        PRIMARY KEY (source, url))""",
    # GET /events/{id} reads an event's mentions: on 1 M mentions a scan took 83 ms a call, the
    # index 11 ms (bench/load_api.py store, 2 cores); built once when an older store is opened
    "CREATE INDEX IF NOT EXISTS mentions_event_id ON mentions (event_id)",
    # analyst corrections (append-only) and where each one's anchor mention is now (``corrections``)
    *corrections.TABLES,
    # GDELT-style update files of `serve` (``updates``): which batch last changed each event, and the files written
    *changes.TABLES,
]

STR, _INT, _F, _B, DATE = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()
DOC_SCHEMA = pa.schema([
    ("doc_id", STR), ("title", STR), ("text", STR), ("published", DATE), ("url", STR),
    ("source", STR), ("kind", STR), ("parent", STR), ("language", STR), ("origin", STR),
    ("content_hash", STR), ("coder_version", STR)])
MENTION_SCHEMA = pa.schema([
    ("mention_id", STR), ("event_id", STR), ("doc_id", STR), ("dyad_key", STR),
    ("sentence", STR), ("sentence_start", _INT), ("sentence_end", _INT), ("section", STR),
    ("trigger", STR), ("negated", _B), ("hypothetical", _B), ("confidence", _F),
    ("coder_version", STR), ("date", DATE), ("date_precision", STR), ("event_type", STR),
    ("mode", STR), ("contexts", pa.list_(STR)),
    ("actor_text", STR), ("actor_name", STR), ("actor_code", STR), ("actor_sector", STR),
    ("recipient_text", STR), ("recipient_name", STR), ("recipient_code", STR),
    ("recipient_sector", STR),
    ("location_text", STR), ("location_name", STR), ("location_country", STR),
    ("location_admin1", STR), ("location_lat", _F), ("location_lon", _F),
    ("location_precision", STR), ("location_geonameid", _INT),
    ("quad_class", _INT), ("cameo", STR), ("score", _F), ("doc_kind", STR), ("extra", STR)])
EVENT_SCHEMA = pa.schema([
    ("event_id", STR), ("dyad_key", STR), ("event_type", STR), ("mode", STR),
    ("contexts", pa.list_(STR)), ("actor_code", STR), ("actor_name", STR),
    ("actor_sector", STR), ("recipient_code", STR), ("recipient_name", STR),
    ("recipient_sector", STR), ("date", DATE), ("date_precision", STR),
    ("location_name", STR), ("country", STR), ("lat", _F), ("lon", _F),
    ("quad_class", _INT), ("cameo", STR), ("score", _F), ("confidence", _F),
    ("num_mentions", _INT), ("num_documents", _INT), ("num_sources", _INT), ("num_stories", _INT),
    ("first_seen", DATE), ("last_seen", DATE), ("negated", _B), ("hypothetical", _B),
    ("root_mention_id", STR), ("doc_id", STR), ("sentence", STR), ("coder_version", STR)])

# columns the event list returns (dyad_key stays internal)
EVENT_COLUMNS = [f.name for f in EVENT_SCHEMA if f.name != "dyad_key"]


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    "Create every missing table, run the migrations and record the schema version."
    for statement in (*_TABLES, *_MIGRATIONS):
        con.execute(statement)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict], schema: pa.Schema) -> None:
    "Insert dict rows through an Arrow table (columns by name); ``table`` is a constant."
    if not rows:
        return
    con.register("_rows", pa.Table.from_pylist(rows, schema=schema))
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")  # table: a constant
    con.unregister("_rows")


__all__ = ["DATE", "DOC_SCHEMA", "EVENT_COLUMNS", "EVENT_SCHEMA", "MENTION_SCHEMA", "SCHEMA_VERSION", "STR",
           "create_schema", "insert_rows"]
