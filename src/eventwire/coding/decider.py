"""The learned decision over the rules: a linear model's weights, read from data/decider.json, run in numpy.

INTERFACE:

    decider = Decider.load(Path("src/eventwire/data"))     # None when decider.json is absent
    p = decider.model_for(doc).probabilities(features)     # numpy array over decider.labels
    q = decider.model_for(doc).proposer.probabilities(features)  # the sentence's words alone
    decider.labels             # the 16 PLOVER types and "NONE"
    decider.thresholds         # Thresholds(drop, retype, propose, keep), tuned across the folds
    decider.mode               # "propose", "propose+drop" or "full": what it may do to rule events
    decider.quiet_in_disaster  # types never proposed in a disaster story (the conflict types)
    decider.known              # the types it learned enough of to overrule the rules with (default: all)
    decider.evidence           # whether a proposed type needs a lexicon word of that type in the sentence
    model.calibrate(score, kind="rule" | "proposed") -> float   # the right share at that score
    decider.has_folds() / decider.by_fold(fold_of)   # evaluation only: the fold models (decider_folds.json)
    Decider.has_folds_in(data_dir)                   # ... whether a data folder has them, without loading

``scripts/train_decider.py`` writes both files from the gold sets it names (scikit-learn's
logistic regression and isotonic regression, trained across the five folds); nothing here
imports scikit-learn. A model is a vocabulary of sparse binary features, a weight matrix
(labels x features, float16, base64) and a bias per label; its two calibration curves map a
score to how often an event with that score was right on folds the model had not seen. Beside
it, its proposer: the same kind of model over the sentence's own features only (words, lemmas,
word pairs, lexicon types, entities; not the rules' events), which types a sentence the rules
left silent (on unseen text the rules' main failure).
``decider_folds.json`` holds the same for the models trained without fold k (k = 0..3) and
without the sealed fold, so that ``eventwire eval`` scores each fold with a model that never saw it.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["Decider", "Linear", "Model", "Thresholds", "DECIDER_FILE", "FOLDS_FILE", "MODES"]

DECIDER_FILE = "decider.json"
FOLDS_FILE = "decider_folds.json"
NONE = "NONE"
# What the decision may do to the rules' events (every mode proposes where they are silent).
MODES = ("propose", "propose+drop", "full")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When the model overrules the rules (probabilities; tuned on the folds by the training script).

    ``drop``: a rule event goes when P(no event) reaches it; ``retype``: a rule event takes the
    model's type when that type's probability reaches it (and its own is under a quarter of it);
    ``propose``: a sentence the rules left silent gets the model's type when it reaches it;
    ``keep``: a rule event at least this confident is never dropped or re-typed;
    ``floor``: a rule event less confident than this never reaches the decision (the pipeline's
    ``min_confidence`` when the model was trained: what the rules alone would not emit);
    ``weak``: a rule event goes when the model gives its type less than this (0: never);
    ``add``: beside the rules' events, the proposer's type is added when it reaches this and none
    of them has it (above 1: never). English's model uses neither; Spanish's both."""

    drop: float
    retype: float
    propose: float
    keep: float
    floor: float = 0.3
    weak: float = 0.0
    add: float = 1.01


class Linear:
    """One trained linear model: a sparse binary vocabulary, weights and biases."""

    def __init__(self, spec: dict, labels: int):
        self.vocabulary = {feature: i for i, feature in enumerate(spec["vocabulary"])}
        shape = (labels, len(spec["vocabulary"]))
        raw = np.frombuffer(base64.b64decode(spec["weights"]), dtype="<f2").reshape(shape)
        self.weights_t = np.ascontiguousarray(raw.T.astype(np.float32))  # features x labels: rows summed
        self.bias = np.asarray(spec["bias"], dtype=np.float32)

    def probabilities(self, features: Iterable[str]) -> np.ndarray:
        "Softmax over the labels of the weights of the features the vocabulary knows."
        index = self.vocabulary
        rows = [index[f] for f in set(features) if f in index]
        z = self.bias + (self.weights_t[rows].sum(axis=0) if rows else 0.0)
        z = np.exp(z - z.max())
        return z / z.sum()


