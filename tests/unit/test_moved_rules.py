"""The coding rules that left the runner, each in the coding stage that owns it (issue 18):
parties.fill_countries, geo.plausible_place, dates.date_undated_page, Ontology.mode_at_place,
records.event_id. Hand-built Docs only, no model."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.coding import dates, geo, parties
from eventwire.coding.ontology import Ontology
from eventwire.records import Actor, Article, Place, event_id

KENYA_CONTEXT = geo.DocContext(countries=(("KEN", 5), ("UGA", 1)))
NAIROBI = Place("Nairobi", "Nairobi", "KEN", lat=-1.28, lon=36.82, start=30, end=37)


@pytest.mark.parametrize("actor, recipient, event_type, place, want", [
    # a role-only party takes the event place's country
    (Actor("police", "police", None, "COP"), Actor("Kenya", "Kenya", "KEN", "GOV"), "ASSAULT", NAIROBI,
     ("KEN", "KEN")),
    # no place: a domestic type takes the other party's country
    (Actor("activists", "activists", None, "OPP"), Actor("Uganda", "Uganda", "UGA", "GOV"), "PROTEST", None,
     ("UGA", "UGA")),
    # no place, not domestic: the document's dominant country (KEN, 5 of 6 mentions)
    (Actor("gunmen", "gunmen", None, "UAF"), None, "ASSAULT", None, ("KEN", None)),
    # a named party keeps its code; a party with no sector is not a role
    (Actor("Hamas", "Hamas", "PSE", "REB"), Actor("someone", "someone", None, None), "ASSAULT", NAIROBI,
     ("PSE", None)),
])
def test_parties_fill_countries(actor, recipient, event_type, place, want):
    new_actor, new_recipient = parties.fill_countries(actor, recipient, event_type=event_type, place=place,
                                                      context=KENYA_CONTEXT)
    assert (new_actor.code, new_recipient.code if new_recipient else None) == want


def test_parties_protest_without_target_is_aimed_at_the_government_where_it_happens():
    actor = Actor("protesters", "protesters", None, "CVL")
    new_actor, recipient = parties.fill_countries(actor, None, event_type="PROTEST", place=NAIROBI,
                                                  context=geo.DocContext())
    assert new_actor.code == "KEN" and (recipient.code, recipient.sector) == ("KEN", "GOV")
    _, none = parties.fill_countries(actor, None, event_type="ASSAULT", place=NAIROBI, context=geo.DocContext())
    assert none is None


def test_geo_plausible_place(make_doc):
    # "US pressures Nairobi": the place is the actor's own words; in a headline a place needs a preposition
    doc = make_doc(["Police", "fired", "in", "Nairobi", "."], pos=["NOUN", "VERB", "ADP", "PROPN", "PUNCT"],
                   sent_starts=[True, False, False, False, False])
    sent = doc[:]
    nairobi = Place("Nairobi", "Nairobi", "KEN", start=16, end=23)
    police = Actor("Police", "police", "KEN", "COP", start=0, end=6)
    assert geo.plausible_place(nairobi, police, sent, headline=False)
    assert geo.plausible_place(nairobi, police, sent, headline=True)  # "in Nairobi"
    as_actor = Actor("Nairobi", "Kenya", "KEN", "GOV", start=16, end=23)
    assert not geo.plausible_place(nairobi, as_actor, sent, headline=False)
    bare = make_doc(["Nairobi", "police", "fire", "."], pos=["PROPN", "NOUN", "VERB", "PUNCT"],
                    sent_starts=[True, False, False, False])
    assert not geo.plausible_place(Place("Nairobi", "Nairobi", "KEN", start=0, end=7), police, bare[:], headline=True)


def test_dates_date_undated_page_reads_forward_from_its_own_caption():
    main = Article(id="a", text="Troops shelled the town on Thursday.", kind="article")
    caption = Article(id="a#c1", text="Smoke rises.", kind="caption", published=dt.date(2024, 3, 6))  # a Wednesday
    teaser_caption = Article(id="a#t1", text="Other story.", kind="teaser", published=dt.date(2024, 1, 1))
    dated = dates.date_undated_page([main, caption, teaser_caption])
    assert dated[0].published == dt.date(2024, 3, 7)  # "on Thursday" after a Wednesday photo
    assert dated[1:] == [caption, teaser_caption]
    already = Article(id="b", text="x", published=dt.date(2024, 1, 2))
    assert dates.date_undated_page([already, caption]) == [already, caption]


def test_ontology_mode_at_place_third_party_meeting(settings):
    ontology = Ontology.load(settings.data_path)
    assert ontology.mode_at_place("CONSULT", None, place_country="CHE", parties=("USA", "RUS")) == "third-party"
    assert ontology.mode_at_place("CONSULT", None, place_country="USA", parties=("USA", "RUS")) is None
    assert ontology.mode_at_place("CONSULT", "visit", place_country="CHE", parties=("USA", "RUS")) == "visit"
    assert ontology.mode_at_place("ASSAULT", None, place_country="CHE", parties=("USA", "RUS")) is None


def test_records_event_id_is_stable_and_tells_mentions_apart():
    isr, pse = Actor("Israel", "Israel", "ISR", "GOV"), Actor("Hamas", "Hamas", "PSE", "REB")
    one = event_id("d1", "text", 0, 40, "ASSAULT", isr, pse)
    assert one == event_id("d1", "text", 0, 40, "ASSAULT", isr, pse) and len(one) == 20
    assert len({one, event_id("d1", "title", 0, 40, "ASSAULT", isr, pse),
                event_id("d1", "text", 0, 40, "ASSAULT", pse, isr),
                event_id("d1", "text", 0, 40, "ASSAULT", isr, None)}) == 4


@pytest.mark.parametrize("place, sentence_country, context, want", [
    (None, "IRQ", geo.DocContext(), "IRQ"),  # no event place: the sentence's one place country
    (NAIROBI, "IRQ", geo.DocContext(), "KEN"),  # the event's place first
    (None, None, KENYA_CONTEXT, "KEN"),  # then the document's dominant country
    (None, "IRQ", KENYA_CONTEXT, "IRQ"),  # the sentence before the document
    (None, None, geo.DocContext(), None),  # nothing: the sector stays, no country is invented
])
def test_parties_fill_countries_from_the_sentence_place(place, sentence_country, context, want):
    asked = []

    def in_sentence():
        asked.append(1)
        return sentence_country

    actor = Actor("unidentified armed group", "unidentified armed group", None, "UAF")
    new_actor, _ = parties.fill_countries(actor, None, event_type="ASSAULT", place=place, context=context,
                                          sentence_country=in_sentence)
    assert (new_actor.code, new_actor.sector) == (want, "UAF")
    named = Actor("Hamas", "Hamas", "PSE", "REB")
    parties.fill_countries(named, None, event_type="ASSAULT", place=None, context=context, sentence_country=in_sentence)
    assert len(asked) <= 1  # asked only for a party without a country
