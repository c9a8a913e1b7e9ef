"""Tests for eventwire.coding.ontology: the PLOVER ontology, CAMEO mapping and scores."""

from __future__ import annotations

import pytest

from eventwire.config import DATA_DIR
from eventwire.coding.ontology import Ontology

TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
         "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return Ontology.load(DATA_DIR)


def test_ontology_has_the_16_types(onto):
    assert onto.event_types == TYPES


@pytest.mark.parametrize("event_type,quad", [
    ("AGREE", 1), ("CONSULT", 1), ("SUPPORT", 1), ("CONCEDE", 1),  # manual: CONCEDE is verbal
    ("COOPERATE", 2), ("AID", 2), ("RETREAT", 2),
    ("REQUEST", 3), ("ACCUSE", 3), ("REJECT", 3), ("THREATEN", 3),
    ("PROTEST", 4), ("SANCTION", 4), ("MOBILIZE", 4), ("COERCE", 4), ("ASSAULT", 4),
])
def test_ontology_quad_class(onto, event_type, quad):
    assert onto.quad_class(event_type) == quad


def test_ontology_unknown_type_raises(onto):
    with pytest.raises(KeyError):
        onto.quad_class("APPEAL")


@pytest.mark.parametrize("event_type,mode,code", [
    ("ASSAULT", "targeted", "186"), ("ASSAULT", None, "18"), ("ASSAULT", "aerial", "195"),
    ("CONSULT", "visit", "042"), ("CONSULT", "phone", "041"), ("COERCE", "arrest", "173"),
    ("AGREE", None, "03"), ("RETREAT", "release", "0841"), ("ASSAULT", "no-such-mode", "18"),
])
def test_ontology_cameo_for(onto, event_type, mode, code):
    assert onto.cameo_for(event_type, mode) == code


@pytest.mark.parametrize("args,kwargs,score", [
    (("ASSAULT", "targeted"), {"cameo": "186"}, -10.0),
    (("ASSAULT",), {}, -9.0),                       # Goldstein of CAMEO 18
    (("CONSULT", "visit"), {}, 1.9),                # Goldstein of 042
    (("AGREE",), {"cameo": "0311"}, 5.2),
    (("AGREE",), {"cameo": "03119"}, 5.2),          # unknown code: nearest parent
    (("ASSAULT", "targeted"), {"scale": "plover"}, -9.5),
    (("COOPERATE",), {"scale": "plover"}, 9.5),
    (("ACCUSE",), {"scale": "plover"}, -3.0),
])
def test_ontology_score(onto, args, kwargs, score):
    assert onto.score(*args, **kwargs) == pytest.approx(score)


def test_ontology_scores_follow_quad_class(onto):
    for t in onto.event_types:
        s = onto.score(t)
        assert -10 <= s <= 10
        assert (s < 0) == (onto.quad_class(t) >= 3), t


def test_ontology_modes_use_manual_names(onto):
    assert onto.modes_of("CONSULT") == ("visit", "third-party", "multilateral", "phone")
    assert "targeted" in onto.modes_of("ASSAULT") and "heavy-weapons" in onto.modes_of("ASSAULT")
    assert onto.modes_of("AGREE") == ()
    assert onto.modes_of("REQUEST") == onto.modes_of("REJECT")   # shared, per the manual


@pytest.mark.parametrize("name,ok", [("military", True), ("human_rights", True), ("cbrn", True),
                                     ("humanitarian", False), ("democracy", False), ("future", False)])
def test_ontology_is_context(onto, name, ok):
    assert onto.is_context(name) is ok


def test_ontology_auxiliary_modes(onto):
    assert onto.is_context("hypothetical", auxiliary=True)


@pytest.mark.parametrize("code,expected", [
    ("0311", ("AGREE", None, ("economic",))),
    ("186", ("ASSAULT", "targeted", ())),
    ("173", ("COERCE", "arrest", ("legal",))),
    ("163", ("SANCTION", "discontinue", ("economic", "diplomatic"))),
    ("0841", ("RETREAT", "release", ("legal",))),
    ("0333", ("AGREE", None, ("human_security",))),
    ("010", None), ("020", None),
])
def test_ontology_plover_for_cameo(onto, code, expected):
    assert onto.plover_for_cameo(code) == expected


def test_ontology_every_cameo_row_is_valid(onto):
    for code in ("03", "04", "05", "06", "07", "08", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"):
        event_type, mode, contexts = onto.plover_for_cameo(code)
        assert event_type in onto.event_types
        assert all(onto.is_context(c) for c in contexts)


def test_ontology_is_frozen_and_cached(onto):
    assert Ontology.load(DATA_DIR) is onto
    with pytest.raises(AttributeError):
        onto.contexts = ()
