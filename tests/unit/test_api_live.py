"""The API's live-service parts: a watcher started and stopped with the app, /stats and /metrics."""

from __future__ import annotations

from fastapi.testclient import TestClient

from eventwire.serve.api import create_app


class FakeWatcher:
    def __init__(self):
        self.calls = []

    def start(self, store):
        self.calls.append("start")
        store.record_failure("http://feed.test/rss", "http://feed.test/a", "HTTP 500")
        store.record_poll("http://feed.test/rss", kind="feed", status="ok")

    def stop(self):
        self.calls.append("stop")

    def state(self):
        return {"last_poll": "2026-12-04T10:00:00Z", "next_poll": "2026-12-04T10:15:00Z", "polls": 1}

    def metrics(self):
        return {"documents_fetched": 9, "documents_stored": 8, "events_stored": 20, "polls": 1,
                "poll_seconds": 2.5, "queue_depth": 0, "fetch_failures": {"HTTP 500": 1},
                "rejected": {"not English": 2}}


def test_watcher_runs_with_the_app_and_shows_in_stats_and_metrics(tmp_path):
    watcher = FakeWatcher()
    with TestClient(create_app(str(tmp_path / "s.duckdb"), watcher=watcher)) as client:
        assert watcher.calls == ["start"]
        watch = client.get("/stats").json()["watch"]
        assert watch["next_poll"] == "2026-12-04T10:15:00Z"
        (source,) = watch["sources"]
        assert source["failures"] == 1 and source["latest_failures"][0]["reason"] == "HTTP 500"
        answer = client.get("/metrics")
        assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
        text = answer.text
        assert "eventwire_documents_fetched_total 9" in text
        assert 'eventwire_fetch_failures_total{reason="HTTP 500"} 1' in text
        assert 'eventwire_documents_rejected_total{reason="not English"} 2' in text
        assert "eventwire_poll_duration_seconds 2.5" in text and "eventwire_queue_depth 0" in text
        assert 'eventwire_store_rows{table="events"} 0' in text
    assert watcher.calls == ["start", "stop"]


def test_without_a_watcher(tmp_path):
    with TestClient(create_app(str(tmp_path / "s.duckdb"))) as client:
        assert client.get("/stats").json()["watch"] is None
        text = client.get("/metrics").text
        assert "eventwire_store_rows" in text and "fetched" not in text
