"""The learned decision's numpy inference (coding/decider.py), with a hand-made model spec."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from eventwire.coding.decider import Decider


def _spec(labels=("ASSAULT", "PROTEST", "NONE")) -> dict:
    "A two-feature model: 'w:bomb' votes ASSAULT, 'w:march' PROTEST; an identity calibration for rules."
    weights = np.array([[3.0, 0.0], [0.0, 3.0], [0.0, 0.0]], dtype="<f2")
    return {"labels": list(labels), "thresholds": {"drop": 0.5, "retype": 0.9, "propose": 1.01, "keep": 0.9},
            "vocabulary": ["w:bomb", "w:march"], "weights": base64.b64encode(weights.tobytes()).decode(),
            "bias": [0.0, 0.0, 1.0],
            "calibration": {"rule": {"x": [0.0, 1.0], "y": [0.0, 1.0]}, "proposed": {"x": [0.2, 0.8], "y": [0.1, 0.9]}}}


def test_decider_probabilities_sum_to_one_and_follow_the_features(tmp_path):
    (tmp_path / "decider.json").write_text(json.dumps(_spec()))
    decider = Decider.load(tmp_path)
    model = decider.model_for("any text")
    p = model.probabilities(["w:bomb", "w:unknown", "w:bomb"])
    assert p.sum() == pytest.approx(1.0, abs=1e-6) and int(np.argmax(p)) == 0
    assert int(np.argmax(model.probabilities([]))) == decider.none_index
    assert not decider.has_folds()


@pytest.mark.parametrize("score, kind, expected", [(0.5, "rule", 0.5), (0.0, "proposed", 0.1), (0.5, "proposed", 0.5),
                                                   (1.0, "proposed", 0.9)])
def test_decider_calibration_interpolates_and_clips(tmp_path, score, kind, expected):
    (tmp_path / "decider.json").write_text(json.dumps(_spec()))
    assert Decider.load(tmp_path).model.calibrate(score, kind=kind) == pytest.approx(expected)


def test_decider_absent_file_is_none_and_fold_twin_picks_the_fold_model(tmp_path):
    assert Decider.load(tmp_path) is None
    spec = _spec()
    (tmp_path / "decider.json").write_text(json.dumps(spec))
    flipped = {**spec, "bias": [5.0, 0.0, 0.0]}
    (tmp_path / "decider_folds.json").write_text(json.dumps({"models": {"0": spec, "1": flipped}}))
    decider = Decider.load(tmp_path)
    twin = decider.by_fold(lambda text: 1 if "one" in text else 0)
    assert int(np.argmax(twin.model_for("fold one").probabilities([]))) == 0
    assert int(np.argmax(twin.model_for("fold zero").probabilities([]))) == decider.none_index
