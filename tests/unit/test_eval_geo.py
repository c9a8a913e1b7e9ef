"""Unit tests for eventwire.eval_geo: the place scoring rules and the annotation files."""

from __future__ import annotations

import json

import pytest

from eventwire import eval_geo


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


@pytest.mark.parametrize("name", ["places.jsonl", "dates.jsonl"])
def test_eval_geo_annotations_hold_no_text(name):
    rows = [json.loads(line) for line in (eval_geo.ANNOTATIONS / name).read_text().splitlines()]
    assert len(rows) >= (150 if name == "places.jsonl" else 100)
    allowed = {"doc_id", "start", "end", "sha1", "kind", "feature", "geonameid", "country", "lat", "lon",
               "sentence_start", "sentence_end", "trigger_start", "trigger_end", "trigger_sha1", "date", "published"}
    assert all(set(r) <= allowed for r in rows)
