"""Golden articles: events that must appear (``with``) and must not (``without``).

Scored as F1 over the set: a ``with`` item found is a TP, one missing an FN, a ``without``
item found an FP. The test fails below the floor pinned in ``golden/baseline.json``.

    EVENTWIRE_PIN_GOLDEN=1 pytest tests/test_golden.py   # raise the floor (never lowers it)
    EVENTWIRE_REPIN=1 pytest tests/test_golden.py        # set the floor, lower included
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from eventwire.records import Article, Rejected

GOLDEN = Path(__file__).parent / "golden"
ARTICLES = GOLDEN / "articles"
EXPECTED = GOLDEN / "expected.json"
BASELINE = GOLDEN / "baseline.json"


@pytest.fixture(scope="module")
def coder():
    "One Coder for the module: a broken pipeline fails the tests, it never skips them."
    from eventwire.config import Settings
    from eventwire.run.pipeline import Coder

    return Coder.load(Settings.load())


def _expected() -> dict:
    "The expected events per article file."
    return json.loads(EXPECTED.read_text(encoding="utf-8"))["articles"]


def _matches(item: dict, event) -> bool:
    "Whether an asserted event matches a with/without item."
    if event.negated or event.hypothetical or event.event_type != item["event_type"]:
        return False
    if item.get("actor") and (event.actor.code or "") != item["actor"]:
        return False
    if item.get("recipient") and (event.recipient is None or (event.recipient.code or "") != item["recipient"]):
        return False
    return True


def _code_file(coder, name: str, published: str | None) -> list:
    "Every event of one golden article, over all its cleaned documents."
    text = (ARTICLES / name).read_text(encoding="utf-8")
    article = Article(id=Path(name).stem, text=text,
                      published=dt.date.fromisoformat(published) if published else None)
    outcome = coder.code_article(article)
    assert not isinstance(outcome, Rejected), f"{name} rejected: {outcome.reason}"
    return [event for _doc, events in outcome.documents for event in events]


def score_golden(coder) -> dict:
    "TP/FP/FN over the golden set, F1, and the misses by article."
    tp = fp = fn = 0
    misses: dict[str, list[str]] = {}
    for name, spec in _expected().items():
        events = _code_file(coder, name, spec.get("published"))
        for item in spec.get("with", []):
            if any(_matches(item, e) for e in events):
                tp += 1
            else:
                fn += 1
                misses.setdefault(name, []).append(f"missing {item}")
        for item in spec.get("without", []):
            if any(_matches(item, e) for e in events):
                fp += 1
                misses.setdefault(name, []).append(f"unwanted {item}")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "f1": round(f1, 4), "misses": misses}


def _pin(baseline: dict, f1: float) -> None:
    "Write a new floor when asked: raise-only, or any value with EVENTWIRE_REPIN=1."
    floor = round(max(0.0, f1 - baseline.get("margin", 0.05)), 4)
    if os.environ.get("EVENTWIRE_REPIN") == "1" or (os.environ.get("EVENTWIRE_PIN_GOLDEN") == "1" and floor > baseline["f1"]):
        baseline.update({"f1": floor, "measured": f1})
        BASELINE.write_text(json.dumps(baseline, indent=2) + "\n", encoding="utf-8")


def test_golden_files_are_consistent():
    expected = _expected()
    assert expected, "expected.json lists no article"
    for name, spec in expected.items():
        assert (ARTICLES / name).is_file(), f"{name} listed in expected.json but missing"
        for item in [*spec.get("with", []), *spec.get("without", [])]:
            assert set(item) <= {"event_type", "actor", "recipient"}, item


@pytest.mark.slow
def test_golden_f1_above_floor(coder):
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    result = score_golden(coder)
    _pin(baseline, result["f1"])
    assert result["f1"] >= baseline["f1"], (
        f"golden F1 {result['f1']} below the pinned floor {baseline['f1']}: {json.dumps(result['misses'], indent=1)}")
