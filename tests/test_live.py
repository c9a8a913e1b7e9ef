"""The live service end to end, on loopback: `eventwire serve --watch` in a real process against a
local news site; ingest and events while it serves; kill -9 mid-poll and a restart lose nothing,
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
            refused = _eventwire("export", "--db", str(db), "--format", "jsonl", "-o", str(tmp_path / "x.jsonl"))
            assert refused.returncode == 4 and "held by the eventwire server" in refused.stderr
            assert "Traceback" not in refused.stderr

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
        if doc.startswith("story-"):
            assert site.hits[f"/a/{doc[6:]}.html"] == hits_at_kill[f"/a/{doc[6:]}.html"] == 1
    assert _stored(db, "SELECT doc_id FROM documents") == {f"story-{n}" for n in range(16)} | {"handed"}
    assert _stored(db, "SELECT count(*) FROM seen_items") == {16}
    assert _stored(db, "SELECT event_id FROM events") == ids  # nothing stored twice, nothing lost
    assert len(_stored(db, "SELECT mention_id FROM mentions")) == duckdb.connect(str(db), read_only=True).execute(
        "SELECT count(*) FROM mentions").fetchone()[0]
