"""A learned baseline the coder was measured against (issue 3): is a bag-of-words classifier
trained on ../shared/gold/train better than the rules at choosing an event's PLOVER type?

    .venv/bin/python scripts/bow_baseline.py [--shared ../shared] [--sentences 2]

Trains a multinomial logistic regression (hashed unigrams and bigrams, plain numpy SGD, seed 0)
on the first sentences of the 4,500 synthetic NGEC stories (gold/train, their PLOVER label) and
prints its type accuracy on the PLOVER gold records (gold/dev, never trained on). Measured on
2026-12-02: 0.28, against the rule coder's top-event accuracy of 0.68-0.71 (`eventwire eval`),
so no learned type classifier ships. Nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import zlib
from pathlib import Path

import numpy as np

logger = logging.getLogger("bow_baseline")
DIM = 2 ** 18
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def features(text: str) -> np.ndarray:
    "Hashed unigram and bigram indices of a text."
    words = _WORD.findall(text.lower())
    grams = [f"u{w}" for w in words] + [f"b{a} {b}" for a, b in zip(words, words[1:])]
    return np.unique([zlib.crc32(g.encode()) % DIM for g in grams]).astype(np.int64)


def train(xs: list[np.ndarray], ys: np.ndarray, n_classes: int, *, epochs: int = 8) -> tuple[np.ndarray, np.ndarray]:
    "Softmax regression by SGD over sparse binary features."
    weights = np.zeros((DIM, n_classes), np.float32)
    bias = np.zeros(n_classes, np.float32)
    rng = np.random.default_rng(0)
    rate = 0.5
    for _ in range(epochs):
        for i in rng.permutation(len(xs)):
            idx = xs[i]
            z = weights[idx].sum(0) + bias
            p = np.exp(z - z.max())
            p /= p.sum()
            p[ys[i]] -= 1
            weights[idx] -= rate * p / np.sqrt(max(len(idx), 1))
            bias -= rate * p * 0.1
        rate *= 0.7
    return weights, bias


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    parser.add_argument("--sentences", type=int, default=2, help="leading sentences of each story used")
    args = parser.parse_args()
    shared = Path(args.shared)
    csv.field_size_limit(10 ** 9)
    with open(shared / "gold/train/ngec_synthetic_events.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    types = sorted({r["label"] for r in rows})
    xs = [features(" ".join(_SENTENCE_END.split(r["text"].strip())[: args.sentences])) for r in rows]
    ys = np.array([types.index(r["label"]) for r in rows])
    weights, bias = train(xs, ys, len(types))
    gold = [json.loads(line) for line in open(shared / "gold/dev/plover_gsr_dev.jsonl", encoding="utf-8") if line.strip()]
    right = 0
    for record in gold:
        idx = features(record["text"])
        right += types[int((weights[idx].sum(0) + bias).argmax())] == record["event"]
    logger.info("trained on %d synthetic stories; PLOVER gold type accuracy %.3f (%d/%d)",
                len(rows), right / len(gold), right, len(gold))


if __name__ == "__main__":
    main()
