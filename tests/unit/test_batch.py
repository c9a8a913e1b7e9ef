"""batch.py: the process pool keeps input order, matches in-process coding, and reads ahead a bounded window."""

from __future__ import annotations

import datetime as dt

import pytest

from eventwire.run import pool as batch
from eventwire.run.pool import code_parallel
from eventwire.records import Article, Rejected

pytestmark = pytest.mark.slow

_SENTENCES = [
    "Russian troops shelled Kharkiv on Monday.",
    "The foreign minister of Egypt met his Israeli counterpart in Cairo.",
    "Protesters demonstrated against the government in Nairobi.",
    "The United Nations demanded a ceasefire in Sudan.",
    "Police arrested three opposition leaders in Caracas.",
]


def _articles(n: int):
    "n short hand-written documents, with a rejection in between; counts how many were read."
    read = {"n": 0}

    def gen():
        for k in range(n):
            read["n"] += 1
            if k == 5:
                yield Rejected(f"r{k}", "no text")
                continue
            text = " ".join(_SENTENCES[(k + j) % len(_SENTENCES)] for j in range(3))
            yield Article(id=f"doc{k:03d}", text=text, published=dt.date(2024, 5, 14))

    return gen(), read


def _flatten(outcomes) -> list:
    "Comparable tuples of outcomes: rejections and (doc id, event dicts)."
    out = []
    for o in outcomes:
        if isinstance(o, Rejected):
            out.append(("rejected", o.doc_id))
        else:
            out.append((o.article.id, [e.as_dict() for doc, evs in o.documents for e in evs]))
    return out


def test_batch_pool_matches_in_process_and_reads_a_bounded_window(settings, coder, monkeypatch):
    n = batch._CHUNK * 2 * 3 + 5  # enough for the pool, not a multiple of the chunk
    items, _ = _articles(n)
    expected = _flatten(code_parallel(items, settings=settings, workers=1, coder=coder))
    monkeypatch.setattr(batch, "_IN_FLIGHT", 1)  # read at most 2 workers x 1 task ahead
    items, read = _articles(n)
    stream = code_parallel(items, settings=settings, workers=2)
    first = next(stream)
    assert read["n"] <= batch._CHUNK * 2 + batch._CHUNK  # head, plus the one task queued beyond it
    got = _flatten([first, *stream])
    assert got == expected
    assert [g[0] for g in got] == [("rejected" if k == 5 else f"doc{k:03d}") for k in range(n)]
    assert sum(len(g[1]) for g in got if g[0] != "rejected") > 0


def test_batch_pool_parent_never_imports_spacy():
    # the parent of a pool only reads, rejoins and writes: importing spaCy there cost it 1-1.6 s of CPU
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, %r)
        from eventwire import cli
        from eventwire.config import Settings
        from eventwire.run import pool
        from eventwire.records import Article, Coded, Rejected
        import test_pool  # a stand-in coder for the workers, so the test needs no model

        items = [Article(id="a", text="x"), Rejected("b", "empty")]
        with pool._Pool(Settings.load(), size=1, loader=test_pool._load_stalling) as workers:
            out = list(workers.code(iter([items])))
        assert isinstance(out[0], Coded) and isinstance(out[1], Rejected), out
        print("spacy" in sys.modules)
    """ % str(Path(__file__).parent))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
