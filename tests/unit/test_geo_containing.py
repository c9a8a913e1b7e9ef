"""Unit tests for coding/geo/containing.py and cues.py: "X, Y" pairs and place cues beyond the entity tagger."""

from __future__ import annotations

import pytest

from eventwire.coding import geo
from eventwire.coding.geo.containing import _abbreviations, container_after
from eventwire.coding.geo.cues import first_names
from eventwire.config import DATA_DIR


@pytest.fixture(scope="module")
def gazetteer():
    return geo.Gazetteer.load(DATA_DIR)


def _doc(make_doc, words, *, ents=None, pos=None):
    "A hand-built Doc: every capitalized word but the first a PROPN unless ``pos`` says otherwise."
    pos = pos or ["PROPN" if w[:1].isupper() and k else ("PUNCT" if not w[:1].isalnum() else "NOUN")
                  for k, w in enumerate(words)]
    return make_doc(words, pos=pos, ents=ents or ["O"] * len(words))


def _places(gazetteer, doc, context=None):
    return [(m.place.text, m.place.geonameid, m.place.country, m.place.admin1, m.place.precision)
            for m in geo.find_mentions(doc, gazetteer, context=context) if m.kind == "place"]


@pytest.mark.parametrize("words, ents, want", [
    # AP abbreviation, the period kept by the tokenizer
    (["Police", "in", "Springfield", ",", "Ill.", ",", "said", "a", "man", "died", "."],
     ["O", "O", "B-GPE", "O", "B-GPE", "O", "O", "O", "O", "O", "O"], 4250542),
    # sentence end: the period split off
    (["He", "lives", "in", "Springfield", ",", "Ill", "."], ["O", "O", "O", "B-GPE", "O", "B-GPE", "O"], 4250542),
    (["He", "lives", "in", "Springfield", ",", "Mass", "."], ["O", "O", "O", "B-GPE", "O", "B-GPE", "O"], 4951788),
    (["She", "moved", "to", "Portland", ",", "Maine", "."], ["O", "O", "O", "B-GPE", "O", "B-GPE", "O"], 4975802),
    (["She", "moved", "to", "Portland", ",", "Ore.", "."], ["O", "O", "O", "B-GPE", "O", "B-GPE", "O"], 5746545),
    (["She", "moved", "to", "Portland", ",", "ME", "."], ["O", "O", "O", "B-GPE", "O", "B-ORG", "O"], 4975802),
    (["Rain", "hit", "Paris", ",", "Texas", "."], ["O", "O", "B-GPE", "O", "B-GPE", "O"], 4717560),
    (["Rain", "hit", "Paris", ",", "Tex.", "."], ["O", "O", "B-GPE", "O", "O", "O"], 4717560),
    # a written abbreviation is never a list's item, though Washington is also a state
    (["A", "riot", "in", "Washington", ",", "Pa.", ",", "ended", "."],
     ["O", "O", "O", "B-GPE", "O", "B-GPE", "O", "O", "O"], 5218069),
    # outside the United States the gazetteer gives cities no province: the division's country decides
    (["Fires", "near", "Perth", ",", "Ont.", "spread", "."], ["O", "O", "B-GPE", "O", "B-ORG", "O", "O"], 6101546),
])
def test_containing_pair_picks_the_place_inside(make_doc, gazetteer, words, ents, want):
    found = _places(gazetteer, _doc(make_doc, words, ents=ents))
    assert found[0][1] == want


def test_containing_without_pair_the_usual_place(make_doc, gazetteer):
    found = _places(gazetteer, _doc(make_doc, ["Rain", "hit", "Paris", "."], ents=["O", "O", "B-GPE", "O"]))
    assert found[0][2] == "FRA"


def test_containing_container_is_the_division_itself(make_doc, gazetteer):
    "'Atlanta, Georgia': Georgia the state (not the country); 'Ill.' a place mention of Illinois."
    found = _places(gazetteer, _doc(make_doc, ["Voters", "in", "Atlanta", ",", "Georgia", "queued", "."],
                                    ents=["O", "O", "B-GPE", "O", "B-GPE", "O", "O"]))
    assert found[1][2:] == ("USA", "Georgia", "admin1")
    found = _places(gazetteer, _doc(make_doc, ["Police", "in", "Springfield", ",", "Ill.", ",", "said", "."]))
    assert [f[0] for f in found] == ["Springfield", "Ill."] and found[1][3:] == ("Illinois", "admin1")


def test_containing_country_container(make_doc, gazetteer):
    "'Ontario, Canada' is the province; 'Kitchener, Ontario' a city of Canada."
    found = _places(gazetteer, _doc(make_doc, ["He", "lives", "in", "Ontario", ",", "Canada", "."],
                                    ents=["O", "O", "O", "B-GPE", "O", "B-GPE", "O"]))
    assert found[0][2:] == ("CAN", "Ontario", "admin1")


@pytest.mark.parametrize("words", [
    ["States", "like", "Alabama", ",", "Arkansas", ",", "California", "and", "Georgia", "voted", "."],
    ["Allies", "such", "as", "France", ",", "Mexico", "and", "Japan", "agreed", "."],
    ["The", "states", "of", "Mexico", ",", "Guerrero", "and", "Oaxaca", "."],
])
def test_containing_lists_are_no_pairs(make_doc, gazetteer, words):
    "A list of divisions or countries keeps each name's own place (Georgia the country, Mexico the country)."
    pos = ["PROPN" if w[:1].isupper() and k else ("PUNCT" if w in ",." else "NOUN") for k, w in enumerate(words)]
    ents = ["B-GPE" if p == "PROPN" else "O" for p in pos]
    found = _places(gazetteer, _doc(make_doc, words, ents=ents, pos=pos))
    by_text = {f[0]: f for f in found}
    assert by_text.get("Georgia", ("", 0, "GEO"))[2] == "GEO"
    assert by_text.get("Mexico", ("", 0, "MEX", None, "country"))[4] == "country"
    assert all(f[4] in ("admin1", "country") for f in found if f[0] != "Oaxaca")


