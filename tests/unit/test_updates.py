"""GDELT-style update files (store/updates.py): what changed since the last file, zipped, and pruned."""

from __future__ import annotations

import datetime as dt
import zipfile

from eventwire.records import Actor, Article, Event
from eventwire.store import Store
from eventwire.store.exports import GDELT_COLUMNS
from eventwire.store.updates import MENTION_COLUMNS, latest_files, prune_updates, write_update

ISR = Actor("Israel", "Israel", "ISR", "GOV")
HAMAS = Actor("Hamas", "Hamas", "PSE", "REB")
EGY = Actor("Egypt", "Egypt", "EGY", "GOV")
T0 = dt.datetime(2026, 12, 4, 10, 0, 0)


def _event(doc_id, event_id, *, actor=ISR, recipient=HAMAS, event_type="ASSAULT", date=dt.date(2024, 8, 1)):
    sentence = "Israel struck Hamas."
    return Event(event_id=event_id, doc_id=doc_id, event_type=event_type, mode=None, contexts=(), actor=actor,
                 recipient=recipient, date=date, date_precision="day", location=None, sentence=sentence,
                 sentence_start=0, sentence_end=len(sentence), section="text", trigger="struck", negated=False,
                 hypothetical=False, confidence=0.8, quad_class=4, cameo="190", score=-10.0,
                 coder_version="eventwire test+0")


def _doc(doc_id):
    return Article(id=doc_id, text="Israel struck Hamas.", url=f"https://news.test/{doc_id}", source="news.test")


def _rows(path):
    with zipfile.ZipFile(path) as archive:
        (member,) = archive.namelist()
        assert path.name == member + ".zip"
        return [line.split("\t") for line in archive.read(member).decode().splitlines()]


def test_each_file_holds_what_changed_since_the_last(tmp_path):
    folder = tmp_path / "db.updates"
    with Store.open(":memory:") as store:
        assert write_update(store, folder, now=T0) is None  # nothing stored: no file
        store.write_batch([_doc("a")], [], [_event("a", "a1" + "0" * 18)])
        first = write_update(store, folder, now=T0)
        assert first.name == "20261204100000" and first.events == 1 and first.mention_rows == 1
        (event,) = _rows(first.export)
        assert len(event) == 61 == len(GDELT_COLUMNS) and event[GDELT_COLUMNS.index("SOURCEURL")] == "https://news.test/a"
        (mention,) = _rows(first.mentions)
        assert len(mention) == len(MENTION_COLUMNS) == 16
        assert mention[0] == event[0] and mention[4] == "news.test" and mention[5] == "https://news.test/a"
        assert mention[11] == "80" and mention[15] == "<SENTENCE_OFFSETS>0,20</SENTENCE_OFFSETS>"
        assert write_update(store, folder, now=T0 + dt.timedelta(minutes=15)) is None  # unchanged

        # a second report of the same event (it changes: two mentions) and a new event
        store.write_batch([_doc("b")], [], [_event("b", "b1" + "0" * 18),
                                            _event("b", "c1" + "0" * 18, actor=EGY, event_type="CONSULT")])
        second = write_update(store, folder, now=T0)  # the same clock: the name moves on a second
        assert second.name == "20261204100001" and second.events == 2 and second.mention_rows == 3
        assert {r[0] for r in _rows(second.export)} == {event[0], str(int("c1" + "0" * 13, 16))}
        assert latest_files(store, folder) == [second.export, second.mentions]


def test_a_correction_is_a_change(tmp_path):
    with Store.open(":memory:") as store:
        store.write_batch([_doc("a")], [], [_event("a", "a1" + "0" * 18)])
        write_update(store, tmp_path, now=T0)
        store.add_correction("a1" + "0" * 18, {"event_type": "COERCE"}, analyst="ana")
        again = write_update(store, tmp_path, now=T0 + dt.timedelta(minutes=15))
        assert again.events == 1


def test_old_files_are_pruned(tmp_path):
    for name in ("20261120000000", "20261203000000"):
        for kind in ("export", "mentions"):
            (tmp_path / f"{name}.{kind}.CSV.zip").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("kept")
    removed = prune_updates(tmp_path, keep_days=7, now=T0)
    assert removed == ["20261120000000.export.CSV.zip", "20261120000000.mentions.CSV.zip"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "20261203000000.export.CSV.zip", "20261203000000.mentions.CSV.zip", "notes.txt"]


def test_the_routes_serve_lastupdate_and_the_files(tmp_path):
    import hashlib

    from fastapi.testclient import TestClient

    from eventwire.serve.api import create_app
    from eventwire.serve.updates import Publisher

    db = str(tmp_path / "s.duckdb")
    publisher = Publisher(db, every=3600, keep_days=7)
    app = create_app(db, updates=publisher)
    with TestClient(app) as client:
        assert client.get("/updates/lastupdate.txt").text == ""  # before the first file
        store = app.state.store
        store.write_batch([_doc("a")], [], [_event("a", "a1" + "0" * 18)])
        assert publisher.publish(store, now=dt.datetime.now(dt.timezone.utc)) is not None
        lines = client.get("/updates/lastupdate.txt").text.splitlines()
        assert len(lines) == 2
        for line in lines:
            size, md5, url = line.split(" ")
            assert url.startswith("http://testserver/updates/")
            body = client.get(url.removeprefix("http://testserver")).content
            assert len(body) == int(size) and hashlib.md5(body).hexdigest() == md5
        assert client.get("/updates/..%2Fs.duckdb").status_code == 404
        assert client.get("/updates/20990101000000.export.CSV.zip").status_code == 404
    assert (tmp_path / "s.duckdb.updates").is_dir()
