"""Every read of the store: event selections, pages, the map, trends counts, lookups and summaries.

INTERFACE (``Store`` is a ``Queryable``; each returns plain rows, dicts with column names):

    store.events(actor=None, recipient=None, either=None, event_type=None, types=None,
                 quad_class=None, country=None, since=None, until=None, text=None,
                 include_hypothetical=False, sort="newest", limit=100, cursor=None) -> list[dict]
    store.events_arrow(...same...) -> pa.Table        # no row limit by default
    store.map_points(limit=5000, **filters)           # located events, newest first
    store.country_counts(**filters)                   # events per country, per quad class
    store.trend_counts(weeks=, baseline_weeks=)       # conflict events per week, country and dyad
    store.event(event_id) / document(doc_id) -> dict | None;  mentions_of(event_id) -> list[dict]
    store.coded_event(event_id) -> dict | None        # the coder's values, no correction applied
    store.corrections_of(event_id) / corrected_events() -> list[dict]   # the analysts' trail
    store.dyad_series(a, b, freq="week") / actors(q) / network(since, until) / summary() / stats()
    store.known_doc_ids() / has_document(doc_id, content_hash) / unchanged_inputs(coder_version)
    store.stored_documents(exclude_version=None) -> Iterator[Article]
    store.original_articles(ids=None) / article_ids() / duplicate_of()   # for the near-duplicate index
    store.query_arrow(sql, params) -> pa.RecordBatchReader   # a read-only query, streamed

``filters`` are the event filters of ``events`` (an ``EventFilter``), written once here:
``actor``/``recipient``/``either`` match a code, a listing label of a non-state armed group
(``SOMREB``: ``party``) or (any case) a name; ``text`` searches the
sentences of an event's mentions; negated and hypothetical events are left out unless
``include_hypothetical``. ``sort`` and ``cursor``: see ``cursors``. Once the store holds an
analyst's correction every events read goes through ``corrections.events_source``: corrected
values win, rows gain ``corrected``, ``review_status`` and ``coder_agrees``, and rejected events
leave listings unless ``include_rejected`` (the filter option, and ``map_points`` /
``country_counts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import TypeVar

import duckdb
import pyarrow as pa

from ..errors import InputError
from ..records import Article
from . import corrections
from .cursors import order_by, resume_after
from .generation import Writes
from .schema import EVENT_COLUMNS, NON_STATE_ARMED, SCHEMA_VERSION

T = TypeVar("T")
_FREQS = ("day", "week", "month", "quarter", "year")
# Non-state armed parties (schema.NON_STATE_ARMED) are listed by their country code with the sector,
# as GDELT's Actor1Code writes them (SOMREB), so that rebels attacking the army read SOMREB -> SOM,
# never SOM -> SOM; other parties by their code.
_ARMED = ", ".join(f"'{s}'" for s in NON_STATE_ARMED)


def party(side: str) -> str:
    "SQL for how listings name one side of an event: SOMREB for a non-state armed group, else code or name."
    return (f"coalesce(CASE WHEN {side}_sector IN ({_ARMED}) THEN {side}_code || {side}_sector "
            f"ELSE {side}_code END, {side}_name)")
_QUADS = ", ".join(f"count(*) FILTER (WHERE quad_class = {q}) AS quad{q}" for q in (1, 2, 3, 4))
_ASSERTED = "NOT negated AND NOT hypothetical"
# the events with a mention in a document of one language (the parameter: its code, "es")
LANGUAGE_EVENTS = ("SELECT m.event_id FROM mentions m JOIN documents d ON d.doc_id = m.doc_id "
                   "WHERE d.language = lower(?)")


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events a selection reads: the options of ``eventwire events`` (all optional)."""

    actor: str | None = None
    recipient: str | None = None
    either: str | None = None
    event_type: str | None = None
    types: Sequence[str] | None = None
    quad_class: int | None = None
    country: str | None = None
    since: dt.date | str | None = None
    until: dt.date | str | None = None
    text: str | None = None
    include_hypothetical: bool = False
    include_rejected: bool = False
    language: str | None = None  # the language of a mention's document ("es")


_FILTER_FIELDS = tuple(f.name for f in fields(EventFilter))


