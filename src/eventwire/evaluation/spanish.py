"""The Spanish set: UniversalPetrarch's AFP sentences (gold/dev/spanish_petrarch_dev.jsonl).

Each record is coded as ``eventwire code`` codes a JSONL line (``id``, ``text``, ``published``;
the language detected, not forced). Measures, over records:

- type recall and precision: a record's gold PLOVER types (one or more codings) against the
  types of its asserted events;
- dyad recall, over codings whose gold names both sides: an asserted event of the coding's type
  whose actor and recipient match. A gold code is a country (or IGO, NGO ...) and a sector
  ("COLREB", "---CVL": no country); an actor matches when its country equals the gold's (where
  the gold gives one) and, where the gold gives no country, its sector equals the gold's.

Figures: all, read, and the sealed fold (fold 4, ``--sealed``), as for the English sets.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Sequence

from ..errors import ArticleRejected
from ..records import Actor, Event
from . import crossval, folds
from .measures import figures, parse_date, pct, prf, skipped

logger = logging.getLogger(__name__)

SPANISH_FILE = "gold/dev/spanish_petrarch_dev.jsonl"


def read_records(path: Path) -> list[dict]:
    "Records of the Spanish gold JSONL with text (malformed lines skipped)."
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            logger.warning("%s:%d: not JSON, skipped", path, number)
            continue
        if record.get("text"):
            out.append(record)
    return out


def _code(coder, records: Sequence[dict]) -> list[list[Event]]:
    "Each record coded as one JSONL document; a rejected one (another language) has no events."
    out = []
    for r in records:
        try:
            events = coder.code_text(r["text"], published=parse_date(r.get("published")), doc_id=str(r.get("id")))
        except ArticleRejected:
            events = []
        out.append([e for e in events if not e.negated and not e.hypothetical])
    return out


def actor_matches(gold: str, actor: Actor | None) -> bool:
    "Whether an actor matches a gold code ('COLREB', '---CVL', 'IGOUNO')."
    gold = (gold or "").strip().upper()
    if not gold or actor is None:
        return False
    country, sector = gold[:3], gold[3:6]
    if country != "---":
        codes = {country, gold[3:6]} if country in ("IGO", "NGO") else {country}
        return (actor.code or "") in codes
    return bool(sector) and (actor.sector or "") == sector


def score_record(record: dict, events: Sequence[Event]) -> dict:
    "One record's type counts and dyad hits."
    gold = {str(c.get("plover", "")).upper() for c in record.get("codings", []) if c.get("plover")}
    predicted = {e.event_type for e in events}
    dyads = []
    for c in record.get("codings", []):
        if c.get("source") and c.get("target"):
            kind = str(c.get("plover", "")).upper()
            dyads.append(any(e.event_type == kind and actor_matches(c["source"], e.actor)
                             and actor_matches(c["target"], e.recipient) for e in events))
    return {"tp": len(gold & predicted), "fp": len(predicted - gold), "fn": len(gold - predicted),
            "dyads": dyads, "fold": folds.fold_of(record["text"]),
            "judged": [(e.confidence, e.event_type in gold) for e in events]}


def summarize(scored: Sequence[dict]) -> dict:
    "Type precision, recall and F1, and dyad recall, over scored records."
    tp, fp, fn = (sum(r[k] for r in scored) for k in ("tp", "fp", "fn"))
    dyads = [d for r in scored for d in r["dyads"]]
    return {"n": len(scored), **prf(tp, fp, fn), "dyad_recall": round(sum(dyads) / len(dyads), 4) if dyads else 0.0,
            "dyad_hits": sum(dyads), "dyad_n": len(dyads)}


def eval_spanish(shared_dir: Path, folded: crossval.FoldedCoders) -> dict:
    "Type and dyad scores on the Spanish dev sentences: all, read, sealed."
    path = shared_dir / SPANISH_FILE
    if not path.is_file():
        return skipped(f"{SPANISH_FILE} not found in {shared_dir}")
    records = read_records(path)

    def score(coder, chosen: list[dict]) -> list[dict]:
        return [score_record(r, events) for r, events in zip(chosen, _code(coder, chosen))]

    found = figures(folded.rows(records, lambda r: r["text"], score), summarize, lambda summary: summary)
    splits = {name: found[name] for name in ("all", "read", "cv", "sealed") if name in found}
    return {"status": "ok", "file": SPANISH_FILE, "splits": splits, **found["reliability"]}


def format_spanish(result: dict, figure_table) -> list[str]:
    "The Spanish table: figures by fold group."
    return figure_table(result["splits"], [
        ("n", lambda s: str(s["n"])), ("type P", lambda s: pct(s["precision"])),
        ("type R", lambda s: pct(s["recall"])), ("type F1", lambda s: pct(s["f1"])),
        ("dyad recall", lambda s: f"{pct(s['dyad_recall'])} ({s['dyad_hits']}/{s['dyad_n']})")],
        result={**result, "sealed": result["splits"].get("sealed", {})})
