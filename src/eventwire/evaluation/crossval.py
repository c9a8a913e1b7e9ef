"""Which coder scores which document: the shipped coder, its cross-validated twin, the sealed fold.

INTERFACE:

    cv = cross_validated(coder)          # the coder with its learned parts swapped for the fold models, or None
    folded = FoldedCoders(coder, cv=cv, sealed=False)
    groups = folded.rows(items, text_of, score)
        # {"all": [...], "read": [...], "cv": [...], "sealed": [...]}: scored rows, each with its "fold";
        # "cv" only with a cross-validated twin, "sealed" only when asked

``score(coder, items) -> list[dict]`` codes and scores a list of a set's items with one coder.
The shipped coder scores every document ("all", and "read": folds 0-3). The cross-validated
twin codes folds 0-3 ("cv"), each document with the fold model not trained on it, and the
sealed fold with the model trained on folds 0-3 ("sealed"); without a learned part, the
sealed fold is scored by the shipped coder (there is nothing to leak).
"""

from __future__ import annotations

import logging
from typing import Callable, Sequence, TypeVar

from . import folds

logger = logging.getLogger(__name__)

__all__ = ["FoldedCoders", "cross_validated"]

T = TypeVar("T")


def cross_validated(coder):
    "The coder's twin that decides each document with the fold models not trained on it; None without any."
    if not coder.has_fold_models():
        return None
    return coder.by_fold(folds.fold_of)


class FoldedCoders:
    """The shipped coder and its cross-validated twin, and the rows each of them scores."""

    def __init__(self, coder, *, cv=None, sealed: bool = False):
        self.coder = coder
        self.cv = cv
        self.sealed = sealed

    def rows(self, items: Sequence[T], text_of: Callable[[T], str],
             score: Callable[[object, list[T]], list[dict]]) -> dict[str, list[dict]]:
        "Scored rows by figure: all and read (shipped coder), cv and sealed (the twin, when there is one)."
        scored = score(self.coder, list(items))
        groups = {"all": scored, "read": [r for r in scored if folds.is_read(r["fold"])]}
        if self.cv is not None:
            chosen = [item for item in items if self.sealed or folds.is_read(folds.fold_of(text_of(item)))]
            twin = score(self.cv, chosen)
            groups["cv"] = [r for r in twin if folds.is_read(r["fold"])]
            if self.sealed:
                groups["sealed"] = [r for r in twin if folds.is_sealed(r["fold"])]
        elif self.sealed:
            groups["sealed"] = [r for r in scored if folds.is_sealed(r["fold"])]
        return groups
