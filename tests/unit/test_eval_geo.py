"""Unit tests for eventwire.evaluation.places: the place scoring rules and the annotation files."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from eventwire.evaluation import places as eval_geo
from eventwire.run.pipeline import Placed


def _g(start, end, kind="place", **kw):
    return {"doc_id": "d", "start": start, "end": end, "kind": kind, **kw}


def _p(start, end, country, lat=None, lon=None, gid=None, kind="place"):
    return {"doc_id": "d", "start": start, "end": end, "kind": kind, "country": country,
            "lat": lat, "lon": lon, "geonameid": gid}


def test_eval_geo_haversine_known_distance():
    # Tehran - Karaj is about 36 km
    assert 30 < eval_geo.haversine_km(35.694, 51.422, 35.833, 50.992) < 45


def test_eval_geo_score_places_counts_recall_precision_and_resolution():
    gold = [_g(0, 6, feature="city", country="IRN", geonameid=1, lat=35.7, lon=51.4),
            _g(10, 16, feature="country", country="IRQ", geonameid=2),
            _g(20, 30, kind="ignore"),
            _g(40, 45, feature="city", country="USA", lat=38.9, lon=-77.0)]
    preds = [_p(0, 6, "IRN", 35.8, 51.0, 1), _p(10, 16, "IRN", gid=3), _p(22, 25, "EGY"), _p(50, 55, "FRA"),
             _p(60, 65, "ISR", kind="adjective")]
    r = eval_geo.score_places(gold, preds)
    assert (r["gold"], r["found"], r["predicted"]) == (3, 2, 3)  # the ignored span and the adjective leave
    assert r["recall"] == round(2 / 3, 4) and r["precision"] == round(2 / 3, 4)
    assert r["country"] == 0.5 and r["exact"] == 0.5 and r["within_161km"] == 1.0


@pytest.mark.parametrize("name", ["places.jsonl", "places_heldout.jsonl", "dates.jsonl",
                                  "places_insightcrime.jsonl", "places_insightcrime_sealed.jsonl"])
def test_eval_geo_annotations_hold_no_text(name):
    rows = [json.loads(line) for line in (eval_geo.ANNOTATIONS / name).read_text().splitlines()]
    assert len(rows) >= (70 if "sealed" in name else 150 if name.startswith("places") else 100)
    allowed = {"doc_id", "start", "end", "sha1", "kind", "feature", "geonameid", "country", "lat", "lon",
               "sentence_start", "sentence_end", "trigger_start", "trigger_end", "trigger_sha1", "date", "published"}
    assert all(set(r) <= allowed for r in rows)


def test_eval_geo_annotations_heldout_is_disjoint_sorted_and_hashed():
    dev = {json.loads(line)["doc_id"] for line in (eval_geo.ANNOTATIONS / "places.jsonl").read_text().splitlines()}
    rows = [json.loads(line) for line in (eval_geo.ANNOTATIONS / eval_geo.PLACES_HELDOUT).read_text().splitlines()]
    assert {r["doc_id"] for r in rows}.isdisjoint(dev)
    assert rows == sorted(rows, key=lambda r: (r["doc_id"], r["start"]))
    assert all(len(r["sha1"]) == 10 and r["start"] < r["end"] for r in rows)
    assert all(r["kind"] != "place" or {"feature", "geonameid", "country"} <= set(r) for r in rows)


def test_eval_geo_score_places_lists_false_positives():
    gold = [_g(0, 6, feature="country", country="IRN"), _g(20, 30, kind="ignore")]
    preds = [_p(0, 6, "IRN"), _p(22, 25, "EGY"), _p(50, 55, "FRA")]
    r = eval_geo.score_places(gold, preds)
    assert r["false_positives"] == [{"doc_id": "d", "start": 50, "end": 55, "country": "FRA"}]


_TEXTS = {"dev-1": "Tehran and Paris.", "ho-1": "Lima, Peru and Oslo."}


def _fake_places(monkeypatch, tmp_path, heldout_rows):
    "Annotations, corpus and geoparser replaced by fakes; returns the shared dir."
    ann = tmp_path / "annotations"
    ann.mkdir()
    dev_rows = [{"doc_id": "dev-1", "start": 0, "end": 6, "kind": "place", "feature": "city", "geonameid": 1,
                 "country": "IRN", "lat": 35.7, "lon": 51.4},
                {"doc_id": "dev-1", "start": 11, "end": 16, "kind": "place", "feature": "city", "geonameid": 2,
                 "country": "FRA", "lat": 48.9, "lon": 2.35}]
    (ann / "places.jsonl").write_text("".join(json.dumps(r) + "\n" for r in dev_rows))
    if heldout_rows is not None:
        (ann / eval_geo.PLACES_HELDOUT).write_text("".join(json.dumps(r) + "\n" for r in heldout_rows))
    shared = tmp_path / "shared"
    corpus = shared / eval_geo.CORPUS_FILE
    corpus.parent.mkdir(parents=True)
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in _TEXTS.items()))
    found = {"dev-1": [(0, 6, "IRN", 1, 35.69, 51.42), (11, 16, "FRA", 2, 48.85, 2.35)],
             "ho-1": [(0, 4, "PER", 3, -12.04, -77.03), (6, 10, "PER", 4, None, None), (15, 19, "USA", 5, 0.0, 0.0)]}

    def fake_records(articles):
        for article in articles:
            yield Placed(article, [{"doc_id": article.id, "start": s, "end": e, "kind": "place", "country": c,
                             "geonameid": gid, "lat": lat, "lon": lon, "text": article.text[s:e]}
                            for s, e, c, gid, lat, lon in found[article.id]])

    monkeypatch.setattr(eval_geo, "ANNOTATIONS", ann)
    return shared, SimpleNamespace(places_stream=fake_records)


def test_eval_geo_eval_places_reports_heldout_block_beside_dev(monkeypatch, tmp_path):
    heldout = [{"doc_id": "ho-1", "start": 0, "end": 4, "kind": "place", "feature": "city", "geonameid": 3,
                "country": "PER", "lat": -12.05, "lon": -77.04},
               {"doc_id": "ho-1", "start": 6, "end": 10, "kind": "place", "feature": "country", "geonameid": 9,
                "country": "PER"},
               {"doc_id": "ho-1", "start": 15, "end": 19, "kind": "place", "feature": "city", "geonameid": 6,
                "country": "NOR", "lat": 59.91, "lon": 10.75}]
    r = eval_geo.eval_places(*_fake_places(monkeypatch, tmp_path, heldout))
    # the top level is the dev file only, as tests/golden/eval_baseline.json expects
    assert (r["status"], r["documents"], r["gold"], r["recall"], r["country"], r["exact"]) == ("ok", 1, 2, 1.0, 1.0, 1.0)
    h = r["heldout"]
    assert (h["status"], h["documents"], h["gold"], h["predicted"], h["found"]) == ("ok", 1, 3, 3, 3)
    assert h["recall"] == 1.0 and h["precision"] == 1.0
    assert h["country"] == round(2 / 3, 4) and h["exact"] == round(1 / 3, 4) and h["exact_n"] == 3
    assert h["within_161km"] == 0.5 and h["within_n"] == 2
    assert h["wrong_country"] == [{"text": "Oslo", "got": "USA", "want": "NOR"}]
    lines = eval_geo.format_places(r)
    assert lines[1].startswith("dev ") and lines[2].startswith("heldout ")
    assert "66.7%" in lines[2] and any("heldout wrong country: 'Oslo'" in line for line in lines)


def test_eval_geo_eval_places_skips_heldout_block_without_file(monkeypatch, tmp_path):
    r = eval_geo.eval_places(*_fake_places(monkeypatch, tmp_path, None))
    assert r["status"] == "ok" and r["recall"] == 1.0
    assert r["heldout"]["status"] == "skipped" and eval_geo.PLACES_HELDOUT in r["heldout"]["reason"]
    assert any(line.startswith("heldout") and "skipped" in line for line in eval_geo.format_places(r))


def test_eval_geo_insightcrime_read_and_sealed_parts_are_disjoint():
    read, sealed = ({json.loads(line)["doc_id"] for line in (eval_geo.ANNOTATIONS / name).read_text().splitlines()}
                    for name in (eval_geo.PLACES_INSIGHTCRIME, eval_geo.PLACES_SEALED))
    assert read.isdisjoint(sealed) and len(read) == 13 and len(sealed) == 7  # the 14th read article has no place


def test_eval_geo_sealed_block_reports_figures_without_errors(monkeypatch, tmp_path):
    shared, coder = _fake_places(monkeypatch, tmp_path, None)
    sealed = [{"doc_id": "ho-1", "start": 15, "end": 19, "kind": "place", "feature": "city", "geonameid": 6,
               "country": "NOR", "lat": 59.91, "lon": 10.75}]
    (eval_geo.ANNOTATIONS / eval_geo.PLACES_SEALED).write_text("".join(json.dumps(r) + "\n" for r in sealed))
    corpus = shared / eval_geo.INSIGHTCRIME_FILE
    corpus.parent.mkdir(parents=True)
    corpus.write_text(json.dumps({"id": "ho-1", "text": _TEXTS["ho-1"]}) + "\n")
    r = eval_geo.eval_places(shared, coder)
    s = r["sealed"]
    assert s["status"] == "ok" and s["recall"] == 1.0 and s["precision"] == round(1 / 3, 4) and s["country"] == 0.0
    assert not {"misses", "false_positives", "wrong_country"} & set(s)
    lines = eval_geo.format_places(r)
    assert any(line.startswith("ic-sealed ") for line in lines) and not any("Oslo" in line for line in lines)
