"""The REST API on a temporary store, through FastAPI's TestClient."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from fastapi.testclient import TestClient

from eventwire.errors import InputError
from eventwire.records import Actor, Article, Event, Place, Rejected
from eventwire.serve.api import STATIC_DIR, create_app
from eventwire.store import Store

VERSION = "eventwire test+0"
ISR = Actor("Israel", "Israel", "ISR", "GOV")
HAMAS = Actor("Hamas", "Hamas", "PSE", "REB")
USA = Actor("the United States", "United States", "USA", "GOV")
CHN = Actor("China", "China", "CHN", "GOV")
GAZA = Place("Gaza", "Gaza", "PSE", lat=31.50, lon=34.47)

TOKEN = "test-token"
TEXT1 = "Israel struck a Hamas commander in Gaza on Thursday. Officials said more strikes would follow."
TEXT2 = "China met the United States in Beijing."


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    "A store with two documents, two events and one rejection, built once per module."
    path = str(tmp_path_factory.mktemp("store") / "api.duckdb")
    with Store.open(path) as store:
        store.write_batch(
            [make_article("d1", TEXT1), make_article("dir/d2", TEXT2, published=dt.date(2024, 8, 6))],
            [Rejected("d3", "not English")],
            [make_event("d1", TEXT1, end=52), make_event("dir/d2", TEXT2, actor=CHN, recipient=USA,
                                                            event_type="CONSULT", quad_class=1, score=1.0,
                                                            date=dt.date(2024, 8, 6), location=None)],
            coder_version=VERSION)
    return path


@pytest.fixture()
def db_path(seeded_db, tmp_path):
    "A fresh copy of the seeded store for each test."
    path = tmp_path / "api.duckdb"
    shutil.copyfile(seeded_db, path)
    return str(path)


@pytest.fixture()
def client(db_path, monkeypatch):
    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    with TestClient(create_app(db_path, token=TOKEN, coding=FAKE_CODING)) as c:
        yield c


def make_article(doc_id: str, text: str, *, published=dt.date(2024, 8, 1)) -> Article:
    return Article(id=doc_id, text=text, title=f"Title of {doc_id}", published=published, url=f"/{doc_id}",
                   source="wire")


def make_event(doc_id: str, text: str, *, actor=ISR, recipient=HAMAS, event_type="ASSAULT", quad_class=4,
               score=-9.0, date=dt.date(2024, 8, 1), location=GAZA, end=None) -> Event:
    end = len(text) if end is None else end
    return Event(
        event_id=f"{doc_id}:{event_type}:{actor.code}", doc_id=doc_id, event_type=event_type, mode=None,
        contexts=(), actor=actor, recipient=recipient, date=date, date_precision="day", location=location,
        sentence=text[:end], sentence_start=0, sentence_end=end, section="text", trigger="struck",
        negated=False, hypothetical=False, confidence=0.8, quad_class=quad_class, cameo="18", score=score,
        coder_version=VERSION)


class _FakeCoding:
    """The API's coder seam: POST /documents codes with ``fake_coder``."""

    def code_records(self, records: list[dict]):
        return fake_coder(records)

    def places(self, article) -> list[dict]:
        return []


FAKE_CODING = _FakeCoding()


def fake_coder(docs: list[dict]):
    "Code every document as one ASSAULT by Israel on Hamas; reject empty ones."
    articles, rejected, events = [], [], []
    for d in docs:
        if d["id"] == "bad":
            raise InputError("unreadable document")
        if not d.get("text", "").strip():
            rejected.append(Rejected(d["id"], "empty"))
            continue
        articles.append(Article(id=d["id"], text=d["text"], title=d.get("title")))
        events.append(make_event(d["id"], d["text"], actor=ISR, recipient=HAMAS, date=None))
    return articles, rejected, events


def test_api_health(client):
    assert client.get("/health").json()["status"] == "ok"


@pytest.mark.parametrize("params, expected", [
    ({}, {"ASSAULT", "CONSULT"}),
    ({"actor": "ISR"}, {"ASSAULT"}),
    ({"recipient": "united states"}, {"CONSULT"}),
    ({"either": "CHN"}, {"CONSULT"}),
    ({"type": "consult"}, {"CONSULT"}),
    ({"quad_class": 4}, {"ASSAULT"}),
    ({"country": "PSE"}, {"ASSAULT"}),
    ({"since": "2024-08-02"}, {"CONSULT"}),
    ({"until": "2024-08-02"}, {"ASSAULT"}),
    ({"q": "beijing"}, {"CONSULT"}),
])
def test_api_events_filters(client, params, expected):
    body = client.get("/events", params=params).json()
    assert {e["event_type"] for e in body["events"]} == expected
    assert body["count"] == len(expected)


