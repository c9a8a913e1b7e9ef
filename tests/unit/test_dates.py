"""Unit tests for eventwire.coding.dates: temporal expressions resolved against publication."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventwire.coding import dates
from eventwire.text import datelines

PUB = dt.date(2024, 8, 15)  # a Thursday


def _resolve(nlp, text: str, trigger: str, published: dt.date | None = PUB):
    doc = nlp(text)
    tok = next(t for t in doc if t.text == trigger)
    return dates.resolve_date(doc[:], tok, published)


@pytest.mark.parametrize("text, trigger, published, expected", [
    ("Israeli jets struck the camp on Thursday.", "struck", PUB, (dt.date(2024, 8, 15), "day")),
    ("Israeli jets struck the camp on Monday.", "struck", PUB, (dt.date(2024, 8, 12), "day")),
    ("Israeli jets struck the camp last Thursday.", "struck", PUB, (dt.date(2024, 8, 8), "day")),
    ("Two weeks ago, militants attacked a convoy.", "attacked", PUB, (dt.date(2024, 8, 1), "week")),
    ("The ministers signed the accord on November 11, 2024.", "signed", dt.date(2024, 11, 20), (dt.date(2024, 11, 11), "day")),
    ("Rioters stormed the Capitol on Jan. 6.", "stormed", dt.date(2024, 11, 20), (dt.date(2024, 1, 6), "day")),
    ("Troops entered the town on Aug 20.", "entered", PUB, (dt.date(2023, 8, 20), "day")),
    ("The two leaders will meet on Wednesday.", "meet", PUB, (dt.date(2024, 8, 21), "day")),
    ("The talks are scheduled to resume on Monday.", "resume", PUB, (dt.date(2024, 8, 19), "day")),
    ("Police arrested the mayor yesterday.", "arrested", PUB, (dt.date(2024, 8, 14), "day")),
    ("Rebels seized the town last month.", "seized", PUB, (dt.date(2024, 7, 1), "month")),
    ("Rebels seized the town in March 2018.", "seized", PUB, (dt.date(2018, 3, 1), "month")),
    ("The army was deployed there in 2018.", "deployed", PUB, (dt.date(2018, 1, 1), "year")),
    ("Protesters marched through the capital earlier this year.", "marched", PUB, (dt.date(2024, 1, 1), "year")),
    ("Protesters marched through the capital.", "marched", PUB, (PUB, "publication")),
    ("Protesters marched through the capital.", "marched", None, (None, "publication")),
])
def test_dates_resolve_common_forms(nlp, text, trigger, published, expected):
    assert _resolve(nlp, text, trigger, published) == expected


@pytest.mark.parametrize("phrase", [
    "2024-08-01", "November 11, 2024", "Jan. 6", "the 3rd of May", "March 2018", "two weeks ago",
    "a few days earlier", "last week", "earlier this month", "yesterday", "today", "tonight", "tomorrow",
    "last night", "overnight", "this morning", "this afternoon", "this evening", "on Friday",
    "SUNDAY", "in 2018", "since mid-2019",
])
def test_dates_every_expression_form_passes_the_quick_check(phrase):
    # _find_expressions skips texts with none of the words every pattern holds: no form may be lost
    assert dates._find_expressions(f"It happened {phrase}, officials said.", PUB, False), phrase


def test_dates_prefers_expression_attached_to_trigger(nlp):
    # "on Monday" belongs to "said", "on Sunday" to "killed"
    got = _resolve(nlp, "Officials said on Monday that the strike killed 12 people on Sunday.", "killed")
    assert got == (dt.date(2024, 8, 11), "day")


def test_dates_past_event_never_after_publication(nlp):
    got = _resolve(nlp, "Militants attacked the base on December 25, 2024.", "attacked")
    assert got == (PUB, "publication")


def test_dates_hand_built_doc_without_model(make_doc):
    words = ["Troops", "shelled", "the", "city", "on", "Friday", "."]
    doc = make_doc(words, heads=[1, 1, 3, 1, 1, 4, 1],
                   deps=["nsubj", "ROOT", "det", "dobj", "prep", "pobj", "punct"],
                   tags=["NNS", "VBD", "DT", "NN", "IN", "NNP", "."],
                   pos=["NOUN", "VERB", "DET", "NOUN", "ADP", "PROPN", "PUNCT"])
    assert dates.resolve_date(doc[:], doc[1], PUB) == (dt.date(2024, 8, 9), "day")


@pytest.mark.parametrize("text, year, expected", [
    ("KHAN YOUNIS, Aug 14 (Reuters) - Israeli strikes", 2024, dt.date(2024, 8, 14)),
    ("KHAN YOUNIS, Aug 14 (Reuters) - Israeli strikes", None, None),
    ("Friday, January 4, 2019 \nThe president", None, dt.date(2019, 1, 4)),
    ("WASHINGTON, Nov. 20, 2024 (AP) — The Senate", None, dt.date(2024, 11, 20)),
    ("2024-08-15 Gaza truce talks", None, dt.date(2024, 8, 15)),
    ("The talks went on for hours.", 2024, None),
])
def test_dates_parse_dateline(text, year, expected):
    assert datelines.parse_dateline(text, year=year) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://example.com/world/2024/08/15/gaza-truce/", dt.date(2024, 8, 15)),
    ("https://example.com/news/story-20240815-abc", dt.date(2024, 8, 15)),
    ("https://example.com/news/story-2024-08-15.html", dt.date(2024, 8, 15)),
    ("https://example.com/news/story", None),
])
def test_dates_date_from_url(url, expected):
    assert datelines.date_from_url(url) == expected


@settings(max_examples=60, deadline=None)
@given(published=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
       phrase=st.sampled_from(["on Monday", "on Sunday", "last Friday", "yesterday", "two weeks ago",
                               "last month", "last year", "on Jan. 6", "on December 31", "earlier this month"]))
def test_dates_never_after_publication_for_past_events(make_doc, published, phrase):
    words = ["Troops", "attacked", "the", "town", *phrase.split(), "."]
    doc = make_doc(words, tags=["NNS", "VBD", "DT", "NN"] + ["NN"] * (len(words) - 4))
    when, _ = dates.resolve_date(doc[:], doc[1], published)
    assert when is not None and when <= published
