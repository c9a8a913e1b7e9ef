"""The `eventwire` command against ../shared/CONTRACT.md, in-process with click's runner."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from eventwire.cli import main

CONTRACT_FIELDS = ["event_id", "doc_id", "event_type", "mode", "contexts", "actor", "recipient", "date",
                   "date_precision", "location", "sentence", "sentence_start", "sentence_end", "trigger",
                   "negated", "hypothetical", "confidence", "quad_class", "cameo", "score", "coder_version"]
PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}

DOCS = [
    {"id": "a1", "title": "Troops shell border town", "published": "2024-03-08",
     "text": "Russian troops shelled the Ukrainian town of Vovchansk on Thursday, officials said.\n\n"
             "Ukraine's foreign minister condemned the attack and urged NATO to send more air defence systems."},
    {"id": "a2", "published": "2024-03-09", "text": "Police arrested dozens of protesters in Nairobi on Friday."},
    {"id": "empty", "text": "   "},
]


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def docs_file(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS) + "{not json\n", encoding="utf-8")
    return path


def _events(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_cli_code_writes_contract_records_and_reports_rejections(runner, docs_file, tmp_path):
    out = tmp_path / "events.jsonl"
    result = runner.invoke(main, ["code", str(docs_file), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    events = _events(out.read_text(encoding="utf-8"))
    assert events
    for event in events:
        assert list(event)[: len(CONTRACT_FIELDS)] == CONTRACT_FIELDS
        assert event["event_type"] in PLOVER_TYPES
        assert 0 <= event["confidence"] <= 1 and event["quad_class"] in (1, 2, 3, 4)
    assert {e["doc_id"] for e in events} <= {"a1", "a2"}
    assert "rejected empty" in result.stderr
    assert "invalid JSON" in result.stderr
    types = {(e["doc_id"], e["event_type"], e["actor"]["code"]) for e in events}
    assert ("a1", "ASSAULT", "RUS") in types
    assert ("a2", "COERCE", "KEN") in types


def test_cli_code_offsets_point_into_the_cleaned_text(runner, docs_file):
    cleaned = {d["id"]: d for d in map(json.loads, runner.invoke(main, ["clean", str(docs_file)]).stdout.splitlines())}
    events = _events(runner.invoke(main, ["code", str(docs_file), "--workers", "1"]).stdout)
    for event in events:
        section = cleaned[event["doc_id"]][event["section"]]
        assert section[event["sentence_start"]:event["sentence_end"]] == event["sentence"]


def test_cli_code_is_deterministic_and_workers_do_not_change_output(runner, docs_file, tmp_path):
    many = tmp_path / "many.jsonl"
    with open(many, "w", encoding="utf-8") as fh:
        for k in range(40):
            for d in DOCS[:2]:
                fh.write(json.dumps({**d, "id": f"{d['id']}-{k}"}) + "\n")
    first = runner.invoke(main, ["code", str(many), "--workers", "1"]).stdout
    second = runner.invoke(main, ["code", str(many), "--workers", "1"]).stdout
    assert first == second and first
    parallel = runner.invoke(main, ["code", str(many), "--workers", "2"])
    assert parallel.exit_code == 0, parallel.output
    assert parallel.stdout == first


def test_cli_code_reads_txt_gz_folders_and_stdin(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("Iran threatened to close the Strait of Hormuz.", encoding="utf-8")
    with gzip.open(folder / "two.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write("Germany sent humanitarian aid to Sudan.")
    events = _events(runner.invoke(main, ["code", str(folder), "--workers", "1"]).stdout)
    assert {e["doc_id"] for e in events} == {"one", "two"}
    piped = runner.invoke(main, ["code", "-", "--workers", "1"],
                          input=json.dumps({"id": "s", "text": "China condemned the sanctions imposed by the United States."}))
    assert piped.exit_code == 0
    assert {e["doc_id"] for e in _events(piped.stdout)} == {"s"}


def test_cli_unusable_arguments_exit_2(runner, tmp_path):
    assert runner.invoke(main, ["code", str(tmp_path / "missing.jsonl")]).exit_code == 2
    assert runner.invoke(main, ["code"]).exit_code == 2
    assert runner.invoke(main, ["code", "x", "--workers", "0"]).exit_code == 2


def test_cli_ingest_twice_adds_nothing_and_events_query(runner, docs_file, tmp_path):
    db = str(tmp_path / "t.duckdb")
    assert runner.invoke(main, ["ingest", str(docs_file), "--db", db, "--workers", "1"]).exit_code == 0
    first = runner.invoke(main, ["events", "--db", db, "--format", "jsonl"]).stdout
    assert runner.invoke(main, ["ingest", str(docs_file), "--db", db, "--workers", "1"]).exit_code == 0
    second = runner.invoke(main, ["events", "--db", db, "--format", "jsonl"]).stdout
    assert first == second and first
    summary = runner.invoke(main, ["summary", "--db", db])
    assert "documents: 2" in summary.stdout and "rejected: 2" in summary.stdout
    only = _events(runner.invoke(main, ["events", "--db", db, "--actor", "RUS", "--format", "jsonl"]).stdout)
    assert only and all(e["actor_code"] == "RUS" for e in only)
    csv_out = runner.invoke(main, ["events", "--db", db, "--format", "csv"]).stdout
    assert csv_out.splitlines()[0].startswith("event_id") or "event_type" in csv_out.splitlines()[0]


def test_cli_ingest_links_syndicated_copies_and_counts_one_story(runner, tmp_path):
    story = ("Russian troops shelled the Ukrainian town of Vovchansk on Thursday, regional officials said, "
             "damaging a school and several homes. Ukraine's foreign minister condemned the attack and "
             "urged NATO allies to send more air defence systems to protect the border region.")
    docs = [{"id": "wire-a", "source": "Outlet A", "published": "2024-03-08", "text": story},
            {"id": "wire-b", "source": "Outlet B", "published": "2024-03-08", "text": story + " (Reporting by staff.)"},
            {"id": "other", "source": "Outlet C", "published": "2024-03-08",
             "text": "Police arrested dozens of protesters in Nairobi on Friday."}]
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    assert runner.invoke(main, ["ingest", str(path), "--db", db, "--workers", "1"]).exit_code == 0
    from eventwire.store.core import Store

    with Store.open(db) as store:
        assert store.duplicate_of() == {"wire-b": "wire-a"}
        assault = [e for e in store.events(limit=None) if e["event_type"] == "ASSAULT"]
    assert assault and assault[0]["num_documents"] == 2 and assault[0]["num_stories"] == 1
