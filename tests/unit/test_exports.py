"""Exports of a hand-made store: every format holds every event, with the right fields."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pyarrow.dataset as ds
import pytest

from eventwire.errors import InputError
from eventwire.store.exports import GDELT_COLUMNS, export_events
from eventwire.records import Actor, Article, Event, Place
from eventwire.store import Store

ISR = Actor("Israel", "Israel", "ISR", "GOV")
HAMAS = Actor("Hamas", "Hamas", "PSE", "REB")
UN = Actor("the UN", "United Nations", "UNO", "IGO")
GAZA = Place("Gaza City", "Gaza", "PSE", admin1="Gaza Strip", lat=31.50, lon=34.47, geonameid=281133)


def _event(doc_id, *, event_id, actor, recipient, event_type, cameo, quad, score, date, place=None, start=0,
           section="text", sentence="Israel struck Hamas."):
    return Event(event_id=event_id, doc_id=doc_id, event_type=event_type, mode=None, contexts=("military",),
                 actor=actor, recipient=recipient, date=date, date_precision="day", location=place,
                 sentence=sentence, sentence_start=start, sentence_end=start + len(sentence), section=section,
                 trigger="struck", negated=False, hypothetical=False, confidence=0.8, quad_class=quad,
                 cameo=cameo, score=score, coder_version="eventwire test+0")


@pytest.fixture()
def store():
    docs = [Article(id="a", text="Israel struck Hamas in Gaza.\n\nLater the UN urged calm.", title="Strikes",
                    published=dt.date(2024, 8, 2), url="https://example.org/a", source="wire"),
            Article(id="b", text="Israel struck Hamas in Gaza.", published=dt.date(2024, 9, 3), source="paper")]
    events = [
        _event("a", event_id="e1" + "0" * 18, actor=ISR, recipient=HAMAS, event_type="ASSAULT", cameo="18",
               quad=4, score=-9.0, date=dt.date(2024, 8, 1), place=GAZA),
        _event("a", event_id="f2" + "0" * 18, actor=UN, recipient=None, event_type="REQUEST", cameo="0243",
               quad=1, score=3.0, date=dt.date(2024, 8, 2), start=30, sentence="Later the UN urged calm."),
        _event("b", event_id="a3" + "0" * 18, actor=ISR, recipient=HAMAS, event_type="ASSAULT", cameo="190",
               quad=4, score=-10.0, date=dt.date(2024, 9, 2)),
    ]
    with Store.open(":memory:") as s:
        s.write_batch(docs, [], events, coder_version="eventwire test+0")
        yield s


def test_exports_jsonl_and_csv(store, tmp_path):
    assert export_events(store, tmp_path / "e.jsonl", fmt="jsonl") == 3
    rows = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert [r["date"] for r in rows] == ["2024-08-01", "2024-08-02", "2024-09-02"]
    assert rows[0]["contexts"] == ["military"] and rows[0]["coder_version"] == "eventwire test+0"
    assert export_events(store, tmp_path / "e.csv", fmt="csv") == 3
    with open(tmp_path / "e.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["event_id"] for r in table] == [r["event_id"] for r in rows]
    assert table[0]["contexts"] == "military" and table[1]["recipient_code"] == ""


def test_exports_parquet_partitioned_by_year_month(store, tmp_path):
    out = tmp_path / "events"
    assert export_events(store, out, fmt="parquet") == 3
    assert sorted(p.relative_to(out).parent.as_posix() for p in out.rglob("*.parquet")) == \
        ["year=2024/month=8", "year=2024/month=9"]
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == 3
    assert sorted(table.column("month").to_pylist()) == [8, 8, 9]
    assert set(table.column("event_type").to_pylist()) == {"ASSAULT", "REQUEST"}


def test_exports_gdelt_columns_and_meanings(store, tmp_path):
    assert export_events(store, tmp_path / "e.tsv", fmt="gdelt") == 3
    lines = (tmp_path / "e.tsv").read_text().splitlines()
    assert len(GDELT_COLUMNS) == 61 and all(len(line.split("\t")) == 61 for line in lines)
    rows = [dict(zip(GDELT_COLUMNS, line.split("\t"))) for line in lines]
    first, un, second = rows
    assert first["GLOBALEVENTID"] == str(int("e1" + "0" * 13, 16))
    assert (first["SQLDATE"], first["MonthYear"], first["Year"]) == ("20240801", "202408", "2024")
    assert first["FractionDate"] == "2024.5820"  # 213 days of 366 done, as GDELT counts
    assert (first["Actor1Code"], first["Actor1Name"], first["Actor1CountryCode"], first["Actor1Type1Code"]) == \
        ("ISRGOV", "ISRAEL", "ISR", "GOV")
    assert (first["Actor2Code"], first["Actor2CountryCode"]) == ("PSEREB", "PSE")
    assert (first["EventCode"], first["EventBaseCode"], first["EventRootCode"]) == ("180", "180", "18")
    assert (un["EventCode"], un["EventBaseCode"], un["EventRootCode"]) == ("0243", "024", "02")
    assert un["Actor1KnownGroupCode"] == "UNO" and un["Actor1CountryCode"] == "" and un["Actor2Code"] == ""
    assert (first["QuadClass"], first["GoldsteinScale"], first["NumMentions"], first["NumArticles"]) == \
        ("4", "-9", "1", "1")
    assert (first["IsRootEvent"], un["IsRootEvent"]) == ("1", "0")  # first paragraph / second paragraph
    assert first["AvgTone"] == ""
    assert (first["ActionGeo_Type"], first["ActionGeo_FullName"], first["ActionGeo_CountryCode"]) == \
        ("4", "Gaza, Gaza Strip, PSE", "PSE")
    assert (first["ActionGeo_Lat"], first["ActionGeo_Long"], first["ActionGeo_FeatureID"]) == \
        ("31.5", "34.47", "281133")
    assert second["ActionGeo_Type"] == "" and len(first["DATEADDED"]) == 14
    assert (first["SOURCEURL"], second["SOURCEURL"]) == ("https://example.org/a", "paper")
    export_events(store, tmp_path / "h.tsv", fmt="gdelt", header=True)
    assert (tmp_path / "h.tsv").read_text().splitlines()[0].split("\t") == GDELT_COLUMNS


def test_exports_plover_records(store, tmp_path):
    assert export_events(store, tmp_path / "e.json", fmt="plover") == 3
    first, un, _ = [json.loads(line) for line in (tmp_path / "e.json").read_text().splitlines()]
    assert first["id"] == "e1" + "0" * 18 and first["date"] == "2024-08-01"
    assert first["event"] == ["ASSAULT"] and first["context"] == ["military"] and first["mode"] == []
    assert first["actor"] == [{"code": "ISR", "sector": "GOV", "entity_text": "Israel"}]
    assert first["event_loc"]["resolved_place"] == "Gaza" and first["event_loc"]["geonameid"] == 281133
    assert first["event_loc"]["extracted_place"] == "Gaza City"
    assert (first["quad_code"], first["event_scale"]) == (4, -9.0)
    assert first["cite_info"]["url"] == "https://example.org/a" and first["coder"] == "eventwire test+0"
    assert un["recipient"] == [] and un["event_loc"] is None
    assert un["text_info"] == {"section": "text", "start": 30, "end": 54}


def test_exports_unknown_format(store, tmp_path):
    with pytest.raises(InputError):
        export_events(store, tmp_path / "x", fmt="xml")


def test_exports_cli(tmp_path, store):
    from click.testing import CliRunner

    from eventwire.cli import main

    db = tmp_path / "s.duckdb"
    with Store.open(str(db)) as s:
        s.write_batch([Article(id="a", text="Israel struck Hamas.", published=dt.date(2024, 8, 2))], [],
                      [_event("a", event_id="e1" + "0" * 18, actor=ISR, recipient=HAMAS, event_type="ASSAULT",
                              cameo="190", quad=4, score=-10.0, date=dt.date(2024, 8, 1))])
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "gdelt", "-o", str(tmp_path / "o.tsv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o.tsv").read_text().count("\n") == 1
    missing = CliRunner().invoke(main, ["export", "--db", str(tmp_path / "none.duckdb"), "--format", "csv", "-o", "x"])
    assert missing.exit_code == 2
