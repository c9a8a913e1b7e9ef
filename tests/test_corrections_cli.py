"""The corrections workflow on a store built from the sample pages, through the CLI and the API:
a correction without the token is refused, with it accepted; the event shows the new type and
the trail; a rejected event leaves GET /events and the JSONL export; after ``eventwire recode
--all`` the correction still holds; ``corrections export`` writes gold that ``eval --gold`` scores."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from eventwire.cli import main
from eventwire.run.vocabulary import load_vocabulary
from eventwire.serve.api import create_app

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TOKEN = "s3cret"


def _invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_corrections_workflow_on_sample_pages(tmp_path, settings, monkeypatch):
    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    runner = CliRunner()
    db = str(tmp_path / "s.duckdb")
    _invoke(runner, "ingest", str(SAMPLES), "--db", db)
    with TestClient(create_app(db, token=TOKEN, vocabulary=load_vocabulary(settings), settings=settings)) as c:
        events = c.get("/events", params={"limit": 1000}).json()["events"]
        assert len(events) >= 2
        first, second = events[0], events[1]
        new_type = "PROTEST" if first["event_type"] != "PROTEST" else "ACCUSE"
        body = {"event_type": new_type, "analyst": "ann", "note": "re-typed"}
        assert c.post(f"/events/{first['event_id']}/corrections", json=body).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert c.post(f"/events/{first['event_id']}/corrections", json=body, headers=auth).status_code == 200
        shown = c.get(f"/events/{first['event_id']}").json()
        assert shown["event_type"] == new_type and shown["corrected"] is True
        assert shown["corrections"][0]["before"] == first["event_type"]
        assert c.post(f"/events/{second['event_id']}/corrections", json={"status": "rejected"},
                      headers=auth).status_code == 200
        listed = {e["event_id"] for e in c.get("/events", params={"limit": 1000}).json()["events"]}
        assert second["event_id"] not in listed and first["event_id"] in listed
    out = tmp_path / "e.jsonl"
    _invoke(runner, "export", "--db", db, "--format", "jsonl", "-o", str(out))
    rows = {r["event_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert rows[first["event_id"]]["event_type"] == new_type and second["event_id"] not in rows

    _invoke(runner, "recode", "--db", db, "--all")
    _invoke(runner, "export", "--db", db, "--format", "jsonl", "-o", str(out))
    rows = {r["event_id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert rows[first["event_id"]]["event_type"] == new_type and second["event_id"] not in rows

    gold = tmp_path / "gold.jsonl"
    _invoke(runner, "corrections", "export", "--db", db, "-o", str(gold))
    (record,) = map(json.loads, gold.read_text().splitlines())
    assert record["event"] == new_type and record["text"] and record["coder"] == "ann"
    report = json.loads(_invoke(runner, "eval", "--gold", str(gold), "--json"))
    scored = report["sets"]["plover"]["splits"]["all"]
    assert scored["n"] == 1 and 0.0 <= scored["recall"] <= 1.0
