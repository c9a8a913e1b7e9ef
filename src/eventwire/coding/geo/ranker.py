"""The ranker of one name's gazetteer candidates: a linear score over a few features, weights learned.

INTERFACE:

    FEATURES                                               # the names of the feature columns, in order
    vector = features(entry, primary, city_countries, admin1s, context) -> tuple[float, ...]
    score(vector, weights=WEIGHTS) -> float                # on the log10 scale: confidence is a base-10 softmax
    WEIGHTS = load_weights(path)                           # data/gazetteer/ranker.json, else DEFAULT_WEIGHTS

The weights are those of a conditional logit over each mention's candidates, fit by
scripts/train_place_ranker.py on the place annotations it names (never the sealed file) and
cross-validated over document folds whose seed it records in ranker.json. DEFAULT_WEIGHTS are the
hand-set scores the geoparser used before (population, a country bonus, context bonuses), so a
missing weights file changes nothing. ``entry`` is a gazetteer Entry, ``context`` a DocContext or None
(duck-typed: this module sits below gazetteer, which calls it).
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

logger = logging.getLogger(__name__)

FEATURES = ("log_population", "country", "admin1", "admin2", "area", "primary", "division_below_city",
            "context_country", "context_mentions", "context_admin1", "no_population")
# The hand-set scoring before issue 20: log10 population, +2.5 a country, -1.5 a division that shares
# its name with a city of its country, +0.5 a primary name, +3 in a country the document names,
# +1 in a province it names.
DEFAULT_WEIGHTS = (1.0, 2.5, 0.0, 0.0, 0.0, 0.5, -1.5, 3.0, 0.0, 1.0, 0.0)
WEIGHTS_FILE = Path(__file__).resolve().parents[2] / "data" / "gazetteer" / "ranker.json"
_DIVISIONS = {"admin1", "admin2"}


def features(entry, primary: bool, city_countries: set, admin1s: frozenset, context) -> tuple[float, ...]:
    "One candidate's feature vector, in the order of FEATURES."
    kind = entry.precision
    named = context.count(entry.country) if context is not None and entry.country else 0
    return (math.log10(entry.population + 10), float(kind == "country"), float(kind == "admin1"),
            float(kind == "admin2"), float(kind in ("region", "site")), float(primary),
            float(primary and kind in _DIVISIONS and entry.country in city_countries),
            float(named > 0), math.log1p(named),
            float(bool(entry.admin1) and kind != "admin1" and entry.admin1 in admin1s),
            float(entry.population == 0))


def score(vector: tuple[float, ...], weights: tuple[float, ...] | None = None) -> float:
    "The candidate's score (log10 scale)."
    return sum(w * x for w, x in zip(weights or WEIGHTS, vector))


def load_weights(path: Path = WEIGHTS_FILE) -> tuple[float, ...]:
    "The learned weights, or DEFAULT_WEIGHTS when the file is missing or names other features."
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DEFAULT_WEIGHTS
    if tuple(data.get("features", ())) != FEATURES:
        logger.warning("%s: features differ from the code's; using the default weights", path)
        return DEFAULT_WEIGHTS
    return tuple(float(w) for w in data["weights"])


WEIGHTS = load_weights()