def test_api_events_pages(client):
    first = client.get("/events", params={"limit": 1}).json()
    assert first["count"] == 1 and first["next_cursor"]
    second = client.get("/events", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert second["events"][0]["event_id"] != first["events"][0]["event_id"]
    assert client.get("/events", params={"cursor": "garbage!"}).status_code == 400


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"limit": "ten"}, {"quad_class": 5},
                                    {"since": "last week"}])
def test_api_events_rejects_bad_params(client, params):
    assert client.get("/events", params=params).status_code == 422


def test_api_event_detail_and_document(client):
    (event,) = client.get("/events", params={"type": "ASSAULT"}).json()["events"]
    detail = client.get(f"/events/{event['event_id']}").json()
    (mention,) = detail["mentions"]
    assert mention["doc_title"] == "Title of d1" and mention["doc_url"] == "/d1"
    doc = client.get(f"/documents/{mention['doc_id']}").json()
    assert doc["text"][mention["sentence_start"]:mention["sentence_end"]] == mention["sentence"]
    assert client.get("/documents/dir/d2").json()["title"] == "Title of dir/d2"


@pytest.mark.parametrize("path", ["/events/nope", "/documents/nope"])
def test_api_unknown_ids(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "nope" in response.json()["detail"]


@pytest.mark.parametrize("path", [
    "/dyads/ISR/PSE/series?freq=fortnight", "/events?sort=random", "/map?quad_class=0", "/map?since=yesterday",
    "/trends?weeks=0", "/trends?baseline_weeks=-1", "/network?limit=0", "/actors?limit=100000",
    "/summary?top=0", "/events?include_hypothetical=maybe",
])
def test_api_rejects_bad_params_everywhere(client, path):
    assert client.get(path).status_code == 422


@pytest.mark.parametrize("sort", ["oldest", "most_reported", "most_negative"])
def test_api_events_sorts_page_through_everything(client, sort):
    seen, cursor = [], None
    for _ in range(5):
        body = client.get("/events", params={"sort": sort, "limit": 1, **({"cursor": cursor} if cursor else {})}).json()
        seen += [e["event_id"] for e in body["events"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    everything = [e["event_id"] for e in client.get("/events").json()["events"]]
    assert sorted(seen) == sorted(everything) and len(seen) == len(set(seen))
    if sort == "oldest":
        assert seen == everything[::-1]
    if sort == "most_negative":
        assert seen[0] == client.get("/events", params={"type": "ASSAULT"}).json()["events"][0]["event_id"]


def test_api_events_cursor_belongs_to_its_sort(client):
    cursor = client.get("/events", params={"limit": 1}).json()["next_cursor"]
    assert client.get("/events", params={"sort": "oldest", "cursor": cursor}).status_code == 400
    other = client.get("/events", params={"sort": "oldest", "limit": 1}).json()["next_cursor"]
    assert client.get("/events", params={"sort": "most_reported", "cursor": other}).status_code == 400


def test_api_map_is_geojson_with_country_counts(client):
    body = client.get("/map").json()
    assert body["type"] == "FeatureCollection" and not body["truncated"]
    (feature,) = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [34.47, 31.50]}
    assert feature["properties"]["event_type"] == "ASSAULT" and feature["properties"]["quad_class"] == 4
    (country,) = body["countries"]
    assert (country["country"], country["numeric"], country["events"], country["quad4"]) == ("PSE", "275", 1, 1)
    assert client.get("/map", params={"quad_class": 1}).json()["features"] == []


def test_api_trends_rank_departures_from_baseline(tmp_path):
    path = str(tmp_path / "trends.duckdb")
    latest = dt.date(2024, 6, 30)
    rus, ukr, syr = (Actor(n, n, c, "MIL") for n, c in (("Russia", "RUS"), ("Ukraine", "UKR"), ("Syria", "SYR")))
    kyiv, damascus = Place("Kyiv", "Kyiv", "UKR", lat=50.45, lon=30.52), Place("Damascus", "Damascus", "SYR")
    events = []
    for day in range(28, 112, 3):  # steady baseline for UKR: one event every 3 days, nothing recent
        events.append(make_event(f"u{day}", TEXT1, actor=rus, recipient=ukr, location=kyiv,
                                 date=latest - dt.timedelta(days=day)))
    for day in range(0, 28, 4):  # SYR: nothing before, 7 events in the last 4 weeks
        events.append(make_event(f"s{day}", TEXT1, actor=syr, recipient=syr, location=damascus,
                                 date=latest - dt.timedelta(days=day)))
    arts = [make_article(e.doc_id, TEXT1) for e in events]
    with Store.open(path) as store:
        store.write_batch(arts, [], events, coder_version=VERSION)
    with TestClient(create_app(path, token=None)) as c:
        body = c.get("/trends").json()
        assert body["as_of"] == "2024-06-30" and body["recent_since"] == "2024-06-03"
        top = {row["key"]: row for row in body["countries"]}
        assert top["SYR"]["direction"] == "up" and top["SYR"]["recent"] == 7 and top["SYR"]["baseline"] == 0
        assert top["UKR"]["direction"] == "down" and top["UKR"]["recent"] == 0 and top["UKR"]["baseline"] == 28
        assert top["UKR"]["ratio"] == 0.0 and top["SYR"]["ratio"] is None
        assert [row["key"] for row in body["countries"]][0] in {"SYR", "UKR"}
        assert {row["key"] for row in body["dyads"]} == {"SYR > SYR", "RUS > UKR"}
        assert c.get("/trends", params={"limit": 1}).json()["countries"][0]["key"] == body["countries"][0]["key"]
        shorter = c.get("/trends", params={"weeks": 1, "baseline_weeks": 1}).json()
        assert {row["key"] for row in shorter["countries"]} == {"SYR"}


def test_api_trends_on_an_empty_store(tmp_path):
    with TestClient(create_app(str(tmp_path / "empty.duckdb"), token=None)) as c:
        body = c.get("/trends").json()
    assert body["as_of"] is None and body["countries"] == [] and body["dyads"] == []


def test_api_openapi_lists_every_route_and_no_cdn_docs(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) >= {"/health", "/events", "/events/{event_id}", "/documents/{doc_id}",
                                  "/dyads/{a}/{b}/series", "/actors", "/network", "/map", "/stats", "/trends",
                                  "/summary", "/documents"}
    assert "post" in spec["paths"]["/documents"]
    sort = next(p for p in spec["paths"]["/events"]["get"]["parameters"] if p["name"] == "sort")
    assert set(sort["schema"]["enum"]) == {"newest", "oldest", "most_reported", "most_negative"}
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404


def test_api_summary_stats_series(client):
    summary = client.get("/summary").json()
    assert (summary["documents"], summary["rejected"], summary["events"]) == (2, 1, 2)
    assert summary["by_type"] == {"ASSAULT": 1, "CONSULT": 1}
    assert {"actor": "ISR", "recipient": "PSEREB", "events": 1} in summary["top_dyads"]
    assert client.get("/stats").json()["tables"]["mentions"] == 2
    series = client.get("/dyads/ISR/PSE/series", params={"freq": "month"}).json()
    assert series["points"][0]["period"] == "2024-08-01" and series["points"][0]["quad4"] == 1
    assert client.get("/actors", params={"q": "chin"}).json()[0]["code"] == "CHN"
    assert len(client.get("/network").json()["edges"]) == 2


def test_api_post_needs_token(client):
    doc = {"id": "p1", "text": "Israel struck Hamas."}
    assert client.post("/documents", json=doc).status_code == 401
    assert client.post("/documents", json=doc, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_api_post_disabled_without_token(db_path, monkeypatch):
    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    with TestClient(create_app(db_path, coding=FAKE_CODING)) as c:
        response = c.post("/documents", json={"id": "p1", "text": "x"}, headers={"Authorization": "Bearer x"})
    assert response.status_code == 403 and "disabled" in response.json()["detail"]


def test_api_token_from_environment(db_path, monkeypatch):
    monkeypatch.setenv("EVENTWIRE_API_TOKEN", "from-env")
    with TestClient(create_app(db_path, coding=FAKE_CODING)) as c:
        ok = c.post("/documents", json={"id": "p1", "text": "Israel struck Hamas."},
                    headers={"Authorization": "Bearer from-env"})
    assert ok.status_code == 200


def test_api_post_codes_and_stores(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    docs = [{"id": "p1", "text": "Israel struck Hamas.", "title": "Strike"}, {"id": "p2", "text": "  "}]
    body = client.post("/documents", json=docs, headers=auth).json()
    assert body["documents"] == 1 and body["rejected"] == [{"doc_id": "p2", "reason": "empty"}]
    (event_id,) = body["event_ids"]
    assert client.get(f"/events/{event_id}").status_code == 200
    assert client.get("/documents/p1").json()["title"] == "Strike"
    again = client.post("/documents", json=docs[0], headers=auth).json()
    assert again["event_ids"] == [event_id]
    assert client.get("/summary").json()["documents"] == 3
    assert client.post("/documents", json={"id": "p3"}, headers=auth).status_code == 422
    assert client.post("/documents", json={"id": "bad", "text": "x"}, headers=auth).status_code == 400


def test_api_serves_dashboard_without_external_urls(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" in page.text
    for name in ("app.js", "style.css", "vendor/echarts.min.js", "vendor/countries-110m.json",
                 "vendor/topojson-client.min.js"):
        assert client.get(f"/static/{name}").status_code == 200
    for path in STATIC_DIR.glob("*.*"):  # our own files; vendor/ holds the libraries' licence URLs
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f"{path.name} refers to an external URL"
        assert not re.search(r"""(src|href)\s*=\s*["']//""", text), f"{path.name} has a protocol-relative URL"
    for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page.text):
        if not src.startswith("data:"):
            assert client.get("/" + src).status_code == 200, src


def test_api_vendored_assets_are_small_and_licensed():
    vendor = STATIC_DIR / "vendor"
    files = [p for p in vendor.iterdir() if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 3_000_000
    for lib in ("echarts", "topojson-client", "world-atlas"):
        assert (vendor / f"{lib}.LICENSE").stat().st_size > 100


def test_api_places_of_a_stored_document(tmp_path, coder):
    from fastapi.testclient import TestClient

    from eventwire.records import Article
    from eventwire.run.pipeline import SharedCoder
    from eventwire.serve.api import create_app
    from eventwire.store import Store

    db = str(tmp_path / "p.duckdb")
    with Store.open(db) as store:
        store.write_batch([Article(id="p1", text="Protesters marched in Nairobi and Mombasa on Friday.")], [], [])
    client = TestClient(create_app(db, coding=SharedCoder(coder.settings, coder=coder)))
    places = client.get("/places", params={"doc_id": "p1"}).json()
    assert {p["country"] for p in places} == {"KEN"}
    assert {p["text"] for p in places} >= {"Nairobi", "Mombasa"}
    assert client.get("/places", params={"doc_id": "nope"}).status_code == 404


def test_api_sorts_are_the_stores():
    from typing import get_args

    from eventwire.serve.models import EventSort
    from eventwire.store import SORTS

    assert get_args(EventSort) == SORTS


def test_api_write_to_a_read_only_store_is_a_store_error(db_path, monkeypatch):
    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    with TestClient(create_app(db_path, token=TOKEN, coding=FAKE_CODING, read_only=True)) as c:
        response = c.post("/documents", json={"id": "p1", "text": "Israel struck Hamas."},
                          headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 500 and response.json()["error"] == "StoreError"
        assert c.get("/summary").json()["documents"] == 2


def test_api_pages_and_stats_kept_between_writes_show_each_write(db_path, monkeypatch):
    "/events and /stats are read once per committed write: a POST or a correction shows at once."
    from eventwire.config import Settings
    from eventwire.run.vocabulary import load_vocabulary

    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    app = create_app(db_path, token=TOKEN, coding=FAKE_CODING, vocabulary=load_vocabulary(Settings.load()))
    with TestClient(app) as client:
        _pages_follow_writes(client)


def _pages_follow_writes(client) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    page = client.get("/events", params={"limit": 50})
    assert page.headers["content-type"] == "application/json"
    assert client.get("/events", params={"limit": 50}).content == page.content
    documents = client.get("/stats").json()["tables"]["documents"]
    client.post("/documents", json={"id": "p9", "text": "Israel struck Hamas again."}, headers=auth)
    assert client.get("/stats").json()["tables"]["documents"] == documents + 1
    after = client.get("/events", params={"limit": 50}).json()
    assert after["count"] == page.json()["count"] + 1
    first = next(e["event_id"] for e in after["events"] if "/" not in e["event_id"])
    assert client.post(f"/events/{first}/corrections", json={"status": "rejected"}, headers=auth).status_code == 200
    assert first not in [e["event_id"] for e in client.get("/events", params={"limit": 50}).json()["events"]]


def test_api_events_page_is_fastapis_own_json(client):
    "The kept page's bytes are what FastAPI writes for the EventPage model (same fields, same encoding)."
    from eventwire.serve.models import EventPage

    body = client.get("/events", params={"limit": 1}).content
    model = EventPage.model_validate_json(body)
    assert model.model_dump_json(by_alias=True).encode() == body and model.next_cursor
