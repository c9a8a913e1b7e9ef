"""run/watch.py against a local news site on 127.0.0.1: feeds in, events out, nothing fetched twice."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eventwire.run.pipeline import SharedCoder
from eventwire.run.watch import Watcher, feed_item_id, read_sources
from eventwire.store import Store
from eventwire.text.fetch import Fetcher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newssite import NewsSite  # noqa: E402


@pytest.fixture()
def site():
    with NewsSite(range(8)) as s:
        yield s


def _watcher(sources, settings, coder) -> Watcher:
    return Watcher(sources, settings=settings, coding=SharedCoder(settings, coder=coder),
                   fetcher=Fetcher(host_delay=0.0, retries=0, timeout=5))


def _event_ids(path) -> set[str]:
    with Store.open(path, read_only=True) as store:
        return {r["event_id"] for r in store.events(limit=1000, include_hypothetical=True)}


def test_read_sources(tmp_path):
    f = tmp_path / "sources.txt"
    f.write_text("# my feeds\nhttp://a.test/feed.xml\n\n  /data/pages   # a folder\n#http://off.test/\n")
    assert read_sources(f) == ["http://a.test/feed.xml", "/data/pages"]


def test_feed_items_are_fetched_coded_and_stored_once(site, tmp_path, settings, coder):
    db = str(tmp_path / "live.duckdb")
    feed = f"{site.url}/feed.xml"
    site.extra_xml = (f"<item><title>Again</title><link>{site.url}/a/3.html</link><guid>story-3</guid></item>"
                      f"<item><title>Broken</title><link>{site.url}/broken.html</link><guid>broken</guid></item>")
    watcher = _watcher([feed], settings, coder)
    with Store.open(db) as store:
        report = watcher.poll(store)
        assert report.documents == 8 and report.fetched == 9  # the feed and 8 pages; the duplicate GUID once
        assert report.failures == {"HTTP 500": 1}
        assert store.stats()["tables"]["documents"] == 8
        assert store.seen_keys(feed) == {f"story-{n}" for n in range(8)}
        first = {r["event_id"] for r in store.events(limit=1000, include_hypothetical=True)}
        assert first
        (state,) = store.poll_state()
        assert state["failures"] == 1 and state["latest_failures"][0]["reason"] == "HTTP 500"

        again = watcher.poll(store)  # a page failed: the feed is read again (no 304) to retry it
        assert again.fetched == 1 and again.documents == 0 and again.failures == {"HTTP 500": 1}
        site.items = list(range(16))  # 8 new items
        more = watcher.poll(store)
        assert more.documents == 8 and site.hits["/a/3.html"] == 1
        assert store.stats()["tables"]["documents"] == 16
    ids = _event_ids(db)
    assert first <= ids

    restarted = _watcher([feed], settings, coder)  # a restart: state from the store
    hits = dict(site.hits)
    with Store.open(db) as store:
        for _ in range(2):
            restarted.poll(store)
    assert {k: v for k, v in site.hits.items() if k.startswith("/a/")} == {k: v for k, v in hits.items()
                                                                            if k.startswith("/a/")}
    assert _event_ids(db) == ids
    assert restarted.metrics()["documents_fetched"] == 0


def test_page_and_folder_sources(site, tmp_path, settings, coder):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "one.txt").write_text("Russia attacked Ukraine in Kharkiv on Monday.")
    page = f"{site.url}/a/42.html"
    watcher = _watcher([page, str(folder), f"{site.url}/missing.html", str(tmp_path / "nowhere")], settings, coder)
    db = str(tmp_path / "s.duckdb")
    with Store.open(db) as store:
        report = watcher.poll(store)
        assert report.documents == 2 and report.failures == {"HTTP 404": 1, "no such file or folder": 1}
        (folder / "two.txt").write_text("China criticized Taiwan on Tuesday.")
        report = watcher.poll(store)
        assert report.documents == 2 - 1 and report.skipped == 2  # the new file; the page and one.txt unchanged
        kinds = {s["source"]: s["kind"] for s in store.poll_state()}
        assert kinds[page] == "page" and kinds[str(folder)] == "path"


@pytest.mark.parametrize("text", [
    '<?xml version="1.0"?><rss version="2.0"><channel><item><title>T</title><link>http://n.test/1</link>'
    "<guid>g1</guid></item><item><link>http://n.test/2</link></item></channel></rss>",
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title><id>g1</id>'
    '<link rel="alternate" href="http://n.test/1"/></entry><entry><link href="http://n.test/2"/></entry></feed>',
    '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "g1", "title": "T", "url": "http://n.test/1"},'
    ' {"url": "http://n.test/2"}]}',
], ids=["rss", "atom", "jsonfeed"])
def test_each_feed_format_gives_linked_items_without_bodies(text):
    from eventwire.run.watch import _looks_like_feed
    from eventwire.text.reading import read_feed

    assert _looks_like_feed(text)
    first, second = list(read_feed(text, name="http://n.test/feed"))
    assert (first.id, first.url, first.title) == ("g1", "http://n.test/1", "T")
    assert second.url == "http://n.test/2" and second.id  # keyed by its link when it has no GUID


def test_a_feed_cannot_make_the_watcher_read_an_internal_address(site, tmp_path, settings, coder):
    "An item link to a loopback host the sources file does not name is refused, not fetched and published."
    internal = site.url.replace("127.0.0.1", "localhost")  # the same server under a name nobody listed
    site.extra_xml = f"<item><title>Inside</title><link>{internal}/a/3.html</link><guid>inside</guid></item>"
    watcher = _watcher([f"{site.url}/feed.xml"], settings, coder)
    with Store.open(str(tmp_path / "w.duckdb")) as store:
        report = watcher.poll(store)
    assert report.failures.get("refused") == 1
    assert "inside" not in {k for k in report.rejected}


def test_internal_address_names_loopback_and_private_hosts():
    from eventwire.run.watch import _internal_address

    assert _internal_address("localhost") and _internal_address("127.0.0.1") and _internal_address("10.1.2.3")
    assert _internal_address("169.254.169.254") and not _internal_address("8.8.8.8")


@pytest.mark.parametrize(("key", "expected"), [
    ("story-3", "http://a.test/feed.xml#story-3"),  # a bare GUID: unique only within its feed
    ("42", "http://a.test/feed.xml#42"),
    ("https://a.test/a/3.html", "https://a.test/a/3.html"),  # a permalink or a link: one document everywhere
    ("tag:a.test,2024:story-3", "tag:a.test,2024:story-3"),  # an Atom id: universally unique
    ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"),
])
def test_watch_feed_item_id_namespaces_bare_guids(key, expected):
    assert feed_item_id("http://a.test/feed.xml", key) == expected


def test_two_feeds_with_the_same_guids_keep_their_documents_apart(site, tmp_path, settings, coder):
    site.items = list(range(3))
    feeds = [f"{site.url}/feed.xml", f"{site.url}/feed.xml?edition=b"]  # both number their items story-0..2
    with Store.open(str(tmp_path / "two.duckdb")) as store:
        report = _watcher(feeds, settings, coder).poll(store)
        assert report.documents == 6
        assert store.known_doc_ids() == {f"{feed}#story-{n}" for feed in feeds for n in range(3)}
        assert store.seen_keys(feeds[1]) == {f"story-{n}" for n in range(3)}
