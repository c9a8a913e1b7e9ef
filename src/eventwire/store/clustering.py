"""Mentions into events: which stored mentions report one real-world event, and the events table rows.

INTERFACE (inside the writer's transaction):

    dyad_key(event_type, actor_code, actor_name, recipient_code, recipient_name) -> str
    assign_events(con, rows, *, dedup_days, dedup_km) -> set[str]
        # each new mentions row (in arrival order) gets its ``event_id``: the compatible open
        # event of its window, else a new event named after the mention; returns the events touched
    rebuild_events(con, event_ids)
        # rewrite the rows of these events from their mentions (dropping events left with none)

One real-world event, one row. A new mention joins an event when (``compatible``):
- the event type is the same;
- the dates match: within ``dedup_days``, or the coarser date's period (week, month, year)
  holds the other; undated joins only undated;
- the dyads are compatible, side by side (actor with actor, recipient with recipient): the same
  code (with any state or society sector: a headline's "South Korean president" coded CVL is the
  body's GOV; a non-state armed sector, REB or CRM, only with itself), or one the parent of the other (SOM and SOM+MIL: a code without a sector, or with the
  sector of an unidentified armed group, is the parent of the same code with any sector), or one
  side missing (a party without a code counts as missing against one with a code; two without
  codes are compared by name). At least one side must be present in both and agree: two mentions
  that share only missing sides are not merged;
- the places agree (both with coordinates: within ``dedup_km``; else the same country; else the
  same place name) or one is missing.

A mention is compared with each candidate event's representative (its root: the most confident
asserted mention, ties to the smallest id), never with all its members, and candidates come from
the events of the mention's type whose actor or recipient shares its country code, within the date
window: the cost of a batch follows the batch, not the story's history, and memory stays flat as a
story grows. New mentions are taken one by one in arrival order, so a given stream of documents
gives the same events however it is cut into batches (a crashed ingest, rerun, equals a clean run).
An event keeps its id (the mention id of the mention that opened it) while it has mentions; the
event rows (counts, first and last seen, the place, the earliest date) are recomputed in SQL from
their mentions.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .schema import NON_STATE_ARMED, STR

_EARTH_KM = 6371.0


def dyad_key(event_type: str, actor_code: str | None, actor_name: str | None,
             recipient_code: str | None, recipient_name: str | None) -> str:
    "The exact dyad of a mention: event type, actor and recipient (codes and folded names)."
    parts = [event_type, actor_code or "", (actor_name or "").casefold(),
             recipient_code or "", (recipient_name or "").casefold()]
    return "\x1f".join(parts)


# Sectors that say the party is not identified ("gunmen", "unidentified armed group"): such a party
# is compatible with any party of its country, as a missing sector is.
_UNKNOWN_SECTORS = frozenset({"UAF"})


def _sides_agree(mention: dict, root: dict, side: str) -> bool | None:
    """True when two parties are the same (or parent and child: SOM and SOM+MIL, or an unidentified
    armed group of SOM), False when they clash, None when a side is missing. A party without a code
    against one with a code counts as missing ("the Treasury Department" is not compared with "United
    States" by its wording); two parties without codes are the same when their names are."""
    code_a, code_b = mention[f"{side}_code"], root[f"{side}_code"]
    if not code_a and not code_b:
        name_a, name_b = _folded(mention[f"{side}_name"]), _folded(root[f"{side}_name"])
        return None if not name_a or not name_b else name_a == name_b
    if not code_a or not code_b:
        return None
    if code_a != code_b:
        return False
    sector_a, sector_b = mention[f"{side}_sector"], root[f"{side}_sector"]
    if not sector_a or not sector_b or sector_a in _UNKNOWN_SECTORS or sector_b in _UNKNOWN_SECTORS:
        return True
    # a non-state armed group is never its state (SOMREB is not SOMMIL); two sectors of the state
    # or society of one country are one party told two ways ("President Yoon" GOV, "the South
    # Korean president" in a headline coded CVL): the same code agrees
    return sector_a == sector_b or (sector_a not in NON_STATE_ARMED and sector_b not in NON_STATE_ARMED)


def _dates_match(a: dict, b: dict, days: int) -> bool:
    "Same day within ``days``, or the coarser date's week, month or year holds the other."
    da, db = a["date"], b["date"]
    if da is None or db is None:
        return da is None and db is None
    if abs((da - db).days) <= days:
        return True
    for coarse, fine in ((a, b), (b, a)):
        precision = coarse.get("date_precision")
        if precision == "year" and coarse["date"].year == fine["date"].year:
            return True
        if precision == "month" and (coarse["date"].year, coarse["date"].month) == \
                (fine["date"].year, fine["date"].month):
            return True
        if precision == "week" and 0 <= (fine["date"] - coarse["date"]).days < 7:
            return True
    return False


def _places_agree(a: dict, b: dict, km: float) -> bool:
    "Both with coordinates: within ``km``; else the same country; else the same place name; a missing place agrees."
    if None not in (a["location_lat"], a["location_lon"], b["location_lat"], b["location_lon"]):
        return _haversine_km(a["location_lat"], a["location_lon"], b["location_lat"], b["location_lon"]) <= km
    if a["location_country"] and b["location_country"]:
        return a["location_country"] == b["location_country"]
    if a["location_name"] and b["location_name"] and not (a["location_country"] or b["location_country"]):
        return a["location_name"].casefold() == b["location_name"].casefold()
    return True


def compatible(mention: dict, root: dict, *, days: int, km: float) -> bool:
    "Whether a mention reports the event whose representative mention is ``root``."
    if mention["event_type"] != root["event_type"] or not _dates_match(mention, root, days):
        return False
    sides = [_sides_agree(mention, root, side) for side in ("actor", "recipient")]
    if False in sides or True not in sides:
        return False
    return _places_agree(mention, root, km)


def _root_key(row: dict) -> tuple:
    "The order in which a mention represents its event: asserted first, most confident, smallest id."
    return (bool(row["negated"] or row["hypothetical"]), -(row["confidence"] or 0.0), row["mention_id"])


def _folded(name: str | None) -> str | None:
    "A party's name as look-ups and comparisons read it (lower case; SQL's lower() does the same)."
    return name.lower() if name else None


def _roots(row: dict) -> set[str]:
    "What a mention's look-up goes by: each side's code, or for a side without one its name (n:...)."
    keys = set()
    for side in ("actor", "recipient"):
        code, name = row[f"{side}_code"], _folded(row[f"{side}_name"])
        if code:
            keys.add(code)
        elif name:
            keys.add("n:" + name)
    return keys


@dataclass
class _Open:
    """An event a batch may add to: its id and its current representative mention."""

    event_id: str
    root: dict


def assign_events(con: duckdb.DuckDBPyConnection, rows: list[dict], *, dedup_days: int,
                  dedup_km: float) -> set[str]:
    """Set each new mentions row's ``event_id`` (rows in arrival order); returns the event ids touched."""
    if not rows:
        return set()
    candidates = _candidates(con, rows, days=dedup_days)
    taken = _ids_in_use(con, rows)
    touched: set[str] = set()
    for row in rows:
        event = _best(row, candidates, days=dedup_days, km=dedup_km)
        if event is None:
            event_id = row["mention_id"]
            while event_id in taken:  # the id names a stored event that no longer holds this mention
                event_id = hashlib.sha1(f"{event_id}|again".encode()).hexdigest()[:20]
            taken.add(event_id)
            event = _Open(event_id, row)
            for root in _roots(row):
                candidates.setdefault((row["event_type"], root), []).append(event)
        elif _root_key(row) < _root_key(event.root):
            old = _roots(event.root)
            event.root = row  # the new mention now represents the event
            for root in _roots(row) - old:
                candidates.setdefault((row["event_type"], root), []).append(event)
        row["event_id"] = event.event_id
        touched.add(event.event_id)
    return touched


def _best(row: dict, candidates: dict, *, days: int, km: float) -> _Open | None:
    "The compatible candidate event nearest in date (then the smallest id), or None."
    seen: dict[str, _Open] = {}
    for root in _roots(row):
        for event in candidates.get((row["event_type"], root), ()):
            seen.setdefault(event.event_id, event)
    fits = [e for e in seen.values() if compatible(row, e.root, days=days, km=km)]
    if not fits:
        return None
    return min(fits, key=lambda e: (abs((row["date"] - e.root["date"]).days)
                                    if row["date"] and e.root["date"] else 0, e.event_id))


# ``_dates_match`` in SQL, for a stored root mention m and a key k of the batch (``k.precision`` the
# new mention's date precision): the candidates a batch reads are only those whose dates fit, so a
# batch about a busy dyad reads its few same-day events, not a year of them
_DATES_FIT = """((m.date IS NULL AND k.date IS NULL) OR (m.date IS NOT NULL AND k.date IS NOT NULL AND (
    abs(datediff('day', m.date, k.date)) <= ?
    OR ('year' IN (m.date_precision, k.precision) AND year(m.date) = year(k.date))
    OR ('month' IN (m.date_precision, k.precision)
        AND date_trunc('month', m.date) = date_trunc('month', k.date))
    OR (m.date_precision = 'week' AND datediff('day', m.date, k.date) BETWEEN 0 AND 6)
    OR (k.precision = 'week' AND datediff('day', k.date, m.date) BETWEEN 0 AND 6))))"""


def _candidates(con: duckdb.DuckDBPyConnection, rows: list[dict], *, days: int) -> dict:
    "The stored events a batch's mentions may join, by (event type, look-up key), with their root mentions."
    keys = [{"event_type": r["event_type"], "code": code, "date": r["date"], "precision": r.get("date_precision")}
            for r in rows for code in _roots(r)]
    if not keys:
        return {}
    con.register("_keys", pa.Table.from_pylist(keys, schema=pa.schema(
        [("event_type", STR), ("code", STR), ("date", pa.date32()), ("precision", STR)])))
    # one equality join per side (hash joins on type and party), then the roots' dates
    cur = con.execute(
        f"""WITH k AS (
               SELECT e.root_mention_id, k.date, k.precision FROM events e JOIN _keys k
                 ON e.event_type = k.event_type AND coalesce(e.actor_code, 'n:' || lower(e.actor_name)) = k.code
               UNION ALL
               SELECT e.root_mention_id, k.date, k.precision FROM events e JOIN _keys k
                 ON e.event_type = k.event_type
                 AND coalesce(e.recipient_code, 'n:' || lower(e.recipient_name)) = k.code)
           SELECT DISTINCT m.* FROM k JOIN mentions m ON m.mention_id = k.root_mention_id
           WHERE {_DATES_FIT}""",
        [days])  # the dates are the root's, the one ``compatible`` compares
    names = [c[0] for c in cur.description]
    out: dict[tuple[str, str], list[_Open]] = {}
    for values in cur.fetchall():
        root = dict(zip(names, values))
        event = _Open(root["event_id"], root)
        for code in _roots(root):
            out.setdefault((root["event_type"], code), []).append(event)
    con.unregister("_keys")
    return out


def _ids_in_use(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> set[str]:
    "Which of the batch's mention ids already name a stored event (so a new event cannot take them)."
    con.register("_ids", pa.table({"id": pa.array([r["mention_id"] for r in rows], STR)}))
    found = {r[0] for r in con.execute(
        "SELECT event_id FROM events WHERE event_id IN (SELECT id FROM _ids)").fetchall()}
    con.unregister("_ids")
    return found


def rebuild_events(con: duckdb.DuckDBPyConnection, event_ids: set[str]) -> None:
    "Rewrite these events' rows from their mentions; an event with no mention left is dropped."
    if not event_ids:
        return
    con.register("_rebuild", pa.table({"event_id": pa.array(sorted(event_ids), STR)}))
    con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _rebuild)")
    con.execute(_EVENT_ROWS_SQL)
    con.unregister("_rebuild")


# One events row per event of ``_rebuild``, from its mentions: the root (most confident asserted
# mention, ties to the smallest id) gives type, dyad, codes and sentence; the earliest dated
# mention the date; the most confident placed mention the place.
# the orders of ``_root_key`` (NULL flags are false, a NULL confidence is 0) and of the placed mention
_ROOT = "coalesce(m.negated OR m.hypothetical, false), coalesce(m.confidence, 0.0) DESC, m.mention_id"
_PLACED = "m.location_name IS NULL, coalesce(m.confidence, 0.0) DESC, m.mention_id"
# the columns an event takes from its root mention
_ROOT_COLUMNS = ("dyad_key", "event_type", "mode", "actor_code", "actor_name", "actor_sector", "recipient_code",
                 "recipient_name", "recipient_sector", "quad_class", "cameo", "score", "doc_id", "sentence",
                 "coder_version")
_PLACE_COLUMNS = (("location_name", "location_name"), ("location_country", "country"), ("location_lat", "lat"),
                  ("location_lon", "lon"))
_EVENT_ROWS_SQL = f"""
INSERT INTO events BY NAME
SELECT m.event_id,
       {", ".join(f"first(m.{c} ORDER BY {_ROOT}) AS {c}" for c in _ROOT_COLUMNS)},
       first(m.mention_id ORDER BY {_ROOT}) AS root_mention_id,
       list_sort(list_distinct(flatten(list(coalesce(m.contexts, []::VARCHAR[]))))) AS contexts,
       min(m.date) AS date,
       coalesce(first(m.date_precision ORDER BY m.date NULLS LAST, m.mention_id) FILTER (WHERE m.date IS NOT NULL),
                first(m.date_precision ORDER BY {_ROOT})) AS date_precision,
       {", ".join(f"first(m.{c} ORDER BY {_PLACED}) AS {name}" for c, name in _PLACE_COLUMNS)},
       max(coalesce(m.confidence, 0.0)) AS confidence,
       count(*)::INTEGER AS num_mentions,
       count(DISTINCT m.doc_id)::INTEGER AS num_documents,
       count(DISTINCT d.source)::INTEGER AS num_sources,
       count(DISTINCT coalesce(x.duplicate_of, m.doc_id))::INTEGER AS num_stories,
       min(coalesce(d.published, m.date)) AS first_seen,
       max(coalesce(d.published, m.date)) AS last_seen,
       bool_and(m.negated) AS negated,
       bool_and(m.hypothetical) AS hypothetical
FROM mentions m
LEFT JOIN documents d USING (doc_id)
LEFT JOIN duplicates x USING (doc_id)
WHERE m.event_id IN (SELECT event_id FROM _rebuild)
GROUP BY m.event_id
"""


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    "Great-circle distance in kilometres."
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


__all__ = ["assign_events", "compatible", "dyad_key", "rebuild_events"]
