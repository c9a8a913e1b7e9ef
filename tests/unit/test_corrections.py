"""Analyst corrections in the store: the append-only trail, corrected reads, anchoring across re-coding."""

from __future__ import annotations

import hashlib
import datetime as dt
import json

import pytest

from eventwire.records import Actor, Article, Event, Place
from eventwire.store import Store
from eventwire.store.exports import export_events

V1, V2 = "eventwire test+1", "eventwire test+2"
ISR = Actor("Israel", "Israel", "ISR", "GOV")
HAMAS = Actor("Hamas", "Hamas", "PSE", "REB")
USA = Actor("the United States", "United States", "USA", "GOV")
CHN = Actor("China", "China", "CHN", "GOV")
GAZA = Place("Gaza", "Gaza", "PSE", lat=31.50, lon=34.47)
TEXT1 = "Israel struck a Hamas commander in Gaza on Thursday. Officials said more strikes would follow."
TEXT2 = "China met the United States in Beijing."


def article(doc_id: str, text: str, published=dt.date(2024, 8, 1)) -> Article:
    return Article(id=doc_id, text=text, title=f"Title of {doc_id}", published=published, url=f"/{doc_id}",
                   source="wire")


def event(doc_id: str, text: str, *, actor=ISR, recipient=HAMAS, event_type="ASSAULT", end=None, start=0,
          version=V1, date=dt.date(2024, 8, 1), location=GAZA) -> Event:
    end = len(text) if end is None else end
    event_id = hashlib.sha1(f"{doc_id}:{event_type}:{actor.code}:{start}".encode()).hexdigest()[:20]
    return Event(event_id=event_id, doc_id=doc_id, event_type=event_type,
                 mode=None, contexts=(), actor=actor, recipient=recipient, date=date, date_precision="day",
                 location=location, sentence=text[start:end], sentence_start=start, sentence_end=end,
                 section="text", trigger="struck", negated=False, hypothetical=False, confidence=0.8,
                 quad_class=4 if event_type == "ASSAULT" else 1, cameo="18", score=-9.0, coder_version=version)


def seed(store: Store, *, version=V1, type2="CONSULT") -> None:
    "Two documents, one event each."
    store.write_batch([article("d1", TEXT1), article("d2", TEXT2, published=dt.date(2024, 8, 6))], [],
                      [event("d1", TEXT1, end=52, version=version),
                       event("d2", TEXT2, actor=CHN, recipient=USA, event_type=type2, version=version,
                             date=dt.date(2024, 8, 6), location=None)], coder_version=version)


@pytest.fixture()
def store():
    with Store.open(":memory:") as s:
        seed(s)
        yield s


def consult_id(store: Store) -> str:
    return next(e["event_id"] for e in store.events(include_rejected=True) if e["doc_id"] == "d2")


def test_store_without_corrections_lists_as_before(store):
    rows = store.events()
    assert "corrected" not in rows[0] and store.events_source() == "events"
    assert store.corrections_of(rows[0]["event_id"]) == [] and store.corrected_events() == []


def test_correction_wins_and_keeps_a_trail(store):
    eid = consult_id(store)
    assert store.add_correction(eid, {"event_type": "ACCUSE"}, analyst="ann", note="it was a complaint") == [1]
    row = store.event(eid)
    assert row["event_type"] == "ACCUSE" and row["corrected"] is True and row["coder_agrees"] is False
    assert store.coded_event(eid)["event_type"] == "CONSULT"
    (entry,) = store.corrections_of(eid)
    assert (entry["analyst"], entry["field"], entry["before"], entry["after"], entry["note"]) == \
        ("ann", "event_type", "CONSULT", "ACCUSE", "it was a complaint")
    assert {e["event_type"] for e in store.events()} == {"ASSAULT", "ACCUSE"}
    assert store.events(event_type="CONSULT") == []
    assert store.summary()["by_type"] == {"ACCUSE": 1, "ASSAULT": 1}
    other = next(e for e in store.events() if e["event_id"] != eid)
    assert other["corrected"] is False and other["coder_agrees"] is None


