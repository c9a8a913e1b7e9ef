"""Measures every evaluation set shares: P/R/F1, the reliability table, figures by fold group.

    prf(tp, fp, fn) -> {"precision", "recall", "f1", ...}
    reliability([(confidence, right), ...]) -> bins, ">= 0.8", all
    figures(groups, summarize, headline) -> summaries of all / read / cv and the sealed headline
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable, Sequence

logger = logging.getLogger(__name__)


def prf(tp: int, fp: int, fn: int) -> dict:
    "Precision, recall and F1 (0.0 where undefined)."
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4)}


def figures(groups: dict[str, list[dict]], summarize: Callable[[list[dict]], dict],
            headline: Callable[[dict], dict]) -> dict:
    """Summaries of a set's scored rows by figure (all, read, cv; the sealed fold's aggregate
    figures alone) and the reliability tables of all, read and cv ("reliability_read", ...)."""
    out: dict = {name: summarize(rows) for name, rows in groups.items() if name != "sealed"}
    if "sealed" in groups:
        out["sealed"] = headline(summarize(groups["sealed"]))
    out["reliability"] = {("reliability" if name == "all" else f"reliability_{name}"):
                          reliability([j for r in rows for j in r["judged"]])
                          for name, rows in groups.items() if name != "sealed"}
    if "sealed" in groups:
        high = reliability([j for r in groups["sealed"] for j in r["judged"]])["high"]
        out["sealed"]["reliability_high"] = high
    return out


def skipped(reason: str) -> dict:
    "A set that could not run, and why."
    logger.warning("eval set skipped: %s", reason)
    return {"status": "skipped", "reason": reason}


def parse_date(value) -> dt.date | None:
    "An ISO date (or datetime) string, or None."
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


# Confidence bins of the reliability table: [low, high) each, the last one closed.
RELIABILITY_BINS: tuple[tuple[float, float], ...] = ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8),
                                                     (0.8, 0.9), (0.9, 1.0))


def reliability(judged: Sequence[tuple[float, bool]]) -> dict:
    """How often asserted events are right, by confidence bin, and at confidence >= 0.8.

    `judged` holds (confidence, right) for every asserted event of a set; what "right" means is
    the set's own (PLOVER: the gold type; CASE: an accepted type, and no conflict event in a
    disaster snippet; ConfliBERT: the sentence's class)."""
    def share(rows) -> dict:
        n = len(rows)
        return {"n": n, "right": sum(r for _, r in rows), "share": round(sum(r for _, r in rows) / n, 4) if n else None}

    bins = []
    for low, high in RELIABILITY_BINS:
        last = high >= 1.0
        rows = [(c, r) for c, r in judged if low <= c < high or (last and c == high)]
        bins.append({"low": low, "high": high, **share(rows)})
    return {"bins": bins, "high": share([(c, r) for c, r in judged if c >= 0.8]), "all": share(list(judged))}


def pct(value: float) -> str:
    "A ratio as a percentage string."
    return f"{100 * value:5.1f}%"
