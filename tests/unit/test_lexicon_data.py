"""Tests for the trigger lexicon data (data/triggers.tsv, data/triggers_extra.tsv)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from eventwire.config import DATA_DIR
from eventwire.coding.ontology import Ontology

COLUMNS = ["lemma", "pos", "pattern", "event_type", "mode", "contexts", "cameo", "weight"]
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
# very common verbs that are not events by themselves (the brief's stop list)
NOT_EVENTS = {"be", "have", "do", "say", "tell", "make", "take", "get", "go", "come", "put", "see",
              "know", "think", "want", "use", "find", "become", "include", "continue", "begin",
              "start", "try", "plan", "launch", "hold", "conduct", "stage", "mount", "wage", "open"}


def _rows(name: str) -> list[dict]:
    "Data rows of one lexicon file."
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t")
    assert next(reader) == COLUMNS
    return [dict(zip(COLUMNS, row)) | {"_n": len(row)} for row in reader]


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return Ontology.load(DATA_DIR)


@pytest.fixture(scope="module", params=["triggers.tsv", "triggers_extra.tsv"])
def rows(request) -> list[dict]:
    return _rows(request.param)


@pytest.fixture(scope="module")
def index() -> dict:
    return {(r["lemma"], r["pos"], r["pattern"]): r for r in _rows("triggers.tsv")}


def test_lexicon_data_size():
    assert 600 <= len(_rows("triggers.tsv")) <= 2000


def test_lexicon_data_rows_are_well_formed(rows, onto):
    for r in rows:
        assert r["_n"] == 8, r
        assert re.fullmatch(r"[a-z][a-z\-']*", r["lemma"]), r
        assert r["pos"] in ("V", "N"), r
        for part in filter(None, r["pattern"].split(",")):
            assert re.fullmatch(r"(prt|prep|dobj|mod):([a-z\-]+|\*)", part), r
        assert r["event_type"] in onto.event_types, r
        assert not r["mode"] or r["mode"] in onto.modes_of(r["event_type"]), r
        assert all(onto.is_context(c) for c in filter(None, r["contexts"].split("|"))), r
        assert re.fullmatch(r"\d{2,4}", r["cameo"]) and onto.goldstein(r["cameo"]) is not None, r
        assert 0 < float(r["weight"]) <= 1, r


def test_lexicon_data_keys_are_unique(rows):
    keys = [(r["lemma"], r["pos"], r["pattern"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_lexicon_data_no_bare_stopwords(index):
    bare = {k[0] for k, r in index.items() if k[2] == "" and k[1] == "V"}
    assert not bare & NOT_EVENTS


def test_lexicon_data_extra_entries_win(index):
    for r in _rows("triggers_extra.tsv"):
        merged = index[(r["lemma"], r["pos"], r["pattern"])]
        assert {k: merged[k] for k in COLUMNS} == {k: r[k] for k in COLUMNS}


@pytest.mark.parametrize("lemma,pos,pattern,event_type,mode", [
    ("attack", "V", "", "ASSAULT", None),
    ("attack", "N", "", "ASSAULT", None),
    ("assassination", "N", "", "ASSAULT", "targeted"),
    ("assassinate", "V", "", "ASSAULT", "targeted"),
    ("airstrike", "N", "", "ASSAULT", "aerial"),
    ("shelling", "N", "", "ASSAULT", "heavy-weapons"),
    ("meet", "V", "", "CONSULT", None),
    ("talk", "N", "", "CONSULT", None),
    ("visit", "V", "", "CONSULT", "visit"),
    ("refuse", "V", "", "REJECT", None),
    ("pressure", "V", "", "REQUEST", None),
    ("call", "V", "prep:for", "REQUEST", None),
    ("accuse", "V", "", "ACCUSE", None),
    ("threaten", "V", "", "THREATEN", None),
    ("arrest", "V", "", "COERCE", "arrest"),
    ("sanction", "N", "", "SANCTION", None),
    ("impose", "V", "dobj:sanction", "SANCTION", None),
    ("protest", "N", "", "PROTEST", None),
    ("aid", "N", "", "AID", None),
    ("withdraw", "V", "", "RETREAT", "withdraw"),
    ("deploy", "V", "", "MOBILIZE", None),
    ("release", "V", "", "RETREAT", "release"),   # manual: actual releases are RETREAT
    ("concession", "N", "", "CONCEDE", None),
    ("cooperate", "V", "", "COOPERATE", None),
    ("praise", "V", "", "SUPPORT", None),
    ("agree", "V", "", "AGREE", None),
])
def test_lexicon_data_key_triggers(index, lemma, pos, pattern, event_type, mode):
    r = index[(lemma, pos, pattern)]
    assert r["event_type"] == event_type
    if mode:
        assert r["mode"] == mode
    assert float(r["weight"]) >= 0.7


def test_lexicon_data_rebuild_is_reproducible(tmp_path):
    "Running the build script again gives the committed files byte for byte."
    if not SHARED.is_dir():
        pytest.skip(f"shared sources not found at {SHARED}")
    import importlib.util
    import shutil

    spec = importlib.util.spec_from_file_location("build_lexicon", REPO / "scripts" / "build_lexicon.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for name in ("plover.yaml", "triggers_extra.tsv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    assert build.main(["--shared", str(SHARED), "--data", str(tmp_path)]) == 0
    for name in ("triggers.tsv", "cameo_plover.tsv", "goldstein.tsv"):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name
