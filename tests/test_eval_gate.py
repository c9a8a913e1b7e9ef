"""The regression gate: `eventwire eval` on the dev gold sets must not fall below the pinned floors.

The floors live in golden/eval_baseline.json (measured minus a small margin): figures over all
documents, over the read folds (0-3) and, for learned parts, cross-validated ("cv"); never the sealed fold. The gate also checks
what the sample page must never show: a "not event" coded, or a teaser dated like its parent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BASELINE = Path(__file__).parent / "golden" / "eval_baseline.json"


@pytest.fixture(scope="module")
def report(shared_dir, coder):
    from eventwire.evaluation.events import run_eval

    return run_eval(shared_dir, coder=coder)


def _get(report: dict, dotted: str):
    node = report["sets"]
    for part in dotted.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize("metric", [k for k in json.loads(BASELINE.read_text()) if k != "comment"])
def test_eval_gate_metric_not_below_floor(report, metric):
    floor = json.loads(BASELINE.read_text())[metric]
    value = _get(report, metric)
    assert value >= floor, f"{metric} fell to {value} (floor {floor})"


def test_eval_gate_sample_page_has_no_false_events_and_no_inherited_dates(report):
    sample = report["sets"]["sample"]
    assert sample["not_events"]["violations"] == []
    assert sample["teaser_dates"]["misdated"] == []
