"""User dictionaries and suggested rows through the CLI: a new actor row and a new trigger row in
``--dict-dir`` change the coding after ``recode --all`` with no code change; a missing folder is one
line (exit 2); ``corrections suggest`` proposes the rows analysts' corrections ask for, in the
dict-dir format, and the accepted rows code the sentence as the analyst did."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from fastapi.testclient import TestClient

from eventwire.cli import main
from eventwire.run.vocabulary import load_vocabulary
from eventwire.serve.api import create_app

TOKEN = "s3cret"
KESTREL = "The Kestrel Brigade attacked Malian soldiers near Gao on Monday, officials said."
WAYLAY = "Rebels waylaid a Nigerien army convoy near Niamey on Friday, officials said."
TRIGGERS = "lemma\tpos\tpattern\tevent_type\tmode\tcontexts\tcameo\tweight\nwaylay\tV\t\tASSAULT\t\t\t190\t0.9\n"


def _invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _store(tmp_path, runner) -> str:
    source = tmp_path / "news.jsonl"
    source.write_text("".join(json.dumps({"id": doc_id, "text": text, "published": "2024-05-01"}) + "\n"
                              for doc_id, text in (("kestrel", KESTREL), ("waylay", WAYLAY))))
    db = str(tmp_path / "s.duckdb")
    _invoke(runner, "ingest", str(source), "--db", db)
    return db


def _events(runner, db, out, *options) -> list[dict]:
    _invoke(runner, *options, "export", "--db", db, "--format", "jsonl", "-o", str(out))
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_user_rows_change_the_coding_after_recode_all(tmp_path):
    runner = CliRunner()
    db = _store(tmp_path, runner)
    out = tmp_path / "e.jsonl"
    before = _events(runner, db, out)
    assert [e["actor_code"] for e in before if e["doc_id"] == "kestrel"] == [None]
    assert not [e for e in before if e["doc_id"] == "waylay"]
    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "organisations.tsv").write_text("Kestrel Brigade\t\tMLI\tREB\n")
    (folder / "triggers.tsv").write_text(TRIGGERS)
    _invoke(runner, "--dict-dir", str(folder), "recode", "--db", db, "--all")
    after = _events(runner, db, out)
    assert [(e["actor_code"], e["actor_sector"]) for e in after if e["doc_id"] == "kestrel"] == [("MLI", "REB")]
    assert [(e["event_type"], e["recipient_code"]) for e in after if e["doc_id"] == "waylay"] == [("ASSAULT", "NER")]


def test_a_missing_dict_dir_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["--dict-dir", str(tmp_path / "absent"), "code", str(tmp_path)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "is not a folder" in result.output


def test_corrections_suggest_proposes_rows_the_analyst_accepts(tmp_path, settings, monkeypatch):
    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    runner = CliRunner()
    db = _store(tmp_path, runner)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(db, token=TOKEN, vocabulary=load_vocabulary(settings), settings=settings)) as c:
        (event,) = [e for e in c.get("/events").json()["events"] if e["doc_id"] == "kestrel"]
        body = {"actor_code": "MLI", "actor_sector": "REB", "event_type": "COERCE", "analyst": "ann"}
        assert c.post(f"/events/{event['event_id']}/corrections", json=body, headers=auth).status_code == 200
    suggested = tmp_path / "suggested"
    printed = _invoke(runner, "corrections", "suggest", "--db", db, "-o", str(suggested))
    assert "actor\tKestrel Brigade\tMLI\tREB\t1 event(s)" in printed
    assert "trigger\tattack\tV\tCOERCE\t\t1 event(s)" in printed
    rows = [line for line in (suggested / "organisations.tsv").read_text().splitlines() if not line.startswith("#")]
    assert rows == ["Kestrel Brigade\t\tMLI\tREB"]
    triggers = (suggested / "triggers.tsv").read_text().splitlines()
    assert "lemma\tpos\tpattern\tevent_type\tmode\tcontexts\tcameo\tweight" in triggers
    assert "attack\tV\t\tCOERCE\t\t\t\t0.8" in triggers
    accepted = tmp_path / "dicts"
    accepted.mkdir()
    shutil.copy(suggested / "organisations.tsv", accepted / "organisations.tsv")
    _invoke(runner, "--dict-dir", str(accepted), "recode", "--db", db, "--all")
    assert "Kestrel" not in _invoke(runner, "--dict-dir", str(accepted), "corrections", "suggest", "--db", db)
