"""POST /events/{id}/corrections: the token, the checks against the ontology and code lists, the trail."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from eventwire.run.vocabulary import load_vocabulary
from eventwire.serve.api import create_app
from eventwire.store import Store

from test_corrections import seed

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def vocabulary(settings):
    return load_vocabulary(settings)


@pytest.fixture()
def client(tmp_path, vocabulary, monkeypatch):
    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    path = str(tmp_path / "c.duckdb")
    with Store.open(path) as store:
        seed(store)
    with TestClient(create_app(path, token=TOKEN, vocabulary=vocabulary)) as c:
        yield c


def ids(client, **params) -> dict:
    return {e["doc_id"]: e["event_id"] for e in client.get("/events", params=params).json()["events"]}


def test_correction_needs_the_token(client):
    eid = ids(client)["d2"]
    assert client.post(f"/events/{eid}/corrections", json={"event_type": "ACCUSE"}).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post(f"/events/{eid}/corrections", json={"event_type": "ACCUSE"}, headers=wrong).status_code == 401
    assert "corrected" not in client.get(f"/events/{eid}").json()


def test_correction_is_disabled_without_a_token(tmp_path, vocabulary, monkeypatch):
    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    with TestClient(create_app(str(tmp_path / "x.duckdb"), vocabulary=vocabulary)) as c:
        assert c.post("/events/x/corrections", json={"status": "rejected"}, headers=AUTH).status_code == 403


def test_correction_changes_the_type_and_keeps_the_trail(client):
    eid = ids(client)["d2"]
    r = client.post(f"/events/{eid}/corrections", headers=AUTH,
                    json={"event_type": "accuse", "analyst": "ann", "note": "a complaint"})
    assert r.status_code == 200, r.text
    body = client.get(f"/events/{eid}").json()
    assert body["event_type"] == "ACCUSE" and body["corrected"] is True and body["quad_class"] == 3
    assert body["coded"]["event_type"] == "CONSULT"
    trail = {(c["field"], c["before"], c["after"]) for c in body["corrections"]}
    assert ("event_type", "CONSULT", "ACCUSE") in trail and all(c["analyst"] == "ann" for c in body["corrections"])
    listed = {e["event_id"]: e for e in client.get("/events").json()["events"]}
    assert listed[eid]["event_type"] == "ACCUSE" and listed[eid]["corrected"] is True


def test_rejected_event_leaves_the_listing(client):
    eid = ids(client)["d2"]
    assert client.post(f"/events/{eid}/corrections", headers=AUTH, json={"status": "rejected"}).status_code == 200
    assert eid not in ids(client).values()
    assert eid in ids(client, include_rejected="true").values()
    assert client.get(f"/events/{eid}").json()["review_status"] == "rejected"


@pytest.mark.parametrize("body, allowed", [
    ({"event_type": "SHOUT"}, "ASSAULT"),
    ({"mode": "drone"}, "mode 'drone' is not a mode of CONSULT"),
    ({"actor_code": "XXQ"}, "ISO 3166"),
    ({"recipient_sector": "ZZZ"}, "GOV"),
    ({"location": {"lat": 123.0}}, "-90..90"),
    ({"location": {"country": "Atlantis"}}, "actor code"),
])
def test_bad_value_is_422_saying_what_is_allowed(client, body, allowed):
    eid = ids(client)["d2"]
    r = client.post(f"/events/{eid}/corrections", headers=AUTH, json=body)
    assert r.status_code == 422 and allowed in r.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"status": "maybe"}, {"date": "yesterday"}, {"colour": "red"}])
def test_malformed_body_is_422(client, body):
    eid = ids(client)["d2"]
    assert client.post(f"/events/{eid}/corrections", headers=AUTH, json=body).status_code == 422


def test_unknown_event_is_404(client):
    assert client.post("/events/nope/corrections", headers=AUTH, json={"status": "confirmed"}).status_code == 404


def test_place_and_date_corrections(client):
    eid = ids(client)["d1"]
    r = client.post(f"/events/{eid}/corrections", headers=AUTH, json={
        "location": {"name": "Rafah", "country": "pse", "lat": 31.28, "lon": 34.25}, "date": "2024-07-31",
        "date_precision": "day", "negated": False})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["location_name"], body["country"], body["lat"], body["date"]) == ("Rafah", "PSE", 31.28, "2024-07-31")


def test_correction_new_type_of_an_event_without_mode_adds_no_mode_row(client):
    "A new type clears a mode the type lacks; an event with no mode gets no 'mode: None -> None' row."
    eid = ids(client)["d2"]
    assert client.get(f"/events/{eid}").json()["mode"] is None
    r = client.post(f"/events/{eid}/corrections", headers=AUTH, json={"event_type": "PROTEST"})
    assert r.status_code == 200, r.text
    assert "mode" not in {c["field"] for c in r.json()["corrections"]}


def test_correction_revert_of_the_mode_keeps_type_mode_and_score_together(client):
    "Reverting the mode under a corrected type: the type's own quad class, CAMEO and score, not the coder's type's."
    eid = ids(client)["d2"]  # coded CONSULT, no mode
    assert client.post(f"/events/{eid}/corrections", headers=AUTH,
                       json={"event_type": "PROTEST", "mode": "demo"}).status_code == 200
    r = client.post(f"/events/{eid}/corrections", headers=AUTH, json={"revert": ["mode"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["event_type"], body["mode"], body["quad_class"], body["cameo"], body["score"]) == \
        ("PROTEST", None, 4, "14", -6.5)


@pytest.fixture()
def moded_client(tmp_path, vocabulary, monkeypatch):
    "A store whose d2 event the coder made ACCUSE, mode disapprove."
    import dataclasses

    from test_corrections import CHN, TEXT2, USA, article, event

    monkeypatch.delenv("EVENTWIRE_API_TOKEN", raising=False)
    path = str(tmp_path / "m.duckdb")
    with Store.open(path) as store:
        store.write_batch([article("d2", TEXT2)], [], [dataclasses.replace(
            event("d2", TEXT2, actor=CHN, recipient=USA, event_type="ACCUSE", location=None),
            mode="disapprove", quad_class=3, cameo="111", score=-2.0)])
    with TestClient(create_app(path, token=TOKEN, vocabulary=vocabulary)) as c:
        yield c


def test_correction_revert_to_a_mode_the_corrected_type_lacks_is_422(moded_client):
    "The coder's mode under the analyst's type would be an event PLOVER cannot have: refused, saying why."
    eid = ids(moded_client)["d2"]
    r = moded_client.post(f"/events/{eid}/corrections", headers=AUTH, json={"event_type": "PROTEST"})
    assert r.status_code == 200 and r.json()["mode"] is None
    r = moded_client.post(f"/events/{eid}/corrections", headers=AUTH, json={"revert": ["mode"]})
    assert r.status_code == 422 and "not a mode of PROTEST" in r.json()["detail"]
    assert moded_client.get(f"/events/{eid}").json()["mode"] is None
    both = moded_client.post(f"/events/{eid}/corrections", headers=AUTH, json={"revert": ["event_type", "mode"]})
    assert both.status_code == 200 and (both.json()["event_type"], both.json()["mode"]) == ("ACCUSE", "disapprove")
    assert both.json()["quad_class"] == 3 and not both.json().get("corrected")  # nothing in effect any more


def test_correction_status_of_an_event_needs_no_type_check(moded_client, vocabulary):
    "A status or a note never fails on the event's type and mode (only a change of them is checked)."
    eid = ids(moded_client)["d2"]
    current = moded_client.get(f"/events/{eid}").json() | {"event_type": "PROTEST"}  # as a store could hold it
    assert vocabulary.check({"status": "rejected"}, current) == {"status": "rejected"}
