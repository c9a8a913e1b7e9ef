"""Unit tests for eventwire.coding.geo: the offline gazetteer, place mentions and event locations."""

from __future__ import annotations

import pytest

from eventwire.coding import geo
from eventwire.config import DATA_DIR


@pytest.fixture(scope="module")
def gazetteer():
    return geo.Gazetteer.load(DATA_DIR)


def _locate(nlp, gazetteer, text: str, trigger: str, context=None):
    doc = nlp(text)
    tok = next(t for t in doc if t.text == trigger)
    return geo.locate_event(doc[:], tok, gazetteer, context=context)


@pytest.mark.parametrize("raw, norm", [
    ("Khān Yūnis", "khan yunis"), ("Port-au-Prince", "port au prince"), ("Deir al-Balah", "deir al balah"),
    ("U.S.", "us"), ("Côte d’Ivoire", "cote divoire"),
])
def test_geo_normalize_name(raw, norm):
    assert geo.normalize_name(raw) == norm


def test_geo_spelling_variants_are_one_place(gazetteer):
    ids = {gazetteer.resolve(n).geonameid for n in ("Khan Yunis", "Khan Younis", "Khān Yūnis")}
    assert ids == {281124}
    assert gazetteer.resolve("Kiev").geonameid == gazetteer.resolve("Kyiv").geonameid == 703448


@pytest.mark.parametrize("name, country, precision", [
    ("Tehran", "IRN", "city"), ("Port-au-Prince", "HTI", "city"), ("Russia", "RUS", "country"),
    ("Georgia", "GEO", "country"), ("Rafah crossing", "PSE", "site"), ("Kharkiv region", "UKR", "admin1"),
    ("Washington", "USA", "city"), ("Paris", "FRA", "city"), ("U.S.", "USA", "country"),
])
def test_geo_resolve_prefers_population_and_countries(gazetteer, name, country, precision):
    place = gazetteer.resolve(name)
    assert (place.country, place.precision) == (country, precision)


def test_geo_context_turns_georgia_into_the_state(gazetteer):
    place = gazetteer.resolve("Georgia", context=geo.DocContext(countries=(("USA", 3),)))
    assert (place.country, place.precision) == ("USA", "admin1")


def test_geo_build_context_counts_unambiguous_countries(nlp, gazetteer):
    docs = [nlp("Voters in Atlanta lined up for hours."), nlp("Officials in Georgia certified the count.")]
    context = geo.build_context(docs, gazetteer)
    assert context.count("USA") >= 1 and context.count("GEO") == 0
    assert geo.find_places(docs[1], gazetteer, context=context)[0].country == "USA"


@pytest.mark.parametrize("text, trigger, country, lat", [
    ("The assassination of Ismail Haniyeh in Tehran shocked the region.", "assassination", "IRN", 35.69),
    ("Gangs attacked the airport in Port-au-Prince yesterday.", "attacked", "HTI", 18.54),
    ("Israeli forces struck a school in Khan Younis on Thursday.", "struck", "PSE", 31.34),
    ("Two weeks ago, militants attacked a convoy near Kharkiv.", "attacked", "UKR", 49.98),
    ("Moscow warned that Tel Aviv would continue strikes in Gaza.", "strikes", "PSE", 31.42),
])
def test_geo_locate_event_in_locative_prep(nlp, gazetteer, text, trigger, country, lat):
    place = _locate(nlp, gazetteer, text, trigger)
    assert place is not None and place.country == country
    assert place.lat == pytest.approx(lat, abs=0.05)


def test_geo_locate_event_country_inside_prep(nlp, gazetteer):
    place = _locate(nlp, gazetteer, "Ukraine launched missiles into Russia last week.", "launched")
    assert (place.country, place.precision) == ("RUS", "country")


@pytest.mark.parametrize("text, trigger", [
    ("Washington said it would impose sanctions on Iran.", "impose"),
    ("Iran accused Israel of lying.", "accused"),
    ("The ministers signed the accord on Monday.", "signed"),
])
def test_geo_locate_event_none_for_actors_and_recipients(nlp, gazetteer, text, trigger):
    assert _locate(nlp, gazetteer, text, trigger) is None


def test_geo_find_places_skips_metonyms(nlp, gazetteer):
    doc = nlp("Washington said the strike in Tehran was illegal.")
    assert [p.text for p in geo.find_places(doc, gazetteer)] == ["Tehran"]
    place = geo.find_places(doc, gazetteer)[0]
    assert doc.text[place.start:place.end] == "Tehran"


def test_geo_metonym_hand_built_doc(make_doc, gazetteer):
    doc = make_doc(["Moscow", "warned", "Kyiv", "."], heads=[1, 1, 1, 1],
                   deps=["nsubj", "ROOT", "dobj", "punct"], pos=["PROPN", "VERB", "PROPN", "PUNCT"],
                   lemmas=["Moscow", "warn", "Kyiv", "."], ents=["B-GPE", "O", "B-GPE", "O"])
    assert [p.name for p in geo.find_places(doc, gazetteer)] == ["Kyiv"]
    assert len(geo.find_places(doc, gazetteer, include_metonyms=True)) == 2


@pytest.mark.parametrize("text, word, kind, country", [
    ("Washington said on Monday that troops entered Rafah.", "Washington", "metonym", "USA"),
    ("Aleppo contained 35,000 damaged structures.", "Aleppo", "place", "SYR"),
    ("Syria is taxing certain goods.", "Syria", "place", "SYR"),
    ("Israeli troops entered the town.", "Israeli", "adjective", "ISR"),
])
def test_geo_find_mentions_kinds(nlp, gazetteer, text, word, kind, country):
    mentions = {m.place.text: m for m in geo.find_mentions(nlp(text), gazetteer)}
    assert (mentions[word].kind, mentions[word].place.country) == (kind, country)
    assert 0 < mentions[word].confidence <= 1


def test_geo_places_records_offsets_index_the_text_as_given(coder):
    text = "Friday, January 4, 2019 \n\n\nA fire in Koszalin, Poland killed five.\n\n\nPoland mourned."
    records = coder.places_text(text)
    assert records and all(text[r["start"]:r["end"]] == r["text"] for r in records)
    assert {"Koszalin", "Poland"} <= {r["text"] for r in records}
    assert next(r for r in records if r["text"] == "Poland")["geonameid"] == 798544


@pytest.mark.parametrize("text, outside_words, country", [
    # a place inside a longer actor phrase ("one U.S. soldier") is a party, not a place
    ("A roadside bombing near the town of Samarra killed one U.S. soldier.", ["one U.S. soldier"], "IRQ"),
    # a country that is the subject is the actor, not the place
    ("Israel struck militants in Rafah on Sunday.", [], "PSE"),
    # places in two countries: none
    ("Bombs exploded in Kabul and in Islamabad.", [], None),
])
def test_geo_sentence_country(nlp, gazetteer, text, outside_words, country):
    doc = nlp(text)
    outside = tuple((text.index(w), text.index(w) + len(w)) for w in outside_words)
    assert geo.sentence_country(doc[:], gazetteer, outside=outside) == country