def test_later_correction_reverts_an_earlier_one(store):
    eid = consult_id(store)
    store.add_correction(eid, {"event_type": "ACCUSE", "date": dt.date(2024, 8, 5)}, analyst="ann")
    store.add_correction(eid, {}, analyst="bob", reverts=["event_type"])
    row = store.event(eid)
    assert row["event_type"] == "CONSULT" and row["date"] == dt.date(2024, 8, 5)
    assert [(c["field"], c["op"]) for c in store.corrections_of(eid)] == \
        [("event_type", "set"), ("date", "set"), ("event_type", "revert"), ("quad_class", "revert"),
         ("cameo", "revert"), ("score", "revert")]
    store.add_correction(eid, {"date": dt.date(2024, 8, 6)}, analyst="bob")
    assert store.event(eid)["coder_agrees"] is True


def test_rejected_event_leaves_listings_and_exports(store, tmp_path):
    eid = consult_id(store)
    store.add_correction(eid, {"status": "rejected"}, analyst="ann")
    assert eid not in {e["event_id"] for e in store.events()}
    assert eid in {e["event_id"] for e in store.events(include_rejected=True)}
    assert store.event(eid)["review_status"] == "rejected"
    assert store.summary()["events"] == 1 and store.country_counts() and store.map_points()
    path = tmp_path / "out.jsonl"
    assert export_events(store, path, fmt="jsonl") == 1
    assert export_events(store, path, fmt="jsonl", include_rejected=True) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "plover", "csv", "gdelt"])
def test_exports_carry_the_correction(store, tmp_path, fmt):
    eid = next(e["event_id"] for e in store.events() if e["doc_id"] == "d1")
    store.add_correction(eid, {"actor_code": "EGY", "actor_name": "Egypt", "event_type": "COERCE"})
    path = tmp_path / f"out.{fmt}"
    export_events(store, path, fmt=fmt)
    text = path.read_text()
    assert "EGY" in text and "Egypt" in text.title()
    if fmt == "jsonl":
        rows = {json.loads(line)["event_id"]: json.loads(line) for line in text.splitlines()}
        assert rows[eid]["event_type"] == "COERCE" and rows[eid]["corrected"] is True
    if fmt == "plover":
        rows = {json.loads(line)["id"]: json.loads(line) for line in text.splitlines()}
        assert rows[eid]["event"] == ["COERCE"] and rows[eid]["actor"][0]["code"] == "EGY"


def test_correction_survives_recoding_the_document(store):
    eid = consult_id(store)
    store.add_correction(eid, {"event_type": "ACCUSE"}, analyst="ann")
    seed(store, version=V2)  # re-code both documents: the same mentions again, a new coder version
    assert store.event(eid)["event_type"] == "ACCUSE"
    # the coder now types the sentence as the analyst did: the mention (and event id) changes
    seed(store, version=V2, type2="ACCUSE")
    new_id = consult_id(store)
    assert new_id != eid and store.event(eid) is None
    row = store.event(new_id)
    assert row["event_type"] == "ACCUSE" and row["corrected"] is True and row["coder_agrees"] is True
    assert [c["after"] for c in store.corrections_of(new_id)] == ["ACCUSE"]


def test_correction_never_moves_to_another_sentence_or_an_ambiguous_one(store):
    eid = consult_id(store)
    store.add_correction(eid, {"event_type": "ACCUSE"})
    # the document is rewritten: its sentence now holds two events, neither the coded one
    text = TEXT2 + " Both sides traded threats."
    store.write_batch([article("d2", text)], [],
                      [event("d2", text, actor=USA, recipient=CHN, event_type="THREATEN", end=39),
                       event("d2", text, actor=CHN, recipient=USA, event_type="COERCE", end=39),
                       event("d2", text, actor=CHN, recipient=USA, event_type="CONSULT", start=40)])
    assert all(not e["corrected"] for e in store.events())
    assert all(e["event_type"] != "ACCUSE" for e in store.events())
