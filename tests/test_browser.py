"""The dashboard in a real headless Chromium (Debian's), served by uvicorn on loopback.

A person's path: open the page, pick a dyad, open one of its events and read its sentence
highlighted in the article; then the map, the network and "what changed"; then an analyst
corrects an event from the keyboard and sends another away with one key. Screenshots go
to a temporary folder, and also to $EVENTWIRE_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")

playwright_sync = pytest.importorskip(
    "playwright.sync_api", reason="playwright (PyPI, pinned in requirements.lock) is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)",
                allow_module_level=True)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_db(coder, samples_dir, settings, tmp_path_factory) -> str:
    "The repository's samples coded into a store."
    from eventwire.text.reading import read_inputs
    from eventwire.run.pipeline import split_outcomes
    from eventwire.store import Store

    articles, rejected, events = split_outcomes(coder.code_stream(read_inputs([samples_dir], settings=settings)))
    path = str(tmp_path_factory.mktemp("browser") / "samples.duckdb")
    with Store.open(path) as store:
        store.write_batch(articles, rejected, events)
    return path


@contextmanager
def _serving(app):
    "uvicorn serving ``app`` on a free loopback port, in a thread; yields the base URL."
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not uv.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def server(sample_db):
    "The app over the samples' store (no write token), served on loopback."
    from eventwire.serve.api import create_app

    with _serving(create_app(sample_db, token=None, read_only=False)) as url:
        yield url


REVIEW_TOKEN = "browser-test-token"


@pytest.fixture(scope="module")
def review_server(sample_db, settings, tmp_path_factory):
    "The app with a write token and the vocabulary, over a copy of the samples' store (corrections stay there)."
    from eventwire.run.vocabulary import load_vocabulary
    from eventwire.serve.api import create_app

    path = tmp_path_factory.mktemp("review") / "review.duckdb"
    shutil.copyfile(sample_db, path)
    app = create_app(str(path), settings=settings, token=REVIEW_TOKEN, vocabulary=load_vocabulary(settings))
    with _serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    "A Chromium page that records every request and every script error."
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update"])
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.requests, pg.errors = [], []
        pg.on("request", lambda r: pg.requests.append(r.url))
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.set_default_timeout(15_000)
        yield pg
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    "Save a screenshot to a temporary folder and, when set, to $EVENTWIRE_SCREENSHOTS."
    folders = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get("EVENTWIRE_SCREENSHOTS"):
        folders.append(Path(os.environ["EVENTWIRE_SCREENSHOTS"]))
        folders[-1].mkdir(parents=True, exist_ok=True)

    def save(page, name: str) -> Path:
        path = folders[0] / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        for folder in folders[1:]:
            shutil.copyfile(path, folder / path.name)
        assert path.stat().st_size > 10_000, f"{name}.png looks blank"
        return path

    return save


def _top_dyad(server: str) -> tuple[str, str]:
    "The most frequent dyad with both sides, as the dashboard's picker lists it."
    dyads = httpx.get(f"{server}/summary", params={"top": 30}).json()["top_dyads"]
    pair = next(d for d in dyads if d["actor"] and d["recipient"])
    return pair["actor"], pair["recipient"]


def test_browser_pick_dyad_open_event_find_sentence(server, page, shots):
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#counts .card").count() == 4
    # the language filter offers the languages the store holds documents in (GET /stats)
    assert page.locator("#filters select[name=language] option[value=en]").count() == 1
    actor, recipient = _top_dyad(server)

    page.click("#tabs a[data-view=dyad]")
    page.select_option("#dyad-select", value=f"{actor}\t{recipient}")
    page.wait_for_selector("#dyad-events tbody tr")
    assert page.inner_text("#dyad-title") == f"{actor} → {recipient}"
    assert page.locator("#dyad-chart canvas").count() >= 1
    rows = page.locator("#dyad-events tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):  # the dyad's parties, or a sector of them: PER holds PERUAF (store/queries.py)
        cells = rows.nth(i).locator("td")
        shown = (cells.nth(2).inner_text(), cells.nth(3).inner_text())
        assert all(cell == want or (len(want) == 3 and cell[:3] == want and len(cell) == 6)
                   for cell, want in zip(shown, (actor, recipient))), shown
    shots(page, "1-dyad-timeline")

    event_id = rows.first.get_attribute("data-id")
    rows.first.click()
    page.wait_for_selector("#document mark#event-sentence")
    assert page.locator("#view-event").is_visible() and page.locator("#view-events").is_hidden()
    mention = httpx.get(f"{server}/events/{event_id}").json()["mentions"][0]
    mark = page.locator("#document mark#event-sentence")
    assert " ".join(mark.inner_text().split()) == " ".join(mention["sentence"].split())
    assert mark.locator(".role.trigger").count() == 1
    trigger = mark.locator(".role.trigger").inner_text().lower().split()
    words = mention["trigger"].lower().split()  # a light verb's trigger may be words apart: "sign ... pact"
    assert (trigger[0], trigger[-1]) == (words[0], words[-1])
    if mention["actor_text"] and mention["actor_text"].lower() in mention["sentence"].lower():
        assert mark.locator(".role.actor").inner_text().lower() == mention["actor_text"].lower()
    shots(page, "2-event")
    assert page.errors == []


def test_browser_map_network_and_trends(server, page, shots):
    page.goto(server + "/#map")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#map-chart canvas")
    page.wait_for_function("document.querySelector('#map-country').textContent.length > 0")
    located = httpx.get(f"{server}/map").json()
    shots(page, "3-map")
    if located["features"]:  # click a dot: the event opens
        lon, lat = located["features"][0]["geometry"]["coordinates"]
        x, y = page.evaluate("([lon, lat]) => state.charts['map-chart'].convertToPixel({geoIndex: 0}, [lon, lat])",
                             [lon, lat])
        box = page.locator("#map-chart").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_selector("#document mark#event-sentence")
        assert page.url.split("#")[1].startswith("event/")
    country = located["countries"][0]
    page.goto(f"{server}/#map/{country['country']}")  # drill-down into one country
    page.wait_for_selector("#map-events tbody tr")
    assert page.locator("#map-events tbody tr").count() == min(country["events"], 50)

    page.click("#tabs a[data-view=network]")
    page.wait_for_selector("#network-chart canvas")
    page.wait_for_timeout(1500)  # let the force layout settle before the picture
    shots(page, "4-network")

    page.click("#tabs a[data-view=trends]")
    page.wait_for_function("document.querySelector('#trends-note').textContent.length > 0")
    trends = httpx.get(f"{server}/trends").json()
    assert page.locator("#trends-countries tbody tr").count() == len(trends["countries"])
    shots(page, "5-what-changed")

    page.click("#tabs a[data-view=events]")
    page.select_option("#filters select[name=quad_class]", "4")
    page.click("#filters button[type=submit]")
    page.wait_for_function("document.querySelector('#events-box p').textContent.includes('shown')")
    expected = httpx.get(f"{server}/events", params={"quad_class": 4, "limit": 50}).json()["count"]
    assert page.locator("#events-box tbody tr").count() == expected
    # a non-state armed party is named with its sector, as GDELT and the listings name it: the rebels
    # of a country are not its state ("SOMREB -> SOM", never "SOM -> SOM")
    rows = httpx.get(f"{server}/events", params={"quad_class": 4, "limit": 50}).json()["events"]
    armed = next(e for e in rows if e["actor_sector"] == "REB" and e["actor_code"])
    cells = page.locator(f"#events-box tbody tr[data-id='{armed['event_id']}'] td")
    assert cells.nth(2).inner_text() == armed["actor_code"] + "REB"
    shots(page, "6-events")

    assert page.errors == []
    external = [u for u in page.requests if not u.startswith(server)]
    assert external == [], f"the dashboard reached outside the server: {external[:5]}"


class _FakeWatcher:
    "A watcher whose state the dashboard shows (run/watch.py's shape), with a failing source."

    def start(self, store):
        store.record_poll("http://news.test/rss", kind="feed", status="ok")
        store.record_failure("http://news.test/rss", "http://news.test/a/9", "HTTP 500")

    def stop(self):
        pass

    def state(self):
        return {"sources": 1, "every": 900, "polls": 3, "last_poll": "2026-12-04T10:00:00Z",
                "next_poll": "2026-12-04T10:15:00Z", "last_poll_seconds": 2.5, "running": True}

    def metrics(self):
        return {}


def test_browser_refreshes_by_itself_and_shows_the_watcher(coder, page, shots, tmp_path):
    "New events stored while the page is open appear without a reload; the watcher's state is shown."
    import datetime as dt

    import uvicorn

    from eventwire.records import Article
    from eventwire.run.pipeline import split_outcomes
    from eventwire.serve.api import create_app

    app = create_app(str(tmp_path / "live.duckdb"), watcher=_FakeWatcher())
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not uv.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        page.goto(url + "/?refresh=300#events")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_selector("#watch:not([hidden])")
        assert "HTTP 500" in page.inner_text("#watch") and "next poll" in page.inner_text("#next-poll")
        page.wait_for_function("document.querySelector('#events-box p').textContent.includes('No events')")
        # the watcher stores a document while the page is open
        article = Article(id="live", text="Russian troops shelled Kharkiv on Monday. The UN condemned the attack.",
                          published=dt.date(2024, 5, 14), url="https://news.test/live")
        articles, rejected, events = split_outcomes(coder.code_stream([article]))
        session = app.state.store.session()
        try:
            session.write_batch(articles, rejected, events)
        finally:
            session.close()
        listed = httpx.get(f"{url}/events").json()["count"]  # what the table shows (asserted events)
        stored = httpx.get(f"{url}/summary").json()["events"]
        assert listed > 0
        page.wait_for_function(f"document.querySelectorAll('#events-box tbody tr').length === {listed}",
                               timeout=20_000)
        page.wait_for_function(
            f"[...document.querySelectorAll('#counts .value')].some((v) => v.textContent === '{stored:,}')")
        shots(page, "7-live")
        assert page.errors == []
    finally:
        uv.should_exit = True
        thread.join(10)
        sock.close()


def _event_url(server: str, event_id: str) -> str:
    return f"{server}/#event/{quote(event_id, safe='')}"


def test_browser_correct_an_event_then_one_key_not_an_event(review_server, page, shots):
    "The token asked once (a wrong one asked again), a new type with its trail row, a 422 shown, x and its undo."
    url = review_server
    listed = httpx.get(f"{url}/events", params={"limit": 50, "sort": "newest"}).json()["events"]
    first, second = listed[0], listed[1]
    new_type = "PROTEST" if first["event_type"] != "PROTEST" else "ACCUSE"

    page.goto(_event_url(url, first["event_id"]))
    page.errors.clear()  # the page left the last test's server, now stopped, mid-poll
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#document mark#event-sentence")
    assert page.evaluate("document.activeElement.id") == "view-event"
    page.keyboard.press("e")  # the edit form opens on the type, filled with the event's values
    assert page.evaluate("document.activeElement.id") == "edit-first"
    assert page.input_value("#edit-first") == first["event_type"]
    page.select_option("#edit-first", new_type)
    page.keyboard.press("Tab")  # the mode input follows the type
    assert page.evaluate("document.activeElement.name") == "mode"
    page.fill("#edit-form input[name=note]", "a march, not a meeting")
    page.fill("#edit-form input[name=analyst]", "ann")
    page.press("#edit-form input[name=analyst]", "Enter")  # Enter saves: the token is asked first
    page.wait_for_selector("#token-form:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "token-input"
    page.keyboard.type("wrong-token")
    page.keyboard.press("Enter")  # a 401 asks again
    page.wait_for_function("document.querySelector('#review-message').textContent.includes('refused')")
    page.wait_for_selector("#token-form:not([hidden])")
    page.keyboard.type(REVIEW_TOKEN)
    page.keyboard.press("Enter")
    page.wait_for_selector("#trail tbody tr[data-field=event_type]")
    row = page.locator("#trail tbody tr[data-field=event_type] td")
    assert (row.nth(1).inner_text(), row.nth(3).inner_text(), row.nth(4).inner_text()) == \
        ("ann", first["event_type"], new_type)
    fields = page.eval_on_selector_all("#trail tbody tr", "rows => rows.map((r) => r.dataset.field)")
    assert sorted(fields) == ["cameo", "event_type", "quad_class", "score"]  # only what changed, and what it brings
    assert page.inner_text("#detail-title .type") == new_type
    assert page.locator("#edit-form").is_hidden() and page.locator("#detail-badges .badge.corrected").count() == 1
    assert f"coded: {first['event_type']}" in page.inner_text("#detail-fields")
    assert page.evaluate("sessionStorage.getItem('eventwire.token')") == REVIEW_TOKEN
    assert httpx.get(f"{url}/events/{first['event_id']}").json()["event_type"] == new_type
    shots(page, "8-corrected")

    page.keyboard.press("e")  # a value outside the code lists: the server's 422, shown in the form
    page.fill("#edit-form input[name=actor_code]", "XXQ")
    page.press("#edit-form input[name=actor_code]", "Enter")
    page.wait_for_function("document.querySelector('#edit-message').textContent.includes('XXQ')")
    assert "not a known actor code" in page.inner_text("#edit-message")
    shots(page, "9-invalid-value")
    page.keyboard.press("Escape")  # Esc cancels: nothing was stored
    assert page.locator("#edit-form").is_hidden()
    assert httpx.get(f"{url}/events/{first['event_id']}").json()["actor_code"] == first["actor_code"]

    page.evaluate("(id) => { location.hash = `#event/${encodeURIComponent(id)}`; }", second["event_id"])
    page.wait_for_function("(id) => review.event && review.event.event_id === id", arg=second["event_id"])
    page.keyboard.press("x")  # one key, no dialog: back to the list, without it
    page.wait_for_selector("#view-events:not([hidden]) #events-box tbody tr")
    page.wait_for_selector("#toast:not([hidden])")
    ids = page.eval_on_selector_all("#events-box tbody tr", "rows => rows.map((r) => r.dataset.id)")
    assert second["event_id"] not in ids and first["event_id"] in ids
    assert second["event_id"] not in {e["event_id"] for e in httpx.get(f"{url}/events", params={"limit": 1000}).json()["events"]}
    assert httpx.get(f"{url}/events/{second['event_id']}").json()["review_status"] == "rejected"
    shots(page, "10-not-an-event")
    page.keyboard.press("u")  # the undo puts it back
    page.wait_for_selector(f"#events-box tbody tr[data-id='{second['event_id']}']")
    assert "review_status" not in httpx.get(f"{url}/events/{second['event_id']}").json()

    page.goto(_event_url(url, first["event_id"]))  # "Forget token" empties the tab's storage
    page.wait_for_selector("#token-state:not([hidden])")
    page.click("#token-forget")
    assert page.evaluate("sessionStorage.getItem('eventwire.token')") is None
    # Chromium logs the 401 and 422 responses the test asked for; nothing else may fail
    assert [e for e in page.errors if "status of 401" not in e and "status of 422" not in e] == []
    external = [u for u in page.requests if not u.startswith(("http://127.0.0.1", "data:"))]
    assert external == [], f"the dashboard reached outside the server: {external[:5]}"
