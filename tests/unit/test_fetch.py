"""text/fetch.py on httpx.MockTransport: conditional GET, politeness, and every failure as a reason."""

from __future__ import annotations

import threading

import httpx
import pytest

from eventwire.text.fetch import USER_AGENT, Fetcher


def _fetcher(handler, **options) -> tuple[Fetcher, list[float]]:
    "A Fetcher on a mock transport whose sleeps are recorded, not slept."
    slept: list[float] = []
    options = {"host_delay": 0.0, "backoff": 0.5, **options}
    return Fetcher(transport=httpx.MockTransport(handler), sleep=slept.append, **options), slept


def test_conditional_get_sends_validators_and_reads_304():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, text="<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})

    fetcher, _ = _fetcher(handler)
    first = fetcher.get("http://news.test/feed.xml")
    assert first.ok and first.etag == '"v1"' and first.last_modified.startswith("Mon")
    again = fetcher.get("http://news.test/feed.xml", etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and not again.ok and again.failure is None
    assert seen["if-modified-since"] == first.last_modified
    assert seen["user-agent"] == USER_AGENT and "eventwire" in USER_AGENT


def test_500_is_retried_with_backoff_then_recorded():
    calls = []

    def handler(request):
        calls.append(request.url)
        return httpx.Response(500)

    fetcher, slept = _fetcher(handler, retries=2)
    got = fetcher.get("http://news.test/a")
    assert got.failure == "HTTP 500" and got.status == 500 and len(calls) == 3
    assert slept == [0.5, 1.0]


def test_500_then_200_succeeds():
    answers = iter([httpx.Response(503), httpx.Response(200, html="<p>ok</p>")])
    fetcher, _ = _fetcher(lambda request: next(answers), retries=2)
    assert fetcher.get("http://news.test/a", want_html=True).ok


def test_404_is_not_retried():
    calls = []
    fetcher, _ = _fetcher(lambda request: calls.append(1) or httpx.Response(404), retries=3)
    assert fetcher.get("http://news.test/gone").failure == "HTTP 404" and len(calls) == 1


def test_slow_host_times_out():
    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    fetcher, slept = _fetcher(handler, retries=1)
    assert fetcher.get("http://slow.test/").failure == "timeout"
    assert slept == [0.5]


def test_fifty_megabyte_page_is_too_large_without_reading_it_all():
    produced = []

    def body():
        for _ in range(50):
            produced.append(1)
            yield b"x" * 1_000_000

    fetcher, _ = _fetcher(lambda request: httpx.Response(200, content=body(), headers={"Content-Type": "text/html"}),
                          max_bytes=2_000_000)
    assert fetcher.get("http://big.test/page").failure == "too large"
    assert len(produced) <= 3


def test_declared_length_over_the_cap_is_too_large():
    fetcher, _ = _fetcher(lambda request: httpx.Response(200, content=b"x" * 100), max_bytes=10)
    assert fetcher.get("http://big.test/page").failure == "too large"


def test_redirect_loop():
    fetcher, _ = _fetcher(lambda request: httpx.Response(302, headers={"Location": "http://loop.test/a"}))
    assert fetcher.get("http://loop.test/a").failure == "too many redirects"


def test_not_html_page():
    fetcher, _ = _fetcher(lambda request: httpx.Response(200, content=b"%PDF", headers={"Content-Type": "application/pdf"}))
    assert fetcher.get("http://news.test/a.pdf", want_html=True).failure == "not HTML: application/pdf"


@pytest.mark.parametrize("url", ["ftp://news.test/a", "not a url", "http:///nohost"])
def test_invalid_urls(url):
    fetcher, _ = _fetcher(lambda request: httpx.Response(200))
    assert fetcher.get(url).failure == "invalid url"


def test_connection_error_is_a_reason():
    def handler(request):
        raise httpx.ConnectError("refused", request=request)

    fetcher, _ = _fetcher(handler, retries=0)
    assert fetcher.get("http://down.test/").failure == "connection error: ConnectError"


def test_host_delay_between_requests_to_one_host_only():
    fetcher, slept = _fetcher(lambda request: httpx.Response(200, text="x"), host_delay=5.0)
    fetcher.get("http://a.test/1")
    fetcher.get("http://b.test/1")
    fetcher.get("http://a.test/2")
    assert len(slept) == 1 and 4.0 < slept[0] <= 5.0


def test_one_request_at_a_time_per_host():
    active, peak, lock = [0], [0], threading.Lock()

    def handler(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        threading.Event().wait(0.02)
        with lock:
            active[0] -= 1
        return httpx.Response(200, text="x")

    fetcher = Fetcher(transport=httpx.MockTransport(handler), host_delay=0.0)
    threads = [threading.Thread(target=fetcher.get, args=(f"http://one.test/{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 1
