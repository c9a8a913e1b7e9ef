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


@pytest.fixture(scope="session")
def settings():
    from eventwire.config import Settings

    return Settings.load()


@pytest.fixture(scope="session")
def nlp(settings):
    from eventwire.nlp import load_pipeline

    return load_pipeline(settings.spacy_model)


@pytest.fixture(scope="session")
def coder(settings):
    from eventwire.pipeline import Coder

    return Coder.load(settings)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return REPO / "samples"
