"""Mentions into events: which stored mentions report one event, and the events table rows.

INTERFACE:

    dyad_key(event_type, actor_code, actor_name, recipient_code, recipient_name) -> str
    recompute_events(con, touched, *, stale, dedup_days, dedup_km)
        # inside the writer's transaction: re-cluster the mentions near each touched
        # (dyad_key, date), rewrite their events, drop ``stale`` event ids

Deduplication: mentions with the same ``dyad_key`` (event type + actor code/name + recipient
code/name) are clustered greedily in (date, mention_id) order; a mention joins the first
open cluster whose every member is within ``dedup_days`` of it and at a compatible place
(both have coordinates: within ``dedup_km``; else the same country; a missing place is
compatible with any). After each batch the clusters of every dyad the batch touched are
recomputed from scratch, so the result depends only on what is stored, never on the order
of batches, and re-ingesting keeps event ids stable: an event keeps its id when new mentions
join it; a new event takes the smallest free mention id of its cluster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .schema import DATE, EVENT_SCHEMA, STR, insert_rows

_EARTH_KM = 6371.0


def dyad_key(event_type: str, actor_code: str | None, actor_name: str | None,
             recipient_code: str | None, recipient_name: str | None) -> str:
    "The deduplication key: event type, actor and recipient (codes and folded names)."
    parts = [event_type, actor_code or "", (actor_name or "").casefold(),
             recipient_code or "", (recipient_name or "").casefold()]
    return "\x1f".join(parts)


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


def recompute_events(con: duckdb.DuckDBPyConnection, touched: set[tuple[str, dt.date | None]], *,
                     stale: set[str], dedup_days: int, dedup_km: float) -> None:
    """Re-cluster the mentions near each touched (dyad, date) and rewrite their events.

    Within one dyad, mentions whose dates are more than ``dedup_days`` from every earlier
    one start a fresh run that no earlier cluster can reach, so the greedy clustering of
    a whole dyad is the union of its runs' clusterings: only the runs within
    ``dedup_days`` of a touched date (and the undated mentions of a touched dyad) change.
    ``stale`` names the events of deleted mentions, which are dropped too.
    """
    if not touched:
        return
    con.register("_touched", pa.Table.from_pylist(
        [{"dyad_key": k, "date": d} for k, d in sorted(touched, key=lambda kd: (kd[0], kd[1] or dt.date.min))],
        schema=pa.schema([("dyad_key", STR), ("date", DATE)])))
    by_key = _touched_mentions(con, dedup_days)
    existing = {r[0] for r in con.execute(
        "SELECT event_id FROM events WHERE dyad_key IN (SELECT dyad_key FROM _touched)").fetchall()}
    clusters = [(key, cluster) for key, members in by_key.items()
                for cluster in _cluster(members, days=dedup_days, km=dedup_km)]
    stale = stale | {m.row["event_id"] for _key, cluster in clusters for m in cluster}
    ids = _event_ids(clusters, existing=existing, kept=existing - stale)  # untouched clusters keep theirs
    event_rows = [_event_row(key, cluster, event_id=event_id) for (key, cluster), event_id in zip(clusters, ids)]
    assignments = [{"mention_id": m.mention_id, "event_id": event_id}
                   for (_key, cluster), event_id in zip(clusters, ids)
                   for m in cluster if m.row["event_id"] != event_id]
    _write_events(con, event_rows, assignments=assignments, stale=stale)
    con.unregister("_touched")


def _touched_mentions(con: duckdb.DuckDBPyConnection, days: int) -> dict[str, list[_Mention]]:
    "The mentions of the runs near the registered ``_touched`` (dyad, date) pairs, per dyad, in order."
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
    return by_key


def _event_ids(clusters: list[tuple[str, list[_Mention]]], *, existing: set[str], kept: set[str]) -> list[str]:
    "The event id of each cluster: an id it already had, else its smallest free mention id."
    claimed: set[str] = set()
    ids: list[str | None] = []
    for _key, cluster in clusters:
        # an event keeps the id it already had when new mentions join it (as ACLED's
        # event ids do); a new event takes its smallest free mention id
        prior = sorted({m.row["event_id"] for m in cluster} & existing - claimed)
        ids.append(prior[0] if prior else None)
        claimed.update(prior[:1])
    for n, ((_key, cluster), event_id) in enumerate(zip(clusters, ids)):
        if event_id is None:
            free = sorted(m.mention_id for m in cluster if m.mention_id not in claimed | kept)
            ids[n] = free[0] if free else hashlib.sha1(
                "|".join(sorted(m.mention_id for m in cluster)).encode()).hexdigest()[:16]
            claimed.add(ids[n])
    return ids


def _write_events(con: duckdb.DuckDBPyConnection, event_rows: list[dict], *, assignments: list[dict],
                  stale: set[str]) -> None:
    "Point mentions at their events, drop the stale events and insert the new rows."
    if assignments:
        con.register("_assign", pa.Table.from_pylist(
            assignments, schema=pa.schema([("mention_id", STR), ("event_id", STR)])))
        con.execute("UPDATE mentions SET event_id = a.event_id FROM _assign a "
                    "WHERE mentions.mention_id = a.mention_id")
        con.unregister("_assign")
    if stale:
        con.register("_stale", pa.table({"event_id": pa.array(sorted(stale), STR)}))
        con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM _stale)")
        con.unregister("_stale")
    insert_rows(con, "events", event_rows, EVENT_SCHEMA)


def _cluster(members: list[_Mention], *, days: int, km: float) -> list[list[_Mention]]:
    "Greedy complete-linkage clusters of one dyad's mentions, in (date, mention_id) order."
    done: list[list[_Mention]] = []
    open_: list[list[_Mention]] = []
    for m in members:  # sorted by date (None last), then mention_id
        still_open = []
        for cluster in open_:
            if m.date is not None and cluster[0].date is not None and (m.date - cluster[0].date).days > days:
                done.append(cluster)  # dates only grow: nothing later can join it
            else:
                still_open.append(cluster)
        open_ = still_open
        for cluster in open_:
            if all(_same_event(m, other, days=days, km=km) for other in cluster):
                cluster.append(m)
                break
        else:
            open_.append([m])
    return done + open_


def _same_event(a: _Mention, b: _Mention, *, days: int, km: float) -> bool:
    "Whether two mentions of one dyad are close enough in time and place to be one event."
    if (a.date is None) != (b.date is None):
        return False
    if a.date is not None and abs((a.date - b.date).days) > days:
        return False
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        return _haversine_km(a.lat, a.lon, b.lat, b.lon) <= km
    if a.country and b.country:
        return a.country == b.country
    if a.place and b.place and not (a.country or b.country):
        return a.place == b.place
    return True  # a missing place contradicts nothing


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    "Great-circle distance in kilometres."
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


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


__all__ = ["dyad_key", "recompute_events"]