def test_containing_abbreviations_name_gazetteer_divisions(gazetteer):
    "Every row of admin1_abbreviations.tsv names a division the gazetteer has."
    table = _abbreviations()
    assert len(table) > 100 and table["Ill."] == (("USA", "Illinois"),)
    assert {c for rows in table.values() for c, _ in rows} == {"USA", "CAN", "AUS"}
    for abbreviation in table:
        doc_words = ["X", ",", abbreviation]
        from spacy.tokens import Doc
        from spacy.vocab import Vocab
        doc = Doc(Vocab(), words=doc_words, spaces=[False, True, False])
        assert container_after(doc, 1, 3, gazetteer) is not None, abbreviation


@pytest.mark.parametrize("words, ents", [
    (["A", "fire", "in", "Chippewa", "Falls", ",", "Wis.", ",", "killed", "two", "."],
     ["O", "O", "O", "B-PERSON", "I-PERSON", "O", "B-GPE", "O", "O", "O", "O"]),
    (["A", "fire", "in", "Chippewa", "Falls", ",", "Wisconsin", ",", "killed", "two", "."], None),
])
def test_cues_pair_finds_a_town_the_tagger_missed(make_doc, gazetteer, words, ents):
    found = _places(gazetteer, _doc(make_doc, words, ents=ents))
    assert found[0][:1] == ("Chippewa Falls",) and found[0][3] == "Wisconsin"


@pytest.mark.parametrize("words, want", [
    (["Officials", "in", "Snowflake", "said", "so", "."], "Snowflake"),            # "in X", a country named
    (["Flooding", "hit", "Milwaukee", "County", "on", "Sunday", "."], "Milwaukee County"),  # "X County"
    (["A", "Sedona", "-", "based", "group", "sued", "."], "Sedona"),                 # "X-based"
])
def test_cues_place_cues_find_small_places(make_doc, gazetteer, words, want):
    context = geo.DocContext(countries=(("USA", 3),))
    doc = _doc(make_doc, words)
    assert [f[0] for f in _places(gazetteer, doc, context)] == [want]


def test_cues_no_cue_no_small_place(make_doc, gazetteer):
    "The same small town without a cue stays unread ('Snowflake said', a subject)."
    context = geo.DocContext(countries=(("USA", 3),))
    assert _places(gazetteer, _doc(make_doc, ["Officials", "told", "Snowflake", "so", "."]), context) == []


def test_cues_in_a_place_the_tagger_called_a_person(make_doc, gazetteer):
    "'in Tamaulipas' tagged PERSON: the preposition places it."
    found = _places(gazetteer, _doc(make_doc, ["Jordan", "Peterson", "spoke", "in", "Tamaulipas", "."],
                                    ents=["B-PERSON", "I-PERSON", "O", "O", "B-PERSON", "O"]))
    assert [(f[0], f[2]) for f in found] == [("Tamaulipas", "MEX")]


@pytest.mark.parametrize("words", [
    ["Fans", "met", "Paris", "Hilton", "in", "Sedona", "."],
    ["A", "rally", "near", "Georgia", "Meloni", "'s", "office", "."],
    ["Protests", "began", "in", "Jordan", "Peterson", "'s", "town", "."],
    ["Protests", "began", "in", "March", "."],
    ["They", "believe", "in", "Hope", "'s", "power", "."],
])
def test_cues_names_of_people_and_months_are_no_places(make_doc, gazetteer, words):
    context = geo.DocContext(countries=(("USA", 3), ("GBR", 2), ("GEO", 1), ("JOR", 1), ("FRA", 1)))
    found = [f[0] for f in _places(gazetteer, _doc(make_doc, words), context)]
    assert not {"Paris", "Hilton", "Georgia", "Jordan", "March", "Hope", "Paris Hilton"} & set(found)


@pytest.mark.parametrize("first", ["John", "Mayor"])
def test_cues_surname_after_a_first_name_or_title(make_doc, gazetteer, first):
    "'John Hilton, N.Y.' opening a sentence: Hilton is a surname (Hilton, N.Y. exists)."
    words = [first, "Hilton", ",", "N.Y.", ",", "spoke", "."]
    doc = make_doc(words, pos=["PROPN", "PROPN", "PUNCT", "PROPN", "PUNCT", "VERB", "PUNCT"])
    assert "Hilton" not in [f[0] for f in _places(gazetteer, doc)]
    doc = make_doc(["In", *words[1:]], pos=["ADP", "PROPN", "PUNCT", "PROPN", "PUNCT", "VERB", "PUNCT"])
    assert "Hilton" in [f[0] for f in _places(gazetteer, doc)]


def test_cues_sentence_initial_common_word_is_no_place(make_doc, gazetteer):
    "'Media-based firms' opening a sentence: a common noun, though Media, Pa. exists; a proper noun counts."
    words = ["Media", "-", "based", "firms", "grew", "."]
    assert _places(gazetteer, make_doc(words, pos=["NOUN", "PUNCT", "VERB", "NOUN", "VERB", "PUNCT"])) == []
    found = _places(gazetteer, make_doc(words, pos=["PROPN", "PUNCT", "VERB", "NOUN", "VERB", "PUNCT"]))
    assert [f[0] for f in found] == ["Media"]


def test_cues_first_names_from_the_people_lexicon():
    names = first_names()
    assert {"John", "Giorgia"} <= names and "the" not in names
