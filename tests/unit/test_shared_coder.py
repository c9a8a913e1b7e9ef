"""run/pipeline.SharedCoder: a server's watcher and its requests code with one coder at the same time."""

from __future__ import annotations

import threading

from eventwire.run.pipeline import SharedCoder

TEXTS = ["Russian troops shelled Kharkiv on Monday.", "Police arrested protesters in Nairobi on Friday.",
         "The United Nations urged both sides to agree a ceasefire in Sudan.",
         "Israel and Egypt held talks in Cairo on Tuesday."]


def _records(k: int) -> list[dict]:
    return [{"id": f"t{k}-{i}", "text": t, "published": "2024-05-14"} for i, t in enumerate(TEXTS)]


def _key(result) -> list:
    articles, rejected, events = result
    return [(e.doc_id.split("-")[1], e.event_type, e.actor.code, e.recipient.code if e.recipient else None,
             e.sentence_start) for e in events]


def test_shared_coder_threads_code_as_one_thread_does(coder):
    shared = SharedCoder(coder.settings, coder=coder)
    alone = _key(shared.code_records(_records(0)))
    results: dict[int, list] = {}

    def work(k: int) -> None:
        results[k] = _key(shared.code_records(_records(k)))
        shared.places(coder_article(k))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert alone and all(results[k] == alone for k in range(1, 5))


def coder_article(k: int):
    from eventwire.records import Article

    return Article(id=f"p{k}", text="Protesters marched in Nairobi and Mombasa.")


def test_pipeline_two_documents_with_one_id_keep_their_own_events(coder):
    "Two copies of an id in one chunk (the same GUID twice in a feed) are each coded from their own text."
    from eventwire.records import Article, Coded

    one = Article(id="a", text="Russian troops shelled Kharkiv on Monday.")
    two = Article(id="a", text="Police arrested protesters in Nairobi on Friday.")
    alone = [[e.event_type for _, evs in o.documents for e in evs] for o in coder.code_stream([one])]
    both = list(coder.code_stream([one, two]))
    assert all(isinstance(o, Coded) for o in both)
    assert [e.event_type for _, evs in both[0].documents for e in evs] == alone[0]
    assert "ASSAULT" not in [e.event_type for _, evs in both[1].documents for e in evs]
