"""run/pool.py's watchdog: a document that stalls or kills its worker costs that document, never the run.

The workers run a stand-in coder (module-level, so it travels to spawned processes by name) that
stalls or dies on documents named for it; the assertions are on outcomes, never on durations.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from eventwire.records import Article, Coded, Rejected
from eventwire.run import pool


@dataclass(frozen=True)
class _Outcome:
    documents: tuple


class _StallingCoder:
    """Codes every article into no event; stalls or dies where an article's id says so."""

    def code_stream(self, items, *, on_stage=None):
        items = list(items)
        for k, item in enumerate(items):
            on_stage("clean", k, 1)
            _misbehave(item, "clean")
        on_stage("parse", 0, len(items))
        for item in items:
            _misbehave(item, "parse")
        out = []
        for k, item in enumerate(items):
            on_stage("code", k, 1)
            _misbehave(item, "code")
            out.append(item if isinstance(item, Rejected) else _Outcome(((item, ()),)))
        return out


def _misbehave(item, stage: str) -> None:
    "Sleep far past the budget, or end the process, when the article is named 'stall-STAGE' / 'die-STAGE'."
    if isinstance(item, Article) and item.id == f"stall-{stage}":
        time.sleep(600)
    if isinstance(item, Article) and item.id == f"die-{stage}":
        os._exit(9)


def _load_stalling(settings) -> _StallingCoder:
    return _StallingCoder()


def _run(ids: list[str], settings) -> list:
    fast = settings.__class__.load(overrides={"document_timeout": 1.0})
    items = [Article(id=i, text="x") for i in ids]
    with pool._Pool(fast, size=2, loader=_load_stalling) as workers:
        return list(workers.code(pool.chunked(iter(items), 4)))


def test_pool_stalled_or_dead_documents_are_rejected_and_the_rest_coded_in_order(settings):
    ids = [f"ok{i}" for i in range(14)]
    ids[2], ids[5], ids[9], ids[12] = "stall-clean", "stall-code", "stall-parse", "die-code"
    outcomes = _run(ids, settings)
    assert [o.doc_id if isinstance(o, Rejected) else o.article.id for o in outcomes] == ids
    reasons = {o.doc_id: o.reason for o in outcomes if isinstance(o, Rejected)}
    assert reasons == {"stall-clean": "timeout", "stall-code": "timeout", "stall-parse": "timeout",
                       "die-code": "internal: worker died"}
    assert all(isinstance(o, Coded) for o in outcomes if not isinstance(o, Rejected))


def test_pool_chunked_keeps_every_item():
    assert list(pool.chunked(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_pool_big_chunks_both_ways_do_not_deadlock(settings):
    "Chunks and results larger than a pipe's buffer, sent while the worker answers: the run ends."
    items = [Article(id=f"big{i}", text="x" * 300_000) for i in range(24)]
    with pool._Pool(settings, size=2, loader=_load_stalling) as workers:
        outcomes = list(workers.code(pool.chunked(iter(items), 4)))
    assert [o.article.id for o in outcomes] == [a.id for a in items]


def _ids(outcomes) -> list[str]:
    return [o.doc_id if isinstance(o, Rejected) else o.article.id for o in outcomes]


def test_coder_processes_serve_run_after_run_and_a_left_run_leaks_nothing(settings):
    "The service's long-lived workers: small runs coded in order; a run left half-way (its consumer"
    " failed) does not hand its answers to the next run."
    with pool.CoderProcesses(settings, size=1, loader=_load_stalling) as processes:
        pids = [w.process.pid for w in processes._pool.workers]
        for run in range(3):
            ids = [f"r{run}-{i}" for i in range(run + 1)]
            assert _ids(pool.code_parallel((Article(id=i, text="x") for i in ids), settings=settings,
                                           processes=processes)) == ids
        assert [w.process.pid for w in processes._pool.workers] == pids  # the same process every run
        left = processes.code(Article(id=f"left{i}", text="x") for i in range(40))
        assert _ids([next(left)]) == ["left0"]
        left.close()  # chunks still in flight
        assert [w.process.pid for w in processes._pool.workers] != pids
        assert _ids(processes.code([Article(id="next", text="x")])) == ["next"]
    assert all(not w.process.is_alive() for w in processes._pool.workers)


def _niceness(settings):
    "A stand-in loader that reports the priority load_background_coder left its process at."
    pool.load_coder = lambda s: _StallingCoder()  # in the worker process only
    pool.load_background_coder(settings)
    return _NiceCoder(os.nice(0))


class _NiceCoder(_StallingCoder):
    def __init__(self, nice: int):
        self.nice = nice

    def code_stream(self, items, *, on_stage=None):
        return [Rejected(item.id, f"nice {self.nice}") for item in items]


def test_the_services_coder_processes_run_at_a_lower_priority(settings):
    with pool.CoderProcesses(settings, size=1, loader=_niceness) as processes:
        (outcome,) = processes.code([Article(id="n", text="x")])
    assert outcome.reason == f"nice {min(os.nice(0) + 10, 19)}"