class Queryable:
    """The reads of an event store over one DuckDB connection or cursor."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, writes: Writes | None = None):
        self._con = con
        self._writes = writes  # a writing Store's (``generation``); None: nothing is remembered

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept until the next committed write (computed each time without a writer)."""
        return self._writes.remember(key, compute) if self._writes is not None else compute()

    def _has_corrections(self) -> bool:
        "Whether any correction is stored (asked once per committed write)."
        return self.remember(("has_corrections",), lambda: corrections.has_corrections(self._con))

    def _rows(self, sql: str, params: Sequence = ()) -> list[dict]:
        "Run a parameterized query and return dict rows."
        cur = self._con.execute(sql, list(params))
        names = [c[0] for c in cur.description]
        return [dict(zip(names, values)) for values in cur.fetchall()]

    def query_arrow(self, sql: str, params: Sequence = (), *, batch_rows: int = 10_000) -> pa.RecordBatchReader:
        """Stream a parameterized read-only query as Arrow record batches."""
        return self._con.sql(sql, params=list(params)).to_arrow_reader(batch_rows)

    # -- event selections ------------------------------------------------------

    def events(self, *, actor: str | None = None, recipient: str | None = None,
               either: str | None = None, event_type: str | None = None,
               types: Sequence[str] | None = None, quad_class: int | None = None,
               country: str | None = None, since: dt.date | str | None = None,
               until: dt.date | str | None = None, text: str | None = None,
               limit: int | None = 100, cursor: str | None = None,
               include_hypothetical: bool = False, sort: str = "newest",
               include_rejected: bool = False, language: str | None = None) -> list[dict]:
        """Deduplicated events, newest first; ``actor``/``recipient``/``either`` match a code or a name.

        ``text`` searches the sentences of the event's mentions; negated and hypothetical
        events are left out unless ``include_hypothetical``, events an analyst rejected unless
        ``include_rejected``; corrected values win (``corrections``); ``language`` keeps the events
        with a mention in a document of that language. ``sort`` is newest, oldest,
        most_reported or most_negative; pass ``encode_cursor(rows[-1], sort=sort)`` as
        ``cursor`` for the next page.
        """
        return self._rows(*self._events_sql(_selection(locals()), sort=sort, limit=limit, cursor=cursor))

    def events_arrow(self, *, actor: str | None = None, recipient: str | None = None,
                     either: str | None = None, event_type: str | None = None,
                     types: Sequence[str] | None = None, quad_class: int | None = None,
                     country: str | None = None, since: dt.date | str | None = None,
                     until: dt.date | str | None = None, text: str | None = None,
                     limit: int | None = None, cursor: str | None = None,
                     include_hypothetical: bool = False, sort: str = "newest",
                     include_rejected: bool = False, language: str | None = None) -> pa.Table:
        """The same selection as ``events`` as an Arrow table (no row limit by default)."""
        sql, params = self._events_sql(_selection(locals()), sort=sort, limit=limit, cursor=cursor)
        return self._con.sql(sql, params=params).to_arrow_table()

    def _events_sql(self, selection: EventFilter, *, sort: str, limit: int | None,
                    cursor: str | None) -> tuple[str, list]:
        "The SQL and parameters of one page of a selection."
        order = order_by(sort)
        where, params = self._where(selection)
        if cursor:
            where.append(resume_after(cursor, sort=sort, params=params))
        source = self.events_source(include_rejected=selection.include_rejected)
        sql = f"SELECT {', '.join(self._columns(source))} FROM {source}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += order
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return sql, params

    def events_source(self, *, include_rejected: bool = False, alias: str = "events") -> str:
        "What an events read selects FROM: the table, or the events with analysts' corrections applied."
        return corrections.events_source(self._con, include_rejected=include_rejected, alias=alias,
                                         corrected=self._has_corrections())

    @staticmethod
    def _columns(source: str) -> list[str]:
        "The columns an event listing returns from ``source`` (with corrections: corrected, ...)."
        return EVENT_COLUMNS if source == "events" else [*EVENT_COLUMNS, *corrections.EXTRA_COLUMNS]

    def _where(self, f: EventFilter) -> tuple[list[str], list]:
        "The WHERE conditions and parameters of a selection."
        where: list[str] = []
        params: list = []
        for column, value in (("actor", f.actor), ("recipient", f.recipient)):
            if value:
                where.append(self._party_filter(column, value, params))
        if f.either:
            where.append(f"({self._party_filter('actor', f.either, params)} OR "
                         f"{self._party_filter('recipient', f.either, params)})")
        wanted = [t.upper() for t in ([f.event_type] if f.event_type else []) + list(f.types or [])]
        if wanted:
            where.append(f"event_type IN ({', '.join('?' * len(wanted))})")
            params += wanted
        if f.quad_class is not None:
            where.append("quad_class = ?")
            params.append(int(f.quad_class))
        if f.country:
            where.append("country = upper(?)")
            params.append(f.country)
        for clause, value in (("date >= ?", f.since), ("date <= ?", f.until)):
            if value:
                where.append(clause)
                params.append(_as_date(value))
        if f.text:
            where.append("event_id IN (SELECT event_id FROM mentions WHERE contains(lower(sentence), lower(?)))")
            params.append(f.text)
        if f.language:
            where.append(f"event_id IN ({LANGUAGE_EVENTS})")
            params.append(f.language)
        if not f.include_hypothetical:
            where.append(_ASSERTED)
        return where, params

    def _party_filter(self, column: str, value: str, params: list) -> str:
        """SQL matching ``value`` as the code or (any case) the name of ``column`` (actor, recipient).

        Names are looked up in the small actors table first, so the scan of the events table
        compares dictionary-encoded strings for equality instead of lower-casing every row.
        """
        armed = next((s for s in NON_STATE_ARMED if len(value) == 6 and value.isalpha() and value.isupper()
                      and value.endswith(s)), None)  # "SOMREB", never a name such as "Zagreb"
        if armed:  # a listing's label: SOMREB is SOM's rebels, not the Somali state
            params += [value.upper()[: -len(armed)], armed]
            return f"({column}_code = ? AND {column}_sector = ?)"
        # a name whose every actor has this code adds nothing to the code test: leave it out
        names = [row[0] for row in self._con.execute(
            "SELECT DISTINCT name FROM actors WHERE lower(name) = lower(?) AND name IN "
            "(SELECT name FROM actors WHERE code IS DISTINCT FROM upper(?))", [value, value]).fetchall()]
        params.append(value.upper())
        if not names:
            return f"{column}_code = ?"
        params += sorted(names)  # a constant IN list: DuckDB pushes it into the scan
        return f"({column}_code = ? OR {column}_name IN ({', '.join('?' * len(names))}))"

    # -- the map and trends ----------------------------------------------------------

    def map_points(self, *, limit: int = 5000, **filters) -> list[dict]:
        """Located events of a selection (``filters`` as ``events``), newest first: id, type, place, parties."""
        where, params = self._where(EventFilter(**filters))
        return self._rows(
            "SELECT event_id, event_type, quad_class, date, location_name, country, lat, lon, score, num_mentions, "
            f"{party('actor')} AS actor, {party('recipient')} AS recipient "
            f"FROM {self.events_source(include_rejected=filters.get('include_rejected', False))} "
            f"WHERE lat IS NOT NULL AND lon IS NOT NULL AND {_all(where)} "
            "ORDER BY coalesce(date, DATE '0001-01-01') DESC, event_id LIMIT ?", [*params, limit])

    def country_counts(self, **filters) -> list[dict]:
        """Events of a selection per country (ISO3): counts per quad class and mean score, most first."""
        where, params = self._where(EventFilter(**filters))
        return self._rows(
            f"SELECT country, count(*) AS events, {_QUADS}, avg(score) AS mean_score "
            f"FROM {self.events_source(include_rejected=filters.get('include_rejected', False))} "
            f"WHERE country IS NOT NULL AND {_all(where)} GROUP BY country ORDER BY events DESC, country", params)

    def trend_counts(self, *, weeks: int, baseline_weeks: int) -> dict:
        """Conflict events (quad 3-4, asserted) per week before the latest event date, per country and dyad.

        Returns ``as_of`` (the latest event date, None in an empty store) and ``countries`` /
        ``dyads`` rows of (unit, week, n), plus actor and recipient for dyads; week 0 ends on
        ``as_of``, and only the ``weeks + baseline_weeks`` weeks up to it are counted.
        """
        source = self.events_source()
        (as_of,) = self._con.execute(f"SELECT max(date) FROM {source} WHERE {_ASSERTED}").fetchone()
        if as_of is None:
            return {"as_of": None, "countries": [], "dyads": []}
        base_sql = ("SELECT {unit} AS unit, {extra} CAST(date_diff('day', date, ?) // 7 AS INTEGER) AS week, "
                    f"count(*) AS n FROM {source} WHERE quad_class IN (3, 4) AND {_ASSERTED} "
                    "AND date IS NOT NULL AND date <= ? AND date_diff('day', date, ?) < ? AND {cond} "
                    "GROUP BY ALL")
        params = [as_of, as_of, as_of, (weeks + baseline_weeks) * 7]
        countries = self._rows(base_sql.format(unit="country", extra="", cond="country IS NOT NULL"), params)
        dyads = self._rows(base_sql.format(
            unit=f"{party('actor')} || ' > ' || {party('recipient')}",
            extra=f"{party('actor')} AS actor, {party('recipient')} AS recipient,",
            cond="recipient_name IS NOT NULL"), params)
        return {"as_of": as_of, "countries": countries, "dyads": dyads}

    # -- one event, one document --------------------------------------------------

    def event(self, event_id: str) -> dict | None:
        """One deduplicated event (corrected values win; a rejected one too), or None."""
        source = self.events_source(include_rejected=True)
        rows = self._rows(f"SELECT {', '.join(self._columns(source))} FROM {source} WHERE event_id = ?",
                          [event_id])
        return rows[0] if rows else None

    def coded_event(self, event_id: str) -> dict | None:
        """One event as the coder made it (no correction applied), or None."""
        rows = self._rows(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE event_id = ?", [event_id])
        return rows[0] if rows else None

    def corrections_of(self, event_id: str) -> list[dict]:
        """The analysts' corrections that apply to an event, oldest first (``corrections.trail``)."""
        return corrections.trail(self._con, event_id) if self._has_corrections() else []

    def corrected_events(self) -> list[dict]:
        """Every event with a correction in effect (rejected ones too), with its anchor mention's sentence."""
        if not self._has_corrections():
            return []
        return corrections.corrected_events(self._con, self.events_source(include_rejected=True, alias="e"))

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

    def unchanged_inputs(self, coder_version: str) -> dict[str, str]:
        """Input id -> hash of every input stored with its documents by ``coder_version``."""
        return dict(self._con.execute(
            "SELECT input_id, input_hash FROM inputs WHERE coder_version = ?", [coder_version]).fetchall())

    def original_articles(self, ids: Sequence[str] | None = None) -> list[tuple[str, str | None, str]]:
        "(doc_id, title, text) of stored main articles that copy no earlier one (only ``ids``), by id."
        only, params = ("", []) if ids is None else ("AND list_contains(?, doc_id) ", [list(ids)])
        return self._con.cursor().execute(
            "SELECT doc_id, title, coalesce(text, '') FROM documents WHERE kind = 'article' "
            f"AND doc_id NOT IN (SELECT doc_id FROM duplicates) {only}ORDER BY doc_id", params).fetchall()

    def article_ids(self) -> tuple[set[str], set[str]]:
        "The ids of stored main articles: (all of them, those that copy no earlier one)."
        rows = self._con.cursor().execute(
            "SELECT doc_id, doc_id NOT IN (SELECT doc_id FROM duplicates) FROM documents "
            "WHERE kind = 'article'").fetchall()
        return {doc_id for doc_id, _ in rows}, {doc_id for doc_id, original in rows if original}

    def duplicate_of(self) -> dict[str, str]:
        "Every recorded near-duplicate link: document id -> the earlier document it copies."
        return dict(self._con.cursor().execute("SELECT doc_id, duplicate_of FROM duplicates").fetchall())

    # -- aggregates ------------------------------------------------------------------

    def dyad_series(self, a: str, b: str, *, freq: str = "week", directed: bool = True,
                    include_hypothetical: bool = False) -> list[dict]:
        """Events from ``a`` to ``b`` (both ways unless ``directed``) per period: counts per quad class, mean score."""
        if freq not in _FREQS:
            raise InputError(f"freq must be one of {', '.join(_FREQS)}, not {freq!r}")
        params: list = []
        where = [f"({self._party_filter('actor', a, params)} AND {self._party_filter('recipient', b, params)})"]
        if not directed:
            where = [(f"({where[0]} OR ({self._party_filter('actor', b, params)} AND "
                      f"{self._party_filter('recipient', a, params)}))")]
        if not include_hypothetical:
            where.append(_ASSERTED)
        sql = (f"SELECT CAST(date_trunc(?, date) AS DATE) AS period, count(*) AS events, {_QUADS}, "
               f"avg(score) AS mean_score FROM {self.events_source()} WHERE date IS NOT NULL AND "
               + " AND ".join(where) + " GROUP BY period ORDER BY period")
        return self._rows(sql, [freq, *params])

    def summary(self, *, top: int = 10) -> dict:
        """Counts of documents, rejections, mentions and events; events per type; top dyads."""
        con = self._con
        count = {name: con.execute(sql).fetchone()[0] for name, sql in (
            ("documents", "SELECT count(*) FROM documents"),
            ("rejected", "SELECT count(DISTINCT doc_id) FROM rejected"),
            ("mentions", "SELECT count(*) FROM mentions"),
            ("events", f"SELECT count(*) FROM {self.events_source()}"))}
        by_type = dict(con.execute(
            f"SELECT event_type, count(*) FROM {self.events_source()} GROUP BY event_type ORDER BY event_type").fetchall())
        top_dyads = [tuple(row) for row in con.execute(
            f"SELECT {party('actor')} AS a, {party('recipient')} AS b, "
            f"count(*) AS n FROM {self.events_source()} GROUP BY a, b ORDER BY n DESC, a, b NULLS FIRST LIMIT ?",
            [top]).fetchall()]
        return {**count, "by_type": by_type, "top_dyads": top_dyads}

    def actors(self, q: str | None = None, *, limit: int = 100) -> list[dict]:
        """Actors (code, name) with their event counts as actor and as recipient."""
        source = self.events_source()
        sql = (
            "WITH sides AS ("
            f" SELECT actor_code AS code, actor_name AS name, 1 AS as_actor, 0 AS as_recipient FROM {source}"
            f" UNION ALL SELECT recipient_code, recipient_name, 0, 1 FROM {source} WHERE recipient_name IS NOT NULL)"
            " SELECT code, name, sum(as_actor)::INTEGER AS as_actor, sum(as_recipient)::INTEGER AS as_recipient,"
            " count(*) AS events FROM sides")
        params: list = []
        if q:
            sql += " WHERE contains(lower(name), lower(?)) OR code = upper(?)"
            params += [q, q]
        sql += " GROUP BY code, name ORDER BY events DESC, name, code NULLS FIRST LIMIT ?"
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
            f"SELECT {party('actor')} AS source, {party('recipient')} AS target, "
            f"count(*) AS events, {_QUADS}, avg(score) AS mean_score FROM {self.events_source()} WHERE "
            + " AND ".join(where)
            + " GROUP BY source, target ORDER BY events DESC, source, target LIMIT ?", [*params, limit])
        weight: dict[str, int] = {}
        for edge in edges:
            for end in (edge["source"], edge["target"]):
                weight[end] = weight.get(end, 0) + edge["events"]
        nodes = [{"id": node, "events": n} for node, n in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))]
        return {"nodes": nodes, "edges": edges}

    def stats(self) -> dict:
        """Table sizes, date range, coder versions, the latest runs and documents per language."""
        con = self._con
        tables = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # t: a constant
                  for t in ("documents", "rejected", "mentions", "events", "runs")}
        first, last = con.execute("SELECT min(date), max(date) FROM events").fetchone()
        versions = [row[0] for row in con.execute(
            "SELECT DISTINCT coder_version FROM documents WHERE coder_version IS NOT NULL ORDER BY 1").fetchall()]
        reasons = dict(con.execute(
            "SELECT reason, count(*) FROM rejected GROUP BY reason ORDER BY 2 DESC, 1").fetchall())
        runs = self._rows("SELECT * FROM runs ORDER BY run_id DESC LIMIT 5")
        languages = dict(con.execute(
            "SELECT language, count(*) FROM documents WHERE language IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall())
        return {"tables": tables, "first_date": first, "last_date": last, "coder_versions": versions,
                "rejected_reasons": reasons, "runs": runs, "schema_version": SCHEMA_VERSION, "languages": languages}


def _selection(scope: dict) -> EventFilter:
    "The EventFilter of a method's filter options, from its ``locals()``."
    return EventFilter(**{name: scope[name] for name in _FILTER_FIELDS})


def _all(where: list[str]) -> str:
    "The conditions joined with AND (TRUE when there are none)."
    return " AND ".join(where) if where else "TRUE"


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


__all__ = ["EventFilter", "Queryable"]
