"""Shared fixtures: the spaCy model and the coder are loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_configure(config):
    "The suite (and the workers and CLI processes it starts) caches built dictionaries in its own folder."
    import tempfile

    if "EVENTWIRE_CACHE_DIR" not in os.environ:
        config._eventwire_cache = tempfile.TemporaryDirectory(prefix="eventwire-test-cache-")
        os.environ["EVENTWIRE_CACHE_DIR"] = config._eventwire_cache.name


def pytest_unconfigure(config):
    cache = getattr(config, "_eventwire_cache", None)
    if cache is not None:
        os.environ.pop("EVENTWIRE_CACHE_DIR", None)
        cache.cleanup()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    "../shared beside the repo, or skip: the core suite passes without it."
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (gold sets and corpus live there; a user's clone does not have it)")
    return SHARED


_NO_SPACE_BEFORE = frozenset({".", ",", ";", ":", "!", "?", ")", "'s", "'", "n't"})


def _build_doc(words, *, vocab=None, spaces=None, **columns):
    """A spaCy ``Doc`` built by hand, no model: ``words`` plus any of ``Doc``'s own keyword columns
    (``heads`` as absolute indices, ``deps``, ``pos``, ``tags``, ``lemmas``, ``ents`` as IOB strings,
    ``sent_starts``). ``spaces`` default: a space after each word unless the next is punctuation."""
    from spacy.tokens import Doc

    words = list(words)
    if spaces is None:
        spaces = [i + 1 < len(words) and words[i + 1] not in _NO_SPACE_BEFORE for i in range(len(words))]
    if "heads" in columns and "deps" not in columns:
        columns["deps"] = ["dep"] * len(words)
    return Doc(vocab or _blank_vocab(), words=words, spaces=spaces,
               **{k: list(v) for k, v in columns.items() if v is not None})


def _blank_vocab():
    "One blank English vocabulary for every hand-built Doc of the session."
    import spacy

    global _VOCAB
    if _VOCAB is None:
        _VOCAB = spacy.blank("en").vocab
    return _VOCAB


_VOCAB = None


@pytest.fixture(scope="session")
def make_doc():
    """The suite's one Doc-building helper (STYLE: 'Constructing a Doc object manually')::

        doc = make_doc(["Moscow", "warned", "Kyiv", "."], heads=[1, 1, 1, 1], deps=["nsubj", "ROOT", "dobj", "punct"],
                       pos=["PROPN", "VERB", "PROPN", "PUNCT"], ents=["B-GPE", "O", "B-GPE", "O"])
    """
    return _build_doc


@pytest.fixture(scope="session")
def settings():
    from eventwire.config import Settings

    return Settings.load()


@pytest.fixture(scope="session")
def nlp(settings):
    from eventwire.coding.nlp import load_pipeline

    return load_pipeline(settings.spacy_model)


@pytest.fixture(scope="session")
def coder(settings):
    from eventwire.run.pipeline import Coder

    return Coder.load(settings)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return REPO / "samples"
