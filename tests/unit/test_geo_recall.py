"""Unit tests for the geoparsing recall mechanisms of eventwire.coding.geo (issue 9), on hand-built Docs.

Each Doc is built by hand (words, heads, deps, POS, entities) so the tests pin the rules, not the model.
"""

from __future__ import annotations

import pytest

from eventwire.coding import geo
from eventwire.coding.geo import mentions
from eventwire.config import DATA_DIR


@pytest.fixture(scope="module")
def gazetteer():
    return geo.Gazetteer.load(DATA_DIR)


def _doc(make_doc, rows):
    "A Doc from (word, pos, dep, head index, entity IOB) rows, through the suite's make_doc."
    words, pos, deps, heads, ents = (list(col) for col in zip(*rows))
    return make_doc(words, pos=pos, deps=deps, heads=heads, ents=ents, lemmas=[w.lower() for w in words])


def _context(*countries):
    return geo.DocContext(countries=tuple((c, 1) for c in countries))


@pytest.mark.parametrize("name, country, precision", [
    ("Jefferson Parish", "USA", "admin2"), ("Cook County", "USA", "admin2"),
    ("Mindanao", "PHL", "region"), ("Crete", "GRC", "region"), ("Sicily", "ITA", "region"),
])
def test_geo_gazetteer_divisions_and_regions(gazetteer, name, country, precision):
    place = gazetteer.resolve(name)
    assert (place.country, place.precision) == (country, precision)


def test_geo_gazetteer_second_level_and_generic_names(gazetteer):
    assert any(e.precision == "admin2" and e.country == "PHL" for e, _ in gazetteer.candidates("Sulu"))
    assert gazetteer.candidates("Coast") == [] and gazetteer.candidates("Western") == []  # "Coast Guard"
    assert gazetteer.candidates("Jefferson") == [] or all(e.precision != "admin2" for e, _ in gazetteer.candidates("Jefferson"))


@pytest.mark.parametrize("a, b", [("salaheddin", "salah ad din"), ("al hudaydah", "hudaydah"),
                                  ("qandahar", "kandahar"), ("sanaa", "sana a")])
def test_geo_variant_key_meets_spellings(a, b):
    assert geo.variant_key(a) == geo.variant_key(b)


def test_geo_variant_needs_a_country_of_the_document(make_doc, gazetteer):
    doc = _doc(make_doc, [("Fighting", "NOUN", "nsubj", 1, "O"), ("reached", "VERB", "ROOT", 1, "O"),
                       ("Salaheddin", "PROPN", "dobj", 1, "B-GPE"), (".", "PUNCT", "punct", 1, "O")])
    assert geo.find_places(doc, gazetteer) == []
    assert geo.find_places(doc, gazetteer, context=_context("USA")) == []
    place = geo.find_places(doc, gazetteer, context=_context("IRQ"))[0]
    assert (place.text, place.country) == ("Salaheddin", "IRQ")


def test_geo_place_noun_types_a_person_entity(make_doc, gazetteer):
    # "Jolo, and the Sulu region voted." with both names tagged PERSON
    doc = _doc(make_doc, [("Jolo", "PROPN", "nsubj", 6, "B-PERSON"), (",", "PUNCT", "punct", 0, "O"),
                       ("and", "CCONJ", "cc", 0, "O"), ("the", "DET", "det", 5, "O"),
                       ("Sulu", "PROPN", "compound", 5, "B-PERSON"), ("region", "NOUN", "conj", 0, "O"),
                       ("voted", "VERB", "ROOT", 6, "O"), (".", "PUNCT", "punct", 6, "O")])
    places = {p.text: p for p in geo.find_places(doc, gazetteer)}
    assert set(places) == {"Jolo", "Sulu"} and {p.country for p in places.values()} == {"PHL"}


def test_geo_appositive_place_noun(make_doc, gazetteer):
    # "the capital, Sanaa, fell" with Sanaa tagged PERSON
    doc = _doc(make_doc, [("the", "DET", "det", 1, "O"), ("capital", "NOUN", "nsubj", 5, "O"),
                       (",", "PUNCT", "punct", 1, "O"), ("Sanaa", "PROPN", "appos", 1, "B-PERSON"),
                       (",", "PUNCT", "punct", 1, "O"), ("fell", "VERB", "ROOT", 5, "O")])
    assert [(p.text, p.country) for p in geo.find_places(doc, gazetteer)] == [("Sanaa", "YEM")]


