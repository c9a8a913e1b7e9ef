"""store/polls.py: the watcher's poll state, written with the batch that stores an item."""

from __future__ import annotations

import duckdb

from eventwire.records import Article
from eventwire.store import SCHEMA_VERSION, SeenItem, Store, StoredInput


def test_seen_items_are_written_in_the_batch_transaction(tmp_path):
    path = str(tmp_path / "s.duckdb")
    with Store.open(path) as store:
        store.record_failure("http://feed.test/rss", "http://feed.test/a", "HTTP 500")
        store.record_failure("http://feed.test/rss", "http://feed.test/a", "timeout")
        assert store.failure_attempts("http://feed.test/rss") == {"http://feed.test/a": 2}
        store.write_batch([Article(id="a", text="Hello.")], [], [], coder_version="v",
                          inputs=[StoredInput("a", "h", ("a",))],
                          seen=[SeenItem("http://feed.test/rss", "http://feed.test/a", "a")])
        assert store.seen_keys("http://feed.test/rss") == {"http://feed.test/a"}
        assert store.failure_attempts("http://feed.test/rss") == {}  # a stored item has no failure left
        store.record_poll("http://feed.test/rss", kind="feed", status="ok", etag='"e1"', last_modified="lm")
        store.record_poll("http://feed.test/rss", kind="feed", status="not modified")  # validators kept
        assert store.validators("http://feed.test/rss") == ('"e1"', "lm")
        (state,) = store.poll_state()
        assert state["items_seen"] == 1 and state["last_status"] == "not modified" and state["failures"] == 0
    con = duckdb.connect(path, read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION == "3"
    con.close()


def test_a_schema_2_store_gains_the_poll_tables(tmp_path):
    path = str(tmp_path / "old.duckdb")
    con = duckdb.connect(path)
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.close()
    with Store.open(path) as store:
        assert store.poll_state() == [] and store.seen_keys("x") == set()
