"""store/database.py: the pandas front behind eventwire.open, on a store written by hand."""

from __future__ import annotations

import datetime as dt

import eventwire
from eventwire.records import Actor, Article, Event
from eventwire.store import Store

USA, ISR = Actor("US", "United States", "USA", "GOV"), Actor("Israel", "Israel", "ISR", "GOV")


def _event(doc_id: str, day: int, event_type: str = "REQUEST") -> Event:
    text = "The United States urged Israel to accept a ceasefire."
    return Event(event_id=f"{doc_id}-e", doc_id=doc_id, event_type=event_type, mode=None, contexts=(), actor=USA,
                 recipient=ISR, date=dt.date(2024, 8, day), date_precision="day", location=None, sentence=text,
                 sentence_start=0, sentence_end=len(text), section="text", trigger="urged", negated=False,
                 hypothetical=False, confidence=0.8, quad_class=2, cameo="020", score=3.0, coder_version="t")


def test_database_frames_series_and_export(tmp_path):
    path = str(tmp_path / "db.duckdb")
    with Store.open(path) as store:
        store.write_batch([Article(id=f"d{i}", text="x", published=dt.date(2024, 8, 1 + 7 * i)) for i in range(3)],
                          [], [_event(f"d{i}", 1 + 7 * i) for i in range(3)], coder_version="t")
    db = eventwire.open(path, read_only=True)
    try:
        frame = db.events(actor="USA", recipient="ISR")
        assert len(frame) == 3 and set(frame["event_type"]) == {"REQUEST"}
        assert db.events_arrow(actor="ISR").num_rows == 0  # Israel is the recipient, not the actor
        weekly = db.dyad_series("USA", "ISR", freq="week")
        assert int(weekly["events"].sum()) == 3
        assert len(db.mentions(frame["event_id"].iloc[0])) == 1
        assert db.export(tmp_path / "out.jsonl", format="jsonl") == 3
        assert db.stats()["tables"]["events"] == 3
    finally:
        db.close()
