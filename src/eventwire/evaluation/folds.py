"""Five fixed folds over every labelled sentence, by document, and the one that stays sealed.

INTERFACE:

    fold_of(text) -> int            # 0..4, from a hash of the seed and the document's words
    document_key(text) -> str       # what the hash reads: lower-case letters and digits only
    is_read(fold) / is_sealed(fold) # folds 0-3 are read; fold 4 is SEALED
    cv_folds(fold) -> tuple[int, ...]   # the folds a model scored on ``fold`` is trained on
    FOLDS, READ_FOLDS, SEALED_FOLD, SEED

A document is one labelled unit: a PLOVER record's text, a CASE snippet, a ConfliBERT sentence.
Its fold is a hash of ``SEED`` and its words (case, spaces and punctuation left out), so:

- a document keeps its fold when a file grows, is reordered or gains other records;
- the same sentence in two files (the ConfliBERT class file and its CoNLL twin, whose tokens are
  split differently: "governmentʼs" / "government 's") falls in one fold, never on both sides of
  a split. A document whose text is corrected may move.

The sealed fold (4) is scored only at the end of a piece of work (``eventwire eval --sealed``),
and only as aggregate figures: never print or read its errors, never tune on it. A learned part
is cross-validated over the read folds alone: the model scored on fold k (k in 0-3) is trained on
the other read folds; the model scored on the sealed fold is trained on all read folds.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["FOLDS", "READ_FOLDS", "SEALED_FOLD", "SEED", "cv_folds", "document_key", "fold_of",
           "is_read", "is_sealed"]

FOLDS = 5
SEALED_FOLD = 4
READ_FOLDS: tuple[int, ...] = (0, 1, 2, 3)
# Fixed once (issue 19, 2026-12-04); changing it reshuffles every fold and unseals fold 4.
SEED = "eventwire-folds-2026-12-04"

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def document_key(text: str) -> str:
    "The words of a document as the fold hash reads them: lower-case letters and digits, nothing else."
    return _NOT_WORD.sub("", text.lower())


def fold_of(text: str) -> int:
    "The fold (0..4) of a document, from a SHA-1 of the seed and its words."
    digest = hashlib.sha1(f"{SEED}\x1f{document_key(text)}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % FOLDS


def is_sealed(fold: int) -> bool:
    "Whether a fold is the sealed one."
    return fold == SEALED_FOLD


def is_read(fold: int) -> bool:
    "Whether a fold may be read (its errors looked at, rules tuned on it)."
    return fold in READ_FOLDS


def cv_folds(fold: int) -> tuple[int, ...]:
    "The folds a model that is scored on ``fold`` is trained on (the sealed fold never among them)."
    return tuple(f for f in READ_FOLDS if f != fold)
