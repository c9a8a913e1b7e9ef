"""Exact and near-duplicate documents: the same wire story re-run by many outlets.

INTERFACE:

    find_duplicates(articles) -> {doc_id: canonical_doc_id}     # only the duplicates
    index = DuplicateIndex()                                  # streaming, input order
    index.add(article) -> canonical doc id, or None when the article is new

The canonical document of a group is the first one seen, so the result depends only on
input order. A document is a duplicate of an earlier one when

- exact: their normalised texts (case-folded words, punctuation and spacing ignored) hash
  the same; or
- near: their word 3-shingle sets have an estimated Jaccard similarity >= ``threshold``,
  or one set is (estimated) >= ``containment`` inside the other (an outlet that ran the
  first half of the wire copy). Estimates come from a MinHash signature of ``num_perm``
  64-bit hashes; candidates are found by LSH banding (``bands`` x ``num_perm / bands`` rows),
  so each ``add`` costs time independent of the index size.

Documents with fewer than ``min_shingles`` shingles (a headline, a caption) are matched
exactly only: a handful of shared words is no evidence of syndication.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import KeysView
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from ..records import Article

_WORD = re.compile(r"\w+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
# splitmix64 finaliser constants (Steele, Lea & Flood 2014): a strong 64-bit mixer.
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
# At most this many shingles enter a signature: a 50 MB page costs bounded time and memory,
# and the first ~20k words of two copies say whether they are the same story.
_MAX_SHINGLES = 20_000


@dataclass(frozen=True, slots=True)
class DedupOptions:
    """Thresholds of duplicate detection.

    >>> DedupOptions()                              # defaults, tuned on reworded wire copies
    >>> DedupOptions(threshold=0.7, containment=0.9) # stricter
    """

    # 3-word shingles: one reworded word breaks only three shingles, so lightly edited copies
    # of a wire story keep Jaccard 0.6-0.9 (measured in tests/unit/test_dedup.py), while two
    # different stories on the same topic share < 0.1.
    shingle: int = 3
    threshold: float = 0.5
    containment: float = 0.8
    min_shingles: int = 20
    num_perm: int = 128
    # 32 bands of 4 rows: a pair with Jaccard 0.5 becomes a candidate with probability
    # 1 - (1 - 0.5**4)**32 = 0.87, Jaccard 0.6: 0.985, Jaccard 0.2: 0.05.
    bands: int = 32


def normalised_hash(text: str) -> str:
    """A hash of the case-folded words of a text (spacing and punctuation ignored)."""
    words = _WORD.findall(text.casefold())
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


def shingles(text: str, *, size: int = 3) -> set[str]:
    """The set of ``size``-word shingles of a text (case-folded words)."""
    words = _WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(min(len(words) - size + 1, _MAX_SHINGLES))}


def _seeds(num_perm: int) -> np.ndarray:
    "Fixed per-permutation seeds (deterministic across runs and machines)."
    return np.random.default_rng(20240801).integers(0, 2**63, size=num_perm, dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    "splitmix64 finaliser, element-wise on uint64 (wrapping arithmetic)."
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


def minhash(shingle_set: set[str], *, seeds: np.ndarray) -> np.ndarray:
    """MinHash signature: for each seed, the least mixed 64-bit hash over the shingles."""
    if not shingle_set:
        return np.full(len(seeds), _MASK64, dtype=np.uint64)
    base = np.fromiter((int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little")
                        for s in sorted(shingle_set)), dtype=np.uint64, count=len(shingle_set))
    with np.errstate(over="ignore"):
        return _mix(base[:, None] ^ seeds[None, :]).min(axis=0)


def _document_text(article: Article) -> str:
    "The text a document is compared by: its body, else its title."
    return article.text if article.text and article.text.strip() else (article.title or "")


class DuplicateIndex:
    """An incremental index of documents seen so far; ``add`` says which earlier one a new one copies."""

    def __init__(self, options: DedupOptions | None = None):
        self.options = options or DedupOptions()
        if self.options.num_perm % self.options.bands:
            raise ValueError("num_perm must be a multiple of bands")
        self._rows = self.options.num_perm // self.options.bands
        self._seeds = _seeds(self.options.num_perm)
        self._exact: dict[str, str] = {}
        self._buckets: dict[tuple[int, bytes], list[str]] = {}
        self._signatures: dict[str, tuple[np.ndarray, int]] = {}
        self._canonical: dict[str, str] = {}
        self._rank: dict[str, int] = {}  # input position of each document

    def __len__(self) -> int:
        return len(self._canonical)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._canonical

    def ids(self) -> KeysView[str]:
        "Every document added (originals and copies), as a live view (no copy)."
        return self._canonical.keys()

    def add(self, article: Article) -> str | None:
        """Index a document; the canonical id of the earlier document it duplicates, else None."""
        if article.id in self._canonical:  # the same document again
            canonical = self._canonical[article.id]
            return canonical if canonical != article.id else None
        text = _document_text(article)
        key = normalised_hash(text)
        found = self._exact.get(key) if text.strip() else None
        shingle_set = shingles(text, size=self.options.shingle)
        signature = None
        if found is None and len(shingle_set) >= self.options.min_shingles:
            signature = minhash(shingle_set, seeds=self._seeds)
            found = self._near(signature, len(shingle_set))
        canonical = self._canonical[found] if found is not None else article.id
        self._canonical[article.id] = canonical
        self._rank[article.id] = len(self._rank)
        if text.strip():
            self._exact.setdefault(key, article.id)
        if signature is not None:
            self._signatures[article.id] = (signature, len(shingle_set))
            for band, digest in self._band_keys(signature):
                self._buckets.setdefault((band, digest), []).append(article.id)
        return canonical if found is not None else None

    def _band_keys(self, signature: np.ndarray) -> Iterable[tuple[int, bytes]]:
        "One bucket key per LSH band."
        rows = self._rows
        for band in range(self.options.bands):
            yield band, signature[band * rows:(band + 1) * rows].tobytes()

    def _near(self, signature: np.ndarray, size: int) -> str | None:
        "The earliest indexed document similar enough to this signature, if any."
        candidates: set[str] = set()
        for key in self._band_keys(signature):
            candidates.update(self._buckets.get(key, ()))
        best: tuple[int, str] | None = None
        for doc_id in candidates:
            other, other_size = self._signatures[doc_id]
            if self._similar(signature, size, other, other_size):
                rank = self._rank[self._canonical[doc_id]]
                if best is None or rank < best[0]:
                    best = (rank, doc_id)
        return best[1] if best else None

    def _similar(self, a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> bool:
        "Estimated Jaccard >= threshold, or estimated containment of the smaller set >= containment."
        jaccard = float(np.mean(a == b))
        if jaccard >= self.options.threshold:
            return True
        # |A ∩ B| = J (|A| + |B|) / (1 + J)
        inter = jaccard * (size_a + size_b) / (1 + jaccard)
        return inter / min(size_a, size_b) >= self.options.containment


def find_duplicates(articles: Iterable[Article], *, options: DedupOptions | None = None) -> dict[str, str]:
    """``{doc_id: canonical doc_id}`` for every document that duplicates an earlier one."""
    index = DuplicateIndex(options)
    found: dict[str, str] = {}
    for article in articles:
        canonical = index.add(article)
        if canonical is not None:
            found[article.id] = canonical
    return found
