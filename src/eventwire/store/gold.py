"""Analysts' corrections as gold: one record per corrected or confirmed event, in the shape of
the PLOVER dev set (``shared/gold/dev/plover_gsr_dev.jsonl``), for ``eventwire eval --gold``.

INTERFACE:

    records = gold_records(store)          # list of dicts, by event id; rejected events left out
    n = export_gold(store, path)           # JSONL, one record per line; returns the count

A record holds ``id`` (``EW-GOLD-<event id>``), ``date``, ``source`` / ``target`` (lists of
{actorText, code, sector}; ``target`` is "" without a recipient), ``event``, ``mode``,
``context``, ``text`` (the sentence of the mention the correction is anchored to), ``location``
({name, country, lat, lon} or null), ``language``, ``publication``, ``coder`` (the analysts),
``dateCoded``, ``doc_id`` and ``comment`` (their notes): the dev set's fields, plus the place.
"""

from __future__ import annotations

import json
import os

from .core import Store


def gold_records(store: Store) -> list[dict]:
    "A gold record per event with a correction in effect that is not rejected."
    out = []
    for row in store.corrected_events():
        if row.get("review_status") == "rejected" or not row.get("anchor_sentence"):
            continue
        trail = store.corrections_of(row["event_id"])
        out.append(_record(row, trail))
    return out


def _party(row: dict, side: str) -> list[dict] | str:
    "The dev set's actor list of one side (\"\" for a missing recipient)."
    if row[f"{side}_name"] is None and row[f"{side}_code"] is None:
        return "" if side == "recipient" else []
    party = {"actorText": row[f"{side}_name"], "code": row[f"{side}_code"]}
    if row[f"{side}_sector"]:
        party["sector"] = row[f"{side}_sector"]
    return [party]


def _record(row: dict, trail: list[dict]) -> dict:
    "One gold record from a corrected event row and its trail."
    place = None
    if row["location_name"] or row["country"]:
        place = {"name": row["location_name"], "country": row["country"], "lat": row["lat"], "lon": row["lon"]}
    analysts = sorted({c["analyst"] for c in trail if c["analyst"]})
    notes = [c["note"] for c in trail if c["note"]]
    return {
        "id": f"EW-GOLD-{row['event_id']}",
        "date": row["date"].isoformat() if row["date"] else None,
        "source": _party(row, "actor"), "target": _party(row, "recipient"),
        "event": row["event_type"], "mode": row["mode"], "context": "|".join(row["contexts"] or []),
        "text": row["anchor_sentence"], "location": place, "language": "en",
        "publication": "eventwire corrections", "coder": ", ".join(analysts) or "analyst",
        "dateCoded": max(c["created_at"] for c in trail).date().isoformat() if trail else None,
        "doc_id": row["anchor_doc"], "comment": " / ".join(dict.fromkeys(notes)),
        "event_original": row["coded_event_type"],
    }


def export_gold(store: Store, path: str | os.PathLike) -> int:
    "Write the gold records as JSONL; returns how many."
    records = gold_records(store)
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(records)


__all__ = ["export_gold", "gold_records"]