class Model(Linear):
    """The decider's linear model, its proposer and its calibration curves."""

    def __init__(self, spec: dict):
        super().__init__(spec, len(spec["labels"]))
        self.proposer = Linear(spec["proposer"], len(spec["labels"])) if "proposer" in spec else self
        self.curves = {kind: (np.asarray(c["x"], dtype=np.float64), np.asarray(c["y"], dtype=np.float64))
                       for kind, c in spec["calibration"].items()}

    def calibrate(self, score: float, *, kind: str) -> float:
        "How often an event with this score was right on unseen folds (isotonic, interpolated)."
        x, y = self.curves[kind]
        return float(np.interp(score, x, y)) if len(x) else score


class Decider:
    """The shipped model, the labels and thresholds; per-fold twins for evaluation."""

    def __init__(self, spec: dict, *, folds_path: Path | None = None):
        self.labels: tuple[str, ...] = tuple(spec["labels"])
        self.none_index = self.labels.index(NONE)
        self.thresholds = Thresholds(**spec["thresholds"])
        self.mode = spec.get("mode", "full")
        if self.mode not in MODES:
            raise ValueError(f"decider mode {self.mode!r} is not one of {MODES}")
        self.quiet_in_disaster = frozenset(spec.get("quiet_in_disaster", ()))
        # A model trained on few examples of a type gives it a low probability from its prior, not from
        # the sentence: it neither drops, re-types to, nor proposes a type outside ``known``.
        self.known = frozenset(spec.get("known", self.labels))
        self.evidence = bool(spec.get("evidence", False))
        self.model = Model(spec)
        self._folds_path = folds_path

    @classmethod
    def load(cls, data_dir: Path) -> Decider | None:
        "The decider of a data folder, or None when it has no decider.json."
        path = Path(data_dir) / DECIDER_FILE
        if not path.is_file():
            return None
        folds = Path(data_dir) / FOLDS_FILE
        return cls(json.loads(path.read_text(encoding="utf-8")), folds_path=folds if folds.is_file() else None)

    def model_for(self, doc) -> Model:
        "The model that decides a document (a Doc or its text; the shipped model: every document)."
        return self.model

    @staticmethod
    def has_folds_in(data_dir: Path) -> bool:
        "Whether a data folder holds a decider with fold models (without loading either)."
        return (Path(data_dir) / DECIDER_FILE).is_file() and (Path(data_dir) / FOLDS_FILE).is_file()

    def has_folds(self) -> bool:
        "Whether fold models exist (evaluation's cross-validated twin needs them)."
        return self._folds_path is not None

    def by_fold(self, fold_of: Callable[[str], int]) -> Decider:
        "A twin that decides each document with the model trained without its fold."
        return _FoldDecider(self, json.loads(self._folds_path.read_text(encoding="utf-8")), fold_of)


class _FoldDecider(Decider):
    """The decider evaluation uses: the model of a document's fold (by the fold of its text)."""

    def __init__(self, shipped: Decider, folds_spec: dict, fold_of: Callable[[str], int]):
        self.labels = shipped.labels
        self.none_index = shipped.none_index
        self.thresholds = shipped.thresholds
        self.mode = shipped.mode
        self.quiet_in_disaster = shipped.quiet_in_disaster
        self.known = shipped.known
        self.evidence = shipped.evidence
        self.model = shipped.model
        self._folds_path = None
        self._models = {int(k): Model({**spec, "labels": shipped.labels}) for k, spec in folds_spec["models"].items()}
        self._fold_of = fold_of
        self._last: tuple = (None, None)  # (doc, its model): a document's sentences come one after another

    def model_for(self, doc) -> Model:
        "The model not trained on this document's fold (the sealed fold: the one trained on folds 0-3)."
        if self._last[0] is not doc:
            self._last = (doc, self._models[self._fold_of(doc if isinstance(doc, str) else doc.text)])
        return self._last[1]
