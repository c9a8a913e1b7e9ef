"""Fit the place ranker's weights (src/eventwire/data/gazetteer/ranker.json) on the place annotations.

    PYTHONPATH=src .venv/bin/python scripts/train_place_ranker.py [--check]

For every gold place whose span the geoparser finds, the candidates of that span (the gazetteer's
index hits, as find_mentions sees them, with the document's context) become one choice: the right
candidate is the one with the gold GeoNames id, else (gold without id) the one of the gold country and
kind, within 161 km of the gold point when both have one. A conditional logit (softmax over each
mention's candidates, L2 toward DEFAULT_WEIGHTS) is fit with numpy. The figure reported is
cross-validated: documents split into FOLDS folds by a seeded shuffle (SEED), each fold scored with
weights fit on the others, beside the default weights on the same mentions. The sealed InSight Crime
file is never read. ``--check`` reports without writing.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from eventwire.coding import geo  # noqa: E402
from eventwire.coding.geo import ranker  # noqa: E402
from eventwire.coding.geo.toponyms import find_toponyms  # noqa: E402
from eventwire.coding.nlp import parse_paragraphs, split_paragraphs  # noqa: E402
from eventwire.config import Settings  # noqa: E402
from eventwire.evaluation import places as ev  # noqa: E402
from eventwire.records import Article  # noqa: E402
from eventwire.run.pipeline import Coder  # noqa: E402

logger = logging.getLogger("train_place_ranker")
FILES = (ev.PLACES_DEV, ev.PLACES_HELDOUT, ev.PLACES_INSIGHTCRIME)  # never ev.PLACES_SEALED
SEED, FOLDS, L2, STEPS, RATE = 20, 5, 0.3, 3000, 0.05
SHARED = REPO.parent / "shared"


def _choices(coder: Coder, name: str) -> list[tuple[str, np.ndarray, int]]:
    "(doc_id, candidate feature matrix, index of the right candidate) of each found gold place of one file."
    gold = [g for g in ev._read_jsonl(ev.ANNOTATIONS / name) if g["kind"] == "place"]
    corpus = ev._corpus(SHARED, {g["doc_id"] for g in gold}, corpus_file=ev.CORPUS_OF.get(name, ev.CORPUS_FILE))
    gaz = coder.gazetteer
    out = []
    for doc_id in sorted(corpus):
        paragraphs = split_paragraphs(Article(id=doc_id, text=corpus[doc_id]["text"], origin="api"))
        parsed = list(parse_paragraphs(coder.nlp, paragraphs, settings=coder.settings))
        context = geo.build_context((d for _, d in parsed), gaz)
        known = frozenset(geo.normalize_name(p.text) for p in context.places)
        golds = [g for g in gold if g["doc_id"] == doc_id]
        for paragraph, doc in parsed:
            for span, hits in find_toponyms(doc, gaz, known=known, context=context):
                start, end = span.start_char + paragraph.start, span.end_char + paragraph.start
                g = next((g for g in golds if g["start"] < end and start < g["end"]), None)
                if g is None or len(hits) < 2:
                    continue
                city_countries = {gaz.entries[i].country for i, _ in hits if gaz.entries[i].precision == "city"}
                admin1s = context.admin1s
                rows, right = [], -1
                for k, (i, primary) in enumerate(hits):
                    entry = gaz.entries[i]
                    rows.append(ranker.features(entry, primary, city_countries, admin1s, context))
                    if right < 0 and _is_right(entry, g):
                        right = k
                if right >= 0:
                    out.append((f"{name}:{doc_id}", np.array(rows), right))
    return out


def _is_right(entry, g: dict) -> bool:
    "Whether a candidate is the gold place."
    if g.get("geonameid"):
        return entry.geonameid == g["geonameid"]
    if entry.country != g["country"] or entry.precision != g.get("feature"):
        return False
    if g.get("lat") is None or entry.lat is None or g.get("feature") != "city":
        return True
    return ev.haversine_km(entry.lat, entry.lon, g["lat"], g["lon"]) <= ev.DISTANCE_KM


def fit(choices: list, start: np.ndarray) -> np.ndarray:
    "Conditional-logit weights (log10 scale), gradient descent from ``start`` with L2 toward it."
    w = start.copy()
    ln10 = math.log(10)
    for _ in range(STEPS):
        grad = L2 * (w - start)
        for _, x, right in choices:
            s = ln10 * (x @ w)
            p = np.exp(s - s.max())
            p /= p.sum()
            grad -= ln10 * (x[right] - p @ x) / len(choices)
        w -= RATE * grad
    return w


def accuracy(choices: list, w: np.ndarray) -> float:
    "Share of choices whose right candidate scores highest (first on ties, as best_with_confidence)."
    return sum(int(np.argmax(x @ w)) == right for _, x, right in choices) / max(len(choices), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="report only; do not write ranker.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    coder = Coder.load(Settings.load(None))
    choices = [c for name in FILES for c in _choices(coder, name)]
    docs = sorted({d for d, _, _ in choices})
    random.Random(SEED).shuffle(docs)
    fold_of = {d: k % FOLDS for k, d in enumerate(docs)}
    default = np.array(ranker.DEFAULT_WEIGHTS)
    cv_right = cv_default = 0
    for k in range(FOLDS):
        train = [c for c in choices if fold_of[c[0]] != k]
        test = [c for c in choices if fold_of[c[0]] == k]
        w = fit(train, default)
        cv_right += round(accuracy(test, w) * len(test))
        cv_default += round(accuracy(test, default) * len(test))
    w = fit(choices, default)
    report = {"features": list(ranker.FEATURES), "weights": [round(float(v), 4) for v in w],
              "trained_on": list(FILES), "seed": SEED, "folds": FOLDS, "l2": L2,
              "ambiguous_mentions": len(choices), "documents": len(docs),
              "cv_top1": round(cv_right / len(choices), 4), "cv_top1_default_weights": round(cv_default / len(choices), 4),
              "train_top1": round(accuracy(choices, w), 4)}
    logger.info(json.dumps({k: v for k, v in report.items() if k != "features"}))
    if not args.check:
        ranker.WEIGHTS_FILE.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        logger.info("wrote %s", ranker.WEIGHTS_FILE)


if __name__ == "__main__":
    main()
