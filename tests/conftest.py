"""Shared fixtures: the spaCy model and the coder are loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


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
