"""GET /trends: the countries and dyads whose conflict events depart most from their baseline.

INTERFACE:

    trends(db, *, weeks=TREND_WEEKS, baseline_weeks=TREND_BASELINE_WEEKS, limit=10) -> Trends

The store counts conflict events (quad 3-4) per week before its latest event date
(``Store.trend_counts``); the ranking here is presentation: a z-score of the recent weeks'
total against the baseline weeks' weekly distribution, largest departure (up or down) first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from ..store import Store
from .models import TrendRow, Trends

TREND_WEEKS = 4  # "what changed": the last 4 weeks, as ACLED's Conflict Trendfinder compares
TREND_BASELINE_WEEKS = 12  # against the 12 weeks before them (a quarter; ACLED uses a longer year)
TREND_MIN_VARIANCE = 0.25  # weekly variance floor, so that 0 events before and 1 now is z = 4, not infinity


def trends(db: Store, *, weeks: int = TREND_WEEKS, baseline_weeks: int = TREND_BASELINE_WEEKS,
           limit: int = 10) -> Trends:
    "Countries and dyads whose conflict events in the last ``weeks`` depart most from the weeks before."
    counts = db.trend_counts(weeks=weeks, baseline_weeks=baseline_weeks)
    as_of = counts["as_of"]
    empty = Trends(as_of=as_of, recent_weeks=weeks, baseline_weeks=baseline_weeks, countries=[], dyads=[])
    if as_of is None:
        return empty
    total = weeks + baseline_weeks
    return empty.model_copy(update={
        "recent_since": as_of - dt.timedelta(days=weeks * 7 - 1),
        "baseline_since": as_of - dt.timedelta(days=total * 7 - 1),
        "countries": _rank_trends(counts["countries"], weeks=weeks, baseline_weeks=baseline_weeks, limit=limit,
                                  describe=lambda r: {"country": r["unit"]}),
        "dyads": _rank_trends(counts["dyads"], weeks=weeks, baseline_weeks=baseline_weeks, limit=limit,
                              describe=lambda r: {"actor": r["actor"], "recipient": r["recipient"]}),
    })


def _rank_trends(rows: list[dict], *, weeks: int, baseline_weeks: int, limit: int,
                 describe: Callable[[dict], dict]) -> list[TrendRow]:
    "Weekly counts per unit -> TrendRows ranked by the size of the departure (|z|), largest first."
    units: dict[str, dict] = {}
    for row in rows:
        unit = units.setdefault(row["unit"], {"weekly": [0] * (weeks + baseline_weeks), "row": row})
        unit["weekly"][row["week"]] += row["n"]
    ranked = []
    for key, unit in units.items():
        recent, base = unit["weekly"][:weeks], unit["weekly"][weeks:]
        mean = sum(base) / baseline_weeks
        variance = max(sum((x - mean) ** 2 for x in base) / baseline_weeks, mean, TREND_MIN_VARIANCE)
        # the recent total against ``weeks`` draws from the baseline's weekly distribution
        z = (sum(recent) - weeks * mean) / math.sqrt(weeks * variance)
        per_week = sum(recent) / weeks
        ranked.append(TrendRow(
            key=key, **describe(unit["row"]), recent=sum(recent), baseline=sum(base),
            recent_per_week=round(per_week, 3), baseline_per_week=round(mean, 3),
            ratio=round(per_week / mean, 3) if mean else None, z=round(z, 3),
            direction="up" if z > 0 else "down" if z < 0 else "flat"))
    ranked.sort(key=lambda t: (-abs(t.z), -t.recent, t.key))
    return ranked[:limit]


__all__ = ["TREND_BASELINE_WEEKS", "TREND_MIN_VARIANCE", "TREND_WEEKS", "trends"]