def test_geo_person_entity_without_place_noun_stays_a_person(make_doc, gazetteer):
    doc = _doc(make_doc, [("Sanaa", "PROPN", "nsubj", 1, "B-PERSON"), ("smiled", "VERB", "ROOT", 1, "O"),
                       (".", "PUNCT", "punct", 1, "O")])
    assert geo.find_places(doc, gazetteer) == []


def test_geo_entity_named_with_its_kind(make_doc, gazetteer):
    doc = _doc(make_doc, [("Jefferson", "PROPN", "compound", 1, "B-PERSON"), ("Parish", "PROPN", "nsubjpass", 3, "I-PERSON"),
                       ("was", "AUX", "auxpass", 3, "O"), ("flooded", "VERB", "ROOT", 3, "O")])
    place = geo.find_places(doc, gazetteer)[0]
    assert (place.text, place.precision, place.admin1) == ("Jefferson Parish", "admin2", "Louisiana")


def test_geo_org_area_counts_in_a_country_of_the_document(make_doc, gazetteer):
    doc = _doc(make_doc, [("Voters", "NOUN", "nsubj", 1, "O"), ("backed", "VERB", "ROOT", 1, "O"),
                       ("Lesbos", "PROPN", "dobj", 1, "B-ORG"), (".", "PUNCT", "punct", 1, "O")])
    assert geo.find_places(doc, gazetteer) == []
    assert [p.country for p in geo.find_places(doc, gazetteer, context=_context("GRC"))] == ["GRC"]


def test_geo_org_coordination_is_split(make_doc, gazetteer):
    # "the sea between Crete and Cyprus" tagged as one ORG
    doc = _doc(make_doc, [("the", "DET", "det", 1, "O"), ("sea", "NOUN", "ROOT", 1, "O"),
                       ("between", "ADP", "prep", 1, "O"), ("Crete", "PROPN", "pobj", 2, "B-ORG"),
                       ("and", "CCONJ", "cc", 3, "I-ORG"), ("Cyprus", "PROPN", "conj", 3, "I-ORG")])
    found = geo.find_places(doc, gazetteer, context=_context("GRC", "CYP"))
    assert [(p.text, p.country) for p in found] == [("Crete", "GRC"), ("Cyprus", "CYP")]


def test_geo_dashed_countries_in_one_token(make_doc, gazetteer):
    doc = _doc(make_doc, [("the", "DET", "det", 2, "O"), ("U.S.\u2013Mexico", "PROPN", "compound", 2, "O"),
                       ("border", "NOUN", "ROOT", 2, "O")])
    found = geo.find_places(doc, gazetteer)
    assert [(p.text, p.country) for p in found] == [("U.S.", "USA"), ("Mexico", "MEX")]
    assert all(doc.text[p.start:p.end] == p.text for p in found)


def test_geo_dashed_word_with_a_non_place_part_is_skipped(make_doc, gazetteer):
    doc = _doc(make_doc, [("the", "DET", "det", 1, "O"), ("Saudi\u2013Emirati", "PROPN", "ROOT", 1, "O")])
    assert geo.find_places(doc, gazetteer) == [] or all(p.text != "Saudi" for p in geo.find_places(doc, gazetteer))


def test_geo_diacritic_name_tagged_noun(make_doc, gazetteer):
    doc = _doc(make_doc, [("Gdańsk", "NOUN", "compound", 1, "O"), ("residents", "NOUN", "nsubj", 2, "O"),
                       ("donated", "VERB", "ROOT", 2, "O")])
    assert [(p.text, p.country) for p in geo.find_places(doc, gazetteer)] == [("Gdańsk", "POL")]


@pytest.mark.parametrize("words, expected", [
    (["in", "Java", "."], ["Java"]),
    (["the", "Java", "Sea"], []),  # part of a longer name the gazetteer does not know
])
def test_geo_bare_name_followed_by_a_capitalized_word(make_doc, gazetteer, words, expected):
    pos = ["ADP" if w == "in" else "DET" if w == "the" else "PUNCT" if w == "." else "PROPN" for w in words]
    doc = make_doc(words, pos=pos, ents=["O"] * len(words))
    assert [p.text for p in geo.find_places(doc, gazetteer)] == expected


def test_geo_place_record_feature_classes(gazetteer):
    mention = geo.PlaceMention(gazetteer.resolve("Mindanao"), "place", 1.0)
    assert mentions._record("d", mention, 0)["feature_class"] == "L"
