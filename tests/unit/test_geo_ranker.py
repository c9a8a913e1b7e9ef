import json
import math

from eventwire.coding.geo import Entry, ranker


def _entry(kind="city", pop=100_000, country="MEX", admin1=None):
    return Entry("X", country, admin1, 1.0, 2.0, kind, 1, pop)


def test_geo_ranker_default_weights_are_the_former_hand_set_score():
    v = ranker.features(_entry("country", 1000), True, set(), frozenset(), None)
    assert math.isclose(ranker.score(v, ranker.DEFAULT_WEIGHTS), math.log10(1010) + 2.5 + 0.5)
    v = ranker.features(_entry("admin1", 500), True, {"MEX"}, frozenset(), None)
    assert math.isclose(ranker.score(v, ranker.DEFAULT_WEIGHTS), math.log10(510) - 1.5 + 0.5)


def test_geo_ranker_weights_file_fallbacks(tmp_path):
    assert ranker.load_weights(tmp_path / "missing.json") == ranker.DEFAULT_WEIGHTS
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"features": ["a"], "weights": [1.0]}))
    assert ranker.load_weights(other) == ranker.DEFAULT_WEIGHTS
    shipped = json.loads(ranker.WEIGHTS_FILE.read_text())
    assert tuple(shipped["features"]) == ranker.FEATURES and "places_insightcrime_sealed.jsonl" not in shipped["trained_on"]
    assert ranker.WEIGHTS == tuple(shipped["weights"])
