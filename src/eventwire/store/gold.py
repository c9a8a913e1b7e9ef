"""Analysts' corrections as gold: one record per corrected or confirmed event, in the shape of
the PLOVER dev set (``shared/gold/dev/plover_gsr_dev.jsonl``), for ``eventwire eval --gold``.

INTERFACE:

    records = gold_records(store)          # list of dicts, by event id; rejected events left out
    n = export_gold(store, path)           # JSONL, one record per line; returns the count

    found = suggestions(store, known_names=names, lemma=fn)   # Suggestions: dictionary rows to propose
    write_suggestions(found, folder)       # organisations.tsv and triggers.tsv in the dict-dir format

A record holds ``id`` (``EW-GOLD-<event id>``), ``date``, ``source`` / ``target`` (lists of
{actorText, code, sector}; ``target`` is "" without a recipient), ``event``, ``mode``,
``context``, ``text`` (the sentence of the mention the correction is anchored to), ``location``
({name, country, lat, lon} or null), ``language``, ``publication``, ``coder`` (the analysts),
``dateCoded``, ``doc_id`` and ``comment`` (their notes): the dev set's fields, plus the place.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Dictionary rows the corrections propose, each with how many corrected events ask for it."""

    actors: tuple[tuple[str, str, str, int], ...]          # name, code, sector, events
    triggers: tuple[tuple[str, str, str, str, int], ...]   # lemma, pos, event_type, mode, events


def _corrected_fields(trail: list[dict]) -> set[str]:
    "The fields whose latest correction sets a value (a revert undoes it)."
    latest = {c["field"]: c["op"] for c in trail}
    return {field for field, op in latest.items() if op == "set"}


def _actor_rows(row: dict, fields: set[str], known: Collection[str]) -> list[tuple[str, str, str]]:
    "(name, code, sector) of each side the analyst coded whose name the dictionary lacks."
    out = []
    for side in ("actor", "recipient"):
        name, code = (row[f"{side}_name"] or "").strip(), row[f"{side}_code"]
        if name.lower().startswith("the "):
            name = name[4:]
        if code and name and fields & {f"{side}_code", f"{side}_name", f"{side}_sector"} \
                and name.lower() not in known:
            out.append((name, code, row[f"{side}_sector"] or ""))
    return out


def suggestions(store: Store, *, known_names: Collection[str],
                lemma: Callable[[str, str], tuple[str, str]] = lambda word, sentence: (word.lower(), "V")
                ) -> Suggestions:
    """Actor names analysts coded that ``known_names`` (lower case) lacks, and the trigger lemmas of
    events analysts re-typed; ``lemma(trigger, sentence)`` gives a trigger's (lemma, pos)."""
    actors: Counter = Counter()
    triggers: Counter = Counter()
    for row in store.corrected_events():
        if row.get("review_status") == "rejected":
            continue
        fields = _corrected_fields(store.corrections_of(row["event_id"]))
        actors.update(_actor_rows(row, fields, known_names))
        if "event_type" in fields and row["anchor_trigger"] and row["event_type"] != row["coded_event_type"]:
            word, pos = lemma(row["anchor_trigger"], row["anchor_sentence"] or "")
            triggers[(word, pos, row["event_type"], row["mode"] or "")] += 1
    ranked = lambda counts: tuple((*key, n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Suggestions(actors=ranked(actors), triggers=ranked(triggers))


_ACTOR_HEAD = ("# Suggested by eventwire corrections suggest: actor names analysts coded that the dictionary\n"
               "# lacks. Check each row, then copy it into organisations.tsv (or people.tsv) of your dict dir.\n"
               "# Columns (tab-separated; aliases |-separated): name\taliases\tcode\tsector\n")
_TRIGGER_HEAD = ("# Suggested by eventwire corrections suggest: trigger lemmas whose events analysts re-typed.\n"
                 "# Check each row, then copy it into triggers.tsv of your dict dir (keep the header line).\n"
                 "lemma\tpos\tpattern\tevent_type\tmode\tcontexts\tcameo\tweight\n")


def write_suggestions(found: Suggestions, folder: str | os.PathLike) -> list[Path]:
    "Write organisations.tsv and triggers.tsv (the dict-dir format) into ``folder``; returns the paths."
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    actors = "".join(f"# {n} corrected event(s)\n{name}\t\t{code}\t{sector}\n" for name, code, sector, n in found.actors)
    triggers = "".join(f"# {n} re-typed event(s)\n{word}\t{pos}\t\t{kind}\t{mode}\t\t\t0.8\n"
                       for word, pos, kind, mode, n in found.triggers)
    paths = [folder / "organisations.tsv", folder / "triggers.tsv"]
    paths[0].write_text(_ACTOR_HEAD + actors, encoding="utf-8")
    paths[1].write_text(_TRIGGER_HEAD + triggers, encoding="utf-8")
    return paths


__all__ = ["Suggestions", "export_gold", "gold_records", "suggestions", "write_suggestions"]
