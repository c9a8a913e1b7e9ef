"""The live service end to end, on loopback: `eventwire serve --watch` in a real process against a
local news site; ingest, events, export and eventwire.open while it serves; kill -9 mid-poll and a restart lose nothing,
store nothing twice and re-fetch nothing already stored."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
from newssite import NewsSite

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 180  # seconds any one wait may take on a loaded 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def _eventwire(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire", *args], env=_env(), capture_output=True, text=True,
                          timeout=TIMEOUT)


def _serve(db: Path, sources: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", str(db), "--port", str(port),
                             "--watch", str(sources), "--every", "1"], env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(predicate, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stats(port: int) -> dict:
    return httpx.get(f"http://127.0.0.1:{port}/stats", timeout=10).json()


def _polls_after(port: int, n: int) -> bool:
    return _stats(port)["watch"]["polls"] >= n


def _stored(db: Path, sql: str) -> set:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {row[0] for row in con.execute(sql).fetchall()}
    finally:
        con.close()


def test_live_service_end_to_end(tmp_path):
    db = tmp_path / "live.duckdb"
    sources = tmp_path / "sources.txt"
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "handed", "text": "Egypt urged Israel to open the Rafah crossing on Monday.",
                                 "published": "2024-08-05"}) + "\n")
    with NewsSite(range(8)) as site:
        sources.write_text(f"# the local news site\n{site.url}/feed.xml\n")
        port = _free_port()
        server = _serve(db, sources, port)
        try:
            _wait(lambda: _stats(port)["tables"]["documents"] >= 8, "the first 8 pages")
            assert Path(f"{db}.server.json").exists()

            done = _eventwire("ingest", str(extra), "--db", str(db))  # handed to the server
            assert done.returncode == 0, done.stderr
            assert "through the server" in done.stderr
            listed = _eventwire("events", "--db", str(db), "--format", "jsonl", "--limit", "1000")
            assert listed.returncode == 0, listed.stderr
            assert len(listed.stdout.splitlines()) >= 8 and json.loads(listed.stdout.splitlines()[0])["event_id"]
            assert httpx.get(f"http://127.0.0.1:{port}/documents/handed", timeout=10).status_code == 200
            summary = _eventwire("summary", "--db", str(db))
            assert summary.returncode == 0 and "documents: 9" in summary.stdout
            exported = _eventwire("export", "--db", str(db), "--format", "gdelt", "-o", str(tmp_path / "x.tsv"))
            assert exported.returncode == 0 and "through the server" in exported.stderr, exported.stderr
            assert len((tmp_path / "x.tsv").read_text().splitlines()) >= 8

            site.page_delay = 0.4
            site.items = list(range(16))  # 8 new items, fetched slowly: kill -9 in the middle of the poll
            _wait(lambda: sum(site.hits.get(f"/a/{n}.html", 0) for n in range(8, 16)) >= 3, "the poll to start")
        finally:
            server.send_signal(signal.SIGKILL)
            server.wait()
        stored = _stored(db, "SELECT doc_id FROM documents")
        hits_at_kill = dict(site.hits)
        site.page_delay = 0.0

        server = _serve(db, sources, port)  # a stale server file (its PID is dead) is ignored and replaced
        try:
            _wait(lambda: _stats(port)["tables"]["documents"] >= 17, "all 16 pages and the handed document")
            polls = _stats(port)["watch"]["polls"]
            _wait(lambda: _polls_after(port, polls + 2), "two more polls of the unchanged feed")
            ids = {e["event_id"] for e in httpx.get(f"http://127.0.0.1:{port}/events?limit=1000"
                                                   "&include_hypothetical=true").json()["events"]}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    assert not Path(f"{db}.server.json").exists()
    for doc in stored:  # nothing already stored was fetched again
        if "#story-" in doc:  # a feed item's id is namespaced by its feed (FEED#GUID)
            n = doc.rsplit("-", 1)[1]
            assert site.hits[f"/a/{n}.html"] == hits_at_kill[f"/a/{n}.html"] == 1
    feed = f"{site.url}/feed.xml"
    assert _stored(db, "SELECT doc_id FROM documents") == {f"{feed}#story-{n}" for n in range(16)} | {"handed"}
    assert _stored(db, "SELECT count(*) FROM seen_items") == {16}
    assert _stored(db, "SELECT event_id FROM events") == ids  # nothing stored twice, nothing lost
    assert len(_stored(db, "SELECT mention_id FROM mentions")) == duckdb.connect(str(db), read_only=True).execute(
        "SELECT count(*) FROM mentions").fetchone()[0]


def _hand_made_store(path: Path) -> None:
    "A store of three events (and a correction) written without a coder."
    import datetime as dt

    from eventwire.records import Actor, Article, Event, Place
    from eventwire.store import Store

    isr, hamas, un = (Actor("Israel", "Israel", "ISR", "GOV"), Actor("Hamas", "Hamas", "PSE", "REB"),
                      Actor("the UN", "United Nations", "UNO", "IGO"))
    gaza = Place("Gaza City", "Gaza", "PSE", admin1="Gaza Strip", lat=31.5, lon=34.47, geonameid=281133)

    def event(doc_id, event_id, actor, recipient, event_type, cameo, quad, date, place=None):
        sentence = "Israel struck Hamas."
        return Event(event_id=event_id, doc_id=doc_id, event_type=event_type, mode=None, contexts=("military",),
                     actor=actor, recipient=recipient, date=date, date_precision="day", location=place,
                     sentence=sentence, sentence_start=0, sentence_end=len(sentence), section="text",
                     trigger="struck", negated=False, hypothetical=False, confidence=0.8, quad_class=quad,
                     cameo=cameo, score=-5.0, coder_version="eventwire test+0")

    docs = [Article(id="a", text="Israel struck Hamas in Gaza.\n\nLater the UN urged calm.", title="Strikes",
                    published=dt.date(2024, 8, 2), url="https://example.org/a", source="wire"),
            Article(id="b", text="Israel struck Hamas in Gaza.", published=dt.date(2024, 9, 3), source="paper")]
    events = [event("a", "e1" + "0" * 18, isr, hamas, "ASSAULT", "18", 4, dt.date(2024, 8, 1), gaza),
              event("a", "f2" + "0" * 18, un, None, "REQUEST", "0243", 1, dt.date(2024, 8, 2)),
              event("b", "a3" + "0" * 18, isr, hamas, "ASSAULT", "190", 4, dt.date(2024, 9, 2))]
    with Store.open(str(path)) as store:
        store.write_batch(docs, [], events, coder_version="eventwire test+0")
        store.add_correction("f2" + "0" * 18, {"event_type": "CONSULT"}, analyst="t")


def _tree(path: Path) -> dict:
    "Every file under a folder (or the file itself) -> its bytes."
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_export_and_open_through_a_running_server(tmp_path):
    import eventwire
    from eventwire.errors import StoreError
    from eventwire.store.exports import FORMATS

    db = tmp_path / "served.duckdb"
    _hand_made_store(db)
    direct, served = tmp_path / "direct", tmp_path / "served"
    direct.mkdir()
    served.mkdir()
    for fmt in FORMATS:  # the bytes a direct export writes, before any server holds the store
        done = _eventwire("export", "--db", str(db), "--format", fmt, "-o", str(direct / fmt), "--header")
        assert done.returncode == 0, done.stderr
    with eventwire.open(str(db), read_only=True) as local:
        expected = {"events": local.events(), "arrow": local.events_arrow(types=["ASSAULT"], since="2024-08-15"),
                    "mentions": local.mentions("e1" + "0" * 18), "series": local.dyad_series("ISR", "PSE"),
                    "actors": local.actors(), "stats": local.stats()}
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", str(db), "--port", str(port),
                               "--updates-every", "0"], env=_env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200, "the server")
        _wait(lambda: Path(f"{db}.server.json").exists(), "the server file")
        for fmt in FORMATS:
            done = _eventwire("export", "--db", str(db), "--format", fmt, "-o", str(served / fmt), "--header")
            assert done.returncode == 0 and "through the server" in done.stderr, done.stderr
            assert _tree(served / fmt) == _tree(direct / fmt), fmt  # same bytes as a direct export

        db_served = eventwire.open(str(db))  # DuckDB would refuse the file: it reads through the server
        assert type(db_served).__name__ == "ServedDatabase"
        assert db_served.events().equals(expected["events"])
        assert db_served.events_arrow(types=["ASSAULT"], since="2024-08-15").equals(expected["arrow"])
        assert db_served.mentions("e1" + "0" * 18).equals(expected["mentions"])
        assert db_served.dyad_series("ISR", "PSE").equals(expected["series"])
        assert db_served.actors().equals(expected["actors"])
        assert db_served.stats()["tables"] == expected["stats"]["tables"]
        assert db_served.export(tmp_path / "api.tsv", format="gdelt") == 3
        try:
            db_served.store.write_batch([], [], [])
        except StoreError as exc:
            assert "is not served" in str(exc) and "stop the server" in str(exc)
        else:
            raise AssertionError("a write through a served store must be refused")
        db_served.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
